// Decoding L1 and L2 table entries (64-bit big-endian, handled as two 32-bit halves).
/** Bit 63 of L1/L2 entries: the cluster's refcount is exactly one, so it may be written in place. */
export const COPIED_HI = 0x8000_0000;
/** Bit 62 of L2 entries: compressed cluster. */
export const COMPRESSED_HI = 0x4000_0000;
/** Bit 0 of standard L2 entries (version 3): the cluster reads as zeros. */
export const ZERO_LO = 1;
/** Host offset in bits 9-55 of an L1 entry or a standard L2 entry. */
export function entryOffset(hi, lo) {
    return (hi & 0x00ff_ffff) * 0x1_0000_0000 + ((lo & 0xffff_fe00) >>> 0);
}
export function classify(hi, lo, version) {
    if (hi & COMPRESSED_HI)
        return 3 /* ClusterKind.Compressed */;
    if (version >= 3 && lo & ZERO_LO)
        return 1 /* ClusterKind.Zero */;
    return entryOffset(hi, lo) !== 0 ? 2 /* ClusterKind.Normal */ : 0 /* ClusterKind.Unallocated */;
}
/** Host offset and byte length of the compressed data a compressed L2 entry describes. */
export function compressedRange(hi, lo, clusterBits) {
    const x = 62 - (clusterBits - 8);
    const hiOffsetBits = x - 32;
    const offset = (hi & ((1 << hiOffsetBits) - 1)) * 0x1_0000_0000 + (lo >>> 0);
    const sectors = (hi & 0x3fff_ffff) >>> hiOffsetBits;
    const length = (sectors + 1) * 512 - (offset % 512);
    return [offset, length];
}
export function readEntry(table, index) {
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    return [dv.getUint32(index * 8), dv.getUint32(index * 8 + 4)];
}
export function writeEntry(table, index, hi, lo) {
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    dv.setUint32(index * 8, hi >>> 0);
    dv.setUint32(index * 8 + 4, lo >>> 0);
}
/** hi/lo halves of a standard entry pointing at a host offset. */
export function makeEntry(offset, copied) {
    return [((Math.floor(offset / 0x1_0000_0000) & 0x00ff_ffff) | (copied ? COPIED_HI : 0)) >>> 0, offset >>> 0];
}
//# sourceMappingURL=l2-entry.js.map