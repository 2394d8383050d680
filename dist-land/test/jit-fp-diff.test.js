// The F/D differential campaigns against qemu-riscv64 with every hart run by the translating engine (FP inline fast paths).
import { differentialTest } from './harness/differential-suite.js';
import { routeHartsThroughJit } from './harness/jit-everywhere.js';
routeHartsThroughJit();
differentialTest('jit-rv64f', 111, { weights: { F: 6, CSR: 1, I: 1 }, length: 100 }, 1000);
differentialTest('jit-rv64d', 112, { weights: { D: 6, CSR: 1, I: 1 }, length: 100 }, 1000);
differentialTest('jit-rv64fd', 113, { weights: { F: 3, D: 3, C: 1, I: 1 }, length: 100 }, 600);
//# sourceMappingURL=jit-fp-diff.test.js.map