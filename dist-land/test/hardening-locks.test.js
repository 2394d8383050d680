// Class: one image, one writer — QEMU-compatible image locks, checked against QEMU holding ours and ours holding QEMU's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from './harness/temp-dir.js';
import { openDisk } from '../src/disk/open.js';
import { lockingAvailable } from '../src/disk/lock.js';
import { runImg } from '../src/cli/img.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const withDir = (fn) => withTempDir('tv-hardening-locks-', fn);
/** qemu-io in interactive mode: it holds the image (locked as QEMU locks it) until its stdin closes. */
async function qemuIoHolding(path, readOnly) {
    const args = ['-f', 'qcow2', ...(readOnly ? ['-r'] : []), path];
    const p = spawn('qemu-io', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    await new Promise((resolve, reject) => {
        p.stdout.on('data', (d) => {
            out += d.toString();
            if (out.includes('qemu-io>'))
                resolve();
        });
        p.on('exit', (code) => reject(new Error(`qemu-io exited (${code}) before its prompt`)));
    });
    return p;
}
async function stop(p) {
    const exited = new Promise((r) => p.once('exit', r));
    p.stdin.end('quit\n');
    await exited;
}
const qemuImg = (...args) => spawnSync('qemu-img', args, { encoding: 'utf8' });
const qemuIo = (...args) => spawnSync('qemu-io', args, { encoding: 'utf8' });
test('locking is available on this host (Linux: OFD locks through koffi)', () => {
    assert.ok(lockingAvailable());
});
test('QEMU holding an image: our write and read opens fail naming the lock and the holder; its reader still lets us read', { timeout: 120_000 }, withDir(async (dir) => {
    const img = join(dir, 'a.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', img, '4M']);
    const writer = await qemuIoHolding(img, false);
    try {
        await assert.rejects(openDisk(img, { format: 'qcow2' }), /Failed to get "write" lock: is another process using the image .*a\.qcow2\? \(held by qemu-io, pid \d+\)/);
        await assert.rejects(openDisk(img, { format: 'qcow2', readOnly: true }), /Failed to get shared "write" lock/);
    }
    finally {
        await stop(writer);
    }
    const reader = await qemuIoHolding(img, true);
    try {
        await assert.rejects(openDisk(img, { format: 'qcow2' }), /Failed to get "write" lock/);
        const d = await openDisk(img, { format: 'qcow2', readOnly: true });
        await d.close();
    }
    finally {
        await stop(reader);
    }
    // A QEMU system emulator holding the image as a drive, stopped before it runs (-S).
    const qemu = spawn('qemu-system-riscv64', [
        '-machine',
        'virt',
        '-nographic',
        '-S',
        '-monitor',
        'stdio',
        '-serial',
        'none',
        '-drive',
        `file=${img},format=qcow2,if=none,id=d0`,
    ], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
        let out = '';
        await new Promise((resolve, reject) => {
            qemu.stdout.on('data', (d) => {
                out += d.toString();
                if (out.includes('(qemu)'))
                    resolve();
            });
            qemu.on('exit', (c) => reject(new Error(`QEMU exited (${c})`)));
        });
        await assert.rejects(openDisk(img, { format: 'qcow2' }), /Failed to get "write" lock.*held by qemu-system-ris/);
    }
    finally {
        const exited = new Promise((r) => qemu.once('exit', r));
        qemu.stdin.end('quit\n');
        await exited;
    }
    (await openDisk(img, { format: 'qcow2' })).close();
}));
test('us holding an image: qemu-img info, qemu-io and QEMU fail with their lock messages; as a reader we let QEMU read', { timeout: 120_000 }, withDir(async (dir) => {
    const img = join(dir, 'a.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', img, '4M']);
    const w = await openDisk(img, { format: 'qcow2' });
    try {
        const info = qemuImg('info', img);
        assert.notEqual(info.status, 0);
        assert.match(info.stderr, /Failed to get shared "write" lock/);
        const io = qemuIo('-f', 'qcow2', '-c', 'read 0 512', img);
        assert.notEqual(io.status, 0);
        assert.match(io.stderr, /Failed to get "write" lock/);
        const sys = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-nographic', '-S', '-drive', `file=${img},format=qcow2,if=none,id=d0`], { encoding: 'utf8', input: '', timeout: 60_000 });
        assert.notEqual(sys.status, 0);
        assert.match(sys.stderr, /Failed to get "write" lock/);
    }
    finally {
        await w.close();
    }
    const r = await openDisk(img, { format: 'qcow2', readOnly: true });
    try {
        assert.equal(qemuImg('info', img).status, 0);
        assert.equal(qemuIo('-r', '-f', 'qcow2', '-c', 'read 0 512', img).status, 0);
        const io = qemuIo('-f', 'qcow2', '-c', 'write 0 512', img);
        assert.match(io.stderr, /Failed to get "write" lock/);
    }
    finally {
        await r.close();
    }
    assert.equal(qemuIo('-f', 'qcow2', '-c', 'write 0 512', img).status, 0, 'released on close');
}));
test('every image of a chain is locked: backing files shared for reading, never written; the same image twice is refused', { timeout: 120_000 }, withDir(async (dir) => {
    const base = join(dir, 'base.qcow2'), a = join(dir, 'a.qcow2'), b = join(dir, 'b.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '4M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', a]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', b]);
    const da = await openDisk(a, { format: 'qcow2' });
    const db = await openDisk(b, { format: 'qcow2' }); // two overlays share their base
    try {
        const io = qemuIo('-f', 'qcow2', '-c', 'write 0 512', base);
        assert.match(io.stderr, /Failed to get "write" lock/, 'the backing file is locked against writers');
        await assert.rejects(openDisk(base, { format: 'qcow2' }), /already open in this process/);
        await assert.rejects(openDisk(a, { format: 'qcow2' }), /already open in this process \(as .*a\.qcow2\)/);
        // Through a symbolic link and a hard link it is still the same image.
        symlinkSync(a, join(dir, 'sym.qcow2'));
        linkSync(a, join(dir, 'hard.qcow2'));
        await assert.rejects(openDisk(join(dir, 'sym.qcow2'), { format: 'qcow2', readOnly: true }), /already open/);
        await assert.rejects(openDisk(join(dir, 'hard.qcow2'), { format: 'qcow2', readOnly: true }), /already open/);
    }
    finally {
        await da.close();
        await db.close();
    }
}));
test('`run` with one image given twice fails with one line and status 2', { timeout: 120_000 }, withDir(async (dir) => {
    const a = join(dir, 'a.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', a, '4M']);
    writeFileSync(join(dir, 'Image'), Buffer.alloc(4096));
    const r = spawnSync(process.execPath, [bin, 'run', '--kernel', join(dir, 'Image'), '--disk', `${a},format=qcow2`, '--disk', `${a},format=qcow2`], { encoding: 'utf8', input: '', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot open disk .*a\.qcow2: Failed to get .*already open in this process/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}));
test('`img convert` never writes its source or an image of its backing chain, whatever links name them', { timeout: 120_000 }, withDir(async (dir) => {
    const base = join(dir, 'base.raw'), ov = join(dir, 'ov.qcow2');
    writeFileSync(base, Buffer.alloc(MiB, 0x42));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'raw', ov]);
    symlinkSync(base, join(dir, 'base-link.raw'));
    linkSync(ov, join(dir, 'ov-hard.qcow2'));
    const before = execFileSync('sha256sum', [base, ov], { encoding: 'utf8' });
    for (const dst of ['base-link.raw', 'ov-hard.qcow2', 'base.raw']) {
        const code = await runImg(['convert', '-f', 'qcow2', '-O', 'raw', ov, join(dir, dst)]);
        assert.equal(code, 2, dst);
    }
    assert.equal(execFileSync('sha256sum', [base, ov], { encoding: 'utf8' }), before);
}));
//# sourceMappingURL=hardening-locks.test.js.map