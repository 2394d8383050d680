// Fast-path rounding: turns a double-precision candidate plus exact error terms into a correctly
// rounded result in any RISC-V rounding mode, or reports SLOW when only exact arithmetic can decide.
import { NX, RNE, RTZ, RDN, RUP, SLOW, dLowWord, dToRes, nextD, nextS, sBitsOf, sToRes } from './bits.js';
const LOW = 0; // exact value strictly between r and the midpoint toward n
const TIE = 1; // exactly at the midpoint
const HIGH = 2; // strictly between the midpoint and n
/** Chooses between adjacent representable r and n (the exact value lies strictly between them). */
function pick(r, n, pos, mode, rEven) {
    switch (mode) {
        case RNE:
            return pos === LOW ? r : pos === HIGH ? n : rEven ? r : n;
        case RTZ:
            return Math.abs(r) < Math.abs(n) ? r : n;
        case RDN:
            return r < n ? r : n;
        case RUP:
            return r > n ? r : n;
        default:
            return pos === LOW ? r : pos === HIGH ? n : Math.abs(r) > Math.abs(n) ? r : n;
    }
}
const TWO_M1021 = 2 ** -1021;
/** Set by callers whose r is the round-to-nearest-even of the exact value (not fused ops). */
let rIsNearest = false;
/** finishD for a candidate r that JS computed as the correctly rounded nearest-even result. */
export function finishNearestD(r, w, mode) {
    rIsNearest = true;
    const f = finishD(r, w, 0, mode);
    rIsNearest = false;
    return f;
}
const TWO_1023 = 2 ** 1023;
/**
 * Double result for exact = r + w + e4, where r is a normal double, |w| is at most about half an ulp
 * of r and |e4| at most half an ulp of w. Writes res and returns flags, or SLOW.
 */
export function finishD(r, w, e4, mode) {
    if (w === 0) {
        dToRes(r);
        return 0;
    }
    const ar = Math.abs(r);
    if (!(ar >= TWO_M1021 && ar < TWO_1023))
        return SLOW;
    if (mode === RNE && e4 === 0 && rIsNearest) {
        // r = RN(exact) already (JS rounds to nearest even), so only the NX flag is new.
        dToRes(r);
        return NX;
    }
    const n = nextD(r, w > 0);
    const half = Math.abs(n - r) * 0.5;
    const aw = Math.abs(w);
    let pos;
    if (aw < half)
        pos = LOW;
    else if (aw > half)
        return SLOW;
    else
        pos = e4 === 0 ? TIE : e4 > 0 === w > 0 ? HIGH : LOW;
    dToRes(pick(r, n, pos, mode, (dLowWord(r) & 1) === 0));
    return NX;
}
const TWO_M125 = 2 ** -125;
const TWO_127 = 2 ** 127;
/**
 * Single result for exact = d + w, where d is a double and |w| at most half an ulp of d
 * (w may be a token ±2^-1074 that only carries the sign of the error). Writes res (NaN-boxed)
 * and returns flags, or SLOW near the underflow and overflow thresholds.
 */
export function finishS(d, w, mode) {
    const ad = Math.abs(d);
    if (!(ad >= TWO_M125 && ad < TWO_127))
        return SLOW;
    const r = Math.fround(d);
    // Unless d sits exactly on a single-precision midpoint (low 29 fraction bits 100...0) with a
    // nonzero error, fround(d) is already the nearest-even single of the exact value.
    if (mode === RNE && (w === 0 || (dLowWord(d) & 0x1fffffff) !== 0x10000000)) {
        sToRes(r);
        return r === d && w === 0 ? 0 : NX;
    }
    let n;
    let pos = LOW;
    if (r === d) {
        if (w === 0) {
            sToRes(r);
            return 0;
        }
        n = nextS(r, w > 0);
    }
    else {
        n = nextS(r, d > r);
        const diff = Math.abs(d - r);
        const half = Math.abs(n - r) * 0.5;
        if (diff > half)
            pos = HIGH;
        else if (diff === half)
            pos = w === 0 ? TIE : w > 0 === n > r ? HIGH : LOW;
    }
    sToRes(pick(r, n, pos, mode, (sBitsOf(r) & 1) === 0));
    return NX;
}
//# sourceMappingURL=finish.js.map