// Checks of the differential-test machinery itself, against GNU as and qemu-riscv64 only (no hart involved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleAndLink, runQemu } from './harness/toolchain.js';
import { buildBatchProgram, describeBlock } from './harness/batch.js';
import { shrink } from './harness/differential.js';
import { BLOCK_BYTES, DATA_BYTES, INIT_F, INIT_FCSR, INIT_X, OUT_F, OUT_FCSR, OUT_X, generateSequence, } from './harness/seqgen.js';
const ALL = { weights: { I: 4, M: 2, A: 2, F: 3, D: 3, C: 2, CSR: 1 }, length: 60 };
test('the generator is deterministic for a seed and differs across seeds', () => {
    const a = buildBatchProgram([0, 1, 2].map((i) => generateSequence(7, i, ALL)));
    const b = buildBatchProgram([0, 1, 2].map((i) => generateSequence(7, i, ALL)));
    const c = buildBatchProgram([0, 1, 2].map((i) => generateSequence(8, i, ALL)));
    assert.equal(a, b);
    assert.notEqual(a, c);
});
test('every extension produces code GNU as accepts, and QEMU runs it to the same state twice', () => {
    const count = 150;
    const seqs = Array.from({ length: count }, (_, i) => generateSequence(11, i, ALL));
    const prog = assembleAndLink(buildBatchProgram(seqs));
    try {
        const r1 = runQemu(prog.elfPath);
        const r2 = runQemu(prog.elfPath);
        assert.equal(r1.exitCode, 0, r1.stderr);
        assert.equal(r1.stdout.length, count * BLOCK_BYTES);
        assert.deepEqual(r1.stdout, r2.stdout);
        const dv = new DataView(r1.stdout.buffer, r1.stdout.byteOffset, r1.stdout.byteLength);
        let changedX = 0;
        let changedF = 0;
        for (let i = 0; i < count; i++) {
            const base = i * BLOCK_BYTES;
            // sp and s0 are the base registers: untouched by the random code, both equal to the block address.
            const sp = dv.getBigUint64(base + OUT_X + 16, true);
            assert.equal(dv.getBigUint64(base + OUT_X + 64, true), sp, `sequence ${i}: s0 != sp`);
            if (i > 0)
                assert.equal(sp - dv.getBigUint64(base - BLOCK_BYTES + OUT_X + 16, true), BigInt(BLOCK_BYTES));
            // the initial state was loaded: registers no instruction wrote still hold it
            for (let r = 1; r < 32; r++) {
                if (r === 2 || r === 8)
                    continue;
                if (dv.getBigUint64(base + OUT_X + 8 * r, true) !== dv.getBigUint64(base + INIT_X + 8 * r, true))
                    changedX++;
            }
            for (let r = 0; r < 32; r++)
                if (dv.getBigUint64(base + OUT_F + 8 * r, true) !== dv.getBigUint64(base + INIT_F + 8 * r, true))
                    changedF++;
            assert.ok(dv.getUint32(base + OUT_FCSR, true) < 256);
            assert.ok(dv.getUint32(base + INIT_FCSR, true) < 256);
        }
        // The random code really computes: most sequences change many registers, but far from all of them.
        assert.ok(changedX > count * 5 && changedX < count * 29, `x registers changed: ${changedX}`);
        assert.ok(changedF > count * 2 && changedF < count * 32, `f registers changed: ${changedF}`);
    }
    finally {
        prog.cleanup();
    }
});
test('a difference in any register, fcsr or data byte is reported by name', () => {
    const seqs = [0, 1].map((i) => generateSequence(3, i, ALL));
    const prog = assembleAndLink(buildBatchProgram(seqs));
    try {
        const q = runQemu(prog.elfPath).stdout;
        assert.deepEqual(describeBlock(seqs[1], q, q, BLOCK_BYTES), []);
        const cases = [
            [OUT_X + 8 * 5 + 7, /^x5: /],
            [OUT_F + 8 * 31, /^f31: /],
            [OUT_FCSR, /^fcsr: /],
            [DATA_BYTES - 1, /^data\[\+504\]: /],
        ];
        for (const [offset, pattern] of cases) {
            const ours = q.slice();
            ours[BLOCK_BYTES + offset] ^= 0x10;
            const diffs = describeBlock(seqs[1], q, ours, BLOCK_BYTES);
            assert.equal(diffs.length, 1, diffs.join('\n'));
            assert.match(diffs[0], pattern);
            assert.deepEqual(describeBlock(seqs[0], q, ours, 0), []);
        }
    }
    finally {
        prog.cleanup();
    }
});
test('shrinking keeps only the items a failure needs, and the labels', () => {
    const seq = generateSequence(5, 0, { weights: { I: 1, D: 1 }, length: 80 });
    // a "failure" that needs items 10 and 51 both present
    const needs = (s) => s.items[10].length > 0 && s.items[51].length > 0;
    const small = shrink(seq, needs);
    assert.ok(needs(small));
    assert.deepEqual(small.items.flatMap((it, k) => (it.length ? [k] : [])), [10, 51]);
    assert.deepEqual(small.items[51], seq.items[51]);
    assert.deepEqual(small.labels, seq.labels);
    // the shrunk sequence still assembles (labels of removed branches remain defined) and runs
    const prog = assembleAndLink(buildBatchProgram([small]));
    try {
        assert.equal(runQemu(prog.elfPath).exitCode, 0);
    }
    finally {
        prog.cleanup();
    }
});
//# sourceMappingURL=diff-harness.test.js.map