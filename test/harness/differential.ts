// Differential testing: batches of random sequences assembled into one program, run under qemu-riscv64 and our hart, compared byte for byte.
import { runUserProgram } from '../../src/vmm/user-runner.js';
import { assembleAndLink, runQemu } from './toolchain.js';
import { BLOCK_BYTES, generateSequence, type GenOptions } from './seqgen.js';
import { buildBatchProgram, describeBlock, initialValuesUsed, type Mismatch } from './batch.js';

export { formatMismatch, type Mismatch } from './batch.js';

export interface BatchResult {
  sequences: number;
  instructions: number;
  mismatches: Mismatch[];
  /** A failure of the whole batch (QEMU crash, our runner's error, length mismatch). */
  error?: string;
  ms: { generate: number; assemble: number; qemu: number; ours: number };
}

export function runBatch(seed: number, count: number, opts: GenOptions): BatchResult {
  const t0 = performance.now();
  const seqs = Array.from({ length: count }, (_, i) => generateSequence(seed, i, opts));
  const source = buildBatchProgram(seqs);
  const t1 = performance.now();
  const prog = assembleAndLink(source);
  const t2 = performance.now();
  try {
    const q = runQemu(prog.elfPath);
    const t3 = performance.now();
    const ms = { generate: t1 - t0, assemble: t2 - t1, qemu: t3 - t2, ours: 0 };
    const expectedLen = count * BLOCK_BYTES;
    if (q.exitCode !== 0 || q.stdout.length !== expectedLen) {
      return { sequences: count, instructions: 0, mismatches: [], ms, error: `seed ${seed}: qemu-riscv64 exit ${q.exitCode} signal ${q.signal}, ${q.stdout.length}/${expectedLen} bytes; ${q.stderr}` };
    }
    let ours;
    try {
      ours = runUserProgram(prog.elf, { memory: 16 << 20, maxInstructions: count * 2000 });
    } catch (e) {
      ms.ours = performance.now() - t3;
      return { sequences: count, instructions: 0, mismatches: [], ms, error: `seed ${seed}: our run failed: ${(e as Error).message}\n${locate(e, source)}` };
    }
    ms.ours = performance.now() - t3;
    const mismatches: Mismatch[] = [];
    if (ours.exitCode !== 0 || ours.stdout.length !== expectedLen) {
      return { sequences: count, instructions: ours.instret, mismatches, ms, error: `seed ${seed}: our exit ${ours.exitCode}, ${ours.stdout.length}/${expectedLen} bytes` };
    }
    for (let i = 0; i < count; i++) {
      const diffs = describeBlock(seqs[i], q.stdout, ours.stdout, i * BLOCK_BYTES);
      if (diffs.length) mismatches.push({ seed, index: i, differences: diffs, initial: initialValuesUsed(seqs[i]), asm: seqs[i].body.join('\n') });
    }
    return { sequences: count, instructions: ours.instret, mismatches, ms };
  } finally {
    prog.cleanup();
  }
}

/** For a trap inside the batch, name the sequence it happened in (pc -> nearest preceding sequence label is not known here, so show the pc). */
function locate(e: unknown, _source: string): string {
  const pc = (e as { pc?: bigint }).pc;
  return pc === undefined ? '' : `(trap pc 0x${pc.toString(16)}; disassemble the batch with riscv64-linux-gnu-objdump -d to find its sequence)`;
}

export interface CampaignResult {
  sequences: number;
  instructions: number;
  batches: number;
  mismatches: Mismatch[];
  errors: string[];
  ms: { generate: number; assemble: number; qemu: number; ours: number; total: number };
}

/** Environment knobs: DIFF_SEQUENCES (sequences per test file), DIFF_SEED (base seed), DIFF_BATCH (sequences per program). */
export function campaignSettings(defaultSequences: number): { total: number; seed: number; batch: number } {
  const total = Number(process.env.DIFF_SEQUENCES ?? defaultSequences);
  const seed = Number(process.env.DIFF_SEED ?? 1);
  const batch = Number(process.env.DIFF_BATCH ?? 500);
  return { total, seed, batch };
}

export function runCampaign(seedBase: number, total: number, batchSize: number, opts: GenOptions, stopAfterMismatches = 5): CampaignResult {
  const r: CampaignResult = { sequences: 0, instructions: 0, batches: 0, mismatches: [], errors: [], ms: { generate: 0, assemble: 0, qemu: 0, ours: 0, total: 0 } };
  const t0 = performance.now();
  for (let b = 0; r.sequences < total; b++) {
    const n = Math.min(batchSize, total - r.sequences);
    const res = runBatch(seedBase + b, n, opts);
    r.sequences += n;
    r.batches++;
    r.instructions += res.instructions;
    r.mismatches.push(...res.mismatches);
    if (res.error) r.errors.push(res.error);
    for (const k of ['generate', 'assemble', 'qemu', 'ours'] as const) r.ms[k] += res.ms[k];
    if (r.mismatches.length + r.errors.length >= stopAfterMismatches) break;
  }
  r.ms.total = performance.now() - t0;
  return r;
}
