// Random write/read/discard sequences through our qcow2 against a plain byte-array model; qemu-img judges the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQcow2 } from '../src/disk/qcow2/create.js';
import { checkQcow2 } from '../src/disk/qcow2/check.js';
import { openDisk } from '../src/disk/open.js';
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
function qemuCheckClean(path) {
    const r = spawnSync('qemu-img', ['check', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, `qemu-img check ${path}:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /No errors were found on the image/);
}
function qemuRaw(path, dir) {
    const out = join(dir, 'qemu-view.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', path, out]);
    return new Uint8Array(readFileSync(out));
}
const configs = [
    { name: '64k clusters', size: 16 << 20, clusterSize: 65536, refcountBits: 16, backing: false, ops: 300 },
    {
        name: '512-byte clusters, 64-bit refcounts (refcount table grows)',
        size: 6 << 20,
        clusterSize: 512,
        refcountBits: 64,
        backing: false,
        ops: 300,
    },
    { name: '4k clusters, 1-bit refcounts', size: 3 << 20, clusterSize: 4096, refcountBits: 1, backing: false, ops: 300 },
    {
        name: '4k clusters over a QEMU-written backing file',
        size: 4 << 20,
        clusterSize: 4096,
        refcountBits: 16,
        backing: true,
        ops: 300,
    },
    {
        name: '1k clusters, 8-bit refcounts, odd disk size',
        size: (3 << 20) + 1536,
        clusterSize: 1024,
        refcountBits: 8,
        backing: false,
        ops: 300,
    },
];
for (const cfg of configs) {
    for (const seed of [1, 2]) {
        test(`random I/O, ${cfg.name}, seed ${seed}`, async () => {
            const dir = mkdtempSync(join(tmpdir(), 'tv-disk-random-'));
            try {
                const rand = rng(seed * 7919 + cfg.clusterSize);
                const model = new Uint8Array(cfg.size);
                const path = join(dir, 'disk.qcow2');
                if (cfg.backing) {
                    const base = join(dir, 'base.qcow2');
                    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', base, String(cfg.size)]);
                    const cmds = [];
                    for (let i = 0; i < 20; i++) {
                        const off = Math.floor(rand() * (cfg.size / 512 - 64)) * 512;
                        const len = (1 + Math.floor(rand() * 64)) * 512;
                        const pat = 1 + Math.floor(rand() * 254);
                        cmds.push('-c', `write -P ${pat} ${off} ${len}`);
                        model.fill(pat, off, off + len);
                    }
                    execFileSync('qemu-io', ['-f', 'qcow2', ...cmds, base]);
                    await createQcow2(path, cfg.size, {
                        clusterSize: cfg.clusterSize,
                        refcountBits: cfg.refcountBits,
                        backingFile: 'base.qcow2',
                        backingFormat: 'qcow2',
                    });
                }
                else {
                    await createQcow2(path, cfg.size, { clusterSize: cfg.clusterSize, refcountBits: cfg.refcountBits });
                }
                let disk = await openDisk(path, { format: 'qcow2' });
                for (let op = 0; op < cfg.ops; op++) {
                    const r = rand();
                    const maxLen = rand() < 0.2 ? 8 * cfg.clusterSize + 100 : 3 * cfg.clusterSize;
                    const len = 1 + Math.floor(rand() * Math.min(maxLen, cfg.size - 1));
                    const off = Math.floor(rand() * (cfg.size - len));
                    if (r < 0.55) {
                        const data = new Uint8Array(len);
                        for (let i = 0; i < len; i += 4)
                            data[i] = Math.floor(rand() * 256);
                        await disk.write(off, data);
                        model.set(data, off);
                    }
                    else if (r < 0.9) {
                        const buf = new Uint8Array(len);
                        await disk.read(off, buf);
                        assert.ok(Buffer.from(buf).equals(Buffer.from(model.subarray(off, off + len))), `op ${op}: read ${off}+${len} differs`);
                    }
                    else if (r < 0.95) {
                        await disk.discard(off, len);
                        // Whole clusters inside the range read as zeros afterwards; partial ones are untouched.
                        const cs = cfg.clusterSize;
                        const end = off + len === cfg.size ? cfg.size : Math.floor((off + len) / cs) * cs;
                        const start = Math.ceil(off / cs) * cs;
                        if (end > start)
                            model.fill(0, start, end);
                    }
                    else if (r < 0.98) {
                        await disk.flush();
                    }
                    else {
                        await disk.close();
                        disk = await openDisk(path, { format: 'qcow2' });
                    }
                }
                const all = new Uint8Array(cfg.size);
                await disk.read(0, all);
                assert.ok(Buffer.from(all).equals(Buffer.from(model)), 'whole-disk read differs from the model');
                await disk.close();
                qemuCheckClean(path);
                const ours = await checkQcow2(path);
                assert.deepEqual([ours.corruptions, ours.leaks], [0, 0], ours.messages.join('\n'));
                assert.ok(Buffer.from(qemuRaw(path, dir)).equals(Buffer.from(model)), 'qemu-img convert -O raw differs from the model');
            }
            finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    }
}
//# sourceMappingURL=disk-random.test.js.map