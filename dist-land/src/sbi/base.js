// SBI Base extension (EID 0x10): spec version, implementation id, extension probing, machine ids.
import { SBI_ERR_NOT_SUPPORTED } from './sbi.js';
/** SBI implementation ID for typevisor (not a registered ID; the spec reserves none for us). */
export const TYPEVISOR_SBI_IMPL_ID = 0x7476;
export class BaseExtension {
    isSupported;
    eid = 0x10;
    name = 'BASE';
    functions = {
        0: 'get_spec_version',
        1: 'get_impl_id',
        2: 'get_impl_version',
        3: 'probe_extension',
        4: 'get_mvendorid',
        5: 'get_marchid',
        6: 'get_mimpid',
    };
    constructor(isSupported) {
        this.isSupported = isSupported;
    }
    handle(call) {
        switch (call.fid) {
            case 0:
                return call.ok(2 << 24); // v2.0
            case 1:
                return call.ok(TYPEVISOR_SBI_IMPL_ID);
            case 2:
                return call.ok(1);
            case 3:
                return call.ok(this.isSupported(call.lo(0)) && call.hi(0) === 0 ? 1 : 0);
            case 4:
            case 5:
            case 6:
                return call.ok(0);
            default:
                return call.fail(SBI_ERR_NOT_SUPPORTED);
        }
    }
}
//# sourceMappingURL=base.js.map