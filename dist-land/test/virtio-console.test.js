// virtio-console (hvc0 on port 0) and virtio-rng through the mock driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_VERSION_1, INT_CONFIG_CHANGE, REG_CONFIG_GENERATION } from '../src/devices/virtio/constants.js';
import { VirtioConsole, VIRTIO_CONSOLE_F_SIZE } from '../src/devices/virtio/console.js';
import { VirtioRng } from '../src/devices/virtio/rng.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
function con(size) {
    const out = [];
    const dev = new VirtioConsole({ write: (d) => out.push(d) }, { size, queueSize: 8 });
    const b = benchFor(dev);
    const neg = b.drv.negotiate(F_VERSION_1 | dev.features);
    assert.ok(neg.accepted);
    const rx = b.drv.setupQueue(0);
    const tx = b.drv.setupQueue(1);
    b.drv.driverOk();
    return { ...b, dev, rx, tx, out, neg };
}
test('guest output on the transmit queue reaches the sink in order', () => {
    const c = con();
    for (const s of ['Linux ', 'version ', '6.12\n']) {
        c.tx.add([{ pa: c.drv.buffer(s.length, Buffer.from(s)), len: s.length, write: false }]);
    }
    c.tx.kick();
    assert.equal(Buffer.concat(c.out).toString(), 'Linux version 6.12\n');
    assert.equal(c.tx.takeUsed().length, 3);
});
test('host input waits for receive buffers and is split across them', () => {
    const c = con();
    c.dev.receive(Buffer.from('root\n'));
    const a = c.drv.buffer(3), b = c.drv.buffer(16);
    c.rx.add([{ pa: a, len: 3, write: true }]);
    c.rx.add([{ pa: b, len: 16, write: true }]);
    c.rx.kick();
    const used = c.rx.takeUsed();
    assert.deepEqual(used.map((u) => u.len), [3, 2]);
    assert.equal(Buffer.from(c.mem.readBytes(a, 3)).toString() + Buffer.from(c.mem.readBytes(b, 2)).toString(), 'root\n');
    c.rx.add([{ pa: a, len: 3, write: true }]);
    c.rx.kick();
    c.dev.receive(Buffer.from('x'));
    assert.deepEqual(c.rx.takeUsed().map((u) => u.len), [1]);
    assert.equal(Buffer.from(c.mem.readBytes(a, 1)).toString(), 'x');
});
test('console size: cols/rows in config, announced at DRIVER_OK, setSize raises a config interrupt', () => {
    const c = con({ cols: 80, rows: 25 });
    assert.ok(c.neg.offered & VIRTIO_CONSOLE_F_SIZE);
    assert.equal(c.drv.dev.read(0x100, 2), 80);
    assert.equal(c.drv.dev.read(0x102, 2), 25);
    // Linux reads the size only on configuration interrupts: one announces the size known at DRIVER_OK.
    assert.ok(c.drv.ackInterrupt() & INT_CONFIG_CHANGE);
    const gen = c.drv.reg(REG_CONFIG_GENERATION);
    c.dev.setSize(132, 43);
    assert.equal(c.drv.dev.read(0x100, 2), 132);
    assert.equal(c.drv.dev.read(0x102, 2), 43);
    assert.notEqual(c.drv.reg(REG_CONFIG_GENERATION), gen);
    assert.ok(c.drv.ackInterrupt() & INT_CONFIG_CHANGE);
    // The same size again changes nothing; an unknown size (no terminal) is 0x0 and raises nothing at DRIVER_OK.
    c.dev.setSize(132, 43);
    assert.equal(c.drv.ackInterrupt() & INT_CONFIG_CHANGE, 0);
    const plain = con();
    assert.ok(plain.neg.offered & VIRTIO_CONSOLE_F_SIZE);
    assert.equal(plain.drv.dev.read(0x100, 4), 0);
    assert.equal(plain.drv.ackInterrupt() & INT_CONFIG_CHANGE, 0);
});
test('rng fills every writable buffer with fresh host randomness', () => {
    const dev = new VirtioRng();
    const { drv, mem } = benchFor(dev);
    drv.negotiate(F_VERSION_1);
    const q = drv.setupQueue(0);
    drv.driverOk();
    const a = drv.buffer(64, new Uint8Array(64)), b = drv.buffer(64, new Uint8Array(64));
    q.add([
        { pa: a, len: 32, write: true },
        { pa: b, len: 32, write: true },
    ]);
    q.kick();
    assert.deepEqual(q.takeUsed(), [{ id: 0, len: 64 }]);
    const x = mem.readBytes(a, 32), y = mem.readBytes(b, 32);
    // 2^-256 odds of a false failure each.
    assert.ok(x.some((v) => v !== 0) && y.some((v) => v !== 0));
    assert.notDeepEqual(x, y);
    assert.ok(mem.readBytes(a + 32, 32).every((v) => v === 0), 'nothing past the buffer');
});
//# sourceMappingURL=virtio-console.test.js.map