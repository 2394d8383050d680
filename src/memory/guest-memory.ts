// Guest-physical RAM and hart state in one linear WebAssembly.Memory, with typed views over it.
import { RAM_BASE, RAM_OFFSET } from './layout.js';

const WASM_PAGE = 0x10000;
/** wasm32 memories top out at 4 GiB; keep room for the state blocks below RAM. */
export const MAX_RAM_BYTES = 4 * 1024 * 1024 * 1024 - RAM_OFFSET - WASM_PAGE;

export class GuestMemory {
  readonly memory: WebAssembly.Memory;
  /** A SharedArrayBuffer when the memory is shared. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** For 64-bit atomics (AMO*.D, SC.D) in TypeScript. */
  readonly i64: BigInt64Array;
  readonly dv: DataView;
  /** Guest-physical base of RAM. */
  readonly ramBase = RAM_BASE;
  /** Byte offset of guest RAM inside `buffer`. */
  readonly ramOffset = RAM_OFFSET;

  /** Called after a device wrote guest RAM directly (DMA), with the host byte offset and length, so caches
   *  of RAM contents — the translator's code cache — can drop what the write made stale. */
  dmaWriteHook: ((hostOffset: number, length: number) => void) | null = null;

  /**
   * Dirty-page tracking for live migration: one byte per RAM page, set when the page is written, or null when nobody
   * tracks (the store paths then pay one null test on their slow path only). Guest stores mark pages in
   * `Hart.translate` (a store TLB fill), so a tracker drops every hart's store TLB entries whenever it takes the set;
   * host-side writes (virtio DMA, page-table A/D bits, SBI records, loaders) call markDirty. See docs/migration.md.
   */
  dirty: Uint8Array | null = null;

  /**
   * `shared`: true for a new shared memory (harts on several threads: docs/threads.md), or an existing shared memory of
   * this RAM size made by another GuestMemory (a hart on a worker thread opens the machine's memory this way). A memory
   * that is not shared costs one vCPU about 3 % less host CPU (measured on a busybox boot and workload), so machines
   * with one hart use that.
   */
  constructor(
    readonly ramSize: number,
    shared: boolean | WebAssembly.Memory = false,
  ) {
    if (!Number.isInteger(ramSize) || ramSize <= 0 || ramSize % 4096 !== 0) {
      throw new RangeError(`guest RAM size must be a positive multiple of 4 KiB, got ${ramSize}`);
    }
    if (ramSize > MAX_RAM_BYTES)
      throw new RangeError(
        `guest RAM size ${ramSize} exceeds the ${MAX_RAM_BYTES}-byte limit of one WebAssembly memory`,
      );
    const pages = Math.ceil((RAM_OFFSET + ramSize) / WASM_PAGE);
    this.memory =
      typeof shared === 'boolean' ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared }) : shared;
    if (this.memory.buffer.byteLength !== pages * WASM_PAGE)
      throw new RangeError(`the shared memory is not the size of ${ramSize} bytes of RAM`);
    this.buffer = this.memory.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i64 = new BigInt64Array(this.buffer);
    this.dv = new DataView(this.buffer);
  }

  /** Host byte offset of a guest-physical address, or -1 when [pa, pa+len) is not entirely RAM. pa is a plain number (exact below 2^53). */
  ramHostOffset(pa: number, len = 1): number {
    const off = pa - this.ramBase;
    if (off < 0 || off + len > this.ramSize) return -1;
    return this.ramOffset + off;
  }

  /** Copy bytes into guest RAM at a guest-physical address; throws if outside RAM (host-side loaders only). */
  writeBytes(pa: number, data: Uint8Array): void {
    const host = this.ramHostOffset(pa, data.length);
    if (host < 0) throw new RangeError(`write of ${data.length} bytes at 0x${pa.toString(16)} is outside guest RAM`);
    this.u8.set(data, host);
    this.markDirty(host, data.length);
  }

  /** Marks the RAM pages of the host byte range [hostOffset, hostOffset+length) as written (while tracking). */
  markDirty(hostOffset: number, length: number): void {
    const d = this.dirty;
    if (d === null || length <= 0) return;
    const first = Math.max(0, hostOffset - this.ramOffset) >>> 12;
    const last = Math.min(this.ramSize - 1, hostOffset - this.ramOffset + length - 1) >>> 12;
    for (let p = first; p <= last; p++) d[p] = 1;
  }

  /** Copy bytes out of guest RAM; throws if outside RAM (host-side use only). */
  readBytes(pa: number, len: number): Uint8Array {
    const host = this.ramHostOffset(pa, len);
    if (host < 0) throw new RangeError(`read of ${len} bytes at 0x${pa.toString(16)} is outside guest RAM`);
    return this.u8.slice(host, host + len);
  }
}

/** Whether a wasm memory is shared (generated modules must import it as such). */
export function isShared(memory: WebAssembly.Memory): boolean {
  return (memory.buffer as unknown) instanceof SharedArrayBuffer;
}
