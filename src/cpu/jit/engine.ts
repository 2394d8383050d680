// The translating engine: runs a hart like Hart.run, interpreting cold code and running hot pages as WebAssembly.
import { isShared } from '../../memory/guest-memory.js';
import { HS_FCSR, HS_FS_DIRTY, HS_FS_ON, HS_PC, TLB_ENTRIES } from '../../memory/layout.js';
import { CAUSE_ILLEGAL_INSTRUCTION, MSTATUS_FS, PRIV_U } from '../constants.js';
import { compressedTable } from '../compressed.js';
import { fpExecute } from '../fpu/execute.js';
import { Hart, StopReason, isTrapUnwind } from '../hart.js';
import { r64 } from '../int64.js';
import { csrAccess } from '../csr.js';
import { checkInterrupts } from '../trap.js';
import { discoverBlocks } from './decode.js';
import { WasmInterpreter, buildWasmInterpreter } from './interp-wasm.js';
import {
  CHAIN_SLOTS,
  CallOuts,
  ChainHub,
  JIT_COUNT,
  JIT_DEPTH,
  JIT_RESULT,
  KERNEL_REGIONS,
  USER_REGIONS,
  R_TRAP,
  TranslatedPage,
  bounceRun,
  buildPage,
  instantiatePage,
  makeChainHub,
} from './translator.js';

export interface JitOptions {
  /** Interpreted instructions on a physical page before it is translated (0: translate on first visit). */
  threshold?: number;
  /**
   * The same for code running in U-mode (default 300,000, or `threshold` when only that is given). Lower than the kernel's
   * default of 3,000,000: a Debian boot runs a broad spread of kernel code a few hundred thousand times per page, where
   * translating does not pay, while user programs spend their time in loops.
   */
  userThreshold?: number;
  /** Interpreted instructions per step on code without translation (default 512; 1 gives tests the most translated code). */
  coldChunk?: number;
  /** Misses (entries without a block) on a translated page before it is translated again (default 8, doubling per retranslation). */
  missLimit?: number;
  /** Heat an entry into a cold page adds, on top of the instructions interpreted there (default 400). */
  entryHeat?: number;
  /**
   * Compile modules with WebAssembly.compile off the main thread and keep interpreting until they are ready.
   * Needs an event loop that turns (the machine's run loop yields every burst); synchronous runners should leave it off.
   */
  asyncCompile?: boolean;
  /**
   * Interpret cold code with the WebAssembly interpreter (interp-wasm.ts), falling back to the hart's TypeScript
   * interpreter for what it leaves out (default true; false runs the TypeScript interpreter only, for comparison).
   */
  wasmInterpreter?: boolean;
}

export interface JitStats {
  compiles: number;
  /** Of those, translations that include code of the next page (see buildPage). */
  spills: number;
  invalidations: number;
  translatedInstructions: number;
  interpretedInstructions: number;
  /** Of those, instructions run by the WebAssembly interpreter (the rest ran in the TypeScript interpreter). */
  interpretedInWasm: number;
  wasmBytes: number;
  /** Calls from the engine into translated code. */
  calls: number;
  /** Host milliseconds spent translating and compiling. */
  compileMs: number;
  /** With `profile` on: host milliseconds inside translated code, inside the interpreter, and in the engine's own loop. */
  translatedMs: number;
  interpretedMs: number;
  runMs: number;
  /** With `profile` on: returns from translated code to JavaScript by reason. */
  exits: {
    trap: number;
    stop: number;
    budget: number;
    fetchTlbMiss: number;
    untranslatedPage: number;
    noFunction: number;
    other: number;
  };
  /** Interpreted instructions by why they were not run translated. */
  interpretedWhy: { noFetchTlb: number; coldPage: number; leftOut: number; miss: number; afterTranslated: number };
}

/** Profiling times one call in this many (a power of two). */
const PROFILE_SAMPLE = 8;

