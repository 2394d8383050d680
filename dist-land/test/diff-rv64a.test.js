// Differential test against qemu-riscv64: A extension (AMOs and LR/SC pairs) mixed with RV64I.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64a', 3, { weights: { A: 3, I: 1 }, length: 80 });
//# sourceMappingURL=diff-rv64a.test.js.map