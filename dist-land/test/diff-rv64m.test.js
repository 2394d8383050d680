// Differential test against qemu-riscv64: M extension (multiply/divide, with division edge cases) mixed with RV64I.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64m', 2, { weights: { M: 3, I: 1 }, length: 80 });
//# sourceMappingURL=diff-rv64m.test.js.map