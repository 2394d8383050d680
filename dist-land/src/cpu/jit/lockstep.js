// Lockstep checker: the interpreter and the translating engine run two copies of a machine and report the first divergence.
import { StopReason } from '../hart.js';
const hex = (hi, lo) => '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
/** Differences between two harts' architectural state (empty when equal). */
export function compareHarts(a, b, withMemory) {
    const out = [];
    if (a.pcLo !== b.pcLo || a.pcHi !== b.pcHi)
        out.push(`pc: interp ${hex(a.pcHi, a.pcLo)} jit ${hex(b.pcHi, b.pcLo)}`);
    for (let i = 0; i < 64; i++) {
        const ra = a.regs, rb = b.regs;
        if (ra[2 * i] !== rb[2 * i] || ra[2 * i + 1] !== rb[2 * i + 1]) {
            const name = i < 32 ? `x${i}` : `f${i - 32}`;
            out.push(`${name}: interp ${hex(ra[2 * i + 1], ra[2 * i])} jit ${hex(rb[2 * i + 1], rb[2 * i])}`);
        }
    }
    const scalars = [
        ['instret', a.instret, b.instret],
        ['priv', a.priv, b.priv],
        ['fcsr', a.fcsr, b.fcsr],
        ['mstatus', a.mstatus, b.mstatus],
        ['stopReason', a.stopReason, b.stopReason],
        ['trapCause', a.trapCause, b.trapCause],
        ['mcause', a.mcauseLo, b.mcauseLo],
        ['scause', a.scauseLo, b.scauseLo],
        ['sepc', a.sepcLo, b.sepcLo],
        ['mepc', a.mepcLo, b.mepcLo],
        ['stval', a.stvalLo, b.stvalLo],
        ['mtval', a.mtvalLo, b.mtvalLo],
        ['trapTval', a.trapTvalLo, b.trapTvalLo],
    ];
    for (const [n, x, y] of scalars)
        if (x !== y)
            out.push(`${n}: interp ${x} jit ${y}`);
    if (withMemory) {
        const ma = a.mem, mb = b.mem;
        const ua = ma.u8.subarray(ma.ramOffset, ma.ramOffset + ma.ramSize);
        const ub = mb.u8.subarray(mb.ramOffset, mb.ramOffset + mb.ramSize);
        if (Buffer.compare(ua, ub) !== 0) {
            let i = 0;
            while (ua[i] === ub[i])
                i++;
            out.push(`memory at pa 0x${(ma.ramBase + i).toString(16)}: interp 0x${ua[i].toString(16)} jit 0x${ub[i].toString(16)}`);
        }
    }
    return out;
}
/** Runs `reference.run` and `engine.run` in steps until `total` instructions or a stop; returns the first divergence or null. */
export function lockstep(reference, engine, total, options = {}) {
    const step = options.step ?? 1000;
    const memoryEvery = options.memoryEvery ?? 1;
    const other = engine.hart;
    let agreed = reference.instret;
    for (let k = 1; reference.instret < total; k++) {
        const n = Math.min(step, total - reference.instret);
        const ra = reference.run(n);
        const rb = engine.run(n);
        const diffs = compareHarts(reference, other, memoryEvery > 0 && k % memoryEvery === 0);
        if (ra !== rb)
            diffs.unshift(`stop reason: interp ${ra} jit ${rb}`);
        if (diffs.length > 0)
            return { agreedUpTo: agreed, differences: diffs };
        agreed = reference.instret;
        if (ra !== StopReason.Budget) {
            const goOn = options.onStop ? options.onStop(reference, ra) : false;
            const goOnB = options.onStop ? options.onStop(other, rb) : false;
            if (!goOn || !goOnB)
                break;
        }
    }
    return null;
}
//# sourceMappingURL=lockstep.js.map