// Fuzzing the qcow2 reader and writer: images made by qemu-img and by us, mutated (bit flips, boundary values in header
// fields, crossed and duplicated table entries, truncation), each run through test/harness/qcow2-fuzz-worker.ts in a
// child process with a time limit, so that a hang, a native abort or an out-of-memory crash is caught too.
// By default the run is the same every time: CASES cases from a fixed seed, so CI never fails on a case no one has
// seen before. TYPEVISOR_FUZZ_SECONDS=N explores instead: new seeds for N seconds (TYPEVISOR_FUZZ_SEED replays one);
// TYPEVISOR_FUZZ_CASE runs the one case with that case seed and keeps its files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openDisk } from '../src/disk/open.js';
import { createQcow2 } from '../src/disk/qcow2/create.js';
import { Rng } from './harness/rng.js';
import { dataEntries, layout, l2Tables, refcountBlocks, setU32, setU64 } from './harness/qcow2-image.js';
const workerScript = fileURLToPath(new URL('./harness/qcow2-fuzz-worker.js', import.meta.url));
const exploreSeconds = process.env.TYPEVISOR_FUZZ_SECONDS !== undefined ? Number(process.env.TYPEVISOR_FUZZ_SECONDS) : 0;
/** The fixed run: about a minute on two cores. */
const CASES = 400;
const seed = Number(process.env.TYPEVISOR_FUZZ_SEED ?? (exploreSeconds > 0 ? Date.now() % 1_000_000_007 : 20261207));
const onlyCase = process.env.TYPEVISOR_FUZZ_CASE !== undefined ? Number(process.env.TYPEVISOR_FUZZ_CASE) : undefined;
const CASE_TIMEOUT_MS = 60_000;
function qemuImg(...args) {
    execFileSync('qemu-img', args, { stdio: 'ignore' });
}
function qemuIo(path, ...cmds) {
    execFileSync('qemu-io', ['-f', 'qcow2', ...cmds.flatMap((c) => ['-c', c]), path], { stdio: 'ignore' });
}
/** The images mutations start from: several cluster sizes, refcount widths, versions, backing files, snapshots. */
async function seedImages(dir) {
    const out = [];
    const q = (name, opts, writes, size = '4M') => {
        const path = join(dir, name);
        qemuImg('create', '-q', '-f', 'qcow2', '-o', opts, path, size);
        if (writes.length)
            qemuIo(path, ...writes);
        out.push(path);
    };
    q('c64k.qcow2', 'cluster_size=65536', ['write -P 0x11 0 96k', 'write -P 0x22 3M 4k']);
    q('c512-r1.qcow2', 'cluster_size=512,refcount_bits=1', ['write -P 0x33 0 8k', 'write -P 0x44 100k 2k']);
    q('c4k-r64.qcow2', 'cluster_size=4096,refcount_bits=64', ['write -P 0x55 4k 40k', 'write -z 64k 8k']);
    q('c1k-r8-v2.qcow2', 'cluster_size=1024,refcount_bits=16,compat=0.10', ['write -P 0x66 0 5k'], '1M');
    q('c4k-snap.qcow2', 'cluster_size=4096', ['write -P 0x77 0 16k']);
    qemuImg('snapshot', '-c', 'one', join(dir, 'c4k-snap.qcow2'));
    qemuIo(join(dir, 'c4k-snap.qcow2'), 'write -P 0x78 4k 4k');
    const base = join(dir, 'base.raw');
    writeFileSync(base, Buffer.alloc(1 << 20, 0x5a));
    const overlay = join(dir, 'overlay.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'cluster_size=2048', '-b', 'base.raw', '-F', 'raw', overlay);
    qemuIo(overlay, 'write -P 0x99 3k 6k');
    out.push(overlay);
    const compressedSrc = join(dir, 'plain.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', compressedSrc, '1M');
    qemuIo(compressedSrc, 'write -P 0xab 0 32k');
    const compressed = join(dir, 'compressed.qcow2');
    qemuImg('convert', '-c', '-O', 'qcow2', '-o', 'cluster_size=4096', compressedSrc, compressed);
    out.push(compressed);
    const ours = join(dir, 'ours.qcow2');
    await createQcow2(ours, 2 << 20, { clusterSize: 4096, refcountBits: 4 });
    const disk = await openDisk(ours);
    await disk.write(0, new Uint8Array(12288).fill(0xcd));
    await disk.write(1 << 20, new Uint8Array(5000).fill(0xce));
    await disk.close();
    out.push(ours);
    return out;
}
const HEADER_FIELDS = [
    [8, 8],
    [16, 4],
    [20, 4],
    [24, 8],
    [32, 4],
    [36, 4],
    [40, 8],
    [48, 8],
    [56, 4],
    [60, 4],
    [64, 8],
    [72, 8],
    [80, 8],
    [88, 8],
    [96, 4],
    [100, 4],
];
/** Values at and around the edges, for a field in an image of this cluster size and file length. */
function boundaryValue(rng, cs, fileLength, width) {
    const values = [0, 1, cs - 1, cs, cs + 1, fileLength, fileLength + cs, 2 ** 31, 2 ** 32 - 1, 2 ** 53, 2 ** 62];
    const v = rng.int(4) === 0 ? rng.u32() * (width === 8 ? rng.u32() : 1) : values[rng.int(values.length)];
    return width === 4 ? v % 2 ** 32 : v;
}
function setField(b, off, width, v) {
    if (width === 4)
        setU32(b, off, v);
    else
        setU64(b, off, Math.min(v, 2 ** 64 - 2 ** 12));
}
/** A table entry value: another piece of metadata, a data cluster, past the end, unaligned, random; flags varied. */
function entryValue(rng, b) {
    const l = layout(b);
    const data = dataEntries(b, l);
    const targets = [
        0,
        l.l1Offset,
        l.refcountTableOffset,
        ...refcountBlocks(b, l).filter((x) => x !== 0),
        ...l2Tables(b, l).filter((x) => x !== 0),
        ...data.map((d) => d.host),
        b.length + l.clusterSize * rng.int(4),
        (rng.int(b.length) & ~511) + 512,
        rng.u32() * 512,
    ];
    return targets[rng.int(targets.length)];
}
const mutations = [
    ['none', (_rng, b) => b],
    [
        'data bytes',
        (rng, b) => {
            const d = dataEntries(b, layout(b)).filter((e) => e.host < b.length);
            if (d.length === 0)
                return b;
            const at = d[rng.int(d.length)].host;
            b[at + rng.int(Math.min(512, b.length - at))] ^= 0xff;
            return b;
        },
    ],
    [
        'bit flips',
        (rng, b) => {
            const cs = layout(b).clusterSize;
            for (let n = 1 + rng.int(8); n > 0; n--) {
                const at = rng.int(2) ? rng.int(Math.min(b.length, 4 * cs)) : rng.int(b.length);
                b[at] ^= 1 << rng.int(8);
            }
            return b;
        },
    ],
    [
        'header field',
        (rng, b) => {
            const [off, width] = HEADER_FIELDS[rng.int(HEADER_FIELDS.length)];
            setField(b, off, width, boundaryValue(rng, layout(b).clusterSize, b.length, width));
            return b;
        },
    ],
    [
        'L1 entry',
        (rng, b) => {
            const l = layout(b);
            if (l.l1Size === 0)
                return b;
            const at = l.l1Offset + 8 * rng.int(Math.min(l.l1Size, 4));
            if (at + 8 > b.length)
                return b;
            setU64(b, at, entryValue(rng, b));
            if (rng.int(2))
                b[at] |= 0x80;
            return b;
        },
    ],
    [
        'L2 entry',
        (rng, b) => {
            const l = layout(b);
            const tables = l2Tables(b, l).filter((t) => t !== 0 && t + l.clusterSize <= b.length);
            if (tables.length === 0)
                return b;
            const data = dataEntries(b, l);
            const at = data.length && rng.int(2)
                ? data[rng.int(data.length)].at
                : tables[rng.int(tables.length)] + 8 * rng.int(l.clusterSize / 8);
            setU64(b, at, entryValue(rng, b));
            const flags = rng.int(4);
            if (flags & 1)
                b[at] |= 0x80;
            if (flags === 2)
                b[at] |= 0x40;
            if (rng.int(4) === 0)
                b[at + 7] |= 1;
            return b;
        },
    ],
    [
        'refcount table entry',
        (rng, b) => {
            const l = layout(b);
            const at = l.refcountTableOffset + 8 * rng.int(4);
            if (at + 8 <= b.length)
                setU64(b, at, entryValue(rng, b));
            return b;
        },
    ],
    [
        'refcount block entries',
        (rng, b) => {
            const l = layout(b);
            const blocks = refcountBlocks(b, l).filter((x) => x !== 0 && x + l.clusterSize <= b.length);
            if (blocks.length === 0)
                return b;
            const block = blocks[rng.int(blocks.length)];
            const bytes = Math.max(1, 2 ** l.refcountOrder / 8);
            for (let n = 1 + rng.int(4); n > 0; n--) {
                const at = block + rng.int(Math.min(l.clusterSize, 256) / bytes) * bytes;
                b.fill([0, 0xff, 1, 2][rng.int(4)], at, at + bytes);
            }
            return b;
        },
    ],
    ['truncation', (rng, b) => b.subarray(0, rng.int(2) ? rng.int(b.length) : b.length - layout(b).clusterSize)],
    [
        'zeroed cluster',
        (rng, b) => {
            const cs = layout(b).clusterSize;
            const c = rng.int(Math.ceil(b.length / cs));
            b.fill(0, c * cs, (c + 1) * cs);
            return b;
        },
    ],
    [
        'crossed clusters',
        (rng, b) => {
            const cs = layout(b).clusterSize;
            const n = Math.floor(b.length / cs);
            if (n < 2)
                return b;
            const from = rng.int(n) * cs;
            b.copy(b, rng.int(n) * cs, from, from + cs);
            return b;
        },
    ],
];
/** A worker process and the answers it has given; a case that gets no answer in time is a hang. */
class Worker {
    child;
    waiting = null;
    stderr = '';
    constructor() {
        this.child = spawn(process.execPath, ['--max-old-space-size=256', workerScript, '--serve'], {
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting?.(line));
        this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
        this.child.on('close', () => this.waiting?.(null));
    }
    run(dir, image, caseSeed) {
        return new Promise((resolve) => {
            const timer = setTimeout(() => this.child.kill('SIGKILL'), CASE_TIMEOUT_MS);
            this.waiting = (line) => {
                clearTimeout(timer);
                this.waiting = null;
                if (line !== null && line.startsWith('{'))
                    return resolve(JSON.parse(line));
                const why = this.child.signalCode === 'SIGKILL'
                    ? `hang (killed after ${CASE_TIMEOUT_MS} ms)`
                    : `worker died (${this.child.exitCode ?? this.child.signalCode}): ${this.stderr.trim()}`;
                resolve({ outcomes: ['crash or hang'], failures: [why] });
            };
            this.child.stdin.write(`${dir} ${image} ${caseSeed}\n`);
        });
    }
    get alive() {
        return this.child.exitCode === null && this.child.signalCode === null;
    }
    close() {
        this.child.stdin.end();
    }
}
test(`qcow2 fuzz: mutated images through info, check, reads, convert, writes and repair (seed ${seed})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tv-disk-fuzz-'));
    try {
        const seeds = await seedImages(dir);
        const deadline = exploreSeconds > 0 ? Date.now() + exploreSeconds * 1000 : Infinity;
        const more = () => Date.now() < deadline && (exploreSeconds > 0 || next < CASES);
        const counts = new Map();
        const failures = [];
        let cases = 0;
        let next = 0;
        const lanes = 2;
        const lane = async (k) => {
            if (onlyCase !== undefined && k > 0)
                return;
            const work = join(dir, `lane${k}`);
            mkdirSync(work);
            let worker = new Worker();
            while (more() && failures.length < 20) {
                if (onlyCase !== undefined && cases > 0)
                    break;
                // Case i is the same whichever lane runs it: a run replays from its seed.
                const caseSeed = onlyCase ?? new Rng(seed + 0x9e37 * next++).u32();
                const caseRng = new Rng(caseSeed);
                const source = seeds[caseRng.int(seeds.length)];
                let b = Buffer.from(readFileSync(source));
                const applied = [];
                for (let n = 1 + caseRng.int(3); n > 0; n--) {
                    const [name, mutate] = mutations[caseRng.int(mutations.length)];
                    try {
                        b = Buffer.from(mutate(caseRng, Buffer.from(b)));
                        applied.push(name);
                    }
                    catch {
                        // the image is too damaged for this mutation to find its tables: it stays as it was
                    }
                }
                const image = join(work, 'fuzz.qcow2');
                writeFileSync(image, b);
                for (const f of ['base.raw'])
                    copyFileSync(join(dir, f), join(work, f));
                if (!worker.alive)
                    worker = new Worker();
                const r = await worker.run(work, image, caseSeed);
                cases++;
                for (const o of new Set(r.outcomes))
                    counts.set(o, (counts.get(o) ?? 0) + 1);
                for (const f of r.failures) {
                    failures.push(`case seed ${caseSeed} (${source.split('/').pop()}: ${applied.join(', ')}): ${f}`);
                    copyFileSync(image, join(dir, `failed-${caseSeed}.qcow2`));
                }
            }
            worker.close();
        };
        await Promise.all(Array.from({ length: lanes }, (_, k) => lane(k)));
        const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([o, n]) => `  ${o}: ${n}`);
        process.stdout.write(`# qcow2 fuzz: seed ${seed}, ${cases} mutated images, ${failures.length} failures\n# ${summary.join('\n# ')}\n`);
        assert.ok(cases > 0);
        assert.deepEqual(failures, [], `replay with TYPEVISOR_FUZZ_SEED=${seed}`);
    }
    finally {
        if (onlyCase === undefined)
            rmSync(dir, { recursive: true, force: true });
        else
            process.stdout.write(`# files kept in ${dir}\n`);
    }
});
//# sourceMappingURL=disk-fuzz.test.js.map