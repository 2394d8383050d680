# RV64C (c-st-ext.adoc): every compressed encoding of RV64GC written with its c. mnemonic (c.ebreak is in the
# privileged tests): immediates at their range ends, the sign-extending W forms, stack-pointer-based and
# register-based loads/stores, branches, jumps and the c.jalr link (pc + 2).
TEST_START
  c.li a0, -32
  CHECK 1, a0, -32
  c.li a1, 31
  CHECK 2, a1, 31
  c.addi a1, -1
  CHECK 3, a1, 30
  c.addi a1, 31
  CHECK 4, a1, 61
  li a2, 0x7fffffff
  c.addiw a2, 1
  CHECK 5, a2, 0xffffffff80000000
  li a2, 0x100000005
  c.addiw a2, 0
  CHECK 6, a2, 5
  c.lui a3, 1
  CHECK 7, a3, 0x1000
  c.lui a3, 0xfffff
  CHECK 8, a3, 0xfffffffffffff000
  c.lui a3, 0x1f
  CHECK 9, a3, 0x1f000
  c.lui a3, 0xfffe0
  CHECK 10, a3, 0xfffffffffffe0000
  mv s1, sp
  c.addi16sp sp, -64
  sub a0, s1, sp
  CHECK 11, a0, 64
  c.addi4spn a0, sp, 16
  sub a0, a0, sp
  CHECK 12, a0, 16
  c.addi16sp sp, 496
  sub a0, sp, s1
  CHECK 13, a0, 432
  c.addi16sp sp, -432
  sub a0, sp, s1
  CHECK 14, a0, 0
  c.addi4spn a1, sp, 1020
  sub a1, a1, sp
  CHECK 15, a1, 1020
  c.addi16sp sp, -512
  c.addi16sp sp, -512
  li a0, 0x1122334455667788
  c.sdsp a0, 8(sp)
  c.ldsp a1, 8(sp)
  CHECK 16, a1, 0x1122334455667788
  c.swsp a0, 16(sp)
  c.lwsp a2, 16(sp)
  CHECK 17, a2, 0x55667788
  li a0, 0x80000001
  c.swsp a0, 252(sp)
  c.lwsp a2, 252(sp)
  CHECK 18, a2, 0xffffffff80000001
  li a0, 0x400921fb54442d18
  fmv.d.x fa0, a0
  c.fsdsp fa0, 504(sp)
  c.fldsp fa1, 504(sp)
  CHECKD 19, fa1, 0x400921fb54442d18
  c.sdsp a0, 496(sp)
  c.ldsp a2, 496(sp)
  CHECK 20, a2, 0x400921fb54442d18
  mv s0, sp
  li a0, 0x0102030405060708
  c.sd a0, 248(s0)
  c.ld a1, 248(s0)
  CHECK 21, a1, 0x0102030405060708
  c.sw a0, 124(s0)
  c.lw a1, 124(s0)
  CHECK 22, a1, 0x05060708
  li a0, 0xfedcba98
  c.sw a0, 44(s0)
  c.lw a1, 44(s0)
  CHECK 23, a1, 0xfffffffffedcba98
  c.fsd fa0, 48(s0)
  c.fld fa2, 48(s0)
  CHECKD 24, fa2, 0x400921fb54442d18
  li a0, 0xf0
  li a1, 0x3c
  c.and a0, a1
  CHECK 25, a0, 0x30
  li a0, 0xf0
  c.or a0, a1
  CHECK 26, a0, 0xfc
  li a0, 0xf0
  c.xor a0, a1
  CHECK 27, a0, 0xcc
  li a0, 5
  c.sub a0, a1
  CHECK 28, a0, -55
  li a0, 0x7fffffff
  li a1, 1
  c.addw a0, a1
  CHECK 29, a0, 0xffffffff80000000
  li a0, 0x80000000
  c.subw a0, a1
  CHECK 30, a0, 0x7fffffff
  li a0, -1
  c.andi a0, -32
  CHECK 31, a0, 0xffffffffffffffe0
  li a0, 0x1234
  c.andi a0, 15
  CHECK 32, a0, 4
  li a0, 0x8000000000000000
  c.srli a0, 63
  CHECK 33, a0, 1
  li a0, 0x8000000000000000
  c.srai a0, 62
  CHECK 34, a0, 0xfffffffffffffffe
  li a0, 1
  c.slli a0, 63
  CHECK 35, a0, 0x8000000000000000
  li a0, 0x80000000
  c.srli a0, 1
  CHECK 36, a0, 0x40000000
  li t0, 77
  c.mv a5, t0
  CHECK 37, a5, 77
  li a5, 10
  li t0, 20
  c.add a5, t0
  CHECK 38, a5, 30
  c.nop
  li gp, 39
  li a0, 0
  c.beqz a0, 1f
  j fail
1:
  li gp, 40
  c.bnez a0, 2f
  c.j 3f
2:
  j fail
3:
  li gp, 41
  li a0, 1
  c.beqz a0, 4f
  c.j 5f
4:
  j fail
5:
  li gp, 42
  c.bnez a0, 6f
  j fail
6:
  li a0, 3
  li a1, 0
7:
  addi a1, a1, 1
  addi a0, a0, -1
  c.beqz a0, 8f
  c.j 7b
8:
  CHECK 43, a1, 3
  li gp, 44
  la t0, 9f
  c.jr t0
  j fail
9:
  li gp, 45
  la t0, 10f
  c.jalr t0
11:
  j fail
10:
  la t1, 11b
  bne ra, t1, fail
  li a0, -1                 # negative c.li/c.addi/c.andi ends and c.slli by 1
  c.addi a0, -32
  CHECK 46, a0, -33
  li a0, 3
  c.slli a0, 1
  CHECK 47, a0, 6
  li a0, -4
  c.srai a0, 1
  CHECK 48, a0, -2
  li a0, 0x8000000000000000
  c.srli a0, 1
  CHECK 49, a0, 0x4000000000000000
  li a0, 0xffffffff
  c.addiw a0, -1            # 0xfffffffe sign-extended
  CHECK 50, a0, -2
  li a0, 1
  li a1, 0x100000000
  c.addw a0, a1             # low words only
  CHECK 51, a0, 1
  li a0, 0
  c.subw a0, a1
  CHECK 52, a0, 0
TEST_PASS
