// The block emitter: one region of guest blocks as one WebAssembly function, registers in locals, slow paths out of line.
import { HS_PC, HS_X, TLB_ENTRIES } from '../../memory/layout.js';
import { FENCE_W_TO_R } from '../constants.js';
import { regField, writesX } from '../isa/table.js';
import {
  CALL_CHAIN,
  F_EXEC1,
  F_FP,
  F_FPMEM,
  F_LDSLOW,
  F_STSLOW,
  G_BUDGET,
  G_FTLB,
  G_LTLB,
  G_N,
  G_PC,
  G_STLB,
  G_STOP,
  G_VBASE,
  JIT_DEPTH,
  JIT_RETURNS,
  MAX_CALL_DEPTH,
  PAGE_MASK_LO,
  R_CONTINUE,
  R_LEAVE,
  R_OFFPAGE,
  packSlow,
} from './abi.js';
import { Block, GuestInsn, Kind, branchImm, jalImm } from './decode.js';
import { FpEmitter, FpHost } from './fp-emit.js';
import { RegionNode, RegionPlan, links } from './region.js';
import { AtomicOp, FunctionBody, I32, I64, Op } from './wasm-emitter.js';
/**
 * Calls use(r, read) for the integer registers an instruction reads and writes in its block function's locals (from its
 * ISA table row): what it reads inline (not what a call-out reads from the hart block, written back before it) and
 * every integer register it writes.
 */
export function registerUse(ins: GuestInsn, use: (r: number, read: boolean) => void): void {
  const e = ins.entry;
  if (e.jit === 'inline' || e.jit === 'fast')
    for (const r of e.reads) if (r.file === 'x') use(regField(ins.insn, r.field), true);
  for (const r of e.writes) if (r.file === 'x') use(regField(ins.insn, r.field), false);
}

/**
 * Emits one block as a function `() -> i32` (0: continue dispatching, 1: leave). Registers live in the hart block and
 * are accessed with constant offsets; pc and the retired count go through the module's globals.
 */
export class BlockEmitter {
  readonly b: FunctionBody;
  private readonly vbase: number;
  // Scratch locals are declared on first use: the baseline compiler zeroes every local on each call of a block.
  private addrL = -1;
  private eL = -1;
  private tL = -1;
  private uL = -1;
  private wL = -1;
  private tiL = -1;
  private uiL = -1;
  private get addr(): number {
    return this.addrL >= 0 ? this.addrL : (this.addrL = this.b.local(I64));
  }
  private get e(): number {
    return this.eL >= 0 ? this.eL : (this.eL = this.b.local(I32));
  }
  private get t(): number {
    return this.tL >= 0 ? this.tL : (this.tL = this.b.local(I64));
  }
  private get u(): number {
    return this.uL >= 0 ? this.uL : (this.uL = this.b.local(I64));
  }
  private get w(): number {
    return this.wL >= 0 ? this.wL : (this.wL = this.b.local(I64));
  }
  private get ti(): number {
    return this.tiL >= 0 ? this.tiL : (this.tiL = this.b.local(I32));
  }
  private get ui(): number {
    return this.uiL >= 0 ? this.uiL : (this.uiL = this.b.local(I32));
  }

  /**
   * `fnAt`: function index of the block starting at each page offset (for direct tail calls to successors).
   * `nextHost`: host byte offset of the next page when code read from it is inlined (offsets 4096 and up), else -1.
   */
  constructor(
    body: FunctionBody,
    private readonly hartBase: number,
    private readonly fnAt: Map<number, number>,
    private readonly nextHost: number,
    private readonly link: { ramOffset: number; chainType: number },
  ) {
    this.b = body;
    this.vbase = body.local(I64);
    this.nL = body.local(I32);
  }

  /**
   * Guest registers the block uses live in wasm locals (V8 keeps them in machine registers): loaded once on entry,
   * stored back to the hart block before every exit and every call-out (which may trap or read them). `dirty` holds the
   * registers whose local may differ from the hart block at the point being emitted.
   */
  private readonly regL = new Int32Array(32).fill(-1);
  private dirty = new Set<number>();

  private readX(r: number): void {
    if (r === 0) this.b.i64c(0);
    else this.b.get(this.regL[r]);
  }
  /** Stores the i64 the callback leaves on the stack into x[rd] (nothing for x0). */
  private writeX(rd: number, value: () => void): void {
    if (rd === 0) return;
    value();
    this.b.set(this.regL[rd]);
    this.dirty.add(rd);
  }
  /** Writes the dirty register locals back to the hart block and the count to G_N (before exits and call-outs). */
  private flush(): void {
    for (const r of this.dirty)
      this.b
        .i32c(0)
        .get(this.regL[r])
        .mem(Op.i64_store, this.hartBase + HS_X + 8 * r);
    this.syncCount();
  }
  /**
   * The count retired so far lives in a local inside a function (G_N is a memory cell for V8: updating it per block made
   * a loop's iterations depend on each other through a store and a load); G_N gets it wherever code leaves or calls out.
   */
  private readonly nL: number;
  private syncCount(): void {
    this.b.get(this.nL).gset(G_N);
  }
  /** After a call-out that may have written x[r] in the hart block (FP compares, moves, conversions). */
  private reload(r: number): void {
    if (r !== 0)
      this.b
        .i32c(0)
        .mem(Op.i64_load, this.hartBase + HS_X + 8 * r)
        .set(this.regL[r]);
  }