/** How far into the next page the translation of a page follows its code (loops across the boundary, short tails). */
const SPILL_BYTES = 2048;

function sameBytes(u8: Uint8Array, at: number, snapshot: Uint8Array): boolean {
  for (let i = 0; i < snapshot.length; i++) if (u8[at + i] !== snapshot[i]) return false;
  return true;
}

/** Thrown by the exec1 call-out when the instruction it ran in the interpreter trapped (the trap is already entered). */
const INTERPRETER_TRAPPED = { trapped: true };

/** Engines whose harts share one guest memory: a store by any of their harts must drop every engine's code for the page. */
const peersByMemory = new WeakMap<object, JitEngine[]>();

export class JitEngine {
  readonly stats: JitStats = {
    compiles: 0,
    spills: 0,
    invalidations: 0,
    translatedInstructions: 0,
    interpretedInstructions: 0,
    interpretedInWasm: 0,
    wasmBytes: 0,
    calls: 0,
    compileMs: 0,
    translatedMs: 0,
    interpretedMs: 0,
    runMs: 0,
    interpretedWhy: { noFetchTlb: 0, coldPage: 0, leftOut: 0, miss: 0, afterTranslated: 0 },
    exits: { trap: 0, stop: 0, budget: 0, fetchTlbMiss: 0, untranslatedPage: 0, noFunction: 0, other: 0 },
  };
  /**
   * Time calls into translated code and the interpreter (for --stats and bench): a random one call in PROFILE_SAMPLE is
   * timed and counted PROFILE_SAMPLE times, since two clock reads around every call slowed a boot by about 10 %.
   * (Random, not every n-th: calls of the two kinds alternate in patterns that a fixed stride would alias with.)
   */
  profile = false;
  private sampleSeed = 0x2545f491;
  private sample(): boolean {
    let x = this.sampleSeed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5; // xorshift32
    this.sampleSeed = x;
    return (x & (PROFILE_SAMPLE - 1)) === 0;
  }
  private readonly m32: Int32Array;
  private readonly threshold: number;
  private readonly userThreshold: number;
  private readonly coldChunk: number;
  private readonly missLimit: number;
  private readonly entryHeat: number;
  private readonly asyncCompile: boolean;
  /** Bumped when a page's translation is dropped, so a compilation that finishes later is discarded. */
  private readonly generation: Int32Array;
  private readonly pending: Uint8Array;
  /** Asynchronous compilations of kernel pages under way: each installs only when the event loop turns. */
  private kernelCompiles = 0;
  get kernelCompiling(): number {
    return this.kernelCompiles;
  }
  private readonly ramPages: number;
  private readonly pages: (TranslatedPage | undefined)[];
  /** Interpreted instructions per physical page since its last translation. */
  private readonly heat: Float64Array;
  private readonly misses: Int32Array;
  private readonly recompiles: Int32Array;
  /** Non-zero for pages with translated code: stores to them must reach the slow path. */
  private readonly codePage: Uint8Array;
  /** Per physical page, the pages whose translations include code read from it (buildPage's next page). */
  private readonly spilledInto = new Map<number, Set<number>>();
  /** Entry offsets observed per physical page. */
  private readonly entries: (Uint8Array | undefined)[] = [];
  private readonly cexp = compressedTable();
  private readonly callOuts: CallOuts;
  private readonly pcIndex: number;
  private readonly countIndex: number;
  private readonly resultIndex: number;
  private readonly depthIndex: number;
  private readonly peers: JitEngine[];
  /** The chain table (translated pages' run functions by physical page modulo CHAIN_SLOTS, bounceRun when empty): code chains through it. */
  private readonly chain: ChainHub;
  /** Physical page + 1 whose run is in each chain slot (0: bounceRun). */
  private readonly chainOwner = new Int32Array(CHAIN_SLOTS);
  /** Set by the load and store call-outs when the access trapped: translated code then returns instead of unwinding. */
  private calloutTrapped = false;
  /** Where the last interpreter chunk stopped (a cold chunk starting there continues it rather than entering). */
  private coldEndLo = 1;
  private coldEndHi = 0;
  /** The WebAssembly interpreter for cold code (null: the TypeScript interpreter only). */
  private readonly wasmInterp: WasmInterpreter | null;

