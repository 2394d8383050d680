export const PLIC_SIZE = 0x600000;
/** Source 0 is reserved ("no interrupt"), so 95 usable sources: `riscv,ndev` = 95. */
export const PLIC_NUM_SOURCES = 96;
export const PLIC_NDEV = PLIC_NUM_SOURCES - 1;
export const PLIC_MAX_PRIORITY = 7;
export const PLIC_PRIORITY_BASE = 0x0;
export const PLIC_PENDING_BASE = 0x1000;
export const PLIC_ENABLE_BASE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT_BASE = 0x200000;
export const PLIC_CONTEXT_STRIDE = 0x1000;
export const MIP_SEIP_BIT = 9;
export const MIP_MEIP_BIT = 11;
const WORDS = PLIC_NUM_SOURCES / 32;
/**
 * Platform-level interrupt controller with 2 contexts per hart: context 2h is hart h in M-mode
 * (drives MEIP), 2h+1 is hart h in S-mode (drives SEIP). Gateways are level-triggered: a high
 * line makes its source pending unless the source is claimed; claim clears pending and marks it
 * claimed; complete un-claims it and, if the line is still high, pends it again. Claimed state
 * is global per source, as in QEMU. Only aligned 4-byte accesses have an effect.
 */
export class Plic {
    numHarts;
    setPending;
    numContexts;
    priority = new Uint8Array(PLIC_NUM_SOURCES);
    pending = new Uint32Array(WORDS);
    claimed = new Uint32Array(WORDS);
    level = new Uint32Array(WORDS);
    enable;
    threshold;
    /** Last level driven on each context's mip bit. */
    output;
    lines = [];
    constructor(numHarts, setPending) {
        this.numHarts = numHarts;
        this.setPending = setPending;
        // 0x200000 + 0x1000 * ctx must stay inside the 0x600000 window: at most 15872 contexts.
        if (!Number.isInteger(numHarts) || numHarts < 1 || numHarts > 7936) {
            throw new Error(`PLIC: bad hart count ${numHarts}`);
        }
        this.numContexts = numHarts * 2;
        this.enable = new Uint32Array(this.numContexts * WORDS);
        this.threshold = new Uint8Array(this.numContexts);
        this.output = new Uint8Array(this.numContexts);
        for (let s = 0; s < PLIC_NUM_SOURCES; s++)
            this.lines.push({ set: (lv) => this.setLevel(s, lv) });
    }
    /** The interrupt line of source 1..95, to hand to a device. */
    irq(source) {
        if (!Number.isInteger(source) || source < 1 || source >= PLIC_NUM_SOURCES) {
            throw new Error(`PLIC: no interrupt source ${source}`);
        }
        return this.lines[source];
    }
    read(offset, size) {
        if (size !== 4 || (offset & 3) !== 0)
            return 0;
        if (offset < PLIC_PENDING_BASE) {
            const src = offset >>> 2;
            return src < PLIC_NUM_SOURCES ? this.priority[src] : 0;
        }
        if (offset < PLIC_ENABLE_BASE) {
            const w = (offset - PLIC_PENDING_BASE) >>> 2;
            return w < WORDS ? this.pending[w] : 0;
        }
        if (offset < PLIC_CONTEXT_BASE) {
            const rel = offset - PLIC_ENABLE_BASE;
            const ctx = Math.floor(rel / PLIC_ENABLE_STRIDE);
            const w = (rel % PLIC_ENABLE_STRIDE) >>> 2;
            return ctx < this.numContexts && w < WORDS ? this.enable[ctx * WORDS + w] : 0;
        }
        const rel = offset - PLIC_CONTEXT_BASE;
        const ctx = Math.floor(rel / PLIC_CONTEXT_STRIDE);
        if (ctx >= this.numContexts)
            return 0;
        switch (rel % PLIC_CONTEXT_STRIDE) {
            case 0:
                return this.threshold[ctx];
            case 4:
                return this.claim(ctx);
            default:
                return 0;
        }
    }
    write(offset, size, value) {
        if (size !== 4 || (offset & 3) !== 0)
            return;
        value >>>= 0;
        if (offset < PLIC_PENDING_BASE) {
            const src = offset >>> 2;
            if (src === 0 || src >= PLIC_NUM_SOURCES)
                return;
            // Keep the implemented bits, as WARL registers do: 7 -> 7, 9 -> 1.
            this.priority[src] = value & PLIC_MAX_PRIORITY;
            this.updateAll();
            return;
        }
        if (offset < PLIC_ENABLE_BASE)
            return; // pending bits are read-only
        if (offset < PLIC_CONTEXT_BASE) {
            const rel = offset - PLIC_ENABLE_BASE;
            const ctx = Math.floor(rel / PLIC_ENABLE_STRIDE);
            const w = (rel % PLIC_ENABLE_STRIDE) >>> 2;
            if (ctx >= this.numContexts || w >= WORDS)
                return;
            // Bit 0 (source 0) is stored like QEMU does; it can never fire since priority[0] is 0.
            this.enable[ctx * WORDS + w] = value;
            this.updateContext(ctx);
            return;
        }
        const rel = offset - PLIC_CONTEXT_BASE;
        const ctx = Math.floor(rel / PLIC_CONTEXT_STRIDE);
        if (ctx >= this.numContexts)
            return;
        switch (rel % PLIC_CONTEXT_STRIDE) {
            case 0:
                this.threshold[ctx] = value & PLIC_MAX_PRIORITY;
                this.updateContext(ctx);
                return;
            case 4:
                this.complete(ctx, value);
                return;
        }
    }
    save() {
        const enable = [];
        for (let c = 0; c < this.numContexts; c++) {
            enable.push(Array.from(this.enable.subarray(c * WORDS, (c + 1) * WORDS)));
        }
        return {
            priority: Array.from(this.priority),
            pending: Array.from(this.pending),
            claimed: Array.from(this.claimed),
            level: Array.from(this.level),
            enable,
            threshold: Array.from(this.threshold),
        };
    }
    /** Restores registers and re-drives every context's output. */
    restore(state) {
        if (state.enable.length !== this.numContexts || state.threshold.length !== this.numContexts) {
            throw new Error('PLIC: saved state is for a different context count');
        }
        for (let s = 0; s < PLIC_NUM_SOURCES; s++)
            this.priority[s] = (state.priority[s] ?? 0) & PLIC_MAX_PRIORITY;
        this.priority[0] = 0;
        for (let w = 0; w < WORDS; w++) {
            this.pending[w] = state.pending[w] >>> 0;
            this.claimed[w] = state.claimed[w] >>> 0;
            this.level[w] = state.level[w] >>> 0;
        }
        for (let c = 0; c < this.numContexts; c++) {
            for (let w = 0; w < WORDS; w++)
                this.enable[c * WORDS + w] = (state.enable[c][w] ?? 0) >>> 0;
            this.threshold[c] = state.threshold[c] & PLIC_MAX_PRIORITY;
        }
        for (let c = 0; c < this.numContexts; c++) {
            this.output[c] = this.best(c) !== 0 ? 1 : 0;
            this.setPending(c >>> 1, (c & 1) === 0 ? MIP_MEIP_BIT : MIP_SEIP_BIT, this.output[c] === 1);
        }
    }
    /**
     * Emits `plic@<base>` with the given phandle. Each hart contributes its M-mode (11) and S-mode
     * (9) external interrupt, in context order, as QEMU's virt board does.
     */
    static fdtNode(fdt, base, phandle, cpuIntcPhandles) {
        const ext = [];
        for (const p of cpuIntcPhandles)
            ext.push(p, MIP_MEIP_BIT, p, MIP_SEIP_BIT);
        fdt
            .beginNode(`plic@${base.toString(16)}`)
            .propU32('phandle', phandle)
            .propU32('riscv,ndev', PLIC_NDEV)
            .propReg('reg', base, PLIC_SIZE)
            .propCells('interrupts-extended', ext)
            .propEmpty('interrupt-controller')
            .propStrings('compatible', ['sifive,plic-1.0.0', 'riscv,plic0'])
            .propU32('#address-cells', 0)
            .propU32('#interrupt-cells', 1)
            .endNode();
    }
    setLevel(src, high) {
        const w = src >>> 5;
        const bit = 1 << (src & 31);
        if (high) {
            this.level[w] |= bit;
            if (this.claimed[w] & bit)
                return;
            if (this.pending[w] & bit)
                return;
            this.pending[w] |= bit;
        }
        else {
            this.level[w] &= ~bit;
            // QEMU drops the pending bit when the line falls before the source was claimed.
            if (!(this.pending[w] & bit))
                return;
            this.pending[w] &= ~bit;
        }
        this.updateAll();
    }
    /** Highest-priority pending, unclaimed, enabled source above the threshold (lowest id on ties), or 0. */
    best(ctx) {
        let bestSrc = 0;
        let bestPrio = this.threshold[ctx];
        for (let w = 0; w < WORDS; w++) {
            let cand = this.pending[w] & ~this.claimed[w] & this.enable[ctx * WORDS + w];
            while (cand !== 0) {
                const b = 31 - Math.clz32(cand & -cand);
                cand &= cand - 1;
                const src = w * 32 + b;
                const p = this.priority[src];
                if (p > bestPrio) {
                    bestPrio = p;
                    bestSrc = src;
                }
            }
        }
        return bestSrc;
    }
    claim(ctx) {
        const src = this.best(ctx);
        if (src !== 0) {
            const w = src >>> 5;
            const bit = 1 << (src & 31);
            this.pending[w] &= ~bit;
            this.claimed[w] |= bit;
            this.updateAll();
        }
        return src;
    }
    complete(ctx, src) {
        if (src === 0 || src >= PLIC_NUM_SOURCES)
            return;
        const w = src >>> 5;
        const bit = 1 << (src & 31);
        // As in QEMU, completing a source this context has not enabled is ignored.
        if (!(this.enable[ctx * WORDS + w] & bit))
            return;
        if (!(this.claimed[w] & bit))
            return;
        this.claimed[w] &= ~bit;
        if (this.level[w] & bit)
            this.pending[w] |= bit;
        this.updateAll();
    }
    updateAll() {
        for (let c = 0; c < this.numContexts; c++)
            this.updateContext(c);
    }
    updateContext(ctx) {
        const v = this.best(ctx) !== 0 ? 1 : 0;
        if (this.output[ctx] === v)
            return;
        this.output[ctx] = v;
        this.setPending(ctx >>> 1, (ctx & 1) === 0 ? MIP_MEIP_BIT : MIP_SEIP_BIT, v === 1);
    }
}
//# sourceMappingURL=plic.js.map