// One RISC-V RV64GC hart: architectural state in the shared memory, the interpreter loop, and memory access paths.
import { Bus } from '../bus/bus.js';
import { GuestMemory } from '../memory/guest-memory.js';
import {
  HS_FCSR,
  HS_PRIV,
  HS_RESERVATION,
  HS_RESERVATION_VAL,
  TLB_ENTRIES,
  TLB_KIND_FETCH,
  TLB_KIND_LOAD,
  TLB_KIND_STORE,
  TLB_REGIME_M,
  TLB_REGIME_S,
  TLB_REGIME_U,
  hartBlockOffset,
  tlbTableOffset,
} from '../memory/layout.js';
import { compressedTable } from './compressed.js';
import {
  CAUSE_BREAKPOINT,
  CAUSE_ECALL_U,
  CAUSE_FETCH_ACCESS,
  CAUSE_FETCH_PAGE_FAULT,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_LOAD_ACCESS,
  CAUSE_LOAD_PAGE_FAULT,
  CAUSE_MISALIGNED_LOAD,
  CAUSE_MISALIGNED_STORE,
  CAUSE_STORE_ACCESS,
  CAUSE_STORE_PAGE_FAULT,
  MIP_STIP,
  MSTATUS_FS,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_TSR,
  MSTATUS_TVM,
  MSTATUS_TW,
  PRIV_M,
  PRIV_S,
  PRIV_U,
  MENVCFG_HI_STCE,
  FENCE_W_TO_R,
} from './constants.js';
import { csrAccess } from './csr.js';
import { divrem64, mul64, mulh64, mulhsu64, mulhu64, r64 } from './int64.js';
import { walk } from './mmu.js';
import { checkInterrupts, doMret, doSret, enterTrap } from './trap.js';
import { fpExecute } from './fpu/execute.js';

export const StopReason = { Budget: 0, Wfi: 1, MachineTrap: 2 } as const;

/** Thrown (never allocated per trap) to unwind the interpreter after a trap has been entered. */
const TRAP_UNWIND = { trap: true };

/** JIT hook: whether `e` is the interpreter's trap unwind (the translator's call-outs throw it through generated code). */
export function isTrapUnwind(e: unknown): boolean {
  return e === TRAP_UNWIND;
}

const TLB_MASK = TLB_ENTRIES - 1;
/** S/U soft-TLB fills remembered between flushes; beyond this many, a flush clears the whole tables. */
const TLB_FILL_LOG = 2048;
const PAGE_MASK = -4096;

const TWO32 = 4294967296;
/** Bytes mapped by a leaf PTE at each level of the walk (a variable power of two compiles to a call of pow). */
const SUPERPAGE_BYTES = [4096, 2 ** 21, 2 ** 30, 2 ** 39];

export class Hart {
  readonly m32: Int32Array;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly dv: DataView;
  readonly base: number;
  /** x0..x31 then f0..f31 as (lo, hi) int32 pairs: a view of the hart block, shared with generated code. */
  readonly regs: Int32Array;
  readonly x: Int32Array;
  readonly f: Int32Array;
  private readonly cexp = compressedTable();

  pcLo = 0;
  pcHi = 0;
  /** Retired instructions (also mcycle/minstret/cycle/instret). */
  instret = 0;

  // Trap state handed to the host when firmwareTraps is set.
  firmwareTraps = false;
  trapCause = 0;
  trapInterrupt = false;
  trapTvalLo = 0;
  trapTvalHi = 0;

  // CSRs. 64-bit CSRs are (lo, hi) pairs; mstatus' high half is constant (UXL = SXL = 64 bits).
  mstatus = 0;
  /** Word indexes of the S/U soft-TLB entries filled since the last flush (see flushTlb), and how many there were. */
  private readonly tlbFillLog = new Int32Array(TLB_FILL_LOG);
  private tlbFills = TLB_FILL_LOG + 1;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  mip = 0;
  mtvecLo = 0;
  mtvecHi = 0;
  stvecLo = 0;
  stvecHi = 0;
  mepcLo = 0;
  mepcHi = 0;
  sepcLo = 0;
  sepcHi = 0;
  mcauseLo = 0;
  mcauseHi = 0;
  scauseLo = 0;
  scauseHi = 0;
  mtvalLo = 0;
  mtvalHi = 0;
  stvalLo = 0;
  stvalHi = 0;
  mscratchLo = 0;
  mscratchHi = 0;
  sscratchLo = 0;
  sscratchHi = 0;
  satpLo = 0;
  satpHi = 0;
  mcounteren = 0;
  scounteren = 0;
  mcountinhibit = 0;
  menvcfgLo = 0;
  menvcfgHi = 0;
  senvcfg = 0;
  stimecmpLo = -1;
  stimecmpHi = -1;
  /** stimecmp as a number for comparisons (exact below 2^53, larger values never fire). */
  stimecmp = Infinity;
  readonly pmpcfg = new Int32Array(32); // 16 registers as pairs (only even ones exist on RV64)
  readonly pmpaddr = new Int32Array(128); // 64 registers as pairs
  mcycleOffset = 0;
  minstretOffset = 0;

  /** JIT hook: end interpret() after the next taken branch or jump (so the engine can look for translated code there). */
  stopAtJump = false;
  /** Set when the slice must end after the current instruction (state that the loop caches changed). */
  breakSlice = false;
  /**
   * Set by SRET and MRET (pc is then wherever the trap interrupted, usually inside a block): the JIT engine does not
   * take that pc for an entry into the code, and clears the flag.
   */
  trapReturned = false;
  /** JIT hook: called with the physical address after every store translation (null: no translator watches). */
  onStoreTranslate: ((pa: number) => void) | null = null;
  stopReason: number = StopReason.Budget;
  /** Host clock for time/stimecmp, in 10 MHz ticks. */
  timeSource: () => number = defaultTimeSource;

  /** i32 indexes (into m32) of the TLB tables in force for fetch, load and store. */
  fetchTlb = 0;
  loadTlb = 0;
  storeTlb = 0;

  /** Statistics: traps by cause (exceptions) and by interrupt number. */
  readonly exceptionCounts = new Float64Array(32);
  readonly interruptCounts = new Float64Array(32);
  /** Statistics: retired instructions by privilege mode (each slice runs in one mode: mode changes end it). */
  readonly instretByPriv = new Float64Array(4);
  /** Statistics: host milliseconds spent executing in each privilege mode. */
  readonly msByPriv = new Float64Array(4);

  constructor(
    readonly hartId: number,
    readonly mem: GuestMemory,
    readonly bus: Bus,
  ) {
    this.m32 = mem.i32;
    this.u8 = mem.u8;
    this.u16 = mem.u16;
    this.dv = mem.dv;
    this.base = hartBlockOffset(hartId);
    this.regs = new Int32Array(mem.buffer, this.base, 128);
    this.x = this.regs.subarray(0, 64);
    this.f = this.regs.subarray(64, 128);
    this.reset();
  }

