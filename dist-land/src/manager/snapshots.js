// A VM's snapshot tree: each snapshot is an internal snapshot in every writable qcow2 disk of the VM and, when the
// VM ran, a machine state file (RAM) in its folder; index.json holds the tree (docs/snapshots.md).
import { copyFileSync, constants, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { openDisk } from '../disk/open.js';
import { Qcow2Backend } from '../disk/qcow2/qcow2.js';
import { writeFileAtomic } from './atomic-file.js';
import { ManagerError } from './errors.js';
import { diskPath, existingVm, readDefinition } from './store.js';
import { suspendedStatePath } from './suspend.js';
export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INDEX_VERSION = 2;
/** The index is a few hundred bytes per snapshot: larger is not ours. */
const MAX_INDEX_BYTES = 4 * 1024 * 1024;
export const SNAPSHOT_STATE_FILE = 'state.tvstate';
const IndexSchema = z.strictObject({
    version: z.literal(INDEX_VERSION),
    current: z.string().regex(SNAPSHOT_NAME).nullable(),
    snapshots: z
        .array(z.strictObject({
        name: z.string().regex(SNAPSHOT_NAME),
        parent: z.string().regex(SNAPSHOT_NAME).nullable(),
        description: z.string().max(4096).optional(),
        createdAt: z.string().max(64),
        withState: z.boolean(),
        disks: z.array(z.string().min(1).max(4096)).max(64),
        clones: z.array(z.string().max(256)).max(4096).optional(),
    }))
        .max(10_000),
});
export function snapshotsDir(paths) {
    return join(paths.dir, 'snapshots');
}
function indexPath(paths) {
    return join(snapshotsDir(paths), 'index.json');
}
export function snapshotDir(paths, name) {
    return join(snapshotsDir(paths), name);
}
export function readIndex(paths) {
    const file = indexPath(paths);
    if (!existsSync(file))
        return { version: INDEX_VERSION, current: null, snapshots: [] };
    if (statSync(file).size > MAX_INDEX_BYTES)
        throw new ManagerError('bad-input', `${file}: larger than ${MAX_INDEX_BYTES} bytes`);
    let json;
    try {
        json = JSON.parse(readFileSync(file, 'utf8'));
    }
    catch (e) {
        throw new ManagerError('bad-input', `${file} does not parse: ${e.message}`);
    }
    if (json?.version === 1)
        throw new ManagerError('wrong-state', `${paths.name}'s snapshots are whole-disk copies from an older typevisor (${snapshotsDir(paths)}); this one keeps ` +
            `snapshots inside the qcow2 disks and does not read them: move that folder away (its disk copies stay usable) to take new snapshots`);
    const r = IndexSchema.safeParse(json);
    if (!r.success) {
        const i = r.error.issues[0];
        throw new ManagerError('bad-input', `${file}: ${i.path.join('.')}: ${i.message}`);
    }
    return r.data;
}
export async function writeIndex(paths, index) {
    mkdirSync(snapshotsDir(paths), { recursive: true, mode: 0o700 });
    await writeFileAtomic(indexPath(paths), `${JSON.stringify(index, null, 2)}\n`);
}
function checkSnapshotName(name) {
    if (!SNAPSHOT_NAME.test(name))
        throw new ManagerError('bad-input', `bad snapshot name ${JSON.stringify(name)}: letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit`);
}
export function find(index, vm, name) {
    checkSnapshotName(name);
    const s = index.snapshots.find((x) => x.name === name);
    if (!s)
        throw new ManagerError('not-found', `${vm} has no snapshot named "${name}"`);
    return s;
}
/** Copies a file (a reflink where the file system offers one) through a temporary name, so `to` is never half-written. */
export function copyWhole(from, to) {
    const tmp = `${to}.tmp-${process.pid}`;
    try {
        copyFileSync(from, tmp, constants.COPYFILE_FICLONE);
        renameSync(tmp, to);
    }
    catch (e) {
        rmSync(tmp, { force: true });
        throw e;
    }
}
/**
 * Puts a state file at `to` as a hard link (instant; state files are only ever replaced by rename, never written in
 * place, so the two names never see each other's changes), or a copy where links are not possible.
 */
function linkOrCopy(from, to) {
    rmSync(to, { force: true });
    try {
        linkSync(from, to);
    }
    catch {
        copyWhole(from, to);
    }
}
/** Whether the VM's process runs, and whether it is paused. */
function liveState(m, name) {
    const v = m.list().find((x) => x.name === name);
    if (!v || v.pid === undefined)
        return null;
    return v.state === 'paused' ? 'paused' : 'running';
}
/**
 * The disks a snapshot covers: every writable disk, which must be qcow2 (a raw disk has nowhere to keep one).
 * Read-only disks never change and need none.
 */
export function snapshotDisks(paths, def, vm) {
    const out = [];
    for (const d of def.disks) {
        if (d.readonly)
            continue;
        if (d.format !== 'qcow2')
            throw new ManagerError('wrong-state', `${vm}'s disk ${d.path} is raw: snapshots live inside qcow2 disks; convert it (typevisor img convert -O qcow2) and attach the copy, or attach it read-only`);
        out.push({ entry: d.path, path: diskPath(paths, d) });
    }
    return out;
}
/** Opens a stopped VM's qcow2 disk for writing, runs fn on it, closes it. */
export async function withQcow2(path, fn) {
    let disk;
    try {
        disk = await openDisk(path, { format: 'qcow2' });
    }
    catch (e) {
        throw new ManagerError('failed', `cannot open ${path}: ${e.message}`);
    }
    try {
        if (!(disk instanceof Qcow2Backend))
            throw new ManagerError('failed', `${path} is not a qcow2 image`);
        return await fn(disk);
    }
    catch (e) {
        if (e instanceof ManagerError)
            throw e;
        throw new ManagerError('failed', e.message);
    }
    finally {
        await disk.close();
    }
}
/**
 * Takes a snapshot. A running or paused VM is paused for the moment it takes to save its machine state and snapshot
 * its disks, in its own process; a stopped VM's disks are snapshotted here (with its saved state, if suspended).
 */
export async function createSnapshot(m, vm, name, o = {}) {
    const paths = existingVm(m.home, vm);
    checkSnapshotName(name);
    const index = readIndex(paths);
    if (index.snapshots.some((s) => s.name === name))
        throw new ManagerError('exists', `${vm} already has a snapshot named "${name}"`);
    const disks = snapshotDisks(paths, readDefinition(paths), vm);
    const dir = snapshotDir(paths, name);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    let withState = false;
    let pausedMs;
    const done = [];
    try {
        if (liveState(m, vm)) {
            const r = (await m.act(vm, {
                action: 'snapshot',
                op: 'create',
                name,
                statePath: join(tmp, SNAPSHOT_STATE_FILE),
            }));
            pausedMs = r.pausedMs;
            withState = true;
        }
        else {
            for (const d of disks) {
                await withQcow2(d.path, async (q) => {
                    if ((await q.listSnapshots()).some((s) => s.name === name))
                        throw new ManagerError('exists', `${d.path} already holds an internal snapshot named "${name}"`);
                    await q.createSnapshot(name);
                });
                done.push(d.path);
            }
            const state = suspendedStatePath(paths);
            withState = existsSync(state);
            if (withState)
                linkOrCopy(state, join(tmp, SNAPSHOT_STATE_FILE));
        }
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
    }
    catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        for (const p of done)
            await withQcow2(p, (q) => q.deleteSnapshot(name)).catch(() => undefined);
        throw e;
    }
    const snap = {
        name,
        parent: index.current,
        ...(o.description !== undefined ? { description: o.description } : {}),
        createdAt: new Date().toISOString(),
        withState,
        disks: disks.map((d) => d.entry),
    };
    index.snapshots.push(snap);
    index.current = name;
    await writeIndex(paths, index);
    return { ...snap, ...(pausedMs !== undefined ? { pausedMs } : {}) };
}
/**
 * Goes back to a snapshot: a running VM is powered off (its present state is lost, as in VirtualBox), each disk goes
 * back to its internal snapshot, and a snapshot with machine state leaves the VM suspended there (`start` resumes
 * it). Every disk is checked to hold the snapshot before any changes. Returns whether the VM is now suspended.
 */
