# RV64F (f-st-ext.adoc): exact results, the five static rounding modes and the dynamic one on 1/3 and on
# conversions of 2.5, the flags NV/DZ/OF/UF/NX for clear cases, canonical NaN, NaN boxing, -0.0 in min/max,
# sign injection, fused multiply-add signs, conversions that saturate, sign extension of W results, fclass.
TEST_START
  fsflags x0
  li a0, 0x3f800000         # 1.0
  fmv.w.x fa0, a0
  li a0, 0x40000000         # 2.0
  fmv.w.x fa1, a0
  li a0, 0x40400000         # 3.0
  fmv.w.x fa3, a0
  fmv.w.x fa4, x0           # +0.0
  fadd.s fa2, fa0, fa1
  CHECKS 1, fa2, 0x40400000
  CHECKFLAGS 2, 0
  fsub.s fa2, fa0, fa1
  CHECKS 3, fa2, 0xbf800000
  fmul.s fa2, fa1, fa1
  CHECKS 4, fa2, 0x40800000
  fdiv.s fa2, fa0, fa1
  CHECKS 5, fa2, 0x3f000000
  CHECKFLAGS 6, 0
  fdiv.s fa2, fa0, fa3      # 1/3 = 1.0101...b x 2^-2: the bits after the 23rd are 1010...
  CHECKS 7, fa2, 0x3eaaaaab
  CHECKFLAGS 8, 1
  fdiv.s fa2, fa0, fa3, rtz
  CHECKS 9, fa2, 0x3eaaaaaa
  fdiv.s fa2, fa0, fa3, rdn
  CHECKS 10, fa2, 0x3eaaaaaa
  fdiv.s fa2, fa0, fa3, rup
  CHECKS 11, fa2, 0x3eaaaaab
  fdiv.s fa2, fa0, fa3, rmm
  CHECKS 12, fa2, 0x3eaaaaab
  fneg.s fa5, fa0
  fdiv.s fa2, fa5, fa3, rtz
  CHECKS 13, fa2, 0xbeaaaaaa
  fdiv.s fa2, fa5, fa3, rdn
  CHECKS 14, fa2, 0xbeaaaaab
  fdiv.s fa2, fa5, fa3, rup
  CHECKS 15, fa2, 0xbeaaaaaa
  fsrmi 1                   # dynamic rounding mode = RTZ
  fdiv.s fa2, fa0, fa3
  CHECKS 16, fa2, 0x3eaaaaaa
  fsrmi 0
  fsflags x0
  fdiv.s fa2, fa0, fa4
  CHECKS 17, fa2, 0x7f800000
  CHECKFLAGS 18, 8
  fdiv.s fa2, fa4, fa4
  CHECKS 19, fa2, 0x7fc00000
  CHECKFLAGS 20, 16
  li a0, 0x40800000
  fmv.w.x fa6, a0
  fsqrt.s fa2, fa6
  CHECKS 21, fa2, 0x40000000
  fsqrt.s fa2, fa5
  CHECKS 22, fa2, 0x7fc00000
  CHECKFLAGS 23, 16
  fneg.s fa7, fa4           # -0.0
  fmin.s fa2, fa7, fa4
  CHECKS 24, fa2, 0x80000000
  fmax.s fa2, fa7, fa4
  CHECKS 25, fa2, 0x00000000
  li a0, 0x7fc00000
  fmv.w.x ft0, a0           # quiet NaN
  fmin.s fa2, ft0, fa1
  CHECKS 26, fa2, 0x40000000
  CHECKFLAGS 27, 0
  li a0, 0x7f800001
  fmv.w.x ft1, a0           # signaling NaN
  fmax.s fa2, fa1, ft1
  CHECKS 28, fa2, 0x40000000
  CHECKFLAGS 29, 16
  fmin.s fa2, ft0, ft0
  CHECKS 30, fa2, 0x7fc00000
  fsgnj.s fa2, fa0, fa5
  CHECKS 31, fa2, 0xbf800000
  fsgnjn.s fa2, fa0, fa5
  CHECKS 32, fa2, 0x3f800000
  fsgnjx.s fa2, fa5, fa5
  CHECKS 33, fa2, 0x3f800000
  fmadd.s fa2, fa1, fa3, fa0
  CHECKS 34, fa2, 0x40e00000
  fmsub.s fa2, fa1, fa3, fa0
  CHECKS 35, fa2, 0x40a00000
  fnmsub.s fa2, fa1, fa3, fa0
  CHECKS 36, fa2, 0xc0a00000
  fnmadd.s fa2, fa1, fa3, fa0
  CHECKS 37, fa2, 0xc0e00000
  CHECKFLAGS 38, 0
  li a0, 0x40200000         # 2.5
  fmv.w.x ft2, a0
  fcvt.w.s a1, ft2, rne
  CHECK 39, a1, 2
  fcvt.w.s a1, ft2, rmm
  CHECK 40, a1, 3
  fcvt.w.s a1, ft2, rup
  CHECK 41, a1, 3
  fcvt.w.s a1, ft2, rdn
  CHECK 42, a1, 2
  fcvt.w.s a1, ft2, rtz
  CHECK 43, a1, 2
  CHECKFLAGS 44, 1
  fneg.s ft3, ft2
  fcvt.w.s a1, ft3, rne
  CHECK 45, a1, -2
  fcvt.w.s a1, ft3, rdn
  CHECK 46, a1, -3
  fcvt.l.s a1, ft3, rmm
  CHECK 47, a1, -3
  fsflags x0
  li a0, 0x4f000000         # 2^31
  fmv.w.x ft4, a0
  fcvt.w.s a1, ft4, rtz
  CHECK 48, a1, 0x7fffffff
  CHECKFLAGS 49, 16
  fcvt.wu.s a1, ft4, rtz    # 0x80000000 fits, and W results are sign-extended
  CHECK 50, a1, 0xffffffff80000000
  CHECKFLAGS 51, 0
  fcvt.l.s a1, ft4, rtz
  CHECK 52, a1, 0x80000000
  fcvt.wu.s a1, fa5, rtz    # -1.0 to unsigned
  CHECK 53, a1, 0
  CHECKFLAGS 54, 16
  fcvt.w.s a1, ft0, rtz     # NaN converts to the largest value
  CHECK 55, a1, 0x7fffffff
  fcvt.lu.s a1, ft0, rtz
  CHECK 56, a1, 0xffffffffffffffff
  CHECKFLAGS 57, 16
  li a0, 0xff800000         # -inf
  fmv.w.x ft5, a0
  fcvt.w.s a1, ft5, rtz
  CHECK 58, a1, 0xffffffff80000000
  fcvt.l.s a1, ft5, rtz
  CHECK 59, a1, 0x8000000000000000
  CHECKFLAGS 60, 16
  li a0, 0xbf000000         # -0.5 rounds to 0 toward zero: inexact, not invalid
  fmv.w.x ft6, a0
  fcvt.lu.s a1, ft6, rtz
  CHECK 61, a1, 0
  CHECKFLAGS 62, 1
  li a0, -1
  fcvt.s.w fa2, a0
  CHECKS 63, fa2, 0xbf800000
  fcvt.s.l fa2, a0
  CHECKS 64, fa2, 0xbf800000
  CHECKFLAGS 65, 0
  fcvt.s.wu fa2, a0         # 2^32 - 1 rounds to 2^32
  CHECKS 66, fa2, 0x4f800000
  fcvt.s.lu fa2, a0
  CHECKS 67, fa2, 0x5f800000
  CHECKFLAGS 68, 1
  fcvt.s.wu fa2, a0, rtz
  CHECKS 69, fa2, 0x4f7fffff
  CHECKFLAGS 107, 1
  li a0, 0x80000000
  fmv.w.x fa2, a0
  fmv.x.w a1, fa2           # sign-extends bit 31
  CHECK 70, a1, 0xffffffff80000000
  li a0, 0x3f800000         # not NaN-boxed: single operations see the canonical NaN
  fmv.d.x fa2, a0
  fadd.s fa2, fa2, fa0
  CHECKS 71, fa2, 0x7fc00000
  CHECKFLAGS 72, 0
  feq.s a1, ft0, ft0
  CHECK 73, a1, 0
  CHECKFLAGS 74, 0
  flt.s a1, ft0, fa0
  CHECK 75, a1, 0
  CHECKFLAGS 76, 16
  fle.s a1, fa7, fa4
  CHECK 77, a1, 1
  feq.s a1, fa7, fa4
  CHECK 78, a1, 1
  flt.s a1, fa7, fa4
  CHECK 79, a1, 0
  feq.s a1, ft1, fa0        # feq with a signaling NaN: invalid
  CHECK 80, a1, 0
  CHECKFLAGS 81, 16
  fclass.s a1, ft5
  CHECK 82, a1, 1
  fclass.s a1, fa5
  CHECK 83, a1, 2
  li a0, 0x80000001
  fmv.w.x fa2, a0
  fclass.s a1, fa2
  CHECK 84, a1, 4
  fclass.s a1, fa7
  CHECK 85, a1, 8
  fclass.s a1, fa4
  CHECK 86, a1, 16
  li a0, 0x00000001
  fmv.w.x fa2, a0
  fclass.s a1, fa2
  CHECK 87, a1, 32
  fclass.s a1, fa0
  CHECK 88, a1, 64
  fneg.s fa2, ft5
  fclass.s a1, fa2
  CHECK 89, a1, 128
  fclass.s a1, ft1
  CHECK 90, a1, 256
  fclass.s a1, ft0
  CHECK 91, a1, 512
  li a0, 0x7f7fffff         # largest finite * 2: overflow
  fmv.w.x fa2, a0
  fmul.s fa2, fa2, fa1
  CHECKS 92, fa2, 0x7f800000
  CHECKFLAGS 93, 5
  fmul.s fa2, fa2, fa1, rtz
  li a0, 0x7f7fffff
  fmv.w.x fa2, a0
  fmul.s fa2, fa2, fa1, rtz # overflow toward zero gives the largest finite
  CHECKS 94, fa2, 0x7f7fffff
  CHECKFLAGS 95, 5
  li a0, 0x3f000000         # 0.5
  fmv.w.x ft7, a0
  li a0, 0x00800000         # smallest normal / 2 is an exact subnormal: no underflow flag
  fmv.w.x fa2, a0
  fmul.s fa2, fa2, ft7
  CHECKS 96, fa2, 0x00400000
  CHECKFLAGS 97, 0
  li a0, 0x00000001         # smallest subnormal / 2: a tie, rounds to even (zero), underflow + inexact
  fmv.w.x fa2, a0
  fmul.s fa2, fa2, ft7
  CHECKS 98, fa2, 0x00000000
  CHECKFLAGS 99, 3
  la a2, fdata
  flw fa2, 0(a2)            # loads NaN-box
  CHECKS 100, fa2, 0x3fc00000
  fsw fa3, 4(a2)
  lw a1, 4(a2)
  CHECK 101, a1, 0x40400000
  lw a1, 8(a2)
  CHECK 102, a1, 0x11111111
  fmadd.s fa2, fa1, fa3, fa0, rdn
  CHECKS 103, fa2, 0x40e00000
  fsflags x0
  li a0, 0x7f800000
  fmv.w.x fa2, a0
  fmul.s fa2, fa2, fa4      # inf * 0: invalid
  CHECKS 104, fa2, 0x7fc00000
  CHECKFLAGS 105, 16
  fmadd.s fa2, fa2, fa4, ft0  # inf * 0 + qNaN: invalid is optional here, so only the result is checked
  CHECKS 106, fa2, 0x7fc00000
  fsflags x0
TEST_PASS
.data
.balign 8
fdata:
  .word 0x3fc00000
  .word 0
  .word 0x11111111
