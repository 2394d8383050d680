// Fuzz cases in a child process that test/disk-fuzz.test.ts watches with a time limit per case: each case is a
// mutated qcow2 image run through info, check, read-only open and reads, convert, a read-write open with guest-style
// writes, and check -r all, each compared with what must hold. Reads "DIR IMAGE SEED" lines on stdin and answers each
// with one JSON line: the outcomes seen and any failures.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DiskError } from '../../src/disk/backend.js';
import { imageInfo } from '../../src/disk/info.js';
import { openDisk } from '../../src/disk/open.js';
import { checkQcow2 } from '../../src/disk/qcow2/check.js';
import { repairQcow2 } from '../../src/disk/qcow2/repair.js';
import { RawBackend } from '../../src/disk/raw.js';
import { Rng } from './rng.js';
/** Guest I/O stays in the first bytes of the disk, so that a crafted size costs nothing. */
const WINDOW = 4 << 20;
let outcomes = [];
let failures = [];
function fail(what) {
    failures.push(what);
}
/** Runs one operation; a DiskError is an acceptable answer to a damaged image, anything else is a failure. */
async function attempt(what, fn) {
    try {
        return await fn();
    }
    catch (e) {
        if (e instanceof DiskError) {
            outcomes.push(`${what}: error`);
            return undefined;
        }
        fail(`${what}: ${e.stack?.split('\n').slice(0, 3).join(' | ') ?? String(e)}`);
        return undefined;
    }
}
function unchanged(path, before, what) {
    if (!readFileSync(path).equals(before))
        fail(`${what} changed a file it only reads`);
}
/** Bytes of the header a write session may change: L1 and refcount table fields, feature bits. */
function headerChangeAllowed(i) {
    return (i >= 40 && i < 60) || (i >= 72 && i < 80) || (i >= 88 && i < 96);
}
/** qemu-img check's status, with the backing file left out: checking an image never reads its backing file, and a
 * mutated backing file name must not make qemu-img fail to open what it would otherwise check. */
