// Format probing from an image's first sector: qcow2, which we open, and the magics of other formats, which we refuse.
import { isQcow2 } from './qcow2/header.js';
/** Bytes the prober looks at: sector 0, as QEMU's BLOCK_PROBE_BUF_SIZE. */
export const PROBE_BYTES = 512;
const ascii = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** Magics of formats QEMU probes and we do not open (block/*.c probe functions), at their offsets. */
const FOREIGN = [
    { name: 'qed', offset: 0, magic: ascii('QED\0') },
    { name: 'vmdk', offset: 0, magic: ascii('KDMV') },
    { name: 'vmdk', offset: 0, magic: ascii('COWD') },
    { name: 'vmdk', offset: 0, magic: ascii('# Disk DescriptorFile') },
    { name: 'vdi', offset: 64, magic: Uint8Array.of(0x7f, 0x10, 0xda, 0xbe) },
    { name: 'vhdx', offset: 0, magic: ascii('vhdxfile') },
    { name: 'vpc', offset: 0, magic: ascii('conectix') },
    { name: 'luks', offset: 0, magic: Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe) },
    { name: 'parallels', offset: 0, magic: ascii('WithoutFreeSpace') },
    { name: 'parallels', offset: 0, magic: ascii('WithouFreSpacExt') },
    { name: 'bochs', offset: 0, magic: ascii('Bochs Virtual HD Image') },
];
/** The format sector 0 says the image is: 'qcow2', 'raw' when nothing is recognised, or the name of a foreign format. */
export function probeBytes(head) {
    if (isQcow2(head))
        return 'qcow2';
    for (const f of FOREIGN) {
        if (head.length < f.offset + f.magic.length)
            continue;
        let same = true;
        for (let i = 0; i < f.magic.length && same; i++)
            same = head[f.offset + i] === f.magic[i];
        if (same)
            return f.name;
    }
    return 'raw';
}
//# sourceMappingURL=probe.js.map