// SBI IPI extension (EID "sPI"): raise the supervisor software interrupt on a set of harts.
import { IRQ_SSI } from '../cpu/constants.js';
import { SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, forEachMaskedHart, } from './sbi.js';
export class IpiExtension {
    eid = 0x735049;
    name = 'IPI';
    functions = { 0: 'send_ipi' };
    handle(call) {
        if (call.fid !== 0)
            return call.fail(SBI_ERR_NOT_SUPPORTED);
        const harts = call.platform.harts;
        const ok = forEachMaskedHart(call, 0, 1, (id) => harts[id].setPending(IRQ_SSI, true));
        if (ok)
            call.ok(0);
        else
            call.fail(SBI_ERR_INVALID_PARAM);
    }
}
//# sourceMappingURL=ipi.js.map