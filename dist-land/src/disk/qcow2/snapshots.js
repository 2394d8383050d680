// The internal snapshot table: where each snapshot's L1 table lies, read with QEMU's bounds (qcow2-snapshot.c).
import { DiskError } from '../backend.js';
import { getU64, MAX_L1_BYTES, MAX_SNAPSHOTS, setU64 } from './header.js';
/** QEMU's limits: extra data per entry, and the whole table. */
const MAX_EXTRA_DATA = 1024;
const MAX_TABLE_BYTES = 1024 * MAX_SNAPSHOTS;
const ENTRY_FIXED = 40;
/** The extra data every version 3 snapshot entry carries (QEMU calls shorter entries incomplete). */
export const V3_SNAPSHOT_EXTRA = 16;
export async function readSnapshotTable(file, h) {
    const entries = [];
    let off = h.snapshotsOffset;
    const fixed = new Uint8Array(ENTRY_FIXED);
    const dv = new DataView(fixed.buffer);
    for (let i = 0; i < h.nbSnapshots; i++) {
        await file.readAt(off, fixed);
        const extra = dv.getUint32(36);
        if (extra > MAX_EXTRA_DATA)
            throw new DiskError(`${file.path}: Too much extra metadata in snapshot table entry ${i}`);
        entries.push({ l1Offset: getU64(dv, 0), l1Size: dv.getUint32(8), extraDataSize: extra });
        off += ENTRY_FIXED + extra + dv.getUint16(12) + dv.getUint16(14);
        off = Math.ceil(off / 8) * 8;
        if (off - h.snapshotsOffset > MAX_TABLE_BYTES)
            throw new DiskError(`${file.path}: Snapshot table is too big`);
    }
    return { entries, bytes: off - h.snapshotsOffset };
}
/** Why a snapshot's L1 table cannot be used, or null when it can. */
export function snapshotL1Problem(e, clusterSize) {
    if (e.l1Offset % clusterSize !== 0)
        return 'L1 table is not cluster aligned';
    if (e.l1Size > MAX_L1_BYTES / 8)
        return 'L1 table is too large';
    return null;
}
/** Every entry of the table with its strings and extra data (bounded as readSnapshotTable bounds them). */
export async function readSnapshotRecords(file, h) {
    const table = await readSnapshotTable(file, h);
    const raw = new Uint8Array(table.bytes);
    if (table.bytes > 0)
        await file.readAt(h.snapshotsOffset, raw);
    const dv = new DataView(raw.buffer);
    const text = new TextDecoder();
    const out = [];
    let off = 0;
    for (let i = 0; i < h.nbSnapshots; i++) {
        const extraSize = dv.getUint32(off + 36);
        const idSize = dv.getUint16(off + 12);
        const nameSize = dv.getUint16(off + 14);
        const extraAt = off + ENTRY_FIXED;
        out.push({
            l1Offset: getU64(dv, off),
            l1Size: dv.getUint32(off + 8),
            dateSec: dv.getUint32(off + 16),
            dateNsec: dv.getUint32(off + 20),
            vmClockNsec: getU64(dv, off + 24),
            extra: raw.slice(extraAt, extraAt + extraSize),
            id: text.decode(raw.subarray(extraAt + extraSize, extraAt + extraSize + idSize)),
            name: text.decode(raw.subarray(extraAt + extraSize + idSize, extraAt + extraSize + idSize + nameSize)),
        });
        off = Math.ceil((extraAt + extraSize + idSize + nameSize) / 8) * 8;
    }
    return out;
}
/** The disk size a snapshot recorded in its extra data, or null when its entry is too short to say. */
export function snapshotDiskSize(r) {
    if (r.extra.length < V3_SNAPSHOT_EXTRA)
        return null;
    return getU64(new DataView(r.extra.buffer, r.extra.byteOffset, r.extra.byteLength), 8);
}
/** The table's bytes for these entries (each padded to 8 bytes, as QEMU writes it). */
export function encodeSnapshotTable(records) {
    const enc = new TextEncoder();
    const parts = records.map((r) => {
        const id = enc.encode(r.id);
        const name = enc.encode(r.name);
        if (id.length > 0xffff || name.length > 0xffff)
            throw new DiskError(`snapshot id or name too long`);
        if (r.extra.length > MAX_EXTRA_DATA)
            throw new DiskError(`snapshot extra data too long`);
        const size = Math.ceil((ENTRY_FIXED + r.extra.length + id.length + name.length) / 8) * 8;
        const b = new Uint8Array(size);
        const dv = new DataView(b.buffer);
        setU64(dv, 0, r.l1Offset);
        dv.setUint32(8, r.l1Size);
        dv.setUint16(12, id.length);
        dv.setUint16(14, name.length);
        dv.setUint32(16, r.dateSec);
        dv.setUint32(20, r.dateNsec);
        setU64(dv, 24, r.vmClockNsec);
        dv.setUint32(32, 0);
        dv.setUint32(36, r.extra.length);
        b.set(r.extra, ENTRY_FIXED);
        b.set(id, ENTRY_FIXED + r.extra.length);
        b.set(name, ENTRY_FIXED + r.extra.length + id.length);
        return b;
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
        out.set(p, off);
        off += p.length;
    }
    if (out.length > MAX_TABLE_BYTES)
        throw new DiskError('the snapshot table would be too big');
    return out;
}
/** Extra data of a new entry: no VM state in the image (ours is a separate file), the disk size, no icount. */
export function newSnapshotExtra(diskSize) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    setU64(dv, 8, diskSize);
    dv.setUint32(16, 0xffff_ffff);
    dv.setUint32(20, 0xffff_ffff);
    return b;
}
//# sourceMappingURL=snapshots.js.map