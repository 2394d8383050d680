# RV64I loads and stores (rv32.adoc/rv64.adoc "Load and Store Instructions"): widths, sign/zero extension, offsets,
# misaligned accesses (performed by the execution environment here), accesses across a page boundary, x0 as target.
TEST_START
  la a0, data
  lb a1, 7(a0)
  CHECK 1, a1, 0xffffffffffffff80
  lbu a1, 7(a0)
  CHECK 2, a1, 0x80
  lh a1, 6(a0)
  CHECK 3, a1, 0xffffffffffff8070
  lhu a1, 6(a0)
  CHECK 4, a1, 0x8070
  lw a1, 4(a0)
  CHECK 5, a1, 0xffffffff80706050
  lwu a1, 4(a0)
  CHECK 6, a1, 0x80706050
  ld a1, 0(a0)
  CHECK 7, a1, 0x8070605004030201
  lw a1, 0(a0)
  CHECK 8, a1, 0x04030201
  addi a2, a0, 8
  ld a1, -8(a2)
  CHECK 9, a1, 0x8070605004030201
  lw a1, 1(a0)
  CHECK 10, a1, 0x50040302
  ld a1, 3(a0)
  CHECK 11, a1, 0x5432108070605004
  lh a1, 7(a0)
  CHECK 12, a1, 0x1080
  lhu a1, 3(a0)
  CHECK 13, a1, 0x5004
  lw a1, 6(a0)
  CHECK 14, a1, 0x32108070
  la a2, buf
  li a1, 0x1122334455667788
  sd a1, 0(a2)
  ld a3, 0(a2)
  CHECK 15, a3, 0x1122334455667788
  sw a1, 8(a2)
  ld a3, 8(a2)
  CHECK 16, a3, 0x55667788
  sh a1, 16(a2)
  ld a3, 16(a2)
  CHECK 17, a3, 0x7788
  sb a1, 24(a2)
  ld a3, 24(a2)
  CHECK 18, a3, 0x88
  sd a1, 33(a2)
  ld a3, 32(a2)
  CHECK 19, a3, 0x2233445566778800
  lbu a3, 40(a2)
  CHECK 20, a3, 0x11
  sw a1, 45(a2)
  lwu a3, 44(a2)
  CHECK 21, a3, 0x66778800
  sh a1, 51(a2)
  lhu a3, 50(a2)
  CHECK 22, a3, 0x8800
  lw x0, 0(a0)
  CHECK 23, x0, 0
  sd x0, 0(a2)
  ld a3, 0(a2)
  CHECK 24, a3, 0
  li a1, -1
  sb a1, 56(a2)
  ld a3, 56(a2)
  CHECK 25, a3, 0xff
  la a4, page2              # an 8-byte access straddling two pages
  li a1, 0x0102030405060708
  sd a1, -3(a4)
  ld a3, -3(a4)
  CHECK 26, a3, 0x0102030405060708
  lbu a3, 0(a4)
  CHECK 27, a3, 0x05
  lhu a3, -1(a4)
  CHECK 28, a3, 0x0506
  lw a3, -2(a4)
  CHECK 29, a3, 0x04050607
  addi a5, a4, 2045
  ld a3, -2048(a5)        # largest positive and negative offsets
  CHECK 30, a3, 0x0102030405060708
  addi a5, a4, -2048
  sb a1, 2047(a5)
  lbu a3, -1(a4)
  CHECK 31, a3, 0x08
  fence
  fence.i
  fence rw, rw
TEST_PASS
.data
.balign 8
data:
  .dword 0x8070605004030201
  .dword 0xfedcba9876543210
buf:
  .zero 64
.balign 4096
  .zero 4096
page2:
  .zero 64
