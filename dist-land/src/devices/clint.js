export const CLINT_SIZE = 0x10000;
export const CLINT_MSIP_BASE = 0x0000;
export const CLINT_MTIMECMP_BASE = 0x4000;
export const CLINT_MTIME = 0xbff8;
export const CLINT_TIMEBASE_HZ = 10_000_000;
/** ACLINT limit: 4095 harts fit in the msip and mtimecmp windows. */
export const CLINT_MAX_HARTS = 4095;
export const MIP_MSIP_BIT = 3;
export const MIP_MTIP_BIT = 7;
const TWO32 = 0x1_0000_0000;
/**
 * Core-local interruptor. Time comes from an injected clock (`now()` in 10 MHz ticks); a guest
 * write to mtime only moves an offset. Because the run loop does not consult the CLINT on every
 * instruction, it calls `update()` to re-evaluate MTIP and `nextDeadline()` to know how long an
 * idle hart may sleep. Only aligned 4-byte accesses have an effect (QEMU faults on others; we
 * read 0 and ignore writes). Times are JS numbers: exact below 2^53 ticks (28 years at 10 MHz).
 */
export class Clint {
    numHarts;
    now;
    setPending;
    msip;
    cmpLo;
    cmpHi;
    /** Last MTIP level driven per hart, so setPending is only called on changes. */
    mtip;
    offset = 0;
    constructor(numHarts, now, setPending) {
        this.numHarts = numHarts;
        this.now = now;
        this.setPending = setPending;
        if (!Number.isInteger(numHarts) || numHarts < 1 || numHarts > CLINT_MAX_HARTS) {
            throw new Error(`CLINT: bad hart count ${numHarts}`);
        }
        this.msip = new Uint8Array(numHarts);
        this.cmpLo = new Uint32Array(numHarts).fill(0xffffffff);
        this.cmpHi = new Uint32Array(numHarts).fill(0xffffffff);
        this.mtip = new Uint8Array(numHarts);
    }
    /** Current mtime in ticks. */
    mtime() {
        return this.now() + this.offset;
    }
    read(offset, size) {
        if (size !== 4 || (offset & 3) !== 0)
            return 0;
        if (offset < CLINT_MTIMECMP_BASE) {
            const hart = offset >>> 2;
            return hart < this.numHarts ? this.msip[hart] : 0;
        }
        if (offset === CLINT_MTIME || offset === CLINT_MTIME + 4) {
            const t = this.mtime();
            const hi = Math.floor(t / TWO32);
            return offset === CLINT_MTIME ? (t - hi * TWO32) >>> 0 : hi >>> 0;
        }
        if (offset < CLINT_MTIME) {
            const rel = offset - CLINT_MTIMECMP_BASE;
            const hart = rel >>> 3;
            if (hart >= this.numHarts)
                return 0;
            return (rel & 4) === 0 ? this.cmpLo[hart] : this.cmpHi[hart];
        }
        return 0;
    }
    write(offset, size, value) {
        if (size !== 4 || (offset & 3) !== 0)
            return;
        value >>>= 0;
        if (offset < CLINT_MTIMECMP_BASE) {
            const hart = offset >>> 2;
            if (hart < this.numHarts)
                this.setMsip(hart, (value & 1) !== 0);
            return;
        }
        if (offset === CLINT_MTIME || offset === CLINT_MTIME + 4) {
            const t = this.mtime();
            const hi = Math.floor(t / TWO32);
            const lo = t - hi * TWO32;
            const next = offset === CLINT_MTIME ? hi * TWO32 + value : value * TWO32 + lo;
            this.offset = next - this.now();
            this.update();
            return;
        }
        if (offset < CLINT_MTIME) {
            const rel = offset - CLINT_MTIMECMP_BASE;
            const hart = rel >>> 3;
            if (hart >= this.numHarts)
                return;
            if ((rel & 4) === 0)
                this.cmpLo[hart] = value;
            else
                this.cmpHi[hart] = value;
            this.updateHart(hart, this.mtime());
        }
    }
    /** Sets a hart's software interrupt (also used by the SBI IPI extension). */
    setMsip(hart, level) {
        if (hart < 0 || hart >= this.numHarts)
            return;
        const v = level ? 1 : 0;
        if (this.msip[hart] === v)
            return;
        this.msip[hart] = v;
        this.setPending(hart, MIP_MSIP_BIT, level);
    }
    /** Sets a hart's mtimecmp in one go (for the SBI timer extension), then re-evaluates MTIP. */
    setMtimecmp(hart, lo, hi) {
        if (hart < 0 || hart >= this.numHarts)
            return;
        this.cmpLo[hart] = lo >>> 0;
        this.cmpHi[hart] = hi >>> 0;
        this.updateHart(hart, this.mtime());
    }
    /** Re-evaluates every hart's MTIP against the current time. */
    update() {
        const t = this.mtime();
        for (let h = 0; h < this.numHarts; h++)
            this.updateHart(h, t);
    }
    /**
     * Earliest time, in the injected clock's ticks (the `now()` time base, not mtime), at which a
     * hart whose MTIP is still low will see it rise; Infinity if none will.
     */
    nextDeadline() {
        let best = Infinity;
        for (let h = 0; h < this.numHarts; h++) {
            if (this.mtip[h])
                continue;
            const when = this.cmpHi[h] * TWO32 + this.cmpLo[h] - this.offset;
            if (when < best)
                best = when;
        }
        return best;
    }
    save() {
        return {
            msip: Array.from(this.msip),
            mtimecmp: Array.from(this.cmpLo, (lo, h) => [lo, this.cmpHi[h]]),
            offset: this.offset,
        };
    }
    /** Restores registers and re-drives every interrupt line from the restored state. */
    restore(state) {
        if (state.msip.length !== this.numHarts || state.mtimecmp.length !== this.numHarts) {
            throw new Error('CLINT: saved state is for a different hart count');
        }
        this.offset = Number.isFinite(state.offset) ? state.offset : 0;
        for (let h = 0; h < this.numHarts; h++) {
            this.msip[h] = state.msip[h] ? 1 : 0;
            this.cmpLo[h] = state.mtimecmp[h][0] >>> 0;
            this.cmpHi[h] = state.mtimecmp[h][1] >>> 0;
            this.setPending(h, MIP_MSIP_BIT, this.msip[h] === 1);
        }
        const t = this.mtime();
        for (let h = 0; h < this.numHarts; h++) {
            this.mtip[h] = this.expired(h, t) ? 1 : 0;
            this.setPending(h, MIP_MTIP_BIT, this.mtip[h] === 1);
        }
    }
    /**
     * Emits `clint@<base>` in the current node (normally /soc). `cpuIntcPhandles[h]` is hart h's
     * riscv,cpu-intc; each hart gets its MSIP (3) and MTIP (7) lines, as QEMU's virt board does.
     */
    static fdtNode(fdt, base, cpuIntcPhandles) {
        const ext = [];
        for (const p of cpuIntcPhandles)
            ext.push(p, MIP_MSIP_BIT, p, MIP_MTIP_BIT);
        fdt
            .beginNode(`clint@${base.toString(16)}`)
            .propCells('interrupts-extended', ext)
            .propReg('reg', base, CLINT_SIZE)
            .propStrings('compatible', ['sifive,clint0', 'riscv,clint0'])
            .endNode();
    }
    expired(hart, t) {
        const hi = Math.floor(t / TWO32);
        const cmpHi = this.cmpHi[hart];
        if (hi !== cmpHi)
            return hi > cmpHi;
        return t - hi * TWO32 >= this.cmpLo[hart];
    }
    updateHart(hart, t) {
        const v = this.expired(hart, t) ? 1 : 0;
        if (this.mtip[hart] === v)
            return;
        this.mtip[hart] = v;
        this.setPending(hart, MIP_MTIP_BIT, v === 1);
    }
}
//# sourceMappingURL=clint.js.map