  /**
   * Declares the register locals of the region and loads on entry every register some instruction reads. A region with a
   * jump back to its start keeps its registers in locals across iterations, so there every register it uses is loaded
   * and counted dirty from the start.
   */
  private loadRegs(blocks: Block[], loops: boolean): void {
    const b = this.b;
    const used = new Set<number>();
    const use = (r: number, read: boolean): void => {
      if (r === 0) return;
      if (this.regL[r] < 0) this.regL[r] = b.local(I64);
      used.add(r);
      if (!read) this.written.add(r);
    };
    for (const blk of blocks) for (const ins of blk.insns) registerUse(ins, use);
    for (const r of used) {
      if (loops || this.written.has(r)) this.reload(r);
      else this.lazy.add(r);
    }
    if (loops) for (const r of this.written) this.dirty.add(r);
  }

  /**
   * Registers the function only reads (and does not loop) are loaded on each path before the first instruction that
   * reads them, not on entry: a function entered for a few instructions often reads few of them (V8 spilled the rest to
   * the stack and reloaded them). Written ones are loaded on entry, so the shared exit can write them all back.
   */
  private readonly lazy = new Set<number>();
  /** The lazy registers loaded on the path being emitted. */
  private loaded = new Set<number>();
  private loadReads(ins: GuestInsn): void {
    registerUse(ins, (r, read) => {
      if (read && this.lazy.has(r) && !this.loaded.has(r)) {
        this.reload(r);
        this.loaded.add(r);
      }
    });
  }

  /**
   * Registers some instruction of the function writes. They are loaded on entry (written-only ones too), so each of their
   * locals holds the register's current value everywhere and the shared exit can write them all back.
   */
  private readonly written = new Set<number>();

  /** Pushes vbase + off (a pc inside or near the page). */
  private pcAt(off: number): void {
    this.b.get(this.vbase).i64c(off).op(Op.i64_add);
  }

  /**
   * Emits the function for `root`: the block itself and, inlined into it, the successors on the page that fit
   * (RegionLimits), so registers stay in locals across guest blocks and most block-to-block transitions
   * are plain wasm branches. Successors that are not inlined are entered by a tail call to their own function.
   *
   * The body sits in a block whose end is the function's shared exit for loads and stores that trap or must stop: it
   * writes back every register the function writes and returns G_STOP. Slow paths branch there instead of writing the
   * dirty registers back before each call-out, which was a third of the module bytes.
   */
  emitBlock(plan: RegionPlan): void {
    const b = this.b;
    const root = plan.tree.blk;
    b.gget(G_VBASE).set(this.vbase);
    b.gget(G_N).set(this.nL);
    this.loadRegs(plan.blocks, plan.loops);
    this.root = root;
    this.depth = 0;
    b.block();
    b.loop();
    // Run the region only if its longest path fits the budget, so run(budget) retires exactly what the interpreter would
    // (when it does not fit, the engine interprets the rest of the budget).
    b.get(this.nL).i32c(plan.maxInsns).op(Op.i32_add).gget(G_BUDGET).op(Op.i32_gt_u).if_();
    this.flush();
    this.pcAt(root.off);
    b.gset(G_PC).i32c(1).op(Op.return).end();
    this.emitNode(plan.tree);
    b.end();
    b.op(Op.unreachable); // every path above returns, tail-calls or loops
    b.end();
    for (const r of this.written)
      b.i32c(0)
        .get(this.regL[r])
        .mem(Op.i64_store, this.hartBase + HS_X + 8 * r);
    b.gget(G_STOP);
  }

  /** After a memory slow path (inside its if/else): to the shared exit when it trapped or asked to stop. */
  private exitIfStopped(): void {
    this.b.gget(G_STOP).brIf(this.depth + 2);
  }

  /** The region's first block: jumps to it loop inside the function. */
  private root!: Block;

