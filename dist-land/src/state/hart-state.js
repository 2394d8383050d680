// The saved state of one hart: the field list of its architectural state (registers, pc, privilege, every CSR, LR reservation).
import { setStimecmp } from '../cpu/csr.js';
import { arrayField, boolField, compareFields, numberField, restoreFields, saveFields } from './fields.js';
const n = (name, kind = 'i32') => numberField(name, kind);
/**
 * Every field of a hart that a guest can observe. The soft TLBs, translation hooks and statistics are not state: a
 * restore flushes the TLBs. `mip` holds the interrupt lines as the devices drive them and the software-set bits.
 */
export const HART_FIELDS = [
    arrayField('regs', 128), // x0..x31, f0..f31 as (lo, hi) pairs
    n('pcLo'),
    n('pcHi'),
    n('instret', 'int'),
    n('fcsr'),
    n('reservation'),
    n('mstatus'),
    n('medeleg'),
    n('mideleg'),
    n('mie'),
    // Before mip: setting it re-evaluates the supervisor timer bit, which mip then sets as it was saved.
    {
        name: 'stimecmp',
        kind: { i32s: 2 },
        get: (h) => [h.stimecmpLo, h.stimecmpHi],
        set: (h, v) => setStimecmp(h, v[0] | 0, v[1] | 0),
    },
    n('mip'),
    n('mtvecLo'),
    n('mtvecHi'),
    n('stvecLo'),
    n('stvecHi'),
    n('mepcLo'),
    n('mepcHi'),
    n('sepcLo'),
    n('sepcHi'),
    n('mcauseLo'),
    n('mcauseHi'),
    n('scauseLo'),
    n('scauseHi'),
    n('mtvalLo'),
    n('mtvalHi'),
    n('stvalLo'),
    n('stvalHi'),
    n('mscratchLo'),
    n('mscratchHi'),
    n('sscratchLo'),
    n('sscratchHi'),
    n('satpLo'),
    n('satpHi'),
    n('mcounteren'),
    n('scounteren'),
    n('mcountinhibit'),
    n('menvcfgLo'),
    n('menvcfgHi'),
    n('senvcfg'),
    arrayField('pmpcfg', 32),
    arrayField('pmpaddr', 128),
    n('mcycleOffset', 'int'),
    n('minstretOffset', 'int'),
    boolField('firmwareTraps'),
    n('trapCause'),
    boolField('trapInterrupt'),
    n('trapTvalLo'),
    n('trapTvalHi'),
    // Last: its setter selects the soft TLBs from satp and mstatus.
    { ...n('priv'), check: (v) => (v === 0 || v === 1 || v === 3 ? undefined : 'U (0), S (1) or M (3)') },
];
export function saveHart(h) {
    return saveFields(HART_FIELDS, h);
}
/** Sets every field (all checked first), then drops the soft TLB contents, which the saved state does not hold. */
export function restoreHart(h, saved) {
    restoreFields(HART_FIELDS, h, saved, `hart ${h.hartId}`);
    h.x[0] = 0;
    h.x[1] = 0;
    h.flushTlb(true);
}
export function compareHartState(a, b) {
    return compareFields(HART_FIELDS, a, b, `hart ${a.hartId}`);
}
//# sourceMappingURL=hart-state.js.map