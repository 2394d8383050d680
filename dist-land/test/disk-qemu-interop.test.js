// qcow2 both ways against QEMU: images qemu-img/qemu-io write must read identically through openDisk, and ours pass qemu-img check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDisk } from '../src/disk/open.js';
import { createQcow2 } from '../src/disk/qcow2/create.js';
import { checkQcow2 } from '../src/disk/qcow2/check.js';
function withDir(fn) {
    return async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tv-disk-interop-'));
        try {
            await fn(dir);
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}
function qemuRaw(path, dir) {
    const out = join(dir, `view-${Math.random().toString(36).slice(2)}.raw`);
    execFileSync('qemu-img', ['convert', '-O', 'raw', path, out]);
    const data = readFileSync(out);
    rmSync(out);
    return data;
}
async function oursRaw(path) {
    const disk = await openDisk(path, { readOnly: true, format: 'qcow2' });
    try {
        const buf = new Uint8Array(disk.size);
        await disk.read(0, buf);
        return Buffer.from(buf);
    }
    finally {
        await disk.close();
    }
}
function qemuIo(path, ...cmds) {
    execFileSync('qemu-io', ['-f', 'qcow2', ...cmds.flatMap((c) => ['-c', c]), path]);
}
function qemuCheck(path) {
    const r = spawnSync('qemu-img', ['check', path], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
}
test('QEMU chain: base, overlay, overlay-of-overlay with zero clusters and discards read as qemu-img sees them', withDir(async (dir) => {
    const base = join(dir, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '8M']);
    qemuIo(base, 'write -P 0xab 0 64k', 'write -P 0x11 100k 300k', 'write -P 0x77 8000k 192k');
    mkdirSync(join(dir, 'sub'));
    const mid = join(dir, 'sub', 'mid.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', '../base.qcow2', '-F', 'qcow2', mid]);
    qemuIo(mid, 'write -P 0xcd 32k 8k', 'write -z 128k 64k', 'write -P 0x42 1M 1M');
    const top = join(dir, 'top.qcow2');
    execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        'cluster_size=4096',
        '-b',
        'sub/mid.qcow2',
        '-F',
        'qcow2',
        top,
    ]);
    qemuIo(top, 'write -P 0x99 1500k 10k', 'discard 1M 64k', 'write -z 8100k 4k', 'write -P 0x5a 0 512');
    const expected = qemuRaw(top, dir);
    assert.ok((await oursRaw(top)).equals(expected));
    assert.ok((await oursRaw(mid)).equals(qemuRaw(mid, dir)));
}));
test('QEMU compressed images (zlib and zstd) read identically', withDir(async (dir) => {
    const src = join(dir, 'src.raw');
    const data = Buffer.alloc(3 << 20);
    for (let i = 0; i < data.length; i++)
        data[i] = (i % 251) ^ ((i >> 13) & 0xff) ^ (i % 4096 < 100 ? 0 : (i * 2654435761) >>> 29);
    data.fill(0, 1 << 20, (1 << 20) + 200000);
    writeFileSync(src, data);
    for (const type of ['zlib', 'zstd']) {
        const out = join(dir, `c-${type}.qcow2`);
        execFileSync('qemu-img', [
            'convert',
            '-c',
            '-O',
            'qcow2',
            '-o',
            `compression_type=${type},cluster_size=16k`,
            src,
            out,
        ]);
        assert.ok((await oursRaw(out)).equals(data), type);
        // Overwriting parts of compressed clusters decompresses, allocates, and frees the compressed data.
        const disk = await openDisk(out);
        const patch = Buffer.alloc(5000, 0xee);
        await disk.write(20000, patch);
        await disk.write((2 << 20) - 100, patch);
        await disk.close();
        patch.copy(data, 20000);
        patch.copy(data, (2 << 20) - 100);
        assert.ok(qemuRaw(out, dir).equals(data), `${type} after writes`);
        assert.equal(qemuCheck(out).status, 0, qemuCheck(out).out);
        data.fill(0, 20000, 25000); // restore for the next format
        data.fill(0, (2 << 20) - 100, (2 << 20) + 4900);
        for (let i = 20000; i < 25000; i++)
            data[i] = (i % 251) ^ ((i >> 13) & 0xff) ^ (i % 4096 < 100 ? 0 : (i * 2654435761) >>> 29);
        for (let i = (2 << 20) - 100; i < (2 << 20) + 4900; i++)
            data[i] = (i % 251) ^ ((i >> 13) & 0xff) ^ (i % 4096 < 100 ? 0 : (i * 2654435761) >>> 29);
    }
}));
test('our overlay on a QEMU base and a raw base; QEMU reads our writes and finds no errors', withDir(async (dir) => {
    const rawBase = join(dir, 'base.raw');
    const baseData = Buffer.alloc(4 << 20);
    for (let i = 0; i < baseData.length; i += 512)
        baseData.fill((i >> 9) & 0xff, i, i + 512);
    writeFileSync(rawBase, baseData);
    const mid = join(dir, 'mid.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', mid]);
    qemuIo(mid, 'write -P 0x31 64k 64k');
    const top = join(dir, 'top.qcow2');
    await createQcow2(top, 4 << 20, { backingFile: 'mid.qcow2', backingFormat: 'qcow2' });
    const disk = await openDisk(top, { format: 'qcow2' });
    await disk.write(70000, Buffer.alloc(100, 0xfe));
    await disk.write(3 << 20, Buffer.alloc(200000, 0x01));
    await disk.close();
    const expected = Buffer.from(baseData);
    expected.fill(0x31, 65536, 131072);
    expected.fill(0xfe, 70000, 70100);
    expected.fill(0x01, 3 << 20, (3 << 20) + 200000);
    assert.ok(qemuRaw(top, dir).equals(expected));
    assert.ok((await oursRaw(top)).equals(expected));
    assert.equal(qemuCheck(top).status, 0);
    // QEMU writes into our image; we read its writes.
    qemuIo(top, 'write -P 0x66 2M 300k', 'write -z 3M 64k');
    expected.fill(0x66, 2 << 20, (2 << 20) + 300 * 1024);
    expected.fill(0, 3 << 20, (3 << 20) + 65536);
    assert.ok((await oursRaw(top)).equals(expected));
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output', 'json', top], { encoding: 'utf8' }));
    assert.equal(info['backing-filename'], 'mid.qcow2');
    assert.equal(info['backing-filename-format'], 'qcow2');
}));
test('filling a small-cluster image grows the refcount table; qemu-img agrees on contents and refcounts', withDir(async (dir) => {
    const path = join(dir, 'grow.qcow2');
    await createQcow2(path, 4 << 20, { clusterSize: 512, refcountBits: 64 });
    const disk = await openDisk(path);
    const data = Buffer.alloc(4 << 20);
    for (let i = 0; i < data.length; i++)
        data[i] = (i * 31 + (i >> 9)) & 0xff;
    for (let off = 0; off < data.length; off += 3 * 4096 + 512)
        await disk.write(off, data.subarray(off, Math.min(data.length, off + 3 * 4096 + 512)));
    await disk.close();
    const header = readFileSync(path).subarray(0, 64);
    assert.ok(header.readUInt32BE(56) > 1, 'refcount table should have grown beyond one cluster');
    assert.equal(qemuCheck(path).status, 0, qemuCheck(path).out);
    assert.ok(qemuRaw(path, dir).equals(data));
    const ours = await checkQcow2(path);
    assert.deepEqual([ours.corruptions, ours.leaks], [0, 0]);
}));
test('QEMU-created images with small clusters and other refcount widths accept our writes', withDir(async (dir) => {
    for (const [cs, bits] of [
        [512, 16],
        [2048, 2],
        [65536, 32],
    ]) {
        const path = join(dir, `q-${cs}-${bits}.qcow2`);
        execFileSync('qemu-img', [
            'create',
            '-q',
            '-f',
            'qcow2',
            '-o',
            `cluster_size=${cs},refcount_bits=${bits}`,
            path,
            '2M',
        ]);
        qemuIo(path, 'write -P 0x21 0 10k');
        const disk = await openDisk(path);
        const data = Buffer.alloc(2 << 20);
        data.fill(0x21, 0, 10240);
        const chunk = Buffer.alloc(700000, 0x44);
        await disk.write(5000, chunk);
        chunk.copy(data, 5000);
        await disk.close();
        assert.equal(qemuCheck(path).status, 0, `${cs}/${bits}: ${qemuCheck(path).out}`);
        assert.ok(qemuRaw(path, dir).equals(data), `${cs}/${bits}`);
    }
}));
test('unknown incompatible feature bits are refused; autoclear bits are cleared on write; header extensions kept', withDir(async (dir) => {
    const path = join(dir, 'f.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '1M']);
    const original = readFileSync(path);
    const bad = Buffer.from(original);
    bad.writeUInt32BE(1 << 7, 76); // incompatible bit 7: unknown
    writeFileSync(path, bad);
    await assert.rejects(openDisk(path, { readOnly: true }), /unsupported qcow2 incompatible feature.*bit 7/);
    const withAutoclear = Buffer.from(original);
    withAutoclear.writeUInt32BE(1 << 5, 92); // an autoclear bit
    writeFileSync(path, withAutoclear);
    const before = readFileSync(path).subarray(104, 4096);
    const disk = await openDisk(path);
    await disk.write(0, Buffer.alloc(512, 1));
    await disk.close();
    const after = readFileSync(path);
    assert.equal(after.readUInt32BE(92), 0);
    assert.ok(after.subarray(104, 4096).equals(before), 'header extensions changed');
    assert.equal(qemuCheck(path).status, 0);
    const dirty = Buffer.from(readFileSync(path));
    dirty.writeUInt32BE(1, 76); // dirty bit: refcounts untrustworthy
    writeFileSync(path, dirty);
    await assert.rejects(openDisk(path), /dirty/);
    await (await openDisk(path, { readOnly: true })).close();
}));
//# sourceMappingURL=disk-qemu-interop.test.js.map