// Shared body of the test/diff-*.test.ts files: run a campaign of random sequences and fail with a readable report on any mismatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignSettings, formatMismatch, replay, runCampaign } from './differential.js';
/** `salt` separates the seed streams of the test files; DIFF_SEQUENCES, DIFF_SEED, DIFF_BATCH and DIFF_REPLAY override the defaults. */
export function differentialTest(name, salt, opts, defaultSequences = 4000) {
    const { total, seed, batch, replay: one } = campaignSettings(defaultSequences);
    const seedBase = (seed * 1000 + salt) * 100000;
    const title = one
        ? `${name}: replay of seed ${one[0]}, sequence ${one[1]}`
        : `${name}: ${total} random sequences leave the same registers, fcsr and memory as qemu-riscv64`;
    test(title, (t) => {
        const r = one ? replay(one[0], one[1], opts) : runCampaign(seedBase, total, batch, opts);
        const ms = r.ms;
        t.diagnostic(`${name}: ${r.sequences} sequences in ${r.batches} programs, ${r.instructions} guest instructions, ${(ms.total / 1000).toFixed(1)} s ` +
            `(generate ${ms.generate.toFixed(0)} ms, assemble ${ms.assemble.toFixed(0)} ms, qemu ${ms.qemu.toFixed(0)} ms, ours ${ms.ours.toFixed(0)} ms)`);
        const parts = [...r.errors, ...r.mismatches.slice(0, 3).map(formatMismatch)];
        if (r.shrunk)
            parts.push(`smallest failing form of the first mismatch:\n${formatMismatch(r.shrunk)}`);
        const first = r.mismatches[0];
        if (first)
            parts.push(`replay: DIFF_REPLAY=${first.seed}:${first.index} node --test dist/test/diff-${name}.test.js`);
        assert.ok(r.errors.length === 0 && r.mismatches.length === 0, `${name}: ${r.errors.length} failed programs, ${r.mismatches.length} mismatching sequences\n${parts.join('\n\n')}`);
    });
}
//# sourceMappingURL=differential-suite.js.map