// qcow2 block status against `qemu-img map`: which bytes read as zeros without being stored, through the backing chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openDisk } from '../src/disk/open.js';
import { runImg } from '../src/cli/img.js';
import { withTempDir } from './harness/temp-dir.js';
const MiB = 1 << 20;
const withDir = (fn) => withTempDir('tv-block-status-', fn);
/** The zero ranges qemu-img map reports, merged. */
function qemuZeroRanges(image) {
    const entries = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', image], { encoding: 'utf8' }));
    return merge(entries.filter((e) => e.zero).map((e) => [e.start, e.start + e.length]));
}
/** The zero ranges our blockStatus reports, walking the whole disk. */
async function ourZeroRanges(image) {
    const disk = await openDisk(image, { readOnly: true, format: 'qcow2' });
    try {
        const out = [];
        for (let pos = 0; pos < disk.size;) {
            const s = await disk.blockStatus(pos, Math.min(16 * MiB, disk.size - pos));
            assert.ok(s.length >= 1 && pos + s.length <= disk.size);
            if (s.zero)
                out.push([pos, pos + s.length]);
            pos += s.length;
        }
        return merge(out);
    }
    finally {
        await disk.close();
    }
}
function merge(ranges) {
    const out = [];
    for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
        const last = out[out.length - 1];
        if (last && last[1] >= a)
            last[1] = Math.max(last[1], b);
        else
            out.push([a, b]);
    }
    return out;
}
function qemuIo(image, ...cmds) {
    execFileSync('qemu-io', ['-f', 'qcow2', ...cmds.flatMap((c) => ['-c', c]), image], { stdio: 'ignore' });
}
/** A sparse raw base (data at three places) under a qcow2 overlay with data, zero, discarded and compressed clusters. */
function makeChain(dir, clusterSize) {
    const base = join(dir, 'base.raw');
    const fd = openSync(base, 'w');
    for (const at of [0, 5 * MiB, 13 * MiB])
        writeSync(fd, Buffer.alloc(MiB, 0x5c), 0, MiB, at);
    closeSync(fd);
    execFileSync('truncate', ['-s', '24M', base]);
    const overlay = join(dir, `overlay-${clusterSize}.qcow2`);
    execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        `cluster_size=${clusterSize}`,
        '-b',
        'base.raw',
        '-F',
        'raw',
        overlay,
        '32M',
    ]);
    qemuIo(overlay, 'write -P 0x11 2M 256k', // data over a backing hole
    'write -z 5M 128k', // zeros over backing data
    'write -P 0x22 13M 64k', 'discard 13M 64k', // discarded over backing data: must read zero, not the backing file
    'write -c -P 0x33 20M 128k', // compressed, over a hole
    'write -P 0x00 26M 64k');
    return overlay;
}
for (const clusterSize of [512, 4096, 65536]) {
    test(`qcow2 block status matches qemu-img map through a sparse raw backing file (${clusterSize}-byte clusters)`, withDir(async (dir) => {
        const overlay = makeChain(dir, clusterSize);
        const ours = await ourZeroRanges(overlay);
        assert.ok(ours.length > 2, 'the chain has several zero ranges');
        assert.deepEqual(ours, qemuZeroRanges(overlay));
    }));
}
/** Bytes this process has read through read(2)/pread(2) so far (/proc/self/io rchar). */
function bytesRead() {
    return Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))[1]);
}
test('`img convert` of a sparse qcow2 over a sparse 4 GiB raw reads only the data, and the copy compares equal', withDir(async (dir) => {
    const base = join(dir, 'base.raw');
    const fd = openSync(base, 'w');
    for (const at of [0, 1500 * MiB])
        writeSync(fd, Buffer.alloc(2 * MiB, 0x5c), 0, 2 * MiB, at);
    closeSync(fd);
    execFileSync('truncate', ['-s', '4G', base]);
    const overlay = join(dir, 'overlay.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', overlay, '4G']);
    qemuIo(overlay, 'write -P 0x77 3000M 3M', 'write -z 1500M 1M');
    for (const fmt of ['raw', 'qcow2']) {
        const out = join(dir, `out.${fmt}`);
        const before = bytesRead();
        assert.equal(await runImg(['convert', '-f', 'qcow2', '-O', fmt, overlay, out]), 0);
        const read = bytesRead() - before;
        assert.ok(read < 64 * MiB, `${fmt}: read ${read} bytes of a 4 GiB chain holding 7 MiB`);
        execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', fmt, overlay, out]);
    }
}));
//# sourceMappingURL=disk-block-status.test.js.map