// A VM's snapshot tree: each snapshot holds copies of the VM's disks and, when the VM ran, its machine state (RAM).
import { copyFileSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import type { Manager } from './client.js';
import { ManagerError } from './errors.js';
import type { VmPaths } from './paths.js';
import { diskPath, existingVm, readDefinition } from './store.js';
import { suspendedStatePath } from './suspend.js';

export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INDEX_VERSION = 1;
/** The index is a few hundred bytes per snapshot: larger is not ours. */
const MAX_INDEX_BYTES = 4 * 1024 * 1024;

export interface Snapshot {
  name: string;
  /** The snapshot this one was taken after (null: a root). */
  parent: string | null;
  description?: string;
  createdAt: string;
  /** The machine state (RAM) is part of it: restoring it resumes the guest where it was. */
  withState: boolean;
  /** Copies of the VM's disks, in the definition's order: file names in the snapshot's folder. */
  disks: string[];
  /** Linked clones whose disks are overlays on these copies: the snapshot cannot be deleted while one exists. */
  clones?: string[];
}

/** The tree: every snapshot, and the one the VM's present state descends from (null: none yet, or deleted). */
export interface SnapshotIndex {
  version: number;
  current: string | null;
  snapshots: Snapshot[];
}

const IndexSchema = z.strictObject({
  version: z.literal(INDEX_VERSION),
  current: z.string().regex(SNAPSHOT_NAME).nullable(),
  snapshots: z.array(
    z.strictObject({
      name: z.string().regex(SNAPSHOT_NAME),
      parent: z.string().regex(SNAPSHOT_NAME).nullable(),
      description: z.string().max(4096).optional(),
      createdAt: z.string().max(64),
      withState: z.boolean(),
      disks: z.array(z.string().regex(/^disk\d+\.(raw|qcow2)$/)).max(64),
      clones: z.array(z.string().max(256)).max(4096).optional(),
    }),
  ),
});

export function snapshotsDir(paths: VmPaths): string {
  return join(paths.dir, 'snapshots');
}

function indexPath(paths: VmPaths): string {
  return join(snapshotsDir(paths), 'index.json');
}

export function snapshotDir(paths: VmPaths, name: string): string {
  return join(snapshotsDir(paths), name);
}

export function readIndex(paths: VmPaths): SnapshotIndex {
  const file = indexPath(paths);
  if (!existsSync(file)) return { version: INDEX_VERSION, current: null, snapshots: [] };
  if (statSync(file).size > MAX_INDEX_BYTES)
    throw new ManagerError('bad-input', `${file}: larger than ${MAX_INDEX_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ManagerError('bad-input', `${file} does not parse: ${(e as Error).message}`);
  }
  const r = IndexSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ManagerError('bad-input', `${file}: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}

export async function writeIndex(paths: VmPaths, index: SnapshotIndex): Promise<void> {
  mkdirSync(snapshotsDir(paths), { recursive: true, mode: 0o700 });
  await writeFileAtomic(indexPath(paths), `${JSON.stringify(index, null, 2)}\n`);
}

function checkSnapshotName(name: string): void {
  if (!SNAPSHOT_NAME.test(name))
    throw new ManagerError(
      'bad-input',
      `bad snapshot name ${JSON.stringify(name)}: letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit`,
    );
}

export function find(index: SnapshotIndex, vm: string, name: string): Snapshot {
  checkSnapshotName(name);
  const s = index.snapshots.find((x) => x.name === name);
  if (!s) throw new ManagerError('not-found', `${vm} has no snapshot named "${name}"`);
  return s;
}

/** Copies a file (a reflink where the file system offers one) through a temporary name, so `to` is never half-written. */
export function copyWhole(from: string, to: string): void {
  const tmp = `${to}.tmp-${process.pid}`;
  try {
    copyFileSync(from, tmp, constants.COPYFILE_FICLONE);
    renameSync(tmp, to);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Whether the VM's process runs, and whether it is paused. */
function liveState(m: Manager, name: string): 'running' | 'paused' | null {
  const v = m.list().find((x) => x.name === name);
  if (!v || v.pid === undefined) return null;
  return v.state === 'paused' ? 'paused' : 'running';
}

/**
 * Takes a snapshot. A running or paused VM is suspended (its state saved, its disks closed), its disks and state are
 * copied, and it is started again from that state (paused again if it was): the guest sees a pause.
 */
export async function createSnapshot(
  m: Manager,
  vm: string,
  name: string,
  o: { description?: string } = {},
): Promise<Snapshot> {
  const paths = existingVm(m.home, vm);
  checkSnapshotName(name);
  const index = readIndex(paths);
  if (index.snapshots.some((s) => s.name === name))
    throw new ManagerError('exists', `${vm} already has a snapshot named "${name}"`);
  const live = liveState(m, vm);
  if (live) await m.suspend(vm);
  try {
    const def = readDefinition(paths);
    const dir = snapshotDir(paths, name);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    const disks = def.disks.map((d, i) => {
      const file = `disk${i}.${d.format}`;
      copyWhole(diskPath(paths, d), join(tmp, file));
      return file;
    });
    const state = suspendedStatePath(paths);
    const withState = existsSync(state);
    if (withState) copyWhole(state, join(tmp, 'state.tvstate'));
    renameSync(tmp, dir);
    const snap: Snapshot = {
      name,
      parent: index.current,
      ...(o.description !== undefined ? { description: o.description } : {}),
      createdAt: new Date().toISOString(),
      withState,
      disks,
    };
    index.snapshots.push(snap);
    index.current = name;
    await writeIndex(paths, index);
    return snap;
  } finally {
    if (live) {
      await m.start(vm, { forceMemory: true });
      if (live === 'paused') await m.act(vm, { action: 'pause' });
    }
  }
}

/**
 * Goes back to a snapshot: a running VM is powered off (its present state is lost, as in VirtualBox), the disks are
 * replaced by the snapshot's copies, and a snapshot with machine state leaves the VM suspended there (`start` resumes
 * it). Returns whether the VM is now suspended.
 */
export async function restoreSnapshot(m: Manager, vm: string, name: string): Promise<{ suspended: boolean }> {
  const paths = existingVm(m.home, vm);
  const index = readIndex(paths);
  const snap = find(index, vm, name);
  const def = readDefinition(paths);
  if (snap.disks.length !== def.disks.length)
    throw new ManagerError(
      'wrong-state',
      `snapshot "${name}" has ${snap.disks.length} disks, ${vm} now has ${def.disks.length}: cannot restore it`,
    );
  if (liveState(m, vm)) await m.kill(vm);
  const dir = snapshotDir(paths, name);
  rmSync(suspendedStatePath(paths), { force: true });
  def.disks.forEach((d, i) => copyWhole(join(dir, snap.disks[i]), diskPath(paths, d)));
  if (snap.withState) copyWhole(join(dir, 'state.tvstate'), suspendedStatePath(paths));
  index.current = name;
  await writeIndex(paths, index);
  return { suspended: snap.withState };
}

/** Deletes a snapshot and its files; its children hang from its parent from then on. The VM may be running. */
export async function deleteSnapshot(m: Manager, vm: string, name: string): Promise<void> {
  const paths = existingVm(m.home, vm);
  const index = readIndex(paths);
  const snap = find(index, vm, name);
  const clones = (snap.clones ?? []).filter((c) => existsSync(join(paths.dir, '..', c, 'vm.json')));
  if (clones.length)
    throw new ManagerError(
      'wrong-state',
      `snapshot "${name}" of ${vm} holds the disks of the linked clone${clones.length > 1 ? 's' : ''} ${clones.join(', ')}: delete ${clones.length > 1 ? 'them' : 'it'} first`,
    );
  for (const s of index.snapshots) if (s.parent === name) s.parent = snap.parent;
  index.snapshots = index.snapshots.filter((s) => s !== snap);
  if (index.current === name) index.current = snap.parent;
  await writeIndex(paths, index);
  rmSync(snapshotDir(paths, name), { recursive: true, force: true });
}

/** The tree as text lines, roots first, children under their parent; the present state is marked where it hangs. */
export function formatTree(index: SnapshotIndex): string[] {
  const out: string[] = [];
  const here = '* you are here';
  const walk = (parent: string | null, indent: string) => {
    const kids = index.snapshots.filter((s) => s.parent === parent);
    const items: (Snapshot | null)[] = [...kids];
    if (index.current === parent && (parent !== null || index.snapshots.length > 0)) items.push(null);
    items.forEach((s, i) => {
      const last = i === items.length - 1;
      const branch = parent === null ? '' : last ? '└─ ' : '├─ ';
      if (s === null) {
        out.push(`${indent}${branch}${here}`);
        return;
      }
      const notes = [s.createdAt, s.withState ? 'with machine state' : 'disks only', s.description ?? ''];
      out.push(`${indent}${branch}${s.name}  ${notes.filter(Boolean).join('  ')}`);
      walk(s.name, parent === null ? indent : indent + (last ? '   ' : '│  '));
    });
  };
  walk(null, '');
  return out;
}
