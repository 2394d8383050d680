// The qcow2 block backend: guest offsets map through the L1 and L2 tables to host clusters, the backing file, or zeros.
import { inflateRawSync } from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import { checkRange, DiskError, type BlockBackend } from '../backend.js';
import type { ImageFile } from '../file.js';
import { INCOMPAT_CORRUPT, INCOMPAT_DIRTY, OFF_AUTOCLEAR, type Qcow2Header } from './header.js';
import {
  ClusterKind,
  classify,
  compressedRange,
  COPIED_HI,
  entryOffset,
  makeEntry,
  readEntry,
  writeEntry,
  ZERO_LO,
} from './l2-entry.js';
import { Refcounts } from './refcounts.js';
import { TableCache } from './table-cache.js';

export class Qcow2Backend implements BlockBackend {
  readonly size: number;
  readonly clusterSize: number;
  private readonly clusterBits: number;
  private readonly l2Entries: number;
  /** L1 entries as hi/lo halves. */
  private readonly l1: Uint32Array;
  private readonly l2Cache: TableCache;
  private refcounts: Refcounts | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastCompressed: { hi: number; lo: number; data: Uint8Array } = { hi: -1, lo: -1, data: new Uint8Array(0) };

  private constructor(
    readonly file: ImageFile,
    readonly header: Qcow2Header,
    readonly backing: BlockBackend | null,
    readonly readOnly: boolean,
  ) {
    this.size = header.size;
    this.clusterBits = header.clusterBits;
    this.clusterSize = 2 ** header.clusterBits;
    this.l2Entries = this.clusterSize / 8;
    this.l1 = new Uint32Array(header.l1Size * 2);
    this.l2Cache = new TableCache(file, this.clusterSize, 32);
  }

