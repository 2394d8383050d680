// Translated code that continues into the next page (a loop across a page boundary): against qemu-riscv64 and the interpreter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { lockstep } from '../src/cpu/jit/lockstep.js';
import { assembleAndLink } from './harness/toolchain.js';
import { PRINT_S1_AND_EXIT, translatedMatchesQemu, userHart } from './harness/user-hart.js';
const RAM = 8 << 20;
const VARIANTS = [
    // patch starts the second page: its immediate (bits 31:20) is rewritten with a word access
    {
        name: 'a loop across a page boundary',
        skip: 24,
        rewrite: 'lw t3, 0(s4)\n  li t4, 1 << 20\n  add t3, t3, t4\n  sw t3, 0(s4)',
    },
    // patch straddles the boundary: its immediate is in the half on the second page
    {
        name: 'a loop with an instruction straddling a page boundary',
        skip: 26,
        rewrite: 'lhu t3, 2(s4)\n  addi t3, t3, 1 << 4\n  sh t3, 2(s4)',
    },
];
const program = (v) => `
.option norvc
.section .smc, "awx"
.globl _start
_start:
  li s1, 0
  li s2, 40000
  lla s4, patch
  j loop
.balign 4096
.skip 4096 - ${v.skip}
loop:
  addi s1, s1, 3
  xor s1, s1, s2
  slli t0, s1, 1
  add s1, s1, t0
  srli t1, s1, 7
  xor s1, s1, t1
patch:
  addi s1, s1, 5
  andi t2, s2, 1023
  bnez t2, 1f
  ${v.rewrite}
  fence.i
1:addi s2, s2, -1
  bnez s2, loop
${PRINT_S1_AND_EXIT}
`;
for (const v of VARIANTS) {
    test(`${v.name} runs in one translation, and rewriting its second page is honoured (vs qemu-riscv64)`, () => {
        const prog = assembleAndLink(program(v));
        try {
            const s = translatedMatchesQemu(prog, RAM).stats;
            assert.ok(s.spills > 0, `the first page's translation should include the second page's code: ${JSON.stringify(s)}`);
            // 40000 / 1024 rewrites of the second page, each dropping the translations that read it.
            assert.ok(s.invalidations >= 39, `every rewrite must drop the translation: ${JSON.stringify(s)}`);
            assert.ok(s.translatedInstructions > 5 * s.interpretedInstructions, JSON.stringify(s));
            // The straddling instruction is translated too, not left to the interpreter on every iteration.
            assert.ok(s.interpretedWhy.leftOut < 1000, JSON.stringify(s));
        }
        finally {
            prog.cleanup();
        }
    });
    test(`${v.name}: state matches the interpreter at every step (lockstep, odd steps)`, () => {
        const prog = assembleAndLink(program(v));
        try {
            for (const step of [1, 13, 101, 997]) {
                const ref = userHart(prog.elf, RAM);
                const engine = new JitEngine(userHart(prog.elf, RAM), { threshold: 50, coldChunk: 1 });
                const d = lockstep(ref, engine, step === 1 ? 30_000 : 300_000, { step, memoryEvery: 20 });
                assert.equal(d, null, d ? `step ${step}: diverged after ${d.agreedUpTo}:\n${d.differences.join('\n')}` : '');
                if (step > 13)
                    assert.ok(engine.stats.spills > 0, JSON.stringify(engine.stats));
            }
        }
        finally {
            prog.cleanup();
        }
    });
}
//# sourceMappingURL=jit-spill.test.js.map