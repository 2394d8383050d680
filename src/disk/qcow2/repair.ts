// `img check -r leaks|all`: repairs refcounts as qemu-img does. Leaks are fixed in place; with "all", refcounts
// below the number of references are raised, a damaged refcount structure is rebuilt from the references (in new
// clusters past everything in use), COPIED flags are set to match, and the corrupt bit is cleared once the image
// checks clean.
import { DiskError } from '../backend.js';
import { ImageFile } from '../file.js';
import { readQcow2Header } from './header.js';
import { Checker, type CheckResult } from './check.js';
import {
  INCOMPAT_CORRUPT,
  INCOMPAT_DIRTY,
  MAX_REFTABLE_BYTES,
  OFF_INCOMPAT,
  OFF_REFCOUNT_TABLE,
  setU64,
  type Qcow2Header,
} from './header.js';
import { ClusterKind, classify, COPIED_HI, entryOffset, readEntry, writeEntry } from './l2-entry.js';
import { refcountGet, refcountMax, refcountSet } from './refcount-entry.js';

export type RepairMode = 'leaks' | 'all';

export interface RepairResult {
  before: CheckResult;
  after: CheckResult;
  leaksFixed: number;
  corruptionsFixed: number;
  /** Lines describing what was done, in the order it was done. */
  messages: string[];
}

export async function repairQcow2(path: string, mode: RepairMode): Promise<RepairResult> {
  const file = await ImageFile.open(path, false);
  try {
    const header = await readQcow2Header(file);
    const before = await new Checker(file, header, await file.size()).run();
    const messages: string[] = [];
    if (before.rebuildNeeded) {
      // As qemu-img: without -r all this is a check that could not complete (exit status 1).
      if (mode !== 'all') throw new DiskError(`${path}: Check failed: need to rebuild refcount structures (-r all)`);
      await rebuildRefcounts(file, header, messages);
      // The rebuilt refcounts still count the old structures, which nothing references any more.
      await fixRefcounts(file, header, 'leaks', messages);
    } else if (before.refcountErrors > 0) {
      await fixRefcounts(file, header, mode, messages);
    }
    if (mode === 'all') await fixCopiedFlags(file, header, messages);
    const after = await new Checker(file, header, await file.size()).run();
    if (after.corruptions === 0 && header.incompatLo & (INCOMPAT_CORRUPT | INCOMPAT_DIRTY)) {
      header.incompatLo &= ~(INCOMPAT_CORRUPT | INCOMPAT_DIRTY);
      const bits = new Uint8Array(8);
      const dv = new DataView(bits.buffer);
      dv.setUint32(0, header.incompatHi);
      dv.setUint32(4, header.incompatLo);
      await file.writeAt(OFF_INCOMPAT, bits);
      messages.push('The image is consistent: its corrupt bit is cleared.');
    }
    await file.sync();
    return {
      before,
      after,
      leaksFixed: Math.max(0, before.leaks - after.leaks),
      corruptionsFixed: Math.max(0, before.corruptions - after.corruptions),
      messages,
    };
  } finally {
    await file.close();
  }
}

/** Sets each stored refcount the mode may fix to its number of references, one refcount block at a time. */
async function fixRefcounts(file: ImageFile, h: Qcow2Header, mode: RepairMode, messages: string[]): Promise<void> {
  const checker = new Checker(file, h, await file.size());
  await checker.run();
  const cs = checker.cs;
  const max = refcountMax(h.refcountOrder);
  for (let bi = 0; bi * checker.perBlock < checker.fileClusters; bi++) {
    const off = checker.blocks[bi] ?? 0;
    if (off === 0) continue;
    const block = new Uint8Array(cs);
    await file.readAt(off, block);
    let changed = false;
    const first = bi * checker.perBlock;
    const end = Math.min(checker.fileClusters, first + checker.perBlock);
    for (let c = first; c < end; c++) {
      const have = refcountGet(block, h.refcountOrder, c - first);
      const want = checker.references.get(c);
      if (have === want || want > max) continue;
      if (have > want || mode === 'all') {
        messages.push(`Repairing cluster ${c} refcount=${have} reference=${want}`);
        refcountSet(block, h.refcountOrder, c - first, want);
        changed = true;
      }
    }
    if (changed) await file.writeAt(off, block);
  }
  await file.sync();
}

/**
 * Writes a new refcount table and blocks describing exactly the references, in clusters past the end of the file and
 * of every referenced cluster, then points the header at them. The old structures are left unreferenced.
 */
