// Translated code chaining across pages inside WebAssembly: results against qemu-riscv64, state against the interpreter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { lockstep } from '../src/cpu/jit/lockstep.js';
import { parseElf } from '../src/vmm/elf.js';
import { assembleAndLink, runQemu } from './harness/toolchain.js';
import { PRINT_S1_AND_EXIT, runToExit, userHart as makeUserHart } from './harness/user-hart.js';
const RAM = 8 << 20;
const userHart = (elf) => makeUserHart(elf, RAM);
// A hot loop on one page calls functions on three other pages (one reached through a jalr, one that calls back
// into a fourth page), so most page exits are chained inside WebAssembly; the sum is written to stdout.
const CHAIN = `
.option norvc
.text
.globl _start
_start:
  addi sp, sp, -16
  li s1, 0
  li s2, 30000
  lla s3, pageC
1:jal ra, pageB
  add s1, s1, a0
  jalr ra, 0(s3)
  xor s1, s1, a0
  jal ra, pageD
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, 1b
${PRINT_S1_AND_EXIT}
.balign 4096
pageB:
  addi a0, s2, 7
  slli a0, a0, 3
  ret
.balign 4096
pageC:
  mv t0, ra
  jal ra, pageE
  mv ra, t0
  addi a0, a0, -3
  ret
.balign 4096
pageD:
  srli a0, s1, 5
  andi a1, s2, 3
  beqz a1, 2f
  add a0, a0, s2
2:ret
.balign 4096
pageE:
  mul a0, s2, s2
  ret
`;
test('chaining across pages: four-page call pattern matches qemu-riscv64 and rarely returns to JavaScript', () => {
    const prog = assembleAndLink(CHAIN);
    try {
        const q = runQemu(prog.elfPath);
        assert.equal(q.exitCode, 0, `${q.signal} ${q.stderr}`);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 100 });
        const out = runToExit(engine);
        assert.deepEqual(out, q.stdout);
        const s = engine.stats;
        // 30000 iterations cross a page boundary 8 times each; without chaining every crossing is a call from JavaScript.
        assert.ok(s.translatedInstructions > 10 * s.interpretedInstructions, JSON.stringify(s));
        assert.ok(s.calls < 30000, `page exits should chain inside WebAssembly: ${JSON.stringify(s)}`);
    }
    finally {
        prog.cleanup();
    }
});
test('chaining across pages: budgets ending inside a chain leave exactly the interpreter state (lockstep, odd steps)', () => {
    const prog = assembleAndLink(CHAIN);
    try {
        for (const step of [1, 7, 97, 1009]) {
            const ref = userHart(prog.elf);
            const engine = new JitEngine(userHart(prog.elf), { threshold: 50, coldChunk: 1 });
            const total = step === 1 ? 20_000 : 200_000;
            const d = lockstep(ref, engine, total, { step, memoryEvery: 50 });
            assert.equal(d, null, d ? `step ${step}: diverged after ${d.agreedUpTo}:\n${d.differences.join('\n')}` : '');
            // A function runs only when its longest inlined path fits the budget, so budgets of one instruction leave most
            // of the work to the interpreter; larger ones must still run mostly translated.
            if (step === 1)
                assert.ok(engine.stats.translatedInstructions > 0, JSON.stringify(engine.stats));
            else
                assert.ok(engine.stats.translatedInstructions > engine.stats.interpretedInstructions, JSON.stringify(engine.stats));
        }
    }
    finally {
        prog.cleanup();
    }
});
test('chaining: dropping a page translation (invalidateRange) sends the chain back to JavaScript and retranslates', () => {
    const prog = assembleAndLink(CHAIN);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 50 });
        const entry = Number(parseElf(prog.elf).entry);
        for (let k = 0; k < 30; k++) {
            const d = lockstep(ref, engine, 20_000, { step: 5000, memoryEvery: 1 });
            assert.equal(d, null, d ? d.differences.join('\n') : '');
            ref.instret = 0;
            engine.hart.instret = 0;
            // Drop every page of the program (all four callees and the loop) every other round.
            if (k % 2 === 0)
                engine.invalidateRange(entry, 0x8000);
        }
        assert.ok(engine.stats.invalidations > 0 && engine.stats.compiles > 5, JSON.stringify(engine.stats));
    }
    finally {
        prog.cleanup();
    }
});
//# sourceMappingURL=jit-chain.test.js.map