// SBI TIME extension (EID "TIME"): program the supervisor timer; it drives the same comparator as Sstc's stimecmp.
import { setStimecmp } from '../cpu/csr.js';
import { SBI_ERR_NOT_SUPPORTED } from './sbi.js';
export class TimeExtension {
    eid = 0x54494d45;
    name = 'TIME';
    functions = { 0: 'set_timer' };
    handle(call) {
        if (call.fid !== 0)
            return call.fail(SBI_ERR_NOT_SUPPORTED);
        setStimecmp(call.hart, call.lo(0), call.hi(0));
        call.ok(0);
    }
}
//# sourceMappingURL=time.js.map