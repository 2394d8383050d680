// Double-precision arithmetic (add, mul, div, sqrt, fused multiply-add): JS doubles plus error-free
// transformations on the fast path, exact BigInt arithmetic (exact.ts) for the corner cases.
import { NV, DZ, SLOW, bitsToD, canonD, dToRes, isNaNBitsD, isSNaNBitsD, res } from './bits.js';
import { finishD, finishNearestD } from './finish.js';
import { slowAdd, slowDiv, slowFma, slowMul, slowSqrt, writeZero, zeroSumSign } from './exact.js';
const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitter
const TINY = Number.MIN_VALUE; // carries only the sign of an error
const P_MIN = 2 ** -968; // below this, product error terms may underflow
const P_MAX = 2 ** 1022;
/** Error of the rounded product p = RN(a*b): exact when a, b are below 2^995 and p above P_MIN. */
function productError(a, b, p) {
    let t = SPLIT * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = SPLIT * b;
    const bh = t - (t - b);
    const bl = b - bh;
    return ah * bh - p + ah * bl + al * bh + al * bl;
}
function nanResult(aLo, aHi, bLo, bHi) {
    canonD();
    return isSNaNBitsD(aLo, aHi) || isSNaNBitsD(bLo, bHi) ? NV : 0;
}
/** a + b; subtract by flipping bit 31 of bHi. */
export function addD(aLo, aHi, bLo, bHi, mode) {
    if (isNaNBitsD(aLo, aHi) || isNaNBitsD(bLo, bHi))
        return nanResult(aLo, aHi, bLo, bHi);
    const a = bitsToD(aLo, aHi);
    const b = bitsToD(bLo, bHi);
    const s = a + b;
    if (s !== s) {
        canonD();
        return NV;
    }
    if (s === 0) {
        writeZero(true, zeroSumSign(aHi >>> 31, bHi >>> 31, mode));
        return 0;
    }
    if (Math.abs(a) === Infinity || Math.abs(b) === Infinity) {
        dToRes(s);
        return 0;
    }
    // Sums of doubles below 2^-1021 are exact, so the error is zero there.
    const bb = s - a;
    const err = a - (s - bb) + (b - bb);
    if (s !== Infinity && s !== -Infinity) {
        const f = finishNearestD(s, err, mode);
        if (f !== SLOW)
            return f;
    }
    return slowAdd(true, aLo, aHi, bLo, bHi, mode);
}
function mulFinite(aLo, aHi, bLo, bHi, a, b, mode) {
    const p = a * b;
    const ap = Math.abs(p);
    if (ap >= P_MIN && ap < P_MAX && (aHi & 0x7fffffff) < 0x7e000000 && (bHi & 0x7fffffff) < 0x7e000000) {
        const f = finishNearestD(p, productError(a, b, p), mode);
        if (f !== SLOW)
            return f;
    }
    return slowMul(true, aLo, aHi, bLo, bHi, mode);
}
export function mulD(aLo, aHi, bLo, bHi, mode) {
    if (isNaNBitsD(aLo, aHi) || isNaNBitsD(bLo, bHi))
        return nanResult(aLo, aHi, bLo, bHi);
    const a = bitsToD(aLo, aHi);
    const b = bitsToD(bLo, bHi);
    const p = a * b;
    if (p !== p) {
        canonD();
        return NV;
    }
    if (a === 0 || b === 0 || Math.abs(a) === Infinity || Math.abs(b) === Infinity) {
        dToRes(p);
        return 0;
    }
    return mulFinite(aLo, aHi, bLo, bHi, a, b, mode);
}
const Q_MIN = 2 ** -960;
const Q_MAX = 2 ** 960;
export function divD(aLo, aHi, bLo, bHi, mode) {
    if (isNaNBitsD(aLo, aHi) || isNaNBitsD(bLo, bHi))
        return nanResult(aLo, aHi, bLo, bHi);
    const a = bitsToD(aLo, aHi);
    const b = bitsToD(bLo, bHi);
    const q = a / b;
    if (q !== q) {
        canonD();
        return NV;
    }
    if (b === 0) {
        dToRes(q);
        return Math.abs(a) === Infinity ? 0 : DZ;
    }
    if (a === 0 || Math.abs(a) === Infinity || Math.abs(b) === Infinity) {
        dToRes(q);
        return 0;
    }
    const ea = (aHi >>> 20) & 0x7ff;
    const eb = (bHi >>> 20) & 0x7ff;
    const aq = Math.abs(q);
    if (ea > 123 && ea < 1923 && eb > 123 && eb < 1923 && aq >= Q_MIN && aq <= Q_MAX) {
        // The remainder a - q*b is representable; (a - ph) is exact by Sterbenz, so rem is exact.
        const ph = q * b;
        const rem = a - ph - productError(q, b, ph);
        const f = finishNearestD(q, rem === 0 ? 0 : rem > 0 === b > 0 ? TINY : -TINY, mode);
        if (f !== SLOW)
            return f;
    }
    return slowDiv(true, aLo, aHi, bLo, bHi, mode);
}
export function sqrtD(aLo, aHi, mode) {
    if (isNaNBitsD(aLo, aHi)) {
        canonD();
        return isSNaNBitsD(aLo, aHi) ? NV : 0;
    }
    const a = bitsToD(aLo, aHi);
    if (a === 0 || a === Infinity) {
        res[0] = aLo;
        res[1] = aHi;
        return 0;
    }
    if (a < 0) {
        canonD();
        return NV;
    }
    const s = Math.sqrt(a);
    const ea = (aHi >>> 20) & 0x7ff;
    if (ea > 123 && ea < 2046) {
        const ph = s * s;
        const rem = a - ph - productError(s, s, ph);
        const f = finishNearestD(s, rem === 0 ? 0 : rem > 0 ? TINY : -TINY, mode);
        if (f !== SLOW)
            return f;
    }
    return slowSqrt(true, aLo, aHi, mode);
}
const R_MIN = 2 ** -1000;
/** a*b + c with one rounding; negate product or addend by flipping bit 31 of aHi / cHi. */
export function fmaD(aLo, aHi, bLo, bHi, cLo, cHi, mode) {
    const a = bitsToD(aLo, aHi);
    const b = bitsToD(bLo, bHi);
    const invalidProduct = (a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity);
    if (isNaNBitsD(aLo, aHi) || isNaNBitsD(bLo, bHi) || isNaNBitsD(cLo, cHi)) {
        canonD();
        return isSNaNBitsD(aLo, aHi) || isSNaNBitsD(bLo, bHi) || isSNaNBitsD(cLo, cHi) || invalidProduct ? NV : 0;
    }
    const c = bitsToD(cLo, cHi);
    if (invalidProduct) {
        canonD();
        return NV;
    }
    if (Math.abs(a) === Infinity || Math.abs(b) === Infinity) {
        const p = a * b;
        if (Math.abs(c) === Infinity && c !== p) {
            canonD();
            return NV;
        }
        dToRes(p);
        return 0;
    }
    if (Math.abs(c) === Infinity) {
        dToRes(c);
        return 0;
    }
    if (a === 0 || b === 0) {
        if (c !== 0) {
            res[0] = cLo;
            res[1] = cHi;
        }
        else {
            writeZero(true, zeroSumSign((aHi ^ bHi) >>> 31, cHi >>> 31, mode));
        }
        return 0;
    }
    if (c === 0)
        return mulFinite(aLo, aHi, bLo, bHi, a, b, mode);
    const p = a * b;
    const ap = Math.abs(p);
    if (ap >= P_MIN &&
        ap < P_MAX &&
        Math.abs(c) < P_MAX &&
        (aHi & 0x7fffffff) < 0x7e000000 &&
        (bHi & 0x7fffffff) < 0x7e000000) {
        // exact = p + pe + c = s1 + e1 + pe = s1 + t + e2 = r + e3 + e2 = r + w + e4
        const pe = productError(a, b, p);
        const s1 = p + c;
        let v = s1 - p;
        const e1 = p - (s1 - v) + (c - v);
        const t = e1 + pe;
        v = t - e1;
        const e2 = e1 - (t - v) + (pe - v);
        const r = s1 + t;
        v = r - s1;
        const e3 = s1 - (r - v) + (t - v);
        const w = e3 + e2;
        v = w - e3;
        const e4 = e3 - (w - v) + (e2 - v);
        if (r === 0 && w === 0) {
            writeZero(true, zeroSumSign((aHi ^ bHi) >>> 31, cHi >>> 31, mode));
            return 0;
        }
        if (Math.abs(r) >= R_MIN) {
            const f = finishD(r, w, e4, mode);
            if (f !== SLOW)
                return f;
        }
    }
    return slowFma(true, aLo, aHi, bLo, bHi, cLo, cHi, mode);
}
//# sourceMappingURL=arith-d.js.map