// qcow2 internal snapshots written by our code, checked with QEMU's tools: qemu-img check clean after every operation,
// `qemu-img snapshot -l` lists them, QEMU reads each snapshot's data as we do, we apply and delete snapshots QEMU
// made (compressed clusters too), and deleting a snapshot gives its clusters' space back to the file system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDisk } from '../src/disk/open.js';
import { createQcow2 } from '../src/disk/qcow2/create.js';
import { Qcow2Backend } from '../src/disk/qcow2/qcow2.js';
import { withTempDir } from './harness/temp-dir.js';
const MiB = 1024 * 1024;
async function withImage(path, fn) {
    const q = await openDisk(path, { format: 'qcow2' });
    try {
        assert.ok(q instanceof Qcow2Backend);
        return await fn(q);
    }
    finally {
        await q.close();
    }
}
function qemuCheck(path) {
    execFileSync('qemu-img', ['check', path], { stdio: 'pipe' });
}
function qemuList(path) {
    return execFileSync('qemu-img', ['snapshot', '-l', path], { encoding: 'utf8' })
        .split('\n')
        .slice(2)
        .filter((l) => l.trim())
        .map((l) => l.trim().split(/\s+/)[1]);
}
/** The whole disk as QEMU reads it: the active state, or an internal snapshot's. */
function qemuRead(path, dir, snapshot) {
    const out = join(dir, 'qemu.raw');
    const l = snapshot !== undefined ? ['-l', `snapshot.name=${snapshot}`] : [];
    execFileSync('qemu-img', ['convert', ...l, '-O', 'raw', path, out]);
    return readFileSync(out);
}
async function ourRead(path) {
    const d = await openDisk(path, { format: 'qcow2', readOnly: true });
    try {
        const b = new Uint8Array(d.size);
        await d.read(0, b);
        return Buffer.from(b);
    }
    finally {
        await d.close();
    }
}
test('random writes, snapshots, applies and deletes: QEMU agrees with a model after every step', { timeout: 5 * 60_000 }, withTempDir('tv-q2snap-', async (dir) => {
    const size = MiB;
    const write = fc.record({
        kind: fc.constant('write'),
        offset: fc.integer({ min: 0, max: size - 1 }),
        length: fc.integer({ min: 1, max: 100_000 }),
        byte: fc.integer({ min: 1, max: 255 }),
    });
    const named = (kind) => fc.record({ kind: fc.constant(kind), name: fc.constantFrom('s1', 's2', 's3') });
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(write, write, named('create'), named('apply'), named('delete')), {
        minLength: 1,
        maxLength: 12,
    }), fc.constantFrom(512, 4096, 65536), async (ops, clusterSize) => {
        const path = join(dir, `img${run++}.qcow2`);
        await createQcow2(path, size, { clusterSize });
        let present = Buffer.alloc(size);
        const snaps = new Map();
        for (const op of ops) {
            await withImage(path, async (q) => {
                if (op.kind === 'write') {
                    const len = Math.min(op.length, size - op.offset);
                    const data = Buffer.alloc(len, op.byte);
                    await q.write(op.offset, data);
                    data.copy(present, op.offset);
                }
                else if (op.kind === 'create') {
                    if (snaps.has(op.name))
                        return assert.rejects(q.createSnapshot(op.name), /already has a snapshot/);
                    await q.createSnapshot(op.name);
                    snaps.set(op.name, Buffer.from(present));
                }
                else if (!snaps.has(op.name)) {
                    const p = op.kind === 'apply' ? q.applySnapshot(op.name) : q.deleteSnapshot(op.name);
                    return assert.rejects(p, /has no snapshot/);
                }
                else if (op.kind === 'apply') {
                    await q.applySnapshot(op.name);
                    present = Buffer.from(snaps.get(op.name));
                }
                else {
                    await q.deleteSnapshot(op.name);
                    snaps.delete(op.name);
                }
            });
            qemuCheck(path);
            assert.deepEqual(qemuList(path).sort(), [...snaps.keys()].sort(), `snapshots after ${op.kind}`);
        }
        assert.ok(qemuRead(path, dir).equals(present), 'QEMU reads the present state');
        assert.ok((await ourRead(path)).equals(present), 'we read the present state');
        for (const [name, data] of snaps)
            assert.ok(qemuRead(path, dir, name).equals(data), `snapshot ${name}`);
    }), { numRuns: 15, seed: 1616 });
}));
test("snapshots QEMU made (over compressed clusters too) are applied and deleted by us, and ours by QEMU's tools", { timeout: 2 * 60_000 }, withTempDir('tv-q2snap-', async (dir) => {
    const plain = join(dir, 'plain.qcow2');
    const img = join(dir, 'img.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', plain, '8M']);
    execFileSync('qemu-io', ['-c', 'write -P 0x11 0 3M', '-c', 'write -P 0x22 5M 1M', plain], { stdio: 'pipe' });
    execFileSync('qemu-img', ['convert', '-c', '-O', 'qcow2', plain, img]);
    execFileSync('qemu-img', ['snapshot', '-c', 'by-qemu', img]);
    execFileSync('qemu-io', ['-c', 'write -P 0x33 1M 1M', img], { stdio: 'pipe' });
    const atSnapshot = qemuRead(img, dir, 'by-qemu');
    const later = qemuRead(img, dir);
    await withImage(img, async (q) => {
        await q.createSnapshot('ours');
        await q.write(0, Buffer.alloc(65536, 0x44));
        await q.applySnapshot('by-qemu');
    });
    qemuCheck(img);
    assert.ok((await ourRead(img)).equals(atSnapshot), 'applying the snapshot QEMU took');
    await withImage(img, (q) => q.deleteSnapshot('by-qemu'));
    qemuCheck(img);
    assert.deepEqual(qemuList(img), ['ours']);
    // QEMU applies ours: the state before our write.
    const copy = join(dir, 'copy.qcow2');
    copyFileSync(img, copy);
    execFileSync('qemu-img', ['snapshot', '-a', 'ours', copy]);
    assert.ok(qemuRead(copy, dir).equals(later));
    execFileSync('qemu-img', ['snapshot', '-d', 'ours', copy]);
    qemuCheck(copy);
}));
test('deleting a snapshot frees the clusters only it used, and the file system gets their space back', { timeout: 60_000 }, withTempDir('tv-q2snap-', async (dir) => {
    const img = join(dir, 'img.qcow2');
    await createQcow2(img, 64 * MiB);
    const allocated = () => statSync(img).blocks * 512;
    await withImage(img, async (q) => {
        await q.write(0, Buffer.alloc(16 * MiB, 0x55));
        await q.createSnapshot('old');
        await q.write(0, Buffer.alloc(16 * MiB, 0x66));
    });
    const before = allocated();
    await withImage(img, (q) => q.deleteSnapshot('old'));
    qemuCheck(img);
    const after = allocated();
    assert.ok(before - after >= 15 * MiB, `allocated ${before} bytes before the delete, ${after} after`);
    assert.ok(qemuRead(img, dir)
        .subarray(0, 16 * MiB)
        .equals(Buffer.alloc(16 * MiB, 0x66)));
}));
//# sourceMappingURL=snapshot-qcow2.test.js.map