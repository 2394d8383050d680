import { BaseExtension } from './base.js';
import { DbcnExtension } from './dbcn.js';
import { HsmExtension } from './hsm.js';
import { IpiExtension } from './ipi.js';
import { LegacyExtension } from './legacy.js';
import { RfenceExtension } from './rfence.js';
import { SBI_ERR_NOT_SUPPORTED, SbiCall } from './sbi.js';
import { SrstExtension } from './srst.js';
import { StaExtension } from './sta.js';
import { TimeExtension } from './time.js';
export class SbiDispatcher {
    platform;
    byEid = new Map();
    /** "EXT.function" -> count */
    counts = new Map();
    sta = new StaExtension();
    constructor(platform) {
        this.platform = platform;
        const legacy = new LegacyExtension();
        for (const eid of LegacyExtension.EIDS)
            this.byEid.set(eid, legacy);
        const exts = [
            new BaseExtension((eid) => this.byEid.has(eid)),
            new TimeExtension(),
            new IpiExtension(),
            new RfenceExtension(),
            new HsmExtension(),
            new SrstExtension(),
            new DbcnExtension(),
            this.sta,
        ];
        for (const e of exts)
            this.byEid.set(e.eid, e);
    }
    /** Handle the ECALL at the hart's pc (a7 = EID, a6 = FID) and step past it. */
    handle(hart) {
        const call = new SbiCall(hart, this.platform);
        const eid = call.eid;
        const ext = this.byEid.get(eid);
        if (!ext) {
            this.count(`0x${(eid >>> 0).toString(16)}.?`);
            call.fail(SBI_ERR_NOT_SUPPORTED);
        }
        else {
            const key = ext === this.byEid.get(0) ? ext.functions[eid] : (ext.functions[call.fid] ?? `fid${call.fid}`);
            this.count(`${ext.name}.${key}`);
            ext.handle(call);
        }
        const lo = (hart.pcLo + 4) | 0;
        if (lo >>> 0 < hart.pcLo >>> 0)
            hart.pcHi = (hart.pcHi + 1) | 0;
        hart.pcLo = lo;
        hart.instret++;
    }
    count(key) {
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
}
//# sourceMappingURL=dispatcher.js.map