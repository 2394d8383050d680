// SBI RFENCE extension (EID "RFNC"): remote FENCE.I and SFENCE.VMA on a set of harts.
import { SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, forEachMaskedHart, } from './sbi.js';
export class RfenceExtension {
    eid = 0x52464e43;
    name = 'RFENCE';
    functions = {
        0: 'remote_fence_i',
        1: 'remote_sfence_vma',
        2: 'remote_sfence_vma_asid',
        3: 'remote_hfence_gvma_vmid',
        4: 'remote_hfence_gvma',
        5: 'remote_hfence_vvma_asid',
        6: 'remote_hfence_vvma',
    };
    handle(call) {
        const fid = call.fid;
        if (fid > 2)
            return call.fail(SBI_ERR_NOT_SUPPORTED); // no hypervisor extension in the guest
        const harts = call.platform.harts;
        // Harts are interleaved on one host thread, so a remote fence completes before the call returns.
        // Our soft TLB is not ASID-tagged, so every sfence flushes the whole S/U translation state.
        const ok = forEachMaskedHart(call, 0, 1, (id) => {
            const h = harts[id];
            if (fid === 0)
                h.breakSlice = true; // the interpreter always fetches fresh; the JIT hooks its cache flush here
            else
                h.flushTlb();
        });
        if (ok)
            call.ok(0);
        else
            call.fail(SBI_ERR_INVALID_PARAM);
    }
}
//# sourceMappingURL=rfence.js.map