// virtio-mmio transport and split virtqueue: register file, negotiation, status machine, interrupts, hostile queues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_EVENT_IDX, F_INDIRECT_DESC, F_VERSION_1, INT_CONFIG_CHANGE, INT_USED_BUFFER, REG_CONFIG_GENERATION, REG_DEVICE_ID, REG_MAGIC, REG_QUEUE_DESC_LOW, REG_QUEUE_NOTIFY, REG_QUEUE_NUM_MAX, REG_QUEUE_READY, REG_QUEUE_SEL, REG_SHM_LEN_HIGH, REG_SHM_LEN_LOW, REG_STATUS, REG_VERSION, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, STATUS_FEATURES_OK, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, } from '../src/devices/virtio/constants.js';
import { VirtioRng } from '../src/devices/virtio/rng.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
const fillOnes = (b) => void b.fill(0xee);
function rngBench(features = F_VERSION_1) {
    const b = benchFor(new VirtioRng(fillOnes, 8));
    const n = b.drv.negotiate(features);
    assert.ok(n.accepted);
    const q = b.drv.setupQueue(0);
    b.drv.driverOk();
    return { ...b, q };
}
test('identification registers follow the virtio-mmio v2 layout (§4.2.2)', () => {
    const { drv } = benchFor(new VirtioRng());
    // "virt" in ASCII, little-endian, as the spec defines MagicValue.
    assert.equal(drv.reg(REG_MAGIC), Buffer.from('virt').readUInt32LE(0));
    assert.equal(drv.reg(REG_VERSION), 2);
    assert.equal(drv.reg(REG_DEVICE_ID), 4); // entropy device id from §5
    assert.equal(drv.reg(REG_SHM_LEN_LOW), 0xffffffff);
    assert.equal(drv.reg(REG_SHM_LEN_HIGH), 0xffffffff);
    // Non-32-bit accesses to the register file are not allowed; they read as 0.
    assert.equal(drv.dev.read(REG_MAGIC, 1), 0);
});
test('negotiation: VERSION_1 is offered and required; unsupported features keep FEATURES_OK clear', () => {
    const { drv } = benchFor(new VirtioRng());
    const ok = drv.negotiate(F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC);
    assert.ok(ok.offered & F_VERSION_1);
    assert.ok(ok.accepted);
    assert.equal(drv.negotiate(0n).accepted, false, 'a driver without VERSION_1 (legacy) is refused');
    assert.equal(drv.negotiate(F_VERSION_1 | (1n << 34n)).accepted, false, 'RING_PACKED is not offered');
    assert.equal(drv.negotiate(F_VERSION_1 | 1n).accepted, false, 'device feature 0 is not offered by rng');
    assert.equal(drv.negotiate(F_VERSION_1).accepted, true, 'a reset clears the refusal');
});
test('queue registers: NumMax, frozen while ready, unknown queue reads 0', () => {
    const { drv, q } = rngBench();
    drv.setReg(REG_QUEUE_SEL, 0);
    assert.equal(drv.reg(REG_QUEUE_NUM_MAX), 8);
    assert.equal(drv.reg(REG_QUEUE_READY), 1);
    drv.setReg(REG_QUEUE_DESC_LOW, 0x1234);
    assert.equal(drv.reg(REG_QUEUE_DESC_LOW), q.descPa, 'QueueDesc cannot change while the queue is ready');
    drv.setReg(REG_QUEUE_SEL, 5);
    assert.equal(drv.reg(REG_QUEUE_NUM_MAX), 0);
    assert.equal(drv.reg(REG_QUEUE_READY), 0);
});
test('a request completes, raises the used-buffer interrupt, and InterruptACK lowers the line', () => {
    const { drv, q, irq, mem } = rngBench();
    const pa = drv.buffer(32);
    q.add([{ pa, len: 32, write: true }]);
    q.kick();
    assert.deepEqual(q.takeUsed(), [{ id: 0, len: 32 }]);
    assert.ok(mem.readBytes(pa, 32).every((v) => v === 0xee));
    assert.equal(irq.level, true);
    assert.equal(drv.ackInterrupt(), INT_USED_BUFFER);
    assert.equal(irq.level, false);
});
test('status 0 resets the device: queues, interrupt and status cleared', () => {
    const { drv, q, irq } = rngBench();
    q.add([{ pa: drv.buffer(4), len: 4, write: true }]);
    q.kick();
    assert.equal(irq.level, true);
    drv.setReg(REG_STATUS, 0);
    assert.equal(drv.status(), 0);
    assert.equal(irq.level, false);
    drv.setReg(REG_QUEUE_SEL, 0);
    assert.equal(drv.reg(REG_QUEUE_READY), 0);
});
test('VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the interrupt without EVENT_IDX', () => {
    const { drv, q, irq } = rngBench();
    q.setAvailFlags(VIRTQ_AVAIL_F_NO_INTERRUPT);
    q.add([{ pa: drv.buffer(4), len: 4, write: true }]);
    q.kick();
    assert.equal(q.takeUsed().length, 1);
    assert.equal(irq.rises, 0);
});
test('EVENT_IDX: interrupt only when used.idx passes used_event; avail_event tracks consumption', () => {
    const { drv, q, irq } = rngBench(F_VERSION_1 | F_EVENT_IDX);
    q.setUsedEvent(1); // interrupt once the entry with used index 1 (the second) is used
    q.add([{ pa: drv.buffer(4), len: 4, write: true }]);
    q.kick();
    assert.equal(irq.rises, 0, 'first completion: used.idx 0 -> 1 does not pass used_event 1');
    assert.equal(q.availEvent(), 1);
    q.add([{ pa: drv.buffer(4), len: 4, write: true }]);
    q.kick();
    assert.equal(irq.rises, 1, 'second completion: used.idx 1 -> 2 passes used_event 1');
    assert.equal(q.availEvent(), 2);
    assert.equal(q.takeUsed().length, 2);
});
test('indirect descriptors are followed when negotiated', () => {
    const { drv, q, mem } = rngBench(F_VERSION_1 | F_INDIRECT_DESC);
    const a = drv.buffer(3);
    const b = drv.buffer(5);
    q.add([
        { pa: a, len: 3, write: true },
        { pa: b, len: 5, write: true },
    ], { indirect: true });
    q.kick();
    assert.deepEqual(q.takeUsed(), [{ id: 0, len: 8 }]);
    assert.ok(mem.readBytes(b, 5).every((v) => v === 0xee));
});
function expectNeedsReset(drv, why) {
    assert.ok(drv.status() & STATUS_DEVICE_NEEDS_RESET, why);
    assert.ok(drv.ackInterrupt() & INT_CONFIG_CHANGE, `${why}: config interrupt`);
}
test('indirect descriptor without INDIRECT_DESC negotiated -> DEVICE_NEEDS_RESET', () => {
    const { drv, q } = rngBench();
    q.add([{ pa: drv.buffer(4), len: 4, write: true }], { indirect: true });
    q.kick();
    expectNeedsReset(drv, 'indirect not negotiated');
    assert.equal(q.takeUsed().length, 0);
});
test('hostile chains each set DEVICE_NEEDS_RESET', async (t) => {
    const cases = [
        [
            'descriptor loop',
            (q, buf) => {
                q.writeDesc(0, buf, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
                q.writeDesc(1, buf, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
                q.publish(0);
            },
        ],
        [
            'next index out of range',
            (q, buf) => {
                q.writeDesc(0, buf, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 8);
                q.publish(0);
            },
        ],
        ['head index out of range', (q) => q.publish(200)],
        [
            'buffer beyond RAM',
            (q) => {
                q.writeDesc(0, 0x8000_0000 + (1 << 20) - 2, 4, VIRTQ_DESC_F_WRITE, 0);
                q.publish(0);
            },
        ],
        [
            'buffer below RAM',
            (q) => {
                q.writeDesc(0, 0x1000, 4, VIRTQ_DESC_F_WRITE, 0);
                q.publish(0);
            },
        ],
        [
            'address above 2^53',
            (q) => {
                q.writeDesc(0, 2 ** 63, 4, VIRTQ_DESC_F_WRITE, 0);
                q.publish(0);
            },
        ],
        ['avail.idx far ahead', (q) => q.setAvailIdx(100)],
        [
            'readable after writable',
            (q, buf) => {
                q.writeDesc(0, buf, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
                q.writeDesc(1, buf, 4, 0, 0);
                q.publish(0);
            },
        ],
        [
            'nested indirect',
            (q, buf) => {
                q.writeDesc(0, buf, 16, VIRTQ_DESC_F_INDIRECT, 0, buf); // an indirect table whose entry is indirect
                q.writeDesc(0, buf, 16, VIRTQ_DESC_F_INDIRECT, 0);
                q.publish(0);
            },
        ],
        [
            'indirect with NEXT',
            (q, buf) => {
                q.writeDesc(0, buf, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
                q.publish(0);
            },
        ],
        [
            'indirect table length not a multiple of 16',
            (q, buf) => {
                q.writeDesc(0, buf, 20, VIRTQ_DESC_F_INDIRECT, 0);
                q.publish(0);
            },
        ],
        [
            'indirect loop',
            (q, buf) => {
                q.writeDesc(0, buf + 64, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1, buf);
                q.writeDesc(1, buf + 64, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0, buf);
                q.writeDesc(0, buf, 32, VIRTQ_DESC_F_INDIRECT, 0);
                q.publish(0);
            },
        ],
    ];
    for (const [name, build] of cases) {
        await t.test(name, () => {
            const { drv, q } = rngBench(F_VERSION_1 | F_INDIRECT_DESC);
            build(q, drv.buffer(128, undefined, 16));
            q.kick();
            expectNeedsReset(drv, name);
            // Once broken, the device ignores notifications until reset, then works again.
            q.kick();
            drv.negotiate(F_VERSION_1);
            const q2 = drv.setupQueue(0);
            drv.driverOk();
            q2.add([{ pa: drv.buffer(4), len: 4, write: true }]);
            q2.kick();
            assert.equal(q2.takeUsed().length, 1);
            assert.equal(drv.status() & STATUS_DEVICE_NEEDS_RESET, 0);
        });
    }
});
test('notify before DRIVER_OK, on a missing queue, or on a disabled queue -> DEVICE_NEEDS_RESET', () => {
    {
        const { drv } = benchFor(new VirtioRng(fillOnes));
        drv.negotiate(F_VERSION_1);
        drv.setupQueue(0);
        drv.setReg(REG_QUEUE_NOTIFY, 0);
        assert.ok(drv.status() & STATUS_DEVICE_NEEDS_RESET);
        drv.driverOk();
        assert.equal(drv.status() & STATUS_DRIVER_OK, STATUS_DRIVER_OK);
    }
    {
        const { drv } = rngBench();
        drv.setReg(REG_QUEUE_NOTIFY, 3);
        expectNeedsReset(drv, 'queue 3 does not exist');
    }
    {
        const { drv } = rngBench();
        drv.setReg(REG_QUEUE_SEL, 0);
        drv.setReg(REG_QUEUE_READY, 0);
        drv.setReg(REG_QUEUE_NOTIFY, 0);
        expectNeedsReset(drv, 'queue 0 disabled');
    }
});
test('rings outside RAM or misaligned are refused at QueueReady', () => {
    const { drv } = benchFor(new VirtioRng(fillOnes, 8));
    drv.negotiate(F_VERSION_1);
    const q = drv.setupQueue(0);
    assert.ok(q); // a valid queue first
    drv.negotiate(F_VERSION_1);
    drv.setReg(REG_QUEUE_SEL, 0);
    drv.setReg(REG_QUEUE_DESC_LOW, 0x8000_0008); // descriptor table must be 16-byte aligned
    drv.setReg(REG_QUEUE_READY, 1);
    assert.equal(drv.reg(REG_QUEUE_READY), 0);
    assert.ok(drv.status() & STATUS_DEVICE_NEEDS_RESET);
});
test('FEATURES_OK cannot be set after the driver changes features once FEATURES_OK is set', () => {
    const { drv, transport } = benchFor(new VirtioRng());
    drv.negotiate(F_VERSION_1);
    assert.ok(drv.status() & STATUS_FEATURES_OK);
    drv.setReg(0x024, 0);
    drv.setReg(0x020, 0xffffffff); // ignored: features are frozen
    assert.equal(transport.negotiatedFeatures, F_VERSION_1);
    assert.equal(drv.reg(REG_CONFIG_GENERATION), 0);
});
test('save/restore: a restored transport on a copy of RAM continues the same rings', async () => {
    const { VirtioMmio } = await import('../src/devices/virtio/mmio.js');
    const { GuestMemory } = await import('../src/memory/guest-memory.js');
    const { MockVirtioDriver, GuestAllocator, RecordingIrq } = await import('../src/devices/virtio/mock-driver.js');
    const a = rngBench(F_VERSION_1 | F_EVENT_IDX);
    for (let i = 0; i < 3; i++) {
        a.q.add([{ pa: a.drv.buffer(4), len: 4, write: true }]);
        a.q.kick();
        a.q.takeUsed();
    }
    const state = JSON.parse(JSON.stringify(a.transport.save()));
    const mem = new GuestMemory(a.mem.ramSize);
    mem.u8.set(a.mem.u8);
    const irq = new RecordingIrq();
    const t = new VirtioMmio(new VirtioRng(fillOnes, 8), mem, irq);
    t.restore(state);
    assert.equal(t.deviceStatus, a.transport.deviceStatus);
    assert.equal(t.negotiatedFeatures, F_VERSION_1 | F_EVENT_IDX);
    assert.equal(irq.level, a.irq.level);
    // The same mock queue bookkeeping, now pointed at the restored device and memory.
    const drv = new MockVirtioDriver(mem, t, new GuestAllocator(mem.ramBase + mem.ramSize - 4096, mem.ramBase + mem.ramSize));
    Object.assign(a.q, { drv });
    const pa = drv.buffer(4, new Uint8Array(4));
    a.q.add([{ pa, len: 4, write: true }]);
    a.q.kick();
    assert.deepEqual(a.q.takeUsed().map((u) => u.len), [4]);
    assert.equal(a.q.usedIdx(), 4);
    assert.ok(mem.readBytes(pa, 4).every((v) => v === 0xee));
});
//# sourceMappingURL=virtio-mmio.test.js.map