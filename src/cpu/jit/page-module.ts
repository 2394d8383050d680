// Module assembly: one guest page's block functions, dispatcher and shared slow paths as one WebAssembly module.
import { HS_PC } from '../../memory/layout.js';
import {
  CALL_CHAIN,
  CALL_EXEC1,
  CALL_FP,
  CALL_FPMEM,
  CALL_LOAD,
  CALL_SLOTS,
  CALL_STORE,
  CALL_TYPES,
  F_EXEC1,
  F_FIRST_BLOCK,
  F_FP,
  F_LDSLOW,
  GLOBAL_TYPES,
  G_BUDGET,
  G_FTLB,
  G_LTLB,
  G_N,
  G_PC,
  G_STLB,
  G_STOP,
  G_VBASE,
  JIT_COUNT,
  JIT_DEPTH,
  JIT_RESULT,
  JIT_RETURNS,
  PAGE_MASK_LO,
  R_LEAVE,
  R_OFFPAGE,
} from './abi.js';
import { BlockEmitter, tlbEntry } from './block-emitter.js';
import { Block, Kind } from './decode.js';
import { RegionLimits, RegionPlan, USER_REGIONS, planRegion } from './region.js';
import { FunctionBody, I32, I64, ModuleBuilder, Op } from './wasm-emitter.js';
/** TYPEVISOR_WASM_NAMES=1 names the functions of page modules (physical page, block offset) for profilers. */
const NAME_FUNCTIONS = typeof process !== 'undefined' && process.env.TYPEVISOR_WASM_NAMES === '1';

/** A page module's bytes and dispatch map, before compilation. */
export interface BuiltPage {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly entry: Int16Array;
  readonly blockCount: number;
  readonly insnCount: number;
}

/**
 * Emits the module for one page's blocks. Functions exist for the blocks code can enter from outside a function: the
 * observed `entries` (all blocks when omitted), return points after calls, and successors a function does not inline.
 * Blocks at offsets 4096 and up were read from the next virtual page, mapped at translation time to host offset
 * `nextHost`: code crossing into them checks that mapping first (a loop across a page boundary then stays in one
 * module instead of chaining between two on every iteration).
 */
