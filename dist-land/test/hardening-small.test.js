// Class: careless input — FIFOs and devices as images, socket paths, tiny clusters, sparse copies, one-line messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from './harness/temp-dir.js';
import { gzipSync } from 'node:zlib';
import { runImg } from '../src/cli/img.js';
import { StreamNetBackend } from '../src/net/stream-backend.js';
import { prepareListenPath } from '../src/net/socket-path.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const withDir = (fn) => withTempDir('tv-hardening-small-', fn);
/** Runs the CLI with no terminal; a hang ends in the spawn timeout, which the status check then reports. */
function cli(args, cwd) {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', input: '', timeout: 60_000 });
    return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}
/** One line on stderr, the given status, the given message. */
function oneLine(r, status, re) {
    assert.equal(r.status, status, `status ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}
/** A small kernel file: enough for the CLI to get past reading it (the tests below fail before it boots). */
function dummyKernel(dir) {
    const p = join(dir, 'Image');
    writeFileSync(p, Buffer.alloc(4096));
    return p;
}
test('a FIFO or a device as a disk or a backing file is refused at once, without opening it', { timeout: 120_000 }, withDir(async (dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const k = dummyKernel(dir);
    oneLine(cli(['run', '--kernel', k, '--disk', fifo]), 2, /fifo: is a FIFO, not a regular file/);
    oneLine(cli(['run', '--kernel', k, '--disk', '/dev/null,format=raw']), 2, /is a character device, not a regular file/);
    // qemu-img records a FIFO as a backing file without opening it (-u would need an existing overlay).
    const ov = join(dir, 'ov.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ov, '1M']);
    execFileSync('qemu-img', ['rebase', '-u', '-b', fifo, '-F', 'raw', ov]);
    oneLine(cli(['img', 'info', ov]), 1, /fifo: is a FIFO, not a regular file/);
    oneLine(cli(['run', '--kernel', k, '--disk', `${ov},format=qcow2`]), 2, /fifo: is a FIFO/);
    oneLine(cli(['img', 'convert', '-f', 'qcow2', ov, join(dir, 'out.raw')]), 1, /is a FIFO/);
    assert.equal(await runImg(['create', '-b', fifo, '-F', 'raw', join(dir, 'x.qcow2'), '1M']), 1);
    // A FIFO as the destination of convert or create is not written either.
    oneLine(cli(['img', 'create', '-f', 'raw', fifo, '1M']), 1, /is a FIFO, not a regular file/);
}));
test('--nic listen: validated before the file system is touched; only a stale socket is replaced; long paths are refused', { timeout: 120_000 }, withDir(async (dir) => {
    const k = dummyKernel(dir);
    // A regular file at the path is refused and kept.
    const file = join(dir, 'precious');
    writeFileSync(file, 'keep me');
    oneLine(cli(['run', '--kernel', k, '--nic', `listen=${file}`]), 2, /exists and is not a socket: refusing to replace it/);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
    // A live socket is refused and keeps working.
    const live = join(dir, 'live.sock');
    const server = createServer((s) => s.end('alive'));
    await new Promise((r) => server.listen(live, r));
    try {
        oneLine(cli(['run', '--kernel', k, '--nic', `listen=${live}`]), 2, /another process is listening on this socket/);
        assert.ok(statSync(live).isSocket());
    }
    finally {
        await new Promise((r) => server.close(r));
    }
    // A stale socket (bound, nobody accepts: its process died) is left alone when any other option is bad, and
    // replaced otherwise.
    const stale2 = join(dir, 'stale.sock');
    execFileSync('python3', ['-c', `import socket;s=socket.socket(socket.AF_UNIX);s.bind(${JSON.stringify(stale2)})`]);
    assert.ok(statSync(stale2).isSocket());
    oneLine(cli(['run', '--kernel', k, '--nic', `listen=${stale2}`, '--nic', 'bogus']), 2, /unknown --nic "bogus"/);
    oneLine(cli(['run', '--kernel', k, '--nic', `listen=${stale2}`, '--disk', join(dir, 'missing.img')]), 2, /disk image not found/);
    assert.ok(statSync(stale2).isSocket(), 'the stale socket was touched before the options were all checked');
    await prepareListenPath(stale2);
    assert.ok(!existsSync(stale2));
    const b = await StreamNetBackend.listen(stale2);
    b.close();
    // Too long for sun_path: refused, nothing created.
    const long = join(dir, 'd'.repeat(120 - dir.length), 's.sock');
    oneLine(cli(['run', '--kernel', k, '--nic', `listen=${long}`]), 2, /bytes, and a UNIX socket address holds at most 107/);
    oneLine(cli(['run', '--kernel', k, '--nic', 'listen=']), 2, /needs a socket path/);
}));
test('--nic connect: TCP forms, missing and dead sockets give one line and status 2', { timeout: 120_000 }, withDir(async (dir) => {
    const k = dummyKernel(dir);
    oneLine(cli(['run', '--kernel', k, '--nic', 'connect=127.0.0.1:5555']), 2, /TCP addresses are not supported/);
    oneLine(cli(['run', '--kernel', k, '--nic', `connect=${join(dir, 'none.sock')}`]), 2, /no such socket/);
    const dead = join(dir, 'dead.sock');
    execFileSync('python3', ['-c', `import socket;s=socket.socket(socket.AF_UNIX);s.bind(${JSON.stringify(dead)})`]);
    oneLine(cli(['run', '--kernel', k, '--nic', `connect=${dead}`]), 2, /--nic connect=.*dead\.sock: .*ECONNREFUSED/);
    oneLine(cli(['run', '--kernel', k, '--nic', `connect=${join(dir, 'precious')}x`]), 2, /no such socket/);
}));
test('kernels: missing, not a file, and a gzip bomb larger than guest RAM give one line and status 2', { timeout: 120_000 }, withDir(async (dir) => {
    oneLine(cli(['run', '--kernel', join(dir, 'nope')]), 2, /kernel file not found/);
    oneLine(cli(['run', '--kernel', dir]), 2, /kernel is not a regular file/);
    const bomb = join(dir, 'bomb.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(256 * MiB), { level: 9 }));
    assert.ok(statSync(bomb).size < MiB);
    oneLine(cli(['run', '--kernel', bomb, '-m', '64M']), 2, /expands to more than 64 MiB, more than fits in guest RAM/);
}));
test('`img create -o cluster_size=512 -b` makes the image qemu-img makes', withDir(async (dir) => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '64M']);
    assert.equal(await runImg([
        'create',
        '-o',
        'cluster_size=512',
        '-b',
        join(dir, 'base.qcow2'),
        '-F',
        'qcow2',
        join(dir, 'ours.qcow2'),
    ]), 0);
    execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        'cluster_size=512',
        '-b',
        join(dir, 'base.qcow2'),
        '-F',
        'qcow2',
        join(dir, 'theirs.qcow2'),
    ]);
    const check = (p) => JSON.parse(execFileSync('qemu-img', ['check', '--output=json', p], { encoding: 'utf8' }));
    const info = (p) => JSON.parse(execFileSync('qemu-img', ['info', '--output=json', p], { encoding: 'utf8' }));
    const [o, t] = [check(join(dir, 'ours.qcow2')), check(join(dir, 'theirs.qcow2'))];
    assert.equal(o['check-errors'], 0);
    assert.equal(o['image-end-offset'], t['image-end-offset']);
    assert.equal(info(join(dir, 'ours.qcow2'))['cluster-size'], 512);
    assert.equal(info(join(dir, 'ours.qcow2'))['backing-filename-format'], 'qcow2');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x33 1000 5000', join(dir, 'ours.qcow2')]);
    execFileSync('qemu-img', ['check', join(dir, 'ours.qcow2')]);
}));
/** Bytes this process has read through read(2)/pread(2) so far (/proc/self/io rchar). */
function bytesRead() {
    return Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))[1]);
}
test('`img convert` of a sparse raw image reads only its data, and its output matches the source (qemu-img compare)', { timeout: 120_000 }, withDir(async (dir) => {
    const src = join(dir, 'sparse.raw');
    const fd = openSync(src, 'w');
    for (const at of [0, 1000 * MiB, 3000 * MiB + 12345])
        writeSync(fd, Buffer.alloc(3 * MiB, 0x5c), 0, 3 * MiB, at);
    closeSync(fd);
    execFileSync('truncate', ['-s', '4G', src]);
    for (const fmt of ['raw', 'qcow2']) {
        const dst = join(dir, `out.${fmt}`);
        const before = bytesRead();
        assert.equal(await runImg(['convert', '-f', 'raw', '-O', fmt, src, dst]), 0);
        const read = bytesRead() - before;
        assert.ok(read < 64 * MiB, `${fmt}: read ${read} bytes of a 4 GiB image holding 9 MiB`);
        execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', fmt, src, dst]);
        rmSync(dst);
    }
}));
test("an empty backing file name in an image is a one-line error, not the overlay's own directory", withDir(async (dir) => {
    const ov = join(dir, 'ov.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ov, '1M']);
    // Point the backing file name at offset 512 with length 0: an empty name.
    const fd = openSync(ov, 'r+');
    const field = Buffer.alloc(12);
    field.writeBigUInt64BE(512n, 0);
    field.writeUInt32BE(0, 8);
    writeSync(fd, field, 0, 12, 8);
    closeSync(fd);
    oneLine(cli(['img', 'info', ov]), 1, /the backing file name is empty/);
    oneLine(cli(['img', 'convert', '-f', 'qcow2', ov, join(dir, 'o.raw')]), 1, /the backing file name is empty/);
}));
//# sourceMappingURL=hardening-small.test.js.map