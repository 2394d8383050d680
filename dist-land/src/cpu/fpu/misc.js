// Non-arithmetic F/D operations: sign injection, min/max, comparisons and classification.
import { NV, bitsToD, bitsToS, canonD, canonS, isNaNBitsD, isNaNBitsS, isSNaNBitsD, isSNaNBitsS, res } from './bits.js';
/** FMIN/FMAX.S (2019 semantics): -0 < +0, one NaN yields the other operand, sNaN raises NV. */
export function minMaxS(a, b, max) {
    const flags = isSNaNBitsS(a) || isSNaNBitsS(b) ? NV : 0;
    const aNaN = isNaNBitsS(a);
    const bNaN = isNaNBitsS(b);
    res[1] = -1;
    if (aNaN && bNaN)
        canonS();
    else if (aNaN)
        res[0] = b;
    else if (bNaN)
        res[0] = a;
    else {
        const x = bitsToS(a);
        const y = bitsToS(b);
        let pickA;
        if (x === y)
            pickA = max ? a >= 0 : a < 0; // equal values differ only in the sign of zero
        else
            pickA = max ? x > y : x < y;
        res[0] = pickA ? a : b;
    }
    return flags;
}
export function minMaxD(aLo, aHi, bLo, bHi, max) {
    const flags = isSNaNBitsD(aLo, aHi) || isSNaNBitsD(bLo, bHi) ? NV : 0;
    const aNaN = isNaNBitsD(aLo, aHi);
    const bNaN = isNaNBitsD(bLo, bHi);
    let pickA;
    if (aNaN && bNaN) {
        canonD();
        return flags;
    }
    else if (aNaN)
        pickA = false;
    else if (bNaN)
        pickA = true;
    else {
        const x = bitsToD(aLo, aHi);
        const y = bitsToD(bLo, bHi);
        if (x === y)
            pickA = max ? aHi >= 0 : aHi < 0;
        else
            pickA = max ? x > y : x < y;
    }
    res[0] = pickA ? aLo : bLo;
    res[1] = pickA ? aHi : bHi;
    return flags;
}
/** Comparison kinds, as in the rm field of FEQ/FLT/FLE. */
export const LE = 0;
export const LT = 1;
export const EQ = 2;
/** Writes 0/1 to res[0]; FEQ is quiet (NV only for sNaN), FLT/FLE signal on any NaN. */
export function compareS(a, b, kind) {
    res[1] = 0;
    if (isNaNBitsS(a) || isNaNBitsS(b)) {
        res[0] = 0;
        return kind !== EQ || isSNaNBitsS(a) || isSNaNBitsS(b) ? NV : 0;
    }
    const x = bitsToS(a);
    const y = bitsToS(b);
    res[0] = (kind === EQ ? x === y : kind === LT ? x < y : x <= y) ? 1 : 0;
    return 0;
}
export function compareD(aLo, aHi, bLo, bHi, kind) {
    res[1] = 0;
    if (isNaNBitsD(aLo, aHi) || isNaNBitsD(bLo, bHi)) {
        res[0] = 0;
        return kind !== EQ || isSNaNBitsD(aLo, aHi) || isSNaNBitsD(bLo, bHi) ? NV : 0;
    }
    const x = bitsToD(aLo, aHi);
    const y = bitsToD(bLo, bHi);
    res[0] = (kind === EQ ? x === y : kind === LT ? x < y : x <= y) ? 1 : 0;
    return 0;
}
/** FCLASS: one-hot mask (bit 0 -inf ... bit 7 +inf, 8 sNaN, 9 qNaN) from sign, exponent, fraction. */
function classify(neg, expAllOnes, expZero, fracZero, quiet) {
    if (expAllOnes)
        return fracZero ? (neg ? 1 << 0 : 1 << 7) : quiet ? 1 << 9 : 1 << 8;
    if (expZero)
        return fracZero ? (neg ? 1 << 3 : 1 << 4) : neg ? 1 << 2 : 1 << 5;
    return neg ? 1 << 1 : 1 << 6;
}
export function classS(a) {
    const e = a & 0x7f800000;
    return classify(a < 0, e === 0x7f800000, e === 0, (a & 0x7fffff) === 0, (a & 0x400000) !== 0);
}
export function classD(lo, hi) {
    const e = hi & 0x7ff00000;
    return classify(hi < 0, e === 0x7ff00000, e === 0, (hi & 0xfffff) === 0 && lo === 0, (hi & 0x80000) !== 0);
}
//# sourceMappingURL=misc.js.map