function qemuCheckStatus(path) {
    const spec = `json:${JSON.stringify({ driver: 'qcow2', file: { driver: 'file', filename: path }, backing: null })}`;
    return spawnSync('qemu-img', ['check', '-U', spec], { stdio: 'ignore', timeout: 20000 }).status;
}
async function readWindow(path, size) {
    return attempt('read-only open', async () => {
        const disk = await openDisk(path, { readOnly: true });
        try {
            const buf = new Uint8Array(Math.min(size, WINDOW));
            await disk.read(0, buf);
            return buf;
        }
        finally {
            await disk.close();
        }
    });
}
async function runCase(dir, image, seedText) {
    outcomes = [];
    failures = [];
    const rng = new Rng(Number(seedText));
    const original = readFileSync(image);
    if (original.length < 4 || original.readUInt32BE(0) !== 0x514649fb) {
        // The mutation destroyed the magic: the file is a raw image now, and writes may change any byte of it.
        outcomes.push('no longer qcow2');
        process.stdout.write(`${JSON.stringify({ outcomes, failures })}\n`);
        return;
    }
    // Read-only users: info, check, open and read, convert. None may change the file.
    const info = await attempt('info', () => imageInfo(image));
    unchanged(image, original, 'info');
    const check = await attempt('check', () => checkQcow2(image));
    unchanged(image, original, 'check');
    if (check)
        outcomes.push(check.corruptions ? 'check: corrupt' : check.leaks ? 'check: leaks' : 'check: clean');
    const size = info?.virtualSize ?? 0;
    const before = await readWindow(image, size);
    unchanged(image, original, 'read-only open');
    if (info && size <= WINDOW) {
        const out = join(dir, 'converted.raw');
        await attempt('convert', async () => {
            const src = await openDisk(image, { readOnly: true });
            try {
                await RawBackend.create(out, src.size);
                const dst = await openDisk(out, { format: 'raw' });
                const buf = new Uint8Array(src.size);
                await src.read(0, buf);
                await dst.write(0, buf);
                await dst.close();
            }
            finally {
                await src.close();
            }
        });
        rmSync(out, { force: true });
        unchanged(image, original, 'convert');
    }
    // A read-write session on a copy, with guest-style writes.
    const rw = join(dir, 'rw.qcow2');
    copyFileSync(image, rw);
    const disk = await attempt('read-write open', () => openDisk(rw));
    if (!disk) {
        if (statSync(rw).size !== original.length)
            fail('a refused read-write open changed the file size');
        else {
            const after = readFileSync(rw);
            for (let i = 0; i < after.length; i++)
                if (after[i] !== original[i] && (i < 72 || i >= 80)) {
                    fail(`a refused read-write open wrote byte ${i}`);
                    break;
                }
        }
    }
    else {
        outcomes.push('read-write open: ok');
        const qemuBefore = qemuCheckStatus(image);
        if (qemuBefore === 2)
            fail('we opened read-write an image qemu-img check calls corrupt');
        const span = Math.min(disk.size, WINDOW);
        // model: what the window must read as; unknown where a write failed.
        const model = before ? Uint8Array.from(before) : undefined;
        const unknown = new Uint8Array(span);
        let failedWrites = 0;
        for (let i = 0; i < 8 && span > 0; i++) {
            const len = Math.min(span, 1 + rng.int(65536));
            const off = rng.int(span - len + 1);
            const data = new Uint8Array(len);
            for (let k = 0; k < len; k += 4096)
                data.fill(rng.int(256), k, k + 4096);
            const ok = await attempt('guest write', () => disk.write(off, data).then(() => true));
            if (ok)
                model?.set(data, off);
            else {
                failedWrites++;
                unknown.fill(1, off, off + len);
            }
        }
        await attempt('flush', () => disk.flush());
        if (model) {
            const now = new Uint8Array(span);
            const read = await attempt('read back', () => disk.read(0, now).then(() => true));
            if (read) {
                for (let k = 0; k < span; k++)
                    if (!unknown[k] && now[k] !== model[k]) {
                        fail(`silent data loss: guest byte ${k} reads ${now[k]}, expected ${model[k]}`);
                        break;
                    }
            }
        }
        await attempt('close', () => disk.close());
        outcomes.push(failedWrites ? 'guest writes: some failed' : 'guest writes: all ok');
        // Allocation may legitimately go far out (leaked refcounts make space unusable): read the header cluster only.
        const cs = 2 ** original.readUInt32BE(20);
        const after = Buffer.alloc(Math.min(cs, original.length));
        const fd = openSync(rw, 'r');
        readSync(fd, after, 0, after.length, 0);
        closeSync(fd);
        for (let i = 0; i < after.length; i++)
            if (after[i] !== original[i] && !headerChangeAllowed(i)) {
                fail(`the write session changed header byte ${i}`);
                break;
            }
        const qemuAfter = qemuCheckStatus(rw);
        if ((qemuBefore === 0 || qemuBefore === 3) && qemuAfter !== 0 && qemuAfter !== 3)
            fail(`writes made a clean image corrupt (qemu-img check ${qemuBefore} -> ${qemuAfter})`);
        if (model && qemuAfter !== 2 && qemuAfter !== 1 && !failedWrites) {
            const raw = join(dir, 'rw.raw');
            execFileSync('qemu-img', ['convert', '-U', '-O', 'raw', rw, raw], { timeout: 20000 });
            const theirs = readFileSync(raw).subarray(0, span);
            rmSync(raw);
            if (!theirs.equals(model))
                fail('QEMU reads something else than the guest wrote');
        }
    }
    rmSync(rw, { force: true });
    // Repair a copy; when we call the result clean, qemu-img must agree.
    const rep = join(dir, 'rep.qcow2');
    copyFileSync(image, rep);
    const repaired = await attempt('check -r all', () => repairQcow2(rep, 'all'));
    if (repaired) {
        const clean = repaired.after.corruptions === 0 && repaired.after.leaks === 0;
        outcomes.push(clean ? 'check -r all: clean' : 'check -r all: not clean');
        if (clean && qemuCheckStatus(rep) !== 0)
            fail('qemu-img check finds errors in an image our repair calls clean');
    }
    rmSync(rep, { force: true });
    process.stdout.write(`${JSON.stringify({ outcomes, failures })}\n`);
}
// Serve cases only when started by the fuzz test: `node --test dist/test/` also loads this file, and must not wait on it.
if (process.argv[2] === '--serve') {
    process.stderr.write = (() => true); // corruption lines are expected here
    for await (const line of createInterface({ input: process.stdin })) {
        const [dir, image, seed] = line.split(' ');
        await runCase(dir, image, seed);
    }
}
//# sourceMappingURL=qcow2-fuzz-worker.js.map