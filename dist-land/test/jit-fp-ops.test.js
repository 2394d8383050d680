// FP instructions in translated code against the interpreter's exact FPU: operand tables aimed at the inline fast paths' edges, FS Off traps, fploop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAUSE_ILLEGAL_INSTRUCTION, MSTATUS_FS } from '../src/cpu/constants.js';
import { StopReason } from '../src/cpu/hart.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { compareHarts, lockstep } from '../src/cpu/jit/lockstep.js';
import { assembleAndLink, compileC } from './harness/toolchain.js';
import { Rng } from './harness/rng.js';
import { randomDouble, randomSingleBits, randomX } from './harness/values.js';
import { userHart as makeUserHart } from './harness/user-hart.js';
const RAM = 16 << 20;
const OPS_PA = 0x80200000; // operand table: 8 words per row
const RES_PA = 0x80400000; // results: 16 bytes (value, fflags) per instruction per row
const ROW = 64;
const userHart = (elf) => makeUserHart(elf, RAM);
// ---- operands aimed at the fast paths' boundaries ----
const dv = new DataView(new ArrayBuffer(8));
const bitsD = (v) => {
    dv.setFloat64(0, v, true);
    return dv.getBigUint64(0, true);
};
const fromBitsD = (b) => {
    dv.setBigUint64(0, b, true);
    return dv.getFloat64(0, true);
};
const bitsS = (v) => {
    dv.setFloat32(0, v, true);
    return dv.getUint32(0, true);
};
const fromBitsS = (b) => {
    dv.setUint32(0, b, true);
    return dv.getFloat32(0, true);
};
const BOX = 0xffffffff00000000n;
const M52 = (1n << 52n) - 1n;
function withExp(rng, exp) {
    return (rng.bool() ? 1n << 63n : 0n) | (BigInt(exp) << 52n) | (rng.u64() & M52);
}
/** A double with few significant bits (exact sums and products are likely). */
function shortD(rng) {
    const k = rng.range(1, 30);
    return (rng.int(2 ** k) - 2 ** (k - 1)) * 2 ** rng.range(-40, 40);
}
function doubleOperand(rng) {
    switch (rng.int(8)) {
        case 0:
            return withExp(rng, 1023 + rng.range(-4, 4));
        case 1:
            return bitsD(shortD(rng));
        case 2:
            return withExp(rng, rng.bool() ? rng.range(538, 548) : rng.range(1498, 1508)); // the Dekker-safe range's ends
        case 3:
            return withExp(rng, rng.bool() ? rng.pick([0, 1, 2, 2044, 2045, 2046]) : rng.bool() ? rng.range(0, 70) : rng.range(1980, 2046)); // underflow, overflow
        case 4:
            return bitsD((rng.range(-3000, 3000) + rng.pick([0, 0.5, 0.25, 0.75, 1e-9, -1e-9])) *
                2 ** rng.pick([0, 0, 10, 20, 30, 40, 52, 62]));
        default:
            return randomDouble(rng);
    }
}
function singleOperand(rng) {
    switch (rng.int(6)) {
        case 0:
            return ((rng.bool() ? 0x80000000 : 0) | ((127 + rng.range(-4, 4)) << 23) | (rng.u32() & 0x7fffff)) >>> 0;
        case 1:
            return bitsS(shortD(rng) * 2 ** -20);
        case 2: {
            const exp = rng.bool() ? rng.pick([0, 1, 2, 252, 253, 254]) : rng.bool() ? rng.range(0, 30) : rng.range(220, 254);
            return ((rng.bool() ? 0x80000000 : 0) | (exp << 23) | (rng.u32() & 0x7fffff)) >>> 0;
        }
        case 3:
            return bitsS((rng.range(-3000, 3000) + rng.pick([0, 0.5, 0.25, 1e-3])) * 2 ** rng.pick([0, 0, 8, 16, 20, 28]));
        default:
            return randomSingleBits(rng);
    }
}
/** The addend of a fused multiply-add: often close to -(a*b), so the sum cancels or lands near a rounding boundary. */
function addendD(rng, a, b) {
    const p = fromBitsD(a) * fromBitsD(b);
    if (!Number.isFinite(p) || p === 0 || rng.bool(0.3))
        return doubleOperand(rng);
    const e = Math.floor(Math.log2(Math.abs(p)));
    switch (rng.int(4)) {
        case 0:
            return bitsD(-p);
        case 1:
            return bitsD(-p + rng.range(-8, 8) * 2 ** (e - 52 - rng.range(0, 60)));
        case 2:
            return bitsD(-p * (1 + rng.range(-4, 4) * 2 ** -52));
        default:
            return bitsD((rng.bool() ? 1 : -1) * 2 ** (e + rng.range(-110, 60)) * (1 + rng.int(8) / 8));
    }
}
function addendS(rng, a, b) {
    const p = fromBitsS(a) * fromBitsS(b);
    if (!Number.isFinite(p) || p === 0 || rng.bool(0.3))
        return singleOperand(rng);
    const e = Math.floor(Math.log2(Math.abs(p)));
    switch (rng.int(3)) {
        case 0:
            return bitsS(-p);
        case 1:
            return bitsS(-p + rng.range(-8, 8) * 2 ** (e - 23 - rng.range(0, 30)));
        default:
            return bitsS((rng.bool() ? 1 : -1) * 2 ** (e + rng.range(-50, 30)) * (1 + rng.int(8) / 8));
    }
}
function intOperand(rng) {
    const k = BigInt(rng.range(0, 63));
    const M64 = (1n << 64n) - 1n;
    switch (rng.int(5)) {
        case 0:
            return ((1n << k) + BigInt(rng.range(-3, 3))) & M64;
        case 1:
            return ((rng.pick([0x1000001n, 0x1000003n, 0x20000000000001n, 0x20000000000003n, 3n, 5n, 7n]) <<
                BigInt(rng.range(0, 20))) &
                M64);
        case 2:
            return -((BigInt(rng.u32()) << k) & M64) & M64;
        default:
            return randomX(rng);
    }
}
/** f register contents for single operands: usually NaN-boxed, sometimes not (then they read as the canonical NaN). */
function boxed(rng, s) {
    return rng.bool(0.05) ? (BigInt(rng.u32()) << 32n) | BigInt(s) : BOX | BigInt(s);
}
// ---- the program: every row runs every instruction below on the row's operands ----
// Operands: f1..f3 doubles, f11..f13 singles (boxed), a2 an integer; results go to f4 or a3.
const OPS = [];
for (const f of ['d', 's']) {
    const [x, y, z] = f === 'd' ? ['f1', 'f2', 'f3'] : ['f11', 'f12', 'f13'];
    for (const op of ['fadd', 'fsub', 'fmul', 'fdiv'])
        OPS.push(`${op}.${f} f4, ${x}, ${y}`, `${op}.${f} f4, ${x}, ${y}, rne`);
    OPS.push(`fadd.${f} f4, ${x}, ${y}, rtz`, `fsub.${f} f4, ${x}, ${y}, rdn`, `fmul.${f} f4, ${x}, ${y}, rup`, `fdiv.${f} f4, ${x}, ${y}, rmm`);
    OPS.push(`fsqrt.${f} f4, ${x}`, `fsqrt.${f} f4, ${x}, rtz`);
    for (const op of ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])
        OPS.push(`${op}.${f} f4, ${x}, ${y}, ${z}`);
    OPS.push(`fmadd.${f} f4, ${x}, ${y}, ${z}, rne`, `fmadd.${f} f4, ${x}, ${y}, ${z}, rdn`);
    for (const op of ['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx'])
        OPS.push(`${op}.${f} f4, ${x}, ${y}`);
    OPS.push(`fsgnj.${f} f4, ${x}, ${x}`);
    for (const op of ['feq', 'flt', 'fle'])
        OPS.push(`${op}.${f} a3, ${x}, ${y}`);
    OPS.push(`fclass.${f} a3, ${x}`);
    for (const i of ['w', 'wu', 'l', 'lu']) {
        OPS.push(`fcvt.${i}.${f} a3, ${x}`, `fcvt.${i}.${f} a3, ${x}, rtz`);
        OPS.push(`fcvt.${f}.${i} f4, a2`);
        if (f === 's' || i === 'l' || i === 'lu')
            OPS.push(`fcvt.${f}.${i} f4, a2, rtz`);
    }
    OPS.push(`fcvt.l.${f} a3, ${x}, rne`, `fcvt.l.${f} a3, ${x}, rdn`, `fcvt.w.${f} a3, ${x}, rup`, `fcvt.wu.${f} a3, ${x}, rmm`);
}
OPS.push('fcvt.s.d f4, f1', 'fcvt.s.d f4, f1, rtz', 'fcvt.d.s f4, f11', 'fcvt.d.s f4, f1');
OPS.push('fmv.x.d a3, f1', 'fmv.d.x f4, a2', 'fmv.x.w a3, f11', 'fmv.x.w a3, f1', 'fmv.w.x f4, a2');
function program(rows) {
    const lines = [
        '.globl _start',
        '_start:',
        `  li a0, ${OPS_PA}`,
        `  li a1, ${RES_PA}`,
        `  li s1, ${rows}`,
        'row:',
        '  ld t2, 56(a0)',
        '  fsrm t2',
        '  fld f1, 0(a0)',
        '  fld f2, 8(a0)',
        '  fld f3, 16(a0)',
        '  fld f11, 24(a0)',
        '  fld f12, 32(a0)',
        '  fld f13, 40(a0)',
        '  ld a2, 48(a0)',
    ];
    OPS.forEach((op, j) => {
        lines.push('  fsflags x0', `  ${op}`, '  frflags t1');
        lines.push(op.includes(' a3,') ? `  sd a3, ${16 * j}(a1)` : `  fsd f4, ${16 * j}(a1)`, `  sd t1, ${16 * j + 8}(a1)`);
    });
    lines.push(`  addi a0, a0, ${ROW}`, `  li t0, ${16 * OPS.length}`, '  add a1, a1, t0', '  addi s1, s1, -1', '  bnez s1, row');
    lines.push('  li a0, 0', '  li a7, 93', '  ecall');
    return lines.join('\n') + '\n';
}
function fillOperands(h, seed, rows) {
    const rng = new Rng(seed);
    const words = [];
    for (let r = 0; r < rows; r++) {
        const a = doubleOperand(rng), b = rng.bool(0.1) ? (rng.bool() ? a : a ^ (1n << 63n)) : doubleOperand(rng);
        let as = singleOperand(rng), bs = rng.bool(0.1) ? as : singleOperand(rng);
        if (rng.bool(0.03))
            as = bs = (rng.bool() ? 0xff7fffff : 0x7f7fffff) - rng.int(4); // sums overflow
        const frm = rng.bool(0.6) ? 0 : rng.range(1, 4);
        words.push(a, b, addendD(rng, a, b), boxed(rng, as), boxed(rng, bs), boxed(rng, addendS(rng, as, bs)), intOperand(rng), BigInt(frm));
    }
    const bytes = new Uint8Array(words.length * 8);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => view.setBigUint64(i * 8, w, true));
    h.mem.writeBytes(OPS_PA, bytes);
}
function runToExit(run) {
    for (let k = 0; k < 1000; k++) {
        const r = run(1_000_000);
        if (r !== StopReason.Budget)
            return;
    }
    throw new Error('program did not exit');
}
const hex = (v) => '0x' + v.toString(16).padStart(16, '0');
test(`${OPS.length} F/D instructions on edge-aimed operands: translated code writes the interpreter's results and fflags`, () => {
    const rows = 1500;
    const prog = assembleAndLink(program(rows));
    try {
        // JIT_FP_SEEDS=<n> [JIT_FP_SEED=<first>] runs more operand tables.
        const first = Number(process.env.JIT_FP_SEED ?? 1), count = Number(process.env.JIT_FP_SEEDS ?? 2);
        for (let seed = first; seed < first + count; seed++) {
            const ref = userHart(prog.elf);
            const other = userHart(prog.elf);
            fillOperands(ref, seed, rows);
            fillOperands(other, seed, rows);
            const engine = new JitEngine(other, { threshold: 0, coldChunk: 1, missLimit: 1 });
            runToExit((n) => ref.run(n));
            runToExit((n) => engine.run(n));
            assert.ok(engine.stats.translatedInstructions > 0.9 * other.instret, `most code should run translated: ${JSON.stringify(engine.stats)}`);
            const len = rows * OPS.length * 16;
            const a = ref.mem.readBytes(RES_PA, len), b = other.mem.readBytes(RES_PA, len);
            const va = new DataView(a.buffer, a.byteOffset), vb = new DataView(b.buffer, b.byteOffset);
            const bad = [];
            for (let i = 0; i < len && bad.length < 10; i += 8) {
                if (va.getBigUint64(i, true) === vb.getBigUint64(i, true))
                    continue;
                const row = Math.floor(i / (16 * OPS.length)), j = Math.floor((i % (16 * OPS.length)) / 16);
                const ops = ref.mem.readBytes(OPS_PA + row * ROW, ROW);
                const ov = new DataView(ops.buffer, ops.byteOffset);
                const operands = [0, 1, 2, 3, 4, 5, 6, 7].map((w) => hex(ov.getBigUint64(8 * w, true))).join(' ');
                bad.push(`row ${row} \`${OPS[j]}\` ${i % 16 === 0 ? 'value' : 'fflags'}: interp ${hex(va.getBigUint64(i, true))} jit ${hex(vb.getBigUint64(i, true))}\n  operands f1-f3 f11-f13 a2 frm: ${operands}`);
            }
            assert.deepEqual(bad, [], `seed ${seed}:\n${bad.join('\n')}`);
            assert.deepEqual(compareHarts(ref, other, true), []);
        }
    }
    finally {
        prog.cleanup();
    }
});
// ---- mstatus.FS ----
const FS_LOOP = `
.globl _start
_start:
  li s1, 0
  li t0, 3
  fcvt.d.l f1, t0
1:fadd.d f2, f2, f1
  fmul.d f3, f2, f1
  fsd f3, -8(sp)
  fld f4, -8(sp)
  flt.d a3, f4, f2
  add s1, s1, a3
  j 1b
`;
test('FP instructions in a hot translated loop trap when FS is Off and set FS Dirty from Initial, as in the interpreter', () => {
    const prog = assembleAndLink(FS_LOOP);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 50 });
        const other = engine.hart;
        let d = lockstep(ref, engine, 20_000, { step: 997 });
        assert.equal(d, null, d?.differences.join('\n'));
        assert.ok(engine.stats.translatedInstructions > 10_000);
        for (const [fs, name] of [
            [1, 'Initial'],
            [2, 'Clean'],
            [0, 'Off'],
        ]) {
            for (const h of [ref, other])
                h.mstatus = (h.mstatus & ~MSTATUS_FS) | (fs << 13);
            const ra = ref.run(1000), rb = engine.run(1000);
            assert.equal(rb, ra, `FS ${name}: stop reason`);
            assert.deepEqual(compareHarts(ref, other, true), [], `FS ${name}`);
            if (fs === 0) {
                assert.equal(ra, StopReason.MachineTrap);
                assert.equal(ref.trapCause, CAUSE_ILLEGAL_INSTRUCTION);
                assert.equal(other.trapCause, CAUSE_ILLEGAL_INSTRUCTION);
                assert.notEqual(other.trapTvalLo, 0); // the instruction's encoding
            }
            else {
                assert.equal(ra, StopReason.Budget);
                assert.equal((other.mstatus & MSTATUS_FS) >>> 13, 3, `FS ${name} becomes Dirty`);
            }
        }
        // FS back on: the loop goes on translated from the trapping instruction.
        for (const h of [ref, other])
            h.mstatus |= MSTATUS_FS;
        const before = engine.stats.translatedInstructions;
        d = lockstep(ref, engine, ref.instret + 20_000, { step: 1009 });
        assert.equal(d, null, d?.differences.join('\n'));
        assert.ok(engine.stats.translatedInstructions > before + 10_000);
    }
    finally {
        prog.cleanup();
    }
});
// Only FP stores (as setjmp saving callee-saved FP registers): they run inline while FS is Clean and leave it Clean.
const FS_STORES = `
.globl _start
_start:
  li s1, 0
  li t0, 5
1:fsd f1, -8(sp)
  fsw f2, -16(sp)
  ld t1, -8(sp)
  lwu t2, -16(sp)
  add s1, s1, t1
  add s1, s1, t2
  addi t0, t0, 1
  j 1b
`;
test('FP stores in translated code with FS Clean store and leave FS Clean; with FS Off they trap, as in the interpreter', () => {
    const prog = assembleAndLink(FS_STORES);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 50 });
        const other = engine.hart;
        for (const h of [ref, other]) {
            h.f[2] = 0x01234567;
            h.f[3] = 0x89abcdef | 0;
            h.f[4] = 0x7654321;
            h.f[5] = -1; // f1 and f2 (NaN-boxed single)
            h.mstatus = (h.mstatus & ~MSTATUS_FS) | (2 << 13);
        }
        const d = lockstep(ref, engine, 20_000, { step: 997 });
        assert.equal(d, null, d?.differences.join('\n'));
        assert.ok(engine.stats.translatedInstructions > 10_000);
        assert.equal((other.mstatus & MSTATUS_FS) >>> 13, 2, 'FS stays Clean');
        assert.equal(other.x[18], ref.x[18]);
        assert.notEqual(other.x[18], 0);
        for (const h of [ref, other])
            h.mstatus &= ~MSTATUS_FS;
        const ra = ref.run(1000), rb = engine.run(1000);
        assert.equal(rb, ra);
        assert.equal(ra, StopReason.MachineTrap);
        assert.equal(other.trapCause, CAUSE_ILLEGAL_INSTRUCTION);
        assert.deepEqual(compareHarts(ref, other, true), []);
    }
    finally {
        prog.cleanup();
    }
});
// A compare whose destination the function never reads: its register local is only set by the fast path, so a trap on
// the slow path must leave x[rd] as it was.
const FS_CALL = `
.globl _start
_start:
  li t0, 3
  fcvt.d.l f1, t0
  fcvt.d.l f2, t0
1:li a3, 7
  addi t3, t3, 5
  jal ra, f
  add s1, s1, a3
  j 1b
f:fmul.d f3, f1, f2
  feq.d a3, f1, f2
  fcvt.w.d a4, f3, rtz
  fcvt.d.l f6, t3         # integer sources read inline, written only later in the block
  fmv.d.x f7, t3
  li t3, 2
  ret
`;
test('a trapping FP instruction leaves its integer destination alone in translated code (FS Off)', () => {
    const prog = assembleAndLink(FS_CALL);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 50 });
        const other = engine.hart;
        const d = lockstep(ref, engine, 20_000, { step: 1000 });
        assert.equal(d, null, d?.differences.join('\n'));
        for (let k = 0; k < 50; k++) {
            // stop at every instruction of the loop in turn
            for (const h of [ref, other])
                h.mstatus &= ~MSTATUS_FS;
            const ra = ref.run(1000 + k), rb = engine.run(1000 + k);
            assert.equal(rb, ra);
            assert.equal(ra, StopReason.MachineTrap);
            assert.deepEqual(compareHarts(ref, other, true), [], `round ${k}`);
            for (const h of [ref, other]) {
                h.mstatus |= MSTATUS_FS;
                h.pcLo = (h.pcLo + 4) | 0;
            } // skip the instruction
            const rc = ref.run(3 + (k % 7)), rd = engine.run(3 + (k % 7));
            assert.equal(rd, rc);
            assert.deepEqual(compareHarts(ref, other, true), [], `round ${k}, after`);
        }
        assert.ok(engine.stats.translatedInstructions > 10_000);
    }
    finally {
        prog.cleanup();
    }
});
// ---- the fploop benchmark guest ----
const here = dirname(fileURLToPath(import.meta.url));
test("lockstep: the whole fploop benchmark guest leaves the interpreter's state every 20011 instructions", () => {
    const dir = resolve(here, '../../bench/programs');
    const src = '#define SCALE 1\n' +
        readFileSync(resolve(dir, 'fploop.c'), 'utf8').replace('#include "common.h"', readFileSync(resolve(dir, 'common.h'), 'utf8'));
    const prog = compileC(src);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 200 });
        // write(1, ...) is skipped; exit ends the run.
        const onStop = (h, reason) => {
            if (reason !== StopReason.MachineTrap || h.trapCause !== 8 || h.x[34] !== 64)
                return false;
            h.x[20] = h.x[24];
            h.x[21] = h.x[25];
            h.pcLo = (h.pcLo + 4) | 0;
            return true;
        };
        const d = lockstep(ref, engine, 100_000_000, { step: 20011, memoryEvery: 25, onStop });
        assert.equal(d, null, d ? `diverged after ${d.agreedUpTo} instructions:\n${d.differences.join('\n')}` : '');
        assert.ok(ref.instret > 10_000_000, `ran ${ref.instret}`);
        assert.equal(ref.x[34], 93, 'ended with exit');
        assert.deepEqual(compareHarts(ref, engine.hart, true), []);
        assert.ok(engine.stats.translatedInstructions > 0.9 * ref.instret, JSON.stringify(engine.stats));
    }
    finally {
        prog.cleanup();
    }
});
//# sourceMappingURL=jit-fp-ops.test.js.map