// qcow2 internal snapshots: creating, applying and deleting them in a writable image (QEMU's qcow2-snapshot.c).
// A snapshot is a copy of the active L1 table; every cluster it reaches gains a reference, so the writer copies a
// shared cluster before writing it. Refcounts are always raised before anything points at a cluster and lowered
// only after nothing does, so a killed process leaves at worst leaked clusters.
import { DiskError } from '../backend.js';
import { setU64 } from './header.js';
import { classify, compressedRange, COPIED_HI, entryOffset, readEntry, writeEntry } from './l2-entry.js';
import { encodeSnapshotTable, newSnapshotExtra, readSnapshotRecords, readSnapshotTable, snapshotDiskSize, } from './snapshots.js';
/** Header bytes 60-71: the snapshot count and the table's offset, rewritten together. */
const OFF_NB_SNAPSHOTS = 60;
export async function listSnapshots(c) {
    return (await readSnapshotRecords(c.file, c.header)).map((r) => ({
        id: r.id,
        name: r.name,
        date: new Date(r.dateSec * 1000 + Math.floor(r.dateNsec / 1e6)),
    }));
}
/** Takes a snapshot of the active state named `name` (unique in the image); `vmClockNsec` is the guest's clock. */
export async function createSnapshot(c, name, vmClockNsec = 0) {
    const records = await readSnapshotRecords(c.file, c.header);
    if (records.some((r) => r.name === name))
        throw new DiskError(`${c.file.path} already has a snapshot "${name}"`);
    const id = String(records.reduce((m, r) => Math.max(m, /^\d+$/.test(r.id) ? Number(r.id) : 0), 0) + 1);
    const cs = 2 ** c.header.clusterBits;
    const l1Bytes = c.header.l1Size * 8;
    // The copy of the active L1 table (its COPIED bits as they are: they mean something in the active table only).
    const l1Copy = new Uint8Array(Math.max(cs, Math.ceil(l1Bytes / cs) * cs));
    for (let i = 0; i < c.header.l1Size; i++)
        writeEntry(l1Copy, i, c.l1[2 * i], c.l1[2 * i + 1]);
    const l1Offset = l1Bytes === 0 ? 0 : await c.refcounts.allocate(l1Copy.length / cs, 'a snapshot L1 table');
    if (l1Bytes > 0) {
        await recordMetadata(c, l1Offset, l1Bytes, 'snapshot L1 table');
        await c.file.writeAt(l1Offset, l1Copy.subarray(0, l1Bytes));
    }
    await c.refcounts.applyDeltas(await references(c, activeL1Bytes(c), +1));
    await syncCopiedFlags(c);
    const now = Date.now();
    records.push({
        l1Offset,
        l1Size: c.header.l1Size,
        id,
        name,
        dateSec: Math.floor(now / 1000),
        dateNsec: (now % 1000) * 1e6,
        vmClockNsec,
        extra: newSnapshotExtra(c.size),
    });
    await writeTable(c, records);
}
/** Makes the snapshot's state the active one: the present state's clusters that nothing else uses are freed. */
export async function applySnapshot(c, name) {
    const sn = await findRecord(c, name);
    const size = snapshotDiskSize(sn);
    if (size !== null && size !== c.size)
        throw new DiskError(`${c.file.path}: snapshot "${name}" has a disk of ${size} bytes, the image ${c.size} now`);
    if (sn.l1Size > c.header.l1Size)
        throw new DiskError(`${c.file.path}: snapshot "${name}" has a larger L1 table than the image`);
    const snapL1 = new Uint8Array(c.header.l1Size * 8);
    await c.file.readAt(sn.l1Offset, snapL1.subarray(0, sn.l1Size * 8));
    const old = activeL1Bytes(c);
    await c.refcounts.applyDeltas(await references(c, snapL1, +1));
    await c.file.writeAt(c.header.l1TableOffset, snapL1);
    await c.file.sync();
    for (let i = 0; i < c.header.l1Size; i++) {
        const l2 = entryOffset(c.l1[2 * i], c.l1[2 * i + 1]);
        if (l2 !== 0)
            c.metadata.remove(l2, 2 ** c.header.clusterBits);
        const [hi, lo] = readEntry(snapL1, i);
        c.l1[2 * i] = hi;
        c.l1[2 * i + 1] = lo;
    }
    c.l2Cache.clear();
    c.invalidate();
    for (let i = 0; i < c.header.l1Size; i++) {
        const l2 = entryOffset(c.l1[2 * i], c.l1[2 * i + 1]);
        if (l2 !== 0)
            await recordMetadata(c, l2, 2 ** c.header.clusterBits, 'active L2 table');
    }
    await release(c, await references(c, old, -1));
    await syncCopiedFlags(c);
    await c.file.sync();
}
/** Deletes a snapshot: the clusters only it used are freed (and their space given back to the file system). */
export async function deleteSnapshot(c, name) {
    const sn = await findRecord(c, name);
    const records = (await readSnapshotRecords(c.file, c.header)).filter((r) => r.name !== name);
    await writeTable(c, records);
    const l1 = new Uint8Array(sn.l1Size * 8);
    await c.file.readAt(sn.l1Offset, l1);
    const deltas = await references(c, l1, -1);
    if (sn.l1Size > 0) {
        const cs = 2 ** c.header.clusterBits;
        c.metadata.remove(sn.l1Offset, sn.l1Size * 8);
        for (let k = 0; k < Math.ceil((sn.l1Size * 8) / cs); k++)
            addDelta(deltas, sn.l1Offset / cs + k, -1);
    }
    await release(c, deltas);
    await syncCopiedFlags(c);
    await c.file.sync();
}
async function findRecord(c, name) {
    const sn = (await readSnapshotRecords(c.file, c.header)).find((r) => r.name === name);
    if (!sn)
        throw new DiskError(`${c.file.path} has no snapshot "${name}"`);
    if (sn.l1Offset % 2 ** c.header.clusterBits !== 0)
        return c.corrupt(`snapshot "${name}" has an unaligned L1 table (${sn.l1Offset})`);
    return sn;
}
function activeL1Bytes(c) {
    const b = new Uint8Array(c.header.l1Size * 8);
    for (let i = 0; i < c.header.l1Size; i++)
        writeEntry(b, i, c.l1[2 * i], c.l1[2 * i + 1]);
    return b;
}
function addDelta(deltas, cluster, d) {
    deltas.set(cluster, (deltas.get(cluster) ?? 0) + d);
}
/**
 * One delta per reference the L1 table holds: each L2 table once per L1 entry naming it, each data cluster (or the
 * clusters a compressed one overlaps) once per L2 entry, as QEMU counts them.
 */
