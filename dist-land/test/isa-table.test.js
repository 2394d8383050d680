// Walks the ISA table: every row against GNU objdump, the TypeScript and WebAssembly interpreters, the translator and QEMU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../src/bus/bus.js';
import { MSTATUS_FS } from '../src/cpu/constants.js';
import { disassemble } from '../src/cpu/disasm.js';
import { Hart, StopReason } from '../src/cpu/hart.js';
import { COMPRESSED_FORMS, findCompressed } from '../src/cpu/isa/compressed.js';
import { ISA_TABLE, decodeIsa } from '../src/cpu/isa/table.js';
import { discoverBlocks } from '../src/cpu/jit/decode.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { GuestMemory } from '../src/memory/guest-memory.js';
import { runSequences } from './harness/differential.js';
import { generateSequence } from './harness/seqgen.js';
import { Rng } from './harness/rng.js';
const CAUSE_ILLEGAL = 2;
/** The register memory instructions address through (x10 = a0), pointing at an aligned data area. */
const PTR = 10;
const RM_VALID = [0, 1, 2, 3, 4, 7];
const memoryKinds = new Set(['load', 'store', 'fp-load', 'fp-store', 'lr', 'sc', 'amo']);
/**
 * A word of the row: its fixed bits, the others random, then fields pinned so it can run anywhere: memory accesses
 * through `ptr` with offset 0, destinations other than `ptr`, valid rounding modes (rne where objdump wants no mode),
 * CSR accesses to `csr`.
 */