  constructor(
    readonly hart: Hart,
    options: JitOptions = {},
  ) {
    this.m32 = hart.m32;
    this.threshold = options.threshold ?? 3_000_000;
    this.userThreshold = options.userThreshold ?? options.threshold ?? 300_000;
    this.coldChunk = options.coldChunk ?? 512;
    this.missLimit = options.missLimit ?? 8;
    this.entryHeat = options.entryHeat ?? 400;
    this.asyncCompile = options.asyncCompile ?? false;
    const mem = hart.mem;
    this.ramPages = mem.ramSize >>> 12;
    this.pages = new Array<TranslatedPage | undefined>(this.ramPages);
    this.heat = new Float64Array(this.ramPages);
    this.misses = new Int32Array(this.ramPages);
    this.recompiles = new Int32Array(this.ramPages);
    this.codePage = new Uint8Array(this.ramPages);
    this.generation = new Int32Array(this.ramPages);
    this.pending = new Uint8Array(this.ramPages);
    this.pcIndex = (hart.base + HS_PC) >> 2;
    this.countIndex = (hart.base + JIT_COUNT) >> 2;
    this.resultIndex = (hart.base + JIT_RESULT) >> 2;
    this.depthIndex = (hart.base + JIT_DEPTH) >> 2;
    this.callOuts = this.makeCallOuts();
    this.wasmInterp = (options.wasmInterpreter ?? true) ? buildWasmInterpreter(mem.memory, hart.base) : null;
    this.chain = makeChainHub(this.callOuts);
    let peers = peersByMemory.get(mem);
    if (peers === undefined) {
      peers = [];
      peersByMemory.set(mem, peers);
    }
    peers.push(this);
    this.peers = peers;
    this.hookStoreTranslation();
  }

  /**
   * Every store to a page without a store-TLB entry goes through hart.translate; pages with code have theirs dropped
   * when translated, so the first store after translation reaches the hart's onStoreTranslate hook and drops the code.
   */
  private hookStoreTranslation(): void {
    const h = this.hart;
    const ramBase = h.mem.ramBase;
    h.onStoreTranslate = (pa: number): void => {
      const page = Math.floor((pa - ramBase) / 4096);
      if (page >= 0 && page < this.ramPages && this.anyCode(page)) {
        for (const peer of this.peers) if (peer.codePage[page] !== 0) peer.invalidatePage(page);
        h.breakSlice = true; // translated code running on that page must stop after this store
      }
    };
  }

  private anyCode(page: number): boolean {
    for (const peer of this.peers) if (peer.codePage[page] !== 0) return true;
    return false;
  }

  /** Drops translated code overlapping guest-physical [pa, pa+len), in every engine on this memory (device DMA, loaders). */
  invalidateRange(pa: number, len: number): void {
    const first = Math.max(0, Math.floor((pa - this.hart.mem.ramBase) / 4096));
    const last = Math.min(this.ramPages - 1, Math.floor((pa + len - 1 - this.hart.mem.ramBase) / 4096));
    for (const peer of this.peers) {
      for (let p = first; p <= last; p++) if (peer.codePage[p] !== 0) peer.invalidatePage(p);
    }
  }

  /** Drops all translated code. */
  invalidateAll(): void {
    for (let p = 0; p < this.ramPages; p++) if (this.codePage[p] !== 0) this.invalidatePage(p);
  }

  private invalidatePage(page: number): void {
    const spillers = this.spilledInto.get(page);
    if (spillers !== undefined) {
      this.spilledInto.delete(page);
      for (const p of spillers) if (this.pages[p] !== undefined) this.invalidatePage(p);
    }
    const slot = page & (CHAIN_SLOTS - 1);
    if (this.chainOwner[slot] === page + 1) {
      this.chain.table.set(slot, bounceRun);
      this.chainOwner[slot] = 0;
    }
    this.pages[page] = undefined;
    this.codePage[page] = 0;
    this.heat[page] = 0;
    this.misses[page] = 0;
    this.generation[page]++;
    this.stats.invalidations++;
  }