  /** One block of the region; never falls through (every path returns, tail-calls, loops or enters an inlined successor). */
  private emitNode(node: RegionNode): void {
    const b = this.b;
    const blk = node.blk;
    const len = blk.insns.length;
    for (let k = 0; k < len; k++) {
      const ins = blk.insns[k];
      this.loadReads(ins);
      if (ins.off === 4094 && ins.len === 4) this.checkStraddle(k);
      if (ins.kind === Kind.Plain) this.emitPlain(ins, k);
      else if (k !== len - 1) throw new Error('jump inside a block');
    }
    const last = blk.insns[len - 1];
    const next = last.off + last.len;
    if (last.kind === Kind.Plain) {
      // falls through (cut before another block, an untranslated instruction or the page end)
      this.count(len);
      this.goTo(node, next);
    } else if (last.kind === Kind.Branch) {
      const insn = last.insn;
      this.count(len);
      this.readX((insn >>> 15) & 31);
      this.readX((insn >>> 20) & 31);
      b.op([Op.i64_eq, Op.i64_ne, 0, 0, Op.i64_lt_s, Op.i64_ge_s, Op.i64_lt_u, Op.i64_ge_u][(insn >>> 12) & 7]);
      b.if_();
      const dirtyHere = new Set(this.dirty),
        loadedHere = new Set(this.loaded);
      this.depth++;
      this.goTo(node, last.off + branchImm(insn));
      this.depth--;
      b.end();
      this.dirty = dirtyHere;
      this.loaded = loadedHere;
      this.goTo(node, next);
    } else if (last.kind === Kind.Jal) {
      const rd = (last.insn >>> 7) & 31,
        target = last.off + jalImm(last.insn);
      this.writeX(rd, () => this.pcAt(next));
      this.count(len);
      // A call whose return point has a function here: call the callee's code (on this page or another) and come back.
      const link = links(rd) && next < 4096 && this.fnAt.has(next) && !node.next.has(target);
      if (link && (target < 0 || target >= 4096) && !this.fnAt.has(target)) {
        this.callOffPage(target, next);
      } else if (link && target >= 0 && target < 4096 && this.fnAt.has(target) && target !== this.root.off) {
        this.callOnPage(target, next);
      } else {
        this.goTo(node, target);
      }
    } else {
      this.emitJump(last);
      this.count(len);
      this.flush();
      const rd = (last.insn >>> 7) & 31;
      if (last.kind === Kind.Jalr && links(rd) && next < 4096 && this.fnAt.has(next)) {
        // An indirect call: off the page, call there as callOffPage does; on it, continue through the dispatcher.
        b.gget(G_PC).i64c(PAGE_MASK_LO).op(Op.i64_and).get(this.vbase).op(Op.i64_ne).if_();
        this.callAt(next);
        b.end();
        b.i32c(R_CONTINUE).op(Op.return);
        return;
      }
      // Continue through the dispatcher while on this page (R_CONTINUE), else R_OFFPAGE.
      b.gget(G_PC).i64c(PAGE_MASK_LO).op(Op.i64_and).get(this.vbase).op(Op.i64_ne).i32c(1).op(Op.i32_shl).op(Op.return);
    }
  }

  /** Depth of the region's loop from the code being emitted. */
  private depth = 0;

  private count(len: number): void {
    this.b.get(this.nL).i32c(len).op(Op.i32_add).set(this.nL);
  }

  /**
   * Continues at vbase + off: the region's start loops, an inlined successor is emitted here, a known block of the page is
   * entered by a tail call (its function knows its own pc, so G_PC is not set), anything else sets pc and leaves (an
   * offset without a block would reach the dispatcher's leave slot anyway). Never falls through.
   */
  private goTo(node: RegionNode, off: number): void {
    const b = this.b;
    const child = node.next.get(off);
    const fn = this.fnAt.get(off);
    if (node.blk.off < 4096 && off >= 4096 && (child !== undefined || fn !== undefined || off === this.root.off))
      this.checkNextPage(off);
    if (off === this.root.off) {
      b.br(this.depth);
      return;
    }
    if (child !== undefined) {
      this.emitNode(child);
      return;
    }
    this.flush();
    const onPage = off >= 0 && off < 4096;
    if (fn !== undefined) {
      b.returnCall(fn);
      return;
    }
    this.pcAt(off);
    b.gset(G_PC);
    b.i32c(onPage ? R_LEAVE : R_OFFPAGE).op(Op.return);
  }

  /**
   * A call (jal with a link register) to vbase + `off`, off the page: enters the callee page's run through the chain hub
   * with an ordinary call, not a tail call, after pushing the return address (vbase + `ret`). When code returns there
   * (a jump off some page to exactly the address on top of JIT_RETURNS), that page's run pops it and returns instead of
   * chaining, and execution continues here in the return point's function: the host's call stack serves as a return
   * stack, so a return costs no fetch-TLB lookup, hub or dispatch. Any other way back (the budget, a trap, a page without
   * code, longjmp or a thread switch) leaves the depth above this caller's: the caller then leaves too, with the count
   * and pc the callee left. Past MAX_CALL_DEPTH, or when the fetch TLB does not map the target, it leaves its page as
   * any jump does.
   */
  private callOffPage(off: number, ret: number): void {
    this.flush();
    this.pcAt(off);
    this.b.gset(G_PC);
    this.callAt(ret);
  }

