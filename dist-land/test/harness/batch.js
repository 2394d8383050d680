// Differential-test programs: a batch of sequences as one assembly program, and the comparison of its output blocks.
import { BLOCK_BYTES, DATA_BYTES, INIT_F, INIT_FCSR, INIT_X, OUT_F, OUT_FCSR, OUT_X } from './seqgen.js';
export const hex64 = (v) => '0x' + v.toString(16).padStart(16, '0');
/** Assembly for one sequence: load state from its block, run the body, store state back (shared routines keep programs small). */
function sequenceAsm(seq, index) {
    return [
        `# ---- sequence ${index}`,
        `lla sp, blk_${index}`,
        'lla s0, 1f',
        'lla t0, load_state',
        'jr t0',
        '1:',
        'mv s0, sp',
        ...seq.body,
        'lla s0, save_state',
        'jalr s0, 0(s0)',
    ];
}
/** load_state: every register but sp/s0 from the block at sp, return through s0. save_state: the reverse (s0 is known to equal sp). */
function stateRoutines() {
    const load = ['load_state:'];
    for (let i = 0; i < 32; i++)
        load.push(`fld f${i}, ${INIT_F + 8 * i}(sp)`);
    load.push(`ld t0, ${INIT_FCSR}(sp)`, 'fscsr t0');
    for (let i = 1; i < 32; i++)
        if (i !== 2 && i !== 8)
            load.push(`ld x${i}, ${INIT_X + 8 * i}(sp)`);
    load.push('jr s0');
    const save = ['save_state:'];
    for (let i = 1; i < 32; i++)
        save.push(i === 8 ? `sd sp, ${OUT_X + 8 * i}(sp)` : `sd x${i}, ${OUT_X + 8 * i}(sp)`);
    for (let i = 0; i < 32; i++)
        save.push(`fsd f${i}, ${OUT_F + 8 * i}(sp)`);
    save.push('frcsr t0', `sd t0, ${OUT_FCSR}(sp)`, 'jr s0');
    return [...load, ...save];
}
function blockData(seq, index) {
    const words = [...seq.data];
    for (let i = DATA_BYTES; i < INIT_X; i += 8)
        words.push(0n);
    words.push(...seq.x, ...seq.f, BigInt(seq.fcsr));
    const out = ['.balign 16', `blk_${index}:`];
    for (let i = 0; i < words.length; i += 8)
        out.push('.dword ' +
            words
                .slice(i, i + 8)
                .map(hex64)
                .join(', '));
    return out;
}
export function buildBatchProgram(seqs) {
    const text = ['.option norelax', '.text', '.globl _start', '_start:'];
    seqs.forEach((s, i) => text.push(...sequenceAsm(s, i)));
    text.push('lla a1, blk_0', `li a2, ${seqs.length * BLOCK_BYTES}`, 'li a0, 1', 'li a7, 64', 'ecall', 'li a0, 0', 'li a7, 93', 'ecall');
    text.push(...stateRoutines());
    const data = ['.data'];
    seqs.forEach((s, i) => data.push(...blockData(s, i)));
    return text.join('\n') + '\n' + data.join('\n') + '\n';
}
export function word(buf, off) {
    return new DataView(buf.buffer, buf.byteOffset + off, 8).getBigUint64(0, true);
}
/** Describe the differences between QEMU's and our state for one sequence. */
export function describeBlock(seq, qemu, ours, base) {
    const diffs = [];
    for (let i = 1; i < 32; i++) {
        const q = word(qemu, base + OUT_X + 8 * i);
        const o = word(ours, base + OUT_X + 8 * i);
        if (q !== o)
            diffs.push(`x${i}: qemu ${hex64(q)} ours ${hex64(o)} (initial ${hex64(seq.x[i])})`);
    }
    for (let i = 0; i < 32; i++) {
        const q = word(qemu, base + OUT_F + 8 * i);
        const o = word(ours, base + OUT_F + 8 * i);
        if (q !== o)
            diffs.push(`f${i}: qemu ${hex64(q)} ours ${hex64(o)} (initial ${hex64(seq.f[i])})`);
    }
    const qf = word(qemu, base + OUT_FCSR);
    const of = word(ours, base + OUT_FCSR);
    if (qf !== of)
        diffs.push(`fcsr: qemu 0x${qf.toString(16)} ours 0x${of.toString(16)} (initial 0x${seq.fcsr.toString(16)})`);
    for (let i = 0; i < DATA_BYTES; i += 8) {
        const q = word(qemu, base + i);
        const o = word(ours, base + i);
        if (q !== o)
            diffs.push(`data[+${i}]: qemu ${hex64(q)} ours ${hex64(o)} (initial ${hex64(seq.data[i / 8])})`);
    }
    return diffs;
}
/** Initial values of the registers the sequence's assembly names (what one needs to replay it by hand). */
export function initialValuesUsed(seq) {
    const asm = seq.body.join('\n');
    const xs = new Set();
    const fs = new Set();
    for (const m of asm.matchAll(/\b([xf])(\d+)\b/g))
        (m[1] === 'x' ? xs : fs).add(Number(m[2]));
    const out = [`fcsr=0x${seq.fcsr.toString(16)}`];
    for (const i of [...xs].sort((a, b) => a - b))
        if (i !== 0 && i !== 2 && i !== 8)
            out.push(`x${i}=${hex64(seq.x[i])}`);
    for (const i of [...fs].sort((a, b) => a - b))
        out.push(`f${i}=${hex64(seq.f[i])}`);
    return out;
}
export function formatMismatch(m) {
    return (`seed ${m.seed}, sequence ${m.index}:\n  ${m.differences.join('\n  ')}\n  initial: ${m.initial.join(' ')}\n` +
        `  assembly (sp = s0 = data buffer):\n    ${m.asm.split('\n').join('\n    ')}`);
}
//# sourceMappingURL=batch.js.map