  /** Runs up to `budget` instructions, like Hart.run: interrupts are taken at the same kind of slice boundaries. */
  run(budget: number): number {
    if (!this.profile) return this.runUnprofiled(budget);
    const t0 = performance.now();
    const r = this.runUnprofiled(budget);
    this.stats.runMs += performance.now() - t0;
    return r;
  }

  private runUnprofiled(budget: number): number {
    const h = this.hart;
    h.stopReason = StopReason.Budget;
    let left = budget;
    while (left > 0) {
      h.updateTimer();
      if ((h.mip & h.mie) !== 0 && checkInterrupts(h)) {
        if (h.stopReason !== StopReason.Budget) return h.stopReason;
      }
      h.breakSlice = false;
      const p = h.priv;
      let ran = 0;
      const t0 = performance.now();
      do {
        const n = this.slice(left - ran);
        ran += n;
        h.instret += n;
      } while (!h.breakSlice && ran < left && h.stopReason === StopReason.Budget);
      h.msByPriv[p] += performance.now() - t0;
      h.instretByPriv[p] += ran;
      left -= ran > 0 ? ran : 1;
      if (h.stopReason !== StopReason.Budget) return h.stopReason;
    }
    return h.stopReason;
  }

  /** Runs translated code or the interpreter from the current pc; returns instructions retired. */
  private slice(limit: number): number {
    const h = this.hart,
      m32 = this.m32;
    const pcLo = h.pcLo,
      pcHi = h.pcHi;
    const e = h.fetchTlb + (((pcLo >>> 12) & (TLB_ENTRIES - 1)) << 2);
    const why = this.stats.interpretedWhy;
    if (m32[e] !== (pcLo & -4096) || m32[e + 1] !== pcHi) {
      const n = this.interpret(Math.min(limit, this.coldChunk));
      why.noFetchTlb += n;
      return n;
    }
    const host = m32[e + 2] >>> 0; // host offsets may exceed 2^31
    const page = (host - h.mem.ramOffset) >>> 12;
    const off = pcLo & 4095;
    let tp = this.pages[page];
    // Where a trap interrupted the code (pc after SRET or MRET) is not an entry: noting it would give a function to an
    // arbitrary offset inside a block.
    const resumed = h.trapReturned;
    h.trapReturned = false;
    if (tp === undefined) {
      // Nor is where the previous cold chunk stopped: noting it would cut a block there.
      if (!resumed && (pcLo !== this.coldEndLo || pcHi !== this.coldEndHi)) {
        this.noteEntry(page, off);
        // Every entry into a cold page costs a return to JavaScript and a dispatch, so entries heat the page too:
        // code entered often for a few instructions (small library functions) gets translated as well.
        this.heat[page] += this.entryHeat;
      }
      if (this.heat[page] >= (h.priv === PRIV_U ? this.userThreshold : this.threshold) && this.pending[page] === 0)
        tp = this.compile(page, host);
      if (tp === undefined) {
        const n = this.interpret(Math.min(limit, this.coldChunk));
        this.heat[page] += n;
        why.coldPage += n;
        return n;
      }
    }
    const idx = tp.entry[off >> 1];
    if (idx >= 0) {
      const n = this.runTranslated(tp, page, limit);
      if (n > 0 || h.breakSlice) return n;
      const k = this.interpret(Math.min(limit, this.coldChunk));
      why.afterTranslated += k;
      return k;
    }
    if (idx === -2) {
      const n = this.interpret(1);
      why.leftOut += n;
      return n;
    }
    if (!resumed) {
      this.noteEntry(page, off);
      if (++this.misses[page] >= this.missLimit << Math.min(this.recompiles[page], 10)) {
        this.recompiles[page]++;
        if (this.pending[page] === 0) this.compile(page, host);
      }
    }
    // Interpret only to the next jump: where it lands may have a function (a whole chunk would rarely end on one).
    h.stopAtJump = true;
    const n = this.interpret(Math.min(limit, this.coldChunk));
    h.stopAtJump = false;
    why.miss += n;
    return n;
  }