  /** Power-on state: M-mode, everything zero, TLB empty. */
  reset(): void {
    this.regs.fill(0);
    this.pcLo = 0;
    this.pcHi = 0;
    this.priv = PRIV_M;
    this.fcsr = 0;
    this.mstatus = 0;
    this.medeleg = 0;
    this.mideleg = 0;
    this.mie = 0;
    this.mip = 0;
    this.satpLo = 0;
    this.satpHi = 0;
    this.stimecmpLo = -1;
    this.stimecmpHi = -1;
    this.stimecmp = Infinity;
    this.menvcfgLo = 0;
    this.menvcfgHi = 0;
    this.reservation = -1;
    this.flushTlb(true);
  }

  /**
   * LR/SC reservation: host offset of the reserved word in RAM as an int32 (offsets above 2^31 read back negative), -1 for
   * none (in the hart block: the WebAssembly interpreter runs LR/SC too).
   */
  get reservation(): number {
    return this.m32[(this.base + HS_RESERVATION) >> 2];
  }
  set reservation(host: number) {
    this.m32[(this.base + HS_RESERVATION) >> 2] = host;
  }

  get priv(): number {
    return this.m32[(this.base + HS_PRIV) >> 2];
  }
  set priv(p: number) {
    this.m32[(this.base + HS_PRIV) >> 2] = p;
    this.selectTlbs();
  }
  get fcsr(): number {
    return this.m32[(this.base + HS_FCSR) >> 2];
  }
  set fcsr(v: number) {
    this.m32[(this.base + HS_FCSR) >> 2] = v & 0xff;
  }

