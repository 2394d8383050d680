// The differential campaigns against qemu-riscv64 with every hart run by the engine's WebAssembly interpreter (nothing is ever translated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differentialTest } from './harness/differential-suite.js';
import { routeHartsThroughJit } from './harness/jit-everywhere.js';
// A threshold no page reaches: all code runs in the WebAssembly interpreter, which hands what it leaves out (atomics,
// FP, CSRs, system instructions, TLB misses, misaligned accesses) to the TypeScript interpreter one instruction at a time.
const engines = routeHartsThroughJit({ threshold: Number.MAX_SAFE_INTEGER, userThreshold: Number.MAX_SAFE_INTEGER });
differentialTest('wasm-interp-rv64i', 201, { weights: { I: 1 }, length: 100 }, 400);
differentialTest('wasm-interp-rv64m', 202, { weights: { M: 3, I: 1 }, length: 100 }, 400);
differentialTest('wasm-interp-rv64a', 203, { weights: { A: 3, I: 1 }, length: 100 }, 400);
differentialTest('wasm-interp-rv64c', 206, { weights: { C: 4, I: 1 }, length: 100 }, 400);
differentialTest('wasm-interp-mixed', 207, { weights: { I: 4, M: 2, A: 2, F: 3, D: 3, C: 2, CSR: 1 }, length: 100 }, 400);
test('the campaigns above ran in the WebAssembly interpreter, not the translator or only the TypeScript interpreter', () => {
    const sum = (f) => engines.reduce((acc, e) => acc + f(e), 0);
    const interpreted = sum((e) => e.stats.interpretedInstructions), inWasm = sum((e) => e.stats.interpretedInWasm);
    assert.equal(sum((e) => e.stats.translatedInstructions), 0);
    // Atomics, FP and CSR instructions go to TypeScript; the integer and compressed campaigns are most of the instructions.
    assert.ok(interpreted > 100_000 && inWasm > 0.5 * interpreted, `interpreted ${interpreted}, in WebAssembly ${inWasm}`);
});
//# sourceMappingURL=interp-wasm-diff.test.js.map