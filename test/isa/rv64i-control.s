# RV64I branches and jumps (rv32.adoc "Control Transfer Instructions"): signed vs unsigned compares, equal operands,
# link values, JALR clearing bit 0 of the target and reading rs1 before writing rd when they are the same register.
TEST_START
  li a1, -1
  li a2, 1
  li gp, 1
  beq a1, a2, fail
  li gp, 2
  bne a1, a1, fail
  li gp, 3
  blt a2, a1, fail
  li gp, 4
  bge a1, a2, fail
  li gp, 5
  bltu a1, a2, fail
  li gp, 6
  bgeu a2, a1, fail
  li gp, 7
  blt a1, a2, 1f
  j fail
1:
  li gp, 8
  bge a2, a1, 1f
  j fail
1:
  li gp, 9
  bltu a2, a1, 1f
  j fail
1:
  li gp, 10
  bgeu a1, a2, 1f
  j fail
1:
  li gp, 11
  beq a1, a1, 1f
  j fail
1:
  li gp, 12
  bne a1, a2, 1f
  j fail
1:
  li gp, 13
  bge a1, a1, 1f
  j fail
1:
  li gp, 14
  bgeu a2, a2, 1f
  j fail
1:
  li gp, 15
  blt a1, a1, fail
  li gp, 16
  bltu a2, a2, fail
  li gp, 17
  jal a4, 1f
2:
  j fail
1:
  la a5, 2b
  bne a4, a5, fail
  li gp, 18                 # odd target: bit 0 is cleared
  la a5, 1f
  addi a5, a5, 1
  jalr a4, a5, 0
2:
  j fail
1:
  la a6, 2b
  bne a4, a6, fail
  li gp, 19                 # rd == rs1: the target uses the old value
  la a5, 1f
  addi a5, a5, -12
  jalr a5, 12(a5)
2:
  j fail
1:
  la a6, 2b
  bne a5, a6, fail
  li gp, 20                 # negative offset
  la a5, 1f
  addi a5, a5, 8
  jalr x0, -8(a5)
  j fail
1:
  li a1, 10
  li a2, 0
3:
  addi a2, a2, 1
  addi a1, a1, -1
  bnez a1, 3b
  CHECK 21, a2, 10
  jal x0, 1f                # x0 link is discarded
  j fail
1:
  CHECK 22, x0, 0
  li gp, 23                 # branch far forward, beyond the compressed range
  beq x0, x0, 1f
  .fill 600, 4, 0x00000013
  j fail
1:
  li gp, 24                 # JAL far forward; the link is the address after the JAL
  jal ra, 1f
2:
  .fill 300, 4, 0x00000013
1:
  la a5, 2b
  bne ra, a5, fail
TEST_PASS
