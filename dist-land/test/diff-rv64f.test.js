// Differential test against qemu-riscv64: F extension, all ops and rounding modes, with fflags/frm/fcsr accesses.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64f', 4, { weights: { F: 6, CSR: 1, I: 1 }, length: 100 });
//# sourceMappingURL=diff-rv64f.test.js.map