  private runTranslated(tp: TranslatedPage, page: number, limit: number): number {
    const h = this.hart,
      m32 = this.m32;
    m32[this.pcIndex] = h.pcLo;
    m32[this.pcIndex + 1] = h.pcHi;
    // FP runs inline only while FS is Dirty; mstatus changes only between calls (traps, CSR writes stop translated code).
    m32[(h.base + HS_FS_DIRTY) >> 2] = (h.mstatus & MSTATUS_FS) === MSTATUS_FS ? 1 : 0;
    m32[(h.base + HS_FS_ON) >> 2] = (h.mstatus & MSTATUS_FS) !== 0 ? 1 : 0;
    m32[this.depthIndex] = 0; // no caller waits in a wasm frame (a trap may have unwound them)
    let n: number;
    this.stats.calls++;
    const timed = this.profile && this.sample();
    const t0 = timed ? performance.now() : 0;
    try {
      n = tp.run(h.loadTlb << 2, h.storeTlb << 2, h.fetchTlb << 2, limit, 0, page);
      if (timed) this.stats.translatedMs += (performance.now() - t0) * PROFILE_SAMPLE;
      if (this.calloutTrapped) {
        this.calloutTrapped = false;
        return this.afterTrap();
      } // a load or store trapped
    } catch (e) {
      if (timed) this.stats.translatedMs += (performance.now() - t0) * PROFILE_SAMPLE;
      if (!isTrapUnwind(e) && e !== INTERPRETER_TRAPPED) throw e;
      return this.afterTrap();
    }
    h.pcLo = m32[this.pcIndex];
    h.pcHi = m32[this.pcIndex + 1];
    this.stats.translatedInstructions += n;
    if (this.profile) this.classifyExit(n, limit);
    return n;
  }

  /** After translated code stopped at a trap: the trap is entered (pc is the handler's); the call-out published the count. */
  private afterTrap(): number {
    if (this.profile) this.stats.exits.trap++;
    this.hart.breakSlice = true;
    const n = this.m32[this.countIndex];
    this.stats.translatedInstructions += n;
    return n;
  }

  /** --stats: why translated code returned to JavaScript (traps are counted where they are caught). */
  private classifyExit(n: number, limit: number): void {
    const h = this.hart,
      m32 = this.m32,
      x = this.stats.exits;
    if (h.breakSlice) {
      x.stop++;
      return;
    }
    if (limit - n < 64) {
      x.budget++;
      return;
    }
    const e = h.fetchTlb + (((h.pcLo >>> 12) & (TLB_ENTRIES - 1)) << 2);
    if (m32[e] !== (h.pcLo & -4096) || m32[e + 1] !== h.pcHi) {
      x.fetchTlbMiss++;
      return;
    }
    const page = (m32[e + 2] - h.mem.ramOffset) >>> 12;
    const tp = this.pages[page];
    if (tp === undefined) {
      x.untranslatedPage++;
      return;
    }
    if (tp.entry[(h.pcLo & 4095) >> 1] < 0) {
      x.noFunction++;
      return;
    }
    x.other++;
  }

  private interpret(limit: number): number {
    if (this.profile && this.sample()) {
      const t0 = performance.now();
      try {
        return this.interpretUnprofiled(limit);
      } finally {
        this.stats.interpretedMs += (performance.now() - t0) * PROFILE_SAMPLE;
      }
    }
    return this.interpretUnprofiled(limit);
  }

