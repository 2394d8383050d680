# Zicsr on the CSRs user mode may touch (zicsr.adoc, f-st-ext.adoc "Floating-Point Control and Status Register"):
# old value returned by every form, set/clear masks, immediate forms, fflags/frm as views of fcsr, rd = x0,
# and CSRRS/CSRRC with x0 or a zero immediate reading without writing.
TEST_START
  li a1, 0xff
  csrrw a0, fcsr, a1
  CHECK 1, a0, 0
  csrr a0, fcsr
  CHECK 2, a0, 0xff
  csrr a0, frm
  CHECK 3, a0, 7
  csrr a0, fflags
  CHECK 4, a0, 0x1f
  csrrci a0, fflags, 1
  CHECK 5, a0, 0x1f
  csrr a0, fcsr
  CHECK 6, a0, 0xfe
  csrrsi a0, fflags, 0       # no write
  CHECK 7, a0, 0x1e
  li a1, 0x0c
  csrrc a0, fflags, a1
  CHECK 8, a0, 0x1e
  csrr a0, fflags
  CHECK 9, a0, 0x12
  csrrwi a0, frm, 3
  CHECK 10, a0, 7
  csrr a0, fcsr
  CHECK 11, a0, 0x72
  li a1, 0x1
  csrrs a0, frm, a1
  CHECK 12, a0, 3
  csrr a0, frm
  CHECK 13, a0, 3
  csrrs x0, fflags, x0
  csrrw x0, fcsr, x0
  csrr a0, fcsr
  CHECK 14, a0, 0
  li a1, 0x1ff               # bits above 7 of the written value do not land in fcsr
  csrw fcsr, a1
  csrr a0, fcsr
  CHECK 15, a0, 0xff
  csrwi fflags, 0x1f
  csrr a0, fflags
  CHECK 16, a0, 0x1f
  li a1, 0x3f
  csrw fflags, a1            # fflags is 5 bits wide
  csrr a0, fcsr
  CHECK 17, a0, 0xff
  csrwi fcsr, 0
  csrrc a0, fcsr, x0
  CHECK 18, a0, 0
  csrrs a2, fcsr, x0
  csrrsi a3, fcsr, 0x10
  CHECK 19, a3, 0
  csrr a0, fflags
  CHECK 20, a0, 0x10
  csrwi fcsr, 0
TEST_PASS
