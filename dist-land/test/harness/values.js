const M64 = (1n << 64n) - 1n;
const scratch = new DataView(new ArrayBuffer(8));
export function f64Bits(v) {
    scratch.setFloat64(0, v, true);
    return scratch.getBigUint64(0, true);
}
export function f32Bits(v) {
    scratch.setFloat32(0, v, true);
    return scratch.getUint32(0, true);
}
const BOX = 0xffffffff00000000n;
const X_EDGES = [
    0n,
    1n,
    2n,
    3n,
    M64,
    M64 - 1n,
    0x7fffffffn,
    0x80000000n,
    0xffffffffn,
    0x100000000n,
    0xffffffff80000000n,
    0xffffffff7fffffffn,
    0x7fffffffffffffffn,
    0x8000000000000000n,
    0x8000000000000001n,
    0x00000000fffff800n,
    0x800n,
    0x7ffn,
    31n,
    32n,
    63n,
    64n,
];
export function randomX(rng) {
    switch (rng.int(6)) {
        case 0:
            return rng.pick(X_EDGES);
        case 1: // small signed
            return BigInt.asUintN(64, BigInt(rng.range(-300, 300)));
        case 2: // sign-extended 32-bit
            return BigInt.asUintN(64, BigInt(rng.u32() | 0));
        case 3: // a few bits set
            return (1n << BigInt(rng.int(64))) | (rng.bool() ? 1n << BigInt(rng.int(64)) : 0n);
        case 4: // edge +- small
            return BigInt.asUintN(64, rng.pick(X_EDGES) + BigInt(rng.range(-3, 3)));
        default:
            return rng.u64();
    }
}
const D_EDGES = [
    0,
    -0,
    Infinity,
    -Infinity,
    1,
    -1,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    3.5,
    0.1,
    2 ** 31,
    2 ** 31 - 0.5,
    2 ** 31 - 1,
    -(2 ** 31),
    -(2 ** 31) - 1,
    -(2 ** 31) - 0.5,
    2 ** 32,
    2 ** 32 - 1,
    2 ** 32 - 0.5,
    2 ** 63,
    -(2 ** 63),
    2 ** 64,
    2 ** 64 - 2048,
    2 ** 53,
    2 ** 53 + 2,
    1e300,
    -1e300,
    1e-300,
    1e-40,
    3.4028234663852886e38,
    3.4028235677973366e38,
    1e39,
    1.1754943508222875e-38,
    1.401298464324817e-45,
    7.006492321624085e-46,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    -0.75,
    4095.5,
];
const D_EDGE_BITS = [
    0x7ff8000000000000n,
    0x7ff0000000000001n,
    0x7ff4000000000000n,
    0xfff8000000000000n,
    0xfff0000000000123n,
    0x7fffffffffffffffn,
    0x000fffffffffffffn,
    0x8000000000000001n,
    0x0010000000000000n,
];
const S_EDGES = [
    0,
    -0,
    Infinity,
    -Infinity,
    1,
    -1,
    0.5,
    1.5,
    2.5,
    -2.5,
    0.1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32,
    2 ** 63,
    -(2 ** 63),
    2 ** 64,
    2 ** 24 + 2,
    3.4028234663852886e38,
    1.1754943508222875e-38,
    1.401298464324817e-45,
    1e-40,
    16777215,
    -0.75,
    4095.5,
];
const S_EDGE_BITS = [
    0x7fc00000, 0x7f800001, 0x7fa00000, 0xffc00000, 0xff800123, 0x007fffff, 0x80000001, 0x00800000, 0x7fffffff,
];
/** Double with an exponent near 1.0 and random mantissa: operations on these round inexactly. */
function nearbyDouble(rng, spread) {
    const exp = BigInt(1023 + rng.range(-spread, spread));
    const mant = rng.u64() & ((1n << 52n) - 1n);
    return (rng.bool() ? 1n << 63n : 0n) | (exp << 52n) | mant;
}
function nearbySingle(rng, spread) {
    const exp = 127 + rng.range(-spread, spread);
    return ((rng.bool() ? 0x80000000 : 0) | (exp << 23) | (rng.u32() & 0x7fffff)) >>> 0;
}
/** Exponent near the bottom (subnormal results) or top (overflow) of the double range. */
function extremeDouble(rng) {
    const exp = BigInt(rng.bool() ? rng.range(0, 60) : rng.range(1990, 2046));
    return (rng.bool() ? 1n << 63n : 0n) | (exp << 52n) | (rng.u64() & ((1n << 52n) - 1n));
}
function extremeSingle(rng) {
    const exp = rng.bool() ? rng.range(0, 30) : rng.range(225, 254);
    return ((rng.bool() ? 0x80000000 : 0) | (exp << 23) | (rng.u32() & 0x7fffff)) >>> 0;
}
export function randomDouble(rng) {
    switch (rng.int(6)) {
        case 0:
            return f64Bits(rng.pick(D_EDGES));
        case 1:
            return rng.pick(D_EDGE_BITS);
        case 2:
            return nearbyDouble(rng, 4);
        case 3: // wide exponents, sometimes at the ends of the range: products and quotients overflow or underflow
            return rng.bool(0.7) ? nearbyDouble(rng, 70) : extremeDouble(rng);
        case 4: // small integers and halves: conversions and ties
            return f64Bits(rng.range(-40, 40) / rng.pick([1, 2, 4]));
        default:
            return rng.u64();
    }
}
export function randomSingleBits(rng) {
    switch (rng.int(6)) {
        case 0:
            return f32Bits(rng.pick(S_EDGES));
        case 1:
            return rng.pick(S_EDGE_BITS);
        case 2:
            return nearbySingle(rng, 4);
        case 3:
            return rng.bool(0.7) ? nearbySingle(rng, 40) : extremeSingle(rng);
        case 4:
            return f32Bits(rng.range(-40, 40) / rng.pick([1, 2, 4]));
        default:
            return rng.u32();
    }
}
/** Raw 64-bit contents of an f register: a double, a NaN-boxed single, or (rarely) an improperly boxed single. */
export function randomF(rng) {
    const r = rng.int(20);
    if (r < 9)
        return randomDouble(rng);
    const s = BigInt(randomSingleBits(rng));
    if (r < 19)
        return BOX | s;
    return (BigInt(rng.u32()) << 32n) | s;
}
/** One 64-bit word of data-buffer contents. */
export function randomDataWord(rng) {
    const r = rng.int(4);
    if (r === 0)
        return randomX(rng);
    if (r === 1)
        return randomDouble(rng);
    if (r === 2)
        return (BigInt(randomSingleBits(rng)) << 32n) | BigInt(randomSingleBits(rng));
    return rng.u64();
}
//# sourceMappingURL=values.js.map