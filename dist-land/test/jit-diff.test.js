// The differential campaigns against qemu-riscv64 again, with every hart run by the translating engine (translate on first visit).
import { differentialTest } from './harness/differential-suite.js';
import { routeHartsThroughJit } from './harness/jit-everywhere.js';
routeHartsThroughJit();
differentialTest('jit-rv64i', 101, { weights: { I: 1 }, length: 100 }, 400);
differentialTest('jit-rv64m', 102, { weights: { M: 3, I: 1 }, length: 100 }, 400);
differentialTest('jit-rv64a', 103, { weights: { A: 3, I: 1 }, length: 100 }, 400);
differentialTest('jit-rv64c', 106, { weights: { C: 4, I: 1 }, length: 100 }, 400);
differentialTest('jit-mixed', 107, { weights: { I: 4, M: 2, A: 2, F: 3, D: 3, C: 2, CSR: 1 }, length: 100 }, 400);
//# sourceMappingURL=jit-diff.test.js.map