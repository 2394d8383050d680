// SBI v0.1 legacy calls (EIDs 0x00-0x08) that older kernels and early consoles still use.
import { IRQ_SSI } from '../cpu/constants.js';
import { setStimecmp } from '../cpu/csr.js';
import { SBI_ERR_NOT_SUPPORTED } from './sbi.js';
/** One legacy extension object serves all nine legacy EIDs; `eid` is only its first. */
export class LegacyExtension {
    eid = 0x00;
    name = 'LEGACY';
    functions = {
        0: 'set_timer',
        1: 'console_putchar',
        2: 'console_getchar',
        3: 'clear_ipi',
        4: 'send_ipi',
        5: 'remote_fence_i',
        6: 'remote_sfence_vma',
        7: 'remote_sfence_vma_asid',
        8: 'shutdown',
    };
    static EIDS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    handle(call) {
        const h = call.hart;
        switch (call.eid) {
            case 0:
                setStimecmp(h, call.lo(0), call.hi(0));
                return call.legacy(0);
            case 1:
                call.platform.consoleWrite(Uint8Array.of(call.lo(0) & 0xff));
                return call.legacy(0);
            case 2: {
                const b = call.platform.consoleRead(1);
                return call.legacy(b.length ? b[0] : -1);
            }
            case 3:
                h.setPending(IRQ_SSI, false);
                return call.legacy(0);
            case 4:
            case 5:
            case 6:
            case 7: {
                // v0.1 passes the hart mask by virtual address; reading it here could fault inside the hypervisor,
                // so these obsolete calls act on every hart (a superset, which is always safe for IPIs and fences).
                const maskLo = -1, maskHi = -1;
                const harts = call.platform.harts;
                for (let id = 0; id < harts.length && id < 64; id++) {
                    const set = id < 32 ? (maskLo >>> id) & 1 : (maskHi >>> (id - 32)) & 1;
                    if (!set)
                        continue;
                    if (call.eid === 4)
                        harts[id].setPending(IRQ_SSI, true);
                    else if (call.eid === 5)
                        harts[id].breakSlice = true;
                    else
                        harts[id].flushTlb();
                }
                return call.legacy(0);
            }
            case 8:
                call.platform.systemReset(0, 0);
                return call.legacy(0);
            default:
                return call.legacy(SBI_ERR_NOT_SUPPORTED);
        }
    }
}
//# sourceMappingURL=legacy.js.map