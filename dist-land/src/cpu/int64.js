// 64-bit integer helpers on (lo, hi) pairs of int32 for the interpreter: multiply-high and division.
// Results of the pair functions are returned as the low half; the high half is left in `r64.hi`.
/** Scratch for the high half of a pair result (module-level so nothing is allocated per call). */
export const r64 = { hi: 0 };
/** High 32 bits of the unsigned 64-bit product of two uint32 (given as int32). */
export function mulhu32(a, b) {
    const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
    const t = a0 * b0;
    const m1 = a1 * b0 + (t >>> 16);
    const m2 = a0 * b1 + (m1 & 0xffff);
    return (a1 * b1 + Math.floor(m1 / 65536) + Math.floor(m2 / 65536)) | 0;
}
/** Low 64 bits of a 64x64 product; returns lo, r64.hi = hi. */
export function mul64(alo, ahi, blo, bhi) {
    r64.hi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
    return Math.imul(alo, blo);
}
/** High 64 bits of the unsigned 128-bit product; returns lo, r64.hi = hi. */
export function mulhu64(alo, ahi, blo, bhi) {
    // Four 32x32->64 partial products, summed column by column with carries in doubles (exact: < 2^53).
    const ll_hi = mulhu32(alo, blo) >>> 0;
    const lh_lo = Math.imul(alo, bhi) >>> 0, lh_hi = mulhu32(alo, bhi) >>> 0;
    const hl_lo = Math.imul(ahi, blo) >>> 0, hl_hi = mulhu32(ahi, blo) >>> 0;
    const hh_lo = Math.imul(ahi, bhi) >>> 0, hh_hi = mulhu32(ahi, bhi) >>> 0;
    const col1 = ll_hi + lh_lo + hl_lo; // bits 32..63 (+ carry)
    const c1 = Math.floor(col1 / 4294967296);
    const col2 = lh_hi + hl_hi + hh_lo + c1; // bits 64..95
    const c2 = Math.floor(col2 / 4294967296);
    const col3 = hh_hi + c2; // bits 96..127
    r64.hi = col3 | 0;
    return col2 | 0;
}
/** Signed x signed high 64 bits. */
export function mulh64(alo, ahi, blo, bhi) {
    let lo = mulhu64(alo, ahi, blo, bhi);
    let hi = r64.hi;
    // hi(a*b) signed = hi_u(a*b) - (a<0 ? b : 0) - (b<0 ? a : 0)
    if (ahi < 0) {
        const n = (lo - blo) | 0;
        hi = (hi - bhi - (lo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
        lo = n;
    }
    if (bhi < 0) {
        const n = (lo - alo) | 0;
        hi = (hi - ahi - (lo >>> 0 < alo >>> 0 ? 1 : 0)) | 0;
        lo = n;
    }
    r64.hi = hi;
    return lo;
}
/** Signed a x unsigned b high 64 bits. */
export function mulhsu64(alo, ahi, blo, bhi) {
    let lo = mulhu64(alo, ahi, blo, bhi);
    let hi = r64.hi;
    if (ahi < 0) {
        const n = (lo - blo) | 0;
        hi = (hi - bhi - (lo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
        lo = n;
    }
    r64.hi = hi;
    return lo;
}
const TWO32 = 4294967296;
const SAFE = 2 ** 52;
function toBig(lo, hi) {
    return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}
function fromBig(v) {
    r64.hi = Number(BigInt.asIntN(32, v >> 32n));
    return Number(BigInt.asIntN(32, v));
}
function setNum(v) {
    // v is an integer with |v| < 2^53
    const hi = Math.floor(v / TWO32);
    r64.hi = hi | 0;
    return (v - hi * TWO32) | 0;
}
/** RISC-V DIV/REM/DIVU/REMU on 64-bit pairs. op: 0 div, 1 divu, 2 rem, 3 remu. Returns lo; r64.hi = hi.
 *  Small operands take a double-precision path; the rare wide ones fall back to BigInt. */
export function divrem64(op, alo, ahi, blo, bhi) {
    const signed = op === 0 || op === 2;
    const rem = op >= 2;
    if (blo === 0 && bhi === 0) {
        // Division by zero: quotient all ones, remainder = dividend.
        if (rem) {
            r64.hi = ahi;
            return alo;
        }
        r64.hi = -1;
        return -1;
    }
    if (signed && alo === 0 && ahi === -2147483648 && blo === -1 && bhi === -1) {
        // Overflow: quotient = dividend, remainder 0.
        if (rem) {
            r64.hi = 0;
            return 0;
        }
        r64.hi = ahi;
        return alo;
    }
    const a = signed ? ahi * TWO32 + (alo >>> 0) : (ahi >>> 0) * TWO32 + (alo >>> 0);
    const b = signed ? bhi * TWO32 + (blo >>> 0) : (bhi >>> 0) * TWO32 + (blo >>> 0);
    if (Math.abs(a) < SAFE && Math.abs(b) < SAFE) {
        let q = Math.trunc(a / b);
        let r = a - q * b;
        // Correct a possible off-by-one from the rounded double quotient.
        if (r !== 0 && r < 0 !== a < 0) {
            if (b < 0 === a < 0) {
                q -= 1;
                r += b;
            }
            else {
                q += 1;
                r -= b;
            }
        }
        else if (Math.abs(r) >= Math.abs(b)) {
            if (b < 0 === a < 0) {
                q += 1;
                r -= b;
            }
            else {
                q -= 1;
                r += b;
            }
        }
        return setNum(rem ? r : q);
    }
    const A = signed ? BigInt.asIntN(64, toBig(alo, ahi)) : BigInt.asUintN(64, toBig(alo, ahi));
    const B = signed ? BigInt.asIntN(64, toBig(blo, bhi)) : BigInt.asUintN(64, toBig(blo, bhi));
    return fromBig(rem ? A % B : A / B);
}
//# sourceMappingURL=int64.js.map