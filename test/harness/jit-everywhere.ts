// For the differential campaigns through the translator: every Hart.run goes through a JitEngine that translates on first visit.
import { Hart } from '../../src/cpu/hart.js';
import { JitEngine } from '../../src/cpu/jit/engine.js';

/** runUserProgram builds its own hart; routing Hart.prototype.run through an engine keeps the harness unchanged. */
export function routeHartsThroughJit(): void {
  const engines = new WeakMap<Hart, JitEngine>();
  Hart.prototype.run = function (this: Hart, budget: number): number {
    let e = engines.get(this);
    if (e === undefined) {
      e = new JitEngine(this, { threshold: 0, coldChunk: 1, missLimit: 1 });
      engines.set(this, e);
    }
    return e.run(budget);
  };
}
