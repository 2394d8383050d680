// Translating engine: lockstep against the interpreter, self-modifying code against qemu-riscv64, traps inside translated blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hart, StopReason } from '../src/cpu/hart.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { compareHarts, lockstep } from '../src/cpu/jit/lockstep.js';
import { runUserProgram, UserProgramError } from '../src/vmm/user-runner.js';
import { assembleAndLink, compileC, runQemu } from './harness/toolchain.js';
import { PRINT_S1, PRINT_S1_AND_EXIT, userHart as makeUserHart } from './harness/user-hart.js';
const RAM = 8 << 20;
const userHart = (elf) => makeUserHart(elf, RAM);
/** write(1, ...) is accepted and skipped; exit or any other trap ends the run. */
function userStop(h, reason) {
    if (reason !== StopReason.MachineTrap || h.trapInterrupt || h.trapCause !== 8)
        return false;
    const nr = h.x[34];
    if (nr !== 64)
        return false;
    h.x[20] = h.x[24];
    h.x[21] = h.x[25]; // a0 = len
    h.pcLo = (h.pcLo + 4) | 0;
    return true;
}
const here = dirname(fileURLToPath(import.meta.url));
function benchSource(name, scale) {
    const dir = resolve(here, '../../bench/programs');
    const header = readFileSync(resolve(dir, 'common.h'), 'utf8');
    return (`#define SCALE ${scale}\n` + readFileSync(resolve(dir, `${name}.c`), 'utf8').replace('#include "common.h"', header));
}
for (const name of ['intloop', 'crc', 'memcopy', 'fploop']) {
    test(`lockstep: the ${name} benchmark guest leaves the interpreter's state after every 5000 instructions`, () => {
        const prog = compileC(benchSource(name, 1));
        try {
            const ref = userHart(prog.elf);
            const engine = new JitEngine(userHart(prog.elf), { threshold: 200 });
            const d = lockstep(ref, engine, 3_000_000, { step: 5000, memoryEvery: 10, onStop: userStop });
            assert.equal(ref.instret, 3_000_000);
            assert.equal(d, null, d ? `diverged after ${d.agreedUpTo} instructions:\n${d.differences.join('\n')}` : '');
            const s = engine.stats;
            assert.ok(s.compiles > 0 && s.translatedInstructions > s.interpretedInstructions, `most code should run translated: ${JSON.stringify(s)}`);
        }
        finally {
            prog.cleanup();
        }
    });
}
test('asynchronous compilation: modules installed between slices run the same as the interpreter', async () => {
    const prog = compileC(benchSource('crc', 1));
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 200, asyncCompile: true });
        for (let k = 0; k < 300; k++) {
            const a = ref.run(5000), b = engine.run(5000);
            assert.equal(a, b);
            if (a !== StopReason.Budget)
                assert.ok(userStop(ref, a) && userStop(engine.hart, b));
            const d = compareHarts(ref, engine.hart, k % 50 === 0);
            assert.deepEqual(d, [], `after ${ref.instret} instructions`);
            await new Promise((r) => setImmediate(r));
        }
        assert.ok(engine.stats.translatedInstructions > engine.stats.interpretedInstructions, JSON.stringify(engine.stats));
    }
    finally {
        prog.cleanup();
    }
});
test('lockstep reports a divergence (the checker can fail)', () => {
    const prog = compileC(benchSource('intloop', 1));
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 200 });
        ref.run(1000);
        ref.instret = 0;
        ref.x[10] ^= 1; // a0 differs from here on
        const d = lockstep(ref, engine, 20_000, { step: 1000, onStop: userStop });
        assert.ok(d !== null && d.differences.length > 0);
    }
    finally {
        prog.cleanup();
    }
});
/** Route runUserProgram's harts through an engine while `jit` is set. */
let jit = null;
const originalRun = Hart.prototype.run;
const engines = new WeakMap();
let lastEngine = null;
Hart.prototype.run = function (budget) {
    if (jit === null)
        return originalRun.call(this, budget);
    let e = engines.get(this);
    if (e === undefined) {
        e = new JitEngine(this, jit);
        engines.set(this, e);
        lastEngine = e;
    }
    return e.run(budget);
};
// The program patches its own code (hot, hence translated) between rounds; every round's sum goes to stdout.
const SMC = `
.option norvc
.section .smc, "awx", @progbits
.globl _start
_start:
  addi sp, sp, -16
  li s3, 4                # rounds
round:
  li s1, 0
  li s2, 2000
1:jal ra, f
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, 1b${PRINT_S1}
  # Patch f's immediate (+5) and the add in this loop's page: the next round must see both.
  lla t0, f
  lw t1, 0(t0)
  li t2, 0x00500000
  add t1, t1, t2
  sw t1, 0(t0)
  lla t0, g
  lw t1, 0(t0)
  add t1, t1, t2
  sw t1, 0(t0)
  fence.i
  addi s3, s3, -1
  bnez s3, round
  # Same page, same loop: rewrite the next instruction each iteration (fence.i between, as the ISA requires).
  li s1, 0
  li s2, 300
  lla t0, h
2:lw t1, 0(t0)
  li t2, 0x00100000
  add t1, t1, t2
  sw t1, 0(t0)
  fence.i
h:addi a0, zero, 0
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, 2b
${PRINT_S1_AND_EXIT}
f:addi a0, zero, 1
g:addi a0, a0, 2
  ret
`;
test('self-modifying code: translated code is dropped when its page is written (qemu-riscv64 oracle)', () => {
    const prog = assembleAndLink(SMC);
    try {
        const q = runQemu(prog.elfPath);
        assert.equal(q.exitCode, 0, `${q.signal} ${q.stderr}`);
        jit = { threshold: 50 };
        const r = runUserProgram(prog.elf, { memory: RAM });
        jit = null;
        assert.deepEqual(Buffer.from(r.stdout), Buffer.from(q.stdout));
        const s = lastEngine.stats;
        assert.ok(s.invalidations >= 5 && s.translatedInstructions > s.interpretedInstructions, JSON.stringify(s));
    }
    finally {
        jit = null;
        prog.cleanup();
    }
});
// A hot loop that stores, loads across a page boundary, and finally loads from an unmapped address mid-block.
const FAULT = `
.globl _start
_start:
  lla s0, buf
  li s1, 0
  li s2, 5000
  li s4, 0
1:sd s2, 8(s0)
  addi t4, s0, 2047
  ld t0, 2046(t4)         # misaligned, crosses into the next page: slow path
  add s1, s1, t0
  addi s2, s2, -1
  seqz t1, s2
  slli t1, t1, 40         # only on the last iteration: a pointer far outside RAM
  add t2, s0, t1
  addi s4, s4, 1
  ld t3, 0(t2)            # faults in the last iteration
  add s1, s1, t3
  bnez s2, 1b
  li a0, 0
  li a7, 93
  ecall
.data
.balign 4096
buf: .space 8192
`;
test('a fault inside a translated block leaves pc, registers, memory and instret as the interpreter does', () => {
    const prog = assembleAndLink(FAULT);
    try {
        const ref = userHart(prog.elf);
        const engine = new JitEngine(userHart(prog.elf), { threshold: 100 });
        const d = lockstep(ref, engine, 1_000_000, { step: 7777, onStop: userStop });
        assert.equal(d, null, d ? d.differences.join('\n') : '');
        assert.equal(ref.stopReason, StopReason.MachineTrap);
        assert.equal(ref.trapCause, 5); // load access fault
        assert.ok(engine.stats.translatedInstructions > 10000, JSON.stringify(engine.stats));
        // The interpreter and qemu-riscv64 agree that the program dies with SIGSEGV.
        const q = runQemu(prog.elfPath);
        assert.equal(q.signal, 'SIGSEGV');
        jit = { threshold: 100 };
        assert.throws(() => runUserProgram(prog.elf, { memory: RAM }), (e) => {
            assert.ok(e instanceof UserProgramError);
            assert.equal(e.trapCause, 5);
            assert.equal(e.partial.instret, ref.instret);
            assert.equal(e.pc, ref.getPc());
            return true;
        });
    }
    finally {
        jit = null;
        prog.cleanup();
    }
});
// Two harts on one memory: hart 1 patches code that hart 0 runs translated.
const CROSS = `
.option norvc
.section .smc, "awx", @progbits
.globl _start
_start:
  j main
patcher:                  # hart 1 starts here (entry + 4)
  lla t0, f
  lw t1, 0(t0)
  li t2, 0x00500000
  add t1, t1, t2
  sw t1, 0(t0)
  fence.i
  ecall
main:
  li s3, 2
round:
  li s1, 0
  li s2, 2000
1:jal ra, f
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, 1b
  ecall                   # report s1
  addi s3, s3, -1
  bnez s3, round
  ecall
f:addi a0, zero, 1
  ret
`;
test('a store by another hart drops the translation a hart is running', () => {
    const prog = assembleAndLink(CROSS);
    try {
        const a = userHart(prog.elf);
        const b = new Hart(1, a.mem, a.bus);
        b.firmwareTraps = true;
        b.priv = 0;
        b.setPc(a.getPc() + 4n);
        const ea = new JitEngine(a, { threshold: 50 });
        const eb = new JitEngine(b, { threshold: 50 });
        const untilStop = (e) => {
            while (e.run(100000) === StopReason.Budget) {
                /* keep going */
            }
        };
        untilStop(ea);
        assert.equal(a.x[18], 2000); // s1 after the first round: f returns 1
        assert.ok(ea.stats.compiles > 0 && ea.stats.translatedInstructions > ea.stats.interpretedInstructions, JSON.stringify(ea.stats));
        untilStop(eb); // patches f: addi a0, zero, 1 -> addi a0, zero, 6
        a.pcLo += 4;
        untilStop(ea);
        assert.equal(a.x[18], 2000 * 6);
        assert.ok(ea.stats.invalidations > 0);
    }
    finally {
        prog.cleanup();
    }
});
/** AMOs, LR/SC and counter/FP CSR reads inside a hot loop; a misaligned AMO on the last iteration traps. */
const ATOMICS = `
.globl _start
_start:
  la s0, cell
  addi s3, s0, 8
  addi s4, s0, 16
  addi s5, s0, 24
  addi s6, s0, 32
  li s2, 3000
  li s1, 0
1:li t0, 5
  amoadd.d t1, t0, (s0)
  amoswap.w t2, t0, (s3)
  amomaxu.d t3, s2, (s4)
  amomin.w t4, s2, (s5)
  amoor.d t5, s2, (s6)
2:lr.d t0, (s0)
  addi t0, t0, 3
  sc.d t6, t0, (s0)
  bnez t6, 2b
  rdinstret a1
  rdcycle a2
  csrr a3, fflags
  csrs fflags, 1
  add s1, s1, a1
  add s1, s1, a2
  add s1, s1, t1
  add s1, s1, t3
  addi s2, s2, -1
  seqz a4, s2
  add a5, s6, a4          # misaligned on the last iteration only
  amoadd.d a6, t0, (a5)
  bnez s2, 1b
  li a0, 0
  li a7, 93
  ecall
.data
.balign 64
cell: .space 64
`;
test('AMOs inline, LR/SC and CSR call-outs in a hot loop (and a misaligned AMO trapping) match the interpreter', () => {
    const prog = assembleAndLink(ATOMICS);
    try {
        // Counters readable from U-mode, as the firmware hands over to Linux.
        const withCounters = (h) => {
            h.mcounteren = 7;
            h.scounteren = 7;
            return h;
        };
        const ref = withCounters(userHart(prog.elf));
        const engine = new JitEngine(withCounters(userHart(prog.elf)), { threshold: 100 });
        const d = lockstep(ref, engine, 1_000_000, { step: 3001, memoryEvery: 1, onStop: userStop });
        assert.equal(d, null, d ? d.differences.join('\n') : '');
        assert.equal(ref.stopReason, StopReason.MachineTrap);
        assert.equal(ref.trapCause, 6); // store/AMO address misaligned
        assert.ok(engine.stats.translatedInstructions > 50000, JSON.stringify(engine.stats));
    }
    finally {
        prog.cleanup();
    }
});
//# sourceMappingURL=jit-engine.test.js.map