export function buildPage(
  blocks: Block[],
  interp: number[],
  hartBase: number,
  ramOffset: number,
  page: number,
  entries?: Iterable<number>,
  nextHost = -1,
  limits: RegionLimits = USER_REGIONS,
  sharedMemory = false,
): BuiltPage {
  const entry = new Int16Array(2048).fill(-1);
  for (const o of interp) if (o < 4096) entry[o >> 1] = -2;
  const blockAt = new Map<number, Block>();
  for (const blk of blocks) blockAt.set(blk.off, blk);
  const roots: number[] = [];
  const isRoot = new Set<number>();
  const addRoot = (o: number): void => {
    if (blockAt.has(o) && !isRoot.has(o)) {
      isRoot.add(o);
      roots.push(o);
    }
  };
  if (entries === undefined) for (const blk of blocks) addRoot(blk.off);
  else for (const o of entries) addRoot(o);
  for (const blk of blocks) {
    const last = blk.insns[blk.insns.length - 1];
    // Return points on this page (the next page's are reached through its own code: returns are jalr, which leave).
    if (
      (last.kind === Kind.Jal || last.kind === Kind.Jalr) &&
      ((last.insn >>> 7) & 31) !== 0 &&
      last.off + last.len < 4096
    )
      addRoot(last.off + last.len);
  }
  const plans: RegionPlan[] = [];
  for (let i = 0; i < roots.length; i++) {
    const plan = planRegion(blockAt.get(roots[i])!, blockAt, limits);
    plans.push(plan);
    for (const o of plan.exits) addRoot(o);
  }
  roots.forEach((o, i) => {
    if (o < 4096) entry[o >> 1] = i;
  });
  const m = new ModuleBuilder();
  m.importMemory('e', 'mem', sharedMemory);
  m.importTable('e', 'calls', CALL_SLOTS);
  for (const type of GLOBAL_TYPES) m.addGlobal(type);
  emitHelpers(m, hartBase);
  const fnAt = new Map<number, number>();
  roots.forEach((o, i) => fnAt.set(o, F_FIRST_BLOCK + i));
  const link = { ramOffset, chainType: m.typeIndex(...CALL_TYPES[CALL_CHAIN]) };
  plans.forEach((plan) => {
    const off = plan.tree.blk.off;
    const f = m.addFunction([], [I32]);
    if (f.index !== fnAt.get(off)) throw new Error('block function numbering');
    new BlockEmitter(f.body, hartBase, fnAt, nextHost, link).emitBlock(plan);
  });
  // run(loadTlb, storeTlb, fetchTlb, budget, count, page): dispatch on pc until a block says leave; when pc left the page
  // and the fetch TLB maps it to RAM, tail-call that page's run through the chain hub.
  const { index, body: r } = m.addFunction([I32, I32, I32, I32, I32, I32], [I32]);
  const res = r.local(I32),
    e = r.local(I32),
    depth = r.local(I32);
  r.get(5).i32c(page).op(Op.i32_ne).if_().get(4).op(Op.return).end();
  r.get(0).gset(G_LTLB).get(1).gset(G_STLB).get(2).gset(G_FTLB).get(3).gset(G_BUDGET).get(4).gset(G_N);
  r.i32c(0)
    .mem(Op.i64_load, hartBase + HS_PC)
    .gset(G_PC);
  r.gget(G_PC).i64c(PAGE_MASK_LO).op(Op.i64_and).gset(G_VBASE);
  emitDispatch(r, roots, res);
  r.i32c(0)
    .gget(G_PC)
    .mem(Op.i64_store, hartBase + HS_PC);
  r.get(res).i32c(R_OFFPAGE).op(Op.i32_eq).if_();
  // Back to a caller waiting in a wasm frame for this pc (BlockEmitter.callOffPage): pop it and return to it.
  r.i32c(0)
    .mem(Op.i32_load, hartBase + JIT_DEPTH)
    .tee(depth)
    .if_();
  r.get(depth)
    .i32c(3)
    .op(Op.i32_shl)
    .mem(Op.i64_load, hartBase + JIT_RETURNS - 8)
    .gget(G_PC)
    .op(Op.i64_eq)
    .if_();
  r.i32c(0)
    .get(depth)
    .i32c(1)
    .op(Op.i32_sub)
    .mem(Op.i32_store, hartBase + JIT_DEPTH);
  r.gget(G_N).op(Op.return);
  r.end();
  r.end();
  tlbEntry(r, G_FTLB, () => r.gget(G_PC).op(Op.i32_wrap_i64));
  r.tee(e).mem(Op.i64_load, 0);
  r.gget(G_PC).i64c(PAGE_MASK_LO).op(Op.i64_and).op(Op.i64_eq).if_();
  r.gget(G_LTLB).gget(G_STLB).gget(G_FTLB).gget(G_BUDGET).gget(G_N);
  r.get(e).mem(Op.i32_load, 8).i32c(ramOffset).op(Op.i32_sub).i32c(12).op(Op.i32_shr_u);
  r.i32c(CALL_CHAIN).returnCallIndirect(m.typeIndex(...CALL_TYPES[CALL_CHAIN]), 0);
  r.end();
  r.end();
  r.gget(G_N);
  m.exportFunction('run', index);
  if (NAME_FUNCTIONS) {
    m.functionNames.set(index, `run_${page.toString(16)}`);
    roots.forEach((o, i) => m.functionNames.set(F_FIRST_BLOCK + i, `b${page.toString(16)}_${o.toString(16)}`));
    ['ldslow', 'stslow', 'fpmem', 'fp', 'exec1'].forEach((name, i) => m.functionNames.set(i, name));
  }
  const bytes = m.build();
  let insnCount = 0;
  for (const blk of blocks) insnCount += blk.insns.length;
  return { bytes, entry, blockCount: roots.length, insnCount };
}

/**
 * The dispatch loop of run: calls the function of the block at pc (a br_table on the halfword offset, over the span of
 * the page that has functions) until one returns non-zero; leaves that in `res` (an offset without a function: R_LEAVE).
 * A br_table costs no instantiation work, where a funcref table of 2048 slots per module did.
 */
function emitDispatch(r: FunctionBody, roots: number[], res: number): void {
  // Only this page's offsets: pc is on the page whenever the loop dispatches.
  const sorted = roots
    .map((o, i) => ({ half: o >> 1, fn: F_FIRST_BLOCK + i }))
    .filter((c) => c.half < 2048)
    .sort((a, b) => a.half - b.half);
  const k = sorted.length;
  const first = k > 0 ? sorted[0].half : 0;
  const span = k > 0 ? sorted[k - 1].half - first + 1 : 0;
  // Cases 0..k-1 are the functions; label k (the outermost block) is "no function here".
  const labels = new Array<number>(span).fill(k);
  sorted.forEach((c, i) => {
    labels[c.half - first] = i;
  });
  r.block(); // exit
  r.loop();
  for (let i = 0; i <= k; i++) r.block();
  r.gget(G_PC).gget(G_VBASE).op(Op.i64_sub).op(Op.i32_wrap_i64).i32c(1).op(Op.i32_shr_u);
  if (first !== 0) r.i32c(first).op(Op.i32_sub);
  r.brTable(labels, k);
  for (let i = 0; i < k; i++) {
    r.end();
    // Inside blocks i+1..k, then the loop (depth k-i) and the exit block (depth k-i+1).
    r.call(sorted[i].fn)
      .tee(res)
      .op(Op.i32_eqz)
      .brIf(k - i)
      .br(k - i + 1);
  }
  r.end();
  r.i32c(R_LEAVE).set(res);
  r.end(); // loop
  r.end(); // exit
}

