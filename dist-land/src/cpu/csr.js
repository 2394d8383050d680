import { CAUSE_ILLEGAL_INSTRUCTION, MEDELEG_WRITABLE, MENVCFG_HI_STCE, MISA_HI, MISA_LO, MIP_SEIP, MIP_SSIP, MIP_STIP, ALL_INTERRUPTS, MSTATUS_FS, MSTATUS_HI_XLEN, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM, MSTATUS_TVM, MSTATUS_WRITABLE, PRIV_M, PRIV_S, PRIV_U, S_INTERRUPTS, SSTATUS_READABLE, SSTATUS_WRITABLE, } from './constants.js';
const TWO32 = 4294967296;
/** High half of the last CSR read (module scratch: no allocation). */
let readHi = 0;
function illegal(h, insn) {
    return h.raise(CAUSE_ILLEGAL_INSTRUCTION, insn, 0);
}
function splitNumber(v) {
    readHi = Math.floor(v / TWO32) | 0;
    return (v - Math.floor(v / TWO32) * TWO32) | 0;
}
/** Executes CSRRW/CSRRS/CSRRC and their immediate forms. */
export function csrAccess(h, insn, f3, d, a, instretNow) {
    const csr = insn >>> 20;
    const op = f3 & 3;
    const useImm = f3 >= 5;
    const srcLo = useImm ? a >> 1 : h.x[a];
    const srcHi = useImm ? 0 : h.x[a + 1];
    const writes = op === 1 || a >> 1 !== 0;
    if (((csr >>> 8) & 3) > h.priv)
        illegal(h, insn);
    if (csr >>> 10 === 3 && writes)
        illegal(h, insn);
    const oldLo = readCsr(h, csr, insn, instretNow);
    const oldHi = readHi;
    if (writes) {
        let lo, hi;
        if (op === 1) {
            lo = srcLo;
            hi = srcHi;
        }
        else if (op === 2) {
            lo = oldLo | srcLo;
            hi = oldHi | srcHi;
        }
        else {
            lo = oldLo & ~srcLo;
            hi = oldHi & ~srcHi;
        }
        writeCsr(h, csr, insn, lo, hi, instretNow);
    }
    h.x[d] = oldLo;
    h.x[d + 1] = oldHi;
}
function counterAllowed(h, bit) {
    if (h.priv === PRIV_M)
        return true;
    if (((h.mcounteren >>> bit) & 1) === 0)
        return false;
    if (h.priv === PRIV_U && ((h.scounteren >>> bit) & 1) === 0)
        return false;
    return true;
}
function fpAllowed(h) {
    return (h.mstatus & MSTATUS_FS) !== 0;
}
function mstatusHi(h) {
    const sd = (h.mstatus & MSTATUS_FS) === MSTATUS_FS ? -2147483648 : 0;
    return MSTATUS_HI_XLEN | sd;
}
/** Reads a CSR (no side effects); returns the low half, leaves the high half in readHi. Raises illegal-instruction for CSRs that do not exist or are not accessible. */
export function readCsr(h, csr, insn, instretNow) {
    readHi = 0;
    switch (csr) {
        case 0x001:
            if (!fpAllowed(h))
                illegal(h, insn);
            return h.fcsr & 0x1f;
        case 0x002:
            if (!fpAllowed(h))
                illegal(h, insn);
            return h.fcsr >>> 5;
        case 0x003:
            if (!fpAllowed(h))
                illegal(h, insn);
            return h.fcsr;
        case 0xc00:
            if (!counterAllowed(h, 0))
                illegal(h, insn);
            return splitNumber(instretNow + h.mcycleOffset);
        case 0xc01:
            if (!counterAllowed(h, 1))
                illegal(h, insn);
            return splitNumber(h.time());
        case 0xc02:
            if (!counterAllowed(h, 2))
                illegal(h, insn);
            return splitNumber(instretNow + h.minstretOffset);
        case 0x100:
            readHi = mstatusHi(h) & ~0x8;
            return h.mstatus & SSTATUS_READABLE; // UXL only
        case 0x104:
            return h.mie & h.mideleg;
        case 0x105:
            readHi = h.stvecHi;
            return h.stvecLo;
        case 0x106:
            return h.scounteren;
        case 0x10a:
            return h.senvcfg;
        case 0x140:
            readHi = h.sscratchHi;
            return h.sscratchLo;
        case 0x141:
            readHi = h.sepcHi;
            return h.sepcLo;
        case 0x142:
            readHi = h.scauseHi;
            return h.scauseLo;
        case 0x143:
            readHi = h.stvalHi;
            return h.stvalLo;
        case 0x144:
            return h.mip & h.mideleg;
        case 0x14d:
            if (h.priv === PRIV_S && ((h.menvcfgHi & MENVCFG_HI_STCE) === 0 || (h.mcounteren & 2) === 0))
                illegal(h, insn);
            readHi = h.stimecmpHi;
            return h.stimecmpLo;
        case 0x180:
            if (h.priv === PRIV_S && (h.mstatus & MSTATUS_TVM) !== 0)
                illegal(h, insn);
            readHi = h.satpHi;
            return h.satpLo;
        case 0xf11:
        case 0xf12:
        case 0xf13:
        case 0xf15:
            return 0;
        case 0xf14:
            return h.hartId;
        case 0x300:
            readHi = mstatusHi(h);
            return h.mstatus;
        case 0x301:
            readHi = MISA_HI;
            return MISA_LO;
        case 0x302:
            return h.medeleg;
        case 0x303:
            return h.mideleg;
        case 0x304:
            return h.mie;
        case 0x305:
            readHi = h.mtvecHi;
            return h.mtvecLo;
        case 0x306:
            return h.mcounteren;
        case 0x30a:
            readHi = h.menvcfgHi;
            return h.menvcfgLo;
        case 0x320:
            return h.mcountinhibit;
        case 0x340:
            readHi = h.mscratchHi;
            return h.mscratchLo;
        case 0x341:
            readHi = h.mepcHi;
            return h.mepcLo;
        case 0x342:
            readHi = h.mcauseHi;
            return h.mcauseLo;
        case 0x343:
            readHi = h.mtvalHi;
            return h.mtvalLo;
        case 0x344:
            return h.mip;
        case 0xb00:
            return splitNumber(instretNow + h.mcycleOffset);
        case 0xb02:
            return splitNumber(instretNow + h.minstretOffset);
        case 0x7a0:
        case 0x7a1:
        case 0x7a2:
        case 0x7a3:
            return 0; // no debug triggers: tselect 0, tdata1 type 0
    }
    if (csr >= 0x3a0 && csr <= 0x3af) {
        // pmpcfg0..15: only even ones on RV64
        if ((csr & 1) !== 0)
            illegal(h, insn);
        const i = csr - 0x3a0;
        readHi = h.pmpcfg[2 * i + 1];
        return h.pmpcfg[2 * i];
    }
    if (csr >= 0x3b0 && csr <= 0x3ef) {
        const i = csr - 0x3b0;
        readHi = h.pmpaddr[2 * i + 1];
        return h.pmpaddr[2 * i];
    }
    if (csr >= 0xc03 && csr <= 0xc1f) {
        if (!counterAllowed(h, csr - 0xc00))
            illegal(h, insn);
        return 0;
    }
    if (csr >= 0xb03 && csr <= 0xb1f)
        return 0; // mhpmcounter3..31: hardwired zero
    if (csr >= 0x323 && csr <= 0x33f)
        return 0; // mhpmevent3..31: hardwired zero
    return illegal(h, insn);
}
export function writeCsr(h, csr, insn, lo, hi, instretNow) {
    switch (csr) {
        case 0x001:
            h.fcsr = (h.fcsr & ~0x1f) | (lo & 0x1f);
            h.mstatus |= MSTATUS_FS;
            return;
        case 0x002:
            h.fcsr = (h.fcsr & 0x1f) | ((lo & 7) << 5);
            h.mstatus |= MSTATUS_FS;
            return;
        case 0x003:
            h.fcsr = lo & 0xff;
            h.mstatus |= MSTATUS_FS;
            return;
        case 0xc00:
        case 0xc01:
        case 0xc02:
            return; // read-only (already refused by the address check)
        case 0x100:
            setMstatus(h, (h.mstatus & ~SSTATUS_WRITABLE) | (lo & SSTATUS_WRITABLE));
            return;
        case 0x104:
            h.mie = (h.mie & ~h.mideleg) | (lo & h.mideleg);
            h.breakSlice = true;
            return;
        case 0x105:
            h.stvecLo = lo & ~2;
            h.stvecHi = hi;
            return;
        case 0x106:
            h.scounteren = lo;
            return;
        case 0x10a:
            h.senvcfg = lo & 1;
            return;
        case 0x140:
            h.sscratchLo = lo;
            h.sscratchHi = hi;
            return;
        case 0x141:
            h.sepcLo = lo & ~1;
            h.sepcHi = hi;
            return;
        case 0x142:
            h.scauseLo = lo;
            h.scauseHi = hi;
            return;
        case 0x143:
            h.stvalLo = lo;
            h.stvalHi = hi;
            return;
        case 0x144: {
            const mask = MIP_SSIP & h.mideleg;
            h.mip = (h.mip & ~mask) | (lo & mask);
            h.breakSlice = true;
            return;
        }
        case 0x14d:
            setStimecmp(h, lo, hi);
            return;
        case 0x180: {
            const mode = hi >>> 28;
            if (mode !== 0 && mode !== 8 && mode !== 9)
                return; // unsupported mode: the write has no effect
            h.satpLo = lo;
            h.satpHi = (mode << 28) | (hi & 0xfff); // ASID is not implemented (reads as zero)
            h.flushTlb();
            return;
        }
        case 0x300:
            setMstatus(h, lo);
            return;
        case 0x301:
            return; // misa is fixed
        case 0x302:
            h.medeleg = lo & MEDELEG_WRITABLE;
            return;
        case 0x303:
            h.mideleg = lo & S_INTERRUPTS;
            h.breakSlice = true;
            return;
        case 0x304:
            h.mie = lo & ALL_INTERRUPTS;
            h.breakSlice = true;
            return;
        case 0x305:
            h.mtvecLo = lo & ~2;
            h.mtvecHi = hi;
            return;
        case 0x306:
            h.mcounteren = lo;
            return;
        case 0x30a:
            h.menvcfgLo = lo & 1;
            h.menvcfgHi = hi & MENVCFG_HI_STCE;
            h.updateTimer();
            h.breakSlice = true;
            return;
        case 0x320:
            h.mcountinhibit = lo & ~2;
            return;
        case 0x340:
            h.mscratchLo = lo;
            h.mscratchHi = hi;
            return;
        case 0x341:
            h.mepcLo = lo & ~1;
            h.mepcHi = hi;
            return;
        case 0x342:
            h.mcauseLo = lo;
            h.mcauseHi = hi;
            return;
        case 0x343:
            h.mtvalLo = lo;
            h.mtvalHi = hi;
            return;
        case 0x344: {
            const stce = (h.menvcfgHi & MENVCFG_HI_STCE) !== 0;
            const mask = MIP_SSIP | MIP_SEIP | (stce ? 0 : MIP_STIP);
            h.mip = (h.mip & ~mask) | (lo & mask);
            h.breakSlice = true;
            return;
        }
        case 0xb00:
            h.mcycleOffset = toNumber(lo, hi) - instretNow - 1;
            return;
        case 0xb02:
            h.minstretOffset = toNumber(lo, hi) - instretNow - 1;
            return;
        case 0x7a0:
        case 0x7a1:
        case 0x7a2:
        case 0x7a3:
            return;
    }
    if (csr >= 0x3a0 && csr <= 0x3af) {
        const i = csr - 0x3a0;
        // Keep the fields WARL-legal: clear the reserved bits 6:5 of each byte and the W-without-R combination.
        let l = lo & 0x9f9f9f9f, u = hi & 0x9f9f9f9f;
        l = fixPmpBytes(l);
        u = fixPmpBytes(u);
        h.pmpcfg[2 * i] = l;
        h.pmpcfg[2 * i + 1] = u;
        return;
    }
    if (csr >= 0x3b0 && csr <= 0x3ef) {
        const i = csr - 0x3b0;
        h.pmpaddr[2 * i] = lo;
        h.pmpaddr[2 * i + 1] = hi & 0x3fffff;
        return;
    }
    if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f))
        return;
    illegal(h, insn);
}
function fixPmpBytes(v) {
    let out = 0;
    for (let i = 0; i < 4; i++) {
        let b = (v >>> (8 * i)) & 0xff;
        if ((b & 3) === 2)
            b &= ~2; // W=1,R=0 is reserved
        out |= b << (8 * i);
    }
    return out;
}
function toNumber(lo, hi) {
    return (hi >>> 0) * TWO32 + (lo >>> 0);
}
export function setStimecmp(h, lo, hi) {
    h.stimecmpLo = lo;
    h.stimecmpHi = hi;
    h.stimecmp = toNumber(lo, hi);
    h.updateTimer();
    h.breakSlice = true;
}
function setMstatus(h, v) {
    const old = h.mstatus;
    let n = (old & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
    if ((n & MSTATUS_MPP) === 2 << 11)
        n = (n & ~MSTATUS_MPP) | (old & MSTATUS_MPP); // MPP=2 is reserved
    h.mstatus = n;
    const changed = old ^ n;
    // Cached translations passed the stricter check, so only withdrawing SUM or MXR makes any stale; Linux sets SUM
    // around every user copy, and a flush on both edges doubled the TLB refills per syscall.
    if ((changed & old & (MSTATUS_SUM | MSTATUS_MXR)) !== 0)
        h.flushTlb();
    else if ((changed & (MSTATUS_MPRV | MSTATUS_MPP)) !== 0)
        h.selectTlbs();
    h.breakSlice = true;
}
//# sourceMappingURL=csr.js.map