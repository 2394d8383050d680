# SFENCE.VMA with an address (supervisor.adoc "Supervisor Memory-Management Fence Instruction"): after a PTE changes,
# a fence for that address makes the new mapping visible, for a 4 KiB page and for a 2 MiB superpage whose other
# 4 KiB pieces were used before the fence (a soft TLB that caches superpages in 4 KiB pieces must drop them all).
.equ VA, 0x40000000
.equ VA_SUPER, 0x40200000
.equ PA_SUPER1, 0x80400000
.equ PA_SUPER2, 0x80600000
# LOAD_S reg, addr: a load translated like S-mode's
.macro LOAD_S reg, addr
  MPRV_ON
  ld \reg, 0(\addr)
  MPRV_OFF
.endm
# LEAF slot, pa, flags: slot <- leaf PTE for physical address pa
.macro LEAF slot, pa, flags
  li t0, \pa
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, \flags
  sd t0, 0(\slot)
.endm
TEST_START
  # markers: the two 4 KiB data pages, and the first two 4 KiB pieces of two 2 MiB physical regions
  la a0, pageA
  li t0, 0xA
  sd t0, 0(a0)
  li t0, 0xB
  li t1, 4096
  add t1, a0, t1
  sd t0, 0(t1)
  li a0, PA_SUPER1
  li t0, 0x10
  sd t0, 0(a0)
  li t0, 0x11
  li t1, 4096
  add t1, a0, t1
  sd t0, 0(t1)
  li a0, PA_SUPER2
  li t0, 0x20
  sd t0, 0(a0)
  li t0, 0x21
  li t1, 4096
  add t1, a0, t1
  sd t0, 0(t1)
  # Sv39: gigapage 0x80000000 identity; VA 0x40000000 -> pt1; pt1[0] -> pt0 (4 KiB pages), pt1[1] a 2 MiB superpage
  la a0, pt2
  li t0, (0x80000 << 10) | 0xcf
  sd t0, 16(a0)
  addi a1, a0, 8
  PTE_PTR a1, pt1
  la a0, pt1
  PTE_PTR a0, pt0
  addi a1, a0, 8
  LEAF a1, PA_SUPER1, 0xc7
  la a0, pt0
  la t1, pageA
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0xc7
  sd t1, 0(a0)                          # VA -> pageA
  SV39_ON pt2

  li a1, VA
  LOAD_S a2, a1
  CHECK 1, a2, 0xA
  la a0, pt0                            # VA -> pageB (the page after pageA)
  la t1, pageA + 4096
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0xc7
  sd t1, 0(a0)
  li a1, VA
  sfence.vma a1
  LOAD_S a2, a1
  CHECK 2, a2, 0xB

  li a1, VA_SUPER
  LOAD_S a2, a1
  CHECK 3, a2, 0x10
  li a1, VA_SUPER + 4096
  LOAD_S a2, a1
  CHECK 4, a2, 0x11
  la a0, pt1                            # the superpage -> the second region; fence only its first 4 KiB
  addi a1, a0, 8
  LEAF a1, PA_SUPER2, 0xc7
  li a1, VA_SUPER
  sfence.vma a1
  li a1, VA_SUPER + 4096
  LOAD_S a2, a1
  CHECK 5, a2, 0x21
  li a1, VA_SUPER
  LOAD_S a2, a1
  CHECK 6, a2, 0x20
  csrw satp, zero
  sfence.vma
TEST_PASS
.data
.balign 4096
pt2: .zero 4096
pt1: .zero 4096
pt0: .zero 4096
pageA: .zero 4096
pageB: .zero 4096
