// FPU unit tests written from the RISC-V F/D chapters (f-st-ext.adoc, d-st-ext.adoc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DYN, DZ, NV, NX, OF, RDN, RMM, RNE, RTZ, RUP, Regs, UF, dbits, opfp, r4, sboxed } from './fpu/harness.js';
const S = 0, D = 1;
const CANON_S = 0xffffffff7fc00000n;
const CANON_D = 0x7ff8000000000000n;
const fadd = (fmt, rm) => opfp(0x00 | fmt, 2, 1, rm, 3);
const fmul = (fmt, rm) => opfp(0x08 | fmt, 2, 1, rm, 3);
const fdiv = (fmt, rm) => opfp(0x0c | fmt, 2, 1, rm, 3);
const fsqrt = (fmt, rm) => opfp(0x2c | fmt, 0, 1, rm, 3);
const fmin = (fmt) => opfp(0x14 | fmt, 2, 1, 0, 3);
const fmax = (fmt) => opfp(0x14 | fmt, 2, 1, 1, 3);
const fcvtInt = (fmt, kind, rm) => opfp(0x60 | fmt, kind, 1, rm, 10); // -> a0
const W = 0, WU = 1, L = 2;
test('FCVT.W.S of NaN gives 0x7fffffff and NV; of -inf gives INT_MIN; results are sign-extended', () => {
    const r = new Regs();
    r.setS(1, NaN);
    assert.equal(r.exec(fcvtInt(S, W, RTZ)), NV);
    assert.equal(r.x(10), 0x7fffffffn);
    r.setS(1, -Infinity);
    assert.equal(r.exec(fcvtInt(S, W, RTZ)), NV);
    assert.equal(r.x(10), 0xffffffff80000000n);
    r.setS(1, 3e9);
    assert.equal(r.exec(fcvtInt(S, WU, RTZ)), 0);
    assert.equal(r.x(10), 0xffffffffb2d05e00n); // 3e9 = 0xb2d05e00, sign-extended from bit 31
});
test('FCVT.WU.D: negative values round first, then saturate to 0 with NV (no NX)', () => {
    const r = new Regs();
    r.setD(1, -0.4);
    assert.equal(r.exec(fcvtInt(D, WU, RTZ)), NX); // rounds to -0, in range
    assert.equal(r.x(10), 0n);
    assert.equal(r.exec(fcvtInt(D, WU, RDN)), NV); // rounds to -1, out of range
    assert.equal(r.x(10), 0n);
    r.setD(1, 2 ** 31);
    assert.equal(r.exec(fcvtInt(D, W, RNE)), NV);
    assert.equal(r.x(10), 0x7fffffffn);
    r.setD(1, NaN);
    assert.equal(r.exec(fcvtInt(D, L, RNE)), NV);
    assert.equal(r.x(10), 0x7fffffffffffffffn);
    r.setD(1, 2.5);
    assert.equal(r.exec(fcvtInt(D, L, RNE)), NX);
    assert.equal(r.x(10), 2n);
    assert.equal(r.exec(fcvtInt(D, L, RMM)), NX);
    assert.equal(r.x(10), 3n);
});
test('FMIN/FMAX: -0 < +0, a single NaN yields the other operand, sNaN raises NV, two NaNs give the canonical NaN', () => {
    const r = new Regs();
    r.setD(1, -0);
    r.setD(2, 0);
    assert.equal(r.exec(fmin(D)), 0);
    assert.equal(r.f(3), 0x8000000000000000n);
    assert.equal(r.exec(fmax(D)), 0);
    assert.equal(r.f(3), 0n);
    r.setF(1, 0x7ff8000000000001n); // quiet NaN with payload
    r.setD(2, 1.5);
    assert.equal(r.exec(fmin(D)), 0);
    assert.equal(r.f(3), dbits(1.5));
    r.setF(1, 0x7ff0000000000001n); // signalling NaN
    assert.equal(r.exec(fmax(D)), NV);
    assert.equal(r.f(3), dbits(1.5));
    r.setF(2, 0x7ff8000000000005n);
    assert.equal(r.exec(fmax(D)), NV);
    assert.equal(r.f(3), CANON_D);
});
test('NaN-boxing: improperly boxed single operands read as the canonical NaN; FMV.X.W sign-extends; FMV.W.X boxes', () => {
    const r = new Regs();
    r.setF(1, 0x000000003f800000n); // 1.0f, upper half not all ones
    r.setS(2, 2);
    assert.equal(r.exec(fadd(S, RNE)), 0); // a quiet NaN: no NV
    assert.equal(r.f(3), CANON_S);
    assert.equal(r.exec(opfp(0x70, 0, 1, 0, 10)), 0); // FMV.X.W reads raw bits, no unboxing
    assert.equal(r.x(10), 0x3f800000n);
    r.setF(1, 0x12345678bf800000n);
    r.exec(opfp(0x70, 0, 1, 0, 10));
    assert.equal(r.x(10), 0xffffffffbf800000n);
    r.setX(11, 0xabcdef0040490fdbn);
    assert.equal(r.exec(opfp(0x78, 0, 11, 0, 4)), 0); // FMV.W.X f4, a1
    assert.equal(r.f(4), 0xffffffff40490fdbn);
    r.exec(opfp(0x10, 1, 1, 0, 5)); // FSGNJ.S f5, f1, f1: f1 is improperly boxed
    assert.equal(r.f(5), CANON_S);
});
test('FMADD: infinity times zero plus a quiet NaN raises NV; fused ops round once', () => {
    const r = new Regs();
    r.setD(1, Infinity);
    r.setD(2, 0);
    r.setF(4, CANON_D);
    const fmaddD = (rm) => r4(0x43, D, 4, 2, 1, rm, 3);
    assert.equal(r.exec(fmaddD(RNE)), NV);
    assert.equal(r.f(3), CANON_D);
    // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; unfused it would be 0.
    r.setD(1, 1 + 2 ** -52);
    r.setD(2, 1 - 2 ** -52);
    r.setD(4, -1);
    assert.equal(r.exec(fmaddD(RNE)), 0);
    assert.equal(r.f(3), dbits(-(2 ** -104)));
    // FNMADD of an exact zero: -(a*b) - c with a*b = +0 and c = -0 is +0 (not -(+0 + -0) = -0).
    r.setD(1, 0);
    r.setD(2, 1);
    r.setD(4, -0);
    assert.equal(r.exec(r4(0x4f, D, 4, 2, 1, RNE, 3)), 0);
    assert.equal(r.f(3), 0n);
});
test('rounding modes: ties to even vs ties away (RMM), directed modes', () => {
    const r = new Regs();
    r.setD(1, 1);
    r.setD(2, 2 ** -53); // exactly half an ulp of 1.0
    const want = [
        [RNE, 1],
        [RTZ, 1],
        [RDN, 1],
        [RUP, 1 + 2 ** -52],
        [RMM, 1 + 2 ** -52],
    ];
    for (const [rm, v] of want) {
        assert.equal(r.exec(fadd(D, rm)), NX, `rm ${rm}`);
        assert.equal(r.f(3), dbits(v), `rm ${rm}`);
        assert.equal(r.exec(fadd(D, DYN), rm), NX, `dyn ${rm}`);
        assert.equal(r.f(3), dbits(v), `dyn ${rm}`);
    }
    r.setD(1, -1);
    r.setD(2, -(2 ** -53));
    r.exec(fadd(D, RDN));
    assert.equal(r.f(3), dbits(-1 - 2 ** -52));
    // x - x is +0 in every mode but RDN, where it is -0
    r.setD(1, 3);
    r.setD(2, -3);
    r.exec(fadd(D, RNE));
    assert.equal(r.f(3), 0n);
    r.exec(fadd(D, RDN));
    assert.equal(r.f(3), 0x8000000000000000n);
});
test('underflow uses tininess after rounding: UF only when the unbounded-exponent result is tiny and inexact', () => {
    const r = new Regs();
    // product = 2^-1022 - 2^-1126: rounds to 2^-1022 under RNE even with unbounded exponent -> not tiny
    r.setD(1, (1 + 2 ** -52) * 2 ** -600);
    r.setD(2, (1 - 2 ** -52) * 2 ** -422);
    assert.equal(r.exec(fmul(D, RNE)), NX);
    assert.equal(r.f(3), dbits(2 ** -1022));
    assert.equal(r.exec(fmul(D, RTZ)), UF | NX);
    assert.equal(r.f(3), dbits(2 ** -1022 - 2 ** -1074));
    // single: (1 + 2^-23)(1 - 2^-23) 2^-126
    r.setS(1, (1 + 2 ** -23) * 2 ** -60);
    r.setS(2, (1 - 2 ** -23) * 2 ** -66);
    assert.equal(r.exec(fmul(S, RNE)), NX);
    assert.equal(r.f(3), sboxed(2 ** -126));
    assert.equal(r.exec(fmul(S, RTZ)), UF | NX);
    // exact subnormal results raise nothing
    r.setD(1, 2 ** -1070);
    r.setD(2, 2 ** -2);
    assert.equal(r.exec(fmul(D, RNE)), 0);
    assert.equal(r.f(3), dbits(2 ** -1072));
});
test('overflow: OF|NX, result infinity or the largest finite number depending on the mode', () => {
    const r = new Regs();
    r.setD(1, 2 ** 1023);
    r.setD(2, 2);
    assert.equal(r.exec(fmul(D, RNE)), OF | NX);
    assert.equal(r.f(3), dbits(Infinity));
    assert.equal(r.exec(fmul(D, RTZ)), OF | NX);
    assert.equal(r.f(3), dbits(Number.MAX_VALUE));
    r.setD(2, -2);
    assert.equal(r.exec(fmul(D, RUP)), OF | NX);
    assert.equal(r.f(3), dbits(-Number.MAX_VALUE));
    assert.equal(r.exec(fmul(D, RDN)), OF | NX);
    assert.equal(r.f(3), dbits(-Infinity));
});
test('division by zero, invalid operations and square roots', () => {
    const r = new Regs();
    r.setS(1, 1);
    r.setS(2, -0);
    assert.equal(r.exec(fdiv(S, RNE)), DZ);
    assert.equal(r.f(3), sboxed(-Infinity));
    r.setS(1, 0);
    assert.equal(r.exec(fdiv(S, RNE)), NV);
    assert.equal(r.f(3), CANON_S);
    r.setD(1, -1);
    assert.equal(r.exec(fsqrt(D, RNE)), NV);
    assert.equal(r.f(3), CANON_D);
    r.setD(1, -0);
    assert.equal(r.exec(fsqrt(D, RNE)), 0);
    assert.equal(r.f(3), 0x8000000000000000n);
    r.setD(1, 2);
    // sqrt 2 = 1.41421356237309504880...; its nearest double 1.4142135623730951454... lies above it
    assert.equal(r.exec(fsqrt(D, RUP)), NX);
    assert.equal(r.f(3), dbits(Math.SQRT2));
    assert.equal(r.exec(fsqrt(D, RDN)), NX);
    assert.equal(r.f(3), dbits(Math.SQRT2) - 1n);
});
test('FCLASS sets exactly one bit', () => {
    const r = new Regs();
    const cls = (bits) => {
        r.setF(1, bits);
        r.exec(opfp(0x71, 0, 1, 1, 10));
        return Number(r.x(10));
    };
    assert.equal(cls(dbits(-Infinity)), 1 << 0);
    assert.equal(cls(dbits(-1)), 1 << 1);
    assert.equal(cls(dbits(-(2 ** -1074))), 1 << 2);
    assert.equal(cls(dbits(-0)), 1 << 3);
    assert.equal(cls(dbits(0)), 1 << 4);
    assert.equal(cls(dbits(2 ** -1074)), 1 << 5);
    assert.equal(cls(dbits(1)), 1 << 6);
    assert.equal(cls(dbits(Infinity)), 1 << 7);
    assert.equal(cls(0x7ff0000000000001n), 1 << 8);
    assert.equal(cls(CANON_D), 1 << 9);
});
test('illegal encodings return -1; writes to x0 are discarded', () => {
    const r = new Regs();
    assert.equal(r.exec(fadd(D, 5)), -1);
    assert.equal(r.exec(fadd(D, 6)), -1);
    for (const frm of [5, 6, 7])
        assert.equal(r.exec(fadd(S, DYN), frm), -1);
    assert.equal(r.exec(fadd(D, RNE), 7), 0); // static modes ignore frm
    assert.equal(r.exec(opfp(0x02, 2, 1, 0, 3)), -1); // fmt = H
    assert.equal(r.exec(opfp(0x2d, 1, 1, 0, 3)), -1); // FSQRT.D with rs2 != 0
    assert.equal(r.exec(opfp(0x10, 2, 1, 3, 3)), -1); // FSGNJ rm = 3
    assert.equal(r.exec(r4(0x43, 3, 4, 2, 1, RNE, 3)), -1); // FMADD.Q
    assert.equal(r.exec(opfp(0x61, 4, 1, 0, 10)), -1); // FCVT.?.D rs2 = 4
    r.setD(1, 1);
    r.setD(2, 1);
    assert.equal(r.exec(opfp(0x51, 2, 1, 2, 0)), 0); // FEQ.D x0, f1, f2
    assert.equal(r.x(0), 0n);
    r.setD(1, 7);
    r.exec(fcvtInt(D, L, RNE) & ~(31 << 7)); // FCVT.L.D x0
    assert.equal(r.x(0), 0n);
});
//# sourceMappingURL=fpu-spec.test.js.map