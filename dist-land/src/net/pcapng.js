// pcapng blocks (section header, Ethernet interface, enhanced packets with an optional comment) for `net capture`.
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const OPT_END = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const SHB_USERAPPL = 4;
/** The largest block a capture writes: a switch frame (64 KiB + 4 KiB) plus headers and a comment. */
export const MAX_BLOCK = 65536 + 4096 + 1024;
const pad4 = (n) => (n + 3) & ~3;
function options(list) {
    if (!list.length)
        return Buffer.alloc(0);
    const size = list.reduce((s, [, v]) => s + 4 + pad4(v.length), 4);
    const b = Buffer.alloc(size);
    let at = 0;
    for (const [code, v] of list) {
        b.writeUInt16LE(code, at);
        b.writeUInt16LE(v.length, at + 2);
        b.set(v, at + 4);
        at += 4 + pad4(v.length);
    }
    b.writeUInt16LE(OPT_END, at);
    return b;
}
function block(type, body) {
    const b = Buffer.alloc(12 + body.length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(b.length, 4);
    body.copy(b, 8);
    b.writeUInt32LE(b.length, b.length - 4);
    return b;
}
/** The start of a capture: a section header and one Ethernet interface named after the network. */
export function pcapngHeader(interfaceName) {
    const shb = Buffer.alloc(16);
    shb.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
    shb.writeUInt16LE(1, 4);
    shb.writeUInt16LE(0, 6);
    shb.writeBigInt64LE(-1n, 8); // section length unknown: the capture is a stream
    const idb = Buffer.alloc(8);
    idb.writeUInt16LE(LINKTYPE_ETHERNET, 0);
    idb.writeUInt32LE(0, 4); // no snap length: frames are captured whole
    return Buffer.concat([
        block(SHB, Buffer.concat([shb, options([[SHB_USERAPPL, Buffer.from('typevisor')]])])),
        block(IDB, Buffer.concat([idb, options([[IF_NAME, Buffer.from(interfaceName.slice(0, 200))]])])),
    ]);
}
/** One captured frame; `comment` (a packet comment) marks what the firewall did with it. */
export function pcapngPacket(frame, timeMicros, comment) {
    const head = Buffer.alloc(20);
    head.writeUInt32LE(0, 0); // interface 0
    head.writeUInt32LE(Number(timeMicros >> 32n), 4);
    head.writeUInt32LE(Number(timeMicros & 0xffffffffn), 8);
    head.writeUInt32LE(frame.length, 12);
    head.writeUInt32LE(frame.length, 16);
    const data = Buffer.alloc(pad4(frame.length));
    data.set(frame);
    const opts = comment ? options([[OPT_COMMENT, Buffer.from(comment)]]) : Buffer.alloc(0);
    return block(EPB, Buffer.concat([head, data, opts]));
}
/**
 * Splits a pcapng byte stream into whole blocks (so a capture cut short still ends on a block boundary): bytes in,
 * complete blocks out with their type. A block length that is not a multiple of 4 or exceeds MAX_BLOCK is an error.
 */
export class PcapngBlocks {
    buf = Buffer.alloc(0);
    push(data) {
        this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
        const out = [];
        let at = 0;
        while (this.buf.length - at >= 8) {
            const len = this.buf.readUInt32LE(at + 4);
            if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK)
                throw new Error(`bad pcapng block length ${len}`);
            if (this.buf.length - at < len)
                break;
            out.push({ type: this.buf.readUInt32LE(at), bytes: this.buf.subarray(at, at + len) });
            at += len;
        }
        this.buf = this.buf.subarray(at);
        return out;
    }
}
export const PCAPNG_EPB = EPB;
//# sourceMappingURL=pcapng.js.map