// Differential testing: batches of random sequences assembled into one program, run under qemu-riscv64 and our hart, compared byte for byte.
import { runUserProgram } from '../../src/vmm/user-runner.js';
import { assembleAndLink, runQemu } from './toolchain.js';
import { BLOCK_BYTES, generateSequence, withItems } from './seqgen.js';
import { buildBatchProgram, describeBlock, initialValuesUsed } from './batch.js';
export { formatMismatch } from './batch.js';
/** Assemble the sequences into one program, run it under both, compare. */
export function runSequences(seqs, what) {
    const t0 = performance.now();
    const prog = assembleAndLink(buildBatchProgram(seqs));
    const t1 = performance.now();
    const ms = { assemble: t1 - t0, qemu: 0, ours: 0 };
    try {
        const q = runQemu(prog.elfPath);
        const t2 = performance.now();
        ms.qemu = t2 - t1;
        const expectedLen = seqs.length * BLOCK_BYTES;
        if (q.exitCode !== 0 || q.stdout.length !== expectedLen) {
            return {
                diffs: [],
                instructions: 0,
                ms,
                error: `${what}: qemu-riscv64 exit ${q.exitCode} signal ${q.signal}, ${q.stdout.length}/${expectedLen} bytes; ${q.stderr}`,
            };
        }
        let ours;
        try {
            ours = runUserProgram(prog.elf, { memory: 16 << 20, maxInstructions: seqs.length * 4000 });
        }
        catch (e) {
            return { diffs: [], instructions: 0, ms, error: `${what}: our run failed: ${e.message}` };
        }
        finally {
            ms.ours = performance.now() - t2;
        }
        if (ours.exitCode !== 0 || ours.stdout.length !== expectedLen) {
            return {
                diffs: [],
                instructions: ours.instret,
                ms,
                error: `${what}: our exit ${ours.exitCode}, ${ours.stdout.length}/${expectedLen} bytes`,
            };
        }
        const diffs = seqs.map((s, i) => describeBlock(s, q.stdout, ours.stdout, i * BLOCK_BYTES));
        return { diffs, instructions: ours.instret, ms };
    }
    finally {
        prog.cleanup();
    }
}
function fails(seq) {
    const o = runSequences([seq], 'shrink');
    return o.error !== undefined || o.diffs[0].length > 0;
}
/** Greedily drop random items while the sequence still fails (a few dozen runs of one-sequence programs). */
export function shrink(seq, stillFails = fails) {
    let cur = seq;
    for (let chunk = 8; chunk >= 1; chunk >>= 1) {
        for (let k = 0; k < cur.items.length; k += chunk) {
            if (cur.items.slice(k, k + chunk).every((it) => it.length === 0))
                continue;
            const items = cur.items.map((it, j) => (j >= k && j < k + chunk ? [] : it));
            const candidate = withItems(cur, items);
            if (stillFails(candidate))
                cur = candidate;
        }
    }
    return cur;
}
function mismatchOf(seed, index, seq, diffs) {
    return { seed, index, differences: diffs, initial: initialValuesUsed(seq), asm: seq.body.join('\n') };
}
export function runBatch(seed, count, opts) {
    const t0 = performance.now();
    const seqs = Array.from({ length: count }, (_, i) => generateSequence(seed, i, opts));
    const generate = performance.now() - t0;
    const o = runSequences(seqs, `seed ${seed}`);
    const mismatches = [];
    o.diffs.forEach((d, i) => {
        if (d.length)
            mismatches.push(mismatchOf(seed, i, seqs[i], d));
    });
    let error = o.error;
    if (error) {
        // The whole program failed (e.g. a trap in our hart): find the first sequence that fails on its own.
        for (let i = 0; i < count; i++) {
            const one = runSequences([seqs[i]], `seed ${seed}, sequence ${i}`);
            if (one.error) {
                error += `\n  first failing sequence alone: ${one.error}\n  assembly:\n    ${seqs[i].body.join('\n    ')}`;
                break;
            }
        }
    }
    return { sequences: count, instructions: o.instructions, mismatches, error, ms: { generate, ...o.ms } };
}
/** Environment knobs: DIFF_SEQUENCES (sequences per test file), DIFF_SEED (base seed), DIFF_BATCH (sequences per program),
 *  DIFF_REPLAY=<seed>:<index> (run just that sequence, as named in a failure report). */
export function campaignSettings(defaultSequences) {
    const total = Number(process.env.DIFF_SEQUENCES ?? defaultSequences);
    const seed = Number(process.env.DIFF_SEED ?? 1);
    const batch = Number(process.env.DIFF_BATCH ?? 500);
    const m = /^(\d+):(\d+)$/.exec(process.env.DIFF_REPLAY ?? '');
    return { total, seed, batch, replay: m ? [Number(m[1]), Number(m[2])] : undefined };
}
function emptyCampaign() {
    return {
        sequences: 0,
        instructions: 0,
        batches: 0,
        mismatches: [],
        errors: [],
        ms: { generate: 0, assemble: 0, qemu: 0, ours: 0, total: 0 },
    };
}
export function runCampaign(seedBase, total, batchSize, opts, stopAfterFailures = 5) {
    const r = emptyCampaign();
    const t0 = performance.now();
    for (let b = 0; r.sequences < total; b++) {
        const n = Math.min(batchSize, total - r.sequences);
        const res = runBatch(seedBase + b, n, opts);
        r.sequences += n;
        r.batches++;
        r.instructions += res.instructions;
        r.mismatches.push(...res.mismatches);
        if (res.error)
            r.errors.push(res.error);
        for (const k of ['generate', 'assemble', 'qemu', 'ours'])
            r.ms[k] += res.ms[k];
        if (r.mismatches.length + r.errors.length >= stopAfterFailures)
            break;
    }
    if (r.mismatches.length) {
        const m = r.mismatches[0];
        const small = shrink(generateSequence(m.seed, m.index, opts));
        const again = runSequences([small], 'shrunk');
        r.shrunk = mismatchOf(m.seed, m.index, small, again.error ? [again.error] : again.diffs[0]);
    }
    r.ms.total = performance.now() - t0;
    return r;
}
/** One sequence from a failure report, shrunk when it fails. */
export function replay(seed, index, opts) {
    const r = emptyCampaign();
    const t0 = performance.now();
    const seq = generateSequence(seed, index, opts);
    const o = runSequences([seq], `seed ${seed}, sequence ${index}`);
    r.sequences = 1;
    r.batches = 1;
    r.instructions = o.instructions;
    if (o.error)
        r.errors.push(o.error + `\n  assembly:\n    ${seq.body.join('\n    ')}`);
    else if (o.diffs[0].length)
        r.mismatches.push(mismatchOf(seed, index, seq, o.diffs[0]));
    if (o.error || o.diffs[0].length) {
        const small = shrink(seq);
        const again = runSequences([small], 'shrunk');
        r.shrunk = mismatchOf(seed, index, small, again.error ? [again.error] : again.diffs[0]);
    }
    r.ms.total = performance.now() - t0;
    return r;
}
//# sourceMappingURL=differential.js.map