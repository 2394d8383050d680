# RV64A (a-st-ext.adoc): LR/SC success, SC failure without a reservation (and after a completed SC), SC's rd
# convention (0 = success), LR.W sign extension, every AMO in .W and .D forms with old value returned and
# memory updated, signed vs unsigned min/max, .W results sign-extended, neighbours untouched, aq/rl bits.
TEST_START
  la a0, mem64
  la a6, mem32
  li a3, 99
  sc.d a4, a3, (a0)         # no reservation yet: must fail and leave memory alone
  li gp, 1
  beqz a4, fail
  ld a5, 0(a0)
  CHECK 2, a5, 0
  li a1, 5
  sd a1, 0(a0)
  lr.d a2, (a0)
  CHECK 3, a2, 5
  li a3, 9
  sc.d a4, a3, (a0)
  CHECK 4, a4, 0
  ld a5, 0(a0)
  CHECK 5, a5, 9
  li a3, 11
  sc.d a4, a3, (a0)         # the previous SC consumed the reservation
  li gp, 6
  beqz a4, fail
  ld a5, 0(a0)
  CHECK 7, a5, 9
  li a1, 0x80000000
  sw a1, 0(a6)
  lr.w.aq a2, (a6)
  CHECK 8, a2, 0xffffffff80000000
  sc.w.rl a4, a3, (a6)
  CHECK 9, a4, 0
  lw a5, 0(a6)
  CHECK 10, a5, 11
  lwu a5, 4(a6)
  CHECK 11, a5, 0x12345678
  li a1, 10
  sd a1, 0(a0)
  li a2, 3
  amoadd.d a3, a2, (a0)
  CHECK 12, a3, 10
  ld a5, 0(a0)
  CHECK 13, a5, 13
  li a2, 6
  amoand.d a3, a2, (a0)
  CHECK 14, a3, 13
  ld a5, 0(a0)
  CHECK 15, a5, 4
  li a2, 3
  amoor.d.aq a3, a2, (a0)
  CHECK 16, a3, 4
  ld a5, 0(a0)
  CHECK 17, a5, 7
  li a2, 5
  amoxor.d.rl a3, a2, (a0)
  CHECK 18, a3, 7
  ld a5, 0(a0)
  CHECK 19, a5, 2
  li a2, -5
  amoswap.d.aqrl a3, a2, (a0)
  CHECK 20, a3, 2
  ld a5, 0(a0)
  CHECK 21, a5, -5
  li a2, 3
  amomin.d a3, a2, (a0)
  CHECK 22, a3, -5
  ld a5, 0(a0)
  CHECK 23, a5, -5
  amominu.d a3, a2, (a0)
  CHECK 24, a3, -5
  ld a5, 0(a0)
  CHECK 25, a5, 3
  li a2, -1
  amomax.d a3, a2, (a0)
  CHECK 26, a3, 3
  ld a5, 0(a0)
  CHECK 27, a5, 3
  amomaxu.d a3, a2, (a0)
  CHECK 28, a3, 3
  ld a5, 0(a0)
  CHECK 29, a5, -1
  li a1, 0x7fffffff
  sw a1, 0(a6)
  li a2, 1
  amoadd.w a3, a2, (a6)
  CHECK 30, a3, 0x7fffffff
  lw a5, 0(a6)
  CHECK 31, a5, 0xffffffff80000000
  lwu a5, 4(a6)
  CHECK 32, a5, 0x12345678
  li a2, 0x100000005        # only the low word is stored
  amoswap.w a3, a2, (a6)
  CHECK 33, a3, 0xffffffff80000000
  lwu a5, 0(a6)
  CHECK 34, a5, 5
  li a2, -1
  amomin.w a3, a2, (a6)
  CHECK 35, a3, 5
  lw a5, 0(a6)
  CHECK 36, a5, -1
  li a2, 7
  amomaxu.w a3, a2, (a6)
  CHECK 37, a3, -1
  lw a5, 0(a6)
  CHECK 38, a5, -1
  amominu.w a3, a2, (a6)
  CHECK 39, a3, -1
  lw a5, 0(a6)
  CHECK 40, a5, 7
  li a2, -3
  amomax.w a3, a2, (a6)
  CHECK 41, a3, 7
  lw a5, 0(a6)
  CHECK 42, a5, 7
  li a2, 0xffffffff80000000
  amoxor.w a3, a2, (a6)
  CHECK 43, a3, 7
  lw a5, 0(a6)
  CHECK 44, a5, 0xffffffff80000007
  li a2, 0x10
  amoor.w a3, a2, (a6)
  CHECK 45, a3, 0xffffffff80000007
  lw a5, 0(a6)
  CHECK 46, a5, 0xffffffff80000017
  li a2, 0x7fffffff
  amoand.w a3, a2, (a6)
  CHECK 47, a3, 0xffffffff80000017
  lw a5, 0(a6)
  CHECK 48, a5, 0x17
  li a2, 0x100000000        # max.w compares low words only: 0 < 0x17
  amomax.w a3, a2, (a6)
  lw a5, 0(a6)
  CHECK 49, a5, 0x17
  li a2, 1
  amoadd.d x0, a2, (a0)     # rd = x0: memory still updated
  ld a5, 0(a0)
  CHECK 50, a5, 0
  CHECK 51, x0, 0
  amoswap.d a2, a2, (a0)    # rd == rs2: the old memory value lands in rd, the old rd is stored
  CHECK 52, a2, 0
  ld a5, 0(a0)
  CHECK 53, a5, 1
  lr.d a2, (a0)
  addi a2, a2, 41
  sc.d a2, a2, (a0)         # rd == rs2 on success: stores 42, then rd = 0
  CHECK 54, a2, 0
  ld a5, 0(a0)
  CHECK 55, a5, 42
TEST_PASS
.data
.balign 8
mem64:
  .dword 0
mem32:
  .word 0
  .word 0x12345678
