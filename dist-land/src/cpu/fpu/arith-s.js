// Single-precision arithmetic: computed in double (wide enough for exact products and error terms),
// then rounded once to single in the requested mode; exact BigInt path near underflow/overflow.
import { NV, DZ, SLOW, bitsToS, canonS, isNaNBitsS, isSNaNBitsS, res, sToRes } from './bits.js';
import { finishS } from './finish.js';
import { slowAdd, slowDiv, slowFma, slowMul, slowSqrt, writeZero, zeroSumSign } from './exact.js';
const TINY = Number.MIN_VALUE;
function nanResult(a, b) {
    canonS();
    return isSNaNBitsS(a) || isSNaNBitsS(b) ? NV : 0;
}
/** a + b on single bit patterns; subtract by flipping bit 31 of b. */
export function addS(aBits, bBits, mode) {
    if (isNaNBitsS(aBits) || isNaNBitsS(bBits))
        return nanResult(aBits, bBits);
    const a = bitsToS(aBits);
    const b = bitsToS(bBits);
    const s = a + b;
    if (s !== s) {
        canonS();
        return NV;
    }
    if (s === 0) {
        writeZero(false, zeroSumSign(aBits >>> 31, bBits >>> 31, mode));
        return 0;
    }
    if (s === Infinity || s === -Infinity) {
        sToRes(s);
        return 0;
    }
    const bb = s - a;
    const f = finishS(s, a - (s - bb) + (b - bb), mode);
    return f !== SLOW ? f : slowAdd(false, aBits, 0, bBits, 0, mode);
}
function mulFinite(aBits, bBits, p, mode) {
    const f = finishS(p, 0, mode); // the double product of two singles is exact
    return f !== SLOW ? f : slowMul(false, aBits, 0, bBits, 0, mode);
}
export function mulS(aBits, bBits, mode) {
    if (isNaNBitsS(aBits) || isNaNBitsS(bBits))
        return nanResult(aBits, bBits);
    const a = bitsToS(aBits);
    const b = bitsToS(bBits);
    const p = a * b;
    if (p !== p) {
        canonS();
        return NV;
    }
    if (p === 0 || p === Infinity || p === -Infinity) {
        sToRes(p);
        return 0;
    }
    return mulFinite(aBits, bBits, p, mode);
}
export function divS(aBits, bBits, mode) {
    if (isNaNBitsS(aBits) || isNaNBitsS(bBits))
        return nanResult(aBits, bBits);
    const a = bitsToS(aBits);
    const b = bitsToS(bBits);
    const q = a / b;
    if (q !== q) {
        canonS();
        return NV;
    }
    if (b === 0) {
        sToRes(q);
        return Math.abs(a) === Infinity ? 0 : DZ;
    }
    if (q === 0 || q === Infinity || q === -Infinity) {
        sToRes(q);
        return 0;
    }
    // A quotient of singles is never within 2^-49 (relative) of a single midpoint, so only when q is
    // itself a single do we need the error's sign; r*b is then exact in double.
    let w = 0;
    const r = Math.fround(q);
    if (r === q) {
        const t = r * b;
        if (t !== a)
            w = a > t === b > 0 ? TINY : -TINY;
    }
    const f = finishS(q, w, mode);
    return f !== SLOW ? f : slowDiv(false, aBits, 0, bBits, 0, mode);
}
export function sqrtS(aBits, mode) {
    if (isNaNBitsS(aBits)) {
        canonS();
        return isSNaNBitsS(aBits) ? NV : 0;
    }
    const a = bitsToS(aBits);
    if (a === 0 || a === Infinity) {
        res[0] = aBits;
        res[1] = -1;
        return 0;
    }
    if (a < 0) {
        canonS();
        return NV;
    }
    const s = Math.sqrt(a);
    let w = 0;
    const r = Math.fround(s);
    if (r === s) {
        const t = r * r;
        if (t !== a)
            w = a > t ? TINY : -TINY;
    }
    const f = finishS(s, w, mode);
    return f !== SLOW ? f : slowSqrt(false, aBits, 0, mode);
}
/** a*b + c with one rounding; negate product or addend by flipping bit 31 of a / c. */
export function fmaS(aBits, bBits, cBits, mode) {
    const a = bitsToS(aBits);
    const b = bitsToS(bBits);
    const invalidProduct = (a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity);
    if (isNaNBitsS(aBits) || isNaNBitsS(bBits) || isNaNBitsS(cBits)) {
        canonS();
        return isSNaNBitsS(aBits) || isSNaNBitsS(bBits) || isSNaNBitsS(cBits) || invalidProduct ? NV : 0;
    }
    if (invalidProduct) {
        canonS();
        return NV;
    }
    const c = bitsToS(cBits);
    const p = a * b; // exact: 48 significant bits, exponent within double range
    const s = p + c;
    if (s !== s) {
        canonS();
        return NV;
    }
    if (s === Infinity || s === -Infinity) {
        sToRes(s);
        return 0;
    }
    if (s === 0) {
        // p + c rounds to zero in double only when it is exactly zero.
        writeZero(false, zeroSumSign((aBits ^ bBits) >>> 31, cBits >>> 31, mode));
        return 0;
    }
    if (c === 0)
        return mulFinite(aBits, bBits, p, mode);
    if (p === 0) {
        res[0] = cBits;
        res[1] = -1;
        return 0;
    }
    const v = s - p;
    const f = finishS(s, p - (s - v) + (c - v), mode);
    return f !== SLOW ? f : slowFma(false, aBits, 0, bBits, 0, cBits, 0, mode);
}
//# sourceMappingURL=arith-s.js.map