// Inline WebAssembly for RISC-V F/D instructions in translated blocks: exact fast paths, the FPU call-out as the slow path.
import { HS_F, HS_FCSR, HS_FS_DIRTY, HS_FS_ON } from '../../memory/layout.js';
import { writesX } from '../isa/table.js';
import { F64, I32, I64, Op } from './wasm-emitter.js';
// WebAssembly opcodes the FP paths use beyond the translator's set.
const W = {
    f32_load: 0x2a,
    f64_load: 0x2b,
    f32_store: 0x38,
    f64_store: 0x39,
    f32_const: 0x43,
    f64_const: 0x44,
    f32_eq: 0x5b,
    f32_ne: 0x5c,
    f32_lt: 0x5d,
    f32_gt: 0x5e,
    f32_le: 0x5f,
    f64_eq: 0x61,
    f64_ne: 0x62,
    f64_lt: 0x63,
    f64_gt: 0x64,
    f64_le: 0x65,
    f64_ge: 0x66,
    i64_clz: 0x79,
    i64_ctz: 0x7a,
    f32_abs: 0x8b,
    f64_abs: 0x99,
    f64_neg: 0x9a,
    f64_ceil: 0x9b,
    f64_floor: 0x9c,
    f64_trunc: 0x9d,
    f64_nearest: 0x9e,
    f64_sqrt: 0x9f,
    f64_add: 0xa0,
    f64_sub: 0xa1,
    f64_mul: 0xa2,
    f64_div: 0xa3,
    f32_convert_i64_s: 0xb4,
    f32_convert_i64_u: 0xb5,
    f32_demote_f64: 0xb6,
    f64_convert_i64_s: 0xb9,
    f64_convert_i64_u: 0xba,
    f64_promote_f32: 0xbb,
    i32_reinterpret_f32: 0xbc,
    i64_reinterpret_f64: 0xbd,
    f64_reinterpret_i64: 0xbf,
    prefix_fc: 0xfc,
};
// Saturating truncations (0xfc prefix): never trap, even on values the fast path then rejects.
const SAT_I32_F64_S = 2, SAT_I64_F64_S = 6, SAT_I64_F64_U = 7;
const F32 = 0x7d;
const SIGN64_HI = -0x80000000;
/** Exponent fields [543, 1503] (|x| in [2^-480, 2^481)): Dekker's product of two such values is exact (no over/underflow). */
const SAFE_EXP_MIN = 543, SAFE_EXP_SPAN = 961;
/** Veltkamp's splitting constant 2^27 + 1. */
const SPLITTER = 134217729;
const scratch = new DataView(new ArrayBuffer(8));
export class FpEmitter {
    h;
    b;
    fd = [];
    fs = [];
    il = [];
    ii = [];
    /** Depth of the slow path's label from the code being emitted. */
    depth = 0;
    /** The instruction being emitted has fcsr in local i(3) (read by rmGate). */
    fcsrRead = false;
    constructor(h) {
        this.h = h;
        this.b = h.b;
    }
    // Scratch locals by kind and number, declared on first use.
    d(i) {
        while (this.fd.length <= i)
            this.fd.push(this.b.local(F64));
        return this.fd[i];
    }
    s(i) {
        while (this.fs.length <= i)
            this.fs.push(this.b.local(F32));
        return this.fs[i];
    }
    l(i) {
        while (this.il.length <= i)
            this.il.push(this.b.local(I64));
        return this.il[i];
    }
    i(i) {
        while (this.ii.length <= i)
            this.ii.push(this.b.local(I32));
        return this.ii[i];
    }
    fAddr(r) {
        return this.h.hartBase + HS_F + 8 * r;
    }
    fcsrAddr() {
        return this.h.hartBase + HS_FCSR;
    }
    f64c(v) {
        scratch.setFloat64(0, v, true);
        this.b.byte(W.f64_const);
        for (let k = 0; k < 8; k++)
            this.b.byte(scratch.getUint8(k));
    }
    f32c(v) {
        scratch.setFloat32(0, v, true);
        this.b.byte(W.f32_const);
        for (let k = 0; k < 4; k++)
            this.b.byte(scratch.getUint8(k));
    }
    sat(code) {
        this.b.byte(W.prefix_fc).u32(code);
    }
    /** Branches to the slow path when the i32 on the stack is non-zero. */
    bail() {
        this.b.brIf(this.depth);
    }
    /** Branches to the slow path when the i32 on the stack is zero. */
    need() {
        this.b.op(Op.i32_eqz);
        this.bail();
    }
    /**
     * Emits `fast` guarded by FS Dirty (or by FS not Off: `flag` HS_FS_ON), with `slow` as the fallback. `fast` branches
     * to the slow path with bail/need before it writes anything.
     */
    guarded(fast, slow, flag = HS_FS_DIRTY) {
        const b = this.b;
        b.block();
        b.block();
        this.depth = 0;
        this.fcsrRead = false;
        b.i32c(0).mem(Op.i32_load, this.h.hartBase + flag);
        this.need();
        fast();
        b.br(1);
        b.end();
        slow();
        b.end();
    }
    /** Emits one FP instruction (opcodes 0x07, 0x27, 0x43-0x4f, 0x53). */
    emit(ins, k) {
        const insn = ins.insn;
        const op = insn & 0x7f;
        if (op === 0x07 || op === 0x27) {
            this.emitMem(ins, k);
            return;
        }
        const slow = () => this.h.slowFp(ins, k);
        const fast = this.fastFor(insn);
        if (fast === null)
            slow();
        else
            this.guarded(fast, slow);
        if (writesX(ins.entry))
            this.h.markDirty((insn >>> 7) & 31);
    }
    emitMem(ins, k) {
        const h = this.h, b = this.b, insn = ins.insn;
        const load = (insn & 0x7f) === 0x07;
        const f3 = (insn >>> 12) & 7;
        const imm = load ? insn >> 20 : ((insn >> 25) << 5) | ((insn >>> 7) & 31);
        h.effAddr((insn >>> 15) & 31, imm);
        const slow = () => h.slowFpMem(ins, k);
        if (f3 !== 2 && f3 !== 3) {
            slow();
            return;
        }
        const size = f3 === 3 ? 8 : 4;
        this.guarded(() => {
            h.tlbHit(load ? h.loadTlbGlobal : h.storeTlbGlobal, size);
            this.need();
            if (load) {
                b.i32c(0);
                h.hostAddr();
                if (size === 8)
                    b.mem(Op.i64_load, 0);
                else
                    b.mem(Op.i64_load32_u, 0).i64c(0, -1).op(Op.i64_or); // NaN-boxed
                b.mem(Op.i64_store, this.fAddr((insn >>> 7) & 31));
            }
            else {
                h.hostAddr();
                b.i32c(0).mem(Op.i64_load, this.fAddr((insn >>> 20) & 31));
                b.mem(size === 8 ? Op.i64_store : Op.i64_store32, 0);
            }
        }, slow, load ? HS_FS_DIRTY : HS_FS_ON);
    }
    /** The fast path of an OP-FP or fused multiply-add instruction, or null when it always calls out. */
    fastFor(insn) {
        const op = insn & 0x7f;
        const rm = (insn >>> 12) & 7;
        const rs2 = (insn >>> 20) & 31;
        const fmt = (insn >>> 25) & 3;
        if (fmt > 1)
            return null;
        const isD = fmt === 1;
        if (op !== 0x53)
            return (op & 0x73) !== 0x43 || rm === 5 || rm === 6 ? null : () => this.fma(insn, isD);
        const f5 = insn >>> 27;
        switch (f5) {
            case 0x00:
            case 0x01:
            case 0x02:
            case 0x03:
                return rm === 5 || rm === 6 ? null : () => this.arith(insn, f5, isD);
            case 0x0b:
                return rm === 5 || rm === 6 || rs2 !== 0 ? null : () => this.arith(insn, f5, isD);
            case 0x04:
                return rm > 2 ? null : () => this.sgnj(insn, isD);
            case 0x05:
                return rm > 1 ? null : () => this.minMax(insn, isD);
            case 0x08:
                if (rm === 5 || rm === 6 || rs2 !== (isD ? 0 : 1))
                    return null;
                return isD ? () => this.cvtDS(insn) : () => this.cvtSD(insn);
            case 0x14:
                return rm > 2 ? null : () => this.compare(insn, isD);
            case 0x18:
                return rm === 4 || rm === 5 || rm === 6 || rs2 > 3 ? null : () => this.toInt(insn, isD);
            case 0x1a:
                return rm === 5 || rm === 6 || rs2 > 3 ? null : () => this.fromInt(insn, isD);
            case 0x1c:
                return rs2 !== 0 || rm !== 0 ? null : () => this.moveToX(insn, isD);
            case 0x1e:
                return rs2 !== 0 || rm !== 0 ? null : () => this.moveFromX(insn, isD);
            default:
                return null;
        }
    }
    // ---- operands and results ----
    /** Pushes f[r] as a double. */
    loadD(r) {
        this.b.i32c(0).mem(W.f64_load, this.fAddr(r));
    }
    /** Bails unless f[r] is NaN-boxed, then pushes its single value (as f32). */
    loadS(r) {
        const b = this.b;
        b.i32c(0)
            .mem(Op.i32_load, this.fAddr(r) + 4)
            .i32c(-1)
            .op(Op.i32_ne);
        this.bail();
        b.i32c(0).mem(W.f32_load, this.fAddr(r));
    }
    /** Pushes f[r] as a double: the value itself (D) or the NaN-boxed single widened (S; bails when not boxed). */
    loadOperand(r, isD) {
        if (isD)
            this.loadD(r);
        else {
            this.loadS(r);
            this.b.op(W.f64_promote_f32);
        }
    }
    storeD(rd, local) {
        this.b.i32c(0).get(local).mem(W.f64_store, this.fAddr(rd));
    }
    storeS(rd, local) {
        const b = this.b;
        b.i32c(0).get(local).mem(W.f32_store, this.fAddr(rd));
        b.i32c(0)
            .i32c(-1)
            .mem(Op.i32_store, this.fAddr(rd) + 4);
    }
    /** fflags |= NX when the i32 local is 1 (fcsr as read by rmGate when it did). */
    accrue(nx) {
        const b = this.b;
        b.i32c(0);
        if (this.fcsrRead)
            b.get(this.i(3));
        else
            b.i32c(0).mem(Op.i32_load, this.fcsrAddr());
        b.get(nx).op(Op.i32_or).mem(Op.i32_store, this.fcsrAddr());
    }
    /**
     * Bails unless the rounding mode allows the fast result. A static mode other than `mode` allows exact results only
     * (`inexact` pushes 1 for a result that needs the mode: inexact, or an exact zero sum whose sign depends on it); the
     * dynamic mode needs frm = RNE (`mode` is then 0), read from fcsr into a local that accrue reuses.
     */
    rmGate(insn, inexact, mode) {
        const b = this.b;
        const rm = (insn >>> 12) & 7;
        if (rm === 7) {
            b.i32c(0).mem(Op.i32_load, this.fcsrAddr()).tee(this.i(3)).i32c(0xe0).op(Op.i32_and);
            this.bail();
            this.fcsrRead = true;
            return;
        }
        if (rm === mode)
            return;
        if (typeof inexact === 'number')
            b.get(inexact);
        else
            inexact();
        this.bail();
    }
    /** Pushes 1 when the double in `local` has |x| in (min normal, infinity). */
    strictNormalD(local) {
        this.b
            .get(local)
            .op(W.i64_reinterpret_f64)
            .i64c(-1, 0x7fffffff)
            .op(Op.i64_and)
            .i64c(1, 0x00100000)
            .op(Op.i64_sub)
            .i64c(-1, 0x7fdfffff)
            .op(Op.i64_lt_u);
    }
    /** Pushes 1 when the single in `local` has |x| in (min normal, infinity). */
    strictNormalS(local) {
        this.b
            .get(local)
            .op(W.i32_reinterpret_f32)
            .i32c(0x7fffffff)
            .op(Op.i32_and)
            .i32c(0x00800001)
            .op(Op.i32_sub)
            .i32c(0x7effffff)
            .op(Op.i32_lt_u);
    }
    /** Pushes 1 when f[r]'s exponent field is in the Dekker-safe range (and, with `positive`, its sign is clear). */
    safeD(r, positive) {
        const b = this.b;
        b.i32c(0)
            .mem(Op.i32_load, this.fAddr(r) + 4)
            .i32c(20)
            .op(Op.i32_shr_u);
        if (!positive)
            b.i32c(0x7ff).op(Op.i32_and);
        b.i32c(SAFE_EXP_MIN).op(Op.i32_sub).i32c(SAFE_EXP_SPAN).op(Op.i32_lt_u);
    }
    /** Bails unless f[r] is Dekker-safe or a zero; leaves its value in `local`. */
    safeOrZeroD(r, local) {
        const b = this.b;
        this.safeD(r, false);
        this.loadD(r);
        b.tee(local);
        this.f64c(0);
        b.op(W.f64_eq).op(Op.i32_or);
        this.need();
    }
    /** s + err = x + y exactly (Knuth's TwoSum); `bb` is scratch. */
    twoSum(x, y, s, err) {
        const b = this.b, bb = this.d(15);
        b.get(x).get(y).op(W.f64_add).tee(s).get(x).op(W.f64_sub).set(bb);
        b.get(x).get(s).get(bb).op(W.f64_sub).op(W.f64_sub);
        b.get(y).get(bb).op(W.f64_sub);
        b.op(W.f64_add).set(err);
    }
    /** Veltkamp's split: hi + lo = x, each with at most 26 significant bits. */
    split(x, hi, lo) {
        const b = this.b;
        b.get(x);
        this.f64c(SPLITTER);
        b.op(W.f64_mul).tee(lo); // lo holds c = x * (2^27 + 1) for a moment
        b.get(lo).get(x).op(W.f64_sub).op(W.f64_sub).tee(hi);
        b.get(x).get(hi).op(W.f64_sub).set(lo);
    }
    /** p + err = x * y exactly (Dekker), given operands whose product and splits neither overflow nor underflow. */
    twoProd(x, y, p, err) {
        const b = this.b;
        const xh = this.d(11), xl = this.d(12), yh = this.d(13), yl = this.d(14);
        b.get(x).get(y).op(W.f64_mul).set(p);
        this.split(x, xh, xl);
        if (x === y) {
            b.get(xh).set(yh);
            b.get(xl).set(yl);
        }
        else
            this.split(y, yh, yl);
        b.get(xh).get(yh).op(W.f64_mul).get(p).op(W.f64_sub);
        b.get(xh).get(yl).op(W.f64_mul).op(W.f64_add);
        b.get(xl).get(yh).op(W.f64_mul).op(W.f64_add);
        b.get(xl).get(yl).op(W.f64_mul).op(W.f64_add);
        b.set(err);
    }
    /**
     * Pushes 1 when the product of the doubles x and y (normal or zero, product normal or zero) is not exact: their
     * significands' odd parts o1, o2 must multiply to fewer than 2^53 (cheaper than Dekker's product, and no FP latency).
     */
    mulInexact(x, y) {
        const b = this.b, m = this.l(1), tzx = this.l(2), ox = this.l(3), tzy = this.l(4);
        const odd = (v, tz) => {
            b.get(v).op(W.i64_reinterpret_f64).i64c(-1, 0xfffff).op(Op.i64_and).i64c(0, 0x100000).op(Op.i64_or).tee(m);
            b.get(m).op(W.i64_ctz).tee(tz).op(Op.i64_shr_u);
        };
        odd(x, tzx);
        b.set(ox);
        odd(y, tzy);
        // More than 64 significant bits in all (tzx + tzy < 42) cannot be exact; else the 64-bit product is exact.
        b.get(ox).op(Op.i64_mul).i64c(0, 0x200000).op(Op.i64_ge_u);
        b.get(tzx).get(tzy).op(Op.i64_add).i64c(42).op(Op.i64_lt_u).op(Op.i32_or);
    }
    /** Pushes 1 when x != 0 (doubles). */
    nonZero(x) {
        this.b.get(x);
        this.f64c(0);
        this.b.op(W.f64_ne);
    }
    /** Narrows the double in `r64` to the single local `r32`; sets nx |= (narrowing inexact). */
    narrow(r64, r32, nx) {
        const b = this.b;
        b.get(r64).op(W.f32_demote_f64).tee(r32).op(W.f64_promote_f32).get(r64).op(W.f64_ne).get(nx).op(Op.i32_or).set(nx);
    }
    // ---- instruction kinds ----
    /** FADD/FSUB/FMUL/FDIV (f5 0..3) and FSQRT (f5 0x0b). */
    arith(insn, f5, isD) {
        const b = this.b;
        const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
        const x = this.d(0), y = this.d(1), r = this.d(2), err = this.d(3), nx = this.i(0), r32 = this.s(0);
        if (isD) {
            if (f5 === 2) {
                // both operands Dekker-safe or zero: the product is normal or an exact zero
                this.safeOrZeroD(rs1, x);
                this.safeOrZeroD(rs2, y);
            }
            else if (f5 === 3) {
                // dividend Dekker-safe or zero, divisor Dekker-safe: the quotient is normal or an exact zero
                this.safeOrZeroD(rs1, x);
                this.safeD(rs2, false);
                this.need();
                this.loadD(rs2);
                b.set(y);
            }
            else if (f5 === 0x0b) {
                // positive and Dekker-safe, or a zero (sqrt(-0) = -0 exactly)
                this.safeD(rs1, true);
                this.loadD(rs1);
                b.tee(x);
                this.f64c(0);
                b.op(W.f64_eq).op(Op.i32_or);
                this.need();
            }
            else {
                this.loadD(rs1);
                b.set(x);
                this.loadD(rs2);
                if (f5 === 1)
                    b.op(W.f64_neg);
                b.set(y);
            }
        }
        else {
            this.loadOperand(rs1, false);
            b.set(x);
            if (f5 !== 0x0b) {
                this.loadOperand(rs2, false);
                if (f5 === 1)
                    b.op(W.f64_neg);
                b.set(y);
            }
        }
        switch (f5) {
            case 0:
            case 1:
                this.twoSum(x, y, r, err);
                // A finite sum is exact below the normal range; a NaN error term means an intermediate overflowed.
                b.get(err).get(err).op(W.f64_eq);
                this.need();
                this.nonZero(err);
                b.set(nx);
                break;
            case 2: // the product of two singles is exact in double
                b.get(x).get(y).op(W.f64_mul).set(r);
                if (isD) {
                    this.mulInexact(x, y);
                    b.set(nx);
                }
                else
                    b.i32c(0).set(nx);
                break;
            case 3: // exact iff r * y == x exactly
                b.get(x).get(y).op(W.f64_div).set(r);
                this.mulInexact(r, y);
                b.get(r).get(y).op(W.f64_mul).get(x).op(W.f64_ne).op(Op.i32_or).set(nx);
                break;
            default: // exact iff r * r == x exactly
                b.get(x).op(W.f64_sqrt).set(r);
                this.mulInexact(r, r);
                b.get(r).get(r).op(W.f64_mul).get(x).op(W.f64_ne).op(Op.i32_or).set(nx);
                break;
        }
        if (isD) {
            // an overflowing sum has a NaN error term (checked above)
            this.rmGate(insn, f5 <= 1 ? () => this.zeroOrInexact(r, nx) : nx, 0);
            this.storeD(rd, r);
        }
        else {
            this.narrow(r, r32, nx);
            if (f5 <= 1) {
                b.get(r32).op(W.f32_abs);
                this.f32c(Infinity);
                b.op(W.f32_lt);
                this.need();
            } // sums below normal are exact
            else if (f5 === 2) {
                this.strictNormalS(r32);
                b.get(r);
                this.f64c(0);
                b.op(W.f64_eq).op(Op.i32_or);
                this.need();
            }
            else {
                this.strictNormalS(r32);
                this.need();
            }
            this.rmGate(insn, f5 <= 1 ? () => this.zeroOrInexact(r, nx) : nx, 0);
            this.storeS(rd, r32);
        }
        this.accrue(nx);
    }
    /** Pushes nx | (r == 0): an exact zero sum is +0 only when rounding to nearest, so it needs the mode like an inexact one. */
    zeroOrInexact(r, nx) {
        this.b.get(r);
        this.f64c(0);
        this.b.op(W.f64_eq).get(nx).op(Op.i32_or);
    }
    /** FMADD/FMSUB/FNMSUB/FNMADD. */
    fma(insn, isD) {
        const b = this.b;
        const op = insn & 0x7f;
        const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rs3 = insn >>> 27;
        const negProduct = (op & 8) !== 0, negAddend = op === 0x47 || op === 0x4f;
        const x = this.d(0), y = this.d(1), z = this.d(2), uh = this.d(3), ul = this.d(4), s = this.d(5), e = this.d(6);
        const t = this.d(7), t2 = this.d(8), v = this.d(9), r = this.d(10), err = this.d(3); // uh is dead when err is set
        const nx = this.i(0), r32 = this.s(0);
        if (isD) {
            // a zero product leaves r = z, which must then be normal (Mandelbrot-style loops start from zeros)
            this.safeOrZeroD(rs1, x);
            if (negProduct)
                b.get(x).op(W.f64_neg).set(x);
            this.safeOrZeroD(rs2, y);
        }
        else {
            this.loadOperand(rs1, isD);
            if (negProduct)
                b.op(W.f64_neg);
            b.set(x);
            this.loadOperand(rs2, isD);
            b.set(y);
        }
        this.loadOperand(rs3, isD);
        if (negAddend)
            b.op(W.f64_neg);
        b.set(z);
        if (!isD) {
            // The product of two singles is exact in double; round the sum to odd, then narrowing rounds correctly.
            b.get(x).get(y).op(W.f64_mul).set(uh);
            this.twoSum(uh, z, s, e);
            this.roundToOdd(s, e, v);
            this.nonZero(e);
            b.set(nx);
            this.narrow(v, r32, nx);
            this.strictNormalS(r32);
            this.need();
            this.rmGate(insn, nx, 0);
            this.storeS(rd, r32);
            this.accrue(nx);
            return;
        }
        // x*y + z = uh + ul + z = s + e + ul = s + t + t2, each step exact; v = t + t2 rounded to odd; r = RN(s + v).
        b.get(z).op(W.f64_abs);
        this.f64c(Infinity);
        b.op(W.f64_lt);
        this.need();
        this.twoProd(x, y, uh, ul);
        this.twoSum(uh, z, s, e);
        this.twoSum(e, ul, t, t2);
        this.roundToOdd(t, t2, v);
        this.twoSum(s, v, r, err);
        this.strictNormalD(r);
        this.need();
        b.get(err).get(err).op(W.f64_eq);
        this.need();
        // Rounding v to odd is harmless only when its ulp is far below r's: |t| * 16 <= |r| (exact when t2 = 0).
        this.nonZero(t2);
        b.if_(I32);
        b.get(t).op(W.f64_abs);
        this.f64c(16);
        b.op(W.f64_mul).get(r).op(W.f64_abs).op(W.f64_le);
        b.else_().i32c(1).end();
        this.need();
        this.nonZero(t2);
        this.nonZero(err);
        b.op(Op.i32_or).set(nx);
        this.rmGate(insn, nx, 0);
        this.storeD(rd, r);
        this.accrue(nx);
    }
    /** out = x + lo rounded to odd, where x = RN(x + lo) and lo is the exact remainder: nudges an even x towards lo. */
    roundToOdd(x, lo, out) {
        const b = this.b, xb = this.l(0);
        b.get(x).op(W.i64_reinterpret_f64).set(xb);
        b.get(xb);
        // +1 in magnitude when lo has x's sign, else -1; only when lo != 0 and x's last bit is 0.
        b.i64c(-1).i64c(1).get(xb).get(lo).op(W.i64_reinterpret_f64).op(Op.i64_xor).i64c(0).op(Op.i64_lt_s).op(Op.select);
        b.i64c(0);
        this.nonZero(lo);
        b.get(xb).op(Op.i32_wrap_i64).i32c(1).op(Op.i32_and).op(Op.i32_eqz).op(Op.i32_and);
        b.op(Op.select).op(Op.i64_add).op(W.f64_reinterpret_i64).set(out);
    }
    /** FSGNJ/FSGNJN/FSGNJX: bits only; a single operand that is not NaN-boxed reads as the canonical NaN. */
    sgnj(insn, isD) {
        const b = this.b;
        const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rm = (insn >>> 12) & 7;
        if (isD) {
            const a = this.l(0), c = this.l(1);
            b.i32c(0).mem(Op.i64_load, this.fAddr(rs1)).set(a);
            b.i32c(0).mem(Op.i64_load, this.fAddr(rs2)).set(c);
            b.i32c(0);
            b.get(a).i64c(-1, 0x7fffffff).op(Op.i64_and);
            if (rm === 0)
                b.get(c);
            else if (rm === 1)
                b.get(c).i64c(-1).op(Op.i64_xor);
            else
                b.get(a).get(c).op(Op.i64_xor);
            b.i64c(0, SIGN64_HI).op(Op.i64_and).op(Op.i64_or);
            b.mem(Op.i64_store, this.fAddr(rd));
            return;
        }
        const a = this.i(1), c = this.i(2);
        this.unboxed(rs1);
        b.set(a);
        this.unboxed(rs2);
        b.set(c);
        b.i32c(0);
        b.get(a).i32c(0x7fffffff).op(Op.i32_and);
        if (rm === 0)
            b.get(c);
        else if (rm === 1)
            b.get(c).i32c(-1).op(Op.i32_xor);
        else
            b.get(a).get(c).op(Op.i32_xor);
        b.i32c(SIGN64_HI).op(Op.i32_and).op(Op.i32_or);
        b.op(Op.i64_extend_i32_u).i64c(0, -1).op(Op.i64_or);
        b.mem(Op.i64_store, this.fAddr(rd));
    }
    /** Pushes f[r]'s single bits, or the canonical NaN when f[r] is not NaN-boxed. */
    unboxed(r) {
        const b = this.b;
        b.i32c(0).mem(Op.i32_load, this.fAddr(r)).i32c(0x7fc00000);
        b.i32c(0)
            .mem(Op.i32_load, this.fAddr(r) + 4)
            .i32c(-1)
            .op(Op.i32_eq)
            .op(Op.select);
    }
    /** FMIN/FMAX without NaN operands (those may raise NV: call-out). */
    minMax(insn, isD) {
        const b = this.b;
        const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, max = ((insn >>> 12) & 7) === 1;
        const x = this.d(0), y = this.d(1), a = this.l(0), c = this.l(1);
        if (isD) {
            this.loadD(rs1);
            b.set(x);
            this.loadD(rs2);
            b.set(y);
        }
        else {
            this.loadOperand(rs1, false);
            b.set(x);
            this.loadOperand(rs2, false);
            b.set(y);
        }
        b.get(x).get(x).op(W.f64_eq).get(y).get(y).op(W.f64_eq).op(Op.i32_and);
        this.need();
        b.i32c(0).mem(Op.i64_load, this.fAddr(rs1)).set(a);
        b.i32c(0).mem(Op.i64_load, this.fAddr(rs2)).set(c);
        b.i32c(0);
        // Equal values differ at most in the sign of a zero: min takes the negative one (or), max the positive one (and).
        b.get(a)
            .get(c)
            .op(max ? Op.i64_and : Op.i64_or);
        b.get(a)
            .get(c)
            .get(x)
            .get(y)
            .op(max ? W.f64_gt : W.f64_lt)
            .op(Op.select);
        b.get(x).get(y).op(W.f64_eq).op(Op.select);
        b.mem(Op.i64_store, this.fAddr(rd));
    }
    /** FEQ/FLT/FLE without NaN operands (those may raise NV: call-out). */
    compare(insn, isD) {
        const b = this.b, h = this.h;
        const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rm = (insn >>> 12) & 7;
        const x = this.d(0), y = this.d(1);
        this.loadOperand(rs1, isD);
        b.set(x);
        this.loadOperand(rs2, isD);
        b.set(y);
        b.get(x).get(x).op(W.f64_eq).get(y).get(y).op(W.f64_eq).op(Op.i32_and);
        this.need();
        h.setX(rd, () => {
            b.get(x)
                .get(y)
                .op(rm === 2 ? W.f64_eq : rm === 1 ? W.f64_lt : W.f64_le)
                .op(Op.i64_extend_i32_u);
        });
    }
    /** FCVT.D.S: exact unless NaN (canonicalised, maybe NV: call-out). */
    cvtDS(insn) {
        const b = this.b;
        const x = this.d(0), nx = this.i(0);
        this.loadOperand((insn >>> 15) & 31, false);
        b.set(x);
        b.get(x).get(x).op(W.f64_eq);
        this.need();
        b.i32c(0).set(nx);
        this.rmGate(insn, nx, 0);
        this.storeD((insn >>> 7) & 31, x);
    }
    /** FCVT.S.D: a result that is normal, or an exact zero. */
    cvtSD(insn) {
        const b = this.b;
        const x = this.d(0), nx = this.i(0), r32 = this.s(0);
        this.loadD((insn >>> 15) & 31);
        b.set(x);
        b.i32c(0).set(nx);
        this.narrow(x, r32, nx);
        this.strictNormalS(r32);
        b.get(x);
        this.f64c(0);
        b.op(W.f64_eq).op(Op.i32_or);
        this.need();
        this.rmGate(insn, nx, 0);
        this.storeS((insn >>> 7) & 31, r32);
        this.accrue(nx);
    }
    /** FCVT.{W,WU,L,LU}.{S,D}: values that round into the target's range (others raise NV: call-out). */
    toInt(insn, isD) {
        const b = this.b;
        const rd = (insn >>> 7) & 31, rm = (insn >>> 12) & 7, kind = (insn >>> 20) & 31;
        const x = this.d(0), r = this.d(1), nx = this.i(0);
        this.loadOperand((insn >>> 15) & 31, isD);
        b.tee(x);
        // Static RNE/RTZ/RDN/RUP round with the matching operation; dynamic rounds to nearest even (frm = 0 checked below).
        b.op(rm === 1 ? W.f64_trunc : rm === 2 ? W.f64_floor : rm === 3 ? W.f64_ceil : W.f64_nearest).set(r);
        const lo = [-2147483648, 0, -(2 ** 63), 0][kind];
        const hi = [2147483647, 4294967295, 2 ** 63, 2 ** 64][kind];
        b.get(r);
        this.f64c(lo);
        b.op(W.f64_ge);
        b.get(r);
        this.f64c(hi);
        b.op(kind >= 2 ? W.f64_lt : W.f64_le);
        b.op(Op.i32_and);
        this.need(); // NaN fails both
        b.get(r).get(x).op(W.f64_ne).set(nx);
        this.rmGate(insn, nx, rm === 7 ? 0 : rm);
        this.h.setX(rd, () => {
            b.get(r);
            if (kind === 0) {
                this.sat(SAT_I32_F64_S);
                b.op(Op.i64_extend_i32_s);
            }
            else if (kind === 1) {
                this.sat(SAT_I64_F64_S);
                b.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_s);
            }
            else
                this.sat(kind === 2 ? SAT_I64_F64_S : SAT_I64_F64_U);
        });
        this.accrue(nx);
    }
    /** FCVT.{S,D}.{W,WU,L,LU}: exact when the integer fits the significand, else correctly rounded (RNE only). */
    fromInt(insn, isD) {
        const b = this.b;
        const rd = (insn >>> 7) & 31, kind = (insn >>> 20) & 31;
        const v = this.l(0), m = this.l(1), nx = this.i(0), r = this.d(0), r32 = this.s(0);
        this.h.readX((insn >>> 15) & 31);
        if (kind === 0)
            b.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_s);
        else if (kind === 1)
            b.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_u);
        b.set(v);
        if (isD && kind <= 1)
            b.i32c(0).set(nx);
        else {
            // Exact iff the significant bits (from the top one to the lowest one) fit the significand.
            if (kind === 3)
                b.get(v).set(m);
            else
                b.i64c(0).get(v).op(Op.i64_sub).get(v).get(v).i64c(0).op(Op.i64_lt_s).op(Op.select).set(m);
            b.get(m)
                .op(W.i64_clz)
                .get(m)
                .op(W.i64_ctz)
                .op(Op.i64_add)
                .i64c(64 - (isD ? 53 : 24))
                .op(Op.i64_lt_u)
                .set(nx);
        }
        this.rmGate(insn, nx, 0);
        b.get(v);
        if (isD) {
            b.op(kind === 3 ? W.f64_convert_i64_u : W.f64_convert_i64_s).set(r);
            this.storeD(rd, r);
        }
        else {
            b.op(kind === 3 ? W.f32_convert_i64_u : W.f32_convert_i64_s).set(r32);
            this.storeS(rd, r32);
        }
        if (!(isD && kind <= 1))
            this.accrue(nx);
    }
    /** FMV.X.D / FMV.X.W (the low word sign-extended, boxed or not). */
    moveToX(insn, isD) {
        const b = this.b, rs1 = (insn >>> 15) & 31;
        this.h.setX((insn >>> 7) & 31, () => {
            if (isD)
                b.i32c(0).mem(Op.i64_load, this.fAddr(rs1));
            else
                b.i32c(0).mem(Op.i64_load32_s, this.fAddr(rs1));
        });
    }
    /** FMV.D.X / FMV.W.X (NaN-boxed). */
    moveFromX(insn, isD) {
        const b = this.b;
        b.i32c(0);
        this.h.readX((insn >>> 15) & 31);
        if (!isD)
            b.i64c(-1, 0).op(Op.i64_and).i64c(0, -1).op(Op.i64_or);
        b.mem(Op.i64_store, this.fAddr((insn >>> 7) & 31));
    }
}
//# sourceMappingURL=fp-emit.js.map