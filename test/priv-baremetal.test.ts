// Privileged-architecture tests: each test/baremetal/*.s program runs in M-mode on our hart and on qemu-system-riscv64 -M virt.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAREMETAL_DIR, baremetalPrograms, buildBaremetal, runOurs, runQemuSystem } from './baremetal/runner.js';

function both(body: string): { qemu: number | null; ours: number | null; output: string } {
  const p = buildBaremetal(body);
  try {
    const q = runQemuSystem(p.elfPath);
    const o = runOurs(p.elf);
    return { qemu: q.code, ours: o.code, output: o.output };
  } finally {
    p.cleanup();
  }
}

test('a failing check reports its number under both (the harness can fail)', () => {
  const r = both(`TEST_START
  li a0, 1
  CHECK 1, a0, 1
  CHECK 5, a0, 2
TEST_PASS
`);
  assert.equal(r.qemu, 5);
  assert.equal(r.ours, 5);
});

for (const name of baremetalPrograms()) {
  test(`priv: ${name} passes on qemu-system-riscv64 and on our hart`, () => {
    const r = both(readFileSync(BAREMETAL_DIR + name + '.s', 'utf8'));
    assert.equal(r.qemu, 0, `the test itself fails under QEMU at check ${r.qemu}`);
    assert.equal(r.ours, 0, `our hart fails check ${r.ours === null ? '(no verdict)' : '0x' + r.ours.toString(16)} ${r.output}`);
  });
}
