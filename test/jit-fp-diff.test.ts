// The F/D differential campaigns against qemu-riscv64 with every hart run by the translating engine (FP inline fast paths).
import { Hart } from '../src/cpu/hart.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { differentialTest } from './harness/differential-suite.js';

// runUserProgram builds its own hart; route its run() through an engine that translates on first visit.
const engines = new WeakMap<Hart, JitEngine>();
Hart.prototype.run = function (this: Hart, budget: number): number {
  let e = engines.get(this);
  if (e === undefined) {
    e = new JitEngine(this, { threshold: 0, coldChunk: 1, missLimit: 1 });
    engines.set(this, e);
  }
  return e.run(budget);
};

differentialTest('jit-rv64f', 111, { weights: { F: 6, CSR: 1, I: 1 }, length: 100 }, 1000);
differentialTest('jit-rv64d', 112, { weights: { D: 6, CSR: 1, I: 1 }, length: 100 }, 1000);
differentialTest('jit-rv64fd', 113, { weights: { F: 3, D: 3, C: 1, I: 1 }, length: 100 }, 600);
