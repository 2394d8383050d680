// Reading and patching qcow2 metadata in an image held in memory, for tests that damage images on purpose.
export function u64(buf, off) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    return dv.getUint32(off) * 0x1_0000_0000 + dv.getUint32(off + 4);
}
export function setU64(buf, off, value) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    dv.setUint32(off, Math.floor(value / 0x1_0000_0000));
    dv.setUint32(off + 4, value >>> 0);
}
export function u32(buf, off) {
    return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(off);
}
export function setU32(buf, off, value) {
    new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setUint32(off, value >>> 0);
}
/** The header fields tables are found by; throws on a header too damaged to say (a cluster size outside 2^9..2^21). */
export function layout(img) {
    const version = u32(img, 4);
    const bits = u32(img, 20);
    if (bits < 9 || bits > 21)
        throw new Error(`cluster bits ${bits}`);
    return {
        version,
        clusterSize: 2 ** u32(img, 20),
        size: u64(img, 24),
        l1Size: u32(img, 36),
        l1Offset: u64(img, 40),
        refcountTableOffset: u64(img, 48),
        refcountTableClusters: u32(img, 56),
        refcountOrder: version === 3 ? u32(img, 96) : 4,
    };
}
/** Host offset held by the L1 or standard L2 entry at byte offset off (bits 9-55). */
export function entryTarget(img, off) {
    return (u32(img, off) & 0xff_ffff) * 0x1_0000_0000 + ((u32(img, off + 4) & 0xffff_fe00) >>> 0);
}
/** Offsets of the active L2 tables, by L1 index (0 where none). */
export function l2Tables(img, l = layout(img)) {
    const out = [];
    for (let i = 0; i < l.l1Size && l.l1Offset + 8 * i + 8 <= img.length; i++)
        out.push(entryTarget(img, l.l1Offset + 8 * i));
    return out;
}
/** Offsets of the refcount blocks, by refcount table index (0 where none). */
export function refcountBlocks(img, l = layout(img)) {
    const out = [];
    for (let i = 0; i < (l.refcountTableClusters * l.clusterSize) / 8; i++)
        out.push(u64(img, l.refcountTableOffset + 8 * i));
    return out;
}
/** Byte offsets of the standard L2 entries that point at data, with the data's host offset. */
export function dataEntries(img, l = layout(img)) {
    const out = [];
    for (const t of l2Tables(img, l)) {
        if (t === 0 || t + l.clusterSize > img.length)
            continue;
        for (let i = 0; i < l.clusterSize / 8; i++) {
            if (u32(img, t + 8 * i) & 0x4000_0000)
                continue; // compressed
            const host = entryTarget(img, t + 8 * i);
            if (host !== 0)
                out.push({ at: t + 8 * i, host });
        }
    }
    return out;
}
/** The corrupt bit (incompatible feature bit 1) of a version 3 header. */
export function corruptBit(img) {
    return u32(img, 4) === 3 && (u32(img, 76) & 2) !== 0;
}
//# sourceMappingURL=qcow2-image.js.map