  static async open(
    file: ImageFile,
    header: Qcow2Header,
    backing: BlockBackend | null,
    readOnly: boolean,
  ): Promise<Qcow2Backend> {
    const q = new Qcow2Backend(file, header, backing, readOnly);
    const raw = new Uint8Array(header.l1Size * 8);
    await file.readAt(header.l1TableOffset, raw);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < header.l1Size * 2; i++) q.l1[i] = dv.getUint32(i * 4);
    if (!readOnly) {
      if (header.incompatLo & INCOMPAT_CORRUPT)
        throw new DiskError(
          `${file.path}: image is marked corrupt; repair it (qemu-img check -r all) or open it read-only`,
        );
      if (header.incompatLo & INCOMPAT_DIRTY)
        throw new DiskError(
          `${file.path}: image is dirty (lazy refcounts were not written back); repair it with qemu-img check -r all before writing`,
        );
      q.refcounts = await Refcounts.load(
        file,
        q.clusterSize,
        header.refcountOrder,
        header.refcountTableOffset,
        header.refcountTableClusters,
      );
      if (header.autoclearLo !== 0 || header.autoclearHi !== 0) {
        // We do not keep bitmaps or raw external data in step, so their autoclear bits must go.
        await file.writeAt(OFF_AUTOCLEAR, new Uint8Array(8));
        await file.sync();
        header.autoclearLo = header.autoclearHi = 0;
      }
    }
    return q;
  }

  /** Runs operations one at a time: allocation updates several tables that must not interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  read(offset: number, buf: Uint8Array): Promise<void> {
    checkRange(this.size, offset, buf.length);
    return this.exclusive(() => this.doRead(offset, buf));
  }

  write(offset: number, data: Uint8Array): Promise<void> {
    if (this.readOnly || !this.refcounts) return Promise.reject(new DiskError(`${this.file.path}: read-only`));
    checkRange(this.size, offset, data.length);
    return this.exclusive(() => this.doWrite(offset, data));
  }

  flush(): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.exclusive(() => this.file.sync());
  }

  discard(offset: number, length: number): Promise<void> {
    if (this.readOnly || !this.refcounts) return Promise.reject(new DiskError(`${this.file.path}: read-only`));
    checkRange(this.size, offset, length);
    return this.exclusive(() => this.doDiscard(offset, length));
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      if (!this.readOnly) await this.file.sync();
      await this.file.close();
      if (this.backing) await this.backing.close();
    });
  }

  /** The L2 entry of guest cluster vc as [hi, lo], or [0, 0] when its L2 table is not allocated. */
  private async lookup(vc: number): Promise<[number, number]> {
    const l1i = Math.floor(vc / this.l2Entries);
    const l2Offset = entryOffset(this.l1[2 * l1i], this.l1[2 * l1i + 1]);
    if (l2Offset === 0) return [0, 0];
    return readEntry(await this.l2Cache.get(l2Offset), vc % this.l2Entries);
  }

  private async doRead(offset: number, buf: Uint8Array): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const pos = offset + done;
      const vc = Math.floor(pos / this.clusterSize);
      const inCluster = pos % this.clusterSize;
      let len = Math.min(this.clusterSize - inCluster, buf.length - done);
      const [hi, lo] = await this.lookup(vc);
      const kind = classify(hi, lo, this.header.version);
      const out = buf.subarray(done, done + len);
      if (kind === ClusterKind.Normal) {
        // Merge following clusters that are contiguous on the host into one read.
        const host = entryOffset(hi, lo);
        let end = done + len;
        for (let next = vc + 1; end < buf.length; next++) {
          const [nhi, nlo] = await this.lookup(next);
          if (
            classify(nhi, nlo, this.header.version) !== ClusterKind.Normal ||
            entryOffset(nhi, nlo) !== host + (next - vc) * this.clusterSize
          )
            break;
          end += Math.min(this.clusterSize, buf.length - end);
        }
        len = end - done;
        await this.file.readAt(host + inCluster, buf.subarray(done, done + len));
      } else if (kind === ClusterKind.Compressed) {
        out.set((await this.decompress(hi, lo)).subarray(inCluster, inCluster + len));
      } else if (kind === ClusterKind.Zero) {
        out.fill(0);
      } else {
        await this.readBacking(pos, out);
      }
      done += len;
    }
  }

  private async readBacking(pos: number, out: Uint8Array): Promise<void> {
    const b = this.backing;
    const avail = b ? Math.max(0, Math.min(out.length, b.size - pos)) : 0;
    if (avail > 0) await b!.read(pos, out.subarray(0, avail));
    out.fill(0, avail);
  }

  private async decompress(hi: number, lo: number): Promise<Uint8Array> {
    const last = this.lastCompressed;
    if (last.hi === hi && last.lo === lo) return last.data;
    const [host, length] = compressedRange(hi, lo, this.clusterBits);
    const input = new Uint8Array(length);
    await this.file.readAt(host, input);
    let data: Uint8Array;
    try {
      data =
        this.header.compressionType === 1
          ? zstdCluster(input, this.clusterSize)
          : new Uint8Array(
              inflateRawSync(input, { maxOutputLength: this.clusterSize, finishFlush: 2 /* Z_SYNC_FLUSH */ }),
            );
    } catch (e) {
      throw new DiskError(`${this.file.path}: bad compressed cluster at ${host}: ${(e as Error).message}`);
    }
    if (data.length < this.clusterSize) {
      const full = new Uint8Array(this.clusterSize);
      full.set(data);
      data = full;
    } else if (data.length > this.clusterSize) {
      data = data.subarray(0, this.clusterSize);
    }
    this.lastCompressed = { hi, lo, data };
    return data;
  }

  /** The current contents of guest cluster vc as it reads now (for copy-on-write of partial clusters). */
  private async clusterContents(vc: number, hi: number, lo: number, into: Uint8Array): Promise<void> {
    switch (classify(hi, lo, this.header.version)) {
      case ClusterKind.Normal:
        await this.file.readAt(entryOffset(hi, lo), into);
        return;
      case ClusterKind.Compressed:
        into.set(await this.decompress(hi, lo));
        return;
      case ClusterKind.Zero:
        into.fill(0);
        return;
      default: {
        const pos = vc * this.clusterSize;
        await this.readBacking(pos, into.subarray(0, Math.max(0, Math.min(this.clusterSize, this.size - pos))));
        into.fill(0, Math.max(0, Math.min(this.clusterSize, this.size - pos)));
      }
    }
  }

  /** Drops the reference an L2 entry held (after the entry itself no longer points there). */
  private async releaseEntry(hi: number, lo: number): Promise<void> {
    const kind = classify(hi, lo, this.header.version);
    if (kind === ClusterKind.Compressed) {
      const [host, length] = compressedRange(hi, lo, this.clusterBits);
      await this.refcounts!.free(host, length);
      this.lastCompressed.hi = -1;
    } else {
      const host = entryOffset(hi, lo);
      if (host !== 0) await this.refcounts!.free(host, this.clusterSize);
    }
  }

  /** The L2 table for L1 index l1i, allocated or copied (when shared with a snapshot) so that it can be written. */
  private async writableL2(l1i: number): Promise<[number, Uint8Array]> {
    const hi = this.l1[2 * l1i];
    const lo = this.l1[2 * l1i + 1];
    const old = entryOffset(hi, lo);
    if (old !== 0 && hi & COPIED_HI) return [old, await this.l2Cache.get(old)];
    const refcounts = this.refcounts!;
    const at = await refcounts.allocate(1);
    const table = old !== 0 ? (await this.l2Cache.get(old)).slice() : new Uint8Array(this.clusterSize);
    await this.file.writeAt(at, table);
    this.l2Cache.put(at, table);
    const [nhi, nlo] = makeEntry(at, true);
    const entry = new Uint8Array(8);
    writeEntry(entry, 0, nhi, nlo);
    await this.file.writeAt(this.header.l1TableOffset + l1i * 8, entry);
    this.l1[2 * l1i] = nhi;
    this.l1[2 * l1i + 1] = nlo;
    if (old !== 0) await refcounts.free(old, this.clusterSize);
    return [at, table];
  }

  private async doWrite(offset: number, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const pos = offset + done;
      const vc = Math.floor(pos / this.clusterSize);
      const l1i = Math.floor(vc / this.l2Entries);
      const [l2Offset, table] = await this.writableL2(l1i);
      // Work on clusters of this one L2 table.
      const tableEnd = (l1i + 1) * this.l2Entries * this.clusterSize;
      const chunkEnd = Math.min(offset + data.length, tableEnd);
      done += await this.writeInTable(table, l2Offset, pos, data.subarray(done, done + chunkEnd - pos));
    }
  }

  /** Writes a prefix of data (which lies within one L2 table) and returns how many bytes it wrote. */
  private async writeInTable(table: Uint8Array, l2Offset: number, pos: number, data: Uint8Array): Promise<number> {
    const cs = this.clusterSize;
    const vc0 = Math.floor(pos / cs);
    const inCluster = pos % cs;
    const nClusters = Math.ceil((inCluster + data.length) / cs);
    const [hi0, lo0] = readEntry(table, vc0 % this.l2Entries);
    const inPlace = (hi: number, lo: number): boolean =>
      classify(hi, lo, this.header.version) === ClusterKind.Normal && (hi & COPIED_HI) !== 0;
    if (inPlace(hi0, lo0)) {
      // Overwrite in place, merged with following clusters contiguous on the host.
      const host = entryOffset(hi0, lo0);
      let n = 1;
      while (n < nClusters) {
        const [hi, lo] = readEntry(table, (vc0 + n) % this.l2Entries);
        if (!inPlace(hi, lo) || entryOffset(hi, lo) !== host + n * cs) break;
        n++;
      }
      const len = Math.min(data.length, n * cs - inCluster);
      await this.file.writeAt(host + inCluster, data.subarray(0, len));
      return len;
    }
    // A run of clusters needing new host clusters.
    let n = 1;
    while (n < nClusters) {
      const [hi, lo] = readEntry(table, (vc0 + n) % this.l2Entries);
      if (inPlace(hi, lo)) break;
      n++;
    }
    const len = Math.min(data.length, n * cs - inCluster);
    const buf = new Uint8Array(n * cs);
    const old: [number, number][] = [];
    for (let i = 0; i < n; i++) old.push(readEntry(table, (vc0 + i) % this.l2Entries));
    if (inCluster !== 0) await this.clusterContents(vc0, old[0][0], old[0][1], buf.subarray(0, cs));
    const tailEnd = inCluster + len;
    if (tailEnd % cs !== 0 && (n > 1 || inCluster === 0)) {
      await this.clusterContents(vc0 + n - 1, old[n - 1][0], old[n - 1][1], buf.subarray((n - 1) * cs, n * cs));
    }
    buf.set(data.subarray(0, len), inCluster);
    // QEMU's order: refcounts, then data, then the L2 entries, then drop the old references.
    const host = await this.refcounts!.allocate(n);
    await this.file.writeAt(host, buf);
    const firstIdx = vc0 % this.l2Entries;
    for (let i = 0; i < n; i++) {
      const [hi, lo] = makeEntry(host + i * cs, true);
      writeEntry(table, firstIdx + i, hi, lo);
    }
    await this.file.writeAt(l2Offset + firstIdx * 8, table.subarray(firstIdx * 8, (firstIdx + n) * 8));
    for (const [hi, lo] of old) await this.releaseEntry(hi, lo);
    return len;
  }

  private async doDiscard(offset: number, length: number): Promise<void> {
    const cs = this.clusterSize;
    const first = Math.ceil(offset / cs);
    const end = Math.floor((offset + length) / cs);
    const fullEnd = offset + length === this.size ? Math.ceil(this.size / cs) : end;
    for (let vc = first; vc < fullEnd; vc++) {
      const l1i = Math.floor(vc / this.l2Entries);
      if (entryOffset(this.l1[2 * l1i], this.l1[2 * l1i + 1]) === 0 && !this.backing) {
        vc = (l1i + 1) * this.l2Entries - 1;
        continue;
      }
      const [hi, lo] = await this.lookup(vc);
      const kind = classify(hi, lo, this.header.version);
      if (kind === ClusterKind.Unallocated && !this.backing) continue;
      if (kind === ClusterKind.Zero && entryOffset(hi, lo) === 0) continue;
      // With a backing file the cluster must keep hiding the backing data: mark it zero (version 3 only).
      const useZero = this.backing !== null;
      if (useZero && this.header.version < 3) continue;
      const [l2Offset, table] = await this.writableL2(l1i);
      const idx = vc % this.l2Entries;
      writeEntry(table, idx, 0, useZero ? ZERO_LO : 0);
      await this.file.writeAt(l2Offset + idx * 8, table.subarray(idx * 8, idx * 8 + 8));
      if (kind !== ClusterKind.Unallocated) await this.releaseEntry(hi, lo);
    }
  }
}

/**
 * Decompresses one zstd frame. The data QEMU stores ends mid-sector, so bytes after the frame are junk: stream it and
 * stop once a whole cluster has come out, ignoring complaints about what follows.
 */
function zstdCluster(input: Uint8Array, clusterSize: number): Uint8Array {
  const out = new Uint8Array(clusterSize);
  let got = 0;
  const stream = new ZstdStream((chunk) => {
    const n = Math.min(chunk.length, clusterSize - got);
    out.set(chunk.subarray(0, n), got);
    got += n;
  });
  try {
    stream.push(input, false);
  } catch (e) {
    if (got < clusterSize) throw e;
  }
  if (got < clusterSize) throw new Error(`zstd data ends after ${got} bytes`);
  return out;
}