export async function restoreSnapshot(m, vm, name) {
    const paths = existingVm(m.home, vm);
    const index = readIndex(paths);
    const snap = find(index, vm, name);
    const disks = snapshotDisks(paths, readDefinition(paths), vm);
    if (disks.map((d) => d.entry).join('\n') !== snap.disks.join('\n'))
        throw new ManagerError('wrong-state', `snapshot "${name}" was taken of the disks ${snap.disks.join(', ') || '(none)'}; ${vm} now has ${disks.map((d) => d.entry).join(', ') || 'none'}: cannot restore it`);
    if (liveState(m, vm))
        await m.kill(vm);
    for (const d of disks)
        await withQcow2(d.path, async (q) => {
            if (!(await q.listSnapshots()).some((s) => s.name === name))
                throw new ManagerError('failed', `${d.path} does not hold the internal snapshot "${name}"`);
        });
    rmSync(suspendedStatePath(paths), { force: true });
    for (const d of disks)
        await withQcow2(d.path, (q) => q.applySnapshot(name));
    if (snap.withState)
        linkOrCopy(join(snapshotDir(paths, name), SNAPSHOT_STATE_FILE), suspendedStatePath(paths));
    index.current = name;
    await writeIndex(paths, index);
    return { suspended: snap.withState };
}
/**
 * Deletes a snapshot: its internal snapshot in each disk (the clusters only it used are freed) and its folder; its
 * children hang from its parent from then on. The VM may be running: its process deletes it from the open disks.
 */
