// For the differential campaigns through the engine: every Hart.run goes through a JitEngine (by default one that translates on first visit).
import { Hart } from '../../src/cpu/hart.js';
import { JitEngine } from '../../src/cpu/jit/engine.js';
/** runUserProgram builds its own hart; routing Hart.prototype.run through an engine keeps the harness unchanged. */
export function routeHartsThroughJit(options = { threshold: 0, coldChunk: 1, missLimit: 1 }) {
    const engines = new WeakMap();
    const created = [];
    Hart.prototype.run = function (budget) {
        let e = engines.get(this);
        if (e === undefined) {
            e = new JitEngine(this, options);
            engines.set(this, e);
            created.push(e);
        }
        return e.run(budget);
    };
    return created;
}
//# sourceMappingURL=jit-everywhere.js.map