  /**
   * A call to the function of vbase + `off` on this page: an ordinary wasm call (counted in JIT_DEPTH, so recursion
   * stays bounded) instead of a tail call, so that when the callee comes back to vbase + `ret` (R_CONTINUE with that pc)
   * this function continues in the return point's function instead of returning to run's dispatch.
   */
  private callOnPage(off: number, ret: number): void {
    const b = this.b,
      hb = this.hartBase;
    const d = this.ti,
      res = this.ui;
    this.flush();
    b.i32c(0)
      .mem(Op.i32_load, hb + JIT_DEPTH)
      .tee(d)
      .i32c(MAX_CALL_DEPTH)
      .op(Op.i32_ge_u)
      .if_();
    b.returnCall(this.fnAt.get(off)!);
    b.end();
    b.i32c(0)
      .get(d)
      .i32c(1)
      .op(Op.i32_add)
      .mem(Op.i32_store, hb + JIT_DEPTH);
    b.call(this.fnAt.get(off)!).set(res);
    b.i32c(0)
      .get(d)
      .mem(Op.i32_store, hb + JIT_DEPTH);
    b.get(this.vbase).gset(G_VBASE);
    b.get(res).op(Op.i32_eqz);
    b.gget(G_PC);
    this.pcAt(ret);
    b.op(Op.i64_eq).op(Op.i32_and).if_();
    b.returnCall(this.fnAt.get(ret)!);
    b.end();
    b.get(res).op(Op.return);
  }

  /** callOffPage's call, to G_PC (off the page), with registers and count flushed; never falls through. */
  private callAt(ret: number): void {
    const b = this.b,
      hb = this.hartBase;
    const d = this.ti,
      e = this.e;
    b.i32c(0)
      .mem(Op.i32_load, hb + JIT_DEPTH)
      .tee(d)
      .i32c(MAX_CALL_DEPTH)
      .op(Op.i32_lt_u)
      .if_();
    tlbEntry(b, G_FTLB, () => b.gget(G_PC).op(Op.i32_wrap_i64));
    b.tee(e).mem(Op.i64_load, 0).gget(G_PC).i64c(PAGE_MASK_LO).op(Op.i64_and).op(Op.i64_eq).if_();
    b.i32c(0)
      .gget(G_PC)
      .mem(Op.i64_store, hb + HS_PC); // a run that bounces (no code, slot collision) leaves pc here
    b.get(d).i32c(3).op(Op.i32_shl);
    this.pcAt(ret);
    b.mem(Op.i64_store, hb + JIT_RETURNS);
    b.i32c(0)
      .get(d)
      .i32c(1)
      .op(Op.i32_add)
      .mem(Op.i32_store, hb + JIT_DEPTH);
    b.gget(G_LTLB).gget(G_STLB).gget(G_FTLB).gget(G_BUDGET).gget(G_N);
    b.get(e).mem(Op.i32_load, 8).i32c(this.link.ramOffset).op(Op.i32_sub).i32c(12).op(Op.i32_shr_u);
    b.i32c(CALL_CHAIN).callIndirect(this.link.chainType, 0);
    b.gset(G_N);
    // Another instance of this module may have run meanwhile (the callee came back through this page): vbase is ours.
    b.get(this.vbase).gset(G_VBASE);
    b.i32c(0)
      .mem(Op.i32_load, hb + JIT_DEPTH)
      .get(d)
      .op(Op.i32_eq)
      .if_();
    b.returnCall(this.fnAt.get(ret)!);
    b.end();
    b.i32c(0)
      .get(d)
      .mem(Op.i32_store, hb + JIT_DEPTH);
    b.i32c(0)
      .mem(Op.i64_load, hb + HS_PC)
      .gset(G_PC);
    b.i32c(R_LEAVE).op(Op.return);
    b.end();
    b.end();
    b.i32c(R_OFFPAGE).op(Op.return);
  }

  /**
   * Before code of the next page runs inline (see buildPage's `next`): the fetch TLB must map vbase + 4096 to the host
   * page the code was read from, as the interpreter would find it; otherwise leave with pc there (the engine or the
   * chain then finds that page's own code, or the interpreter fills the TLB or raises the fault).
   */
  private checkNextPage(off: number): void {
    const b = this.b;
    this.nextPageMoved();
    b.if_();
    this.flush();
    this.pcAt(off);
    b.gset(G_PC).i32c(R_OFFPAGE).op(Op.return);
    b.end();
  }

  /**
   * Before an instruction at 4094 whose second half was read from the next page (the `k`th of its block): if the next
   * page no longer maps there, leave for JavaScript with pc at it (the engine interprets it, fetching as the guest
   * sees it). Leaving rather than chaining: the chain would come back here.
   */
  private checkStraddle(k: number): void {
    const b = this.b;
    this.nextPageMoved();
    b.if_();
    this.flush();
    b.get(this.nL).i32c(k).op(Op.i32_add).gset(G_N);
    this.pcAt(4094);
    b.gset(G_PC).i32c(R_LEAVE).op(Op.return);
    b.end();
  }

