# CSR access rules (zicsr.adoc, machine.adoc "CSR Address Mapping Conventions"): higher-privilege CSRs are illegal,
# writes to read-only CSRs are illegal while CSRRS/CSRRC with x0 and CSRRSI/CSRRCI with 0 only read; TVM, TW, TSR;
# WFI in U; counter gating through mcounteren/scounteren (cycle, time, instret); sstatus/sie views of M state.
TEST_START
  EXPECT_TRAP 1f
  csrw mvendorid, zero      # read-only (address bits 11:10 = 3)
1:
  CHECK 1, s2, 2
  csrrs a0, mhartid, x0     # reading a read-only CSR is fine
  csrrsi a0, mhartid, 0
  EXPECT_TRAP 1f
  csrrsi a0, mhartid, 1
1:
  CHECK 2, s2, 2
  EXPECT_TRAP 1f
  csrrw x0, cycle, a0
1:
  CHECK 3, s2, 2
  NO_TRAP 4
  # S-mode: M CSRs illegal, S CSRs fine
  ENTER 1, s1
s1:
  csrr a0, sstatus
  csrr a0, sscratch
  EXPECT_TRAP 1f
  csrr a0, mscratch
1:
  CHECK 5, s2, 2            # resumed in M-mode
  # U-mode: S CSRs illegal
  ENTER 0, u1
u1:
  EXPECT_TRAP 1f
  csrr a0, sscratch
1:
  CHECK 6, s2, 2
  # U-mode WFI is illegal; S-mode WFI is illegal only with TW
  ENTER 0, u2
u2:
  EXPECT_TRAP 1f
  wfi
1:
  CHECK 7, s2, 2
  li t0, 1 << 21            # TW
  csrs mstatus, t0
  ENTER 1, s2lbl
s2lbl:
  EXPECT_TRAP 1f
  wfi
1:
  CHECK 8, s2, 2
  li t0, 1 << 21
  csrc mstatus, t0
  li t0, 1 << 20            # TVM: satp and SFENCE.VMA illegal in S
  csrs mstatus, t0
  ENTER 1, s3
s3:
  EXPECT_TRAP 1f
  csrr a0, satp
1:
  CHECK 9, s2, 2
  ENTER 1, s4
s4:
  EXPECT_TRAP 1f
  sfence.vma
1:
  CHECK 10, s2, 2
  li t0, 1 << 20
  csrc mstatus, t0
  li t0, 1 << 22            # TSR: SRET illegal in S
  csrs mstatus, t0
  ENTER 1, s5lbl
s5lbl:
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  sret
2:
  j fail
1:
  CHECK 11, s2, 2
  li t0, 1 << 22
  csrc mstatus, t0
  ENTER 1, s6
s6:
  csrr a0, satp             # allowed again
  TO_M
  CHECK 12, s2, 9
  # counters: mcounteren gates S, mcounteren & scounteren gate U
  csrw mcounteren, zero
  csrw scounteren, zero
  ENTER 1, s7lbl
s7lbl:
  EXPECT_TRAP 1f
  rdcycle a0
1:
  CHECK 13, s2, 2
  ENTER 1, s8lbl
s8lbl:
  EXPECT_TRAP 1f
  rdtime a0
1:
  CHECK 14, s2, 2
  ENTER 1, s9lbl
s9lbl:
  EXPECT_TRAP 1f
  rdinstret a0
1:
  CHECK 15, s2, 2
  li t0, 7
  csrw mcounteren, t0
  ENTER 1, s10lbl
s10lbl:
  rdcycle a0
  rdtime a0
  rdinstret a0
  csrw scounteren, zero
  la t0, u3
  csrw sepc, t0
  li t0, 0x100
  csrc sstatus, t0          # SPP = U
  sret
u3:
  EXPECT_TRAP 1f
  rdtime a0
1:
  CHECK 16, s2, 2
  ENTER 1, s11lbl
s11lbl:
  li t0, 2                  # scounteren.TM only
  csrw scounteren, t0
  la t0, u4
  csrw sepc, t0
  sret
u4:
  rdtime a0                 # allowed
  EXPECT_TRAP 1f
  rdcycle a0
1:
  CHECK 17, s2, 2
  li t0, 5
  csrw mcounteren, t0       # TM cleared in mcounteren: U loses time even with scounteren.TM
  ENTER 0, u5
u5:
  EXPECT_TRAP 1f
  rdtime a0
1:
  CHECK 18, s2, 2
  csrr a0, minstret         # M always reads its counters; instret advances
  csrr a1, minstret
  li gp, 19
  bgeu a0, a1, fail
  # sstatus and sie are views of mstatus and mie
  csrw mstatus, zero
  li t0, 2
  csrs sstatus, t0
  csrr a0, mstatus
  CHECK_MASKED 20, a0, 0xa, 2
  li t0, 8
  csrs sstatus, t0          # MIE is not visible through sstatus
  csrr a0, mstatus
  CHECK_MASKED 21, a0, 0x8, 0
  csrw mideleg, zero
  li t0, 0x222
  csrw sie, t0              # nothing delegated: sie bits are read-only zero
  CHECK_CSR 22, sie, 0
  li t0, 0x222
  csrw mideleg, t0
  csrw sie, t0
  CHECK_CSR 23, mie, 0x222
  csrw mie, zero
  csrw mideleg, zero
  csrw mstatus, zero
TEST_PASS
