// The 9P2000.L server over a real host directory, driven without a guest: the operations Linux's v9fs uses, checked on the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync, } from 'node:fs';
import { join } from 'node:path';
import { NineServer, MAX_MSIZE } from '../src/devices/virtio/9p-server.js';
import { E } from '../src/devices/virtio/9p-wire.js';
import { HostShareFs } from '../src/share/host-fs.js';
import { VirtioNineP } from '../src/devices/virtio/9p.js';
import { parseShareSpec } from '../src/share/spec.js';
import { NineClient, L } from './harness/nine-client.js';
import { withTempDir } from './harness/temp-dir.js';
function connect(dir, readOnly = false) {
    const fs = new HostShareFs(dir, { readOnly });
    const c = new NineClient(new NineServer(fs));
    c.version();
    c.attach(0);
    return { c, fs };
}
test('files written through 9P are on the host, files written on the host are read through 9P', withTempDir('share-', async (dir) => {
    const { c, fs } = connect(dir);
    try {
        c.walk(0, 1, []);
        c.lcreate(1, 'hello.txt', L.WRONLY, 0o644);
        assert.equal(c.write(1, 0, 'from the guest\n'), 15);
        c.clunk(1);
        assert.equal(readFileSync(join(dir, 'hello.txt'), 'utf8'), 'from the guest\n');
        assert.equal(statSync(join(dir, 'hello.txt')).mode & 0o777, 0o644);
        writeFileSync(join(dir, 'host.txt'), 'from the host');
        c.walk(0, 2, ['host.txt']);
        c.lopen(2, L.RDONLY);
        assert.equal(new TextDecoder().decode(c.read(2, 5, 100)), 'the host');
        c.clunk(2);
        c.mkdir(0, 'sub', 0o750);
        assert.ok(statSync(join(dir, 'sub')).isDirectory());
        c.walk(0, 3, ['sub']);
        c.symlink(3, 'ln', '../hello.txt');
        assert.equal(readlinkSync(join(dir, 'sub', 'ln')), '../hello.txt');
        c.walk(0, 4, ['sub', 'ln']);
        assert.equal(c.readlink(4), '../hello.txt');
        c.walk(0, 5, ['hello.txt']);
        c.link(3, 5, 'hard');
        assert.equal(statSync(join(dir, 'hello.txt')).nlink, 2);
        c.renameat(3, 'hard', 0, 'moved');
        assert.ok(existsSync(join(dir, 'moved')) && !existsSync(join(dir, 'sub', 'hard')));
        c.setattr(5, { mode: 0o600, size: 4, mtimeSec: 1_000_000 });
        const st = statSync(join(dir, 'hello.txt'));
        assert.deepEqual([st.mode & 0o7777, st.size, st.mtimeMs], [0o600, 4, 1e9]);
        // set-user-ID never reaches a host file: it would be the host user's (root's, when typevisor runs as root).
        c.setattr(5, { mode: 0o4755 });
        assert.equal(statSync(join(dir, 'hello.txt')).mode & 0o7777, 0o755);
        assert.equal(c.getattr(5).mode & 0o7777, 0o4755, 'the guest sees the bit it set');
        const a = c.getattr(5);
        assert.equal(a.size, 4n);
        assert.equal(a.uid, process.getuid());
        c.unlinkat(0, 'moved');
        c.unlinkat(3, 'ln');
        assert.equal(NineClient.errno(() => c.unlinkat(0, 'sub')), E.EISDIR);
        c.unlinkat(0, 'sub', 0x200);
        assert.ok(!existsSync(join(dir, 'sub')));
        for (let i = 0; i < 300; i++)
            writeFileSync(join(dir, `f${i}`), '');
        c.walk(0, 6, []);
        c.lopen(6, L.RDONLY);
        const names = c.readdir(6, 512);
        assert.equal(names.length, 300 + 2 + 2);
        assert.ok(names.includes('.') && names.includes('..') && names.includes('f299'));
    }
    finally {
        fs.closeAll();
    }
}));
test("renaming a directory carries the fids below it; chown is the guest's view, the host file stays the user's", withTempDir('share-', async (dir) => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'f'), 'x');
    const { c, fs } = connect(dir);
    try {
        c.walk(0, 1, ['a', 'f']);
        c.renameat(0, 'a', 0, 'b');
        assert.equal(c.getattr(1).size, 1n);
        c.lopen(1, L.RDONLY);
        assert.equal(new TextDecoder().decode(c.read(1, 0, 10)), 'x');
        const me = process.getuid();
        c.setattr(1, { uid: me, gid: process.getgid() });
        c.setattr(1, { uid: 1234, gid: 5678 });
        assert.deepEqual([c.getattr(1).uid, c.getattr(1).gid], [1234, 5678]);
        assert.equal(statSync(join(dir, 'b', 'f')).uid, me);
        c.walk(0, 2, ['b']);
        c.symlink(2, 'l', 'f');
        c.walk(0, 3, ['b', 'l']);
        assert.equal(NineClient.errno(() => c.setattr(3, { uid: 1 })), E.EPERM, 'a symlink records no owner');
    }
    finally {
        fs.closeAll();
    }
}));
test('a read-only share refuses every change with EROFS and still reads', withTempDir('share-', async (dir) => {
    writeFileSync(join(dir, 'f'), 'data');
    mkdirSync(join(dir, 'd'));
    const snap = () => ['f', 'd'].map((n) => {
        const s = lstatSync(join(dir, n));
        return [s.mode, s.size, s.nlink, s.mtimeMs, s.ctimeMs];
    });
    const before = snap();
    const { c, fs } = connect(dir, true);
    try {
        c.walk(0, 1, ['f']);
        c.walk(0, 2, ['d']);
        const attempts = [
            ['open for writing', () => c.lopen(1, L.WRONLY)],
            ['open read-write', () => c.lopen(1, L.RDWR)],
            ['open with truncation', () => c.lopen(1, L.RDONLY | L.TRUNC)],
            ['create', () => c.lcreate(2, 'new', L.WRONLY, 0o644)],
            ['mkdir', () => c.mkdir(2, 'new')],
            ['symlink', () => c.symlink(2, 'new', 'f')],
            ['mknod', () => c.mknod(2, 'new', 0o100644)],
            ['link', () => c.link(2, 1, 'new')],
            ['unlink', () => c.unlinkat(0, 'f')],
            ['rmdir', () => c.unlinkat(0, 'd', 0x200)],
            ['rename', () => c.renameat(0, 'f', 2, 'g')],
            ['chmod', () => c.setattr(1, { mode: 0o777 })],
            ['truncate', () => c.setattr(1, { size: 0 })],
            ['utimes', () => c.setattr(1, { mtimeSec: 5 })],
            ['remove', () => c.remove(1)],
        ];
        for (const [what, fn] of attempts)
            assert.equal(NineClient.errno(fn), E.EROFS, what);
        c.walk(0, 3, ['f']);
        c.lopen(3, L.RDONLY);
        assert.equal(new TextDecoder().decode(c.read(3, 0, 10)), 'data');
    }
    finally {
        fs.closeAll();
    }
    assert.deepEqual(snap(), before);
}));
test('version negotiation bounds msize; the device exposes its mount tag', () => {
    const c = new NineClient(new NineServer({}));
    assert.deepEqual(c.version(1 << 30), { msize: MAX_MSIZE, version: '9P2000.L' });
    assert.equal(c.version(8192, '9P2000.u').version, 'unknown');
    assert.equal(NineClient.errno(() => c.version(100)), E.EINVAL);
    const dev = new VirtioNineP({}, 'data');
    assert.equal(dev.deviceId, 9);
    assert.equal(dev.configSize, 6);
    assert.equal(dev.readConfig(0, 2), 4);
    assert.equal(String.fromCharCode(dev.readConfig(2, 1), dev.readConfig(3, 1)), 'da');
    assert.throws(() => new VirtioNineP({}, '../x'));
});
test('--share parsing: directory, tag, readonly', () => {
    assert.deepEqual(parseShareSpec('/srv/data'), { path: '/srv/data', tag: 'data', readOnly: false });
    assert.deepEqual(parseShareSpec('/srv/data:web,readonly'), { path: '/srv/data', tag: 'web', readOnly: true });
    assert.equal(parseShareSpec('/srv/my dir').tag, 'my_dir');
    assert.throws(() => parseShareSpec('/srv/data:../x'), /mount tag/);
    assert.throws(() => parseShareSpec('/srv/data,rw'), /unknown --share option/);
    assert.throws(() => parseShareSpec(':tag'), /host directory/);
});
test('a snapshot keeps the fids: after a restore the open file is written on, walked fids still work', withTempDir('share-', async (dir) => {
    mkdirSync(join(dir, 'd'));
    const fs = new HostShareFs(dir);
    const server = new NineServer(fs);
    const c = new NineClient(server);
    try {
        c.version(65536);
        c.attach(0);
        c.walk(0, 1, ['d']);
        c.lcreate(1, 'log', L.WRONLY | L.TRUNC, 0o644);
        c.write(1, 0, 'before ');
        c.walk(0, 2, ['d']);
        const saved = JSON.parse(JSON.stringify(server.saveState()));
        server.reset();
        assert.equal(NineClient.errno(() => c.write(1, 7, 'x')), E.EBADF);
        server.restoreState(saved);
        assert.equal(server.maxMessage, 65536);
        c.write(1, 7, 'after');
        assert.equal(readFileSync(join(dir, 'd', 'log'), 'utf8'), 'before after');
        assert.equal(c.getattr(2).mode & 0o170000, 0o040000);
        // A state file is input too: names are checked, garbage is dropped.
        for (const bad of [
            null,
            5,
            { fids: 'x' },
            {
                msize: 1,
                fids: [
                    { n: 3, path: ['2e2e'] },
                    { n: 4, path: ['2f'] },
                ],
            },
        ]) {
            server.restoreState(bad);
            assert.equal(NineClient.errno(() => c.getattr(3)), E.EBADF);
            assert.equal(NineClient.errno(() => c.getattr(4)), E.EBADF);
        }
    }
    finally {
        server.reset();
        fs.closeAll();
    }
}));
test('an open file unlinked by the guest still answers getattr, reads and writes (the tmpfile pattern)', withTempDir('share-', async (dir) => {
    const { c, fs } = connect(dir);
    try {
        c.walk(0, 1, []);
        c.lcreate(1, 'tmp', L.RDWR, 0o600);
        c.write(1, 0, 'scratch');
        c.unlinkat(0, 'tmp');
        assert.ok(!existsSync(join(dir, 'tmp')));
        assert.equal(c.getattr(1).size, 7n);
        assert.equal(new TextDecoder().decode(c.read(1, 0, 100)), 'scratch');
    }
    finally {
        fs.closeAll();
    }
}));
test('a save is refused while the guest holds open a file that lost its path, and allowed otherwise', withTempDir('share-', async (dir) => {
    const fs = new HostShareFs(dir);
    const dev = new VirtioNineP(fs, 'data');
    const c = new NineClient(dev.server);
    try {
        c.version();
        c.attach(0);
        c.walk(0, 1, []);
        c.lcreate(1, 'kept', L.RDWR, 0o644);
        c.walk(0, 2, []);
        c.lcreate(2, 'doomed', L.RDWR, 0o644);
        assert.equal(dev.saveBlocker(), undefined);
        c.unlinkat(0, 'doomed');
        assert.match(dev.saveBlocker() ?? '', /"doomed" open on the 9p share "data"/);
        c.clunk(2);
        assert.equal(dev.saveBlocker(), undefined);
        writeFileSync(join(dir, 'other'), 'x');
        renameSync(join(dir, 'other'), join(dir, 'kept'));
        assert.match(dev.saveBlocker() ?? '', /"kept"/);
    }
    finally {
        dev.reset();
        fs.closeAll();
    }
}));
//# sourceMappingURL=share-server.test.js.map