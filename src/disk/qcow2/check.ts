// Consistency check of a qcow2 image: refcounts recomputed from every reference, compared with the stored ones.
import { ImageFile } from '../file.js';
import { readQcow2Header } from '../open.js';
import { getU64, type Qcow2Header } from './header.js';
import { ClusterKind, classify, compressedRange, COPIED_HI, entryOffset, readEntry } from './l2-entry.js';
import { Refcounts } from './refcounts.js';

export interface CheckResult {
  /** Clusters whose stored refcount is below the number of references (or other structural damage). */
  corruptions: number;
  /** Clusters whose stored refcount is above the number of references. */
  leaks: number;
  messages: string[];
  allocatedClusters: number;
  totalClusters: number;
  imageEndOffset: number;
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

class Checker {
  private readonly cs: number;
  private readonly expected: Uint32Array;
  private readonly result: CheckResult;
  /** Active L1/L2 entries whose COPIED flag must match "refcount is one": [host offset, flag set, what]. */
  private readonly copiedChecks: [number, boolean, string][] = [];

  constructor(
    private readonly file: ImageFile,
    private readonly h: Qcow2Header,
    private readonly fileSize: number,
  ) {
    this.cs = 2 ** h.clusterBits;
    this.expected = new Uint32Array(Math.ceil(fileSize / this.cs));
    this.result = {
      corruptions: 0,
      leaks: 0,
      messages: [],
      allocatedClusters: 0,
      totalClusters: Math.ceil(h.size / this.cs),
      imageEndOffset: fileSize,
    };
  }

  private error(msg: string): void {
    this.result.corruptions++;
    this.result.messages.push(`ERROR ${msg}`);
  }

  private ref(offset: number, length: number, what: string): void {
    if (length <= 0) return;
    const first = Math.floor(offset / this.cs);
    const last = Math.floor((offset + length - 1) / this.cs);
    for (let c = first; c <= last; c++) {
      if (c >= this.expected.length) {
        this.error(`${what} at ${offset} lies beyond the end of the image file`);
        return;
      }
      this.expected[c]++;
    }
  }

  private async readBytes(offset: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    await this.file.readAt(offset, buf);
    return buf;
  }

  async run(): Promise<CheckResult> {
    const h = this.h;
    this.ref(0, this.cs, 'header');
    await this.checkL1(h.l1TableOffset, h.l1Size, true, 'active L1');
    this.ref(h.refcountTableOffset, h.refcountTableClusters * this.cs, 'refcount table');
    const refcounts = await Refcounts.load(
      this.file,
      this.cs,
      h.refcountOrder,
      h.refcountTableOffset,
      h.refcountTableClusters,
    );
    refcounts.blockOffsets.forEach((off, i) => {
      if (off !== 0) this.ref(off, this.cs, `refcount block ${i}`);
    });
    await this.checkSnapshots();
    for (const [host, copied, what] of this.copiedChecks) {
      const rc = await refcounts.get(Math.floor(host / this.cs));
      if ((rc === 1) !== copied) this.error(`OFLAG_COPIED ${what}: offset=${host} refcount=${rc}`);
    }
    const stored = Math.max(this.expected.length, refcounts.blockOffsets.length * refcounts.perBlock);
    for (let c = 0; c < stored; c++) {
      const want = c < this.expected.length ? this.expected[c] : 0;
      const blockIndex = Math.floor(c / refcounts.perBlock);
      if (want === 0 && (blockIndex >= refcounts.blockOffsets.length || refcounts.blockOffsets[blockIndex] === 0)) {
        c = (blockIndex + 1) * refcounts.perBlock - 1;
        continue;
      }
      const have = await refcounts.get(c);
      if (have > want) {
        this.result.leaks++;
        this.result.messages.push(`Leaked cluster ${c} refcount=${have} reference=${want}`);
      } else if (have < want) this.error(`cluster ${c} refcount=${have} reference=${want}`);
    }
    return this.result;
  }

  private async checkL1(offset: number, size: number, active: boolean, what: string): Promise<void> {
    if (offset % this.cs !== 0) {
      this.error(`${what} table at unaligned offset ${offset}`);
      return;
    }
    this.ref(offset, size * 8, `${what} table`);
    const l1 = await this.readBytes(offset, size * 8);
    for (let i = 0; i < size; i++) {
      const [hi, lo] = readEntry(l1, i);
      const l2 = entryOffset(hi, lo);
      if (l2 === 0) continue;
      if (l2 % this.cs !== 0 || (lo & 0x1ff) !== 0) {
        this.error(`${what} entry ${i}: L2 table at unaligned offset ${l2}`);
        continue;
      }
      if (l2 >= this.fileSize) {
        this.error(`${what} entry ${i}: L2 table at ${l2} beyond the end of the file`);
        continue;
      }
      this.ref(l2, this.cs, `L2 table ${i}`);
      if (active) this.copiedChecks.push([l2, (hi & COPIED_HI) !== 0, `L2 table ${i}`]);
      await this.checkL2(l2, i, active);
    }
  }

  private async checkL2(offset: number, l1Index: number, active: boolean): Promise<void> {
    const table = await this.readBytes(offset, this.cs);
    const entries = this.cs / 8;
    for (let i = 0; i < entries; i++) {
      const [hi, lo] = readEntry(table, i);
      const kind = classify(hi, lo, this.h.version);
      const guest = (l1Index * entries + i) * this.cs;
      if (kind === ClusterKind.Compressed) {
        const [host, length] = compressedRange(hi, lo, this.h.clusterBits);
        this.ref(host, length, `compressed cluster for guest offset ${guest}`);
        if (active) this.result.allocatedClusters++;
        continue;
      }
      const host = entryOffset(hi, lo);
      if (host === 0) continue;
      if (host % this.cs !== 0) {
        this.error(`L2 entry for guest offset ${guest}: unaligned host offset ${host}`);
        continue;
      }
      if (this.h.version < 3 && lo & 1) {
        this.error(`L2 entry for guest offset ${guest}: zero flag in a version 2 image`);
        continue;
      }
      this.ref(host, this.cs, `data cluster for guest offset ${guest}`);
      if (active) {
        this.result.allocatedClusters++;
        this.copiedChecks.push([host, (hi & COPIED_HI) !== 0, `data cluster for guest offset ${guest}`]);
      }
    }
  }

  private async checkSnapshots(): Promise<void> {
    const h = this.h;
    if (h.nbSnapshots === 0) return;
    let off = h.snapshotsOffset;
    const start = off;
    for (let s = 0; s < h.nbSnapshots; s++) {
      const fixed = await this.readBytes(off, 40);
      const dv = new DataView(fixed.buffer);
      const l1Offset = getU64(dv, 0);
      const l1Size = dv.getUint32(8);
      const idSize = dv.getUint16(12);
      const nameSize = dv.getUint16(14);
      const extra = dv.getUint32(36);
      await this.checkL1(l1Offset, l1Size, false, `snapshot ${s + 1} L1`);
      off += 40 + extra + idSize + nameSize;
      off = Math.ceil(off / 8) * 8;
    }
    this.ref(start, off - start, 'snapshot table');
  }
}
