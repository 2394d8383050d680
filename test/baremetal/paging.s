# Sv39 and Sv48 translation (supervisor.adoc "Virtual-Memory System"): page-fault causes (12/13/15) with tval = the
# virtual address, invalid PTEs, R/W/X permissions, W-without-R reserved, SUM, MXR, misaligned superpages,
# non-canonical addresses, hardware A/D setting, and M-mode accesses through MPRV (MPP = S) translated like S's.
.equ VA, 0x40000000
.equ SATP_SV48, 0x9000000000000000
# FAULT n, cause, insn...: the access must trap with cause and tval = a1
.macro FAULT n, cause, op, reg, addr
  EXPECT_TRAP 9998f
  MPRV_ON
  \op \reg, 0(\addr)
  MPRV_OFF
  li gp, \n
  j fail
9998:
  MPRV_OFF
  CHECK \n, s2, \cause
  li gp, \n
  bne s4, \addr, fail
.endm
.macro PTE_LEAF slot, flags, ppnoff=0  # slot <- leaf PTE for datapg (+ppnoff pages)
  la t0, datapg
  srli t0, t0, 12
  addi t0, t0, \ppnoff
  slli t0, t0, 10
  ori t0, t0, \flags
  sd t0, 0(\slot)
.endm
TEST_START
  la a0, pt2
  li t0, (0x80000 << 10) | 0xcf         # gigapage 0x80000000 identity, RWX A D, supervisor
  sd t0, 16(a0)
  addi a1, a0, 8
  PTE_PTR a1, pt1
  la a0, pt1
  PTE_PTR a0, pt0
  addi a1, a0, 8
  PTE_LEAF a1, 0xcf, 1                  # 2 MiB superpage with a PPN[0] that is not zero: misaligned
  la a0, pt0
  PTE_LEAF a0, 0xc7                     # page 0: R W
  addi a1, a0, 8
  PTE_LEAF a1, 0xc3                     # page 1: R only (A D set)
  addi a1, a0, 24
  PTE_LEAF a1, 0xd7                     # page 3: user R W
  addi a1, a0, 32
  PTE_LEAF a1, 0xc9                     # page 4: X only
  addi a1, a0, 40
  PTE_LEAF a1, 0x07                     # page 5: R W, A = D = 0
  addi a1, a0, 48
  PTE_LEAF a1, 0xc5                     # page 6: W without R (reserved)
  la a0, pt3
  PTE_PTR a0, pt2                       # Sv48 root: entry 0 -> the Sv39 root, reused as level 2
  SV39_ON pt2

  li a1, VA
  MPRV_ON
  ld a2, 0(a1)
  MPRV_OFF
  CHECK 1, a2, 0x1122334455667788
  li a1, VA + 0x1000
  FAULT 2, 15, sd, zero, a1             # store to a read-only page
  li a1, VA + 0x2008
  FAULT 3, 13, ld, a2, a1               # invalid PTE
  li a1, VA + 0x3000
  FAULT 4, 13, ld, a2, a1               # U page, SUM = 0
  li t0, 1 << 18
  csrs mstatus, t0
  MPRV_ON
  ld a2, 0(a1)
  MPRV_OFF
  CHECK 5, a2, 0x1122334455667788
  li t0, 1 << 18
  csrc mstatus, t0
  li a1, VA + 0x4000
  FAULT 6, 13, ld, a2, a1               # execute-only, MXR = 0
  li t0, 1 << 19
  csrs mstatus, t0
  MPRV_ON
  ld a2, 0(a1)
  MPRV_OFF
  CHECK 7, a2, 0x1122334455667788
  li t0, 1 << 19
  csrc mstatus, t0
  li a1, VA + 0x6000
  FAULT 8, 13, ld, a2, a1               # W without R
  li a1, VA + 0x200010
  FAULT 9, 13, ld, a2, a1               # misaligned superpage
  li a1, 0x0000004000000000
  FAULT 10, 13, ld, a2, a1              # Sv39: bits 63:39 must equal bit 38
  li a1, VA + 0x5000                    # A/D updated by the hart
  MPRV_ON
  ld a2, 0(a1)
  MPRV_OFF
  la a0, pt0
  ld t1, 40(a0)
  CHECK_MASKED 11, t1, 0xc0, 0x40
  MPRV_ON
  sd a2, 8(a1)
  MPRV_OFF
  ld t1, 40(a0)
  CHECK_MASKED 12, t1, 0xc0, 0xc0
  # S-mode fetch from a page without X, and from a U page
  ENTER 1, 1f
1:
  EXPECT_TRAP 2f
  li t0, VA
  jr t0
2:
  CHECK 13, s2, 12
  CHECK 14, s4, VA
  ENTER 1, 1f
1:
  EXPECT_TRAP 2f
  li t0, VA + 0x3000
  jr t0
2:
  CHECK 15, s2, 12
  # Sv48: the same leaves one level deeper; bit 39 is now part of VPN[3]
  la t0, pt3
  srli t0, t0, 12
  li t1, SATP_SV48
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li a1, VA + 8                         # check 12 stored this through page 5 (same frame)
  MPRV_ON
  ld a2, 0(a1)
  MPRV_OFF
  CHECK 16, a2, 0x1122334455667788
  li a1, 0x0000004000000000
  FAULT 17, 13, ld, a2, a1              # canonical under Sv48, but VPN[3] = 0, VPN[2] = 256: invalid
  li a1, 0x0000800000000000
  FAULT 18, 13, ld, a2, a1              # Sv48 non-canonical
  li a1, VA + 0x1000
  FAULT 19, 15, sd, zero, a1
  csrw satp, zero
  sfence.vma
TEST_PASS
.data
.balign 4096
pt3: .zero 4096
pt2: .zero 4096
pt1: .zero 4096
pt0: .zero 4096
datapg:
  .dword 0x1122334455667788
  .dword 0x0102030405060708
  .balign 4096
  .zero 4096
