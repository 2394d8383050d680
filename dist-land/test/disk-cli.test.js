// `typevisor img` subcommands, run as a child process; qemu-img is the oracle for what they produce and report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const imgModule = fileURLToPath(new URL('../src/cli/img.js', import.meta.url));
function img(cwd, ...args) {
    const script = `import { runImg } from ${JSON.stringify(imgModule)}; process.exitCode = await runImg(${JSON.stringify(args)});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function withDir(fn) {
    return () => {
        const dir = mkdtempSync(join(tmpdir(), 'tv-disk-cli-'));
        try {
            fn(dir);
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}
function qemuInfo(path) {
    return JSON.parse(execFileSync('qemu-img', ['info', '--output', 'json', path], { encoding: 'utf8' }));
}
test('img create: qcow2 and raw sizes as qemu-img reads them; overlays take the backing size', withDir((dir) => {
    assert.equal(img(dir, 'create', '-f', 'qcow2', 'a.qcow2', '10G').status, 0);
    assert.equal(qemuInfo(join(dir, 'a.qcow2'))['virtual-size'], 10 * 2 ** 30);
    assert.equal(img(dir, 'create', '-f', 'raw', 'b.img', '512M').status, 0);
    assert.equal(qemuInfo(join(dir, 'b.img'))['virtual-size'], 512 * 2 ** 20);
    assert.equal(img(dir, 'create', '-o', 'cluster_size=4k', '-b', 'a.qcow2', '-F', 'qcow2', 'c.qcow2').status, 0);
    const info = qemuInfo(join(dir, 'c.qcow2'));
    assert.equal(info['virtual-size'], 10 * 2 ** 30);
    assert.equal(info['cluster-size'], 4096);
    assert.equal(info['backing-filename'], 'a.qcow2');
    assert.equal(info['backing-filename-format'], 'qcow2');
    assert.equal(spawnSync('qemu-img', ['check', join(dir, 'c.qcow2')]).status, 0);
}));
test('img info: format, sizes and the backing chain, also as JSON', withDir((dir) => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'base.raw'), '3M']);
    execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        'cluster_size=8192',
        '-b',
        'base.raw',
        '-F',
        'raw',
        join(dir, 'top.qcow2'),
    ]);
    const human = img(dir, 'info', 'top.qcow2');
    assert.equal(human.status, 0);
    assert.match(human.stdout, /file format: qcow2/);
    assert.match(human.stdout, /virtual size: 3 MiB \(3145728 bytes\)/);
    assert.match(human.stdout, /cluster_size: 8192/);
    assert.match(human.stdout, /backing file: base\.raw/);
    assert.match(human.stdout, /file format: raw/);
    const json = JSON.parse(img(dir, 'info', '--output', 'json', 'top.qcow2').stdout);
    const q = qemuInfo(join(dir, 'top.qcow2'));
    for (const key of ['virtual-size', 'cluster-size', 'format', 'backing-filename', 'backing-filename-format'])
        assert.equal(json[key], q[key], key);
    assert.equal(json['backing-image'].format, 'raw');
}));
test('img check: exit status and verdict match qemu-img check on clean, leaking and corrupt images', withDir((dir) => {
    const path = join(dir, 'k.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '4M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 1 0 128k', path]);
    const verdict = () => [
        img(dir, 'check', 'k.qcow2').status,
        spawnSync('qemu-img', ['check', path]).status,
    ];
    assert.deepEqual(verdict(), [0, 0]);
    const clean = readFileSync(path);
    const tableOff = Number(clean.readBigUInt64BE(48));
    const blockOff = Number(clean.readBigUInt64BE(tableOff));
    // A refcount for a cluster nothing uses (one more cluster at the end of the file): a leak.
    const leak = Buffer.concat([clean, Buffer.alloc(65536)]);
    leak.writeUInt16BE(1, blockOff + 2 * (clean.length / 65536));
    writeFileSync(path, leak);
    assert.deepEqual(verdict(), [3, 3]);
    // The refcount of the header cluster dropped to zero: corruption.
    const corrupt = Buffer.from(clean);
    corrupt.writeUInt16BE(0, blockOff);
    writeFileSync(path, corrupt);
    assert.deepEqual(verdict(), [2, 2]);
}));
test('img convert: qcow2 chain to raw and raw to qcow2 agree with qemu-img convert', withDir((dir) => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '5M']);
    execFileSync('qemu-io', [
        '-f',
        'qcow2',
        '-c',
        'write -P 0x12 0 1M',
        '-c',
        'write -P 0x34 3M 100k',
        join(dir, 'base.qcow2'),
    ]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'ov.qcow2')]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x56 512k 1M', join(dir, 'ov.qcow2')]);
    assert.equal(img(dir, 'convert', '-f', 'qcow2', '-O', 'raw', 'ov.qcow2', 'ours.raw').status, 0);
    execFileSync('qemu-img', ['convert', '-O', 'raw', join(dir, 'ov.qcow2'), join(dir, 'theirs.raw')]);
    const theirs = readFileSync(join(dir, 'theirs.raw'));
    assert.ok(readFileSync(join(dir, 'ours.raw')).equals(theirs));
    assert.equal(img(dir, 'convert', '-f', 'raw', '-O', 'qcow2', 'ours.raw', 'back.qcow2').status, 0);
    assert.equal(spawnSync('qemu-img', ['check', join(dir, 'back.qcow2')]).status, 0);
    assert.equal(qemuInfo(join(dir, 'back.qcow2'))['backing-filename'], undefined);
    execFileSync('qemu-img', ['convert', '-O', 'raw', join(dir, 'back.qcow2'), join(dir, 'again.raw')]);
    assert.ok(readFileSync(join(dir, 'again.raw')).equals(theirs));
    const cmp = spawnSync('qemu-img', ['compare', join(dir, 'ov.qcow2'), join(dir, 'back.qcow2')]);
    assert.equal(cmp.status, 0);
}));
test('img: one-line errors for a missing file, a bad size, an unknown format, a backing loop', withDir((dir) => {
    const one = (r, re) => {
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, re);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    };
    one(img(dir, 'info', 'nope.qcow2'), /nope\.qcow2: no such file/);
    one(img(dir, 'create', 'x.qcow2', '12Q'), /cannot parse image size "12Q"/);
    one(img(dir, 'create', '-f', 'vmdk', 'x.vmdk', '1G'), /unknown image format "vmdk"/);
    one(img(dir, 'create', '-b', 'self.qcow2', 'self.qcow2'), /backing file loop/);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'a.qcow2'), '1M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'a.qcow2', '-F', 'qcow2', join(dir, 'b.qcow2')]);
    // Point a at b: a loop qemu-img rebase -u lets us make.
    execFileSync('qemu-img', ['rebase', '-u', '-b', 'b.qcow2', '-F', 'qcow2', join(dir, 'a.qcow2')]);
    one(img(dir, 'info', 'b.qcow2'), /backing file loop/);
    one(img(dir, 'convert', '-f', 'qcow2', 'b.qcow2', 'out.raw'), /backing file loop/);
}));
//# sourceMappingURL=disk-cli.test.js.map