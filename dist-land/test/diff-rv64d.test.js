// Differential test against qemu-riscv64: D extension, all ops and rounding modes, with fflags/frm/fcsr accesses.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64d', 5, { weights: { D: 6, CSR: 1, I: 1 }, length: 100 });
//# sourceMappingURL=diff-rv64d.test.js.map