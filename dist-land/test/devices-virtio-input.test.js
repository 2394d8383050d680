// virtio-input power button through the mock driver: the configuration answers Linux's virtio_input probe reads, key events, bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_VERSION_1, REG_CONFIG, REG_DEVICE_ID, STATUS_DEVICE_NEEDS_RESET } from '../src/devices/virtio/constants.js';
import { VirtioInput, KEY_POWER, MAX_PENDING_EVENTS, VIRTIO_INPUT_CFG_ABS_INFO, VIRTIO_INPUT_CFG_ID_DEVIDS, VIRTIO_INPUT_CFG_ID_NAME, VIRTIO_INPUT_CFG_ID_SERIAL, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_CFG_PROP_BITS, } from '../src/devices/virtio/input.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
function rig(dev = new VirtioInput({ queueSize: 8 })) {
    const b = benchFor(dev);
    assert.ok(b.drv.negotiate(F_VERSION_1).accepted);
    const eventq = b.drv.setupQueue(0);
    const statusq = b.drv.setupQueue(1);
    b.drv.driverOk();
    /** virtinput_cfg_select: write select and subsel, read size. */
    const select = (sel, subsel) => {
        b.drv.dev.write(REG_CONFIG, 1, sel);
        b.drv.dev.write(REG_CONFIG + 1, 1, subsel);
        return b.drv.dev.read(REG_CONFIG + 2, 1);
    };
    const union = (n) => Uint8Array.from({ length: n }, (_, i) => b.drv.dev.read(REG_CONFIG + 8 + i, 1));
    /** Posts `n` event buffers of 8 bytes, as virtinput_fill_evt does. */
    const post = (n) => {
        const bufs = Array.from({ length: n }, () => b.drv.buffer(8));
        for (const pa of bufs)
            eventq.add([{ pa, len: 8, write: true }]);
        eventq.kick();
        return bufs;
    };
    const events = (bufs) => eventq.takeUsed().map((u) => {
        assert.equal(u.len, 8);
        const dv = new DataView(b.mem.readBytes(bufs[u.id], 8).buffer);
        return [dv.getUint16(0, true), dv.getUint16(2, true), dv.getInt32(4, true)];
    });
    return { ...b, dev, eventq, statusq, select, union, post, events };
}
test('device id 18; name, serial, ids, properties and event bits answer as virtio_input_probe reads them', () => {
    const r = rig();
    assert.equal(r.drv.reg(REG_DEVICE_ID), 18);
    const n = r.select(VIRTIO_INPUT_CFG_ID_NAME, 0);
    assert.equal(Buffer.from(r.union(n)).toString('latin1'), 'typevisor power button');
    assert.equal(r.select(VIRTIO_INPUT_CFG_ID_SERIAL, 0), 0);
    assert.equal(r.select(VIRTIO_INPUT_CFG_ID_DEVIDS, 0), 8);
    assert.deepEqual([...r.union(2)], [0x06, 0]); // BUS_VIRTUAL
    assert.equal(r.select(VIRTIO_INPUT_CFG_PROP_BITS, 0), 0);
    // EV_KEY: bit 116 (KEY_POWER) of a little-endian byte stream, nothing else.
    const kb = r.select(VIRTIO_INPUT_CFG_EV_BITS, 1);
    assert.equal(kb, 15);
    const bits = r.union(kb);
    assert.equal(bits[14], 0x10);
    assert.equal(bits.reduce((a, v) => a + v, 0), 0x10);
    for (const ev of [0, 2, 3, 4, 5, 0x11, 0x12, 0x1f])
        assert.equal(r.select(VIRTIO_INPUT_CFG_EV_BITS, ev), 0, `EV ${ev}`);
    assert.equal(r.select(VIRTIO_INPUT_CFG_ABS_INFO, 0), 0);
    assert.equal(r.select(0x7f, 3), 0);
    // A 16-bit write sets select and subsel together.
    r.drv.dev.write(REG_CONFIG, 2, VIRTIO_INPUT_CFG_EV_BITS | (1 << 8));
    assert.equal(r.drv.dev.read(REG_CONFIG + 2, 1), 15);
    // Read-only bytes ignore writes.
    r.drv.dev.write(REG_CONFIG + 2, 1, 99);
    r.drv.dev.write(REG_CONFIG + 8 + 14, 1, 0xff);
    assert.equal(r.drv.dev.read(REG_CONFIG + 2, 1), 15);
    assert.equal(r.drv.dev.read(REG_CONFIG + 8 + 14, 1), 0x10);
});
test('pressPowerButton: key down, SYN, key up, SYN in four event buffers, with an interrupt', () => {
    const r = rig();
    const bufs = r.post(8);
    r.drv.ackInterrupt();
    assert.ok(r.dev.pressPowerButton());
    assert.ok(r.drv.ackInterrupt() & 1);
    assert.deepEqual(r.events(bufs), [
        [1, KEY_POWER, 1],
        [0, 0, 0],
        [1, KEY_POWER, 0],
        [0, 0, 0],
    ]);
    assert.equal(r.dev.pressKey(30), false, 'a key the device does not have');
});
test('events wait for buffers; a guest that takes none holds at most MAX_PENDING_EVENTS', () => {
    const r = rig();
    let accepted = 0;
    for (let i = 0; i < 100; i++)
        if (r.dev.pressPowerButton())
            accepted++;
    assert.equal(accepted, MAX_PENDING_EVENTS / 4);
    assert.equal(r.dev.pendingEvents(), MAX_PENDING_EVENTS);
    const bufs = r.post(8);
    assert.equal(r.events(bufs).length, 8);
    assert.equal(r.dev.pendingEvents(), MAX_PENDING_EVENTS - 8);
});
test('a buffer too small for an event sets DEVICE_NEEDS_RESET; a reset forgets pending events', () => {
    const r = rig();
    const pa = r.drv.buffer(4);
    r.eventq.add([{ pa, len: 4, write: true }]);
    r.eventq.kick();
    r.dev.pressPowerButton();
    assert.ok(r.drv.status() & STATUS_DEVICE_NEEDS_RESET);
    const again = rig(r.dev);
    assert.equal(again.dev.pendingEvents(), 0);
});
test('status queue buffers (LED events) come back unread', () => {
    const r = rig();
    const pa = r.drv.buffer(8, Uint8Array.of(0x11, 0, 0, 0, 1, 0, 0, 0));
    r.statusq.add([{ pa, len: 8, write: false }]);
    r.statusq.kick();
    assert.deepEqual(r.statusq.takeUsed(), [{ id: 0, len: 0 }]);
});
test('snapshot keeps pending events and the selector', () => {
    const r = rig();
    r.dev.pressPowerButton();
    r.select(VIRTIO_INPUT_CFG_EV_BITS, 1);
    const s = JSON.parse(JSON.stringify(r.dev.saveState()));
    const d = new VirtioInput();
    d.restoreState(s);
    assert.equal(d.pendingEvents(), 4);
    assert.equal(d.readConfig(2, 1), 15);
    d.restoreState({ pending: 'junk', select: 'x' });
    assert.equal(d.pendingEvents(), 0);
});
test('bad options are refused', () => {
    assert.throws(() => new VirtioInput({ keys: [0x300] }), RangeError);
    assert.throws(() => new VirtioInput({ name: 'caf\u00e9' }), RangeError);
});
//# sourceMappingURL=devices-virtio-input.test.js.map