  /** Pushes 1 when the fetch TLB does not map vbase + 4096 to the host page the code of the next page was read from. */
  private nextPageMoved(): void {
    const b = this.b;
    tlbEntry(b, G_FTLB, () => b.get(this.vbase).op(Op.i32_wrap_i64).i32c(4096).op(Op.i32_add));
    b.tee(this.e).mem(Op.i64_load, 0).get(this.vbase).i64c(4096).op(Op.i64_add).op(Op.i64_eq);
    b.get(this.e).mem(Op.i32_load, 8).i32c(this.nextHost).op(Op.i32_eq).op(Op.i32_and);
    b.op(Op.i32_eqz);
  }

  /** After a slow path that asked to stop (it already set pc and the count): leave. */
  private leaveIf(): void {
    this.b.if_().i32c(1).op(Op.return).end();
  }

  /** addr = x[rs1] + imm */
  private effAddr(rs1: number, imm: number): void {
    this.readX(rs1);
    if (imm !== 0) this.b.i64c(imm).op(Op.i64_add);
    this.b.set(this.addr);
  }

  /** Pushes 1 when the TLB table at `tlbParam` maps the `size` bytes at addr within one page; leaves the entry in e. */
  private tlbHit(tlbGlobal: number, size: number): void {
    const b = this.b;
    tlbEntry(b, tlbGlobal, () => b.get(this.addr).op(Op.i32_wrap_i64));
    b.tee(this.e).mem(Op.i64_load, 0);
    // The last byte's page equals the tag only when the access stays inside the tagged page.
    b.get(this.addr);
    if (size > 1) b.i64c(size - 1).op(Op.i64_add);
    b.i64c(PAGE_MASK_LO).op(Op.i64_and).op(Op.i64_eq);
  }
  /** Pushes the host byte offset for addr (after a hit). */
  private hostAddr(): void {
    this.b.get(this.e).mem(Op.i32_load, 8).get(this.addr).op(Op.i32_wrap_i64).i32c(4095).op(Op.i32_and).op(Op.i32_add);
  }
  private emitPlain(ins: GuestInsn, k: number): void {
    const b = this.b;
    const insn = ins.insn;
    const rd = (insn >>> 7) & 31,
      rs1 = (insn >>> 15) & 31,
      rs2 = (insn >>> 20) & 31;
    const f3 = (insn >>> 12) & 7,
      f7 = insn >>> 25;
    const imm = insn >> 20;
    switch (insn & 0x7f) {
      case 0x37:
        this.writeX(rd, () => b.i64c(insn & PAGE_MASK_LO));
        return;
      case 0x17:
        this.writeX(rd, () => this.pcAt(ins.off + (insn & PAGE_MASK_LO)));
        return;
      case 0x03: {
        this.effAddr(rs1, imm);
        const size = 1 << (f3 & 3);
        const ops = [
          Op.i64_load8_s,
          Op.i64_load16_s,
          Op.i64_load32_s,
          Op.i64_load,
          Op.i64_load8_u,
          Op.i64_load16_u,
          Op.i64_load32_u,
        ];
        this.tlbHit(G_LTLB, size);
        b.if_(I64);
        this.hostAddr();
        b.mem(ops[f3], 0);
        b.else_();
        this.syncCount();
        b.get(this.addr)
          .i32c(packSlow(f3, ins, k))
          .call(F_LDSLOW);
        this.exitIfStopped();
        b.end();
        if (rd === 0) b.op(Op.drop);
        else this.writeX(rd, () => {}); // the loaded value is on the stack
        return;
      }
      case 0x23: {
        const simm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
        this.effAddr(rs1, simm);
        this.readX(rs2);
        b.set(this.t);
        const size = 1 << f3;
        this.tlbHit(G_STLB, size);
        b.if_();
        this.hostAddr();
        b.get(this.t).mem([Op.i64_store8, Op.i64_store16, Op.i64_store32, Op.i64_store][f3], 0);
        b.else_();
        this.syncCount();
        b.get(this.addr)
          .get(this.t)
          .i32c(packSlow(f3, ins, k))
          .call(F_STSLOW);
        this.exitIfStopped();
        b.end();
        return;
      }
      case 0x13: {
        if (rd === 0) return;
        this.writeX(rd, () => {
          this.readX(rs1);
          switch (f3) {
            case 0:
              b.i64c(imm).op(Op.i64_add);
              break;
            case 1:
              b.i64c(imm & 63).op(Op.i64_shl);
              break;
            case 2:
              b.i64c(imm).op(Op.i64_lt_s).op(Op.i64_extend_i32_u);
              break;
            case 3:
              b.i64c(imm).op(Op.i64_lt_u).op(Op.i64_extend_i32_u);
              break;
            case 4:
              b.i64c(imm).op(Op.i64_xor);
              break;
            case 5:
              b.i64c(imm & 63).op(insn >>> 26 === 0 ? Op.i64_shr_u : Op.i64_shr_s);
              break;
            case 6:
              b.i64c(imm).op(Op.i64_or);
              break;
            default:
              b.i64c(imm).op(Op.i64_and);
              break;
          }
        });
        return;
      }
      case 0x1b: {
        if (rd === 0) return;
        this.writeX(rd, () => {
          this.readX(rs1);
          b.op(Op.i32_wrap_i64);
          if (f3 === 0) b.i32c(imm).op(Op.i32_add);
          else if (f3 === 1) b.i32c(imm & 31).op(Op.i32_shl);
          else b.i32c(imm & 31).op(f7 === 0 ? Op.i32_shr_u : Op.i32_shr_s);
          b.op(Op.i64_extend_i32_s);
        });
        return;
      }
      case 0x33: {
        if (rd === 0) return;
        this.writeX(rd, () => this.emitOp(f3, f7, rs1, rs2));
        return;
      }
      case 0x3b: {
        if (rd === 0) return;
        this.writeX(rd, () => this.emitOp32(f3, f7, rs1, rs2));
        return;
      }
      case 0x0f:
        // FENCE: program order holds for everything but earlier writes before later reads (docs/threads.md).
        if ((insn & FENCE_W_TO_R) === FENCE_W_TO_R) this.b.atomicFence();
        return;
      case 0x2f:
        this.emitAmo(ins, k);
        return;
      case 0x73: // CSR access: the interpreter's code through a call-out; state changes that matter here stop translated code
        this.flush();
        b.i32c(insn).i32c(ins.off).i32c(k).i32c(ins.len).call(F_EXEC1);
        this.reload(rd);
        this.leaveIf();
        return;
      default: // FP loads, stores and computations: inline fast paths, the call-outs otherwise (fp-emit.ts)
        this.fp().emit(ins, k);
        return;
    }
  }