async function rebuildRefcounts(file: ImageFile, h: Qcow2Header, messages: string[]): Promise<void> {
  messages.push('Rebuilding refcount structure');
  const checker = new Checker(file, h, await file.size());
  await checker.run();
  const cs = checker.cs;
  const perBlock = checker.perBlock;
  const start = Math.max(checker.fileClusters, checker.references.end());
  let blocks = 1;
  let tableClusters = 1;
  for (;;) {
    const total = start + blocks + tableClusters;
    const nb = Math.ceil(total / perBlock);
    const nt = Math.ceil((nb * 8) / cs);
    if (nb === blocks && nt === tableClusters) break;
    blocks = nb;
    tableClusters = nt;
  }
  if (tableClusters * cs > MAX_REFTABLE_BYTES)
    throw new DiskError(`${file.path}: a rebuilt refcount table would exceed 8 MiB`);
  const total = start + blocks + tableClusters;
  const max = refcountMax(h.refcountOrder);
  const data = new Uint8Array(blocks * cs);
  for (let c = 0; c < total; c++) {
    const want = c >= start ? 1 : Math.min(max, checker.references.get(c));
    if (want !== 0) refcountSet(data.subarray(Math.floor(c / perBlock) * cs), h.refcountOrder, c % perBlock, want);
  }
  const table = new Uint8Array(tableClusters * cs);
  const tdv = new DataView(table.buffer);
  for (let i = 0; i < blocks; i++) setU64(tdv, i * 8, (start + i) * cs);
  await file.writeAt(start * cs, data);
  await file.writeAt((start + blocks) * cs, table);
  await file.sync();
  const hdr = new Uint8Array(12);
  const hdv = new DataView(hdr.buffer);
  setU64(hdv, 0, (start + blocks) * cs);
  hdv.setUint32(8, tableClusters);
  await file.writeAt(OFF_REFCOUNT_TABLE, hdr);
  await file.sync();
  h.refcountTableOffset = (start + blocks) * cs;
  h.refcountTableClusters = tableClusters;
}

/**
 * QEMU's check_oflag_copied with repair: COPIED on active L1 and L2 entries exactly where the refcount is one.
 * Only tables referenced exactly once (not cross-linked with other metadata) are rewritten.
 */
async function fixCopiedFlags(file: ImageFile, h: Qcow2Header, messages: string[]): Promise<void> {
  const checker = new Checker(file, h, await file.size());
  await checker.run();
  const cs = checker.cs;
  const l1 = new Uint8Array(h.l1Size * 8);
  await file.readAt(h.l1TableOffset, l1);
  const l1Alone = checker.references.get(Math.floor(h.l1TableOffset / cs)) === 1;
  let l1Changed = false;
  for (let i = 0; i < h.l1Size; i++) {
    const [hi, lo] = readEntry(l1, i);
    const l2 = entryOffset(hi, lo);
    if (l2 === 0 || l2 % cs !== 0 || l2 / cs >= checker.fileClusters) continue;
    const rc = await checker.stored(l2 / cs);
    if ((rc === 1) !== ((hi & COPIED_HI) !== 0) && l1Alone) {
      messages.push(`Repairing OFLAG_COPIED L2 cluster: l1_index=${i} refcount=${rc}`);
      writeEntry(l1, i, rc === 1 ? hi | COPIED_HI : hi & ~COPIED_HI, lo);
      l1Changed = true;
    }
    if (checker.references.get(l2 / cs) !== 1) continue;
    const table = new Uint8Array(cs);
    await file.readAt(l2, table);
    let changed = false;
    for (let j = 0; j < cs / 8; j++) {
      const [ehi, elo] = readEntry(table, j);
      const kind = classify(ehi, elo, h.version);
      const host = entryOffset(ehi, elo);
      if ((kind !== ClusterKind.Normal && kind !== ClusterKind.Zero) || host === 0 || host % cs !== 0) continue;
      const drc = await checker.stored(host / cs);
      if ((drc === 1) !== ((ehi & COPIED_HI) !== 0)) {
        messages.push(`Repairing OFLAG_COPIED data cluster: guest cluster ${i * (cs / 8) + j} refcount=${drc}`);
        writeEntry(table, j, drc === 1 ? ehi | COPIED_HI : ehi & ~COPIED_HI, elo);
        changed = true;
      }
    }
    if (changed) await file.writeAt(l2, table);
  }
  if (l1Changed) await file.writeAt(h.l1TableOffset, l1);
  await file.sync();
}
