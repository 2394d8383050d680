// The contract between page modules and the engine: hart-block scratch, call-out slots and signatures, globals, results.
import { HS_JIT } from '../../memory/layout.js';
import { I32, I64 } from './wasm-emitter.js';
/** The translator's scratch in the hart block (HS_JIT): instructions retired before a call-out, call-out results. */
export const JIT_COUNT = HS_JIT;
export const JIT_RESULT = HS_JIT + 8;
/**
 * Calls to other pages nest (see BlockEmitter.callOffPage): JIT_DEPTH (i32) counts the callers waiting in wasm frames,
 * JIT_RETURNS[i] (i64) is the return address caller i waits for. The engine zeroes the depth on every entry.
 */
export const JIT_DEPTH = HS_JIT + 0x10;
export const JIT_RETURNS = HS_JIT + 0x20;
/** Nested calls at most: deeper calls leave their page as any other jump does (each level holds about 3 wasm frames). */
export const MAX_CALL_DEPTH = 32;
/**
 * Slots of the call table every page module imports (see makeChainHub): the call-outs, then the chain's entry. Modules
 * reach them by call_indirect rather than importing functions: V8 spent about 0.1 ms compiling each module per function
 * import, where a small imported table costs nothing measurable.
 */
export const CALL_LOAD = 0, CALL_STORE = 1, CALL_FP = 2, CALL_FPMEM = 3, CALL_EXEC1 = 4, CALL_CHAIN = 5, CALL_SLOTS = 6;
/** Call-out signatures by slot. */
export const CALL_TYPES = [
    [[I32, I32, I32], [I32]],
    [[I32, I32, I32, I32, I32], [I32]],
    [[I32], []],
    [[I32, I32, I32], [I32]],
    [[I32], [I32]],
    [[I32, I32, I32, I32, I32, I32], [I32]],
];
/**
 * Module-internal functions shared by every block: the slow paths of memory accesses and the FP call-outs (publish pc
 * and count, call out, pick up the result or the stop request). Keeping them out of line keeps each block small, which
 * is most of the cost of compiling kernel pages that run only a few thousand times.
 */
export const F_LDSLOW = 0, F_STSLOW = 1, F_FPMEM = 2, F_FP = 3, F_EXEC1 = 4, F_FIRST_BLOCK = 5;
export const PAGE_MASK_LO = -4096;
// Globals of a page module: the pc being run, instructions retired in this call, the page's virtual base, the call's budget,
// the load/store/fetch TLB tables in force (byte offsets), and what the last memory slow path asked for (0 or R_LEAVE/R_TRAP).
export const G_PC = 0, G_N = 1, G_VBASE = 2, G_BUDGET = 3, G_LTLB = 4, G_STLB = 5, G_FTLB = 6, G_STOP = 7;
export const GLOBAL_TYPES = [I64, I32, I64, I32, I32, I32, I32, I32];
/**
 * What a block function returns: keep dispatching on this page, return to JavaScript, pc left the page, or a load or store
 * trapped (the trap is entered, pc and the count are the hart's: the engine learns it from its call-outs).
 */
export const R_CONTINUE = 0, R_LEAVE = 1, R_OFFPAGE = 2;
export const R_TRAP = 3;
/**
 * A memory slow path's constant operands in one i32: funct3, whether the instruction is 4 bytes long, its page offset and
 * its index in the block (the count to publish). One constant instead of three keeps the many slow-path calls small.
 */
export function packSlow(f3, ins, k) {
    return f3 | (ins.len === 4 ? 8 : 0) | (ins.off << 4) | (k << 17);
}
//# sourceMappingURL=abi.js.map