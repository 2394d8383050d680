// Consistency check of a qcow2 image: refcounts recomputed from every reference, compared with the stored ones.
// Linear in the image file: each distinct table is read once however many entries point at it, and only clusters
// inside the file are compared (as qemu-img does).
import { ImageFile } from '../file.js';
import { readQcow2Header } from './header.js';
import type { Qcow2Header } from './header.js';
import { ClusterKind, classify, compressedRange, COPIED_HI, entryOffset, readEntry } from './l2-entry.js';
import { refcountGet, refcountMax } from './refcount-entry.js';
import { readSnapshotTable, snapshotL1Problem, V3_SNAPSHOT_EXTRA } from './snapshots.js';

export interface CheckResult {
  /** Clusters whose stored refcount is below the number of references, and other structural damage. */
  corruptions: number;
  /** Clusters whose stored refcount is above the number of references. */
  leaks: number;
  messages: string[];
  allocatedClusters: number;
  totalClusters: number;
  imageEndOffset: number;
  /** The refcount structure itself is damaged (a block outside the file or unaligned): only a rebuild repairs it. */
  rebuildNeeded: boolean;
  /** Refcount mismatches (corruptions and leaks counted above) and wrong COPIED flags, for repair. */
  refcountErrors: number;
  copiedErrors: number;
}

export async function checkQcow2(path: string): Promise<CheckResult> {
  const file = await ImageFile.open(path, true);
  try {
    const header = await readQcow2Header(file);
    return await new Checker(file, header, await file.size()).run();
  } finally {
    await file.close();
  }
}

const CHUNK = 65536;
const MAX_MESSAGES = 1000;

/**
 * Reference counts per host cluster, stored in chunks so that a sparse file costs memory only where referenced.
 * Counts saturate at the image's refcount maximum, as QEMU's in-memory table does.
 */
export class ReferenceCounts {
  private readonly chunks = new Map<number, Uint32Array>();

  constructor(private readonly max: number) {}

  /** Adds n references; returns how many of them overflowed the refcount width (QEMU counts each as an error). */
  add(cluster: number, n: number): number {
    const key = Math.floor(cluster / CHUNK);
    let chunk = this.chunks.get(key);
    if (!chunk) this.chunks.set(key, (chunk = new Uint32Array(CHUNK)));
    const have = chunk[cluster % CHUNK];
    const room = Math.min(this.max, 0xffff_ffff) - have;
    chunk[cluster % CHUNK] = have + Math.min(room, n);
    return Math.max(0, n - room);
  }

  get(cluster: number): number {
    return this.chunks.get(Math.floor(cluster / CHUNK))?.[cluster % CHUNK] ?? 0;
  }

  /** Whether any cluster in [first, end) has a reference. */
  anyIn(first: number, end: number): boolean {
    for (let k = Math.floor(first / CHUNK); k * CHUNK < end; k++) if (this.chunks.has(k)) return true;
    return false;
  }

  /** The highest referenced cluster plus one. */
  end(): number {
    let top = 0;
    for (const [k, chunk] of this.chunks) {
      for (let i = CHUNK - 1; i >= 0; i--)
        if (chunk[i] !== 0) {
          top = Math.max(top, k * CHUNK + i + 1);
          break;
        }
    }
    return top;
  }
}

export class Checker {
  readonly cs: number;
  readonly fileClusters: number;
  readonly references: ReferenceCounts;
  /** Refcount block offsets by refcount table index; 0 where missing or unusable. */
  blocks: number[] = [];
  readonly perBlock: number;
  readonly result: CheckResult;
  private readonly blockCache = new Map<number, Uint8Array>();

  constructor(
    readonly file: ImageFile,
    readonly h: Qcow2Header,
    readonly fileSize: number,
  ) {
    this.cs = 2 ** h.clusterBits;
    this.fileClusters = Math.ceil(fileSize / this.cs);
    this.perBlock = (this.cs * 8) >>> h.refcountOrder;
    this.references = new ReferenceCounts(refcountMax(h.refcountOrder));
    this.result = {
      corruptions: 0,
      leaks: 0,
      messages: [],
      allocatedClusters: 0,
      totalClusters: Math.ceil(h.size / this.cs),
      imageEndOffset: fileSize,
      rebuildNeeded: false,
      refcountErrors: 0,
      copiedErrors: 0,
    };
  }

  private error(msg: string): void {
    this.result.corruptions++;
    this.message(`ERROR ${msg}`);
  }

  /** Keeps the first messages only: a crafted image can have millions of bad entries. */
  private message(line: string): void {
    const shown = this.result.messages.length;
    if (shown < MAX_MESSAGES) this.result.messages.push(line);
    else if (shown === MAX_MESSAGES) this.result.messages.push('(further messages suppressed)');
  }