  private interpretUnprofiled(limit: number): number {
    const h = this.hart;
    const n = this.wasmInterp === null ? h.interpret(limit) : this.interpretMixed(this.wasmInterp, limit);
    this.stats.interpretedInstructions += n;
    this.coldEndLo = h.pcLo;
    this.coldEndHi = h.pcHi;
    return n;
  }

  /**
   * Interprets up to `limit` instructions in the WebAssembly interpreter, handing each instruction it leaves out to the
   * hart's TypeScript interpreter (which then sees the instructions retired so far in instret, as CSR reads need).
   */
  private interpretMixed(wasm: WasmInterpreter, limit: number): number {
    const h = this.hart,
      m32 = this.m32,
      pcIndex = this.pcIndex;
    const stopAtJump = h.stopAtJump ? 1 : 0;
    let n = 0;
    for (;;) {
      m32[pcIndex] = h.pcLo;
      m32[pcIndex + 1] = h.pcHi;
      const r = wasm(limit - n, stopAtJump, h.loadTlb << 2, h.storeTlb << 2, h.fetchTlb << 2);
      const k = r >>> 1;
      n += k;
      this.stats.interpretedInWasm += k;
      h.pcLo = m32[pcIndex];
      h.pcHi = m32[pcIndex + 1];
      if ((r & 1) === 0 || n >= limit) return n;
      h.instret += n;
      const j = h.interpret(1);
      h.instret -= n;
      n += j;
      // A trap (j = 0) or a state change ends the chunk, and so does any instruction under stopAtJump: the TypeScript
      // interpreter does not say whether it jumped.
      if (j === 0 || h.breakSlice || stopAtJump !== 0 || n >= limit) return n;
    }
  }

  private noteEntry(page: number, off: number): void {
    // One byte per halfword of the page: noted once per cold chunk, so cheaper than a Set.
    let s = this.entries[page];
    if (s === undefined) {
      s = new Uint8Array(2048);
      this.entries[page] = s;
    }
    s[off >> 1] = 1;
  }

  /** Translates a page; returns the translation, or undefined while an asynchronous compilation runs. */
  private compile(page: number, host: number): TranslatedPage | undefined {
    const t0 = performance.now();
    const h = this.hart;
    const u16 = h.u16;
    const read = (o: number): number => u16[(host + o) >>> 1];
    const seen = this.entries[page];
    const offs: number[] = [];
    if (seen !== undefined) for (let i = 0; i < 2048; i++) if (seen[i] !== 0) offs.push(i << 1);
    // The next virtual page, when the fetch TLB maps it now: code running into it can be translated with this page's.
    const nextLo = ((h.pcLo & -4096) + 4096) | 0,
      nextHi = nextLo === 0 ? (h.pcHi + 1) | 0 : h.pcHi;
    const ne = h.fetchTlb + (((nextLo >>> 12) & (TLB_ENTRIES - 1)) << 2);
    const nextTlbHost = this.m32[ne + 2] >>> 0;
    const nextHost = this.m32[ne] === nextLo && this.m32[ne + 1] === nextHi && nextTlbHost !== host ? nextTlbHost : -1;
    const readBoth = (o: number): number => u16[((o < 4096 ? host : nextHost - 4096) + o) >>> 1];
    const { blocks, interp } =
      nextHost >= 0 ? discoverBlocks(readBoth, offs, this.cexp, SPILL_BYTES) : discoverBlocks(read, offs, this.cexp);
    const spills = blocks.some((blk) => blk.off >= 4096 || blk.insns.some((ins) => ins.off + ins.len > 4096));
    const next = spills ? nextHost : -1;
    const built = buildPage(
      blocks,
      interp,
      h.base,
      h.mem.ramOffset,
      page,
      offs,
      next,
      h.priv === PRIV_U ? USER_REGIONS : KERNEL_REGIONS,
      isShared(h.mem.memory),
    );
    if (this.asyncCompile) {
      this.pending[page] = 1;
      const kernel = h.priv !== PRIV_U;
      if (kernel) this.kernelCompiles++;
      this.heat[page] = 0;
      this.misses[page] = 0;
      const gen = this.generation[page];
      // A store that lands on the page before the module is installed bumps the generation; the page is only marked
      // as code at install time, so translate now-stale bytes only if nothing was written since: check the bytes too.
      const snapshot = h.u8.slice(host, host + 4096);
      const nextSnapshot = next >= 0 ? h.u8.slice(next, next + 4096) : null;
      WebAssembly.compile(built.bytes).then(
        (mod) => {
          this.pending[page] = 0;
          if (kernel) this.kernelCompiles--;
          if (this.generation[page] !== gen) return;
          if (!sameBytes(h.u8, host, snapshot) || (nextSnapshot !== null && !sameBytes(h.u8, next, nextSnapshot)))
            return;
          this.install(page, host, instantiatePage(built, mod, h.mem.memory, this.chain), 0, next);
        },
        () => {
          this.pending[page] = 0;
          if (kernel) this.kernelCompiles--;
        },
      );
      this.stats.compileMs += performance.now() - t0;
      return undefined;
    }
    return this.install(
      page,
      host,
      instantiatePage(built, new WebAssembly.Module(built.bytes), h.mem.memory, this.chain),
      t0,
      next,
    );
  }

