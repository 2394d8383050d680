// Differential test against qemu-riscv64: all of RV64GC mixed.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('mixed', 7, { weights: { I: 4, M: 2, A: 2, F: 3, D: 3, C: 2, CSR: 1 }, length: 100 });
//# sourceMappingURL=diff-mixed.test.js.map