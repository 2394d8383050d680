// Reading and writing one refcount entry of 2^order bits in a refcount block (sub-byte entries are LSB first, wider ones big-endian).
export function refcountGet(block, order, index) {
    switch (order) {
        case 0:
            return (block[index >>> 3] >>> (index & 7)) & 1;
        case 1:
            return (block[index >>> 2] >>> (2 * (index & 3))) & 3;
        case 2:
            return (block[index >>> 1] >>> (4 * (index & 1))) & 15;
        case 3:
            return block[index];
        case 4:
            return (block[2 * index] << 8) | block[2 * index + 1];
        case 5:
            return (((block[4 * index] << 24) |
                (block[4 * index + 1] << 16) |
                (block[4 * index + 2] << 8) |
                block[4 * index + 3]) >>>
                0);
        default: {
            let v = 0;
            for (let i = 0; i < 8; i++)
                v = v * 256 + block[8 * index + i];
            return v;
        }
    }
}
export function refcountSet(block, order, index, value) {
    switch (order) {
        case 0:
        case 1:
        case 2: {
            const bits = 1 << order;
            const perByte = 8 / bits;
            const shift = bits * (index % perByte);
            const mask = ((1 << bits) - 1) << shift;
            const at = Math.floor(index / perByte);
            block[at] = (block[at] & ~mask) | ((value << shift) & mask);
            return;
        }
        case 3:
            block[index] = value;
            return;
        case 4:
            block[2 * index] = value >>> 8;
            block[2 * index + 1] = value & 0xff;
            return;
        case 5:
            block[4 * index] = value >>> 24;
            block[4 * index + 1] = (value >>> 16) & 0xff;
            block[4 * index + 2] = (value >>> 8) & 0xff;
            block[4 * index + 3] = value & 0xff;
            return;
        default: {
            let v = value;
            for (let i = 7; i >= 0; i--) {
                block[8 * index + i] = v % 256;
                v = Math.floor(v / 256);
            }
        }
    }
}
export function refcountMax(order) {
    return order >= 6 ? Number.MAX_SAFE_INTEGER : 2 ** (1 << order) - 1;
}
/** The byte range [start, end) of a block holding entries [first, last]. */
export function refcountByteSpan(order, first, last) {
    const bits = 1 << order;
    return [Math.floor((first * bits) / 8), Math.ceil(((last + 1) * bits) / 8)];
}
//# sourceMappingURL=refcount-entry.js.map