  getX(i: number): bigint {
    return (BigInt(this.x[2 * i + 1]) << 32n) | BigInt(this.x[2 * i] >>> 0);
  }
  setX(i: number, v: bigint): void {
    if (i === 0) return;
    this.x[2 * i] = Number(BigInt.asIntN(32, v));
    this.x[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  getF(i: number): bigint {
    return (BigInt(this.f[2 * i + 1]) << 32n) | BigInt(this.f[2 * i] >>> 0);
  }
  getPc(): bigint {
    return (BigInt(this.pcHi) << 32n) | BigInt(this.pcLo >>> 0);
  }
  setPc(v: bigint): void {
    this.pcLo = Number(BigInt.asIntN(32, v));
    this.pcHi = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Raise or lower an interrupt-pending bit in mip (devices, the CLINT/PLIC, the hypervisor). */
  setPending(mipBit: number, level: boolean): void {
    if (level) this.mip |= 1 << mipBit;
    else this.mip &= ~(1 << mipBit);
  }

  /** Time in 10 MHz ticks, as the time CSR reads it. */
  time(): number {
    return this.timeSource();
  }

  /** Sstc: the supervisor timer is pending while time >= stimecmp (when menvcfg.STCE enables it). */
  updateTimer(): void {
    if ((this.menvcfgHi & MENVCFG_HI_STCE) !== 0) {
      if (this.timeSource() >= this.stimecmp) this.mip |= MIP_STIP;
      else this.mip &= ~MIP_STIP;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // TLB management

  /** Data accesses use MPP's privilege when MPRV is set in M-mode. */
  effectiveDataPriv(): number {
    const p = this.priv;
    if (p === PRIV_M && (this.mstatus & MSTATUS_MPRV) !== 0) return (this.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
    return p;
  }

  private regimeFor(p: number): number {
    if (p === PRIV_M || this.satpHi >>> 28 === 0) return TLB_REGIME_M;
    return p === PRIV_S ? TLB_REGIME_S : TLB_REGIME_U;
  }

  /** Recompute which TLB tables are in force (after a privilege, MPRV/MPP or satp change). */
  selectTlbs(): void {
    const fr = this.regimeFor(this.priv);
    const dr = this.regimeFor(this.effectiveDataPriv());
    this.fetchTlb = (this.base + tlbTableOffset(fr, TLB_KIND_FETCH)) >> 2;
    this.loadTlb = (this.base + tlbTableOffset(dr, TLB_KIND_LOAD)) >> 2;
    this.storeTlb = (this.base + tlbTableOffset(dr, TLB_KIND_STORE)) >> 2;
    this.breakSlice = true;
  }

  /** Drop translations: S and U regimes (satp, SFENCE.VMA, SUM/MXR changes), and M's too when asked. */
  flushTlb(all = false): void {
    if (all || this.tlbFills > TLB_FILL_LOG) {
      const from = all ? TLB_REGIME_M : TLB_REGIME_S;
      for (let r = from; r <= TLB_REGIME_U; r++) {
        for (let k = 0; k < 3; k++) {
          const t = (this.base + tlbTableOffset(r, k)) >> 2;
          for (let i = 0; i < TLB_ENTRIES; i++) this.m32[t + i * 4] = 1; // tag with low bit set never matches
        }
      }
    } else {
      // Only the entries filled since the last flush can be valid: the kernel fences far more often than it fills.
      const log = this.tlbFillLog;
      for (let i = 0; i < this.tlbFills; i++) this.m32[log[i]] = 1;
    }
    this.tlbFills = 0;
    this.superpageLow = Infinity;
    this.superpageHigh = -Infinity;
    this.selectTlbs();
  }

  /**
   * The span of virtual addresses (low 48 bits) covered by the superpages walked since the last full flush: the soft
   * TLB holds 4 KiB pieces of them, which a fence for one address inside such a superpage must drop too.
   */
  private superpageLow = Infinity;
  private superpageHigh = -Infinity;

  /** Called by the page walk for a superpage leaf at `level` (1: 2 MiB, 2: 1 GiB, 3: 512 GiB). */
  noteSuperpage(vlo: number, vhi: number, level: number): void {
    const size = SUPERPAGE_BYTES[level];
    const base = Math.floor(((vhi & 0xffff) * TWO32 + (vlo >>> 0)) / size) * size;
    if (base < this.superpageLow) this.superpageLow = base;
    if (base + size > this.superpageHigh) this.superpageHigh = base + size;
  }

  /**
   * SFENCE.VMA with an address: drops the S and U entries for that 4 KiB page (the TLB is direct-mapped, so one slot
   * per table), or everything when the address is inside the span of superpages walked since the last full flush.
   * Linux fences single pages this way after changing a PTE, far more often than it fences everything.
   */
  flushTlbPage(vlo: number, vhi: number): void {
    const va = (vhi & 0xffff) * TWO32 + (vlo >>> 0);
    if (va >= this.superpageLow && va < this.superpageHigh) {
      this.flushTlb();
      return;
    }
    const slot = ((vlo >>> 12) & TLB_MASK) << 2;
    for (let r = TLB_REGIME_S; r <= TLB_REGIME_U; r++) {
      for (let k = 0; k < 3; k++) this.m32[((this.base + tlbTableOffset(r, k)) >> 2) + slot] = 1; // never matches
    }
    this.breakSlice = true;
  }

  /** Fills a soft-TLB entry (regime, kind) for the page of (vlo, vhi); S and U fills are logged for flushTlb. */
  fillTlb(regime: number, kind: number, vlo: number, vhi: number, hostPage: number): void {
    const e = ((this.base + tlbTableOffset(regime, kind)) >> 2) + (((vlo >>> 12) & TLB_MASK) << 2);
    this.m32[e] = vlo & PAGE_MASK;
    this.m32[e + 1] = vhi;
    this.m32[e + 2] = hostPage;
    if (regime !== TLB_REGIME_M) {
      if (this.tlbFills < TLB_FILL_LOG) this.tlbFillLog[this.tlbFills] = e;
      this.tlbFills++;
    }
  }

  /**
   * Drops every store TLB entry (all regimes), so that the next store to each page takes the slow path through
   * `translate`, which marks the page dirty: called between slices whenever dirty tracking starts or takes its set.
   */
  dropStoreTlb(): void {
    for (let r = TLB_REGIME_M; r <= TLB_REGIME_U; r++) {
      const t = (this.base + tlbTableOffset(r, TLB_KIND_STORE)) >> 2;
      for (let i = 0; i < TLB_ENTRIES; i++) this.m32[t + i * 4] = 1; // tag with low bit set never matches
    }
    this.breakSlice = true;
  }

  /** Drop every translation of one guest-physical RAM page (used when code pages are written, later by the JIT). */
  flushHostPage(hostPage: number): void {
    const tag = hostPage | 0; // as the TLB holds it: offsets above 2^31 are negative int32s
    for (let r = TLB_REGIME_M; r <= TLB_REGIME_U; r++) {
      for (let k = 0; k < 3; k++) {
        const t = (this.base + tlbTableOffset(r, k)) >> 2;
        for (let i = 0; i < TLB_ENTRIES; i++) if (this.m32[t + i * 4 + 2] === tag) this.m32[t + i * 4] = 1;
      }
    }
    this.breakSlice = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Traps

  /** Enter a synchronous exception at the current pc and unwind the interpreter. */
  raise(cause: number, tvalLo: number, tvalHi: number): never {
    this.exceptionCounts[cause]++;
    enterTrap(this, cause, false, tvalLo, tvalHi);
    throw TRAP_UNWIND;
  }

  private illegal(insn: number): never {
    return this.raise(CAUSE_ILLEGAL_INSTRUCTION, insn, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Address translation (slow path). Returns a guest-physical address as a number.

  /** Translate for `kind` (TLB_KIND_*); fills the TLB when the page is RAM; raises page/access faults. */
  translate(vlo: number, vhi: number, kind: number): number {
    const p = kind === TLB_KIND_FETCH ? this.priv : this.effectiveDataPriv();
    let pa: number;
    const regime = this.regimeFor(p);
    if (regime === TLB_REGIME_M) {
      // Bare: the address is physical (56 bits); RAM of more than 2 GiB reaches above 4 GiB.
      if (vhi >>> 24 !== 0) return this.accessFault(kind, vlo, vhi);
      pa = vhi * 0x1_0000_0000 + (vlo >>> 0);
    } else {
      pa = walk(this, vlo, vhi, kind, p);
      if (pa < 0) return this.pageFault(kind, vlo, vhi);
    }
    const host = this.mem.ramHostOffset(pa - (pa & 4095), 4096); // & (ToInt32) is exact for the low bits; % on doubles is a C call
    if (host >= 0) this.fillTlb(regime, kind, vlo, vhi, host);
    if (kind === TLB_KIND_STORE) {
      // Migration's dirty tracking: every store reaches RAM through a store TLB entry filled here (dropStoreTlb).
      const dirty = this.mem.dirty;
      if (dirty !== null && host >= 0) dirty[(host - this.mem.ramOffset) >>> 12] = 1;
      // JIT hook: the translator watches store translations to drop code on pages being written (slow path only).
      if (this.onStoreTranslate !== null) this.onStoreTranslate(pa);
    }
    return pa;
  }

  pageFault(kind: number, vlo: number, vhi: number): never {
    const cause =
      kind === TLB_KIND_FETCH
        ? CAUSE_FETCH_PAGE_FAULT
        : kind === TLB_KIND_LOAD
          ? CAUSE_LOAD_PAGE_FAULT
          : CAUSE_STORE_PAGE_FAULT;
    return this.raise(cause, vlo, vhi);
  }

  accessFault(kind: number, vlo: number, vhi: number): never {
    const cause =
      kind === TLB_KIND_FETCH ? CAUSE_FETCH_ACCESS : kind === TLB_KIND_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
    return this.raise(cause, vlo, vhi);
  }

  // ---------------------------------------------------------------------------------------------
  // Loads. Fast path: TLB hit and access within one page. Results: 32-bit value; 64-bit loads leave the high half in r64.hi.

  private loadHost(vlo: number, vhi: number, size: number): number {
    const e = this.loadTlb + (((vlo >>> 12) & TLB_MASK) << 2);
    const m = this.m32;
    if (m[e] === (vlo & PAGE_MASK) && m[e + 1] === vhi && (vlo & 4095) <= 4096 - size)
      return (m[e + 2] >>> 0) + (vlo & 4095);
    return -1;
  }

  load8(vlo: number, vhi: number): number {
    const h = this.loadHost(vlo, vhi, 1);
    if (h >= 0) return this.u8[h];
    return this.loadSlow(vlo, vhi, 1) & 0xff;
  }
  load16(vlo: number, vhi: number): number {
    const h = this.loadHost(vlo, vhi, 2);
    if (h >= 0) return (h & 1) === 0 ? this.u16[h >>> 1] : this.dv.getUint16(h, true);
    return this.loadSlow(vlo, vhi, 2) & 0xffff;
  }
  load32(vlo: number, vhi: number): number {
    const h = this.loadHost(vlo, vhi, 4);
    if (h >= 0) return (h & 3) === 0 ? this.m32[h >>> 2] : this.dv.getInt32(h, true);
    return this.loadSlow(vlo, vhi, 4);
  }
  load64(vlo: number, vhi: number): number {
    const h = this.loadHost(vlo, vhi, 8);
    if (h >= 0) {
      if ((h & 3) === 0) {
        r64.hi = this.m32[(h >>> 2) + 1];
        return this.m32[h >>> 2];
      }
      r64.hi = this.dv.getInt32(h + 4, true);
      return this.dv.getInt32(h, true);
    }
    return this.loadSlow(vlo, vhi, 8);
  }

  /** Integer loads off the inlined fast path (TLB miss, misaligned, MMIO). Returns lo; r64.hi = hi, extended per f3. */
  private loadOther(insn: number, f3: number, vlo: number, vhi: number): number {
    let lo: number;
    switch (f3) {
      case 0:
        lo = (this.load8(vlo, vhi) << 24) >> 24;
        r64.hi = lo >> 31;
        return lo;
      case 1:
        lo = (this.load16(vlo, vhi) << 16) >> 16;
        r64.hi = lo >> 31;
        return lo;
      case 2:
        lo = this.load32(vlo, vhi);
        r64.hi = lo >> 31;
        return lo;
      case 3:
        return this.load64(vlo, vhi);
      case 4:
        lo = this.load8(vlo, vhi);
        r64.hi = 0;
        return lo;
      case 5:
        lo = this.load16(vlo, vhi);
        r64.hi = 0;
        return lo;
      case 6:
        lo = this.load32(vlo, vhi);
        r64.hi = 0;
        return lo;
      default:
        return this.illegal(insn);
    }
  }

  /** Physical read of up to 4 bytes (RAM or MMIO); raises an access fault on unmapped addresses. */
  private readPhys(pa: number, size: number, vlo: number, vhi: number, kind: number): number {
    const h = this.mem.ramHostOffset(pa, size);
    if (h >= 0) {
      if (size === 1) return this.u8[h];
      if (size === 2) return this.dv.getUint16(h, true);
      return this.dv.getInt32(h, true);
    }
    const v = this.bus.read(pa, size);
    if (v === undefined) return this.accessFault(kind, vlo, vhi);
    return v | 0;
  }

  private loadSlow(vlo: number, vhi: number, size: number): number {
    const off = vlo & 4095;
    if (off + size <= 4096) {
      const pa = this.translate(vlo, vhi, TLB_KIND_LOAD);
      if (size === 8) {
        const h = this.mem.ramHostOffset(pa, 8);
        if (h >= 0) {
          r64.hi = this.dv.getInt32(h + 4, true);
          return this.dv.getInt32(h, true);
        }
        const lo = this.readPhys(pa, 4, vlo, vhi, TLB_KIND_LOAD);
        r64.hi = this.readPhys(pa + 4, 4, vlo, vhi, TLB_KIND_LOAD);
        return lo;
      }
      return this.readPhys(pa, size, vlo, vhi, TLB_KIND_LOAD);
    }
    // Misaligned access crossing a page: translate both pages first (a fault on either is precise), then bytes.
    const first = 4096 - off;
    const pa1 = this.translate(vlo, vhi, TLB_KIND_LOAD);
    const nlo = (vlo + first) | 0,
      nhi = nlo >>> 0 < vlo >>> 0 ? (vhi + 1) | 0 : vhi;
    const pa2 = this.translate(nlo, nhi, TLB_KIND_LOAD);
    let lo = 0,
      hi = 0;
    for (let i = 0; i < size; i++) {
      const b =
        i < first
          ? this.readPhys(pa1 + i, 1, vlo, vhi, TLB_KIND_LOAD)
          : this.readPhys(pa2 + i - first, 1, nlo, nhi, TLB_KIND_LOAD);
      if (i < 4) lo |= (b & 0xff) << (8 * i);
      else hi |= (b & 0xff) << (8 * (i - 4));
    }
    r64.hi = hi;
    return lo;
  }

  // ---------------------------------------------------------------------------------------------
  // Stores

  private storeHost(vlo: number, vhi: number, size: number): number {
    const e = this.storeTlb + (((vlo >>> 12) & TLB_MASK) << 2);
    const m = this.m32;
    if (m[e] === (vlo & PAGE_MASK) && m[e + 1] === vhi && (vlo & 4095) <= 4096 - size)
      return (m[e + 2] >>> 0) + (vlo & 4095);
    return -1;
  }

  store8(vlo: number, vhi: number, v: number): void {
    const h = this.storeHost(vlo, vhi, 1);
    if (h >= 0) {
      this.u8[h] = v;
      return;
    }
    this.storeSlow(vlo, vhi, 1, v, 0);
  }
  store16(vlo: number, vhi: number, v: number): void {
    const h = this.storeHost(vlo, vhi, 2);
    if (h >= 0) {
      if ((h & 1) === 0) this.u16[h >>> 1] = v;
      else this.dv.setUint16(h, v, true);
      return;
    }
    this.storeSlow(vlo, vhi, 2, v, 0);
  }
  store32(vlo: number, vhi: number, v: number): void {
    const h = this.storeHost(vlo, vhi, 4);
    if (h >= 0) {
      if ((h & 3) === 0) this.m32[h >>> 2] = v;
      else this.dv.setInt32(h, v, true);
      return;
    }
    this.storeSlow(vlo, vhi, 4, v, 0);
  }
  store64(vlo: number, vhi: number, v: number, vh: number): void {
    const h = this.storeHost(vlo, vhi, 8);
    if (h >= 0) {
      if ((h & 3) === 0) {
        this.m32[h >>> 2] = v;
        this.m32[(h >>> 2) + 1] = vh;
      } else {
        this.dv.setInt32(h, v, true);
        this.dv.setInt32(h + 4, vh, true);
      }
      return;
    }
    this.storeSlow(vlo, vhi, 8, v, vh);
  }

  /** Integer stores off the inlined fast path (TLB miss, misaligned, MMIO). */
  private storeOther(insn: number, f3: number, vlo: number, vhi: number, v: number, vh: number): void {
    switch (f3) {
      case 0:
        this.store8(vlo, vhi, v & 0xff);
        return;
      case 1:
        this.store16(vlo, vhi, v & 0xffff);
        return;
      case 2:
        this.store32(vlo, vhi, v);
        return;
      case 3:
        this.store64(vlo, vhi, v, vh);
        return;
      default:
        this.illegal(insn);
    }
  }

  private writePhys(pa: number, size: number, v: number, vlo: number, vhi: number): void {
    const h = this.mem.ramHostOffset(pa, size);
    if (h >= 0) {
      if (size === 1) this.u8[h] = v;
      else if (size === 2) this.dv.setUint16(h, v, true);
      else this.dv.setInt32(h, v, true);
      return;
    }
    if (!this.bus.write(pa, size, size === 4 ? v : v & ((1 << (8 * size)) - 1)))
      this.accessFault(TLB_KIND_STORE, vlo, vhi);
    this.breakSlice = true; // a device may have raised an interrupt or stopped the machine
  }

  private storeSlow(vlo: number, vhi: number, size: number, v: number, vh: number): void {
    const off = vlo & 4095;
    if (off + size <= 4096) {
      const pa = this.translate(vlo, vhi, TLB_KIND_STORE);
      if (size === 8) {
        const h = this.mem.ramHostOffset(pa, 8);
        if (h >= 0) {
          this.dv.setInt32(h, v, true);
          this.dv.setInt32(h + 4, vh, true);
          return;
        }
        // Check both halves are mapped before writing either.
        if (!this.bus.find(pa) || !this.bus.find(pa + 4)) this.accessFault(TLB_KIND_STORE, vlo, vhi);
        this.writePhys(pa, 4, v, vlo, vhi);
        this.writePhys(pa + 4, 4, vh, vlo, vhi);
        return;
      }
      this.writePhys(pa, size, v, vlo, vhi);
      return;
    }
    const first = 4096 - off;
    const pa1 = this.translate(vlo, vhi, TLB_KIND_STORE);
    const nlo = (vlo + first) | 0,
      nhi = nlo >>> 0 < vlo >>> 0 ? (vhi + 1) | 0 : vhi;
    const pa2 = this.translate(nlo, nhi, TLB_KIND_STORE);
    if (this.mem.ramHostOffset(pa1, first) < 0 && !this.bus.find(pa1)) this.accessFault(TLB_KIND_STORE, vlo, vhi);
    if (this.mem.ramHostOffset(pa2, size - first) < 0 && !this.bus.find(pa2))
      this.accessFault(TLB_KIND_STORE, nlo, nhi);
    for (let i = 0; i < size; i++) {
      const b = i < 4 ? (v >>> (8 * i)) & 0xff : (vh >>> (8 * (i - 4))) & 0xff;
      if (i < first) this.writePhys(pa1 + i, 1, b, vlo, vhi);
      else this.writePhys(pa2 + i - first, 1, b, nlo, nhi);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Atomics: naturally aligned RAM only. Returns the host byte offset for the access.

  private amoHost(vlo: number, vhi: number, size: number, isLoadOnly: boolean): number {
    if ((vlo & (size - 1)) !== 0) this.raise(isLoadOnly ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, vlo, vhi);
    const kind = isLoadOnly ? TLB_KIND_LOAD : TLB_KIND_STORE;
    const h = isLoadOnly ? this.loadHost(vlo, vhi, size) : this.storeHost(vlo, vhi, size);
    if (h >= 0) return h;
    const pa = this.translate(vlo, vhi, kind);
    const host = this.mem.ramHostOffset(pa, size);
    if (host < 0) this.accessFault(kind, vlo, vhi);
    return host;
  }

  // ---------------------------------------------------------------------------------------------
  // The interpreter

  /** Run up to `budget` instructions; returns a StopReason. Interrupts are taken at slice boundaries. */
  run(budget: number): number {
    this.stopReason = StopReason.Budget;
    let left = budget;
    while (left > 0) {
      this.updateTimer();
      if ((this.mip & this.mie) !== 0 && checkInterrupts(this)) {
        if (this.stopReason !== StopReason.Budget) return this.stopReason;
      }
      this.breakSlice = false;
      const p = this.priv;
      const t0 = performance.now();
      const n = this.execute(left);
      this.msByPriv[p] += performance.now() - t0;
      left -= n > 0 ? n : 1; // a trap storm still consumes the budget
      this.instret += n;
      this.instretByPriv[p] += n;
      if (this.stopReason !== StopReason.Budget) return this.stopReason;
    }
    return this.stopReason;
  }

  /** JIT hook: runs the interpreter for up to `limit` instructions (no timer or interrupt checks); returns the count retired. */
  interpret(limit: number): number {
    return this.execute(limit);
  }

  /** Executes instructions until `limit` is reached, a trap unwinds, or a state change ends the slice. Returns the count retired. */
  private execute(limit: number): number {
    const x = this.x;
    const m32 = this.m32;
    const u16 = this.u16;
    const u8 = this.u8;
    const cexp = this.cexp;
    let i = 0;
    // Cached fetch translation for the current code page.
    // fBase is the u16 index of the page's first parcel: host offsets may exceed 2^31 (RAM up to 4 GiB), and as a
    // halved unsigned value it always fits an int32, so TurboFan keeps it in a word register (no float phi).
    let fTag = 1,
      fTagHi = 0,
      fBase = 0;
    try {
      for (; i < limit; i++) {
        if (this.breakSlice) break;
        const pcLo = this.pcLo,
          pcHi = this.pcHi;
        // ---- fetch ----
        let insn: number;
        let ilen = 4;
        const poff = pcLo & 4095;
        if ((pcLo & PAGE_MASK) !== fTag || pcHi !== fTagHi) {
          const e = this.fetchTlb + (((pcLo >>> 12) & TLB_MASK) << 2);
          if (m32[e] === (pcLo & PAGE_MASK) && m32[e + 1] === pcHi) {
            fBase = m32[e + 2] >>> 1;
          } else {
            const pa = this.translate(pcLo, pcHi, TLB_KIND_FETCH);
            const h = this.mem.ramHostOffset(pa - poff, 4096);
            if (h < 0) {
              // Not RAM: no execution from MMIO.
              this.raise(CAUSE_FETCH_ACCESS, pcLo, pcHi);
            }
            fBase = h >>> 1;
          }
          fTag = pcLo & PAGE_MASK;
          fTagHi = pcHi;
        }
        const lowParcel = u16[fBase + (poff >> 1)];
        if ((lowParcel & 3) !== 3) {
          ilen = 2;
          insn = cexp[lowParcel];
          if (insn === 0) this.illegal(lowParcel);
        } else if (poff !== 4094) {
          insn = lowParcel | (u16[fBase + (poff >> 1) + 1] << 16);
        } else {
          insn = this.fetchCrossPage(pcLo, pcHi, lowParcel) | 0; // |0 keeps the phi an int32 (see fBase)
        }
        // ---- execute ----
        let npcLo = (pcLo + ilen) | 0;
        let npcHi = npcLo >>> 0 < pcLo >>> 0 ? (pcHi + 1) | 0 : pcHi;
        const rd = (insn >>> 7) & 31;
        const rs1 = (insn >>> 15) & 31;
        const rs2 = (insn >>> 20) & 31;
        const f3 = (insn >>> 12) & 7;
        const a = rs1 << 1,
          b = rs2 << 1,
          d = rd << 1;
        // Cases stay in order of dynamic frequency (measured on a Debian boot): V8 compiles this sparse switch
        // to a chain of compares tried in source order, so the common opcodes must come first.
        switch (insn & 0x7f) {
          case 0x33: {
            // OP
            const alo = x[a],
              ahi = x[a + 1],
              blo = x[b],
              bhi = x[b + 1];
            const f7 = insn >>> 25;
            if (f7 === 0) {
              switch (f3) {
                case 0: {
                  const lo = (alo + blo) | 0;
                  x[d + 1] = (ahi + bhi + (lo >>> 0 < alo >>> 0 ? 1 : 0)) | 0;
                  x[d] = lo;
                  break;
                }
                case 4:
                  x[d] = alo ^ blo;
                  x[d + 1] = ahi ^ bhi;
                  break;
                case 6:
                  x[d] = alo | blo;
                  x[d + 1] = ahi | bhi;
                  break;
                case 3:
                  x[d] = ahi >>> 0 < bhi >>> 0 || (ahi === bhi && alo >>> 0 < blo >>> 0) ? 1 : 0;
                  x[d + 1] = 0;
                  break;
                case 7:
                  x[d] = alo & blo;
                  x[d + 1] = ahi & bhi;
                  break;
                case 1:
                  shl(x, d, alo, ahi, blo & 63);
                  break;
                case 5:
                  shr(x, d, alo, ahi, blo & 63);
                  break;
                case 2:
                  x[d] = ahi < bhi || (ahi === bhi && alo >>> 0 < blo >>> 0) ? 1 : 0;
                  x[d + 1] = 0;
                  break;
              }
            } else if (f7 === 0x20) {
              if (f3 === 0) {
                const lo = (alo - blo) | 0;
                x[d + 1] = (ahi - bhi - (alo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
                x[d] = lo;
              } else if (f3 === 5) sar(x, d, alo, ahi, blo & 63);
              else this.illegal(insn);
            } else if (f7 === 1) {
              let lo: number;
              switch (f3) {
                case 0:
                  lo = mul64(alo, ahi, blo, bhi);
                  break;
                case 1:
                  lo = mulh64(alo, ahi, blo, bhi);
                  break;
                case 2:
                  lo = mulhsu64(alo, ahi, blo, bhi);
                  break;
                case 3:
                  lo = mulhu64(alo, ahi, blo, bhi);
                  break;
                case 4:
                  lo = divrem64(0, alo, ahi, blo, bhi);
                  break;
                case 5:
                  lo = divrem64(1, alo, ahi, blo, bhi);
                  break;
                case 6:
                  lo = divrem64(2, alo, ahi, blo, bhi);
                  break;
                default:
                  lo = divrem64(3, alo, ahi, blo, bhi);
                  break;
              }
              x[d] = lo;
              x[d + 1] = r64.hi;
            } else this.illegal(insn);
            break;
          }
          case 0x13: {
            // OP-IMM
            const imm = insn >> 20;
            const alo = x[a],
              ahi = x[a + 1];
            switch (
              f3 // cases in order of frequency, like the opcode switch
            ) {
              case 0: {
                // ADDI
                const lo = (alo + imm) | 0;
                x[d + 1] = (ahi + (imm >> 31) + (lo >>> 0 < alo >>> 0 ? 1 : 0)) | 0;
                x[d] = lo;
                break;
              }
              case 1: {
                // SLLI
                if (insn >>> 26 !== 0) this.illegal(insn);
                const sh = imm & 63;
                shl(x, d, alo, ahi, sh);
                break;
              }
              case 5: {
                const top = insn >>> 26;
                const sh = imm & 63;
                if (top === 0) shr(x, d, alo, ahi, sh);
                else if (top === 0x10) sar(x, d, alo, ahi, sh);
                else this.illegal(insn);
                break;
              }
              case 7:
                x[d] = alo & imm;
                x[d + 1] = ahi & (imm >> 31);
                break;
              case 4:
                x[d] = alo ^ imm;
                x[d + 1] = ahi ^ (imm >> 31);
                break;
              case 3: {
                // SLTIU
                const ihi = imm >> 31;
                x[d] = ahi >>> 0 < ihi >>> 0 || (ahi === ihi && alo >>> 0 < imm >>> 0) ? 1 : 0;
                x[d + 1] = 0;
                break;
              }
              case 6:
                x[d] = alo | imm;
                x[d + 1] = ahi | (imm >> 31);
                break;
              case 2: {
                // SLTI
                const ihi = imm >> 31;
                x[d] = ahi < ihi || (ahi === ihi && alo >>> 0 < imm >>> 0) ? 1 : 0;
                x[d + 1] = 0;
                break;
              }
            }
            break;
          }
          case 0x03: {
            // LOAD
            const imm = insn >> 20;
            const blo = x[a],
              bhi = x[a + 1];
            const vlo = (blo + imm) | 0;
            const vhi = (bhi + (imm >> 31) + (vlo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
            let lo: number, hi: number;
            // The TLB hit for a naturally aligned access (which cannot cross the page) is inlined here: TurboFan's
            // inlining budget runs out inside this large function, and a call per load costs more than the load.
            const e = this.loadTlb + (((vlo >>> 12) & TLB_MASK) << 2);
            if (m32[e] === (vlo & PAGE_MASK) && m32[e + 1] === vhi && (vlo & ((1 << (f3 & 3)) - 1)) === 0) {
              const h = (m32[e + 2] >>> 0) + (vlo & 4095); // unsigned: host offsets may exceed 2^31
              switch (f3) {
                case 3:
                  lo = m32[h >>> 2];
                  hi = m32[(h >>> 2) + 1];
                  break;
                case 4:
                  lo = u8[h];
                  hi = 0;
                  break;
                case 2:
                  lo = m32[h >>> 2];
                  hi = lo >> 31;
                  break;
                case 0:
                  lo = (u8[h] << 24) >> 24;
                  hi = lo >> 31;
                  break;
                case 1:
                  lo = (u16[h >>> 1] << 16) >> 16;
                  hi = lo >> 31;
                  break;
                case 5:
                  lo = u16[h >>> 1];
                  hi = 0;
                  break;
                case 6:
                  lo = m32[h >>> 2];
                  hi = 0;
                  break;
                default:
                  return this.illegal(insn);
              }
            } else {
              lo = this.loadOther(insn, f3, vlo, vhi) | 0;
              hi = r64.hi | 0; // int32 phis, not tagged ones
            }
            x[d] = lo;
            x[d + 1] = hi;
            break;
          }
          case 0x63: {
            // BRANCH
            const alo = x[a],
              ahi = x[a + 1],
              blo = x[b],
              bhi = x[b + 1];
            let taken: boolean;
            switch (f3) {
              case 1:
                taken = alo !== blo || ahi !== bhi;
                break;
              case 0:
                taken = alo === blo && ahi === bhi;
                break;
              case 6:
                taken = ahi >>> 0 < bhi >>> 0 || (ahi === bhi && alo >>> 0 < blo >>> 0);
                break;
              case 7:
                taken = ahi >>> 0 > bhi >>> 0 || (ahi === bhi && alo >>> 0 >= blo >>> 0);
                break;
              case 4:
                taken = ahi < bhi || (ahi === bhi && alo >>> 0 < blo >>> 0);
                break;
              case 5:
                taken = ahi > bhi || (ahi === bhi && alo >>> 0 >= blo >>> 0);
                break;
              default:
                return this.illegal(insn);
            }
            if (taken) {
              const imm =
                ((insn >> 31) << 12) |
                (((insn >>> 7) & 1) << 11) |
                (((insn >>> 25) & 0x3f) << 5) |
                (((insn >>> 8) & 0xf) << 1);
              npcLo = (pcLo + imm) | 0;
              npcHi = (pcHi + (imm >> 31) + (npcLo >>> 0 < pcLo >>> 0 ? 1 : 0)) | 0;
              if (this.stopAtJump) limit = i + 1;
            }
            break;
          }
          case 0x23: {
            // STORE
            const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
            const blo = x[a],
              bhi = x[a + 1];
            const vlo = (blo + imm) | 0;
            const vhi = (bhi + (imm >> 31) + (vlo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
            // Inlined TLB hit for naturally aligned stores, as for loads; everything else goes through storeOther.
            const e = this.storeTlb + (((vlo >>> 12) & TLB_MASK) << 2);
            if (m32[e] === (vlo & PAGE_MASK) && m32[e + 1] === vhi && (vlo & ((1 << (f3 & 3)) - 1)) === 0 && f3 < 4) {
              const h = (m32[e + 2] >>> 0) + (vlo & 4095);
              switch (f3) {
                case 3:
                  m32[h >>> 2] = x[b];
                  m32[(h >>> 2) + 1] = x[b + 1];
                  break;
                case 2:
                  m32[h >>> 2] = x[b];
                  break;
                case 0:
                  u8[h] = x[b];
                  break;
                default:
                  u16[h >>> 1] = x[b];
                  break;
              }
            } else {
              this.storeOther(insn, f3, vlo, vhi, x[b], x[b + 1]);
            }
            break;
          }
          case 0x1b: {
            // OP-IMM-32
            const imm = insn >> 20;
            const alo = x[a];
            let v: number;
            switch (f3) {
              case 0:
                v = (alo + imm) | 0;
                break;
              case 1:
                if (insn >>> 25 !== 0) this.illegal(insn);
                v = alo << (imm & 31);
                break;
              case 5: {
                const top = insn >>> 25;
                if (top === 0) v = (alo >>> (imm & 31)) | 0;
                else if (top === 0x20) v = alo >> (imm & 31);
                else return this.illegal(insn);
                break;
              }
              default:
                return this.illegal(insn);
            }
            x[d] = v;
            x[d + 1] = v >> 31;
            break;
          }
          case 0x3b: {
            // OP-32
            const av = x[a],
              bv = x[b];
            const f7 = insn >>> 25;
            let v: number;
            if (f7 === 0) {
              if (f3 === 0) v = (av + bv) | 0;
              else if (f3 === 1) v = av << (bv & 31);
              else if (f3 === 5) v = (av >>> (bv & 31)) | 0;
              else return this.illegal(insn);
            } else if (f7 === 0x20) {
              if (f3 === 0) v = (av - bv) | 0;
              else if (f3 === 5) v = av >> (bv & 31);
              else return this.illegal(insn);
            } else if (f7 === 1) {
              switch (f3) {
                case 0:
                  v = Math.imul(av, bv);
                  break;
                case 4:
                  v = bv === 0 ? -1 : av === -2147483648 && bv === -1 ? av : (av / bv) | 0;
                  break;
                case 5:
                  v = bv === 0 ? -1 : ((av >>> 0) / (bv >>> 0)) | 0;
                  break;
                case 6:
                  v = bv === 0 ? av : av === -2147483648 && bv === -1 ? 0 : (av % bv) | 0;
                  break;
                case 7:
                  v = bv === 0 ? av : ((av >>> 0) % (bv >>> 0)) | 0;
                  break;
                default:
                  return this.illegal(insn);
              }
            } else return this.illegal(insn);
            x[d] = v;
            x[d + 1] = v >> 31;
            break;
          }
          case 0x67: {
            // JALR
            if (f3 !== 0) this.illegal(insn);
            const imm = insn >> 20;
            const blo = x[a],
              bhi = x[a + 1];
            const tlo = (blo + imm) & -2;
            const thi = (bhi + (imm >> 31) + ((blo + imm) >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
            x[d] = npcLo;
            x[d + 1] = npcHi;
            npcLo = tlo;
            npcHi = thi;
            if (this.stopAtJump) limit = i + 1;
            break;
          }
          case 0x6f: {
            // JAL
            const imm =
              ((insn >> 31) << 20) |
              (((insn >>> 12) & 0xff) << 12) |
              (((insn >>> 20) & 1) << 11) |
              (((insn >>> 21) & 0x3ff) << 1);
            const tlo = (pcLo + imm) | 0;
            const thi = (pcHi + (imm >> 31) + (tlo >>> 0 < pcLo >>> 0 ? 1 : 0)) | 0;
            x[d] = npcLo;
            x[d + 1] = npcHi;
            npcLo = tlo;
            npcHi = thi;
            if (this.stopAtJump) limit = i + 1;
            break;
          }
          case 0x17: {
            // AUIPC
            const v = insn & PAGE_MASK;
            const lo = (pcLo + v) | 0;
            x[d + 1] = (pcHi + (v >> 31) + (lo >>> 0 < pcLo >>> 0 ? 1 : 0)) | 0;
            x[d] = lo;
            break;
          }
          case 0x37: {
            // LUI
            const v = insn & PAGE_MASK;
            x[d] = v;
            x[d + 1] = v >> 31;
            break;
          }
          case 0x0f: {
            // MISC-MEM
            if (f3 === 1) {
              this.breakSlice = true;
            } // FENCE.I: the interpreter always fetches fresh; end the slice for the JIT's sake
            else if (f3 !== 0) this.illegal(insn);
            else if ((insn & FENCE_W_TO_R) === FENCE_W_TO_R) Atomics.add(this.m32, 0, 0); // a full barrier (docs/threads.md)
            break;
          }
          case 0x2f:
            this.amo(insn, f3, d, a, b);
            break;
          case 0x07: {
            // LOAD-FP
            if ((this.mstatus & MSTATUS_FS) === 0) this.illegal(insn);
            const imm = insn >> 20;
            const blo = x[a],
              bhi = x[a + 1];
            const vlo = (blo + imm) | 0;
            const vhi = (bhi + (imm >> 31) + (vlo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
            const fr = this.f;
            if (f3 === 2) {
              fr[d] = this.load32(vlo, vhi);
              fr[d + 1] = -1;
            } else if (f3 === 3) {
              const lo = this.load64(vlo, vhi);
              fr[d] = lo;
              fr[d + 1] = r64.hi;
            } else this.illegal(insn);
            this.mstatus |= MSTATUS_FS;
            break;
          }
          case 0x27: {
            // STORE-FP
            if ((this.mstatus & MSTATUS_FS) === 0) this.illegal(insn);
            const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
            const blo = x[a],
              bhi = x[a + 1];
            const vlo = (blo + imm) | 0;
            const vhi = (bhi + (imm >> 31) + (vlo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
            const fr = this.f;
            if (f3 === 2) this.store32(vlo, vhi, fr[b]);
            else if (f3 === 3) this.store64(vlo, vhi, fr[b], fr[b + 1]);
            else this.illegal(insn);
            break;
          }
          case 0x43:
          case 0x47:
          case 0x4b:
          case 0x4f:
          case 0x53: {
            // FP compute
            if ((this.mstatus & MSTATUS_FS) === 0) this.illegal(insn);
            const fi = this.base + HS_FCSR;
            const fcsr = m32[fi >> 2];
            const flags = fpExecute(this.regs, insn, fcsr >>> 5);
            if (flags < 0) this.illegal(insn);
            m32[fi >> 2] = fcsr | flags;
            this.mstatus |= MSTATUS_FS;
            break;
          }
          case 0x73: {
            // SYSTEM
            if (f3 === 0) {
              // ECALL/EBREAK unwind; xRET, WFI and SFENCE.VMA set pc themselves and end the slice.
              this.system(insn, pcLo, pcHi);
              x[0] = 0;
              x[1] = 0;
              return i + 1;
            } else if (f3 === 4) {
              this.illegal(insn);
            } else {
              csrAccess(this, insn, f3, d, a, this.instret + i);
            }
            break;
          }
          default:
            this.illegal(insn);
        }
        x[0] = 0;
        x[1] = 0;
        this.pcLo = npcLo;
        this.pcHi = npcHi;
      }
    } catch (e) {
      if (e !== TRAP_UNWIND) throw e;
      x[0] = 0;
      x[1] = 0;
      this.breakSlice = true;
    }
    return i;
  }

  private fetchCrossPage(pcLo: number, pcHi: number, lowParcel: number): number {
    const nlo = (pcLo + 2) | 0,
      nhi = nlo >>> 0 < pcLo >>> 0 ? (pcHi + 1) | 0 : pcHi;
    const pa = this.translate(nlo, nhi, TLB_KIND_FETCH);
    const h = this.mem.ramHostOffset(pa, 2);
    if (h < 0) this.raise(CAUSE_FETCH_ACCESS, nlo, nhi);
    return lowParcel | (this.u16[h >>> 1] << 16);
  }

  /** ECALL, EBREAK, xRET, WFI, SFENCE.VMA. */
  private system(insn: number, pcLo: number, pcHi: number): void {
    const p = this.priv;
    switch (insn) {
      case 0x00000073: // ECALL
        this.raise(CAUSE_ECALL_U + p, 0, 0);
        return;
      case 0x00100073: // EBREAK
        this.raise(CAUSE_BREAKPOINT, pcLo, pcHi);
        return;
      case 0x10200073: // SRET
        if (p === PRIV_U || (p === PRIV_S && (this.mstatus & MSTATUS_TSR) !== 0)) this.illegal(insn);
        doSret(this);
        this.trapReturned = true;
        this.breakSlice = true;
        return;
      case 0x30200073: // MRET
        if (p !== PRIV_M) this.illegal(insn);
        doMret(this);
        this.trapReturned = true;
        this.breakSlice = true;
        return;
      case 0x10500073: // WFI
        if (p === PRIV_U || (p === PRIV_S && (this.mstatus & MSTATUS_TW) !== 0)) this.illegal(insn);
        this.pcLo = (pcLo + 4) | 0;
        if (this.pcLo >>> 0 < pcLo >>> 0) this.pcHi = (pcHi + 1) | 0;
        if ((this.mip & this.mie) === 0) this.stopReason = StopReason.Wfi;
        this.breakSlice = true;
        return;
    }
    if (insn >>> 25 === 0x09 && ((insn >>> 7) & 31) === 0) {
      // SFENCE.VMA
      if (p === PRIV_U || (p === PRIV_S && (this.mstatus & MSTATUS_TVM) !== 0)) this.illegal(insn);
      const rs1 = (insn >>> 15) & 31;
      if (rs1 === 0) this.flushTlb();
      else this.flushTlbPage(this.x[2 * rs1], this.x[2 * rs1 + 1]);
      this.pcLo = (pcLo + 4) | 0;
      if (this.pcLo >>> 0 < pcLo >>> 0) this.pcHi = (pcHi + 1) | 0;
      this.breakSlice = true;
      return;
    }
    this.illegal(insn);
  }

  /** LR/SC and AMOs (.W and .D). */
  private amo(insn: number, f3: number, d: number, a: number, b: number): void {
    const x = this.x;
    if (f3 !== 2 && f3 !== 3) this.illegal(insn);
    const size = f3 === 2 ? 4 : 8;
    const f5 = insn >>> 27;
    const vlo = x[a],
      vhi = x[a + 1];
    if (f5 === 2) {
      // LR
      if (((insn >>> 20) & 31) !== 0) this.illegal(insn);
      const h = this.amoHost(vlo, vhi, size, true);
      let lo: number, hi: number;
      if (size === 8) {
        const v = Atomics.load(this.mem.i64, h >>> 3);
        lo = Number(BigInt.asIntN(32, v));
        hi = Number(v >> 32n);
      } else {
        lo = Atomics.load(this.m32, h >>> 2);
        hi = lo >> 31;
      }
      this.reservation = h;
      const rv = (this.base + HS_RESERVATION_VAL) >> 2;
      this.m32[rv] = lo;
      this.m32[rv + 1] = hi;
      x[d] = lo;
      x[d + 1] = hi;
      return;
    }
    if (f5 === 3) {
      // SC
      if ((vlo & (size - 1)) !== 0) this.raise(CAUSE_MISALIGNED_STORE, vlo, vhi);
      const bv = b;
      let ok = false;
      if (this.reservation !== -1) {
        const h = this.amoHost(vlo, vhi, size, false);
        if ((h | 0) === this.reservation) {
          // A compare-and-swap against the value LR read: another hart's write since then makes it fail.
          const rv = (this.base + HS_RESERVATION_VAL) >> 2;
          ok = this.cas(h, size, this.m32[rv], this.m32[rv + 1], x[bv], x[bv + 1]);
        }
      }
      this.reservation = -1;
      x[d] = ok ? 0 : 1;
      x[d + 1] = 0;
      return;
    }
    const host = this.amoHost(vlo, vhi, size, false);
    const h = host >>> 2;
    const m = this.m32;
    const blo = x[b],
      bhi = size === 8 ? x[b + 1] : x[b] >> 31;
    // Read, compute, compare-and-swap; another hart's write in between makes the swap fail and the loop go round.
    for (;;) {
      const olo = m[h],
        ohi = size === 8 ? m[h + 1] : olo >> 31;
      const r = this.amoOp(insn, f5, olo, ohi, blo, bhi);
      if (!this.cas(host, size, olo, ohi, r.lo, r.hi)) continue;
      x[d] = olo;
      x[d + 1] = ohi;
      return;
    }
  }

  private readonly amoResult = { lo: 0, hi: 0 };

  /**
   * Atomically replaces the naturally aligned word at host offset `host` with (nlo, nhi) if it still holds (olo, ohi);
   * for size 4 only the low halves count. True if it did.
   */
  private cas(host: number, size: number, olo: number, ohi: number, nlo: number, nhi: number): boolean {
    if (size === 4) return Atomics.compareExchange(this.m32, host >>> 2, olo, nlo) === olo;
    const expect = (BigInt(ohi) << 32n) | BigInt(olo >>> 0);
    const next = (BigInt(nhi) << 32n) | BigInt(nlo >>> 0);
    return Atomics.compareExchange(this.mem.i64, host >>> 3, expect, next) === expect;
  }

  /** The new value of an AMO (not LR/SC) from the old value and the operand, as (lo, hi) in a reused object. */
  private amoOp(
    insn: number,
    f5: number,
    olo: number,
    ohi: number,
    blo: number,
    bhi: number,
  ): { lo: number; hi: number } {
    let nlo: number, nhi: number;
    switch (f5) {
      case 0x01:
        nlo = blo;
        nhi = bhi;
        break; // AMOSWAP
      case 0x00:
        nlo = (olo + blo) | 0;
        nhi = (ohi + bhi + (nlo >>> 0 < olo >>> 0 ? 1 : 0)) | 0;
        break; // AMOADD
      case 0x04:
        nlo = olo ^ blo;
        nhi = ohi ^ bhi;
        break;
      case 0x0c:
        nlo = olo & blo;
        nhi = ohi & bhi;
        break;
      case 0x08:
        nlo = olo | blo;
        nhi = ohi | bhi;
        break;
      case 0x10:
      case 0x14: {
        // AMOMIN / AMOMAX
        const less = ohi < bhi || (ohi === bhi && olo >>> 0 < blo >>> 0);
        const pickOld = f5 === 0x10 ? less : !less;
        nlo = pickOld ? olo : blo;
        nhi = pickOld ? ohi : bhi;
        break;
      }
      case 0x18:
      case 0x1c: {
        // AMOMINU / AMOMAXU
        const less = ohi >>> 0 < bhi >>> 0 || (ohi === bhi && olo >>> 0 < blo >>> 0);
        const pickOld = f5 === 0x18 ? less : !less;
        nlo = pickOld ? olo : blo;
        nhi = pickOld ? ohi : bhi;
        break;
      }
      default:
        return this.illegal(insn);
    }
    const r = this.amoResult;
    r.lo = nlo;
    r.hi = nhi;
    return r;
  }
}

function shl(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    x[d] = lo;
    x[d + 1] = hi;
  } else if (sh < 32) {
    x[d + 1] = (hi << sh) | (lo >>> (32 - sh));
    x[d] = lo << sh;
  } else {
    x[d + 1] = lo << (sh - 32);
    x[d] = 0;
  }
}
function shr(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    x[d] = lo;
    x[d + 1] = hi;
  } else if (sh < 32) {
    x[d] = (lo >>> sh) | (hi << (32 - sh));
    x[d + 1] = hi >>> sh;
  } else {
    x[d] = hi >>> (sh - 32);
    x[d + 1] = 0;
  }
}
function sar(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    x[d] = lo;
    x[d + 1] = hi;
  } else if (sh < 32) {
    x[d] = (lo >>> sh) | (hi << (32 - sh));
    x[d + 1] = hi >> sh;
  } else {
    x[d] = hi >> (sh - 32);
    x[d + 1] = hi >> 31;
  }
}

const clockStart = performance.now();
function defaultTimeSource(): number {
  return Math.floor((performance.now() - clockStart) * 10000);
}