  /**
   * AMOs on an aligned address the store TLB maps (RAM, writable, dirty): read-modify-write inline, as the interpreter
   * does through the same TLB. LR/SC and everything else (misaligned, TLB miss, MMIO) run in the interpreter.
   */
  private emitAmo(ins: GuestInsn, k: number): void {
    const b = this.b;
    const insn = ins.insn;
    const rd = (insn >>> 7) & 31,
      rs1 = (insn >>> 15) & 31,
      rs2 = (insn >>> 20) & 31;
    const wide = ((insn >>> 12) & 7) === 3;
    const f5 = insn >>> 27;
    const slow = (): void => {
      this.flush();
      b.i32c(insn).i32c(ins.off).i32c(k).i32c(ins.len).call(F_EXEC1);
      this.reload(rd);
      this.leaveIf();
    };
    if (f5 === 2 || f5 === 3) {
      slow();
      this.markDirty(rd);
      return;
    }
    const size = wide ? 8 : 4;
    this.effAddr(rs1, 0);
    // Operand (sign-extended for .W, whose comparisons are on 32-bit values) before rd is written.
    this.readX(rs2);
    if (!wide) b.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_s);
    b.set(this.u);
    b.get(this.addr)
      .op(Op.i32_wrap_i64)
      .i32c(size - 1)
      .op(Op.i32_and)
      .op(Op.i32_eqz);
    b.if_(I32);
    this.tlbHit(G_STLB, size);
    b.else_().i32c(0).end();
    // 1 when the interpreter must run it: a TLB miss, misaligned, or another hart wrote the word between the read and
    // the compare-and-swap that stores (the interpreter then retries atomically).
    b.if_(I32);
    this.hostAddr();
    b.tee(this.ti)
      .mem(wide ? Op.i64_load : Op.i64_load32_s, 0)
      .set(this.t);
    b.get(this.ti);
    if (!wide) b.get(this.t).op(Op.i32_wrap_i64);
    else b.get(this.t);
    const t = this.t,
      u = this.u;
    switch (f5) {
      case 0x01:
        b.get(u);
        break;
      case 0x00:
        b.get(t).get(u).op(Op.i64_add);
        break;
      case 0x04:
        b.get(t).get(u).op(Op.i64_xor);
        break;
      case 0x0c:
        b.get(t).get(u).op(Op.i64_and);
        break;
      case 0x08:
        b.get(t).get(u).op(Op.i64_or);
        break;
      default: {
        // MIN, MAX, MINU, MAXU: select(old, operand, pick old)
        const cmp = f5 === 0x10 ? Op.i64_lt_s : f5 === 0x14 ? Op.i64_gt_s : f5 === 0x18 ? Op.i64_lt_u : Op.i64_gt_u;
        b.get(t).get(u).get(t).get(u).op(cmp).op(Op.select);
        break;
      }
    }
    if (wide) b.atomic(AtomicOp.i64_rmw_cmpxchg, 3, 0).get(t).op(Op.i64_ne);
    else b.op(Op.i32_wrap_i64).atomic(AtomicOp.i32_rmw_cmpxchg, 2, 0).get(t).op(Op.i32_wrap_i64).op(Op.i32_ne);
    b.else_().i32c(1).end();
    b.if_();
    slow();
    b.else_();
    if (rd !== 0) b.get(t).set(this.regL[rd]);
    b.end();
    this.markDirty(rd);
  }

  private markDirty(r: number): void {
    if (r !== 0) this.dirty.add(r);
  }

  /** RV64 OP and M: pushes the result. */
  private emitOp(f3: number, f7: number, rs1: number, rs2: number): void {
    const b = this.b;
    if (f7 === 1) {
      this.readX(rs1);
      b.set(this.t);
      this.readX(rs2);
      b.set(this.u);
      const t = this.t,
        u = this.u;
      switch (f3) {
        case 0:
          b.get(t).get(u).op(Op.i64_mul);
          return;
        case 1: // MULH: mulhu - (t<0 ? u : 0) - (u<0 ? t : 0)
          this.mulhu();
          b.get(t).i64c(63).op(Op.i64_shr_s).get(u).op(Op.i64_and).op(Op.i64_sub);
          b.get(u).i64c(63).op(Op.i64_shr_s).get(t).op(Op.i64_and).op(Op.i64_sub);
          return;
        case 2: // MULHSU
          this.mulhu();
          b.get(t).i64c(63).op(Op.i64_shr_s).get(u).op(Op.i64_and).op(Op.i64_sub);
          return;
        case 3:
          this.mulhu();
          return;
        case 4: // DIV
          b.get(u).op(Op.i64_eqz).if_(I64).i64c(-1).else_();
          b.get(t).i64c(0, -0x80000000).op(Op.i64_eq).get(u).i64c(-1).op(Op.i64_eq).op(Op.i32_and);
          b.if_(I64).get(t).else_().get(t).get(u).op(Op.i64_div_s).end();
          b.end();
          return;
        case 5:
          b.get(u).op(Op.i64_eqz).if_(I64).i64c(-1).else_().get(t).get(u).op(Op.i64_div_u).end();
          return;
        case 6:
          b.get(u).op(Op.i64_eqz).if_(I64).get(t).else_().get(t).get(u).op(Op.i64_rem_s).end();
          return;
        default:
          b.get(u).op(Op.i64_eqz).if_(I64).get(t).else_().get(t).get(u).op(Op.i64_rem_u).end();
          return;
      }
    }
    this.readX(rs1);
    this.readX(rs2);
    switch (f3) {
      case 0:
        b.op(f7 === 0 ? Op.i64_add : Op.i64_sub);
        return;
      case 1:
        b.op(Op.i64_shl);
        return;
      case 2:
        b.op(Op.i64_lt_s).op(Op.i64_extend_i32_u);
        return;
      case 3:
        b.op(Op.i64_lt_u).op(Op.i64_extend_i32_u);
        return;
      case 4:
        b.op(Op.i64_xor);
        return;
      case 5:
        b.op(f7 === 0 ? Op.i64_shr_u : Op.i64_shr_s);
        return;
      case 6:
        b.op(Op.i64_or);
        return;
      default:
        b.op(Op.i64_and);
        return;
    }
  }

  /** High 64 bits of the unsigned product of t and u, from four 32x32 partial products. */
  private mulhu(): void {
    const b = this.b,
      t = this.t,
      u = this.u,
      w = this.w;
    const lo = (x: number): void => {
      b.get(x).i64c(-1, 0).op(Op.i64_and);
    };
    const hi = (x: number): void => {
      b.get(x).i64c(32).op(Op.i64_shr_u);
    };
    // mid = (lo(t)*lo(u) >> 32) + lo(lo(t)*hi(u)) + lo(hi(t)*lo(u))
    lo(t);
    lo(u);
    b.op(Op.i64_mul).i64c(32).op(Op.i64_shr_u);
    lo(t);
    hi(u);
    b.op(Op.i64_mul).i64c(-1, 0).op(Op.i64_and).op(Op.i64_add);
    hi(t);
    lo(u);
    b.op(Op.i64_mul).i64c(-1, 0).op(Op.i64_and).op(Op.i64_add);
    b.set(w);
    // hi(t)*hi(u) + hi(lo(t)*hi(u)) + hi(hi(t)*lo(u)) + hi(mid)
    hi(t);
    hi(u);
    b.op(Op.i64_mul);
    lo(t);
    hi(u);
    b.op(Op.i64_mul).i64c(32).op(Op.i64_shr_u).op(Op.i64_add);
    hi(t);
    lo(u);
    b.op(Op.i64_mul).i64c(32).op(Op.i64_shr_u).op(Op.i64_add);
    b.get(w).i64c(32).op(Op.i64_shr_u).op(Op.i64_add);
  }

  /** RV64 OP-32 and M's W forms: pushes the sign-extended result. */
  private emitOp32(f3: number, f7: number, rs1: number, rs2: number): void {
    const b = this.b,
      t = this.ti,
      u = this.ui;
    this.readX(rs1);
    b.op(Op.i32_wrap_i64).set(t);
    this.readX(rs2);
    b.op(Op.i32_wrap_i64).set(u);
    if (f7 === 1) {
      switch (f3) {
        case 0:
          b.get(t).get(u).op(Op.i32_mul);
          break;
        case 4:
          b.get(u).op(Op.i32_eqz).if_(I32).i32c(-1).else_();
          b.get(t).i32c(-0x80000000).op(Op.i32_eq).get(u).i32c(-1).op(Op.i32_eq).op(Op.i32_and);
          b.if_(I32).get(t).else_().get(t).get(u).op(Op.i32_div_s).end();
          b.end();
          break;
        case 5:
          b.get(u).op(Op.i32_eqz).if_(I32).i32c(-1).else_().get(t).get(u).op(Op.i32_div_u).end();
          break;
        case 6:
          b.get(u).op(Op.i32_eqz).if_(I32).get(t).else_().get(t).get(u).op(Op.i32_rem_s).end();
          break;
        default:
          b.get(u).op(Op.i32_eqz).if_(I32).get(t).else_().get(t).get(u).op(Op.i32_rem_u).end();
          break;
      }
    } else {
      b.get(t).get(u);
      if (f3 === 0) b.op(f7 === 0 ? Op.i32_add : Op.i32_sub);
      else if (f3 === 1) b.op(Op.i32_shl);
      else b.op(f7 === 0 ? Op.i32_shr_u : Op.i32_shr_s);
    }
    b.op(Op.i64_extend_i32_s);
  }

  /** Branches and jumps: set the pc local to the next pc. */
  private emitJump(ins: GuestInsn): void {
    const b = this.b;
    const insn = ins.insn;
    const rd = (insn >>> 7) & 31,
      rs1 = (insn >>> 15) & 31,
      rs2 = (insn >>> 20) & 31;
    const next = ins.off + ins.len;
    if (ins.kind === Kind.Branch) {
      this.readX(rs1);
      this.readX(rs2);
      b.op([Op.i64_eq, Op.i64_ne, 0, 0, Op.i64_lt_s, Op.i64_ge_s, Op.i64_lt_u, Op.i64_ge_u][(insn >>> 12) & 7]);
      b.if_(I64);
      this.pcAt(ins.off + branchImm(insn));
      b.else_();
      this.pcAt(next);
      b.end();
      b.gset(G_PC);
    } else if (ins.kind === Kind.Jal) {
      this.writeX(rd, () => this.pcAt(next));
      this.pcAt(ins.off + jalImm(insn));
      b.gset(G_PC);
    } else {
      this.readX(rs1);
      b.i64c(insn >> 20)
        .op(Op.i64_add)
        .i64c(-2)
        .op(Op.i64_and)
        .gset(G_PC);
      this.writeX(rd, () => this.pcAt(next));
    }
  }

  /** The FP emitter of this function (fp-emit.ts), with the hooks it needs from here. */
  private fpEmitter: FpEmitter | undefined;
  private fp(): FpEmitter {
    if (this.fpEmitter !== undefined) return this.fpEmitter;
    const host: FpHost = {
      b: this.b,
      hartBase: this.hartBase,
      loadTlbGlobal: G_LTLB,
      storeTlbGlobal: G_STLB,
      readX: (r) => this.readX(r),
      setX: (rd, value) => {
        if (rd !== 0) {
          value();
          this.b.set(this.regL[rd]);
        }
      },
      markDirty: (rd) => this.markDirty(rd),
      effAddr: (rs1, imm) => this.effAddr(rs1, imm),
      tlbHit: (g, size) => this.tlbHit(g, size),
      hostAddr: () => this.hostAddr(),
      slowFp: (ins, k) => {
        this.flush();
        this.b.i32c(ins.insn).i32c(ins.off).i32c(k).call(F_FP);
        if (writesX(ins.entry)) this.reload((ins.insn >>> 7) & 31);
      },
      slowFpMem: (ins, k) => {
        this.flush();
        this.b.i32c(ins.insn).get(this.addr).i32c(ins.off).i32c(k).i32c(ins.len).call(F_FPMEM);
        this.leaveIf();
      },
    };
    return (this.fpEmitter = new FpEmitter(host));
  }
}

/** Pushes the byte offset of the soft-TLB entry (in the table at global `table`) for the address `addrLow` pushes (i32). */
export function tlbEntry(b: FunctionBody, table: number, addrLow: () => void): void {
  b.gget(table);
  addrLow();
  // ((addr >>> 12) & (TLB_ENTRIES - 1)) * 16, in two operations instead of three
  b.i32c(8)
    .op(Op.i32_shr_u)
    .i32c((TLB_ENTRIES - 1) << 4)
    .op(Op.i32_and)
    .op(Op.i32_add);
}
