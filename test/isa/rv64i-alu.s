# RV64I register-register and register-immediate arithmetic, from rv32.adoc/rv64.adoc: wrap-around, comparisons,
# logic, shift amounts (low 6 bits; low 5 for the W forms), LUI/AUIPC, sign extension of the W results, x0 writes.
TEST_START
  li a1, 0x7fffffffffffffff
  li a2, 1
  add a3, a1, a2
  CHECK 1, a3, 0x8000000000000000
  sub a3, a2, a1
  CHECK 2, a3, 0x8000000000000002
  li a1, -1
  addi a3, a1, 1
  CHECK 3, a3, 0
  addi a3, x0, -2048
  CHECK 4, a3, 0xfffffffffffff800
  addi a3, x0, 2047
  CHECK 5, a3, 0x7ff
  li a1, -1
  li a2, 1
  slt a3, a1, a2
  CHECK 6, a3, 1
  sltu a3, a1, a2
  CHECK 7, a3, 0
  slti a3, a1, 0
  CHECK 8, a3, 1
  sltiu a3, a2, -1          # the immediate is sign-extended, then compared unsigned: 1 < 2^64-1
  CHECK 9, a3, 1
  sltiu a3, a1, 1
  CHECK 10, a3, 0
  li a1, 0xff00ff00ff00ff00
  li a2, 0x0ff00ff00ff00ff0
  and a3, a1, a2
  CHECK 11, a3, 0x0f000f000f000f00
  or a3, a1, a2
  CHECK 12, a3, 0xfff0fff0fff0fff0
  xor a3, a1, a2
  CHECK 13, a3, 0xf0f0f0f0f0f0f0f0
  andi a3, a1, 0x7f0
  CHECK 14, a3, 0x700
  ori a3, a1, -1
  CHECK 15, a3, -1
  xori a3, a1, -1
  CHECK 16, a3, 0x00ff00ff00ff00ff
  li a1, 0x8000000000000001
  slli a3, a1, 63
  CHECK 17, a3, 0x8000000000000000
  srli a3, a1, 63
  CHECK 18, a3, 1
  srai a3, a1, 63
  CHECK 19, a3, -1
  srai a3, a1, 1
  CHECK 20, a3, 0xc000000000000000
  li a2, 65                 # only the low 6 bits count: shift by 1
  sll a3, a1, a2
  CHECK 21, a3, 2
  srl a3, a1, a2
  CHECK 22, a3, 0x4000000000000000
  sra a3, a1, a2
  CHECK 23, a3, 0xc000000000000000
  li a2, 64                 # shift by 0
  sll a3, a1, a2
  CHECK 24, a3, 0x8000000000000001
  lui a3, 0x80000           # 32-bit result sign-extended
  CHECK 25, a3, 0xffffffff80000000
  lui a3, 0x7ffff
  CHECK 26, a3, 0x7ffff000
  jal a4, 1f
1:
  auipc a3, 0
  sub a5, a3, a4
  CHECK 27, a5, 0
  jal a4, 2f
2:
  auipc a3, 1
  sub a5, a3, a4
  CHECK 28, a5, 0x1000
  li a1, 0x7fffffff
  addiw a3, a1, 1
  CHECK 29, a3, 0xffffffff80000000
  li a1, 0xffffffff00000001
  addiw a3, a1, 0
  CHECK 30, a3, 1
  li a1, 0x80000000
  addw a3, a1, a1
  CHECK 31, a3, 0
  li a1, 0
  li a2, 1
  subw a3, a1, a2
  CHECK 32, a3, -1
  li a1, 0x80000000
  subw a3, a1, a2
  CHECK 33, a3, 0x7fffffff
  li a1, 1
  slliw a3, a1, 31
  CHECK 34, a3, 0xffffffff80000000
  li a1, 0xffffffff80000000
  srliw a3, a1, 31
  CHECK 35, a3, 1
  srliw a3, a1, 0
  CHECK 36, a3, 0xffffffff80000000
  sraiw a3, a1, 31
  CHECK 37, a3, -1
  sraiw a3, a1, 4
  CHECK 38, a3, 0xfffffffff8000000
  li a1, 0x123456789        # the W forms see only the low word 0x23456789
  srliw a3, a1, 4
  CHECK 39, a3, 0x02345678
  li a2, 33                 # only the low 5 bits count: shift by 1
  li a1, 0x40000000
  sllw a3, a1, a2
  CHECK 40, a3, 0xffffffff80000000
  li a1, 0xffffffff80000000
  srlw a3, a1, a2
  CHECK 41, a3, 0x40000000
  sraw a3, a1, a2
  CHECK 42, a3, 0xffffffffc0000000
  li a1, 0x5555
  addi x0, x0, 5
  add x0, a1, a1
  lui x0, 1
  sub x0, a1, x0
  srai x0, a1, 1
  CHECK 43, x0, 0
  add a3, x0, x0
  CHECK 44, a3, 0
  li a1, 0xffffffff
  sraw a3, a1, x0           # shift by 0 still sign-extends bit 31
  CHECK 45, a3, -1
  li a1, 0x0000000100000000
  sltu a3, a1, a1
  CHECK 46, a3, 0
  slt a3, x0, a1
  CHECK 47, a3, 1
TEST_PASS
