// Guest RAM above 2 GiB: its host offsets exceed 2^31, so every path that turns them into typed-array indices or
// compares them (loads, stores, LR/SC, AMOs, fetch, the soft TLB) must treat them as unsigned. Checked in M-mode at
// the top of a 3 GiB RAM on our hart and on qemu-system-riscv64 -M virt -m 3G.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBaremetal, runOurs, runQemuSystem } from './baremetal/runner.js';

const RAM = 3 * 1024 * 1024 * 1024;

/** Checks 1..n at one RAM address held in s0 (s1 = a value pattern). */
function checksAt(first: number): string {
  const n = (k: number) => first + k;
  return `
  li s1, 0x1122334455667788
  sd s1, 0(s0)
  ld t0, 0(s0)
  CHECK ${n(0)}, t0, 0x1122334455667788
  lw t0, 4(s0)
  CHECK ${n(1)}, t0, 0x11223344
  lhu t0, 2(s0)
  CHECK ${n(2)}, t0, 0x5566
  lb t0, 7(s0)
  CHECK ${n(3)}, t0, 0x11
  li t1, -2
  sh t1, 8(s0)
  lh t0, 8(s0)
  CHECK ${n(4)}, t0, -2
  sb t1, 10(s0)
  lbu t0, 10(s0)
  CHECK ${n(5)}, t0, 0xfe
  ld t0, 3(s0)                # misaligned, inside the page
  CHECK ${n(6)}, t0, 0xfefffe1122334455
  lr.d t0, (s0)
  li t1, 7
  sc.d t2, t1, (s0)
  CHECK ${n(7)}, t2, 0        # the reservation holds: SC succeeds
  ld t0, 0(s0)
  CHECK ${n(8)}, t0, 7
  sc.d t2, t1, (s0)
  CHECK ${n(9)}, t2, 1        # no reservation: SC fails
  addi t3, s0, 16
  lr.w t0, (t3)
  li t1, 0x55
  sc.w t2, t1, (t3)
  CHECK ${n(10)}, t2, 0
  li t1, 5
  amoadd.d t0, t1, (s0)
  CHECK ${n(11)}, t0, 7
  ld t0, 0(s0)
  CHECK ${n(12)}, t0, 12
  amoswap.w t0, t1, (t3)
  CHECK ${n(13)}, t0, 0x55
  # Code copied here runs: li a0, 42 (0x02a00513); ret (0x00008067).
  li t1, 0x0000806702a00513
  sd t1, 64(s0)
  fence.i
  li a0, 0
  addi t0, s0, 64
  jalr t0
  CHECK ${n(14)}, a0, 42
  # The same code page rewritten: the new instruction runs, not a stale copy (li a0, 43).
  li t1, 0x0000806702b00513
  sd t1, 64(s0)
  fence.i
  addi t0, s0, 64
  jalr t0
  CHECK ${n(15)}, a0, 43
`;
}

test('loads, stores, LR/SC, AMOs and code above host offset 2^31 (3 GiB RAM) behave as on QEMU', () => {
  const p = buildBaremetal(`TEST_START
  li s0, 0x100000000          # guest 4 GiB: host offset just above 2^31
  ${checksAt(1)}
  li s0, 0x13ffff000          # the last page of 3 GiB of RAM
  ${checksAt(21)}
  li s0, 0x13fff0ff8          # a misaligned doubleword across two pages high in RAM
  li s1, 0x0102030405060708
  sd s1, 0(s0)
  ld t0, 0(s0)
  CHECK 41, t0, 0x0102030405060708
TEST_PASS
`);
  try {
    const q = runQemuSystem(p.elfPath, '3G');
    assert.equal(q.code, 0, `the program fails under QEMU at check ${q.code}: ${q.output}`);
    const o = runOurs(p.elf, 5_000_000, RAM);
    assert.equal(o.code, 0, `our hart fails check ${o.code === null ? '(no verdict)' : o.code}`);
  } finally {
    p.cleanup();
  }
});
