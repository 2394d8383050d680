// --check-jit: runs the same VM under the interpreter and the translator in lockstep and stops at the first divergence.
import { VirtMachine } from '../boards/virt/virt-machine.js';
import { compareHarts } from '../cpu/jit/lockstep.js';
import { describeHart, hex64 } from '../cpu/hart-report.js';
import { disassemble } from '../cpu/disasm.js';
import { boardConfig, resolveBoot, validateDescription } from './builder.js';
/**
 * Guest time in lockstep mode: derived from retired instructions (10 per 10 MHz tick) plus time skipped while idle,
 * and frozen during a step — the engines update instret at different granularities inside a step.
 */
class InstructionClock {
    hart;
    idleTicks = 0;
    current = 0;
    constructor(hart) {
        this.hart = hart;
    }
    tick() {
        this.current = Math.floor(this.hart().instret / 10) + this.idleTicks;
    }
    now = () => this.current;
}
function instructionText(h) {
    const pa = h.priv === 3 || h.satpHi >>> 28 === 0 ? h.pcLo >>> 0 : -1;
    const off = pa >= 0 ? h.mem.ramHostOffset(pa, 4) : -1;
    if (off < 0)
        return '(instruction at a virtual pc)';
    const insn = h.mem.dv.getInt32(off, true);
    return disassemble((insn & 3) === 3 ? insn : insn & 0xffff, h.pcLo, h.pcHi);
}
/**
 * Builds two identical machines (deterministic clocks, same entropy, no asynchronous devices), runs them in steps of
 * `step` instructions per hart, and compares every hart's registers, pc, CSRs and (every `memoryEvery` steps) RAM.
 */
export async function runLockstep(cfg, opts = {}) {
    const step = opts.step ?? 10_000;
    const memoryEvery = opts.memoryEvery ?? 100;
    const seed = new Uint8Array(32).fill(7);
    const epochNs = Date.UTC(2026, 0, 1) * 1e6;
    const make = (engine, out) => {
        const clock = new InstructionClock(() => m.harts[0]);
        const m = new VirtMachine({
            ...cfg,
            engine,
            jitAsync: false,
            jitThreshold: opts.jitThreshold,
            clock: clock.now,
            wallClockNs: () => epochNs + clock.now() * 100,
            rngSeed: seed,
            consoleOut: out,
        });
        return { m, clock };
    };
    const ref = make('interp', cfg.consoleOut);
    const jit = make('jit', () => undefined);
    ref.m.boot();
    jit.m.boot();
    let steps = 0;
    for (;;) {
        const input = opts.input?.();
        if (input && input.length) {
            ref.m.input(input);
            jit.m.input(input);
        }
        ref.clock.tick();
        jit.clock.tick();
        const ranA = ref.m.runSlice(step);
        const ranB = jit.m.runSlice(step);
        steps++;
        const withMemory = memoryEvery > 0 && steps % memoryEvery === 0;
        for (let i = 0; i < ref.m.harts.length; i++) {
            const diffs = compareHarts(ref.m.harts[i], jit.m.harts[i], withMemory);
            if (ranA !== ranB)
                diffs.push(`harts that ran: interp ${ranA} jit ${ranB}`);
            if (diffs.length) {
                const a = ref.m.harts[i], b = jit.m.harts[i];
                const report = [
                    `interpreter and translator diverged on hart ${i} after step ${steps} (${a.instret} instructions):`,
                    ...diffs.map((d) => `  ${d}`),
                    `interpreter at ${hex64(a.pcLo, a.pcHi)}: ${instructionText(a)}`,
                    describeHart(a),
                    `translator at ${hex64(b.pcLo, b.pcHi)}: ${instructionText(b)}`,
                    describeHart(b),
                ].join('\n');
                return { kind: 'diverged', report, instructions: a.instret };
            }
        }
        const ev = ref.m.event;
        if (ev.kind !== 'running' || ref.m.allStopped()) {
            return {
                kind: ev.kind === 'running' ? 'poweroff' : ev.kind,
                code: ev.kind === 'exit' ? ev.code : undefined,
                instructions: ref.m.harts[0].instret,
            };
        }
        if (opts.maxInstructions && ref.m.harts[0].instret >= opts.maxInstructions)
            return { kind: 'limit', instructions: ref.m.harts[0].instret };
        if (ranA === 0) {
            // Every hart waits: skip guest time to the next timer on both machines alike.
            const deadline = Math.min(ref.m.nextDeadline(), jit.m.nextDeadline());
            ref.clock.tick();
            const skip = deadline === Infinity ? 10_000 : Math.max(1, Math.ceil(deadline - ref.clock.now()));
            ref.clock.idleTicks += skip;
            jit.clock.idleTicks += skip;
            await new Promise((r) => setImmediate(r)); // let console input arrive
        }
        else if (steps % 64 === 0) {
            await new Promise((r) => setImmediate(r));
        }
    }
}
/** --check-jit on the machine a description states (the builder resolves and checks it; no disks or NICs). */
export async function checkDescription(d, o) {
    validateDescription(d);
    const boot = await resolveBoot(d, o);
    const { engine: _engine, ...cfg } = boardConfig(d, boot, o.console);
    return runLockstep(cfg, { input: o.input, jitThreshold: d.engine?.jitThreshold });
}
//# sourceMappingURL=check-jit.js.map