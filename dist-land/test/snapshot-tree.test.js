// The snapshot tree after random create/restore/delete sequences on a stopped VM matches a model: parents, the
// current position, the disk contents each snapshot brings back, and the internal snapshots QEMU lists and reads in
// the disk; qemu-img check is clean after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDisk } from '../src/disk/open.js';
import { Manager } from '../src/manager/client.js';
import { createSnapshot, deleteSnapshot, readIndex, restoreSnapshot } from '../src/manager/snapshots.js';
import { cloneVm } from '../src/manager/clone.js';
import { withTempDir } from './harness/temp-dir.js';
async function writeMarker(path, text) {
    const d = await openDisk(path, { format: 'qcow2', readOnly: false });
    try {
        await d.write(0, Buffer.from(text.padEnd(512, '\0')));
        await d.flush();
    }
    finally {
        await d.close();
    }
}
async function readMarker(path) {
    const d = await openDisk(path, { format: 'qcow2', readOnly: true });
    try {
        const b = new Uint8Array(512);
        await d.read(0, b);
        return Buffer.from(b).toString('latin1').replace(/\0+$/, '');
    }
    finally {
        await d.close();
    }
}
function qcow2Files(dir) {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.qcow2'))
        .map((e) => join(e.parentPath, e.name));
}
/** The internal snapshots `qemu-img snapshot -l` lists, by name. */
function qemuSnapshots(disk) {
    const out = execFileSync('qemu-img', ['snapshot', '-l', '-U', disk], { encoding: 'utf8' });
    return out
        .split('\n')
        .slice(2)
        .filter((l) => l.trim())
        .map((l) => l.trim().split(/\s+/)[1])
        .sort();
}
/** The marker at the start of an internal snapshot's disk state, as qemu-img reads it. */
function qemuMarker(disk, snapshot, dir) {
    const out = join(dir, 'qemu-read.raw');
    execFileSync('qemu-img', ['convert', '-U', '-l', `snapshot.name=${snapshot}`, '-O', 'raw', disk, out]);
    return readFileSync(out).subarray(0, 512).toString('latin1').replace(/\0+$/, '');
}
/** VMs in these tests are never started: any file will do as their kernel. */
function fakeKernel(dir) {
    const kernel = join(dir, 'kernel');
    writeFileSync(kernel, 'not booted in this test');
    return kernel;
}
test('snapshot create, restore and delete sequences keep the tree and the disks as a model says', { timeout: 10 * 60_000 }, withTempDir('tv-snap-', async (dir) => {
    const kernel = fakeKernel(dir);
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.record({
        op: fc.constantFrom('create', 'create', 'restore', 'delete'),
        snap: fc.constantFrom('a', 'b', 'c', 'd'),
    }), { minLength: 1, maxLength: 14 }), async (ops) => {
        const m = new Manager(join(dir, `home${run++}`));
        await m.create({ name: 'vm', kernel, newDiskBytes: [1024 * 1024] });
        const paths = m.paths('vm');
        const disk = join(paths.dir, 'disk0.qcow2');
        const model = new Map();
        let current = null;
        let marker = '';
        for (const [i, { op, snap }] of ops.entries()) {
            if (op === 'create') {
                marker = `marker-${i}`;
                await writeMarker(disk, marker);
                if (model.has(snap)) {
                    await assert.rejects(createSnapshot(m, 'vm', snap), (e) => e.kind === 'exists');
                    continue;
                }
                const s = await createSnapshot(m, 'vm', snap, { description: `step ${i}` });
                assert.equal(s.withState, false, 'a stopped VM has no machine state to keep');
                model.set(snap, { parent: current, marker });
                current = snap;
            }
            else if (!model.has(snap)) {
                const action = op === 'restore' ? restoreSnapshot(m, 'vm', snap) : deleteSnapshot(m, 'vm', snap);
                await assert.rejects(action, (e) => e.kind === 'not-found' && e.message.includes(snap));
                continue;
            }
            else if (op === 'restore') {
                assert.deepEqual(await restoreSnapshot(m, 'vm', snap), { suspended: false });
                marker = model.get(snap).marker;
                current = snap;
            }
            else {
                const gone = model.get(snap);
                for (const s of model.values())
                    if (s.parent === snap)
                        s.parent = gone.parent;
                model.delete(snap);
                if (current === snap)
                    current = gone.parent;
                await deleteSnapshot(m, 'vm', snap);
            }
            const index = readIndex(paths);
            assert.equal(index.current, current, `after ${op} ${snap}`);
            assert.deepEqual(Object.fromEntries(index.snapshots.map((s) => [s.name, s.parent])), Object.fromEntries([...model].map(([n, s]) => [n, s.parent])), `after ${op} ${snap}`);
            assert.equal(await readMarker(disk), marker, `the disk after ${op} ${snap}`);
            assert.deepEqual(readdirSync(join(paths.dir, 'snapshots')).sort(), [...model.keys(), 'index.json'].sort(), 'one folder per snapshot, nothing left of deleted ones');
            execFileSync('qemu-img', ['check', disk], { stdio: 'pipe' });
            assert.deepEqual(qemuSnapshots(disk), [...model.keys()].sort(), `qemu-img snapshot -l after ${op} ${snap}`);
        }
        // QEMU reads every snapshot's disk state: the marker the model says it holds.
        for (const [name, s] of model)
            assert.equal(qemuMarker(disk, name, dir), s.marker, `snapshot ${name}`);
    }), { numRuns: 12, seed: 16 });
}));
test('clones: a full copy of a stopped VM, and a linked clone on a snapshot that then cannot be deleted', { timeout: 5 * 60_000 }, withTempDir('tv-clone-', async (dir) => {
    const kernel = fakeKernel(dir);
    const m = new Manager(join(dir, 'home'));
    await m.create({ name: 'src', kernel, newDiskBytes: [2 * 1024 * 1024], nics: [{ mode: 'null' }] });
    const disk = (vm) => join(m.paths(vm).dir, 'disk0.qcow2');
    await writeMarker(disk('src'), 'at-snapshot');
    await createSnapshot(m, 'src', 'base');
    await writeMarker(disk('src'), 'after-snapshot');
    const full = await cloneVm(m, 'src', 'full');
    const linked = await cloneVm(m, 'src', 'linked', { snapshot: 'base', linked: true });
    assert.equal(await readMarker(disk('full')), 'after-snapshot');
    assert.equal(await readMarker(disk('linked')), 'at-snapshot');
    const macs = ['src', 'full', 'linked'].map((n) => m.get(n).definition.nics[0].mac);
    assert.equal(new Set(macs).size, 3, `every clone has a new MAC: ${macs.join(' ')}`);
    assert.equal(full.name, 'full');
    assert.equal(linked.definition.autostart, false);
    // QEMU reads the linked clone's chain: its disk is an overlay on the snapshot's copy.
    const chain = JSON.parse(execFileSync('qemu-img', ['info', '--output', 'json', '--backing-chain', disk('linked')], { encoding: 'utf8' }));
    assert.deepEqual(chain.map((c) => c.filename), [disk('linked'), join(m.paths('src').dir, 'snapshots', 'base', 'disk0.qcow2')]);
    // Writing to a clone changes neither the source nor the snapshot.
    await writeMarker(disk('linked'), 'in-the-clone');
    assert.equal(await readMarker(disk('src')), 'after-snapshot');
    await restoreSnapshot(m, 'src', 'base');
    assert.equal(await readMarker(disk('src')), 'at-snapshot');
    await assert.rejects(deleteSnapshot(m, 'src', 'base'), (e) => e.kind === 'wrong-state' && /holds the disks of the linked clone linked/.test(e.message));
    await assert.rejects(cloneVm(m, 'src', 'x', { linked: true }), (e) => e.kind === 'bad-input');
    await assert.rejects(cloneVm(m, 'src', 'full'), (e) => e.kind === 'exists');
    await m.delete('linked');
    await deleteSnapshot(m, 'src', 'base');
    assert.deepEqual(qemuSnapshots(disk('full')), [], 'a clone has no snapshots');
    for (const f of qcow2Files(join(dir, 'home')))
        execFileSync('qemu-img', ['check', f], { stdio: 'pipe' });
}));
//# sourceMappingURL=snapshot-tree.test.js.map