// The translator: hot blocks of one guest-physical page as one WebAssembly module (a function per entry region, dispatched on pc).
//
// Its parts, by job: region.ts plans which blocks each function inlines, block-emitter.ts emits a region as a function,
// page-module.ts assembles a page's functions, dispatcher and slow paths into a module, linking.ts links compiled
// modules to memory, the call-outs and each other; abi.ts is what page modules and the engine agree on.
export { JIT_COUNT, JIT_RESULT, JIT_DEPTH, JIT_RETURNS, MAX_CALL_DEPTH, R_TRAP, } from './abi.js';
export { KERNEL_REGIONS, USER_REGIONS, planRegion } from './region.js';
export { registerUse } from './block-emitter.js';
export { buildPage } from './page-module.js';
export { CHAIN_SLOTS, bounceRun, instantiatePage, makeChainHub } from './linking.js';
//# sourceMappingURL=translator.js.map