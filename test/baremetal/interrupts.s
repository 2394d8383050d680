# Interrupts (machine.adoc "Machine Interrupt Registers", supervisor.adoc, Sstc): CLINT software and timer
# interrupts, masking by mie and mstatus.MIE, M interrupts always enabled below M, priority MSI over MTI,
# delegated SSIP taken in S (and masked by SIE only in S), WFI waking on a pending enabled interrupt, stimecmp.
TEST_START
  li a0, CLINT
  li t0, 1
  sw t0, 0(a0)              # MSIP pending
  li gp, 1
  li t1, 1000
1:
  csrr t0, mip
  andi t0, t0, 8
  bnez t0, 2f
  addi t1, t1, -1
  bnez t1, 1b
  j fail
2:
  li t0, 8
  csrs mie, t0              # enabled in mie but MIE = 0 in M: not taken
  nop
  nop
  NO_TRAP 2
  EXPECT_TRAP 1f
  csrsi mstatus, 8
2:
  j 2b
1:
  CHECK 3, s2, INTR | 3
  sw zero, 0(a0)
  csrw mie, zero
  # M interrupts are enabled in S even with MIE = 0; MSI wins over MTI
  li t0, 1
  sw t0, 0(a0)
  li a1, MTIMECMP
  sw zero, 0(a1)
  sw zero, 4(a1)            # mtimecmp = 0: MTIP pending
  li t0, 0x88
  csrw mie, t0
  EXPECT_TRAP 1f
  ENTER 1, 2f
2:
  j 2b
1:
  CHECK 4, s2, INTR | 3
  CHECK_MASKED 5, s5, 0x1800, 0x0800
  sw zero, 0(a0)
  EXPECT_TRAP 1f
  csrsi mstatus, 8
2:
  j 2b
1:
  CHECK 6, s2, INTR | 7
  li t0, -1
  sw t0, 4(a1)
  sw t0, 0(a1)
  csrw mie, zero
  # WFI with MIE = 0 still wakes on a pending enabled interrupt; the timer fires after mtimecmp
  li a2, MTIME
  ld t0, 0(a2)
  addi t0, t0, 500
  sd t0, 0(a1)
  li t0, 0x80
  csrw mie, t0
  li gp, 7
  li t1, 100000
1:
  wfi
  csrr t0, mip
  andi t0, t0, 0x80
  bnez t0, 2f
  addi t1, t1, -1
  bnez t1, 1b
  j fail
2:
  li t0, -1
  sd t0, 0(a1)
  csrr t0, mip
  CHECK_MASKED 8, t0, 0x80, 0
  csrw mie, zero
  # delegated SSIP: taken in S only with SIE, in U regardless
  li t0, 2
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0              # M sets SSIP
  ENTER 1, 2f
2:
  nop
  nop
  EXPECT_TRAP 1f
  csrsi sstatus, 2
3:
  j 3b
1:
  CHECK 9, s7, INTR | 1
  CHECK_MASKED 10, s10, 0x122, 0x120    # SPP = S, SPIE = 1, SIE = 0
  csrci sip, 2
  TO_M
  li t0, 2
  csrs mip, t0
  EXPECT_TRAP 1f
  ENTER 0, 2f               # SIE = 0 in sstatus, but U is below S
2:
  j 2b
1:
  CHECK 11, s7, INTR | 1
  CHECK_MASKED 12, s10, 0x100, 0
  csrci sip, 2
  TO_M
  # not delegated: SSIP in S goes to M
  csrw mideleg, zero
  li t0, 2
  csrs mip, t0
  EXPECT_TRAP 1f
  ENTER 1, 2f
2:
  j 2b
1:
  CHECK 13, s2, INTR | 1
  li t0, 2
  csrc mip, t0
  # Sstc: stimecmp raises STIP, delegated to S
  li t0, 0x8000000000000000
  csrs menvcfg, t0
  li t0, 2
  csrs mcounteren, t0
  li t0, 0x20
  csrw mideleg, t0
  csrw mie, t0
  ENTER 1, 2f
2:
  rdtime t0
  addi t0, t0, 300
  csrw stimecmp, t0
  EXPECT_TRAP 1f
  csrsi sstatus, 2
3:
  j 3b
1:
  CHECK 14, s7, INTR | 5
  li t0, -1
  csrw stimecmp, t0
  csrr t0, sip
  CHECK_MASKED 15, t0, 0x20, 0
  TO_M
  csrw mie, zero
  csrw mideleg, zero
TEST_PASS