function sample(e, rng, ptr = PTR, csr = 0x340) {
    let w = (rng.u32() & ~e.mask) | e.match;
    const setField = (shift, bits, v) => {
        const m = ((1 << bits) - 1) << shift;
        if ((e.mask & m) === 0)
            w = (w & ~m) | (v << shift);
    };
    if (memoryKinds.has(e.kind)) {
        setField(15, 5, ptr);
        if (e.kind === 'load' || e.kind === 'fp-load')
            setField(20, 12, 0);
        if (e.kind === 'store' || e.kind === 'fp-store') {
            setField(25, 7, 0);
            setField(7, 5, 0);
        }
    }
    if (e.writes.some((r) => r.file === 'x') && ((w >>> 7) & 31) === ptr)
        w ^= 1 << 7;
    if (/[mM]/.test(e.format))
        setField(12, 3, e.format.includes('M') ? 0 : RM_VALID[rng.int(RM_VALID.length)]);
    if (e.kind === 'csr')
        setField(20, 12, csr);
    return w | 0;
}
/** The samples of each row that decode to the row itself (a row no sample reaches is shadowed by an earlier one). */
function samplesOf(e, rng, n, ptr = PTR, csr = 0x340) {
    const out = [];
    for (let k = 0; k < n; k++) {
        const w = sample(e, rng, ptr, csr);
        if (decodeIsa(w) === e)
            out.push(w);
    }
    return out;
}
function objdump(words, noAliases) {
    const dir = mkdtempSync(join(tmpdir(), 'isa-table-'));
    try {
        writeFileSync(join(dir, 'in.s'), words.map((w) => `.insn 0x${(w >>> 0).toString(16)}\n`).join(''));
        execFileSync('riscv64-linux-gnu-as', [
            '-march=rv64gc_zihintpause',
            '-mpriv-spec=1.12',
            '-o',
            join(dir, 'in.o'),
            join(dir, 'in.s'),
        ]);
        const out = execFileSync('riscv64-linux-gnu-objdump', ['-d', '-z', ...(noAliases ? ['-M', 'no-aliases'] : []), join(dir, 'in.o')], { encoding: 'utf8', maxBuffer: 64 << 20 });
        const texts = [];
        for (const line of out.split('\n')) {
            const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t(.*)$/.exec(line);
            if (m)
                texts.push(m[3]
                    .replace(/<[^>]*>/g, '')
                    .replace(/#.*$/, '')
                    .replace(/\s+/g, ' ')
                    .trim());
        }
        return texts;
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
test('the table: every row has a name, a mask covering its match, and samples that decode to it', () => {
    const rng = new Rng(1);
    const shadowed = [];
    for (const e of ISA_TABLE) {
        assert.equal(e.match & ~e.mask, 0, `${e.name}: match bits outside the mask`);
        assert.equal(e.match & 3, 3, `${e.name}: a 32-bit encoding`);
        if (samplesOf(e, rng, 64).length === 0)
            shadowed.push(e.name);
    }
    assert.deepEqual(shadowed, [], 'rows no sample reaches');
});
test('every table row reads as its name in GNU objdump (no aliases), and as ours with aliases', () => {
    const rng = new Rng(2);
    const words = [];
    const rows = [];
    for (const e of ISA_TABLE)
        for (const w of samplesOf(e, rng, 16)) {
            words.push(w);
            rows.push(e);
        }
    const plain = objdump(words, true);
    const withAliases = objdump(words, false);
    assert.equal(plain.length, words.length, 'objdump listed every word');
    const bad = [];
    words.forEach((w, i) => {
        const e = rows[i];
        const hex = (w >>> 0).toString(16).padStart(8, '0');
        // The .aq/.rl suffix of atomics is part of objdump's name.
        const name = plain[i].split(' ')[0].replace(/\.(aq|rl|aqrl)$/, '');
        // Hint rows run as their instruction; objdump shows them as words.
        const expected = e.print ? e.name : '.4byte';
        if (name !== expected)
            bad.push(`${hex} (${e.name}): objdump -M no-aliases "${plain[i]}"`);
        const ours = disassemble(w, 0, 0).replace(/\s+/g, ' ').trim();
        if (e.print && ours !== withAliases[i] && !/[0-9a-f]+$/.test(withAliases[i].split(',').pop() ?? ''))
            bad.push(`${hex} (${e.name}): objdump "${withAliases[i]}" ours "${ours}"`);
    });
    assert.deepEqual(bad.slice(0, 30), [], `${bad.length} disagreements`);
});
test('every compressed form reads as its name in GNU objdump (no aliases), and its samples find the form', () => {
    const rng = new Rng(8);
    const parcels = [];
    for (const f of COMPRESSED_FORMS) {
        let found = 0;
        for (let k = 0; k < 64 && found < 8; k++) {
            const c = ((rng.u32() & ~f.mask) | f.match) & 0xffff;
            if (findCompressed(c) !== f || f.reserved?.(c))
                continue;
            parcels.push(c);
            found++;
        }
        assert.ok(found > 0, `${f.name}: no sample finds the form`);
    }
    const names = objdump(parcels, true).map((t) => t.split(' ')[0]);
    assert.equal(names.length, parcels.length);
    const bad = [];
    parcels.forEach((c, i) => {
        const f = findCompressed(c);
        // objdump names the HINT and NOP encodings of some forms on their own.
        const hint = {
            'c.addi': ['c.nop'],
            'c.srli': ['c.srli64'],
            'c.srai': ['c.srai64'],
            'c.slli': ['c.slli64'],
        };
        if (names[i] !== f.name && !(hint[f.name] ?? []).includes(names[i]))
            bad.push(`${c.toString(16)} (${f.name}): objdump -M no-aliases "${names[i]}"`);
    });
    assert.deepEqual(bad, []);
});
const RAM = 64 * 1024;
const CODE = 0x1000;
const DATA = 0x4000;
function makeHart(priv) {
    const h = new Hart(0, new GuestMemory(RAM), new Bus());
    h.firmwareTraps = true;
    h.priv = priv;
    h.mstatus |= MSTATUS_FS;
    return h;
}
/** Puts `w` at CODE (unless it is there: writing a code page drops its translation), every register pointing into the
 *  data area, and pc on it. */
function place(h, w, code = true) {
    const base = h.mem.ramBase;
    if (code)
        h.mem.writeBytes(base + CODE, new Uint8Array(new Uint32Array([w >>> 0]).buffer));
    h.mem.writeBytes(base + DATA, new Uint8Array(512).fill(0x5a));
    for (let r = 1; r < 32; r++)
        h.setX(r, BigInt(base + DATA + 8 * (r & 7)));
    // FP registers: NaN-boxed singles (1.5 + ...) in the even ones, doubles (1.5 + ...) in the odd ones.
    for (let r = 0; r < 32; r++) {
        h.f[2 * r] = r & 1 ? r : 0x3fc00000 + r;
        h.f[2 * r + 1] = r & 1 ? 0x3ff80000 : -1;
    }
    h.fcsr = 0;
    h.setPc(BigInt(base + CODE));
}
test('the TypeScript interpreter runs every row (M-mode) without an illegal-instruction trap', () => {
    const rng = new Rng(3);
    const bad = [];
    for (const e of ISA_TABLE)
        for (const w of samplesOf(e, rng, 8)) {
            const h = makeHart(3);
            place(h, w);
            const stop = h.run(1);
            if (stop === StopReason.MachineTrap && !h.trapInterrupt && h.trapCause === CAUSE_ILLEGAL)
                bad.push(`${e.name} ${(w >>> 0).toString(16)}`);
        }
    assert.deepEqual(bad, []);
});
test('the WebAssembly interpreter runs exactly the rows marked wasm, as the TypeScript interpreter does', () => {
    const rng = new Rng(4);
    const bad = [];
    const state = (h, stop) => [
        stop === StopReason.MachineTrap ? `trap:${h.trapCause}` : `stop:${stop}`,
        h.getPc().toString(16),
        ...Array.from({ length: 32 }, (_, r) => h.getX(r).toString(16)),
        Buffer.from(h.mem.readBytes(h.mem.ramBase + DATA, 512)).toString('hex'),
    ].join(' ');
    for (const e of ISA_TABLE)
        for (const w of samplesOf(e, rng, 8)) {
            const wh = makeHart(0), th = makeHart(0);
            const engine = new JitEngine(wh, { threshold: Number.MAX_SAFE_INTEGER, userThreshold: Number.MAX_SAFE_INTEGER });
            // The first run fills the TLBs (TypeScript walks), the second is the one that counts.
            place(wh, w);
            engine.run(1);
            place(wh, w);
            place(th, w);
            const before = engine.stats.interpretedInWasm;
            const ws = engine.run(1);
            const inWasm = engine.stats.interpretedInWasm - before;
            const ts = th.run(1);
            const name = `${e.name} ${(w >>> 0).toString(16)}`;
            if (inWasm !== (e.wasm ? 1 : 0))
                bad.push(`${name}: ${inWasm} in WebAssembly, the table says ${e.wasm}`);
            if (state(wh, ws) !== state(th, ts))
                bad.push(`${name}: differs from the TypeScript interpreter`);
        }
    assert.deepEqual(bad.slice(0, 30), [], `${bad.length} disagreements`);
});
test('the translator takes exactly the rows not marked interp, and emits a module for each that validates', () => {
    const rng = new Rng(5);
    const bad = [];
    const ecall = 0x00000073;
    for (const e of ISA_TABLE)
        for (const w of samplesOf(e, rng, 4)) {
            const page = new Uint16Array(2048).fill(0);
            page[0] = w & 0xffff;
            page[1] = w >>> 16;
            page[2] = ecall & 0xffff;
            const { blocks, interp } = discoverBlocks((o) => page[o >> 1], [0], new Int32Array(65536));
            const taken = blocks.some((b) => b.off === 0);
            const name = `${e.name} ${(w >>> 0).toString(16)}`;
            if (taken !== (e.jit !== 'interp'))
                bad.push(`${name}: translated ${taken}, the table says ${e.jit}`);
            if (!taken && !interp.includes(0))
                bad.push(`${name}: neither translated nor left to the interpreter`);
        }
    assert.deepEqual(bad, []);
});
test('translated code runs every translatable row as the interpreter does', () => {
    const rng = new Rng(6);
    const bad = [];
    let translated = 0;
    for (const e of ISA_TABLE) {
        if (e.jit === 'interp')
            continue;
        // CSR accesses to fflags, which U-mode may use.
        for (const w of samplesOf(e, rng, 3, PTR, 1)) {
            const jh = makeHart(0), th = makeHart(0);
            const engine = new JitEngine(jh, { threshold: 0, userThreshold: 0, coldChunk: 1, missLimit: 1 });
            const base = jh.mem.ramBase;
            // The row, then ebreak: run until the trap.
            const run = (h, go, code) => {
                place(h, w, code);
                if (code)
                    h.mem.writeBytes(base + CODE + 4, new Uint8Array([0x73, 0, 0x10, 0]));
                let stop = 0;
                for (let k = 0; k < 4 && stop !== StopReason.MachineTrap; k++)
                    stop = go();
                return [
                    stop === StopReason.MachineTrap ? `trap:${h.trapCause}` : `stop:${stop}`,
                    h.getPc().toString(16),
                    ...Array.from({ length: 32 }, (_, r) => h.getX(r).toString(16)),
                    ...Array.from({ length: 32 }, (_, r) => h.getF(r).toString(16)),
                    Buffer.from(h.mem.readBytes(base + DATA, 512)).toString('hex'),
                ].join(' ');
            };
            // The page is translated on first visit and again for each entry it missed: run until the row runs translated.
            let a = '';
            let ran = false;
            for (let k = 0; k < 8 && !ran; k++) {
                const before = engine.stats.translatedInstructions;
                a = run(jh, () => engine.run(2), k === 0);
                ran = engine.stats.translatedInstructions - before === 1;
            }
            if (ran)
                translated++;
            else
                bad.push(`${e.name} ${(w >>> 0).toString(16)}: not run translated`);
            const b = run(th, () => th.run(2), true);
            if (a !== b)
                bad.push(`${e.name} ${(w >>> 0).toString(16)}: differs from the TypeScript interpreter: ${diffWords(a, b)}`);
        }
    }
    assert.deepEqual(bad.slice(0, 30), [], `${bad.length} disagreements`);
    assert.ok(translated > 0, 'some rows ran translated');
});
/** Rows that run in U-mode with a defined result and fall through: for the QEMU comparison. */
function userRunnable(e) {
    return !['system', 'jalr', 'branch', 'jal'].includes(e.kind) && e.kind !== 'csr';
}
test('every U-mode row, sampled, gives the results qemu-riscv64 gives (differential harness)', () => {
    const rng = new Rng(7);
    const S0 = 8;
    const items = [];
    for (const e of ISA_TABLE) {
        if (!userRunnable(e))
            continue;
        for (let w of samplesOf(e, rng, 6, S0)) {
            // Destinations other than sp and s0 (the harness's base registers); FP CSR accesses only.
            const rd = (w >>> 7) & 31;
            if (e.writes.some((r) => r.file === 'x') && (rd === 2 || rd === 8))
                w ^= 1 << 9;
            items.push([`.insn 0x${(w >>> 0).toString(16)}`]);
        }
    }
    const fcsr = ISA_TABLE.filter((e) => e.kind === 'csr');
    for (const e of fcsr)
        for (const csr of [1, 2, 3])
            for (let w of samplesOf(e, rng, 2, S0, csr)) {
                const rd = (w >>> 7) & 31;
                if (rd === 2 || rd === 8)
                    w ^= 1 << 9;
                items.push([`.insn 0x${(w >>> 0).toString(16)}`]);
            }
    // One instruction per sequence, each from fresh random registers and memory.
    const seqs = items.map((it, i) => ({ ...generateSequence(0x15a, i, { weights: { I: 1 }, length: 0 }), items: [it] }));
    for (const s of seqs)
        s.body = s.items[0];
    const o = runSequences(seqs, 'isa table');
    assert.equal(o.error, undefined, o.error);
    const bad = o.diffs.map((d, i) => (d.length ? `${seqs[i].body[0]}: ${d.join('; ')}` : '')).filter((s) => s);
    assert.deepEqual(bad.slice(0, 20), [], `${bad.length} of ${seqs.length} differ`);
});
/** The first differing fields of two state strings, for failure messages. */
function diffWords(a, b) {
    const x = a.split(' '), y = b.split(' ');
    const out = [];
    for (let i = 0; i < x.length && out.length < 3; i++)
        if (x[i] !== y[i])
            out.push(`field ${i}: ${x[i].slice(0, 40)} vs ${y[i].slice(0, 40)}`);
    return out.join('; ');
}
//# sourceMappingURL=isa-table.test.js.map