// SBI TIME extension (EID "TIME"): program the supervisor timer; it drives the same comparator as Sstc's stimecmp.
import { setStimecmp } from '../cpu/csr.js';
import { SBI_ERR_NOT_SUPPORTED, type SbiCall, type SbiExtension } from './sbi.js';

export class TimeExtension implements SbiExtension {
  readonly eid = 0x54494d45;
  readonly name = 'TIME';
  readonly functions = { 0: 'set_timer' };
  handle(call: SbiCall): void {
    if (call.fid !== 0) return call.fail(SBI_ERR_NOT_SUPPORTED);
    setStimecmp(call.hart, call.lo(0), call.hi(0));
    call.ok(0);
  }
}
