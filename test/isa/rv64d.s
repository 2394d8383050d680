# RV64D (d-st-ext.adoc): exact results, rounding modes on 1/3, sqrt(2), flags, canonical NaN (0x7ff8...),
# conversions between single and double (NaN boxing of the result, signaling NaN input), integer conversions
# with saturation, fmv.x.d/fmv.d.x, fld/fsd, comparisons, fclass, fused multiply-add.
TEST_START
  fsflags x0
  li a0, 0x3ff0000000000000   # 1.0
  fmv.d.x fa0, a0
  li a0, 0x4000000000000000   # 2.0
  fmv.d.x fa1, a0
  li a0, 0x4008000000000000   # 3.0
  fmv.d.x fa3, a0
  fmv.d.x fa4, x0
  fadd.d fa2, fa0, fa1
  CHECKD 1, fa2, 0x4008000000000000
  fsub.d fa2, fa0, fa1
  CHECKD 2, fa2, 0xbff0000000000000
  fmul.d fa2, fa1, fa3
  CHECKD 3, fa2, 0x4018000000000000
  CHECKFLAGS 4, 0
  fdiv.d fa2, fa0, fa3        # the bits after the 52nd are 0101...: nearest rounds down
  CHECKD 5, fa2, 0x3fd5555555555555
  CHECKFLAGS 6, 1
  fdiv.d fa2, fa0, fa3, rup
  CHECKD 7, fa2, 0x3fd5555555555556
  fdiv.d fa2, fa0, fa3, rtz
  CHECKD 8, fa2, 0x3fd5555555555555
  fdiv.d fa2, fa0, fa3, rmm
  CHECKD 9, fa2, 0x3fd5555555555555
  fsqrt.d fa2, fa1
  CHECKD 10, fa2, 0x3ff6a09e667f3bcd
  CHECKFLAGS 11, 1
  fdiv.d fa2, fa4, fa4
  CHECKD 12, fa2, 0x7ff8000000000000
  CHECKFLAGS 13, 16
  fdiv.d fa2, fa0, fa4
  CHECKD 14, fa2, 0x7ff0000000000000
  CHECKFLAGS 15, 8
  fmadd.d fa2, fa1, fa3, fa0
  CHECKD 16, fa2, 0x401c000000000000
  fnmadd.d fa2, fa1, fa3, fa0
  CHECKD 17, fa2, 0xc01c000000000000
  fmsub.d fa2, fa1, fa3, fa0
  CHECKD 18, fa2, 0x4014000000000000
  fnmsub.d fa2, fa1, fa3, fa0
  CHECKD 19, fa2, 0xc014000000000000
  fdiv.d fa5, fa0, fa3
  fcvt.s.d fa2, fa5           # 1/3 to single, nearest
  CHECKS 20, fa2, 0x3eaaaaab
  fcvt.s.d fa2, fa5, rtz
  CHECKS 21, fa2, 0x3eaaaaaa
  CHECKFLAGS 22, 1
  li a0, 0x3f800000
  fmv.w.x fa2, a0
  fcvt.d.s fa2, fa2
  CHECKD 23, fa2, 0x3ff0000000000000
  li a0, 0x7f800001           # single signaling NaN
  fmv.w.x fa2, a0
  fcvt.d.s fa2, fa2
  CHECKD 24, fa2, 0x7ff8000000000000
  CHECKFLAGS 25, 16
  li a0, 0x41e0000000000000   # 2^31
  fmv.d.x ft0, a0
  fcvt.w.d a1, ft0
  CHECK 26, a1, 0x7fffffff
  CHECKFLAGS 27, 16
  fcvt.wu.d a1, ft0
  CHECK 28, a1, 0xffffffff80000000
  CHECKFLAGS 29, 0
  li a0, 0xc3e0000000000000   # -2^63 fits exactly
  fmv.d.x ft1, a0
  fcvt.l.d a1, ft1
  CHECK 30, a1, 0x8000000000000000
  CHECKFLAGS 31, 0
  fneg.d ft2, ft1             # 2^63 does not fit
  fcvt.l.d a1, ft2
  CHECK 32, a1, 0x7fffffffffffffff
  CHECKFLAGS 33, 16
  fcvt.lu.d a1, ft2
  CHECK 34, a1, 0x8000000000000000
  fcvt.lu.d a1, ft1
  CHECK 35, a1, 0
  CHECKFLAGS 36, 16
  li a0, 0x4004000000000000   # 2.5
  fmv.d.x ft3, a0
  fcvt.l.d a1, ft3, rne
  CHECK 37, a1, 2
  fcvt.l.d a1, ft3, rmm
  CHECK 38, a1, 3
  fcvt.lu.d a1, ft3, rup
  CHECK 39, a1, 3
  CHECKFLAGS 40, 1
  li a0, -3
  fcvt.d.w fa2, a0
  CHECKD 41, fa2, 0xc008000000000000
  fcvt.d.wu fa2, a0           # 2^32 - 3
  CHECKD 42, fa2, 0x41efffffffa00000
  fcvt.d.l fa2, a0
  CHECKD 43, fa2, 0xc008000000000000
  CHECKFLAGS 44, 0
  fcvt.d.lu fa2, a0           # 2^64 - 3 rounds to 2^64
  CHECKD 45, fa2, 0x43f0000000000000
  CHECKFLAGS 46, 1
  fcvt.d.lu fa2, a0, rtz
  CHECKD 47, fa2, 0x43efffffffffffff
  fsflags x0
  fneg.d fa6, fa4
  fmin.d fa2, fa4, fa6
  CHECKD 48, fa2, 0x8000000000000000
  fmax.d fa2, fa6, fa4
  CHECKD 49, fa2, 0
  fsgnjx.d fa2, fa3, fa6
  CHECKD 50, fa2, 0xc008000000000000
  fsgnjn.d fa2, fa3, fa3
  CHECKD 51, fa2, 0xc008000000000000
  fsgnj.d fa2, fa3, fa6
  CHECKD 52, fa2, 0xc008000000000000
  flt.d a1, fa0, fa1
  CHECK 53, a1, 1
  fle.d a1, fa1, fa0
  CHECK 54, a1, 0
  feq.d a1, fa6, fa4
  CHECK 55, a1, 1
  li a0, 0x7ff8000000000000
  fmv.d.x ft4, a0
  fle.d a1, ft4, fa0
  CHECK 56, a1, 0
  CHECKFLAGS 57, 16
  fclass.d a1, ft4
  CHECK 58, a1, 512
  li a0, 0x7ff0000000000001
  fmv.d.x ft5, a0
  fclass.d a1, ft5
  CHECK 59, a1, 256
  li a0, 0x800fffffffffffff
  fmv.d.x ft5, a0
  fclass.d a1, ft5
  CHECK 60, a1, 4
  fclass.d a1, fa6
  CHECK 61, a1, 8
  li a0, 0x7fefffffffffffff
  fmv.d.x ft6, a0
  fadd.d fa2, ft6, ft6
  CHECKD 62, fa2, 0x7ff0000000000000
  CHECKFLAGS 63, 5
  fadd.d fa2, ft6, ft6, rdn
  CHECKD 64, fa2, 0x7fefffffffffffff
  CHECKFLAGS 65, 5
  la a2, ddata
  fld fa2, 0(a2)
  CHECKD 66, fa2, 0x0123456789abcdef
  fsd fa3, 8(a2)
  ld a1, 8(a2)
  CHECK 67, a1, 0x4008000000000000
  fmv.x.d a1, fa6
  CHECK 68, a1, 0x8000000000000000
  fsqrt.d fa2, fa6            # sqrt(-0) = -0
  CHECKD 69, fa2, 0x8000000000000000
  CHECKFLAGS 70, 0
  fcvt.s.d fa2, ft6           # overflow in narrowing
  CHECKS 71, fa2, 0x7f800000
  CHECKFLAGS 72, 5
TEST_PASS
.data
.balign 8
ddata:
  .dword 0x0123456789abcdef
  .dword 0
