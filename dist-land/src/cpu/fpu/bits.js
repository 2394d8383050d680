// FPU shared constants and scratch buffers for reinterpreting IEEE 754 bit patterns without allocation.
export const NV = 16;
export const DZ = 8;
export const OF = 4;
export const UF = 2;
export const NX = 1;
export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;
/** Internal marker: the fast path cannot decide; recompute exactly. */
export const SLOW = -2;
const scratch = new ArrayBuffer(8);
const f64 = new Float64Array(scratch);
const f32 = new Float32Array(scratch);
const i32 = new Int32Array(scratch);
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    // Register pairs and scratch views assume the low word comes first.
    throw new Error('typevisor FPU requires a little-endian host');
}
/** Result bits of the last FP operation: [low word, high word]. Single results are NaN-boxed. */
export const res = new Int32Array(2);
export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000;
export function bitsToD(lo, hi) {
    i32[0] = lo;
    i32[1] = hi;
    return f64[0];
}
export function bitsToS(bits) {
    i32[0] = bits;
    return f32[0];
}
export function dToRes(x) {
    f64[0] = x;
    res[0] = i32[0];
    res[1] = i32[1];
}
export function sToRes(x) {
    f32[0] = x;
    res[0] = i32[0];
    res[1] = -1;
}
export function canonD() {
    res[0] = 0;
    res[1] = CANON_D_HI;
}
export function canonS() {
    res[0] = CANON_S;
    res[1] = -1;
}
/** Low word of a double's bits (its last mantissa bits). */
export function dLowWord(x) {
    f64[0] = x;
    return i32[0];
}
export function sBitsOf(x) {
    f32[0] = x;
    return i32[0];
}
/** Adjacent double of a finite x, toward +inf if up, else toward -inf. */
export function nextD(x, up) {
    if (x === 0)
        return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
    f64[0] = x;
    let lo = i32[0];
    let hi = i32[1];
    if (x > 0 === up) {
        lo = (lo + 1) | 0;
        if (lo === 0)
            hi = (hi + 1) | 0;
    }
    else {
        if (lo === 0)
            hi = (hi - 1) | 0;
        lo = (lo - 1) | 0;
    }
    i32[0] = lo;
    i32[1] = hi;
    return f64[0];
}
const MIN_S = 1.401298464324817e-45; // 2^-149
/** Adjacent single (as a double) of a finite single x. */
export function nextS(x, up) {
    if (x === 0)
        return up ? MIN_S : -MIN_S;
    f32[0] = x;
    i32[0] = x > 0 === up ? i32[0] + 1 : i32[0] - 1;
    return f32[0];
}
export function isNaNBitsS(b) {
    return (b & 0x7fffffff) > 0x7f800000;
}
export function isSNaNBitsS(b) {
    return (b & 0x7fffffff) > 0x7f800000 && (b & 0x400000) === 0;
}
export function isNaNBitsD(lo, hi) {
    const h = hi & 0x7fffffff;
    return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0);
}
export function isSNaNBitsD(lo, hi) {
    return isNaNBitsD(lo, hi) && (hi & 0x80000) === 0;
}
//# sourceMappingURL=bits.js.map