// SBI DBCN extension (EID "DBCN"): the debug console, reading and writing guest memory by physical address.
import { SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED } from './sbi.js';
/** Longest single transfer we perform; the guest loops for more (the spec allows partial transfers). */
const MAX_CHUNK = 4096;
export class DbcnExtension {
    eid = 0x4442434e;
    name = 'DBCN';
    functions = { 0: 'console_write', 1: 'console_read', 2: 'console_write_byte' };
    handle(call) {
        const mem = call.hart.mem;
        switch (call.fid) {
            case 0:
            case 1: {
                const len = Math.min(call.num(0), MAX_CHUNK);
                const pa = call.num(1) + call.num(2) * 4294967296;
                if (len === 0)
                    return call.ok(0);
                if (mem.ramHostOffset(pa, len) < 0)
                    return call.fail(SBI_ERR_INVALID_PARAM);
                if (call.fid === 0) {
                    call.platform.consoleWrite(mem.readBytes(pa, len));
                    return call.ok(len);
                }
                const data = call.platform.consoleRead(len);
                mem.writeBytes(pa, data);
                return call.ok(data.length);
            }
            case 2:
                call.platform.consoleWrite(Uint8Array.of(call.lo(0) & 0xff));
                return call.ok(0);
            default:
                return call.fail(SBI_ERR_NOT_SUPPORTED);
        }
    }
}
//# sourceMappingURL=dbcn.js.map