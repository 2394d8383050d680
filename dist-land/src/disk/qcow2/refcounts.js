// qcow2 refcounts: the refcount table, refcount blocks, cluster allocation and freeing, table growth.
// Every change goes to the file at once, in QEMU's order (a refcount is raised before anything points at the cluster),
// so that a killed process leaves at worst leaked clusters, never a cluster in use with a refcount of zero.
import { DiskError } from '../backend.js';
import { getU64, MAX_HOST_OFFSET, MAX_REFTABLE_BYTES, OFF_REFCOUNT_TABLE, setU64 } from './header.js';
import { refcountByteSpan, refcountGet, refcountMax, refcountSet } from './refcount-entry.js';
import { TableCache } from './table-cache.js';
/** Allocation retries (a refcount block created on the way) before giving up: each retry creates one block. */
const MAX_ALLOCATION_ROUNDS = 64;
export class Refcounts {
    file;
    guard;
    clusterSize;
    order;
    /** Host offsets of the refcount blocks (0: not allocated, all its refcounts are zero). */
    table = [];
    tableOffset;
    tableClusters;
    perBlock;
    cache;
    max;
    /** No cluster below this index is free. */
    freeHint = 0;
    constructor(file, guard, clusterSize, order, tableOffset, tableClusters) {
        this.file = file;
        this.guard = guard;
        this.clusterSize = clusterSize;
        this.order = order;
        this.tableOffset = tableOffset;
        this.tableClusters = tableClusters;
        this.perBlock = (clusterSize * 8) >>> order;
        this.cache = new TableCache(file, clusterSize, 8);
        this.max = refcountMax(order);
    }
    /** Loads the refcount table; its entries must have been validated (by a check) before allocation relies on them. */
    static async load(file, guard, clusterSize, order, tableOffset, tableClusters) {
        const r = new Refcounts(file, guard, clusterSize, order, tableOffset, tableClusters);
        const raw = new Uint8Array(tableClusters * clusterSize);
        await file.readAt(tableOffset, raw);
        const dv = new DataView(raw.buffer);
        for (let i = 0; i < raw.length / 8; i++)
            r.table.push(getU64(dv, i * 8) - (dv.getUint32(i * 8 + 4) & 0x1ff));
        return r;
    }
    get refcountTableOffset() {
        return this.tableOffset;
    }
    get refcountTableClusters() {
        return this.tableClusters;
    }
    /** Host offsets of all allocated refcount blocks, for consistency checks. */
    get blockOffsets() {
        return this.table;
    }
    async get(cluster) {
        const bi = Math.floor(cluster / this.perBlock);
        if (bi >= this.table.length || this.table[bi] === 0)
            return 0;
        return refcountGet(await this.cache.get(this.table[bi]), this.order, cluster % this.perBlock);
    }
    /** Adds delta to the refcounts of clusters [first, first+count), one write per refcount block touched. */
    async update(first, count, delta) {
        let c = first;
        const end = first + count;
        while (c < end) {
            const bi = Math.floor(c / this.perBlock);
            if (bi >= this.table.length || this.table[bi] === 0) {
                if (delta < 0)
                    return this.guard.corrupt(`freeing cluster ${c} whose refcount is already zero`);
                await this.createBlock(bi);
                continue;
            }
            const blockOffset = this.table[bi];
            const block = await this.cache.get(blockOffset);
            const stop = Math.min(end, (bi + 1) * this.perBlock);
            const firstIdx = c % this.perBlock;
            for (let i = c; i < stop; i++) {
                const idx = i % this.perBlock;
                const v = refcountGet(block, this.order, idx) + delta;
                if (v < 0 || v > this.max)
                    return this.guard.corrupt(`refcount of cluster ${i} would become ${v}`);
                refcountSet(block, this.order, idx, v);
                if (v === 0 && i < this.freeHint)
                    this.freeHint = i;
            }
            const [s, e] = refcountByteSpan(this.order, firstIdx, (stop - 1) % this.perBlock);
            await this.file.writeAt(blockOffset + s, block.subarray(s, e));
            c = stop;
        }
    }
    /**
     * Adds each cluster's delta to its refcount, one write per refcount block touched (a snapshot changes thousands of
     * scattered refcounts at once). Returns the clusters whose refcount became zero.
     */
    async applyDeltas(deltas) {
        const freed = [];
        const clusters = [...deltas.keys()].sort((a, b) => a - b);
        let i = 0;
        while (i < clusters.length) {
            const bi = Math.floor(clusters[i] / this.perBlock);
            if (bi >= this.table.length || this.table[bi] === 0) {
                if (deltas.get(clusters[i]) < 0)
                    return this.guard.corrupt(`freeing cluster ${clusters[i]} whose refcount is already zero`);
                await this.createBlock(bi);
                continue;
            }
            const blockOffset = this.table[bi];
            const block = await this.cache.get(blockOffset);
            const firstIdx = clusters[i] % this.perBlock;
            let lastIdx = firstIdx;
            for (; i < clusters.length && Math.floor(clusters[i] / this.perBlock) === bi; i++) {
                const c = clusters[i];
                const idx = c % this.perBlock;
                const v = refcountGet(block, this.order, idx) + deltas.get(c);
                if (v < 0 || v > this.max)
                    return this.guard.corrupt(`refcount of cluster ${c} would become ${v}`);
                refcountSet(block, this.order, idx, v);
                if (v === 0) {
                    freed.push(c);
                    if (c < this.freeHint)
                        this.freeHint = c;
                }
                lastIdx = idx;
            }
            const [s, e] = refcountByteSpan(this.order, firstIdx, lastIdx);
            await this.file.writeAt(blockOffset + s, block.subarray(s, e));
        }
        return freed;
    }
    /** Allocates count contiguous clusters (refcount 1) and returns the host offset of the first. */
    async allocate(count, what) {
        for (let round = 0; round < MAX_ALLOCATION_ROUNDS; round++) {
            const start = await this.findFree(this.freeHint, count);
            // Make sure the refcount blocks exist first: creating one takes a cluster, which may be in this run.
            let created = false;
            for (let bi = Math.floor(start / this.perBlock); bi <= Math.floor((start + count - 1) / this.perBlock); bi++) {
                if (bi >= this.table.length || this.table[bi] === 0) {
                    await this.createBlock(bi);
                    created = true;
                    break;
                }
            }
            if (created)
                continue;
            await this.guard.allocating(start * this.clusterSize, count * this.clusterSize, what);
            await this.update(start, count, 1);
            if (start === this.freeHint)
                this.freeHint = start + count;
            return start * this.clusterSize;
        }
        return this.guard.corrupt(`allocating ${count} clusters for ${what} did not settle`);
    }
    /** Drops one reference from each cluster overlapping [offset, offset+length). */
    async free(offset, length) {
        const first = Math.floor(offset / this.clusterSize);
        const last = Math.floor((offset + length - 1) / this.clusterSize);
        await this.update(first, last - first + 1, -1);
    }
    /** First run of count clusters with refcount zero at or after cluster `from`. */
    async findFree(from, count) {
        let runStart = from;
        let c = from;
        while (c - runStart < count) {
            if ((runStart + count) * this.clusterSize > MAX_HOST_OFFSET)
                return this.guard.corrupt(`no room for ${count} clusters below ${MAX_HOST_OFFSET}`);
            const bi = Math.floor(c / this.perBlock);
            if (bi >= this.table.length || this.table[bi] === 0) {
                c = (bi + 1) * this.perBlock;
                continue;
            }
            const block = await this.cache.get(this.table[bi]);
            const stop = (bi + 1) * this.perBlock;
            for (; c < stop && c - runStart < count; c++) {
                if (refcountGet(block, this.order, c % this.perBlock) !== 0)
                    runStart = c + 1;
            }
        }
        return runStart;
    }
    /** Allocates refcount block bi and points the refcount table at it. */
    async createBlock(bi, depth = 0) {
        if (depth > 2)
            return this.guard.corrupt(`creating refcount block ${bi} did not settle`);
        if (bi >= this.table.length) {
            await this.growTable(bi + 1);
            if (this.table[bi] !== 0)
                return;
        }
        const n = await this.findFree(this.freeHint, 1);
        const nb = Math.floor(n / this.perBlock);
        const block = new Uint8Array(this.clusterSize);
        if (nb === bi) {
            // The new block describes its own cluster.
            refcountSet(block, this.order, n % this.perBlock, 1);
        }
        else if (nb >= this.table.length || this.table[nb] === 0) {
            await this.createBlock(nb, depth + 1);
            return this.createBlock(bi, depth + 1);
        }
        const at = n * this.clusterSize;
        await this.guard.allocating(at, this.clusterSize, 'refcount block');
        if (nb !== bi)
            await this.update(n, 1, 1);
        await this.guard.metadataAdded(at, this.clusterSize, 'refcount block');
        await this.file.writeAt(at, block);
        this.cache.put(at, block);
        const entry = new Uint8Array(8);
        setU64(new DataView(entry.buffer), 0, at);
        await this.file.writeAt(this.tableOffset + bi * 8, entry);
        this.table[bi] = at;
    }
    /**
     * Moves the refcount table to a bigger one with at least minEntries entries. The new table and any refcount
     * blocks needed to describe it go into free space together; the header switches to it only once they are on disk,
     * then the old table is freed.
     */
    async growTable(minEntries) {
        const perCluster = this.clusterSize / 8;
        let tableClusters = Math.max(this.tableClusters + 1, Math.ceil(Math.max(minEntries, Math.ceil(this.table.length * 1.5)) / perCluster));
        let extra = 0;
        let start = 0;
        let missing = [];
        for (let round = 0;; round++) {
            if (round === MAX_ALLOCATION_ROUNDS)
                return this.guard.corrupt('growing the refcount table did not settle');
            if (tableClusters * this.clusterSize > MAX_REFTABLE_BYTES)
                throw new DiskError(`${this.file.path}: the image is full (its refcount table would exceed 8 MiB)`);
            start = await this.findFree(this.freeHint, tableClusters + extra);
            const end = start + tableClusters + extra;
            missing = [];
            for (let bi = Math.floor(start / this.perBlock); bi <= Math.floor((end - 1) / this.perBlock); bi++) {
                if (bi >= this.table.length || this.table[bi] === 0)
                    missing.push(bi);
            }
            const needEntries = Math.max(minEntries, missing.length ? missing[missing.length - 1] + 1 : 0);
            if (needEntries > tableClusters * perCluster) {
                tableClusters = Math.ceil(needEntries / perCluster);
                continue;
            }
            if (missing.length === extra)
                break;
            extra = missing.length;
        }
        const areaEnd = start + tableClusters + extra;
        await this.guard.allocating(start * this.clusterSize, (areaEnd - start) * this.clusterSize, 'refcount table');
        // Existing blocks first: raise the refcounts they hold for the new area.
        const newBlocks = new Map();
        missing.forEach((bi) => newBlocks.set(bi, new Uint8Array(this.clusterSize)));
        let c = start;
        while (c < areaEnd) {
            const bi = Math.floor(c / this.perBlock);
            const stop = Math.min(areaEnd, (bi + 1) * this.perBlock);
            const fresh = newBlocks.get(bi);
            if (fresh)
                for (let i = c; i < stop; i++)
                    refcountSet(fresh, this.order, i % this.perBlock, 1);
            else
                await this.update(c, stop - c, 1);
            c = stop;
        }
        const newTable = this.table.slice();
        while (newTable.length < tableClusters * perCluster)
            newTable.push(0);
        missing.forEach((bi, j) => {
            newTable[bi] = (start + tableClusters + j) * this.clusterSize;
        });
        for (const [bi, block] of newBlocks) {
            await this.guard.metadataAdded(newTable[bi], this.clusterSize, 'refcount block');
            await this.file.writeAt(newTable[bi], block);
        }
        await this.guard.metadataAdded(start * this.clusterSize, tableClusters * this.clusterSize, 'refcount table');
        const raw = new Uint8Array(tableClusters * this.clusterSize);
        const dv = new DataView(raw.buffer);
        newTable.forEach((off, i) => setU64(dv, i * 8, off));
        await this.file.writeAt(start * this.clusterSize, raw);
        await this.file.sync();
        const hdr = new Uint8Array(12);
        const hdv = new DataView(hdr.buffer);
        setU64(hdv, 0, start * this.clusterSize);
        hdv.setUint32(8, tableClusters);
        await this.file.writeAt(OFF_REFCOUNT_TABLE, hdr);
        await this.file.sync();
        const oldOffset = this.tableOffset;
        const oldClusters = this.tableClusters;
        this.table = newTable;
        this.tableOffset = start * this.clusterSize;
        this.tableClusters = tableClusters;
        for (const [bi, block] of newBlocks)
            this.cache.put(newTable[bi], block);
        this.guard.metadataRemoved(oldOffset, oldClusters * this.clusterSize);
        await this.update(oldOffset / this.clusterSize, oldClusters, -1);
    }
}
//# sourceMappingURL=refcounts.js.map