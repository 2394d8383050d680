import { GuestMemory } from '../../memory/guest-memory.js';
import { VirtioMmio } from './mmio.js';
import { REG_DEVICE_FEATURES, REG_DEVICE_FEATURES_SEL, REG_DRIVER_FEATURES, REG_DRIVER_FEATURES_SEL, REG_INTERRUPT_ACK, REG_INTERRUPT_STATUS, REG_QUEUE_DESC_HIGH, REG_QUEUE_DESC_LOW, REG_QUEUE_DEVICE_HIGH, REG_QUEUE_DEVICE_LOW, REG_QUEUE_DRIVER_HIGH, REG_QUEUE_DRIVER_LOW, REG_QUEUE_NOTIFY, REG_QUEUE_NUM, REG_QUEUE_NUM_MAX, REG_QUEUE_READY, REG_QUEUE_SEL, REG_STATUS, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, } from './constants.js';
/** A bump allocator over guest RAM. */
export class GuestAllocator {
    next;
    end;
    constructor(next, end) {
        this.next = next;
        this.end = end;
    }
    alloc(len, align = 16) {
        const pa = Math.ceil(this.next / align) * align;
        if (pa + len > this.end)
            throw new RangeError('mock driver: out of guest memory');
        this.next = pa + len;
        return pa;
    }
}
export class MockVirtioDriver {
    mem;
    dev;
    heap;
    constructor(mem, dev, heap) {
        this.mem = mem;
        this.dev = dev;
        this.heap = heap;
    }
    reg(offset) {
        return this.dev.read(offset, 4) >>> 0;
    }
    setReg(offset, value) {
        this.dev.write(offset, 4, value >>> 0);
    }
    status() {
        return this.reg(REG_STATUS);
    }
    /** Linux's probe up to FEATURES_OK: reset, ACKNOWLEDGE, DRIVER, features (high word first), FEATURES_OK, read back. */
    negotiate(wanted) {
        this.setReg(REG_STATUS, 0);
        if (this.status() !== 0)
            throw new Error('device did not reset');
        this.setReg(REG_STATUS, STATUS_ACKNOWLEDGE);
        this.setReg(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        this.setReg(REG_DEVICE_FEATURES_SEL, 1);
        let offered = BigInt(this.reg(REG_DEVICE_FEATURES)) << 32n;
        this.setReg(REG_DEVICE_FEATURES_SEL, 0);
        offered |= BigInt(this.reg(REG_DEVICE_FEATURES));
        const pick = wanted;
        this.setReg(REG_DRIVER_FEATURES_SEL, 1);
        this.setReg(REG_DRIVER_FEATURES, Number((pick >> 32n) & 0xffffffffn));
        this.setReg(REG_DRIVER_FEATURES_SEL, 0);
        this.setReg(REG_DRIVER_FEATURES, Number(pick & 0xffffffffn));
        this.setReg(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        const accepted = (this.status() & STATUS_FEATURES_OK) !== 0;
        return { offered, accepted };
    }
    /** Linux's vm_setup_vq: select, check not ready, read max, write size and the three addresses, ready. */
    setupQueue(index, size, features = 0n) {
        this.setReg(REG_QUEUE_SEL, index);
        if (this.reg(REG_QUEUE_READY) !== 0)
            throw new Error(`queue ${index} already ready`);
        const max = this.reg(REG_QUEUE_NUM_MAX);
        if (max === 0)
            throw new Error(`queue ${index} does not exist`);
        const n = Math.min(size ?? max, max);
        const q = new MockQueue(this, index, n, features);
        this.setReg(REG_QUEUE_NUM, n);
        this.setReg(REG_QUEUE_DESC_LOW, q.descPa);
        this.setReg(REG_QUEUE_DESC_HIGH, 0);
        this.setReg(REG_QUEUE_DRIVER_LOW, q.availPa);
        this.setReg(REG_QUEUE_DRIVER_HIGH, 0);
        this.setReg(REG_QUEUE_DEVICE_LOW, q.usedPa);
        this.setReg(REG_QUEUE_DEVICE_HIGH, 0);
        this.setReg(REG_QUEUE_READY, 1);
        return q;
    }
    driverOk() {
        this.setReg(REG_STATUS, this.status() | STATUS_DRIVER_OK);
    }
    /** The interrupt handler's first half: read and acknowledge InterruptStatus. */
    ackInterrupt() {
        const s = this.reg(REG_INTERRUPT_STATUS);
        this.setReg(REG_INTERRUPT_ACK, s);
        return s;
    }
    /** Allocates guest memory and optionally fills it. */
    buffer(len, data, align = 8) {
        const pa = this.heap.alloc(Math.max(len, 1), align);
        if (data)
            this.mem.writeBytes(pa, data);
        return pa;
    }
}
export class MockQueue {
    drv;
    index;
    size;
    features;
    descPa;
    availPa;
    usedPa;
    free = [];
    availIdx = 0;
    lastUsed = 0;
    /** Descriptor count taken by each outstanding head. */
    chainLen = new Map();
    constructor(drv, index, size, features) {
        this.drv = drv;
        this.index = index;
        this.size = size;
        this.features = features;
        this.descPa = drv.heap.alloc(16 * size, 16);
        this.availPa = drv.heap.alloc(6 + 2 * size, 2);
        this.usedPa = drv.heap.alloc(6 + 8 * size, 4);
        const u8 = drv.mem.u8;
        u8.fill(0, drv.mem.ramHostOffset(this.descPa), drv.mem.ramHostOffset(this.descPa) + 16 * size);
        u8.fill(0, drv.mem.ramHostOffset(this.availPa), drv.mem.ramHostOffset(this.availPa) + 6 + 2 * size);
        u8.fill(0, drv.mem.ramHostOffset(this.usedPa), drv.mem.ramHostOffset(this.usedPa) + 6 + 8 * size);
        for (let i = size - 1; i >= 0; i--)
            this.free.push(i);
    }
    get dv() {
        return this.drv.mem.dv;
    }
    host(pa) {
        return this.drv.mem.ramHostOffset(pa);
    }
    /** Writes descriptor `i` of the ring's table (or of a table at `tablePa`). */
    writeDesc(i, pa, len, flags, next, tablePa = this.descPa) {
        const h = this.host(tablePa + 16 * i);
        this.dv.setUint32(h, pa % 0x1_0000_0000, true);
        this.dv.setUint32(h + 4, Math.floor(pa / 0x1_0000_0000), true);
        this.dv.setUint32(h + 8, len, true);
        this.dv.setUint16(h + 12, flags, true);
        this.dv.setUint16(h + 14, next, true);
    }
    /** Adds a chain (readable buffers before writable ones) and publishes it; returns the head. */
    add(bufs, opts = {}) {
        if (opts.indirect) {
            const table = this.drv.heap.alloc(16 * bufs.length, 16);
            bufs.forEach((b, i) => this.writeDesc(i, b.pa, b.len, (b.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < bufs.length ? VIRTQ_DESC_F_NEXT : 0), i + 1, table));
            const head = this.take(1)[0];
            this.writeDesc(head, table, 16 * bufs.length, VIRTQ_DESC_F_INDIRECT, 0);
            this.chainLen.set(head, [head]);
            this.publish(head);
            return head;
        }
        const ids = this.take(bufs.length);
        bufs.forEach((b, i) => this.writeDesc(ids[i], b.pa, b.len, (b.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < bufs.length ? VIRTQ_DESC_F_NEXT : 0), ids[i + 1] ?? 0));
        this.chainLen.set(ids[0], ids);
        this.publish(ids[0]);
        return ids[0];
    }
    /** Puts `head` in the next available slot and bumps avail.idx. */
    publish(head) {
        const h = this.host(this.availPa);
        this.dv.setUint16(h + 4 + 2 * (this.availIdx % this.size), head, true);
        this.availIdx = (this.availIdx + 1) & 0xffff;
        this.dv.setUint16(h + 2, this.availIdx, true);
    }
    /** Sets avail.idx directly (hostile tests). */
    setAvailIdx(idx) {
        this.availIdx = idx & 0xffff;
        this.dv.setUint16(this.host(this.availPa) + 2, this.availIdx, true);
    }
    setAvailFlags(flags) {
        this.dv.setUint16(this.host(this.availPa), flags, true);
    }
    /** used_event (EVENT_IDX): interrupt me when used.idx passes this value. */
    setUsedEvent(v) {
        this.dv.setUint16(this.host(this.availPa) + 4 + 2 * this.size, v, true);
    }
    /** avail_event as published by the device. */
    availEvent() {
        return this.dv.getUint16(this.host(this.usedPa) + 4 + 8 * this.size, true);
    }
    usedIdx() {
        return this.dv.getUint16(this.host(this.usedPa) + 2, true);
    }
    kick() {
        this.drv.setReg(REG_QUEUE_NOTIFY, this.index);
    }
    /** Used entries since the last call; their descriptors return to the free list. */
    takeUsed() {
        const out = [];
        const h = this.host(this.usedPa);
        const idx = this.usedIdx();
        while (this.lastUsed !== idx) {
            const e = h + 4 + 8 * (this.lastUsed % this.size);
            const id = this.dv.getUint32(e, true);
            out.push({ id, len: this.dv.getUint32(e + 4, true) });
            const ids = this.chainLen.get(id);
            if (ids) {
                this.free.push(...ids);
                this.chainLen.delete(id);
            }
            this.lastUsed = (this.lastUsed + 1) & 0xffff;
        }
        return out;
    }
    take(n) {
        if (n > this.free.length)
            throw new Error('mock driver: queue full');
        return this.free.splice(this.free.length - n, n).reverse();
    }
}
/** An IrqLine that remembers its level and how many times it rose. */
export class RecordingIrq {
    level = false;
    rises = 0;
    set(level) {
        if (level && !this.level)
            this.rises++;
        this.level = level;
    }
}
/** A device on its transport in a small guest RAM, with a mock driver whose heap is the upper half of RAM. */
export function benchFor(device, ramSize = 1 << 20) {
    const mem = new GuestMemory(ramSize);
    const irq = new RecordingIrq();
    const transport = new VirtioMmio(device, mem, irq);
    const drv = new MockVirtioDriver(mem, transport, new GuestAllocator(mem.ramBase + ramSize / 2, mem.ramBase + ramSize));
    return { mem, transport, drv, irq };
}
//# sourceMappingURL=mock-driver.js.map