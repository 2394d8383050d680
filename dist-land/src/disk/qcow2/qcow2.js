// The qcow2 block backend: guest offsets map through the L1 and L2 tables to host clusters, the backing file, or zeros.
import { inflateRawSync } from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import { checkRange, DiskError } from '../backend.js';
import { guestVisibleSize, INCOMPAT_CORRUPT, INCOMPAT_DIRTY, OFF_AUTOCLEAR, OFF_INCOMPAT, } from './header.js';
import { Checker } from './check.js';
import { MetadataMap } from './overlap.js';
import { readSnapshotTable } from './snapshots.js';
import { classify, COMPRESSED_HI, compressedRange, COPIED_HI, entryOffset, makeEntry, readEntry, writeEntry, ZERO_LO, } from './l2-entry.js';
import { applySnapshot, createSnapshot, deleteSnapshot, listSnapshots, } from './internal-snapshots.js';
import { Refcounts } from './refcounts.js';
import { TableCache } from './table-cache.js';
const stderrLog = (line) => process.stderr.write(`typevisor: ${line}\n`);
export class Qcow2Backend {
    file;
    header;
    backing;
    readOnly;
    log;
    size;
    clusterSize;
    clusterBits;
    l2Entries;
    /** L1 entries as hi/lo halves. */
    l1;
    l2Cache;
    refcounts = null;
    queue = Promise.resolve();
    lastCompressed = { hi: -1, lo: -1, data: new Uint8Array(0) };
    metadata;
    /** Set once corruption is found: writes are refused from then on (QEMU stops all I/O; reads stay useful here). */
    corrupt = false;
    constructor(file, header, backing, readOnly, log) {
        this.file = file;
        this.header = header;
        this.backing = backing;
        this.readOnly = readOnly;
        this.log = log;
        this.size = guestVisibleSize(header.size);
        this.clusterBits = header.clusterBits;
        this.clusterSize = 2 ** header.clusterBits;
        this.l2Entries = this.clusterSize / 8;
        this.l1 = new Uint32Array(header.l1Size * 2);
        this.l2Cache = new TableCache(file, this.clusterSize, 32);
        this.metadata = new MetadataMap(this.clusterSize);
    }
    static async open(file, header, backing, readOnly, log = stderrLog) {
        const q = new Qcow2Backend(file, header, backing, readOnly, log);
        const raw = new Uint8Array(header.l1Size * 8);
        await file.readAt(header.l1TableOffset, raw);
        const dv = new DataView(raw.buffer);
        for (let i = 0; i < header.l1Size * 2; i++)
            q.l1[i] = dv.getUint32(i * 4);
        if (!readOnly)
            await q.openForWriting();
        return q;
    }
    /**
     * Before the first write: the image must be consistent (a check, linear in its metadata), so that every cluster
     * the refcounts call free really is; then every metadata cluster is recorded for the overlap checks.
     */
    async openForWriting() {
        const { file, header } = this;
        if (header.incompatLo & INCOMPAT_CORRUPT)
            throw new DiskError(`${file.path}: image is marked corrupt; repair it (typevisor img check -r all) or open it read-only`);
        if (header.incompatLo & INCOMPAT_DIRTY)
            throw new DiskError(`${file.path}: image is dirty (lazy refcounts were not written back); repair it with typevisor img check -r all before writing`);
        const check = await new Checker(file, header, await file.size()).run();
        if (check.corruptions > 0) {
            const first = check.messages.find((m) => m.startsWith('ERROR')) ?? 'inconsistent metadata';
            await this.signalCorruption(`${check.corruptions} error(s) in its metadata, first: ${first.replace(/^ERROR /, '')}`).catch((e) => {
                throw new DiskError(`${e.message}; repair it with typevisor img check -r all`);
            });
        }
        const cs = this.clusterSize;
        const record = async (offset, length, kind) => {
            const other = this.metadata.add(offset, length, kind);
            if (other)
                await this.signalCorruption(`${kind} at offset ${offset} overlaps the ${other}`);
        };
        await record(0, cs, 'header');
        await record(header.l1TableOffset, header.l1Size * 8, 'active L1 table');
        await record(header.refcountTableOffset, header.refcountTableClusters * cs, 'refcount table');
        for (let i = 0; i < header.l1Size; i++) {
            const l2 = entryOffset(this.l1[2 * i], this.l1[2 * i + 1]);
            if (l2 !== 0)
                await record(l2, cs, 'active L2 table');
        }
        if (header.nbSnapshots > 0) {
            const snapshots = await readSnapshotTable(file, header);
            await record(header.snapshotsOffset, snapshots.bytes, 'snapshot table');
            for (const e of snapshots.entries)
                await record(e.l1Offset, e.l1Size * 8, 'snapshot L1 table');
        }
        this.refcounts = await Refcounts.load(file, this.guard, cs, header.refcountOrder, header.refcountTableOffset, header.refcountTableClusters);
        for (const off of this.refcounts.blockOffsets)
            if (off !== 0)
                await record(off, cs, 'refcount block');
        if (header.autoclearLo !== 0 || header.autoclearHi !== 0) {
            // We do not keep bitmaps or raw external data in step, so their autoclear bits must go.
            await file.writeAt(OFF_AUTOCLEAR, new Uint8Array(8));
            await file.sync();
            header.autoclearLo = header.autoclearHi = 0;
        }
    }
    /** How the refcount code checks its allocations against the metadata and reports corruption. */
    guard = {
        allocating: async (offset, length, what) => {
            const kind = this.metadata.overlap(offset, length);
            if (kind)
                await this.signalCorruption(`Preventing invalid allocation of ${what} at offset ${offset}: it overlaps the ${kind}`);
        },
        metadataAdded: async (offset, length, kind) => {
            const other = this.metadata.add(offset, length, kind);
            if (other)
                await this.signalCorruption(`new ${kind} at offset ${offset} overlaps the ${other}`);
        },
        metadataRemoved: (offset, length) => this.metadata.remove(offset, length),
        corrupt: (message) => this.signalCorruption(message),
    };
    /**
     * QEMU's qcow2_signal_corruption: one line to the log, the corrupt bit set in the header (version 3, writable
     * images), and the request fails. The image can then be opened read-only only, until `img check -r all`.
     */
    async signalCorruption(message) {
        const writable = !this.readOnly && this.header.version >= 3;
        if (!this.corrupt) {
            this.corrupt = true;
            this.log(writable
                ? `qcow2: ${this.file.path}: Marking image as corrupt: ${message}; further corruption events will be suppressed`
                : `qcow2: ${this.file.path}: Image is corrupt: ${message}; further corruption events will be suppressed`);
            if (writable && !(this.header.incompatLo & INCOMPAT_CORRUPT)) {
                this.header.incompatLo |= INCOMPAT_CORRUPT;
                const bits = new Uint8Array(8);
                const dv = new DataView(bits.buffer);
                dv.setUint32(0, this.header.incompatHi);
                dv.setUint32(4, this.header.incompatLo);
                await this.file.writeAt(OFF_INCOMPAT, bits);
                await this.file.sync();
            }
        }
        throw new DiskError(`${this.file.path}: image is corrupt: ${message}`);
    }
    /** Fails (marking the image corrupt) unless [offset, offset+length) holds no metadata: checked on every data write. */
    async checkDataWrite(offset, length) {
        const kind = this.metadata.overlap(offset, length);
        if (kind)
            await this.signalCorruption(`Preventing invalid write on metadata (overlaps with the ${kind})`);
    }
    /** Fails (marking the image corrupt) unless the cluster at offset is recorded as an active L2 table. */
    async checkL2Write(offset) {
        if (this.metadata.kindAt(offset) !== 'active L2 table')
            await this.signalCorruption(`Preventing invalid write on metadata: ${offset} is not an active L2 table`);
    }
    /** Runs operations one at a time: allocation updates several tables that must not interleave. */
    exclusive(fn) {
        const run = this.queue.then(fn, fn);
        this.queue = run.catch(() => undefined);
        return run;
    }
    read(offset, buf) {
        checkRange(this.size, offset, buf.length);
        return this.exclusive(() => this.doRead(offset, buf));
    }
    write(offset, data) {
        if (this.readOnly || !this.refcounts)
            return Promise.reject(new DiskError(`${this.file.path}: read-only`));
        if (this.corrupt)
            return Promise.reject(new DiskError(`${this.file.path}: image is corrupt; writes are refused`));
        checkRange(this.size, offset, data.length);
        return this.exclusive(() => this.doWrite(offset, data));
    }
    /** Zero clusters, unallocated clusters over no backing data, and the backing file's own holes read as zeros. */
    blockStatus(offset, length) {
        checkRange(this.size, offset, length);
        return this.exclusive(async () => {
            const first = await this.clusterStatus(offset, length);
            let done = first.length;
            while (done < length) {
                const next = await this.clusterStatus(offset + done, length - done);
                if (next.zero !== first.zero)
                    break;
                done += next.length;
            }
            return { zero: first.zero, length: done };
        });
    }
    /** The status of the bytes from pos to the end of its cluster (or fewer, where the backing file says less). */
    async clusterStatus(pos, max) {
        const length = Math.min(this.clusterSize - (pos % this.clusterSize), max);
        const [hi, lo] = await this.lookup(Math.floor(pos / this.clusterSize));
        const kind = classify(hi, lo, this.header.version);
        if (kind === 1 /* ClusterKind.Zero */)
            return { zero: true, length };
        if (kind !== 0 /* ClusterKind.Unallocated */)
            return { zero: false, length };
        const b = this.backing;
        if (!b || pos >= b.size)
            return { zero: true, length };
        const inBacking = Math.min(length, b.size - pos);
        return b.blockStatus ? b.blockStatus(pos, inBacking) : { zero: false, length: inBacking };
    }
    flush() {
        if (this.readOnly)
            return Promise.resolve();
        return this.exclusive(() => this.file.sync());
    }
    discard(offset, length) {
        if (this.readOnly || !this.refcounts)
            return Promise.reject(new DiskError(`${this.file.path}: read-only`));
        if (this.corrupt)
            return Promise.reject(new DiskError(`${this.file.path}: image is corrupt; writes are refused`));
        checkRange(this.size, offset, length);
        return this.exclusive(() => this.doDiscard(offset, length));
    }
    async close() {
        await this.exclusive(async () => {
            if (!this.readOnly)
                await this.file.sync();
            await this.file.close();
            if (this.backing)
                await this.backing.close();
        });
    }
    /** The image's internal snapshots (as `qemu-img snapshot -l` lists them). */
    listSnapshots() {
        return this.exclusive(() => listSnapshots(this.snapshotContext()));
    }
    /** Takes an internal snapshot of the disk as it is now (after every write completed before the call). */
    createSnapshot(name, vmClockNsec = 0) {
        return this.snapshotOp((c) => createSnapshot(c, name, vmClockNsec));
    }
    /** Goes back to an internal snapshot: the disk reads as it did when it was taken. */
    applySnapshot(name) {
        return this.snapshotOp((c) => applySnapshot(c, name));
    }
    /** Deletes an internal snapshot; clusters only it used are freed. */
    deleteSnapshot(name) {
        return this.snapshotOp((c) => deleteSnapshot(c, name));
    }
    snapshotOp(fn) {
        if (this.readOnly || !this.refcounts)
            return Promise.reject(new DiskError(`${this.file.path}: read-only`));
        if (this.corrupt)
            return Promise.reject(new DiskError(`${this.file.path}: image is corrupt; writes are refused`));
        return this.exclusive(() => fn(this.snapshotContext()));
    }
    snapshotContext() {
        return {
            file: this.file,
            header: this.header,
            l1: this.l1,
            l2Cache: this.l2Cache,
            refcounts: this.refcounts,
            metadata: this.metadata,
            size: this.size,
            invalidate: () => {
                this.lastCompressed.hi = -1;
            },
            corrupt: (m) => this.signalCorruption(m),
        };
    }
    /** The L2 entry of guest cluster vc as [hi, lo], or [0, 0] when its L2 table is not allocated. */
    async lookup(vc) {
        const l1i = Math.floor(vc / this.l2Entries);
        const l2Offset = entryOffset(this.l1[2 * l1i], this.l1[2 * l1i + 1]);
        if (l2Offset === 0)
            return [0, 0];
        if (l2Offset % this.clusterSize !== 0)
            await this.signalCorruption(`L2 table offset ${l2Offset} unaligned (L1 index: ${l1i})`);
        const [hi, lo] = readEntry(await this.l2Cache.get(l2Offset), vc % this.l2Entries);
        if (!(hi & COMPRESSED_HI) && entryOffset(hi, lo) % this.clusterSize !== 0)
            await this.signalCorruption(`Cluster allocation offset ${entryOffset(hi, lo)} unaligned (L2 offset: ${l2Offset}, L2 index: ${vc % this.l2Entries})`);
        return [hi, lo];
    }
    async doRead(offset, buf) {
        let done = 0;
        while (done < buf.length) {
            const pos = offset + done;
            const vc = Math.floor(pos / this.clusterSize);
            const inCluster = pos % this.clusterSize;
            let len = Math.min(this.clusterSize - inCluster, buf.length - done);
            const [hi, lo] = await this.lookup(vc);
            const kind = classify(hi, lo, this.header.version);
            const out = buf.subarray(done, done + len);
            if (kind === 2 /* ClusterKind.Normal */) {
                // Merge following clusters that are contiguous on the host into one read.
                const host = entryOffset(hi, lo);
                let end = done + len;
                for (let next = vc + 1; end < buf.length; next++) {
                    const [nhi, nlo] = await this.lookup(next);
                    if (classify(nhi, nlo, this.header.version) !== 2 /* ClusterKind.Normal */ ||
                        entryOffset(nhi, nlo) !== host + (next - vc) * this.clusterSize)
                        break;
                    end += Math.min(this.clusterSize, buf.length - end);
                }
                len = end - done;
                await this.file.readAt(host + inCluster, buf.subarray(done, done + len));
            }
            else if (kind === 3 /* ClusterKind.Compressed */) {
                out.set((await this.decompress(hi, lo)).subarray(inCluster, inCluster + len));
            }
            else if (kind === 1 /* ClusterKind.Zero */) {
                out.fill(0);
            }
            else {
                await this.readBacking(pos, out);
            }
            done += len;
        }
    }
    async readBacking(pos, out) {
        const b = this.backing;
        const avail = b ? Math.max(0, Math.min(out.length, b.size - pos)) : 0;
        if (avail > 0)
            await b.read(pos, out.subarray(0, avail));
        out.fill(0, avail);
    }
    async decompress(hi, lo) {
        const last = this.lastCompressed;
        if (last.hi === hi && last.lo === lo)
            return last.data;
        const [host, length] = compressedRange(hi, lo, this.clusterBits);
        const input = new Uint8Array(length);
        await this.file.readAt(host, input);
        let data;
        try {
            data =
                this.header.compressionType === 1
                    ? zstdCluster(input, this.clusterSize)
                    : new Uint8Array(inflateRawSync(input, { maxOutputLength: this.clusterSize, finishFlush: 2 /* Z_SYNC_FLUSH */ }));
        }
        catch (e) {
            throw new DiskError(`${this.file.path}: bad compressed cluster at ${host}: ${e.message}`);
        }
        if (data.length < this.clusterSize) {
            const full = new Uint8Array(this.clusterSize);
            full.set(data);
            data = full;
        }
        else if (data.length > this.clusterSize) {
            data = data.subarray(0, this.clusterSize);
        }
        this.lastCompressed = { hi, lo, data };
        return data;
    }
    /** The current contents of guest cluster vc as it reads now (for copy-on-write of partial clusters). */
    async clusterContents(vc, hi, lo, into) {
        switch (classify(hi, lo, this.header.version)) {
            case 2 /* ClusterKind.Normal */:
                await this.file.readAt(entryOffset(hi, lo), into);
                return;
            case 3 /* ClusterKind.Compressed */:
                into.set(await this.decompress(hi, lo));
                return;
            case 1 /* ClusterKind.Zero */:
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
    async releaseEntry(hi, lo) {
        const kind = classify(hi, lo, this.header.version);
        if (kind === 3 /* ClusterKind.Compressed */) {
            const [host, length] = compressedRange(hi, lo, this.clusterBits);
            await this.refcounts.free(host, length);
            this.lastCompressed.hi = -1;
        }
        else {
            const host = entryOffset(hi, lo);
            if (host !== 0)
                await this.refcounts.free(host, this.clusterSize);
        }
    }
    /** The L2 table for L1 index l1i, allocated or copied (when shared with a snapshot) so that it can be written. */
    async writableL2(l1i) {
        const hi = this.l1[2 * l1i];
        const lo = this.l1[2 * l1i + 1];
        const old = entryOffset(hi, lo);
        if (old !== 0 && old % this.clusterSize !== 0)
            await this.signalCorruption(`L2 table offset ${old} unaligned (L1 index: ${l1i})`);
        if (old !== 0 && hi & COPIED_HI) {
            await this.checkL2Write(old);
            return [old, await this.l2Cache.get(old)];
        }
        const refcounts = this.refcounts;
        const at = await refcounts.allocate(1, 'an L2 table');
        const table = old !== 0 ? (await this.l2Cache.get(old)).slice() : new Uint8Array(this.clusterSize);
        if (old !== 0)
            this.metadata.remove(old, this.clusterSize);
        const other = this.metadata.add(at, this.clusterSize, 'active L2 table');
        if (other)
            await this.signalCorruption(`new L2 table at ${at} overlaps the ${other}`);
        await this.file.writeAt(at, table);
        this.l2Cache.put(at, table);
        const [nhi, nlo] = makeEntry(at, true);
        const entry = new Uint8Array(8);
        writeEntry(entry, 0, nhi, nlo);
        await this.file.writeAt(this.header.l1TableOffset + l1i * 8, entry);
        this.l1[2 * l1i] = nhi;
        this.l1[2 * l1i + 1] = nlo;
        if (old !== 0)
            await refcounts.free(old, this.clusterSize);
        return [at, table];
    }
    async doWrite(offset, data) {
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
    async writeInTable(table, l2Offset, pos, data) {
        const cs = this.clusterSize;
        const vc0 = Math.floor(pos / cs);
        const inCluster = pos % cs;
        const nClusters = Math.ceil((inCluster + data.length) / cs);
        const [hi0, lo0] = readEntry(table, vc0 % this.l2Entries);
        const inPlace = (hi, lo) => classify(hi, lo, this.header.version) === 2 /* ClusterKind.Normal */ && (hi & COPIED_HI) !== 0;
        if (inPlace(hi0, lo0)) {
            // Overwrite in place, merged with following clusters contiguous on the host.
            const host = entryOffset(hi0, lo0);
            let n = 1;
            while (n < nClusters) {
                const [hi, lo] = readEntry(table, (vc0 + n) % this.l2Entries);
                if (!inPlace(hi, lo) || entryOffset(hi, lo) !== host + n * cs)
                    break;
                n++;
            }
            const len = Math.min(data.length, n * cs - inCluster);
            await this.checkDataWrite(host + inCluster, len);
            await this.file.writeAt(host + inCluster, data.subarray(0, len));
            return len;
        }
        // A run of clusters needing new host clusters.
        let n = 1;
        while (n < nClusters) {
            const [hi, lo] = readEntry(table, (vc0 + n) % this.l2Entries);
            if (inPlace(hi, lo))
                break;
            n++;
        }
        const len = Math.min(data.length, n * cs - inCluster);
        const buf = new Uint8Array(n * cs);
        const old = [];
        for (let i = 0; i < n; i++)
            old.push(readEntry(table, (vc0 + i) % this.l2Entries));
        if (inCluster !== 0)
            await this.clusterContents(vc0, old[0][0], old[0][1], buf.subarray(0, cs));
        const tailEnd = inCluster + len;
        if (tailEnd % cs !== 0 && (n > 1 || inCluster === 0)) {
            await this.clusterContents(vc0 + n - 1, old[n - 1][0], old[n - 1][1], buf.subarray((n - 1) * cs, n * cs));
        }
        buf.set(data.subarray(0, len), inCluster);
        // QEMU's order: refcounts, then data, then the L2 entries, then drop the old references.
        const host = await this.refcounts.allocate(n, 'data');
        await this.checkDataWrite(host, n * cs);
        await this.file.writeAt(host, buf);
        const firstIdx = vc0 % this.l2Entries;
        await this.checkL2Write(l2Offset);
        for (let i = 0; i < n; i++) {
            const [hi, lo] = makeEntry(host + i * cs, true);
            writeEntry(table, firstIdx + i, hi, lo);
        }
        await this.file.writeAt(l2Offset + firstIdx * 8, table.subarray(firstIdx * 8, (firstIdx + n) * 8));
        for (const [hi, lo] of old)
            await this.releaseEntry(hi, lo);
        return len;
    }
    async doDiscard(offset, length) {
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
            if (kind === 0 /* ClusterKind.Unallocated */ && !this.backing)
                continue;
            if (kind === 1 /* ClusterKind.Zero */ && entryOffset(hi, lo) === 0)
                continue;
            // With a backing file the cluster must keep hiding the backing data: mark it zero (version 3 only).
            const useZero = this.backing !== null;
            if (useZero && this.header.version < 3)
                continue;
            const [l2Offset, table] = await this.writableL2(l1i);
            const idx = vc % this.l2Entries;
            writeEntry(table, idx, 0, useZero ? ZERO_LO : 0);
            await this.checkL2Write(l2Offset);
            await this.file.writeAt(l2Offset + idx * 8, table.subarray(idx * 8, idx * 8 + 8));
            if (kind !== 0 /* ClusterKind.Unallocated */)
                await this.releaseEntry(hi, lo);
        }
    }
}
/**
 * Decompresses one zstd frame. The data QEMU stores ends mid-sector, so bytes after the frame are junk: stream it and
 * stop once a whole cluster has come out, ignoring complaints about what follows.
 */
function zstdCluster(input, clusterSize) {
    const out = new Uint8Array(clusterSize);
    let got = 0;
    const stream = new ZstdStream((chunk) => {
        const n = Math.min(chunk.length, clusterSize - got);
        out.set(chunk.subarray(0, n), got);
        got += n;
    });
    try {
        stream.push(input, false);
    }
    catch (e) {
        if (got < clusterSize)
            throw e;
    }
    if (got < clusterSize)
        throw new Error(`zstd data ends after ${got} bytes`);
    return out;
}
//# sourceMappingURL=qcow2.js.map