/** Emits the shared slow paths (indexes F_LDSLOW..F_FP); each publishes pc = vbase + pcoff and the count before calling out. */
function emitHelpers(m: ModuleBuilder, hartBase: number): void {
  const publish = (b: FunctionBody, pcoff: number, k: number): void => {
    b.i32c(0)
      .gget(G_VBASE)
      .get(pcoff)
      .op(Op.i64_extend_i32_u)
      .op(Op.i64_add)
      .mem(Op.i64_store, hartBase + HS_PC);
    b.i32c(0)
      .gget(G_N)
      .get(k)
      .op(Op.i32_add)
      .mem(Op.i32_store, hartBase + JIT_COUNT);
  };
  const callOut = (b: FunctionBody, slot: number): void => {
    b.i32c(slot).callIndirect(m.typeIndex(...CALL_TYPES[slot]), 0);
  };
  const halves = (b: FunctionBody, v: number): void => {
    b.get(v).op(Op.i32_wrap_i64).get(v).i64c(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  };
  /** With the call-out's stop flag on the stack: on stop, pc = vbase + pcoff + len and the count includes this one. */
  const stopIf = (b: FunctionBody, pcoff: number, k: number, len: number): void => {
    b.if_();
    b.gget(G_VBASE).get(pcoff).get(len).op(Op.i32_add).op(Op.i64_extend_i32_u).op(Op.i64_add).gset(G_PC);
    b.gget(G_N).get(k).op(Op.i32_add).i32c(1).op(Op.i32_add).gset(G_N);
    b.i32c(1).op(Op.return);
    b.end();
    b.i32c(0);
  };
  /** Locals pcoff, k and f3 of a memory slow path, from its packSlow operand. */
  const unpack = (b: FunctionBody, packed: number): { pcoff: number; k: number; f3: number } => {
    const pcoff = b.local(I32),
      k = b.local(I32),
      f3 = b.local(I32);
    b.get(packed).i32c(4).op(Op.i32_shr_u).i32c(0x1fff).op(Op.i32_and).set(pcoff);
    b.get(packed).i32c(17).op(Op.i32_shr_u).set(k);
    b.get(packed).i32c(7).op(Op.i32_and).set(f3);
    return { pcoff, k, f3 };
  };
  // ldslow(addr, packed) -> value; G_STOP = 0, or R_TRAP (the caller then takes its shared exit)
  const ld = m.addFunction([I64, I32], [I64]);
  if (ld.index !== F_LDSLOW) throw new Error('function numbering');
  const lu = unpack(ld.body, 1);
  publish(ld.body, lu.pcoff, lu.k);
  ld.body.get(lu.f3);
  halves(ld.body, 0);
  callOut(ld.body, CALL_LOAD);
  ld.body.gset(G_STOP);
  ld.body.i32c(0).mem(Op.i64_load, hartBase + JIT_RESULT);
  // stslow(addr, value, packed); G_STOP = 0, R_LEAVE (pc and count then include this store) or R_TRAP
  const st = m.addFunction([I64, I64, I32], []);
  const su = unpack(st.body, 2);
  publish(st.body, su.pcoff, su.k);
  st.body.get(su.f3);
  halves(st.body, 0);
  halves(st.body, 1);
  callOut(st.body, CALL_STORE);
  st.body.tee(su.f3).gset(G_STOP);
  st.body.get(su.f3).i32c(R_LEAVE).op(Op.i32_eq).if_();
  // pc = vbase + pcoff + len (len: 4 when packed bit 3 is set, else 2)
  st.body
    .gget(G_VBASE)
    .get(su.pcoff)
    .get(2)
    .i32c(8)
    .op(Op.i32_and)
    .i32c(2)
    .op(Op.i32_shr_u)
    .i32c(2)
    .op(Op.i32_add)
    .op(Op.i32_add);
  st.body.op(Op.i64_extend_i32_u).op(Op.i64_add).gset(G_PC);
  st.body.gget(G_N).get(su.k).op(Op.i32_add).i32c(1).op(Op.i32_add).gset(G_N);
  st.body.end();
  // fpmem(insn, addr, pcoff, k, len) -> stop
  const fm = m.addFunction([I32, I64, I32, I32, I32], [I32]);
  publish(fm.body, 2, 3);
  fm.body.get(0);
  halves(fm.body, 1);
  callOut(fm.body, CALL_FPMEM);
  stopIf(fm.body, 2, 3, 4);
  // fp(insn, pcoff, k)
  const fp = m.addFunction([I32, I32, I32], []);
  if (fp.index !== F_FP) throw new Error('function numbering');
  publish(fp.body, 1, 2);
  fp.body.get(0);
  callOut(fp.body, CALL_FP);
  // exec1(insn, pcoff, k, len) -> stop
  const x1 = m.addFunction([I32, I32, I32, I32], [I32]);
  if (x1.index !== F_EXEC1) throw new Error('function numbering');
  publish(x1.body, 1, 2);
  x1.body.get(0);
  callOut(x1.body, CALL_EXEC1);
  stopIf(x1.body, 1, 2, 3);
}
