// The contract between page modules and the engine: hart-block scratch, call-out slots and signatures, globals, results.
import { HS_JIT } from '../../memory/layout.js';
import type { GuestInsn } from './decode.js';
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
export const CALL_LOAD = 0,
  CALL_STORE = 1,
  CALL_FP = 2,
  CALL_FPMEM = 3,
  CALL_EXEC1 = 4,
  CALL_CHAIN = 5,
  CALL_SLOTS = 6;
/** Call-out signatures by slot. */
export const CALL_TYPES: [number[], number[]][] = [
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
export const F_LDSLOW = 0,
  F_STSLOW = 1,
  F_FPMEM = 2,
  F_FP = 3,
  F_EXEC1 = 4,
  F_FIRST_BLOCK = 5;

/**
 * The host side of a translated module's call-outs. `load` and `store` return R_TRAP after entering a trap (translated code
 * then writes its registers back and returns); the others throw the hart's trap unwind, so their callers write back first.
 */
export interface CallOuts {
  /** Load with the LOAD funct3 encoding; leaves the 64-bit result at JIT_RESULT; returns 0, or R_TRAP. */
  load(f3: number, vlo: number, vhi: number): number;
  /** Store of size 1 << f3; returns 0, R_LEAVE when translated code must stop (device write, code page written), or R_TRAP. */
  store(f3: number, vlo: number, vhi: number, lo: number, hi: number): number;
  /** FP computation (OP-FP and fused multiply-add). */
  fp(insn: number): void;
  /** FP load or store; returns non-zero when translated code must stop. */
  fpmem(insn: number, vlo: number, vhi: number): number;
  /**
   * Runs the instruction at HS_PC in the interpreter (LR/SC, AMOs off the inline fast path, CSR accesses; `insn` is its
   * expanded form); returns non-zero when
   * translated code must stop. When the instruction traps it throws (after the trap is entered), like the others.
   */
  exec1(insn: number): number;
}

/**
 * run(loadTlb, storeTlb, fetchTlb (byte offsets), budget, count, physicalPage) -> count + instructions retired, with pc
 * read from and written to HS_PC; it may continue on other pages through the chain table. Returns `count` at once when
 * `physicalPage` is not the page it was built for.
 */
export type PageFunction = (
  loadTlb: number,
  storeTlb: number,
  fetchTlb: number,
  budget: number,
  count: number,
  page: number,
) => number;

export interface TranslatedPage {
  /** Per halfword offset: index of the block starting there, -1 none, -2 an instruction left to the interpreter. */
  readonly entry: Int16Array;
  readonly run: PageFunction;
  readonly blockCount: number;
  readonly insnCount: number;
  readonly wasmBytes: number;
}

export const PAGE_MASK_LO = -4096;

// Globals of a page module: the pc being run, instructions retired in this call, the page's virtual base, the call's budget,
// the load/store/fetch TLB tables in force (byte offsets), and what the last memory slow path asked for (0 or R_LEAVE/R_TRAP).
export const G_PC = 0,
  G_N = 1,
  G_VBASE = 2,
  G_BUDGET = 3,
  G_LTLB = 4,
  G_STLB = 5,
  G_FTLB = 6,
  G_STOP = 7;
export const GLOBAL_TYPES = [I64, I32, I64, I32, I32, I32, I32, I32];

/**
 * What a block function returns: keep dispatching on this page, return to JavaScript, pc left the page, or a load or store
 * trapped (the trap is entered, pc and the count are the hart's: the engine learns it from its call-outs).
 */
export const R_CONTINUE = 0,
  R_LEAVE = 1,
  R_OFFPAGE = 2;
export const R_TRAP = 3;

/**
 * A memory slow path's constant operands in one i32: funct3, whether the instruction is 4 bytes long, its page offset and
 * its index in the block (the count to publish). One constant instead of three keeps the many slow-path calls small.
 */
export function packSlow(f3: number, ins: GuestInsn, k: number): number {
  return f3 | (ins.len === 4 ? 8 : 0) | (ins.off << 4) | (k << 17);
}
