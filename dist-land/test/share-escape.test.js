// Escape attempts against a share, driven through the 9P server: nothing outside the shared directory is read, changed or made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync, } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { NineServer } from '../src/devices/virtio/9p-server.js';
import { E } from '../src/devices/virtio/9p-wire.js';
import { HostShareFs } from '../src/share/host-fs.js';
import { NineClient, L } from './harness/nine-client.js';
import { withTempDir } from './harness/temp-dir.js';
const SECRET = 'SECRET-OUTSIDE-THE-SHARE';
/** Every name, type, size, mode, link count and modification time under `dir`. */
function snapshot(dir) {
    const out = [];
    const walk = (d) => {
        for (const n of readdirSync(d).sort()) {
            const p = join(d, n);
            const s = lstatSync(p);
            out.push(`${p} ${s.mode} ${s.size} ${s.nlink} ${s.mtimeMs}`);
            if (s.isDirectory())
                walk(p);
        }
    };
    walk(dir);
    return out.join('\n');
}
function contains(hay, needle) {
    return Buffer.from(hay).includes(Buffer.from(needle));
}
/**
 * `top/outside` holds the secret; `top/share` is shared and holds symlinks (absolute and relative, to files and
 * directories outside, and to the host's /etc), a host-made FIFO, and a normal tree.
 */
