// virtio-blk through the mock driver: IN/OUT/FLUSH/GET_ID/DISCARD/WRITE_ZEROES, errors, RO, async backends and reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_VERSION_1, STATUS_DEVICE_NEEDS_RESET, REG_STATUS } from '../src/devices/virtio/constants.js';
import { VirtioBlk, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_WRITE_ZEROES, } from '../src/devices/virtio/blk.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
// Request types and status values from the spec (§5.2.6), written out here rather than imported.
const T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13, T_UNKNOWN = 99;
const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
class MemDisk {
    size;
    readOnly;
    data;
    flushes = 0;
    discards = [];
    constructor(size, readOnly = false) {
        this.size = size;
        this.readOnly = readOnly;
        this.data = new Uint8Array(size);
    }
    read(offset, buf) {
        if (offset + buf.length > this.size)
            throw new RangeError('beyond disk');
        buf.set(this.data.subarray(offset, offset + buf.length));
    }
    write(offset, data) {
        if (offset + data.length > this.size)
            throw new RangeError('beyond disk');
        this.data.set(data, offset);
    }
    flush() {
        this.flushes++;
    }
    discard(offset, length) {
        this.discards.push([offset, length]);
    }
}
/** Completes every call on a later macrotask, like a file-backed disk. */
class AsyncDisk {
    inner;
    constructor(inner) {
        this.inner = inner;
    }
    get size() {
        return this.inner.size;
    }
    get readOnly() {
        return this.inner.readOnly;
    }
    later(fn) {
        return new Promise((resolve, reject) => setImmediate(() => {
            try {
                fn();
                resolve();
            }
            catch (e) {
                reject(e);
            }
        }));
    }
    read(offset, buf) {
        return this.later(() => this.inner.read(offset, buf));
    }
    write(offset, data) {
        return this.later(() => this.inner.write(offset, data));
    }
    flush() {
        return this.later(() => this.inner.flush());
    }
}
const DISK = 64 * 1024;
function setup(backend, features = F_VERSION_1) {
    const dev = new VirtioBlk(backend, { serial: 'disk-serial-0123456789abc', queueSize: 16 });
    const b = benchFor(dev);
    const neg = b.drv.negotiate(features | dev.features);
    assert.ok(neg.accepted);
    const q = b.drv.setupQueue(0);
    b.drv.driverOk();
    return { ...b, dev, q, neg };
}
function header(drv, type, sector) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(type, 0);
    h.writeBigUInt64LE(BigInt(sector), 8);
    return drv.buffer(16, h);
}
/** Sends one request; returns the status byte's address and the head. */
function request(drv, q, type, sector, data) {
    const status = drv.buffer(1, Uint8Array.of(0xff));
    const head = q.add([
        { pa: header(drv, type, sector), len: 16, write: false },
        ...data,
        { pa: status, len: 1, write: true },
    ]);
    q.kick();
    return { status, head };
}
test('configuration: capacity in 512-byte sectors, blk_size, seg_max, features', () => {
    const { drv, neg } = setup(new MemDisk(DISK));
    assert.equal(drv.dev.read(0x100, 4), DISK / 512);
    assert.equal(drv.dev.read(0x104, 4), 0);
    assert.equal(drv.dev.read(0x100 + 20, 4), 512);
    assert.equal(drv.dev.read(0x100 + 12, 4), 14);
    for (const f of [
        VIRTIO_BLK_F_SEG_MAX,
        VIRTIO_BLK_F_BLK_SIZE,
        VIRTIO_BLK_F_FLUSH,
        VIRTIO_BLK_F_DISCARD,
        VIRTIO_BLK_F_WRITE_ZEROES,
    ])
        assert.ok(neg.offered & f);
    assert.equal(neg.offered & VIRTIO_BLK_F_RO, 0n);
});
test('OUT then IN over scattered segments round-trips the data and lands at sector*512', () => {
    const disk = new MemDisk(DISK);
    const { drv, q, mem } = setup(disk);
    const payload = Uint8Array.from({ length: 1536 }, (_, i) => (i * 7 + 3) & 0xff);
    const a = drv.buffer(1000, payload.subarray(0, 1000));
    const b = drv.buffer(536, payload.subarray(1000));
    const w = request(drv, q, T_OUT, 5, [
        { pa: a, len: 1000, write: false },
        { pa: b, len: 536, write: false },
    ]);
    assert.deepEqual(q.takeUsed(), [{ id: w.head, len: 1 }]);
    assert.equal(mem.readBytes(w.status, 1)[0], S_OK);
    assert.deepEqual(disk.data.subarray(5 * 512, 5 * 512 + 1536), payload);
    const r1 = drv.buffer(512), r2 = drv.buffer(1024);
    const r = request(drv, q, T_IN, 5, [
        { pa: r1, len: 512, write: true },
        { pa: r2, len: 1024, write: true },
    ]);
    assert.deepEqual(q.takeUsed(), [{ id: r.head, len: 1537 }]);
    assert.equal(mem.readBytes(r.status, 1)[0], S_OK);
    assert.deepEqual(Buffer.concat([mem.readBytes(r1, 512), mem.readBytes(r2, 1024)]), Buffer.from(payload));
});
test('requests beyond capacity or not whole sectors fail with IOERR and leave the disk alone', () => {
    const disk = new MemDisk(DISK);
    const { drv, q, mem } = setup(disk);
    const buf = drv.buffer(1024, new Uint8Array(1024).fill(9));
    for (const [type, sector, len] of [
        [T_OUT, DISK / 512 - 1, 1024],
        [T_IN, DISK / 512, 512],
        [T_OUT, 2 ** 60, 512],
        [T_OUT, 0, 100],
    ]) {
        const r = request(drv, q, type, sector, [{ pa: buf, len, write: type === T_IN }]);
        assert.equal(q.takeUsed().length, 1);
        assert.equal(mem.readBytes(r.status, 1)[0], S_IOERR, `type ${type} sector ${sector} len ${len}`);
    }
    assert.ok(disk.data.every((v) => v === 0));
    assert.equal(drv.status() & STATUS_DEVICE_NEEDS_RESET, 0);
});
test('FLUSH reaches the backend; GET_ID returns the 20-byte serial; unknown types are UNSUPP', () => {
    const disk = new MemDisk(DISK);
    const { drv, q, mem } = setup(disk);
    const f = request(drv, q, T_FLUSH, 0, []);
    assert.equal(mem.readBytes(f.status, 1)[0], S_OK);
    assert.equal(disk.flushes, 1);
    const id = drv.buffer(20);
    const g = request(drv, q, T_GET_ID, 0, [{ pa: id, len: 20, write: true }]);
    assert.equal(Buffer.from(mem.readBytes(id, 20)).toString(), 'disk-serial-01234567');
    const u = request(drv, q, T_UNKNOWN, 0, []);
    assert.equal(mem.readBytes(u.status, 1)[0], S_UNSUPP);
    assert.deepEqual(q.takeUsed().map((e) => e.len), [1, 21, 1]);
    void g;
});
test('DISCARD and WRITE_ZEROES take segment lists; WRITE_ZEROES zeroes the range', () => {
    const disk = new MemDisk(DISK);
    disk.data.fill(0x55);
    const { drv, q, mem } = setup(disk);
    const seg = (sector, n, flags) => {
        const b = Buffer.alloc(16);
        b.writeBigUInt64LE(BigInt(sector), 0);
        b.writeUInt32LE(n, 8);
        b.writeUInt32LE(flags, 12);
        return b;
    };
    const d = request(drv, q, T_DISCARD, 0, [{ pa: drv.buffer(16, seg(8, 16, 0)), len: 16, write: false }]);
    assert.equal(mem.readBytes(d.status, 1)[0], S_OK);
    assert.deepEqual(disk.discards, [[8 * 512, 16 * 512]]);
    const segs = Buffer.concat([seg(1, 2, 0), seg(10, 1, 1)]);
    const z = request(drv, q, T_WRITE_ZEROES, 0, [{ pa: drv.buffer(32, segs), len: 32, write: false }]);
    assert.equal(mem.readBytes(z.status, 1)[0], S_OK);
    assert.ok(disk.data.subarray(512, 3 * 512).every((v) => v === 0));
    assert.ok(disk.data.subarray(10 * 512, 11 * 512).every((v) => v === 0));
    assert.equal(disk.data[3 * 512], 0x55);
    assert.equal(disk.data[511], 0x55);
    const bad = request(drv, q, T_DISCARD, 0, [{ pa: drv.buffer(16, seg(0, 1, 1)), len: 16, write: false }]);
    assert.equal(mem.readBytes(bad.status, 1)[0], S_UNSUPP, 'unmap flag on DISCARD');
    const out = request(drv, q, T_WRITE_ZEROES, 0, [
        { pa: drv.buffer(16, seg(DISK / 512, 1, 0)), len: 16, write: false },
    ]);
    assert.equal(mem.readBytes(out.status, 1)[0], S_IOERR);
});
test('read-only backend: RO offered, OUT fails with IOERR, IN works', () => {
    const disk = new MemDisk(DISK, true);
    disk.data.fill(0x42);
    const { drv, q, mem, neg } = setup(disk);
    assert.ok(neg.offered & VIRTIO_BLK_F_RO);
    const buf = drv.buffer(512, new Uint8Array(512));
    const w = request(drv, q, T_OUT, 0, [{ pa: buf, len: 512, write: false }]);
    assert.equal(mem.readBytes(w.status, 1)[0], S_IOERR);
    assert.equal(disk.data[0], 0x42);
    const r = request(drv, q, T_IN, 0, [{ pa: buf, len: 512, write: true }]);
    assert.equal(mem.readBytes(r.status, 1)[0], S_OK);
    assert.equal(mem.readBytes(buf, 1)[0], 0x42);
});
test('a request without a writable status byte sets DEVICE_NEEDS_RESET; a short header completes with IOERR', () => {
    const { drv, q, mem } = setup(new MemDisk(DISK));
    const st = drv.buffer(1);
    q.add([
        { pa: drv.buffer(8), len: 8, write: false },
        { pa: st, len: 1, write: true },
    ]);
    q.kick();
    assert.equal(mem.readBytes(st, 1)[0], S_IOERR);
    q.add([{ pa: header(drv, T_FLUSH, 0), len: 16, write: false }]);
    q.kick();
    assert.ok(drv.status() & STATUS_DEVICE_NEEDS_RESET);
});
test('asynchronous backend: completion and interrupt arrive when the backend resolves', async () => {
    const inner = new MemDisk(DISK);
    inner.data.fill(0x77, 512, 1024);
    const { drv, q, mem, irq, dev } = setup(new AsyncDisk(inner));
    const buf = drv.buffer(512);
    const r = request(drv, q, T_IN, 1, [{ pa: buf, len: 512, write: true }]);
    assert.equal(q.takeUsed().length, 0, 'not complete before the backend resolves');
    assert.equal(irq.level, false);
    assert.equal(dev.inFlight, 1);
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(q.takeUsed(), [{ id: r.head, len: 513 }]);
    assert.equal(mem.readBytes(r.status, 1)[0], S_OK);
    assert.ok(mem.readBytes(buf, 512).every((v) => v === 0x77));
    assert.equal(irq.level, true);
});
test('asynchronous backend: a reset while a request is in flight drops its completion', async () => {
    const { drv, q, irq, dev } = setup(new AsyncDisk(new MemDisk(DISK)));
    request(drv, q, T_FLUSH, 0, []);
    drv.setReg(REG_STATUS, 0);
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    assert.equal(dev.inFlight, 0);
    assert.equal(q.usedIdx(), 0);
    assert.equal(irq.level, false);
});
test('backend errors, synchronous or rejected, complete with IOERR', async () => {
    const inner = new MemDisk(DISK);
    const broken = {
        size: DISK,
        readOnly: false,
        read: () => {
            throw new Error('EIO');
        },
        write: () => Promise.reject(new Error('EIO')),
        flush: () => undefined,
    };
    const { drv, q, mem } = setup(broken);
    void inner;
    const buf = drv.buffer(512);
    const r = request(drv, q, T_IN, 0, [{ pa: buf, len: 512, write: true }]);
    assert.equal(mem.readBytes(r.status, 1)[0], S_IOERR);
    const w = request(drv, q, T_OUT, 0, [{ pa: buf, len: 512, write: false }]);
    await new Promise((res) => setImmediate(res));
    assert.equal(mem.readBytes(w.status, 1)[0], S_IOERR);
    assert.equal(q.takeUsed().length, 2);
});
//# sourceMappingURL=virtio-blk.test.js.map