// Calls to other pages that nest in WebAssembly frames (returns come back to the caller's frame): results against
// qemu-riscv64, state against the interpreter, including recursion past the nesting limit, longjmp and traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopReason } from '../src/cpu/hart.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { MAX_CALL_DEPTH } from '../src/cpu/jit/translator.js';
import { lockstep } from '../src/cpu/jit/lockstep.js';
import { assembleAndLink } from './harness/toolchain.js';
import { PRINT_S1_AND_EXIT, translatedMatchesQemu, userHart } from './harness/user-hart.js';
const RAM = 8 << 20;
// Each iteration: a recursion that alternates between two pages deeper than the nesting limit, a setjmp/longjmp whose
// longjmp (every other iteration) skips two callers' returns, indirect calls (c.jalr) through a table of functions
// on other pages, and the same on one page (mutual recursion past the limit, a longjmp out of a callee). Every result feeds an order-sensitive checksum written to stdout.
const CALLS = `
.text
.globl _start
_start:
  li s1, 0
  li s2, 3000
  lla s3, table
1:li a0, ${MAX_CALL_DEPTH + 8}
  andi t0, s2, 31
  add a0, a0, t0
  jal ra, recA
  add s1, s1, a0
  jal ra, trySJ
  slli t0, s1, 7
  xor s1, t0, s1
  add s1, s1, a0
  andi t0, s2, 3
  slli t0, t0, 3
  add t0, s3, t0
  ld t1, 0(t0)
  jalr t1
  xor s1, s1, a0
  li a0, ${MAX_CALL_DEPTH + 5}
  andi t0, s2, 7
  add a0, a0, t0
  jal ra, recC
  add s1, s1, a0
  jal ra, trySJ2
  xor s1, s1, a0
  addi s2, s2, -1
  bnez s2, 1b
${PRINT_S1_AND_EXIT}
.balign 4096
  .skip 4096 # the loop's module does not read the callees' code as code of its next page
recA:
  beqz a0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  addi a0, a0, -1
  jal ra, recB
  ld t0, 8(sp)
  slli a0, a0, 1
  add a0, a0, t0
  ld ra, 0(sp)
  addi sp, sp, 16
2:ret
fn0:
  addi a0, s2, 3
  ret
recC:
  beqz a0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  addi a0, a0, -1
  jal ra, recD
  ld t0, 8(sp)
  mul a0, a0, t0
  addi a0, a0, 1
  ld ra, 0(sp)
  addi sp, sp, 16
2:ret
recD:
  beqz a0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  addi a0, a0, -1
  jal ra, recC
  ld t0, 8(sp)
  sub a0, a0, t0
  ld ra, 0(sp)
  addi sp, sp, 16
2:ret
trySJ2:
  addi sp, sp, -16
  sd ra, 0(sp)
  lla t0, jmpbuf
  sd sp, 0(t0)
  lla t1, 4f
  sd t1, 8(t0)
  jal ra, deep3
  addi a0, a0, 1
4:ld ra, 0(sp)
  addi sp, sp, 16
  ret
deep3:
  addi sp, sp, -16
  sd ra, 0(sp)
  andi t0, s2, 2
  li a0, 9
  beqz t0, 5f
  lla t0, jmpbuf
  ld sp, 0(t0)
  ld t1, 8(t0)
  jr t1
5:ld ra, 0(sp)
  addi sp, sp, 16
  ret
.balign 4096
recB:
  beqz a0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  addi a0, a0, -1
  jal ra, recA
  ld t0, 8(sp)
  xor a0, a0, t0
  ld ra, 0(sp)
  addi sp, sp, 16
2:ret
fn1:
  mul a0, s2, s2
  ret
.balign 4096
trySJ:
  addi sp, sp, -16
  sd ra, 0(sp)
  lla t0, jmpbuf
  sd sp, 0(t0)
  lla t1, landing
  sd t1, 8(t0)
  jal ra, deep1
  addi a0, a0, 1
landing:
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
fn2:
  srli a0, s1, 3
  ret
.balign 4096
deep1:
  addi sp, sp, -16
  sd ra, 0(sp)
  jal ra, deep2
  addi a0, a0, 5
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
.balign 4096
deep2:
  andi t0, s2, 1
  beqz t0, 3f
  li a0, 11
  lla t0, jmpbuf
  ld sp, 0(t0)
  ld t1, 8(t0)
  jr t1
3:li a0, 22
  ret
fn3:
  sub a0, s1, s2
  ret
.data
.balign 8
table: .dword fn0, fn1, fn2, fn3
jmpbuf: .dword 0, 0
`;
test('nested calls: recursion past the limit, longjmp and indirect calls match qemu-riscv64', () => {
    const prog = assembleAndLink(CALLS);
    try {
        const s = translatedMatchesQemu(prog, RAM).stats;
        assert.ok(s.translatedInstructions > 10 * s.interpretedInstructions, JSON.stringify(s));
    }
    finally {
        prog.cleanup();
    }
});
test('nested calls: budgets ending at any depth leave exactly the interpreter state (lockstep)', () => {
    const prog = assembleAndLink(CALLS);
    try {
        for (const step of [13, 501, 4999]) {
            const ref = userHart(prog.elf, RAM);
            const engine = new JitEngine(userHart(prog.elf, RAM), { threshold: 50 });
            const d = lockstep(ref, engine, 400_000, { step, memoryEvery: 20 });
            assert.equal(d, null, d ? `step ${step}: diverged after ${d.agreedUpTo}:\n${d.differences.join('\n')}` : '');
            assert.ok(engine.stats.translatedInstructions > engine.stats.interpretedInstructions, JSON.stringify(engine.stats));
        }
    }
    finally {
        prog.cleanup();
    }
});
// After warming up, the innermost of three nested calls loads from an address outside RAM: the access fault must be
// taken with the interpreter's pc, cause, tval and registers, with the callers' frames unwound.
const FAULT = `
.text
.globl _start
_start:
  li s2, 2000
1:jal ra, outer
  addi s2, s2, -1
  bnez s2, 1b
  li s4, 8
  jal ra, outer
  li a7, 93
  ecall
.balign 4096
outer:
  addi sp, sp, -16
  sd ra, 0(sp)
  jal ra, middle
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
.balign 4096
middle:
  addi sp, sp, -16
  sd ra, 0(sp)
  jal ra, inner
  addi a0, a0, 1
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
.balign 4096
inner:
  beqz s4, 2f
  ld a0, 0(s4)
2:addi a0, s2, 1
  ret
`;
test('nested calls: a fault in the innermost callee is precise (lockstep)', () => {
    const prog = assembleAndLink(FAULT);
    try {
        const ref = userHart(prog.elf, RAM);
        const engine = new JitEngine(userHart(prog.elf, RAM), { threshold: 50 });
        const d = lockstep(ref, engine, 1_000_000, { step: 100_000 });
        assert.equal(d, null, d ? d.differences.join('\n') : '');
        assert.equal(engine.hart.stopReason, StopReason.MachineTrap);
        assert.equal(engine.hart.trapCause, 5, 'load access fault');
        assert.ok(engine.stats.translatedInstructions > engine.stats.interpretedInstructions, JSON.stringify(engine.stats));
    }
    finally {
        prog.cleanup();
    }
});
//# sourceMappingURL=jit-calls.test.js.map