async function references(c, l1, d) {
    const cs = 2 ** c.header.clusterBits;
    const deltas = new Map();
    const table = new Uint8Array(cs);
    for (let i = 0; i < l1.length / 8; i++) {
        const [hi, lo] = readEntry(l1, i);
        const l2 = entryOffset(hi, lo);
        if (l2 === 0)
            continue;
        if (l2 % cs !== 0)
            return c.corrupt(`L2 table offset ${l2} unaligned (L1 index: ${i})`);
        addDelta(deltas, l2 / cs, d);
        await c.file.readAt(l2, table);
        for (let j = 0; j < cs / 8; j++) {
            const [ehi, elo] = readEntry(table, j);
            const kind = classify(ehi, elo, c.header.version);
            if (kind === 3 /* ClusterKind.Compressed */) {
                const [host, length] = compressedRange(ehi, elo, c.header.clusterBits);
                for (let k = Math.floor(host / cs); k <= Math.floor((host + length - 1) / cs); k++)
                    addDelta(deltas, k, d);
                continue;
            }
            const host = entryOffset(ehi, elo);
            if (host === 0)
                continue;
            if (host % cs !== 0)
                return c.corrupt(`cluster offset ${host} unaligned (L2 offset: ${l2}, index ${j})`);
            addDelta(deltas, host / cs, d);
        }
    }
    for (const [k, v] of deltas)
        if (v === 0)
            deltas.delete(k);
    return deltas;
}
/** Lowers refcounts and gives the space of clusters that became free back to the file system. */
async function release(c, deltas) {
    const cs = 2 ** c.header.clusterBits;
    const freed = await c.refcounts.applyDeltas(deltas);
    for (const k of freed)
        c.l2Cache.drop(k * cs);
    c.invalidate();
    for (let i = 0; i < freed.length;) {
        let j = i + 1;
        while (j < freed.length && freed[j] === freed[j - 1] + 1)
            j++;
        c.file.punchHole(freed[i] * cs, (j - i) * cs);
        i = j;
    }
}
/**
 * Sets the COPIED bit of every active L1 and L2 entry exactly where the cluster's refcount is one (the writer writes
 * such clusters in place, and copies the others first).
 */
