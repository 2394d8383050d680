// A bare-metal U-mode hart for translator tests: an ELF loaded into RAM, FS Dirty, stack at the top, traps to the test;
// and a runner for such programs that serves their write and exit system calls.
import { Bus } from '../../src/bus/bus.js';
import { MSTATUS_FS } from '../../src/cpu/constants.js';
import assert from 'node:assert/strict';
import { Hart, StopReason } from '../../src/cpu/hart.js';
import { JitEngine } from '../../src/cpu/jit/engine.js';
import { runQemu } from './toolchain.js';
import { GuestMemory } from '../../src/memory/guest-memory.js';
import { parseElf } from '../../src/vmm/elf.js';
/** A U-mode hart (bare addressing) with the program loaded, FS Dirty and a stack at the top of `ramBytes` of RAM. */
export function userHart(elf, ramBytes) {
    const image = parseElf(elf);
    const mem = new GuestMemory(ramBytes);
    for (const seg of image.segments)
        if (seg.memSize > 0)
            mem.writeBytes(seg.vaddr, seg.data);
    const h = new Hart(0, mem, new Bus());
    h.firmwareTraps = true;
    h.priv = 0;
    h.mstatus |= MSTATUS_FS;
    h.setPc(BigInt(image.entry));
    h.setX(2, BigInt(mem.ramBase + ramBytes - 4096));
    return h;
}
/** Assembly that writes the 8 bytes of s1 to stdout (what runToExit and qemu-riscv64 serve). */
export const PRINT_S1 = `
  addi sp, sp, -16
  sd s1, 0(sp)
  li a0, 1
  mv a1, sp
  li a2, 8
  li a7, 64
  ecall`;
/** PRINT_S1, then exit with status 0. */
export const PRINT_S1_AND_EXIT = `${PRINT_S1}
  li a0, 0
  li a7, 93
  ecall`;
/**
 * Runs an assembled program under qemu-riscv64 and translated (a JitEngine with threshold 100 on a user hart with
 * `ramBytes` of RAM), asserts that both exit normally with the same output, and returns the engine for more checks.
 */
export function translatedMatchesQemu(prog, ramBytes) {
    const q = runQemu(prog.elfPath);
    assert.equal(q.exitCode, 0, `${q.signal} ${q.stderr}`);
    const engine = new JitEngine(userHart(prog.elf, ramBytes), { threshold: 100 });
    assert.deepEqual(runToExit(engine), q.stdout);
    return engine;
}
/** Runs the engine's program to its exit ecall, serving write(1, ...); returns what it wrote. */
export function runToExit(engine) {
    const h = engine.hart;
    const out = [];
    for (let guard = 0; guard < 100_000; guard++) {
        const r = engine.run(100_000);
        if (r === StopReason.Budget)
            continue;
        assert.ok(r === StopReason.MachineTrap && !h.trapInterrupt && h.trapCause === 8, `unexpected stop ${r} cause ${h.trapCause}`);
        const nr = h.x[34];
        if (nr === 93)
            return new Uint8Array(out);
        assert.equal(nr, 64);
        const buf = h.x[22] >>> 0, len = h.x[24];
        for (let i = 0; i < len; i++)
            out.push(h.mem.u8[h.mem.ramHostOffset(buf + i, 1)]);
        h.x[20] = len;
        h.x[21] = 0;
        h.pcLo = (h.pcLo + 4) | 0;
    }
    throw new Error('program did not exit');
}
//# sourceMappingURL=user-hart.js.map