// Crash test: a child writing through our qcow2 is SIGKILLed at seeded moments; qemu-img check must find no corruption
// and every write acknowledged by a completed flush must read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDisk } from '../src/disk/open.js';
import { createQcow2 } from '../src/disk/qcow2/create.js';
const SIZE = 2 << 20;
const CLUSTER = 4096;
const FLUSH_EVERY = 6;
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
/** Operation i of a round: the child and the parent both derive it from (seed, i). */
function opFor(seed, i) {
    const r = rng(seed * 1_000_003 + i);
    const len = 1 + Math.floor(r() * 3 * CLUSTER);
    const off = Math.floor(r() * (SIZE - len));
    const discard = r() < 0.08;
    const data = new Uint8Array(discard ? 0 : len);
    const fill = 1 + Math.floor(r() * 255);
    for (let j = 0; j < data.length; j++)
        data[j] = (fill + j * 13) & 0xff;
    return { discard, off, len, data };
}
function applyOp(model, op) {
    if (!op.discard) {
        model.set(op.data, op.off);
        return;
    }
    const start = Math.ceil(op.off / CLUSTER) * CLUSTER;
    const end = Math.floor((op.off + op.len) / CLUSTER) * CLUSTER;
    if (end > start)
        model.fill(0, start, end);
}
/** The child: writes forever, announcing each operation before it starts and each completed flush. */
async function child(path, seed) {
    const disk = await openDisk(path);
    for (let i = 0;; i++) {
        writeSync(1, `S ${i}\n`);
        const op = opFor(seed, i);
        if (op.discard)
            await disk.discard(op.off, op.len);
        else
            await disk.write(op.off, op.data);
        if (i % FLUSH_EVERY === FLUSH_EVERY - 1) {
            await disk.flush();
            writeSync(1, `F ${i}\n`);
        }
    }
}
if (process.env.TV_DISK_CRASH_CHILD) {
    await child(process.env.TV_DISK_CRASH_CHILD, Number(process.env.TV_DISK_CRASH_SEED));
}
else {
    test('SIGKILL during qcow2 writes: no corruption, flushed writes survive', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tv-disk-crash-'));
        try {
            const path = join(dir, 'crash.qcow2');
            await createQcow2(path, SIZE, { clusterSize: CLUSTER });
            let model = new Uint8Array(SIZE);
            const self = fileURLToPath(import.meta.url);
            const pick = rng(20240601);
            for (let round = 1; round <= 8; round++) {
                const killAfterFlushes = 1 + Math.floor(pick() * 12);
                const extraStarts = Math.floor(pick() * FLUSH_EVERY);
                const { lastFlushed, maxStarted } = await new Promise((resolve, reject) => {
                    const proc = spawn(process.execPath, [self], {
                        env: { ...process.env, TV_DISK_CRASH_CHILD: path, TV_DISK_CRASH_SEED: String(round) },
                        stdio: ['ignore', 'pipe', 'inherit'],
                    });
                    let lastFlushed = -1;
                    let maxStarted = -1;
                    let flushes = 0;
                    let pending = '';
                    let killAt = -1;
                    proc.stdout.on('data', (chunk) => {
                        pending += chunk.toString();
                        const lines = pending.split('\n');
                        pending = lines.pop();
                        for (const line of lines) {
                            const [kind, n] = line.split(' ');
                            if (kind === 'S')
                                maxStarted = Number(n);
                            if (kind === 'F') {
                                lastFlushed = Number(n);
                                flushes++;
                            }
                            if (flushes === killAfterFlushes && killAt < 0)
                                killAt = maxStarted + extraStarts;
                            if (killAt >= 0 && maxStarted >= killAt && !proc.killed)
                                proc.kill('SIGKILL');
                        }
                    });
                    proc.on('exit', (code, signal) => {
                        if (signal !== 'SIGKILL')
                            reject(new Error(`child ended with ${code ?? signal}`));
                        else
                            resolve({ lastFlushed, maxStarted });
                    });
                });
                assert.ok(lastFlushed >= 0, 'child never flushed');
                const check = spawnSync('qemu-img', ['check', path], { encoding: 'utf8' });
                assert.ok(check.status === 0 || check.status === 3, `round ${round}: qemu-img check status ${check.status}\n${check.stdout}${check.stderr}`);
                // Bytes that only flushed operations touched must match the model; later ones may hold either version.
                const certain = model.slice();
                for (let i = 0; i <= lastFlushed; i++)
                    applyOp(certain, opFor(round, i));
                const uncertain = new Uint8Array(SIZE);
                for (let i = lastFlushed + 1; i <= maxStarted; i++) {
                    const op = opFor(round, i);
                    const start = op.discard ? Math.ceil(op.off / CLUSTER) * CLUSTER : op.off;
                    const end = op.discard ? Math.floor((op.off + op.len) / CLUSTER) * CLUSTER : op.off + op.len;
                    if (end > start)
                        uncertain.fill(1, start, end);
                }
                const raw = join(dir, 'view.raw');
                execFileSync('qemu-img', ['convert', '-O', 'raw', path, raw]);
                const actual = new Uint8Array(readFileSync(raw));
                for (let b = 0; b < SIZE; b++) {
                    if (!uncertain[b] && actual[b] !== certain[b])
                        assert.fail(`round ${round}: byte ${b} is ${actual[b]}, flushed data says ${certain[b]}`);
                }
                const disk = await openDisk(path, { readOnly: true });
                const ours = new Uint8Array(SIZE);
                await disk.read(0, ours);
                await disk.close();
                assert.ok(Buffer.from(ours).equals(Buffer.from(actual)), `round ${round}: our reading differs from qemu-img's`);
                model = actual;
            }
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
}
//# sourceMappingURL=disk-crash.test.js.map