// Differential test against qemu-riscv64: RV64I integer, loads/stores, branches and jumps.
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64i', 1, { weights: { I: 1 }, length: 100 });
//# sourceMappingURL=diff-rv64i.test.js.map