  /** Installs a page's translation; `next` is the host offset of the next page when the translation read code from it. */
  private install(page: number, host: number, tp: TranslatedPage, t0: number, next: number): TranslatedPage {
    if (next >= 0) {
      this.watchSpill(page, next);
      this.stats.spills++;
    }
    this.pages[page] = tp;
    this.chain.table.set(page & (CHAIN_SLOTS - 1), tp.run);
    this.chainOwner[page & (CHAIN_SLOTS - 1)] = page + 1;
    this.misses[page] = 0;
    this.stats.compiles++;
    this.stats.wasmBytes += tp.wasmBytes;
    if (this.codePage[page] === 0) {
      this.codePage[page] = 1;
      // Every hart on this memory must take its next store to the page through translate (and so the hook).
      for (const peer of this.peers) {
        const ph = peer.hart;
        const keep = ph.breakSlice; // dropping TLB entries changes nothing a running slice depends on
        ph.flushHostPage(host);
        ph.breakSlice = keep;
      }
    }
    if (t0 > 0) this.stats.compileMs += performance.now() - t0;
    return tp;
  }

  /** A store to the next page (whose code `page` inlines) must drop `page`'s translation, as a store to `page` itself. */
  private watchSpill(page: number, nextHost: number): void {
    const next = (nextHost - this.hart.mem.ramOffset) >>> 12;
    let set = this.spilledInto.get(next);
    if (set === undefined) {
      set = new Set();
      this.spilledInto.set(next, set);
    }
    set.add(page);
    if (this.codePage[next] === 0) {
      this.codePage[next] = 1;
      for (const peer of this.peers) {
        const keep = peer.hart.breakSlice;
        peer.hart.flushHostPage(nextHost);
        peer.hart.breakSlice = keep;
      }
    }
  }

