// Differential test against qemu-riscv64: C extension in explicit compressed forms (plus what GNU as compresses).
import { differentialTest } from './harness/differential-suite.js';
differentialTest('rv64c', 6, { weights: { C: 4, I: 1 }, length: 100 });
//# sourceMappingURL=diff-rv64c.test.js.map