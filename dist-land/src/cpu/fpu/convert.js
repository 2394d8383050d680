// FCVT between single, double and 32/64-bit integers, with RISC-V saturation and NaN rules.
import { NV, NX, RNE, RTZ, RDN, RUP, SLOW, bitsToD, bitsToS, canonD, canonS, dToRes, isNaNBitsD, isNaNBitsS, isSNaNBitsD, isSNaNBitsS, res, sToRes, } from './bits.js';
import { finishNearestD, finishS } from './finish.js';
import { slowConvert, slowFromInt } from './exact.js';
/** Integer conversion kinds, as in the rs2 field of FCVT.int.fmt / FCVT.fmt.int. */
export const W = 0;
export const WU = 1;
export const L = 2;
export const LU = 3;
const TWO32 = 4294967296;
const TWO52 = 2 ** 52;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;
export function cvtSD(lo, hi, mode) {
    if (isNaNBitsD(lo, hi)) {
        canonS();
        return isSNaNBitsD(lo, hi) ? NV : 0;
    }
    const d = bitsToD(lo, hi);
    if (d === 0 || d === Infinity || d === -Infinity) {
        sToRes(d);
        return 0;
    }
    const f = finishS(d, 0, mode);
    return f !== SLOW ? f : slowConvert(false, true, lo, hi, mode);
}
export function cvtDS(bits) {
    if (isNaNBitsS(bits)) {
        canonD();
        return isSNaNBitsS(bits) ? NV : 0;
    }
    dToRes(bitsToS(bits)); // every single is exactly a double
    return 0;
}
/** Rounds x to an integer-valued double in the given mode. */
function roundToIntegral(x, mode) {
    if (!(Math.abs(x) < TWO52))
        return x; // already integral, or infinite
    switch (mode) {
        case RTZ:
            return Math.trunc(x);
        case RDN:
            return Math.floor(x);
        case RUP:
            return Math.ceil(x);
        case RNE: {
            const f = Math.floor(x);
            const d = x - f;
            return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
        }
        default: {
            const t = Math.trunc(x);
            return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
        }
    }
}
/** Writes a 64-bit two's complement integer-valued double in [-2^63, 2^64) to res. */
function intToRes(r) {
    const m = Math.abs(r);
    const hi = Math.floor(m / TWO32);
    const lo = m - hi * TWO32;
    if (r >= 0) {
        res[0] = lo | 0;
        res[1] = hi | 0;
    }
    else if (lo === 0) {
        res[0] = 0;
        res[1] = -hi | 0;
    }
    else {
        res[0] = (TWO32 - lo) | 0;
        res[1] = ~hi;
    }
}
/** Saturated result for an invalid conversion: NaN and too-large values give the maximum. */
function saturate(kind, negative) {
    switch (kind) {
        case W:
            res[0] = negative ? -0x80000000 : 0x7fffffff;
            res[1] = negative ? -1 : 0;
            break;
        case WU:
            res[0] = negative ? 0 : -1;
            res[1] = negative ? 0 : -1;
            break;
        case L:
            res[0] = negative ? 0 : -1;
            res[1] = negative ? -0x80000000 : 0x7fffffff;
            break;
        default:
            res[0] = negative ? 0 : -1;
            res[1] = negative ? 0 : -1;
            break;
    }
}
/** FCVT.{W,WU,L,LU}.{S,D} of the value x (already checked not NaN); 32-bit results sign-extended. */
function toInt(x, kind, mode) {
    const r = roundToIntegral(x, mode);
    let ok;
    switch (kind) {
        case W:
            ok = r >= -2147483648 && r <= 2147483647;
            break;
        case WU:
            ok = (r >= 0 && r <= 4294967295) || r === 0;
            break;
        case L:
            ok = r >= -TWO63 && r < TWO63;
            break;
        default:
            ok = (r >= 0 && r < TWO64) || r === 0;
            break;
    }
    if (!ok) {
        saturate(kind, x < 0);
        return NV;
    }
    if (kind === W || kind === WU) {
        res[0] = r | 0;
        res[1] = res[0] >> 31;
    }
    else {
        intToRes(r);
    }
    return r === x ? 0 : NX;
}
export function cvtIntFromD(lo, hi, kind, mode) {
    if (isNaNBitsD(lo, hi)) {
        saturate(kind, false);
        return NV;
    }
    return toInt(bitsToD(lo, hi), kind, mode);
}
export function cvtIntFromS(bits, kind, mode) {
    if (isNaNBitsS(bits)) {
        saturate(kind, false);
        return NV;
    }
    return toInt(bitsToS(bits), kind, mode);
}
/** FCVT.{S,D}.{W,WU,L,LU} of integer register words (lo, hi). */
export function cvtFromInt(toD, lo, hi, kind, mode) {
    let s;
    let err = 0;
    if (kind === W)
        s = lo;
    else if (kind === WU)
        s = lo >>> 0;
    else {
        const h = (kind === L ? hi : hi >>> 0) * TWO32; // exact
        const l = lo >>> 0;
        s = h + l;
        const v = s - h;
        err = h - (s - v) + (l - v);
    }
    if (s === 0) {
        res[0] = 0;
        res[1] = toD ? 0 : -1;
        return 0;
    }
    const f = toD ? finishNearestD(s, err, mode) : finishS(s, err, mode);
    return f !== SLOW
        ? f
        : slowFromInt(toD, lo, kind === W ? lo >> 31 : kind === WU ? 0 : hi, kind === W || kind === L, mode);
}
//# sourceMappingURL=convert.js.map