export async function deleteSnapshot(m, vm, name) {
    const paths = existingVm(m.home, vm);
    const index = readIndex(paths);
    const snap = find(index, vm, name);
    const clones = (snap.clones ?? []).filter((c) => existsSync(join(paths.dir, '..', c, 'vm.json')));
    if (clones.length)
        throw new ManagerError('wrong-state', `snapshot "${name}" of ${vm} holds the disks of the linked clone${clones.length > 1 ? 's' : ''} ${clones.join(', ')}: delete ${clones.length > 1 ? 'them' : 'it'} first`);
    if (liveState(m, vm)) {
        await m.act(vm, { action: 'snapshot', op: 'delete', name });
    }
    else {
        const def = readDefinition(paths);
        for (const entry of snap.disks) {
            const d = def.disks.find((x) => x.path === entry);
            if (!d || !existsSync(diskPath(paths, d)))
                continue;
            await withQcow2(diskPath(paths, d), async (q) => {
                if ((await q.listSnapshots()).some((s) => s.name === name))
                    await q.deleteSnapshot(name);
            });
        }
    }
    for (const s of index.snapshots)
        if (s.parent === name)
            s.parent = snap.parent;
    index.snapshots = index.snapshots.filter((s) => s !== snap);
    if (index.current === name)
        index.current = snap.parent;
    await writeIndex(paths, index);
    rmSync(snapshotDir(paths, name), { recursive: true, force: true });
}
/** The tree as text lines, roots first, children under their parent; the present state is marked where it hangs. */
export function formatTree(index) {
    const out = [];
    const here = '* you are here';
    const walk = (parent, indent) => {
        const kids = index.snapshots.filter((s) => s.parent === parent);
        const items = [...kids];
        if (index.current === parent && (parent !== null || index.snapshots.length > 0))
            items.push(null);
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
//# sourceMappingURL=snapshots.js.map