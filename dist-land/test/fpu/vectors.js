/** mulberry32: small deterministic PRNG. */
export class Rng {
    s;
    constructor(seed) {
        this.s = seed >>> 0;
    }
    u32() {
        let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
    }
    int(n) {
        return this.u32() % n;
    }
    bit() {
        return (this.u32() & 1) === 1;
    }
    u64() {
        return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    }
    /** Random value with a random bit length up to `bits`. */
    sized(bits) {
        const n = this.int(bits + 1);
        return n === 0 ? 0n : this.u64() & ((1n << BigInt(n)) - 1n);
    }
}
const FS = { ebits: 8, mbits: 23 };
const FD = { ebits: 11, mbits: 52 };
function pack(f, sign, exp, frac) {
    const mmask = (1n << BigInt(f.mbits)) - 1n;
    return ((sign ? 1n : 0n) << BigInt(f.ebits + f.mbits)) | (BigInt(exp) << BigInt(f.mbits)) | (frac & mmask);
}
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function bitsOf(x, f) {
    if (f === FS) {
        f32[0] = x;
        return BigInt(u32[0]);
    }
    f64[0] = x;
    return u64[0];
}
export function valueOf(bits, isD) {
    if (isD) {
        u64[0] = bits;
        return f64[0];
    }
    u32[0] = Number(bits & 0xffffffffn);
    return f32[0];
}
/** Fraction with a few leading random bits and otherwise sparse bits: makes exact results and ties likely. */
function sparseFrac(r, f) {
    const m = BigInt(f.mbits);
    let v = r.u64() & (((1n << m) - 1n) ^ ((1n << (m - BigInt(r.int(f.mbits)))) - 1n));
    if (r.bit())
        v |= 1n << BigInt(r.int(f.mbits));
    return v;
}
const INT_LIMITS = [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** 24, 2 ** 53, 1, 0.5, 1.5, 2.5];
function randomFloat(r, f, prev) {
    const bias = (1 << (f.ebits - 1)) - 1;
    const emax = (1 << f.ebits) - 1;
    const sign = r.bit();
    const mmask = (1n << BigInt(f.mbits)) - 1n;
    const isD = f === FD;
    switch (r.int(16)) {
        case 0:
            return pack(f, sign, 0, 0n);
        case 1:
            return pack(f, sign, emax, 0n);
        case 2:
            return pack(f, sign, emax, (1n << BigInt(f.mbits - 1)) | (r.bit() ? 0n : r.u64()));
        case 3: {
            // signalling NaN
            const frac = r.u64() & (mmask >> 1n);
            return pack(f, sign, emax, frac === 0n ? 1n : frac);
        }
        case 4:
            return pack(f, sign, 0, r.bit() ? r.u64() : r.int(3) === 0 ? 1n : mmask);
        case 5:
            return pack(f, sign, r.bit() ? 1 : emax - 1, r.int(3) === 0 ? 0n : r.int(2) === 0 ? mmask : r.u64());
        case 6:
        case 7:
        case 8:
            return pack(f, sign, bias - 8 + r.int(17), r.bit() ? r.u64() : sparseFrac(r, f));
        case 9:
            return pack(f, sign, 1 + r.int(emax - 1), r.u64());
        case 10:
            return r.u64() & ((1n << BigInt(f.ebits + f.mbits + 1)) - 1n);
        case 11: {
            // near integer conversion limits and rounding ties
            let x = INT_LIMITS[r.int(INT_LIMITS.length)] * (r.int(4) === 0 ? -1 : 1);
            if (r.bit())
                x += (r.int(5) - 2) * 0.5;
            let b = bitsOf(isD ? x : Math.fround(x), f);
            b += BigInt(r.int(5) - 2);
            return b & ((1n << BigInt(f.ebits + f.mbits + 1)) - 1n);
        }
        case 12: {
            // small integers and halves
            const x = (r.int(64) - 32) / (r.bit() ? 1 : 2);
            return bitsOf(x, f);
        }
        case 13: // near the underflow and overflow thresholds
            return pack(f, sign, r.bit() ? r.int(f.mbits + 3) : emax - 1 - r.int(4), r.bit() ? r.u64() : sparseFrac(r, f));
        default: {
            // related to an earlier operand: cancellation, half-ulp offsets, neighbours
            if (prev.length === 0)
                return pack(f, sign, bias + r.int(3), r.u64());
            const p = prev[r.int(prev.length)] & ((1n << BigInt(f.ebits + f.mbits + 1)) - 1n);
            const pe = Number((p >> BigInt(f.mbits)) & BigInt(emax));
            switch (r.int(4)) {
                case 0:
                    return p ^ (1n << BigInt(f.ebits + f.mbits)); // negation
                case 1:
                    return (p + BigInt(r.int(7) - 3)) & ((1n << BigInt(f.ebits + f.mbits + 1)) - 1n);
                default: {
                    // similar magnitude, or about one ulp/half-ulp below
                    const e = Math.min(emax - 1, Math.max(0, pe - (r.bit() ? r.int(3) : f.mbits + r.int(4) - 1)));
                    return pack(f, sign, e, r.bit() ? sparseFrac(r, f) : r.u64());
                }
            }
        }
    }
}
function randomInt(r) {
    switch (r.int(6)) {
        case 0:
            return r.u64();
        case 1:
            return BigInt.asUintN(64, BigInt(r.int(200) - 100));
        case 2: {
            // around powers of two, both signs
            const v = (1n << BigInt(r.int(64))) + BigInt(r.int(9) - 4);
            return BigInt.asUintN(64, r.bit() ? -v : v);
        }
        case 3:
            return BigInt.asUintN(64, BigInt.asIntN(32, r.sized(32))); // sign-extended 32-bit
        case 4:
            return r.sized(32);
        default: {
            const v = r.sized(64);
            return BigInt.asUintN(64, r.bit() ? -v : v);
        }
    }
}
/** A 64-bit register pattern for an operand of the given type. */
export function randomOperand(r, t, prev) {
    if (t === 'X')
        return randomInt(r);
    if (t === 'D')
        return randomFloat(r, FD, prev);
    const low = randomFloat(r, FS, prev);
    const k = r.int(64);
    const high = k === 0 ? 0n : k === 1 ? BigInt(r.u32()) : 0xffffffffn; // rarely not NaN-boxed
    return (high << 32n) | low;
}
/** Addend that nearly cancels the product a*b (exercises fused-op cancellation). */
export function cancellingAddend(r, a, b, isD) {
    const p = valueOf(a, isD) * valueOf(b, isD);
    const x = -(isD ? p : Math.fround(p));
    if (!Number.isFinite(x))
        return a;
    const bits = bitsOf(x, isD ? FD : FS) + BigInt(r.int(5) - 2);
    return isD ? BigInt.asUintN(64, bits) : (0xffffffffn << 32n) | (bits & 0xffffffffn);
}
//# sourceMappingURL=vectors.js.map