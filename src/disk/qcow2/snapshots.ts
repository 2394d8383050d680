// The internal snapshot table: where each snapshot's L1 table lies, read with QEMU's bounds (qcow2-snapshot.c).
import { DiskError } from '../backend.js';
import type { ImageFile } from '../file.js';
import { getU64, MAX_L1_BYTES, MAX_SNAPSHOTS, type Qcow2Header } from './header.js';

/** QEMU's limits: extra data per entry, and the whole table. */
const MAX_EXTRA_DATA = 1024;
const MAX_TABLE_BYTES = 1024 * MAX_SNAPSHOTS;
const ENTRY_FIXED = 40;

export interface SnapshotEntry {
  l1Offset: number;
  l1Size: number;
  /** Bytes of extra data: version 3 requires at least the 16 that hold the VM state and disk sizes. */
  extraDataSize: number;
}

/** The extra data every version 3 snapshot entry carries (QEMU calls shorter entries incomplete). */
export const V3_SNAPSHOT_EXTRA = 16;

export interface SnapshotTable {
  entries: SnapshotEntry[];
  /** Bytes the table occupies from the header's snapshots offset. */
  bytes: number;
}

export async function readSnapshotTable(file: ImageFile, h: Qcow2Header): Promise<SnapshotTable> {
  const entries: SnapshotEntry[] = [];
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
    if (off - h.snapshotsOffset > MAX_TABLE_BYTES) throw new DiskError(`${file.path}: Snapshot table is too big`);
  }
  return { entries, bytes: off - h.snapshotsOffset };
}

/** Why a snapshot's L1 table cannot be used, or null when it can. */
export function snapshotL1Problem(e: SnapshotEntry, clusterSize: number): string | null {
  if (e.l1Offset % clusterSize !== 0) return 'L1 table is not cluster aligned';
  if (e.l1Size > MAX_L1_BYTES / 8) return 'L1 table is too large';
  return null;
}