  private makeCallOuts(): CallOuts {
    const h = this.hart,
      m32 = this.m32;
    const pcIndex = this.pcIndex,
      res = this.resultIndex,
      countIndex = this.countIndex;
    const sync = (): void => {
      h.pcLo = m32[pcIndex];
      h.pcHi = m32[pcIndex + 1];
    };
    const fsDirty = (h.base + HS_FS_DIRTY) >> 2;
    const fsOff = (insn: number): void => {
      if ((h.mstatus & MSTATUS_FS) === 0) h.raise(CAUSE_ILLEGAL_INSTRUCTION, insn, 0);
    };
    // Loads and stores report a trap by their result (R_TRAP) rather than by unwinding: translated code skips writing
    // its registers back before these, the most frequent call-outs, and does it on its way out instead.
    const trapped = (e: unknown): number => {
      if (!isTrapUnwind(e)) throw e;
      this.calloutTrapped = true;
      return R_TRAP;
    };
    return {
      load: (f3, vlo, vhi) => {
        sync();
        let lo: number, hi: number;
        try {
          switch (f3) {
            case 0:
              lo = (h.load8(vlo, vhi) << 24) >> 24;
              hi = lo >> 31;
              break;
            case 1:
              lo = (h.load16(vlo, vhi) << 16) >> 16;
              hi = lo >> 31;
              break;
            case 2:
              lo = h.load32(vlo, vhi);
              hi = lo >> 31;
              break;
            case 3:
              lo = h.load64(vlo, vhi);
              hi = r64.hi;
              break;
            case 4:
              lo = h.load8(vlo, vhi);
              hi = 0;
              break;
            case 5:
              lo = h.load16(vlo, vhi);
              hi = 0;
              break;
            default:
              lo = h.load32(vlo, vhi);
              hi = 0;
              break;
          }
        } catch (e) {
          return trapped(e);
        }
        m32[res] = lo;
        m32[res + 1] = hi;
        return 0;
      },
      store: (f3, vlo, vhi, lo, hi) => {
        sync();
        try {
          switch (f3) {
            case 0:
              h.store8(vlo, vhi, lo & 0xff);
              break;
            case 1:
              h.store16(vlo, vhi, lo & 0xffff);
              break;
            case 2:
              h.store32(vlo, vhi, lo);
              break;
            default:
              h.store64(vlo, vhi, lo, hi);
              break;
          }
        } catch (e) {
          return trapped(e);
        }
        return h.breakSlice ? 1 : 0;
      },
      fp: (insn) => {
        sync();
        fsOff(insn);
        const fi = (h.base + HS_FCSR) >> 2;
        const fcsr = m32[fi];
        const flags = fpExecute(h.regs, insn, fcsr >>> 5);
        if (flags < 0) h.raise(CAUSE_ILLEGAL_INSTRUCTION, insn, 0);
        h.x[0] = 0;
        h.x[1] = 0; // FP compares and moves may name x0
        m32[fi] = fcsr | flags;
        h.mstatus |= MSTATUS_FS;
        m32[fsDirty] = 1; // the next FP instructions of this call run inline
      },
      fpmem: (insn, vlo, vhi) => {
        sync();
        fsOff(insn);
        const f = h.f,
          d = ((insn >>> 7) & 31) << 1,
          s = ((insn >>> 20) & 31) << 1;
        const wide = ((insn >>> 12) & 7) === 3;
        if ((insn & 0x7f) === 0x07) {
          if (wide) {
            const lo = h.load64(vlo, vhi);
            f[d] = lo;
            f[d + 1] = r64.hi;
          } else {
            f[d] = h.load32(vlo, vhi);
            f[d + 1] = -1;
          }
          h.mstatus |= MSTATUS_FS;
          m32[fsDirty] = 1;
          return 0;
        }
        if (wide) h.store64(vlo, vhi, f[s], f[s + 1]);
        else h.store32(vlo, vhi, f[s]);
        return h.breakSlice ? 1 : 0;
      },
      exec1: (insn) => {
        sync();
        if ((insn & 0x7f) === 0x73) {
          // As the interpreter does it, with the counters at this instruction (the slice's count so far is published).
          csrAccess(
            h,
            insn,
            (insn >>> 12) & 7,
            ((insn >>> 7) & 31) << 1,
            ((insn >>> 15) & 31) << 1,
            h.instret + m32[countIndex],
          );
          h.x[0] = 0;
          h.x[1] = 0;
          return h.breakSlice ? 1 : 0;
        }
        // Translated code runs only with breakSlice clear (a call-out that sets it stops the code), so a zero count
        // means the instruction trapped: the trap is entered, unwind like a trapping call-out.
        if (h.interpret(1) === 0) throw INTERPRETER_TRAPPED;
        return h.breakSlice ? 1 : 0;
      },
    };
  }
}
