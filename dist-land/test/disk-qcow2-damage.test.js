// Damaged and crafted qcow2 images: QEMU's bounds on header fields, writes that never make damage worse (the corrupt
// bit, refused read-write opens), a check that stays linear, and `img check -r` repairing as qemu-img does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDisk } from '../src/disk/open.js';
import { imageInfo } from '../src/disk/info.js';
import { checkQcow2 } from '../src/disk/qcow2/check.js';
import { corruptBit, dataEntries, layout, refcountBlocks, setU32, setU64, u32, } from './harness/qcow2-image.js';
const imgModule = fileURLToPath(new URL('../src/cli/img.js', import.meta.url));
function img(...args) {
    const script = `import { runImg } from ${JSON.stringify(imgModule)}; process.exitCode = await runImg(${JSON.stringify(args)});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function withDir(fn) {
    return async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tv-qcow2-damage-'));
        try {
            await fn(dir);
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}
function qemuCheck(path, ...opts) {
    const r = spawnSync('qemu-img', ['check', ...opts, '--output', 'json', path], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 << 20,
    });
    const j = JSON.parse(r.stdout || '{}');
    return { status: r.status, corruptions: j.corruptions ?? 0, leaks: j.leaks ?? 0 };
}
function qemuCorruptFlag(path) {
    const info = JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output', 'json', path], { encoding: 'utf8' }));
    return info['format-specific'].data.corrupt === true;
}
function qemuRaw(path, dir) {
    const out = join(dir, 'view.raw');
    execFileSync('qemu-img', ['convert', '-U', '-O', 'raw', path, out]);
    const data = readFileSync(out);
    rmSync(out);
    return data;
}
async function readAll(path) {
    const disk = await openDisk(path, { readOnly: true });
    try {
        const buf = new Uint8Array(disk.size);
        await disk.read(0, buf);
        return buf;
    }
    finally {
        await disk.close();
    }
}
/** A small QEMU-made image with data in a few places. */
function baseImage(dir, clusterSize = 4096, extra = []) {
    const path = join(dir, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `cluster_size=${clusterSize}`, ...extra, path, '4M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xaa 0 64k', '-c', 'write -P 0xbb 1M 8k', path]);
    return path;
}
/** Only the incompatible feature field (where the corrupt bit lives) may differ. */
function sameOutsideFeatureBits(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i] && (i < 72 || i >= 80))
            return false;
    return true;
}
test('header fields beyond QEMU bounds are refused with QEMU messages, by info, check and open alike', withDir(async (dir) => {
    const base = readFileSync(baseImage(dir, 65536));
    const cases = [
        ['huge L1', (b) => setU32(b, 36, 0x7fff_ffff), 'Active L1 table too large'],
        ['huge refcount table', (b) => setU32(b, 56, 0xff_ffff), 'Reference count table too large'],
        ['cluster bits 22', (b) => setU32(b, 20, 22), 'Unsupported cluster size: 2^22'],
        ['cluster bits 8', (b) => setU32(b, 20, 8), 'Unsupported cluster size: 2^8'],
        ['header longer than a cluster', (b) => setU32(b, 100, 65536 + 8), 'qcow2 header exceeds cluster size'],
        ['header too short', (b) => setU32(b, 100, 100), 'qcow2 header too short'],
        ['refcount order 7', (b) => setU32(b, 96, 7), 'Reference count entry width too large'],
        ['too many snapshots', (b) => setU32(b, 60, 65537), 'Snapshot table too large'],
        [
            'unaligned snapshot table',
            (b) => {
                setU32(b, 60, 1);
                setU64(b, 64, 65536 + 8);
            },
            'Snapshot table offset invalid',
        ],
        ['unaligned L1 table', (b) => setU64(b, 40, 0x30008), 'Active L1 table offset invalid'],
        ['unaligned refcount table', (b) => setU64(b, 48, 0x10008), 'Reference count table offset invalid'],
        ['size beyond what L1 maps', (b) => setU64(b, 24, 2 ** 40), 'L1 table is too small'],
        ['size beyond 2^60', (b) => setU64(b, 24, 2 ** 60), 'Image is too big'],
        [
            'backing name of 1024 bytes',
            (b) => {
                setU64(b, 8, 1024);
                setU32(b, 16, 1024);
            },
            'Backing file name too long',
        ],
        ['backing name offset past the cluster', (b) => setU64(b, 8, 65536 + 512), 'Invalid backing file offset'],
        [
            'header extension longer than the cluster',
            (b) => {
                setU32(b, 112, 0xe2792aca);
                setU32(b, 116, 0x7fff_ffff);
            },
            'Header extension too large',
        ],
        [
            'backing format of 16 bytes',
            (b) => {
                setU32(b, 112, 0xe2792aca);
                setU32(b, 116, 16);
                setU32(b, 136, 0);
            },
            'ext_backing_format: len=16 too large',
        ],
    ];
    for (const [name, patch, message] of cases) {
        const b = Buffer.from(base);
        patch(b);
        const path = join(dir, 'crafted.qcow2');
        writeFileSync(path, b);
        const qemu = spawnSync('qemu-img', ['info', path], { encoding: 'utf8' });
        assert.notEqual(qemu.status, 0, name);
        assert.ok(qemu.stderr.includes(message), `${name}: qemu-img says ${qemu.stderr}`);
        await assert.rejects(imageInfo(path), (e) => e.message.includes(message), name);
        await assert.rejects(checkQcow2(path), (e) => e.message.includes(message), name);
        await assert.rejects(openDisk(path, { readOnly: true }), (e) => e.message.includes(message), name);
        const cli = img('check', path);
        assert.equal(cli.status, 1, `${name}: check not completed`);
        assert.ok(readFileSync(path).equals(b), `${name}: the file is untouched`);
    }
}));
test('a refcount table of 2^20 entries all naming one block: check stays linear and counts as qemu-img does', withDir(async (dir) => {
    const path = baseImage(dir, 65536);
    const b = readFileSync(path);
    const l = layout(b);
    const block = refcountBlocks(b, l)[0];
    // A full-size (8 MiB) refcount table at the end of the file, every entry naming the same block.
    const tableOffset = Math.ceil(b.length / 65536) * 65536;
    const table = Buffer.alloc(8 << 20);
    for (let i = 0; i < table.length / 8; i++)
        setU64(table, 8 * i, block);
    const out = Buffer.concat([b, Buffer.alloc(tableOffset - b.length), table]);
    setU64(out, 48, tableOffset);
    setU32(out, 56, 128);
    writeFileSync(path, out);
    const ours = await checkQcow2(path);
    const qemu = qemuCheck(path);
    assert.equal(qemu.status, 2);
    assert.equal(ours.corruptions, qemu.corruptions);
    assert.equal(ours.leaks, qemu.leaks);
    assert.ok(ours.messages.length <= 1001, 'messages are capped');
}));
/** The damage classes: each breaks the metadata a write relies on. */
const damages = [
    [
        'refcount table entry past the end of the file',
        (b, l) => {
            setU64(b, l.refcountTableOffset, 100 << 20);
            return b;
        },
    ],
    [
        'zeroed refcount block',
        (b, l) => {
            const block = refcountBlocks(b, l)[0];
            b.fill(0, block, block + l.clusterSize);
            return b;
        },
    ],
    ['truncated file', (b, l) => b.subarray(0, b.length - 3 * l.clusterSize)],
    [
        'L2 entry pointing into the refcount block',
        (b, l) => {
            const e = dataEntries(b, l)[0];
            setU64(b, e.at, refcountBlocks(b, l)[0]);
            setU32(b, e.at, 0x8000_0000);
            return b;
        },
    ],
    [
        'L2 entry pointing into the L1 table',
        (b, l) => {
            const e = dataEntries(b, l)[2];
            setU64(b, e.at, l.l1Offset);
            setU32(b, e.at, 0x8000_0000);
            return b;
        },
    ],
    [
        'two L2 entries naming one cluster',
        (b, l) => {
            const d = dataEntries(b, l);
            setU64(b, d[1].at, d[0].host);
            setU32(b, d[1].at, 0x8000_0000);
            return b;
        },
    ],
    [
        'L1 entry pointing at the refcount table',
        (b, l) => {
            setU64(b, l.l1Offset, l.refcountTableOffset);
            setU32(b, l.l1Offset, 0x8000_0000);
            return b;
        },
    ],
];
test('damaged images: read-write open marks them corrupt and writes nothing else; read-only still reads; -r all repairs', withDir(async (dir) => {
    const base = readFileSync(baseImage(dir));
    const l = layout(base);
    for (const [name, damage] of damages) {
        const path = join(dir, 'damaged.qcow2');
        const damaged = Buffer.from(damage(Buffer.from(base), l));
        writeFileSync(path, damaged);
        const ours = await checkQcow2(path);
        const qemu = qemuCheck(path);
        assert.ok(qemu.corruptions > 0, `${name}: qemu-img finds corruption`);
        assert.ok(ours.corruptions > 0, `${name}: we find corruption`);
        // QEMU's count for an L1 entry naming the refcount table leaves out one OFLAG_COPIED error; the rest agree.
        if (!name.startsWith('L1 entry'))
            assert.equal(ours.corruptions, qemu.corruptions, `${name}: corruptions`);
        assert.equal(ours.leaks, qemu.leaks, `${name}: leaks`);
        await assert.rejects(openDisk(path), /corrupt/, name);
        const after = readFileSync(path);
        assert.ok(corruptBit(after), `${name}: corrupt bit set`);
        assert.ok(qemuCorruptFlag(path), `${name}: qemu-img sees the corrupt bit`);
        assert.ok(sameOutsideFeatureBits(damaged, after), `${name}: nothing else written`);
        await assert.rejects(openDisk(path), /marked corrupt/, `${name}: stays refused`);
        await readAll(path); // read-only opens still work
        assert.ok(sameOutsideFeatureBits(damaged, readFileSync(path)), `${name}: reads write nothing`);
        const repaired = img('check', '-r', 'all', path);
        const qemuAfter = qemuCheck(path);
        if (name === 'truncated file') {
            // Data clusters are gone: neither tool can repair that, and the image stays corrupt.
            assert.equal(repaired.status, 2, repaired.stderr);
            assert.equal(qemuAfter.status, 2);
            assert.ok(corruptBit(readFileSync(path)));
            continue;
        }
        assert.equal(repaired.status, 0, `${name}: ${repaired.stdout}${repaired.stderr}`);
        assert.equal(qemuAfter.status, 0, `${name}: qemu-img check after our repair`);
        assert.ok(!corruptBit(readFileSync(path)), `${name}: corrupt bit cleared`);
        const disk = await openDisk(path);
        const data = new Uint8Array(70000).fill(0x5c);
        await disk.write(2 << 20, data);
        await disk.flush();
        await disk.close();
        assert.equal(qemuCheck(path).status, 0, `${name}: clean after writing`);
        assert.ok(qemuRaw(path, dir)
            .subarray(2 << 20, (2 << 20) + data.length)
            .equals(data), `${name}: data reads back`);
    }
}));
test('damage QEMU also refuses to write over: a zeroed refcount block or a refcount table past the end', withDir(async (dir) => {
    const base = readFileSync(baseImage(dir));
    const l = layout(base);
    for (const [name, damage] of damages.slice(0, 2)) {
        const ourPath = join(dir, 'ours.qcow2');
        const qemuPath = join(dir, 'qemu.qcow2');
        const damaged = Buffer.from(damage(Buffer.from(base), l));
        writeFileSync(ourPath, damaged);
        writeFileSync(qemuPath, damaged);
        const io = spawnSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x55 2M 64k', qemuPath], { encoding: 'utf8' });
        assert.match(io.stdout + io.stderr, /Marking image as corrupt/, name);
        await assert.rejects(openDisk(ourPath), /corrupt/, name);
        assert.equal(corruptBit(readFileSync(qemuPath)), true);
        assert.equal(corruptBit(readFileSync(ourPath)), true);
        // Each tool refuses the image the other marked.
        await assert.rejects(openDisk(qemuPath), /marked corrupt/);
        const qio = spawnSync('qemu-io', ['-f', 'qcow2', '-c', 'write 0 512', ourPath], { encoding: 'utf8' });
        assert.match(qio.stdout + qio.stderr, /corrupt; cannot be opened read\/write/);
    }
}));
test('metadata damaged while the image is open: the allocating write fails, the image is marked, the header survives', withDir(async (dir) => {
    const path = baseImage(dir);
    const before = readFileSync(path);
    const l = layout(before);
    const block = refcountBlocks(before, l)[0];
    const disk = await openDisk(path);
    // Someone else zeroes the refcount block: now every cluster, the header included, looks free.
    const fd = Buffer.alloc(l.clusterSize);
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const h = openSync(path, 'r+');
    writeSync(h, fd, 0, fd.length, block);
    closeSync(h);
    const lines = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s) => (lines.push(String(s)), true));
    try {
        await assert.rejects(disk.write(3 << 20, new Uint8Array(4096).fill(1)), /corrupt/);
        await assert.rejects(disk.write(0, new Uint8Array(512)), /corrupt/);
    }
    finally {
        process.stderr.write = origWrite;
    }
    await disk.close();
    assert.equal(lines.length, 1, 'one line logged');
    assert.match(lines[0], /Marking image as corrupt: Preventing invalid allocation .* overlaps the header/);
    const after = readFileSync(path);
    assert.equal(u32(after, 0), 0x514649fb, 'the header is intact');
    assert.ok(corruptBit(after));
    assert.ok(qemuCorruptFlag(path));
    assert.equal(img('check', '-r', 'all', path).status, 0);
    assert.equal(qemuCheck(path).status, 0);
    const raw = qemuRaw(path, dir);
    assert.ok(raw.subarray(0, 65536).every((x) => x === 0xaa));
    assert.ok(raw.subarray(1 << 20, (1 << 20) + 8192).every((x) => x === 0xbb));
}));
test('img check -r leaks fixes leaks only and agrees with qemu-img; -r on a structure that needs rebuilding exits 1 as qemu-img', withDir(async (dir) => {
    const base = readFileSync(baseImage(dir));
    const l = layout(base);
    // Leaks: raise the refcounts of two unreferenced clusters past the end of the used area.
    const leaky = Buffer.from(base);
    const block = refcountBlocks(leaky, l)[0];
    const used = Math.ceil(leaky.length / l.clusterSize);
    const grown = Buffer.concat([leaky, Buffer.alloc(2 * l.clusterSize)]);
    grown.writeUInt16BE(1, block + 2 * used);
    grown.writeUInt16BE(1, block + 2 * (used + 1));
    const path = join(dir, 'leaky.qcow2');
    const twin = join(dir, 'leaky-qemu.qcow2');
    writeFileSync(path, grown);
    writeFileSync(twin, grown);
    const c = img('check', path);
    assert.equal(c.status, 3);
    assert.equal(qemuCheck(path).leaks, 2);
    assert.equal(img('check', '-r', 'leaks', path).status, 0);
    assert.equal(qemuCheck(twin, '-r', 'leaks').status, 0);
    assert.equal(qemuCheck(path).status, 0);
    assert.ok(readFileSync(path).equals(readFileSync(twin)), 'the same bytes as qemu-img -r leaks');
    // A zeroed refcount block needs a rebuild: -r leaks cannot complete.
    const zeroed = join(dir, 'zeroed.qcow2');
    writeFileSync(zeroed, damages[1][1](Buffer.from(base), l));
    const r = img('check', '-r', 'leaks', zeroed);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /need to rebuild refcount structures/);
    assert.equal(spawnSync('qemu-img', ['check', '-r', 'leaks', zeroed]).status, 1);
    assert.equal(img('check', '-r', 'bogus', zeroed).status, 1);
}));
//# sourceMappingURL=disk-qcow2-damage.test.js.map