# Traps and xRET (machine.adoc, supervisor.adoc): cause/epc/tval for illegal instructions (tval = the instruction
# bits, 16 bits for a compressed one), ECALL from U/S/M, EBREAK and C.EBREAK, delegation through medeleg
# (never below the current mode; medeleg[11]: see medeleg-ecall-m.s), the mstatus stack on trap entry (MPP/MPIE/MIE,
# SPP/SPIE/SIE) and on MRET/SRET. (MPRV on xRET: see mprv-xret.s.)
TEST_START
  EXPECT_TRAP 1f
ill_m:
  csrr a0, 0x7c0            # a custom M-mode CSR nobody implements: illegal
  j fail
1:
  CHECK 1, s2, 2
  la t0, ill_m
  li gp, 2
  bne s3, t0, fail
  lwu t0, ill_m
  li gp, 3
  bne s4, t0, fail          # mtval = the instruction bits
  EXPECT_TRAP 1f
ill_c:
  .hword 0x0004             # c.addi4spn with a zero immediate is reserved
  .hword 0x0001             # c.nop, not part of the faulting instruction
1:
  CHECK 4, s2, 2
  CHECK 5, s4, 0x0004
  la t0, ill_c
  li gp, 6
  bne s3, t0, fail
  EXPECT_TRAP 1f
ec_m:
  ecall
1:
  CHECK 7, s2, 11
  la t0, ec_m
  li gp, 8
  bne s3, t0, fail
  EXPECT_TRAP 1f
bk:
  c.ebreak
1:
  CHECK 9, s2, 3
  la t0, bk
  li gp, 10
  bne s3, t0, fail
  EXPECT_TRAP 1f
bk2:
  ebreak
1:
  CHECK 11, s2, 3
  la t0, bk2
  li gp, 12
  bne s3, t0, fail

  # M-mode trap entry from S: MPP = S, MPIE = old MIE, MIE = 0
  li t0, 8
  csrs mstatus, t0          # MIE = 1 (no interrupt is enabled in mie)
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x0800
  csrs mstatus, t0
  la t0, in_s
  csrw mepc, t0
  mret                      # MIE <- MPIE (0), MPIE <- 1, MPP <- U (least privileged)
in_s:
  EXPECT_TRAP 1f
ec_s:
  ecall
1:
  CHECK 13, s2, 9
  la t0, ec_s
  li gp, 14
  bne s3, t0, fail
  CHECK_MASKED 15, s5, 0x1888, 0x0800   # MPP = S, MPIE = old MIE (0 after the MRET), MIE = 0
  ENTER 0, in_u
in_u:
  EXPECT_TRAP 1f
ec_u:
  ecall
1:
  CHECK 16, s2, 8
  CHECK_MASKED 17, s5, 0x1800, 0
  la t0, ec_u
  li gp, 18
  bne s3, t0, fail

  # MRET into S: MPP <- U afterwards
  ENTER 1, 1f
1:
  TO_M
  CHECK_MASKED 20, s5, 0x1800, 0x0800

  # delegation: U ecall and illegal instructions to S; medeleg[11] stays 0
  li t0, (1 << 8) | (1 << 2)
  csrw medeleg, t0
  CHECK_CSR 22, medeleg, 0x104
  EXPECT_TRAP 1f            # illegal in M-mode: delegation never lowers the privilege
  csrr a0, 0x7c0
1:
  CHECK 23, s2, 2
  li t0, 0x122              # SPIE, SPP, SIE set before entering U
  csrc sstatus, t0
  li t0, 0x2                # SIE = 1
  csrs sstatus, t0
  ENTER 0, u_deleg
u_deleg:
  EXPECT_TRAP 1f
ec_u2:
  ecall
1:
  # now in S-mode, at the resume address: S-mode CSRs describe the trap
  CHECK 24, s7, 8
  la t0, ec_u2
  li gp, 25
  bne s8, t0, fail
  CHECK_MASKED 26, s10, 0x122, 0x20     # SPP = U, SPIE = old SIE (1), SIE = 0
  EXPECT_TRAP 1f
ill_s:
  csrr a0, mstatus          # S reading an M CSR: illegal, delegated, so S takes it from S
1:
  CHECK 27, s7, 2
  lwu t0, ill_s
  li gp, 28
  bne s9, t0, fail
  CHECK_MASKED 29, s10, 0x100, 0x100    # SPP = S
  # SRET back to U: SIE <- SPIE, SPIE <- 1, SPP <- U
  li t0, 0x2
  csrc sstatus, t0
  li t0, 0x120
  csrs sstatus, t0          # SPP = S, SPIE = 1 then SRET to S
  la t0, 2f
  csrw sepc, t0
  sret
2:
  csrr a1, sstatus
  CHECK_MASKED 30, a1, 0x122, 0x22      # SIE = 1, SPIE = 1, SPP = U
  TO_M
  CHECK 31, s2, 9                       # the ECALL from S was not delegated
  csrw medeleg, zero
  # mtvec in vectored mode still sends exceptions to the base (mepc bit 0: see mepc-bit0.s)
  la t0, mtrap
  ori t0, t0, 1
  csrw mtvec, t0
  EXPECT_TRAP 1f
  ecall
1:
  CHECK 35, s2, 11
  la t0, mtrap
  csrw mtvec, t0
TEST_PASS
