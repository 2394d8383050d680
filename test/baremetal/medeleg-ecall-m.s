# medeleg[11] (ECALL from M) is read-only zero: an M-mode ECALL can never be delegated (machine.adoc,
# "Machine Trap Delegation Registers"). QEMU 7.2 lets the bit be set, so it fails check 1.
TEST_START
  li t0, -1
  csrw medeleg, t0
  csrr t0, medeleg
  CHECK_MASKED 1, t0, 0x800, 0
  CHECK_MASKED 2, t0, 0x8, 0x8          # breakpoints are delegable
  csrw medeleg, zero
TEST_PASS
