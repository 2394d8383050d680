// Exact slow path of the FPU: BigInt arithmetic and one IEEE 754 rounding (tininess after rounding).
// Used only for corner cases (overflow, underflow, subnormals, near-ties of fused ops).
import { NX, OF, UF, RNE, RTZ, RDN, RUP, RMM, res } from './bits.js';
// Decomposed operand: (-1)^dSign * dMant * 2^dExp.
let dSign = 0;
let dMant = 0n;
let dExp = 0;
/** Splits a finite value's bits (single: lo only) into sign, integer mantissa and exponent. */
function decompose(isD, lo, hi) {
    if (isD) {
        dSign = hi >>> 31;
        const e = (hi >>> 20) & 0x7ff;
        const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
        dMant = e === 0 ? frac : frac | (1n << 52n);
        dExp = e === 0 ? -1074 : e - 1075;
    }
    else {
        dSign = lo >>> 31;
        const e = (lo >>> 23) & 0xff;
        const frac = lo & 0x7fffff;
        dMant = BigInt(e === 0 ? frac : frac | 0x800000);
        dExp = e === 0 ? -149 : e - 150;
    }
}
function bitLength(m) {
    return m === 0n ? 0 : m.toString(2).length;
}
let lastInexact = false;
/** Rounds M*2^E to a multiple of 2^q; `sticky` means nonzero bits below M's last bit. */
function roundToQuantum(m, e, q, sticky, mode, sign) {
    const sh = q - e;
    if (sh <= 0) {
        lastInexact = sticky;
        return m << BigInt(-sh);
    }
    const bsh = BigInt(sh);
    const k = m >> bsh;
    const rem = m - (k << bsh);
    const half = 1n << (bsh - 1n);
    lastInexact = rem !== 0n || sticky;
    if (!lastInexact)
        return k;
    let up = false;
    switch (mode) {
        case RNE:
            up = rem > half || (rem === half && (sticky || (k & 1n) === 1n));
            break;
        case RTZ:
            up = false;
            break;
        case RDN:
            up = sign === 1;
            break;
        case RUP:
            up = sign === 0;
            break;
        case RMM:
            up = rem >= half;
            break;
    }
    return up ? k + 1n : k;
}
export function writeZero(isD, sign) {
    if (isD) {
        res[0] = 0;
        res[1] = sign << 31;
    }
    else {
        res[0] = sign << 31;
        res[1] = -1;
    }
}
function writeOverflow(isD, sign, mode) {
    const toInf = mode === RNE || mode === RMM || (mode === RUP && sign === 0) || (mode === RDN && sign === 1);
    if (isD) {
        res[0] = toInf ? 0 : -1;
        res[1] = (sign << 31) | (toInf ? 0x7ff00000 : 0x7fefffff);
    }
    else {
        res[0] = (sign << 31) | (toInf ? 0x7f800000 : 0x7f7fffff);
        res[1] = -1;
    }
}
/** Rounds (-1)^sign * m * 2^e (plus a sticky tail) to the format; writes res, returns flags. */
export function roundExact(isD, sign, m, e, sticky, mode) {
    if (m === 0n && !sticky) {
        writeZero(isD, sign);
        return 0;
    }
    const p = isD ? 53 : 24;
    const emin = isD ? -1022 : -126;
    const emax = isD ? 1023 : 127;
    const top = e + bitLength(m) - 1;
    let tiny = false;
    if (top < emin - 1) {
        tiny = true;
    }
    else if (top === emin - 1) {
        // Tininess after rounding: round to p bits with unbounded exponent, compare with 2^emin.
        tiny = roundToQuantum(m, e, top - (p - 1), sticky, mode, sign) < 1n << BigInt(p);
    }
    let q = Math.max(top, emin) - (p - 1);
    let k = roundToQuantum(m, e, q, sticky, mode, sign);
    const inexact = lastInexact;
    if (k === 1n << BigInt(p)) {
        k >>= 1n;
        q++;
    }
    let flags = inexact ? NX : 0;
    if (tiny && inexact)
        flags |= UF;
    const hidden = 1n << BigInt(p - 1);
    let biased = 0;
    let frac = k;
    if (k >= hidden) {
        const eR = q + p - 1;
        if (eR > emax) {
            writeOverflow(isD, sign, mode);
            return OF | NX;
        }
        biased = eR + emax;
        frac = k - hidden;
    }
    if (isD) {
        res[0] = Number(frac & 0xffffffffn) | 0;
        res[1] = (sign << 31) | (biased << 20) | Number(frac >> 32n);
    }
    else {
        res[0] = (sign << 31) | (biased << 23) | Number(frac);
        res[1] = -1;
    }
    return flags;
}
/** Sign of an exact zero sum: equal signs keep it, opposite signs give +0 (-0 when rounding down). */
export function zeroSumSign(signA, signB, mode) {
    return signA === signB ? signA : mode === RDN ? 1 : 0;
}
/** Exact sum of finite signed terms sa*ma*2^ea + sb*mb*2^eb, rounded. */
function roundSum(isD, sa, ma, ea, sb, mb, eb, mode) {
    const e = Math.min(ea, eb);
    const va = ma << BigInt(ea - e);
    const vb = mb << BigInt(eb - e);
    const sum = (sa ? -va : va) + (sb ? -vb : vb);
    if (sum === 0n) {
        writeZero(isD, zeroSumSign(sa, sb, mode));
        return 0;
    }
    return sum < 0n ? roundExact(isD, 1, -sum, e, false, mode) : roundExact(isD, 0, sum, e, false, mode);
}
/** a + b for finite operands (flip bit 31 of b's high word / single bits to subtract). */
export function slowAdd(isD, aLo, aHi, bLo, bHi, mode) {
    decompose(isD, aLo, aHi);
    const sa = dSign, ma = dMant, ea = dExp;
    decompose(isD, bLo, bHi);
    return roundSum(isD, sa, ma, ea, dSign, dMant, dExp, mode);
}
export function slowMul(isD, aLo, aHi, bLo, bHi, mode) {
    decompose(isD, aLo, aHi);
    const sa = dSign, ma = dMant, ea = dExp;
    decompose(isD, bLo, bHi);
    return roundExact(isD, sa ^ dSign, ma * dMant, ea + dExp, false, mode);
}
/** a / b for finite nonzero operands. */
export function slowDiv(isD, aLo, aHi, bLo, bHi, mode) {
    decompose(isD, aLo, aHi);
    const sa = dSign, ma = dMant, ea = dExp;
    decompose(isD, bLo, bHi);
    const p = isD ? 53 : 24;
    const shift = Math.max(0, p + 3 + bitLength(dMant) - bitLength(ma));
    const num = ma << BigInt(shift);
    const quo = num / dMant;
    const sticky = quo * dMant !== num;
    return roundExact(isD, sa ^ dSign, quo, ea - dExp - shift, sticky, mode);
}
function isqrt(n) {
    // Newton iteration from above, seeded by the double estimate.
    let x = BigInt(Math.ceil(Math.sqrt(Number(n)) * (1 + 2 ** -40))) + 2n;
    if (x * x <= n) {
        // Precision loss in the estimate: fall back to a power-of-two seed above the root.
        x = 1n << BigInt((bitLength(n) >> 1) + 1);
    }
    for (;;) {
        const y = (x + n / x) >> 1n;
        if (y >= x)
            return x;
        x = y;
    }
}
/** sqrt(a) for finite positive a. */
export function slowSqrt(isD, aLo, aHi, mode) {
    decompose(isD, aLo, aHi);
    const p = isD ? 53 : 24;
    let shift = Math.max(0, 2 * p + 6 - bitLength(dMant));
    if ((dExp - shift) & 1)
        shift++;
    const m = dMant << BigInt(shift);
    const r = isqrt(m);
    return roundExact(isD, 0, r, (dExp - shift) / 2, r * r !== m, mode);
}
/** (a*b) + c fused, for finite operands; sign flips are applied to the bits by the caller. */
export function slowFma(isD, aLo, aHi, bLo, bHi, cLo, cHi, mode) {
    decompose(isD, aLo, aHi);
    const sa = dSign, ma = dMant, ea = dExp;
    decompose(isD, bLo, bHi);
    const sp = sa ^ dSign, mp = ma * dMant, ep = ea + dExp;
    decompose(isD, cLo, cHi);
    return roundSum(isD, sp, mp, ep, dSign, dMant, dExp, mode);
}
/** Rounds a finite value of the other format (double bits -> single, or any exact value) to isD. */
export function slowConvert(toD, fromD, lo, hi, mode) {
    decompose(fromD, lo, hi);
    return roundExact(toD, dSign, dMant, dExp, false, mode);
}
/** Rounds a 64-bit integer (lo, hi words; signed or not) to the format. */
export function slowFromInt(toD, lo, hi, signed, mode) {
    let v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    let sign = 0;
    if (signed && hi < 0) {
        v = (1n << 64n) - v;
        sign = 1;
    }
    return roundExact(toD, sign, v, 0, false, mode);
}
//# sourceMappingURL=exact.js.map