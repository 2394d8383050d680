// SBI HSM extension (EID "HSM"): start, stop, suspend and query harts.
import { HART_STARTED, HART_STOPPED, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, } from './sbi.js';
export class HsmExtension {
    eid = 0x48534d;
    name = 'HSM';
    functions = { 0: 'hart_start', 1: 'hart_stop', 2: 'hart_get_status', 3: 'hart_suspend' };
    handle(call) {
        const p = call.platform;
        const n = p.harts.length;
        switch (call.fid) {
            case 0: {
                const id = call.num(0);
                if (id >= n)
                    return call.fail(SBI_ERR_INVALID_PARAM);
                if (p.hartStatus(id) !== HART_STOPPED)
                    return call.fail(SBI_ERR_ALREADY_AVAILABLE);
                p.startHart(id, call.lo(1), call.hi(1), call.lo(2), call.hi(2));
                return call.ok(0);
            }
            case 1:
                p.stopHart(call.hart.hartId);
                return call.ok(0);
            case 2: {
                const id = call.num(0);
                if (id >= n)
                    return call.fail(SBI_ERR_INVALID_PARAM);
                return call.ok(p.hartStatus(id));
            }
            case 3: {
                const type = call.num(0);
                if (type !== 0)
                    return call.fail(type >= 0x80000000 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
                p.suspendHart(call.hart.hartId);
                return call.ok(0);
            }
            default:
                return call.fail(SBI_ERR_NOT_SUPPORTED);
        }
    }
}
export { HART_STARTED };
//# sourceMappingURL=hsm.js.map