  /** Counts n references to the clusters of [offset, offset+length); a range past the end of the file is an error. */
  private ref(offset: number, length: number, what: string, n = 1): void {
    if (length <= 0) return;
    const first = Math.floor(offset / this.cs);
    const last = Math.floor((offset + length - 1) / this.cs);
    if (last >= this.fileClusters) {
      this.error(`${what} at offset ${offset} (size ${length}) lies beyond the end of the image file`);
      return;
    }
    for (let c = first; c <= last; c++) {
      const overflow = this.references.add(c, n);
      if (overflow > 0) {
        this.result.corruptions += overflow - 1;
        this.error(`overflow cluster offset=${hex(c * this.cs)}`);
      }
    }
  }

  private async readBytes(offset: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    await this.file.readAt(offset, buf);
    return buf;
  }

  private async block(offset: number): Promise<Uint8Array> {
    let b = this.blockCache.get(offset);
    if (!b) {
      if (this.blockCache.size >= 64) this.blockCache.clear();
      b = await this.readBytes(offset, this.cs);
      this.blockCache.set(offset, b);
    }
    return b;
  }

  /** The stored refcount of a cluster (0 where its refcount block is missing or unusable). */
  async stored(cluster: number): Promise<number> {
    const bi = Math.floor(cluster / this.perBlock);
    const off = this.blocks[bi] ?? 0;
    if (off === 0) return 0;
    return refcountGet(await this.block(off), this.h.refcountOrder, cluster % this.perBlock);
  }

  /** Reads the refcount table only, so that stored() works (for repairs that follow a run() of another Checker). */
  async loadStoredRefcounts(): Promise<void> {
    this.blocks = [];
    await this.loadRefcountTable();
  }

  async run(): Promise<CheckResult> {
    const h = this.h;
    // QEMU's order: header, active L1, snapshots, refcount table, refcount blocks (each referenced exactly once).
    this.ref(0, this.cs, 'header');
    await this.loadRefcountTable();
    await this.checkL1(h.l1TableOffset, h.l1Size, true, 'active L1', 1);
    if (h.nbSnapshots > 0) await this.checkSnapshots();
    this.ref(h.refcountTableOffset, h.refcountTableClusters * this.cs, 'refcount table');
    this.blocks.forEach((off, i) => {
      if (off === 0) return;
      this.ref(off, this.cs, `refcount block ${i}`);
      const refs = this.references.get(off / this.cs);
      if (refs !== 1) {
        this.error(`refcount block ${i} refcount=${refs}`);
        this.result.rebuildNeeded = true;
      }
    });
    await this.compare();
    return this.result;
  }

  private async loadRefcountTable(): Promise<void> {
    this.blockCache.clear();
    const h = this.h;
    const raw = await this.readBytes(h.refcountTableOffset, h.refcountTableClusters * this.cs);
    for (let i = 0; i < raw.length / 8; i++) {
      const [hi, lo] = readEntry(raw, i);
      const off = hi * 0x1_0000_0000 + ((lo & 0xffff_fe00) >>> 0);
      let usable = off;
      if (lo & 0x1ff) {
        this.error(`refcount table entry ${i} has reserved bits set`);
        this.result.rebuildNeeded = true;
        usable = 0;
      } else if (off === 0) {
        // missing: all its refcounts are zero
      } else if (off % this.cs !== 0) {
        this.error(`refcount block ${i} is not cluster aligned; refcount table entry corrupted`);
        this.result.rebuildNeeded = true;
        usable = 0;
      } else if (off / this.cs >= this.fileClusters) {
        this.error(`refcount block ${i} is outside image`);
        this.result.rebuildNeeded = true;
        usable = 0;
      }
      this.blocks.push(usable);
    }
  }

  private async checkL1(offset: number, size: number, active: boolean, what: string, n: number): Promise<void> {
    this.ref(offset, size * 8, `${what} table`, n);
    const l1 = await this.readBytes(offset, size * 8);
    // Each distinct L2 table is read once, with the number of L1 entries that point at it.
    const tables = new Map<number, number>();
    for (let i = 0; i < size; i++) {
      const [hi, lo] = readEntry(l1, i);
      if (hi & L1_RESERVED_HI || lo & L1_RESERVED_LO)
        this.error(`found L1 entry with reserved bits set: ${hex64(hi, lo)}`);
      const l2 = entryOffset(hi, lo);
      // As qemu-img: any non-zero entry names a table, even one whose offset bits are zero (the header).
      if (hi === 0 && lo === 0) continue;
      this.ref(l2, this.cs, `L2 table of ${what} entry ${i}`, n);
      if (l2 % this.cs !== 0) {
        this.error(`l2_offset=${hex(l2)}: Table is not cluster aligned; L1 entry corrupted`);
        continue;
      }
      const rc = active && l2 !== 0 ? await this.stored(l2 / this.cs) : 0;
      if (active && l2 !== 0 && (rc === 1) !== ((hi & COPIED_HI) !== 0)) {
        this.result.copiedErrors++;
        this.error(`OFLAG_COPIED L2 cluster: l1_index=${i} l1_entry=${hex64(hi, lo)} refcount=${rc}`);
      }
      if (l2 / this.cs >= this.fileClusters) continue; // reads as zeros: no references
      tables.set(l2, (tables.get(l2) ?? 0) + 1);
    }
    for (const [l2, count] of tables) await this.checkL2(l2, active, n * count);
  }

