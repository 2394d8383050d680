export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;
export const SBI_ERR_NO_SHMEM = -9;
/** HSM hart states (SBI spec chapter 9). */
export const HART_STARTED = 0, HART_STOPPED = 1, HART_START_PENDING = 2, HART_STOP_PENDING = 3;
export const HART_SUSPENDED = 4, HART_SUSPEND_PENDING = 5, HART_RESUME_PENDING = 6;
/** One hypercall in flight: arguments from a0..a5, the function id from a6, results to a0/a1. */
export class SbiCall {
    hart;
    platform;
    constructor(hart, platform) {
        this.hart = hart;
        this.platform = platform;
    }
    get eid() {
        return this.hart.x[34];
    }
    get fid() {
        return this.hart.x[32];
    }
    /** Low 32 bits of argument i (a0..a5). */
    lo(i) {
        return this.hart.x[20 + 2 * i];
    }
    hi(i) {
        return this.hart.x[21 + 2 * i];
    }
    /** Argument i as an unsigned number (exact below 2^53; larger values come back as >= 2^53). */
    num(i) {
        return (this.hi(i) >>> 0) * 4294967296 + (this.lo(i) >>> 0);
    }
    /** Argument i as a signed long that fits in a JS number. */
    long(i) {
        return this.hi(i) * 4294967296 + (this.lo(i) >>> 0);
    }
    ok(valueLo = 0, valueHi = valueLo < 0 ? -1 : 0) {
        this.ret(SBI_SUCCESS, valueLo, valueHi);
    }
    fail(error) {
        this.ret(error, 0, 0);
    }
    ret(error, valueLo, valueHi) {
        const x = this.hart.x;
        x[20] = error;
        x[21] = error < 0 ? -1 : 0;
        x[22] = valueLo;
        x[23] = valueHi;
    }
    /** Legacy (v0.1) calls return one value in a0 and leave a1 alone. */
    legacy(value) {
        const x = this.hart.x;
        x[20] = value;
        x[21] = value < 0 ? -1 : 0;
    }
}
/** Iterate the harts selected by an SBI hart mask (hart_mask, hart_mask_base); base -1 means all harts.
 *  Returns false if the mask names a hart that does not exist. */
export function forEachMaskedHart(call, maskArg, baseArg, fn) {
    const harts = call.platform.harts.length;
    if (call.lo(baseArg) === -1 && call.hi(baseArg) === -1) {
        for (let h = 0; h < harts; h++)
            fn(h);
        return true;
    }
    const base = call.num(baseArg);
    const maskLo = call.lo(maskArg) >>> 0, maskHi = call.hi(maskArg) >>> 0;
    const selected = [];
    for (let bit = 0; bit < 64; bit++) {
        const set = bit < 32 ? (maskLo >>> bit) & 1 : (maskHi >>> (bit - 32)) & 1;
        if (!set)
            continue;
        const id = base + bit;
        if (id >= harts)
            return false;
        selected.push(id);
    }
    for (const id of selected)
        fn(id);
    return true;
}
//# sourceMappingURL=sbi.js.map