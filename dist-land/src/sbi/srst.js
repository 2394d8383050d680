// SBI SRST extension (EID "SRST"): system shutdown and reboot.
import { SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED } from './sbi.js';
export class SrstExtension {
    eid = 0x53525354;
    name = 'SRST';
    functions = { 0: 'system_reset' };
    handle(call) {
        if (call.fid !== 0)
            return call.fail(SBI_ERR_NOT_SUPPORTED);
        const type = call.num(0), reason = call.num(1);
        if (type > 2)
            return call.fail(type >= 0xf0000000 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
        if (reason > 1 && reason < 0xe0000000)
            return call.fail(SBI_ERR_INVALID_PARAM);
        call.platform.systemReset(type, reason);
        call.ok(0);
    }
}
//# sourceMappingURL=srst.js.map