# Smoke test of the bare-metal harness: starts in M-mode at the start of RAM with the handlers installed.
TEST_START
  la t0, _start
  li t1, 0x80000000
  li gp, 1
  bne t0, t1, fail
  CHECK_CSR 2, mhartid, 0
  csrr t0, mstatus
  CHECK_MASKED 3, t0, 0x20008, 0     # reset: MIE = 0, MPRV = 0
TEST_PASS
