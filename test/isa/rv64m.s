# RV64M (m-st-ext.adoc): high halves of signed/unsigned/mixed products, W forms, rounding toward zero, remainder
# sign, division by zero (quotient all ones, remainder = dividend) and signed overflow (quotient = dividend, remainder 0).
TEST_START
  li a1, 0x7fffffffffffffff
  li a2, 2
  mul a3, a1, a2
  CHECK 1, a3, 0xfffffffffffffffe
  mulh a3, a1, a2
  CHECK 2, a3, 0
  li a1, -1
  li a2, -1
  mul a3, a1, a2
  CHECK 3, a3, 1
  mulh a3, a1, a2
  CHECK 4, a3, 0
  mulhu a3, a1, a2
  CHECK 5, a3, 0xfffffffffffffffe
  mulhsu a3, a1, a2         # -1 * (2^64-1) = -2^64 + 1
  CHECK 6, a3, 0xffffffffffffffff
  li a1, 0x8000000000000000
  mv a2, a1
  mulh a3, a1, a2
  CHECK 7, a3, 0x4000000000000000
  mulhu a3, a1, a2
  CHECK 8, a3, 0x4000000000000000
  mulhsu a3, a1, a2
  CHECK 9, a3, 0xc000000000000000
  li a1, 0x7fffffff
  li a2, 2
  mulw a3, a1, a2
  CHECK 10, a3, -2
  li a1, 0x100000001
  li a2, 3
  mulw a3, a1, a2
  CHECK 11, a3, 3
  li a1, -7
  li a2, 2
  div a3, a1, a2
  CHECK 12, a3, -3
  rem a3, a1, a2
  CHECK 13, a3, -1
  divu a3, a1, a2
  CHECK 14, a3, 0x7ffffffffffffffc
  remu a3, a1, a2
  CHECK 15, a3, 1
  li a1, 7
  li a2, -2
  div a3, a1, a2
  CHECK 16, a3, -3
  rem a3, a1, a2
  CHECK 17, a3, 1
  li a1, -7
  li a2, 0
  div a3, a1, a2
  CHECK 18, a3, -1
  divu a3, a1, a2
  CHECK 19, a3, 0xffffffffffffffff
  rem a3, a1, a2
  CHECK 20, a3, -7
  remu a3, a1, a2
  CHECK 21, a3, 0xfffffffffffffff9
  li a1, 0x8000000000000000
  li a2, -1
  div a3, a1, a2
  CHECK 22, a3, 0x8000000000000000
  rem a3, a1, a2
  CHECK 23, a3, 0
  li a1, 0x80000000
  li a2, -1
  divw a3, a1, a2
  CHECK 24, a3, 0xffffffff80000000
  remw a3, a1, a2
  CHECK 25, a3, 0
  li a2, 0
  li a1, 0x123456789
  divw a3, a1, a2
  CHECK 26, a3, -1
  divuw a3, a1, a2
  CHECK 27, a3, -1
  remw a3, a1, a2
  CHECK 28, a3, 0x23456789
  remuw a3, a1, a2
  CHECK 29, a3, 0x23456789
  li a1, 0xfffffffff0000000
  remuw a3, a1, a2
  CHECK 30, a3, 0xfffffffff0000000
  li a1, 0x1fffffffe
  li a2, 0x100000002
  divuw a3, a1, a2
  CHECK 31, a3, 0x7fffffff
  remuw a3, a1, a2
  CHECK 32, a3, 0
  li a1, -9
  divw a3, a1, a2
  CHECK 33, a3, -4
  remw a3, a1, a2
  CHECK 34, a3, -1
  div x0, a1, a2
  mul x0, a1, a1
  CHECK 35, x0, 0
  li a1, 0x0000000100000000
  mulhu a3, a1, a1
  CHECK 36, a3, 1
  mul a3, a1, a1
  CHECK 37, a3, 0
  li a1, -5
  li a2, 3
  mulhsu a3, a2, a1         # 3 * (2^64 - 5): high half 2
  CHECK 38, a3, 2
  mulhsu a3, a1, a2         # -5 * 3 = -15
  CHECK 39, a3, -1
  li a1, 0x80000000
  li a2, 0x80000000
  mulw a3, a1, a2           # 2^62 has a zero low word
  CHECK 40, a3, 0
  li a1, 0xffffffff
  li a2, 0xffffffff
  divuw a3, a1, a2
  CHECK 41, a3, 1
  divw a3, a1, a2           # (-1) / (-1)
  CHECK 42, a3, 1
  li a2, 0x10
  divuw a3, a1, a2
  CHECK 43, a3, 0x0fffffff
  divu a3, a1, a2
  CHECK 44, a3, 0x0fffffff
TEST_PASS