function layout(top) {
    const outside = join(top, 'outside');
    const share = join(top, 'share');
    mkdirSync(join(outside, 'dir'), { recursive: true });
    writeFileSync(join(outside, 'secret'), SECRET);
    writeFileSync(join(outside, 'dir', 'secret2'), SECRET);
    mkdirSync(join(share, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(share, 'inside'), 'inside');
    symlinkSync(outside, join(share, 'abs_dir'));
    symlinkSync('../outside', join(share, 'rel_dir'));
    symlinkSync(join(outside, 'secret'), join(share, 'abs_file'));
    symlinkSync('../outside/secret', join(share, 'rel_file'));
    symlinkSync('/etc/passwd', join(share, 'etc_passwd'));
    symlinkSync('/', join(share, 'slash'));
    symlinkSync('../../outside', join(share, 'sub', 'up2'));
    symlinkSync('.', join(share, 'loop'));
    execFileSync('mkfifo', [join(share, 'fifo')]);
    return { share, outside };
}
test('sixty escape attempts through 9P: symlinks, "..", hard links, long and bad names, FIFOs', withTempDir('share-escape-', async (top) => {
    const { share, outside } = layout(top);
    const before = snapshot(outside);
    const fs = new HostShareFs(share);
    const c = new NineClient(new NineServer(fs));
    c.version();
    const root = c.attach(0);
    let fid = 100;
    const walkTo = (names) => {
        const f = fid++;
        c.walk(0, f, names);
        return f;
    };
    const fails = (fn) => NineClient.errno(fn) !== 0;
    /** A walk that gets to its last name (a partial walk answers with fewer qids and makes no fid). */
    const reaches = (names) => {
        let n = -1;
        NineClient.errno(() => (n = c.walk(0, fid++, names).length));
        return n === names.length;
    };
    // Each attempt returns true when it was stopped (an error, or an effect that stayed inside the share).
    const attempts = [
        ['walk ".." from the root stays at the root', () => c.walk(0, fid++, ['..'])[0].path === root.path],
        ['walk "../.." stays at the root', () => c.walk(0, fid++, ['..', '..']).every((q) => q.path === root.path)],
        ['walk ../outside/secret', () => !reaches(['..', 'outside', 'secret'])],
        ['walk ../../etc/passwd', () => !reaches(['..', '..', 'etc', 'passwd'])],
        ['walk sub/../../outside', () => !reaches(['sub', '..', '..', 'outside'])],
        ['walk through an absolute dir symlink', () => c.walk(0, fid++, ['abs_dir', 'secret']).length < 2],
        ['walk through a relative dir symlink', () => c.walk(0, fid++, ['rel_dir', 'secret']).length < 2],
        ['walk through a nested ../.. symlink', () => c.walk(0, fid++, ['sub', 'up2', 'secret']).length < 3],
        ['walk through a symlink to /', () => c.walk(0, fid++, ['slash', 'etc', 'passwd']).length < 3],
        ['walk through a symlink loop', () => c.walk(0, fid++, ['loop', 'loop', 'inside']).length < 3],
        ['walk a name with "/"', () => !reaches(['../outside'])],
        ['walk an absolute name', () => !reaches(['/etc/passwd'])],
        ['walk a name with NUL', () => !reaches(['inside\0../../etc'])],
        ['walk 17 names', () => !reaches(Array(17).fill('sub'))],
        ['open an absolute file symlink', () => fails(() => c.lopen(walkTo(['abs_file']), L.RDONLY))],
        ['open a relative file symlink', () => fails(() => c.lopen(walkTo(['rel_file']), L.RDONLY))],
        ['open a symlink to /etc/passwd', () => fails(() => c.lopen(walkTo(['etc_passwd']), L.RDONLY))],
        ['open a dir symlink as a directory', () => fails(() => c.lopen(walkTo(['abs_dir']), L.RDONLY))],
        [
            'open a symlink for writing with truncation',
            () => fails(() => c.lopen(walkTo(['abs_file']), L.WRONLY | L.TRUNC)),
        ],
        ['open a host FIFO (would block)', () => fails(() => c.lopen(walkTo(['fifo']), L.RDONLY))],
        ['open a host FIFO for writing', () => fails(() => c.lopen(walkTo(['fifo']), L.WRONLY))],
        ['create in a dir symlink', () => fails(() => c.lcreate(walkTo(['abs_dir']), 'new', L.WRONLY, 0o644))],
        ['create over a file symlink', () => fails(() => c.lcreate(walkTo([]), 'abs_file', L.WRONLY, 0o644))],
        ['create "../escaped"', () => fails(() => c.lcreate(walkTo([]), '../escaped', L.WRONLY, 0o644))],
        ['create ".."', () => fails(() => c.lcreate(walkTo([]), '..', L.WRONLY, 0o644))],
        ['create "."', () => fails(() => c.lcreate(walkTo([]), '.', L.WRONLY, 0o644))],
        ['create a 256-byte name', () => fails(() => c.lcreate(walkTo([]), 'x'.repeat(256), L.WRONLY, 0o644))],
        ['mkdir in a dir symlink', () => fails(() => c.mkdir(walkTo(['rel_dir']), 'new'))],
        ['mkdir "../x"', () => fails(() => c.mkdir(0, '../x'))],
        ['mkdir a name with NUL', () => fails(() => c.mkdir(0, 'a\0b'))],
        ['symlink in a dir symlink', () => fails(() => c.symlink(walkTo(['abs_dir']), 'new', 'x'))],
        [
            'a new symlink to / is never followed',
            () => {
                c.symlink(0, 'evil', '/');
                return c.walk(0, fid++, ['evil', 'etc']).length < 2 && fails(() => c.lopen(walkTo(['evil']), L.RDONLY));
            },
        ],
        [
            'a new symlink to ../outside is never followed',
            () => {
                c.symlink(0, 'evil2', '../outside/secret');
                return fails(() => c.lopen(walkTo(['evil2']), L.RDWR));
            },
        ],
        ['hard link into a dir symlink', () => fails(() => c.link(walkTo(['abs_dir']), walkTo(['inside']), 'new'))],
        [
            'hard link of a file symlink links the symlink itself',
            () => {
                c.link(0, walkTo(['abs_file']), 'hl');
                return lstatSync(join(share, 'hl')).isSymbolicLink() && lstatSync(join(outside, 'secret')).nlink === 1;
            },
        ],
        ['hard link named "../x"', () => fails(() => c.link(0, walkTo(['inside']), '../x'))],
        ['hard link of the root', () => fails(() => c.link(walkTo(['sub']), 0, 'rootlink'))],
        ['unlink through a dir symlink', () => fails(() => c.unlinkat(walkTo(['abs_dir']), 'secret'))],
        ['unlink "../outside"', () => fails(() => c.unlinkat(0, '../outside'))],
        ['rmdir ".."', () => fails(() => c.unlinkat(walkTo(['sub']), '..', 0x200))],
        [
            'unlink a dir symlink removes only the symlink',
            () => {
                c.symlink(0, 'tmp_dir', outside);
                c.unlinkat(0, 'tmp_dir');
                return !existsSync(join(share, 'tmp_dir')) && existsSync(join(outside, 'secret'));
            },
        ],
        ['rename out through a dir symlink', () => fails(() => c.renameat(0, 'inside', walkTo(['abs_dir']), 'stolen'))],
        ['rename in from a dir symlink', () => fails(() => c.renameat(walkTo(['rel_dir']), 'secret', 0, 'got'))],
        ['rename to "../x"', () => fails(() => c.renameat(0, 'inside', 0, '../x'))],
        ['rename from ".."', () => fails(() => c.renameat(walkTo(['sub']), '..', 0, 'x'))],
        ['rename the root away', () => fails(() => c.remove(walkTo([])))],
        ['chmod a file symlink', () => fails(() => c.setattr(walkTo(['abs_file']), { mode: 0o777 }))],
        ['truncate a file symlink', () => fails(() => c.setattr(walkTo(['rel_file']), { size: 0 }))],
        [
            'utimes on a file symlink changes the symlink only',
            () => {
                NineClient.errno(() => c.setattr(walkTo(['abs_file']), { mtimeSec: 12345 }));
                return lstatSync(join(outside, 'secret')).mtimeMs !== 12345000;
            },
        ],
        [
            "chown changes the guest's view only, never the host file's owner",
            () => {
                c.setattr(walkTo(['inside']), { uid: 12345, gid: 0 });
                return lstatSync(join(share, 'inside')).uid === process.getuid();
            },
        ],
        ['getattr of a symlink is the symlink', () => (c.getattr(walkTo(['abs_file'])).mode & 0o170000) === 0o120000],
        ['readdir of a dir symlink', () => fails(() => c.lopen(walkTo(['rel_dir']), 0o200000))],
        ['mknod a character device', () => fails(() => c.mknod(0, 'tty', 0o020666, 4, 1))],
        ['mknod a block device', () => fails(() => c.mknod(0, 'disk', 0o060666, 8, 0))],
        ['mknod a FIFO', () => fails(() => c.mknod(0, 'pipe', 0o010666))],
        ['attach with aname /etc stays in the share', () => c.attach(fid++, '/etc').path === root.path],
        [
            'set-user-ID bit on a new file',
            () => {
                c.lcreate(walkTo([]), 'suid', L.WRONLY, 0o4755);
                return (lstatSync(join(share, 'suid')).mode & 0o6000) === 0;
            },
        ],
        [
            'Tremove of a file symlink removes the symlink',
            () => (c.remove(walkTo(['rel_file'])), existsSync(join(outside, 'secret'))),
        ],
        [
            'a directory moved out of the share by the host is gone for old fids',
            () => {
                const f = walkTo(['sub', 'deeper']);
                renameSync(join(share, 'sub', 'deeper'), join(outside, 'deeper'));
                const stopped = fails(() => c.lcreate(f, 'x', L.WRONLY, 0o644)) && fails(() => c.getattr(f));
                renameSync(join(outside, 'deeper'), join(share, 'sub', 'deeper'));
                return stopped;
            },
        ],
        [
            'a directory swapped for a symlink by the host stops the walk',
            () => {
                const f = walkTo(['sub']);
                renameSync(join(share, 'sub'), join(share, 'sub.real'));
                symlinkSync(outside, join(share, 'sub'));
                const stopped = fails(() => c.lcreate(f, 'x', L.WRONLY, 0o644)) && fails(() => c.unlinkat(f, 'secret'));
                unlinkSync(join(share, 'sub'));
                renameSync(join(share, 'sub.real'), join(share, 'sub'));
                return stopped;
            },
        ],
        [
            "a hard link the host made to an outside file is the host user's choice, but a guest cannot make one",
            () => fails(() => c.link(0, walkTo(['..', 'outside', 'secret']), 'x')),
        ],
    ];
    assert.ok(attempts.length >= 60, `${attempts.length} attempts`);
    for (const [what, attempt] of attempts)
        assert.ok(attempt(), what);
    assert.equal(snapshot(outside), before, 'nothing outside the share changed');
    assert.ok(!c.replies.some((r) => contains(r, SECRET)), 'no reply carried the secret');
    assert.ok(!c.replies.some((r) => contains(r, 'root:x:0:0')), 'no reply carried /etc/passwd');
    assert.ok(!existsSync(join(top, 'escaped')) && !existsSync(join(top, 'x')));
    fs.closeAll();
}));
test('a host process swapping a directory for a symlink to the outside, while the guest reads and creates in it', withTempDir('share-race-', async (top) => {
    const { share, outside } = layout(top);
    const before = snapshot(outside);
    writeFileSync(join(share, 'sub', 'secret'), 'inside-copy');
    // The swapper: a real process, renaming the directory away and putting a symlink in its place, in a tight loop.
    const swapper = spawn('sh', [
        '-c',
        `cd "${share}" && while :; do mv sub sub.x; ln -s "${outside}" sub; rm sub; mv sub.x sub; ln -s "${outside}" sub/deeper/l 2>/dev/null; rm -f sub/deeper/l; done`,
    ], { stdio: 'ignore' });
    const fs = new HostShareFs(share);
    const c = new NineClient(new NineServer(fs));
    c.version();
    c.attach(0);
    let fid = 10;
    let ok = 0;
    let stopped = 0;
    try {
        const deadline = Date.now() + 4000;
        for (let i = 0; Date.now() < deadline || i < 500; i++) {
            const tryIt = (fn) => (NineClient.errno(fn) === 0 ? ok++ : stopped++);
            tryIt(() => {
                const f = fid++;
                c.walk(0, f, ['sub', 'secret']);
                c.lopen(f, L.RDONLY);
                assert.equal(new TextDecoder().decode(c.read(f, 0, 100)), 'inside-copy');
                c.clunk(f);
            });
            tryIt(() => {
                const f = fid++;
                c.walk(0, f, ['sub']);
                c.lcreate(f, `n${i}`, L.WRONLY, 0o644);
                c.write(f, 0, 'guest');
                c.clunk(f);
            });
            tryIt(() => {
                const f = fid++;
                c.walk(0, f, ['sub', 'deeper']);
                c.mkdir(f, `d${i}`);
                c.clunk(f);
            });
            // share/sub has no "dir": reaching one means the walk went through the symlink to the outside.
            let reached = 0;
            NineClient.errno(() => (reached = c.walk(0, fid++, ['sub', 'dir', 'secret2']).length));
            assert.ok(reached < 2, 'a walk went through the swapped-in symlink');
        }
    }
    finally {
        swapper.kill('SIGKILL');
        await new Promise((r) => swapper.once('exit', r));
        fs.closeAll();
    }
    assert.ok(ok > 0, 'some operations got through between swaps');
    assert.equal(snapshot(outside), before, `nothing outside changed (${ok} done, ${stopped} stopped)`);
    assert.ok(!c.replies.some((r) => contains(r, SECRET)), 'no reply carried the secret');
    assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), SECRET);
}));
test('a hard link the host put in the share reaches the same file, and nothing else (documented)', withTempDir('share-hardlink-', async (top) => {
    const { share, outside } = layout(top);
    linkSync(join(outside, 'secret'), join(share, 'hostlink'));
    const fs = new HostShareFs(share);
    const c = new NineClient(new NineServer(fs));
    c.version();
    c.attach(0);
    c.walk(0, 1, ['hostlink']);
    assert.equal(c.getattr(1).nlink, 2n);
    c.walk(0, 2, []);
    assert.equal(NineClient.errno(() => c.link(2, 1, 'again')), 0);
    assert.equal(lstatSync(join(outside, 'secret')).nlink, 3);
    assert.equal(NineClient.errno(() => c.walk(1, 3, ['..'])), 0);
    assert.equal(E.ENOENT, NineClient.errno(() => c.walk(0, 4, ['outside'])));
    fs.closeAll();
}));
//# sourceMappingURL=share-escape.test.js.map