// Dirty-page tracking for live migration: the set of RAM pages written since the last look (docs/migration.md).
import type { VirtMachine } from '../boards/virt/virt-machine.js';

/**
 * Tracks which RAM pages a running machine writes. Guest stores mark a page when they fill a store TLB entry, so
 * starting and every `take` drop all store TLB entries (the next store to each page takes the slow path once); host
 * writes (virtio DMA, page-table A/D bits, SBI records) mark pages through `GuestMemory.markDirty`. Call it between
 * slices only, as everything on the VM's thread is.
 */
export class DirtyTracker {
  private readonly pages: number;

  constructor(private readonly m: VirtMachine) {
    this.pages = m.mem.ramSize / 4096;
    m.mem.dirty = new Uint8Array(this.pages);
    this.dropStoreTlbs();
  }

  private dropStoreTlbs(): void {
    for (const h of this.m.harts) h.dropStoreTlb();
  }

  /** The pages written since the tracker started or the last take, in ascending order; tracking goes on. */
  take(): Uint32Array {
    const d = this.m.mem.dirty!;
    this.m.mem.dirty = new Uint8Array(this.pages);
    this.dropStoreTlbs();
    let n = 0;
    for (let p = 0; p < d.length; p++) n += d[p];
    const out = new Uint32Array(n);
    for (let p = 0, i = 0; p < d.length; p++) if (d[p]) out[i++] = p;
    return out;
  }

  /** Ends tracking: the store paths go back to their one null test. */
  stop(): void {
    this.m.mem.dirty = null;
  }
}
