// Class: a network peer cannot exhaust host memory or corrupt the link — bounded queues, per-connection framing, logged events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { withTempDir } from './harness/temp-dir.js';
import { DEFAULT_MAX_QUEUED, MAX_FRAME, StreamNetBackend } from '../src/net/stream-backend.js';
const withSocket = (fn) => withTempDir('tv-hardening-net-', (dir) => fn(join(dir, 'link.sock')));
const connect = (path) => new Promise((resolve, reject) => {
    const s = createConnection(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
});
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
/** Waits until cond holds (bounded by the test's timeout; no timing is asserted). */
async function until(cond) {
    while (!cond())
        await tick();
}
/** The wire form of a frame: its length (or a claimed one) and the bytes. */
function wire(payload, claimedLength = payload.length) {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(claimedLength >>> 0);
    return Buffer.concat([head, payload]);
}
function frame(len, fill) {
    return new Uint8Array(len).fill(fill);
}
test('a peer that never reads: frames beyond the queue bound are dropped and counted, logged once, and the rest arrive intact', { timeout: 60_000 }, withSocket(async (sock) => {
    const log = [];
    const b = await StreamNetBackend.listen(sock, { log: (m) => log.push(m) });
    const peer = await connect(sock);
    peer.pause();
    await until(() => log.length === 1);
    const N = 10_000, LEN = 1500;
    for (let i = 0; i < N; i++)
        b.send(frame(LEN, i & 0xff));
    assert.ok(b.stats.dropped > 0, 'nothing was dropped');
    assert.equal(b.stats.framesOut + b.stats.dropped, N);
    assert.equal(log.filter((l) => /dropping frames/.test(l)).length, 1, log.join('\n'));
    // What the peer reads once it reads: whole frames, in order, no more than the bound plus the kernel's buffers.
    let got = Buffer.alloc(0);
    peer.on('data', (d) => (got = Buffer.concat([got, d])));
    peer.resume();
    await until(() => got.length === b.stats.framesOut * (LEN + 4));
    assert.ok(got.length < DEFAULT_MAX_QUEUED + 8 * 1024 * 1024, `${got.length} bytes were queued`);
    assert.ok(got.length < (N * (LEN + 4)) / 2);
    for (let off = 0; off < got.length; off += LEN + 4)
        assert.equal(got.readUInt32BE(off), LEN);
    await until(() => log.some((l) => /frames dropped/.test(l)));
    assert.match(log.find((l) => /frames dropped/.test(l)), new RegExp(`^${b.stats.dropped} frames dropped$`));
    peer.destroy();
    b.close();
}));
test("half a frame from a peer that left never reaches the next peer's frames", { timeout: 60_000 }, withSocket(async (sock) => {
    const log = [];
    const got = [];
    const b = await StreamNetBackend.listen(sock, { log: (m) => log.push(m) });
    b.onReceive((f) => got.push(f));
    const first = await connect(sock);
    first.write(wire(Buffer.alloc(50, 0xee), 100));
    await tick(50);
    first.destroy();
    await until(() => log.some((l) => /disconnected/.test(l)));
    const second = await connect(sock);
    const f = Buffer.alloc(64, 0x5a);
    second.write(wire(f));
    await until(() => got.length === 1);
    assert.deepEqual(Buffer.from(got[0]), f);
    assert.equal(b.stats.framesIn, 1);
    assert.deepEqual(log.map((l) => l.replace(sock, 'SOCK')), ['peer connected to SOCK', 'peer disconnected', 'peer connected to SOCK']);
    second.destroy();
    b.close();
}));
test('garbage frame lengths: the connection is closed and logged once, nothing is allocated for them, the next peer works', { timeout: 60_000 }, withSocket(async (sock) => {
    const log = [];
    const got = [];
    const b = await StreamNetBackend.listen(sock, { log: (m) => log.push(m) });
    b.onReceive((f) => got.push(f));
    for (const len of [0xffffffff, MAX_FRAME + 1, 0x7fffffff]) {
        const bad = await connect(sock);
        const closed = new Promise((r) => bad.once('close', r));
        bad.on('error', () => undefined);
        bad.write(wire(Buffer.alloc(4096, 1), len));
        await closed; // we hung up on it
    }
    assert.equal(b.stats.badFrames, 3);
    assert.equal(got.length, 0);
    assert.equal(log.filter((l) => /frame length/.test(l)).length, 3, log.join('\n'));
    const good = await connect(sock);
    good.write(wire(Buffer.alloc(MAX_FRAME, 7)));
    await until(() => got.length === 1);
    assert.equal(got[0].length, MAX_FRAME);
    good.destroy();
    b.close();
}));
test('connect: nobody listening is an error at once; a listener that goes away is logged, and sends are dropped quietly', { timeout: 60_000 }, withSocket(async (sock) => {
    await assert.rejects(StreamNetBackend.connect(sock), /ENOENT/);
    const server = await StreamNetBackend.listen(sock);
    const log = [];
    const c = await StreamNetBackend.connect(sock, { log: (m) => log.push(m) });
    server.close();
    await until(() => log.length > 0);
    assert.deepEqual(log, ['peer closed the link']);
    for (let i = 0; i < 100; i++)
        c.send(frame(60, 1));
    assert.equal(c.stats.dropped, 100);
    assert.equal(log.length, 1);
    c.close();
}));
//# sourceMappingURL=hardening-net.test.js.map