// ISA tests written from the spec: each test/isa/*.s program checks its own results and must pass under both qemu-riscv64 and our hart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isaPrograms, runIsaProgram, runIsaSource } from './isa/runner.js';
test('a failing check reports its number under both (the harness can fail)', () => {
    const r = runIsaSource(`TEST_START
  li a1, 2
  CHECK 1, a1, 2
  addi a1, a1, 1
  CHECK 7, a1, 4
TEST_PASS
`);
    assert.equal(r.qemu, 7);
    assert.equal(r.ours, 7);
});
for (const name of isaPrograms()) {
    test(`isa: ${name} passes under qemu-riscv64 and on our hart`, () => {
        const r = runIsaProgram(name);
        assert.equal(r.qemu, 0, `the test itself fails under qemu-riscv64 at check ${r.qemu}`);
        assert.equal(r.ours, 0, `our hart fails check ${r.ours}`);
    });
}
//# sourceMappingURL=isa-programs.test.js.map