async function syncCopiedFlags(c) {
    const cs = 2 ** c.header.clusterBits;
    let l1Changed = false;
    for (let i = 0; i < c.header.l1Size; i++) {
        const hi = c.l1[2 * i];
        const l2 = entryOffset(hi, c.l1[2 * i + 1]);
        if (l2 === 0)
            continue;
        const table = await c.l2Cache.get(l2);
        let changed = false;
        for (let j = 0; j < cs / 8; j++) {
            const [ehi, elo] = readEntry(table, j);
            const kind = classify(ehi, elo, c.header.version);
            if (kind === 3 /* ClusterKind.Compressed */)
                continue;
            const host = entryOffset(ehi, elo);
            if (host === 0)
                continue;
            const want = (await c.refcounts.get(host / cs)) === 1 ? COPIED_HI : 0;
            if ((ehi & COPIED_HI) !== want) {
                writeEntry(table, j, (ehi & ~COPIED_HI) | want, elo);
                changed = true;
            }
        }
        if (changed) {
            if (c.metadata.kindAt(l2) !== 'active L2 table')
                await c.corrupt(`Preventing invalid write on metadata: ${l2} is not an active L2 table`);
            await c.file.writeAt(l2, table);
        }
        const want = (await c.refcounts.get(l2 / cs)) === 1 ? COPIED_HI : 0;
        if ((hi & COPIED_HI) !== want) {
            c.l1[2 * i] = ((hi & ~COPIED_HI) | want) >>> 0;
            l1Changed = true;
        }
    }
    if (l1Changed)
        await c.file.writeAt(c.header.l1TableOffset, activeL1Bytes(c));
}
/**
 * Writes a new snapshot table in free space, points the header at it (count and offset together), then frees the
 * old one: the header names a complete table whatever happens.
 */
async function writeTable(c, records) {
    const cs = 2 ** c.header.clusterBits;
    const bytes = encodeSnapshotTable(records);
    const oldOffset = c.header.snapshotsOffset;
    const oldBytes = c.header.nbSnapshots > 0 ? await tableBytes(c) : 0;
    let offset = 0;
    if (bytes.length > 0) {
        offset = await c.refcounts.allocate(Math.ceil(bytes.length / cs), 'the snapshot table');
        await recordMetadata(c, offset, bytes.length, 'snapshot table');
        await c.file.writeAt(offset, bytes);
    }
    await c.file.sync();
    const hdr = new Uint8Array(12);
    const dv = new DataView(hdr.buffer);
    dv.setUint32(0, records.length);
    setU64(dv, 4, offset);
    await c.file.writeAt(OFF_NB_SNAPSHOTS, hdr);
    await c.file.sync();
    c.header.nbSnapshots = records.length;
    c.header.snapshotsOffset = offset;
    if (oldBytes > 0) {
        c.metadata.remove(oldOffset, oldBytes);
        await release(c, rangeDeltas(oldOffset, oldBytes, cs));
    }
}
async function tableBytes(c) {
    return (await readSnapshotTable(c.file, c.header)).bytes;
}
function rangeDeltas(offset, length, cs) {
    const m = new Map();
    for (let k = Math.floor(offset / cs); k <= Math.floor((offset + length - 1) / cs); k++)
        m.set(k, -1);
    return m;
}
async function recordMetadata(c, offset, length, kind) {
    const other = c.metadata.add(offset, length, kind);
    if (other)
        await c.corrupt(`new ${kind} at offset ${offset} overlaps the ${other}`);
}
//# sourceMappingURL=internal-snapshots.js.map