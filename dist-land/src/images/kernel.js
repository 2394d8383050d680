// Recognising a RISC-V Linux kernel Image (raw, compressed, or EFI zboot) and reading the kernel config.
import { compressionOfData, decompress } from './decompress.js';
/** "RSC\x05" at offset 0x38 of the RISC-V Image header (Documentation/arch/riscv/boot-image-header.rst). */
export function isRiscvImage(data) {
    return (data.length >= 0x40 && data[0x38] === 0x52 && data[0x39] === 0x53 && data[0x3a] === 0x43 && data[0x3b] === 0x05);
}
const ZBOOT_TYPES = { gzip: 'gzip', xz: 'xz', zstd: 'zstd' };
/** Returns the raw, bootable Image from a packaged kernel file, whatever its packaging. */
export async function kernelImageFrom(data) {
    if (isRiscvImage(data))
        return { image: Buffer.from(data), packaging: 'raw Image' };
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // EFI zboot: a PE stub whose header says where the compressed Image is (drivers/firmware/efi/libstub/zboot-header.S).
    if (view.length >= 0x40 && view.toString('latin1', 0, 2) === 'MZ' && view.toString('latin1', 4, 8) === 'zimg') {
        const offset = view.readUInt32LE(8);
        const size = view.readUInt32LE(12);
        const type = view.toString('latin1', 24, 32).replace(/\0.*$/s, '');
        const kind = ZBOOT_TYPES[type];
        if (!kind)
            throw new Error(`EFI zboot kernel compressed with unsupported "${type}"`);
        const image = await decompress(view.subarray(offset, offset + size), kind);
        if (!isRiscvImage(image))
            throw new Error('EFI zboot payload is not a RISC-V Image');
        return { image, packaging: `EFI zboot (${type})` };
    }
    if (view.length >= 4 && view.readUInt32BE(0) === 0x7f454c46) {
        throw new Error('kernel is an ELF vmlinux, not a bootable Image');
    }
    const kind = compressionOfData(data);
    if (kind !== 'none') {
        const image = await decompress(data, kind);
        if (isRiscvImage(image))
            return { image, packaging: `${kind}-compressed Image` };
    }
    throw new Error('kernel file is not a RISC-V Image (no "RSC\\x05" magic at 0x38)');
}
/** CONFIG_ name → value ("y", "m", a number or a quoted string); "is not set" entries are omitted. */
export function parseKernelConfig(text) {
    const out = new Map();
    for (const line of text.split('\n')) {
        const m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
        if (m)
            out.set(m[1], m[2]);
    }
    return out;
}
/** Which virtio-related options (and the guest's storage/network helpers) are built in (=y) or modules (=m). */
export function virtioSupport(config) {
    const interesting = (name) => name.includes('VIRTIO') ||
        ['EXT4_FS', 'NET_FAILOVER', 'FAILOVER', 'HW_RANDOM', 'CRC16', 'LIBCRC32C', 'CRYPTO_CRC32C'].includes(name);
    const builtin = [];
    const modules = [];
    for (const [name, value] of config) {
        if (!interesting(name))
            continue;
        if (value === 'y')
            builtin.push(name);
        else if (value === 'm')
            modules.push(name);
    }
    return { builtin: builtin.sort(), modules: modules.sort() };
}
//# sourceMappingURL=kernel.js.map