  private async checkL2(offset: number, active: boolean, n: number): Promise<void> {
    const table = await this.readBytes(offset, this.cs);
    const entries = this.cs / 8;
    for (let i = 0; i < entries; i++) {
      const [hi, lo] = readEntry(table, i);
      const kind = classify(hi, lo, this.h.version);
      if (kind === ClusterKind.Compressed) {
        if (hi & COPIED_HI) this.error(`L2 entry ${i} of the table at ${hex(offset)}: compressed cluster with COPIED`);
        const [host, length] = compressedRange(hi, lo, this.h.clusterBits);
        this.ref(host, length, 'compressed cluster', n);
        if (active) this.result.allocatedClusters += n;
        continue;
      }
      if (hi & L2_RESERVED_HI || lo & L2_RESERVED_LO)
        this.error(`found L2 entry with reserved bits set: ${hex64(hi, lo)}`);
      const host = entryOffset(hi, lo);
      if (host === 0) continue;
      if (host % this.cs !== 0) this.error(`offset=${hex(host)}: Cluster is not properly aligned; L2 entry corrupted.`);
      this.ref(host, this.cs, 'data cluster', n);
      if (!active) continue;
      this.result.allocatedClusters += n;
      const rc = await this.stored(Math.floor(host / this.cs));
      if ((rc === 1) !== ((hi & COPIED_HI) !== 0)) {
        this.result.copiedErrors++;
        this.error(`OFLAG_COPIED data cluster: l2_entry=${hex64(hi, lo)} refcount=${rc}`);
      }
    }
  }

  private async checkSnapshots(): Promise<void> {
    const table = await readSnapshotTable(this.file, this.h);
    this.ref(this.h.snapshotsOffset, table.bytes, 'snapshot table');
    const distinct = new Map<string, number>();
    table.entries.forEach((e, i) => {
      if (this.h.version >= 3 && e.extraDataSize < V3_SNAPSHOT_EXTRA)
        this.error(`snapshot table entry ${i} is incomplete`);
      const problem = snapshotL1Problem(e, this.cs);
      if (problem)
        this.error(`snapshot ${i + 1} l1_offset=${hex(e.l1Offset)}: ${problem}; snapshot table entry corrupted`);
      else distinct.set(`${e.l1Offset}:${e.l1Size}`, (distinct.get(`${e.l1Offset}:${e.l1Size}`) ?? 0) + 1);
    });
    for (const [key, n] of distinct) {
      const [off, size] = key.split(':').map(Number);
      await this.checkL1(off, size, false, 'snapshot L1', n);
    }
  }

  /** Compares stored refcounts with references for every cluster of the file, one refcount block at a time. */
  private async compare(): Promise<void> {
    for (let bi = 0; bi * this.perBlock < this.fileClusters; bi++) {
      const first = bi * this.perBlock;
      const end = Math.min(this.fileClusters, first + this.perBlock);
      const off = this.blocks[bi] ?? 0;
      if (off === 0 && !this.references.anyIn(first, end)) continue;
      const block = off !== 0 ? await this.block(off) : null;
      for (let c = first; c < end; c++) {
        const have = block ? refcountGet(block, this.h.refcountOrder, c - first) : 0;
        const want = this.references.get(c);
        if (have === want) continue;
        this.result.refcountErrors++;
        if (have === 0) this.result.rebuildNeeded = true;
        if (have > want) {
          this.result.leaks++;
          this.message(`Leaked cluster ${c} refcount=${have} reference=${want}`);
        } else this.error(`cluster ${c} refcount=${have} reference=${want}`);
      }
    }
  }
}

/** Reserved bits of L1 entries (0-8, 56-62) and of standard L2 entries (1-8, 56-61), as hi/lo masks. */
const L1_RESERVED_HI = 0x7f00_0000;
const L1_RESERVED_LO = 0x1ff;
const L2_RESERVED_HI = 0x3f00_0000;
const L2_RESERVED_LO = 0x1fe;

function hex64(hi: number, lo: number): string {
  return `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
