# mepc[0] and sepc[0] are always zero (machine.adoc "Machine Exception Program Counter"; supervisor.adoc).
# QEMU 7.2 stores and returns bit 0, so it fails check 1.
TEST_START
  li t0, -1
  csrw mepc, t0
  csrr t0, mepc
  CHECK 1, t0, 0xfffffffffffffffe
  li t0, 0x80000003
  csrw sepc, t0
  csrr t0, sepc
  CHECK 2, t0, 0x80000002
TEST_PASS
