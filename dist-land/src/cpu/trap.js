import { INTERRUPT_PRIORITY, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, PRIV_M, PRIV_S, PRIV_U, } from './constants.js';
const STOP_MACHINE_TRAP = 2; // StopReason.MachineTrap (kept local to avoid an import cycle at load time)
/** Enter a trap at the current pc. With `firmwareTraps`, a trap bound for M-mode stops the hart for the host instead. */
export function enterTrap(h, cause, isInterrupt, tvalLo, tvalHi) {
    const p = h.priv;
    const deleg = isInterrupt ? h.mideleg : h.medeleg;
    if (p <= PRIV_S && ((deleg >>> cause) & 1) !== 0) {
        h.sepcLo = h.pcLo;
        h.sepcHi = h.pcHi;
        h.scauseLo = cause;
        h.scauseHi = isInterrupt ? -2147483648 : 0;
        h.stvalLo = tvalLo;
        h.stvalHi = tvalHi;
        let s = h.mstatus;
        s = (s & MSTATUS_SIE) !== 0 ? s | MSTATUS_SPIE : s & ~MSTATUS_SPIE;
        s = p === PRIV_S ? s | MSTATUS_SPP : s & ~MSTATUS_SPP;
        h.mstatus = s & ~MSTATUS_SIE;
        h.priv = PRIV_S;
        setVectorPc(h, h.stvecLo, h.stvecHi, cause, isInterrupt);
        return;
    }
    if (h.firmwareTraps) {
        h.trapCause = cause;
        h.trapInterrupt = isInterrupt;
        h.trapTvalLo = tvalLo;
        h.trapTvalHi = tvalHi;
        h.stopReason = STOP_MACHINE_TRAP;
        return;
    }
    h.mepcLo = h.pcLo;
    h.mepcHi = h.pcHi;
    h.mcauseLo = cause;
    h.mcauseHi = isInterrupt ? -2147483648 : 0;
    h.mtvalLo = tvalLo;
    h.mtvalHi = tvalHi;
    let s = h.mstatus;
    s = (s & MSTATUS_MIE) !== 0 ? s | MSTATUS_MPIE : s & ~MSTATUS_MPIE;
    s = (s & ~MSTATUS_MPP) | (p << MSTATUS_MPP_SHIFT);
    h.mstatus = s & ~MSTATUS_MIE;
    h.priv = PRIV_M;
    setVectorPc(h, h.mtvecLo, h.mtvecHi, cause, isInterrupt);
}
function setVectorPc(h, tvecLo, tvecHi, cause, isInterrupt) {
    const base = tvecLo & ~3;
    const off = isInterrupt && (tvecLo & 3) === 1 ? 4 * cause : 0;
    const lo = (base + off) | 0;
    h.pcLo = lo;
    h.pcHi = lo >>> 0 < base >>> 0 ? (tvecHi + 1) | 0 : tvecHi;
}
/** Take the highest-priority pending and enabled interrupt, if any. Returns true if one was taken. */
export function checkInterrupts(h) {
    const pending = h.mip & h.mie;
    if (pending === 0)
        return false;
    const p = h.priv;
    const mEnabled = p < PRIV_M || (h.mstatus & MSTATUS_MIE) !== 0;
    const sEnabled = p < PRIV_S || (p === PRIV_S && (h.mstatus & MSTATUS_SIE) !== 0);
    const mPending = mEnabled ? pending & ~h.mideleg : 0;
    const sPending = sEnabled ? pending & h.mideleg : 0;
    for (const set of [mPending, sPending]) {
        if (set === 0)
            continue;
        for (const irq of INTERRUPT_PRIORITY) {
            if ((set & (1 << irq)) !== 0) {
                h.interruptCounts[irq]++;
                enterTrap(h, irq, true, 0, 0);
                return true;
            }
        }
    }
    return false;
}
export function doSret(h) {
    let s = h.mstatus;
    const spp = (s & MSTATUS_SPP) !== 0 ? PRIV_S : PRIV_U;
    s = (s & MSTATUS_SPIE) !== 0 ? s | MSTATUS_SIE : s & ~MSTATUS_SIE;
    s = (s | MSTATUS_SPIE) & ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; // returning to a mode below M clears MPRV
    h.mstatus = s;
    h.priv = spp;
    h.pcLo = h.sepcLo;
    h.pcHi = h.sepcHi;
}
export function doMret(h) {
    let s = h.mstatus;
    const mpp = (s & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
    s = (s & MSTATUS_MPIE) !== 0 ? s | MSTATUS_MIE : s & ~MSTATUS_MIE;
    s = (s | MSTATUS_MPIE) & ~MSTATUS_MPP;
    if (mpp !== PRIV_M)
        s &= ~MSTATUS_MPRV;
    h.mstatus = s;
    h.priv = mpp;
    h.pcLo = h.mepcLo;
    h.pcHi = h.mepcHi;
}
//# sourceMappingURL=trap.js.map