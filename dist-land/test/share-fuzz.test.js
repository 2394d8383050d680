// Fuzzed 9P messages (random, and valid ones mutated) against the server and the virtio device: never a throw, always a well-formed reply, nothing outside the share touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NineServer } from '../src/devices/virtio/9p-server.js';
import { P9, WireReader, WireWriter } from '../src/devices/virtio/9p-wire.js';
import { VirtioNineP } from '../src/devices/virtio/9p.js';
import { F_VERSION_1 } from '../src/devices/virtio/constants.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
import { HostShareFs } from '../src/share/host-fs.js';
import { withTempDir } from './harness/temp-dir.js';
const SECRET = 'FUZZ-SECRET';
const T_TYPES = Object.values(P9).filter((t) => t !== P9.Rlerror);
const enc = (s) => new TextEncoder().encode(s);
function tree(top) {
    const share = join(top, 'share');
    const outside = join(top, 'outside');
    mkdirSync(join(share, 'a', 'b'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), SECRET);
    writeFileSync(join(share, 'a', 'f'), 'file');
    symlinkSync(outside, join(share, 'out'));
    symlinkSync('../outside/secret', join(share, 'a', 'sec'));
    const snap = () => readdirSync(top, { recursive: true })
        .map(String)
        .filter((p) => !p.startsWith('share'))
        .sort()
        .map((p) => {
        const s = lstatSync(join(top, p));
        return `${p} ${s.mode} ${s.size} ${s.mtimeMs}`;
    })
        .join('\n');
    return { share, outside, snap };
}
/** Well-formed messages of every kind, on small fids and names that exist, as seeds for mutation. */
function seeds() {
    const m = (type, fill) => {
        const w = new WireWriter(4096);
        fill(w);
        return Uint8Array.from(w.finish(type, 1));
    };
    const names = ['a', 'f', 'b', '..', 'out', 'sec', 'new'];
    const out = [];
    for (const n of names) {
        out.push(m(P9.Twalk, (w) => w.u32(0).u32(1).u16(2).str(enc('a')).str(enc(n))));
        out.push(m(P9.Tlcreate, (w) => w.u32(1).str(enc(n)).u32(2).u32(0o644).u32(0)));
        out.push(m(P9.Tmkdir, (w) => w.u32(0).str(enc(n)).u32(0o755).u32(0)));
        out.push(m(P9.Tsymlink, (w) => w.u32(0).str(enc(n)).str(enc('../outside')).u32(0)));
        out.push(m(P9.Tunlinkat, (w) => w.u32(1).str(enc(n)).u32(0)));
        out.push(m(P9.Trenameat, (w) => w.u32(0).str(enc(n)).u32(1).str(enc('x'))));
        out.push(m(P9.Tlink, (w) => w.u32(0).u32(1).str(enc(n))));
    }
    out.push(m(P9.Tversion, (w) => w.u32(65536).str(enc('9P2000.L'))));
    out.push(m(P9.Tattach, (w) => w.u32(0).u32(~0).str(enc('u')).str(enc('')).u32(0)));
    out.push(m(P9.Tlopen, (w) => w.u32(1).u32(2)));
    out.push(m(P9.Tread, (w) => w.u32(1).u64(0).u32(8192)));
    out.push(m(P9.Twrite, (w) => w.u32(1).u64(0).u32(4).u32(0x41414141)));
    out.push(m(P9.Tgetattr, (w) => w.u32(1).u64(0x7ff)));
    out.push(m(P9.Tsetattr, (w) => w.u32(1).u32(0x1ff).u32(0o7777).u32(0).u32(0).u64(3).u64(1).u64(2).u64(3).u64(4)));
    out.push(m(P9.Treaddir, (w) => w.u32(1).u64(0).u32(4096)));
    out.push(m(P9.Treadlink, (w) => w.u32(1)));
    out.push(m(P9.Tstatfs, (w) => w.u32(0)));
    out.push(m(P9.Tfsync, (w) => w.u32(1).u32(0)));
    out.push(m(P9.Tclunk, (w) => w.u32(1)));
    out.push(m(P9.Tremove, (w) => w.u32(1)));
    out.push(m(P9.Tmknod, (w) => w.u32(0).str(enc('n')).u32(0o20666).u32(1).u32(3).u32(0)));
    out.push(m(P9.Tgetlock, (w) => w.u32(1).u8(0).u64(0).u64(0).u32(1).str(enc('c'))));
    out.push(m(P9.Txattrwalk, (w) => w.u32(1).u32(2).str(enc('user.x'))));
    return out;
}
const message = fc.oneof(
// random bytes
fc.uint8Array({ maxLength: 200 }), 
// a correct header on a random body
fc.tuple(fc.constantFrom(...T_TYPES), fc.uint8Array({ maxLength: 120 })).map(([type, body]) => {
    const w = new WireWriter(7 + body.length);
    w.buf.set(body, 7);
    w.pos = 7 + body.length;
    return Uint8Array.from(w.finish(type, 7));
}), 
// a valid message with bytes changed, cut short or extended; the size field fixed up or not
fc
    .tuple(fc.constantFrom(...seeds()), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.integer({ min: -8, max: 8 }), fc.boolean())
    .map(([seed, edits, grow, fixSize]) => {
    const len = Math.max(0, seed.length + grow);
    const out = new Uint8Array(len);
    out.set(seed.subarray(0, len));
    for (const [at, v] of edits)
        if (len > 7)
            out[7 + (at % (len - 7))] = v;
    if (fixSize && len >= 4)
        new DataView(out.buffer).setUint32(0, len, true);
    return out;
}));
function checkReply(reply, req, replyMax) {
    assert.ok(reply.length >= 7 && reply.length <= replyMax, `reply of ${reply.length} bytes`);
    const r = new WireReader(reply);
    assert.equal(r.u32(), reply.length);
    const type = r.u8();
    if (req.length >= 7 && type !== P9.Rlerror)
        assert.equal(type, req[4] + 1);
    assert.ok(!Buffer.from(reply).includes(Buffer.from(SECRET)), 'the secret left the host');
}
test('fuzzed 9P messages never make the server throw, answer in bounds and stay inside the share', withTempDir('share-fuzz-', async (top) => {
    const { share, snap } = tree(top);
    const before = snap();
    const fs = new HostShareFs(share);
    const server = new NineServer(fs);
    const setup = seeds();
    try {
        fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), fc.integer({ min: 11, max: 70000 }), (msgs, replyMax) => {
            server.handle(setup.find((s) => s[4] === P9.Tversion), 4096);
            server.handle(setup.find((s) => s[4] === P9.Tattach), 4096);
            for (const msg of msgs)
                checkReply(server.handle(msg, replyMax), msg, replyMax);
        }), { numRuns: 400, seed: 19 });
    }
    finally {
        server.reset();
        fs.closeAll();
    }
    assert.equal(snap(), before, 'nothing outside the share changed');
}));
test('fuzzed chains through the virtio-9p device: replies land in the writable buffers, the device never throws', withTempDir('share-fuzz-dev-', async (top) => {
    const { share, snap } = tree(top);
    const before = snap();
    const fs = new HostShareFs(share);
    const dev = new VirtioNineP(fs, 'fuzz');
    const { drv, mem } = benchFor(dev, 1 << 20);
    drv.negotiate(F_VERSION_1 | dev.features);
    const q = drv.setupQueue(0, 16);
    drv.driverOk();
    // One pair of buffers, reused: the driver's heap is small.
    const inPa = drv.buffer(8192);
    const outPa = drv.buffer(8192);
    try {
        fc.assert(fc.property(message, fc.integer({ min: 0, max: 5000 }), fc.boolean(), (msg, outLen, split) => {
            mem.writeBytes(inPa, msg);
            const half = Math.floor(msg.length / 2);
            const bufs = split && half > 0
                ? [
                    { pa: inPa, len: half, write: false },
                    { pa: inPa + half, len: msg.length - half, write: false },
                ]
                : [{ pa: inPa, len: msg.length, write: false }];
            if (outLen > 0)
                bufs.push({ pa: outPa, len: outLen, write: true });
            q.add(bufs);
            q.kick();
            const used = q.takeUsed();
            assert.equal(used.length, 1);
            assert.ok(used[0].len <= outLen);
            if (used[0].len > 0 && msg.length >= 7) {
                const reply = mem.readBytes(outPa, used[0].len);
                checkReply(reply, msg, outLen);
            }
        }), { numRuns: 300, seed: 9 });
    }
    finally {
        dev.reset();
        fs.closeAll();
    }
    assert.equal(snap(), before, 'nothing outside the share changed');
}));
//# sourceMappingURL=share-fuzz.test.js.map