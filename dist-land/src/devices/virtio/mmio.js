import { F_EVENT_IDX, F_INDIRECT_DESC, F_VERSION_1, INT_CONFIG_CHANGE, INT_USED_BUFFER, REG_CONFIG, REG_CONFIG_GENERATION, REG_DEVICE_FEATURES, REG_DEVICE_FEATURES_SEL, REG_DEVICE_ID, REG_DRIVER_FEATURES, REG_DRIVER_FEATURES_SEL, REG_INTERRUPT_ACK, REG_INTERRUPT_STATUS, REG_MAGIC, REG_QUEUE_DESC_HIGH, REG_QUEUE_DESC_LOW, REG_QUEUE_DEVICE_HIGH, REG_QUEUE_DEVICE_LOW, REG_QUEUE_DRIVER_HIGH, REG_QUEUE_DRIVER_LOW, REG_QUEUE_NOTIFY, REG_QUEUE_NUM, REG_QUEUE_NUM_MAX, REG_QUEUE_READY, REG_QUEUE_SEL, REG_SHM_BASE_HIGH, REG_SHM_BASE_LOW, REG_SHM_LEN_HIGH, REG_SHM_LEN_LOW, REG_SHM_SEL, REG_STATUS, REG_VENDOR_ID, REG_VERSION, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, STATUS_FEATURES_OK, VIRTIO_MMIO_MAGIC, VIRTIO_MMIO_VERSION, VIRTIO_VENDOR_ID, } from './constants.js';
import { SplitQueue, VirtqueueError } from './queue.js';
/** Features every device gets from the transport and the split-ring implementation. */
export const TRANSPORT_FEATURES = F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX;
export class VirtioMmio {
    device;
    mem;
    irq;
    events;
    /** Feature bits offered to the driver. */
    offered;
    status = 0;
    deviceFeaturesSel = 0;
    driverFeaturesSel = 0;
    driverFeatures = 0n;
    queueSel = 0;
    shmSel = 0;
    interruptStatus = 0;
    configGeneration = 0;
    queues;
    regs;
    ctx;
    /** Why the device last entered DEVICE_NEEDS_RESET (diagnostics). */
    lastError;
    constructor(device, mem, irq, events = {}) {
        this.device = device;
        this.mem = mem;
        this.irq = irq;
        this.events = events;
        this.offered = device.features | TRANSPORT_FEATURES;
        this.queues = device.queueMaxSizes.map((_, i) => new SplitQueue(mem, i));
        this.regs = device.queueMaxSizes.map((max) => ({
            size: max,
            descAddr: 0,
            driverAddr: 0,
            deviceAddr: 0,
            ready: false,
        }));
        const self = this;
        this.ctx = {
            mem,
            queues: this.queues,
            get features() {
                return self.driverFeatures;
            },
            interrupt: (q) => this.interrupt(q),
            needsReset: (reason) => this.needsReset(reason),
            configChanged: () => this.configChanged(),
        };
    }
    read(offset, size) {
        if (offset >= REG_CONFIG) {
            const o = offset - REG_CONFIG;
            if (o + size > this.device.configSize)
                return 0;
            return this.device.readConfig(o, size) >>> 0;
        }
        if (size !== 4)
            return 0; // the spec allows only 32-bit accesses to the register file
        const q = this.regs[this.queueSel];
        switch (offset) {
            case REG_MAGIC:
                return VIRTIO_MMIO_MAGIC;
            case REG_VERSION:
                return VIRTIO_MMIO_VERSION;
            case REG_DEVICE_ID:
                return this.device.deviceId;
            case REG_VENDOR_ID:
                return VIRTIO_VENDOR_ID;
            case REG_DEVICE_FEATURES:
                return this.deviceFeaturesSel > 1
                    ? 0
                    : Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
            case REG_QUEUE_NUM_MAX:
                return q ? this.device.queueMaxSizes[this.queueSel] : 0;
            case REG_QUEUE_NUM:
                return q ? q.size : 0;
            case REG_QUEUE_READY:
                return q && q.ready ? 1 : 0;
            case REG_INTERRUPT_STATUS:
                return this.interruptStatus;
            case REG_STATUS:
                return this.status;
            case REG_QUEUE_DESC_LOW:
                return q ? q.descAddr >>> 0 : 0;
            case REG_QUEUE_DESC_HIGH:
                return q ? Math.floor(q.descAddr / 0x1_0000_0000) >>> 0 : 0;
            case REG_QUEUE_DRIVER_LOW:
                return q ? q.driverAddr >>> 0 : 0;
            case REG_QUEUE_DRIVER_HIGH:
                return q ? Math.floor(q.driverAddr / 0x1_0000_0000) >>> 0 : 0;
            case REG_QUEUE_DEVICE_LOW:
                return q ? q.deviceAddr >>> 0 : 0;
            case REG_QUEUE_DEVICE_HIGH:
                return q ? Math.floor(q.deviceAddr / 0x1_0000_0000) >>> 0 : 0;
            // No shared memory regions: a length of all ones says "does not exist" (§4.2.2).
            case REG_SHM_LEN_LOW:
            case REG_SHM_LEN_HIGH:
            case REG_SHM_BASE_LOW:
            case REG_SHM_BASE_HIGH:
                return 0xffffffff;
            case REG_SHM_SEL:
                return this.shmSel;
            case REG_CONFIG_GENERATION:
                return this.configGeneration;
            default:
                return 0;
        }
    }
    write(offset, size, value) {
        if (offset >= REG_CONFIG) {
            const o = offset - REG_CONFIG;
            if (o + size <= this.device.configSize)
                this.device.writeConfig(o, size, value >>> 0);
            return;
        }
        if (size !== 4)
            return;
        value >>>= 0;
        const q = this.regs[this.queueSel];
        // Queue registers are frozen while the queue is ready (§4.2.3.2).
        const qw = q !== undefined && !q.ready;
        switch (offset) {
            case REG_DEVICE_FEATURES_SEL:
                this.deviceFeaturesSel = value;
                break;
            case REG_DRIVER_FEATURES:
                this.writeDriverFeatures(value);
                break;
            case REG_DRIVER_FEATURES_SEL:
                this.driverFeaturesSel = value;
                break;
            case REG_QUEUE_SEL:
                this.queueSel = value;
                break;
            case REG_QUEUE_NUM:
                if (qw)
                    q.size = value;
                break;
            case REG_QUEUE_READY:
                this.writeQueueReady(value);
                break;
            case REG_QUEUE_NOTIFY:
                this.notify(value & 0xffff);
                break;
            case REG_INTERRUPT_ACK:
                this.ack(value);
                break;
            case REG_STATUS:
                this.writeStatus(value & 0xff);
                break;
            case REG_QUEUE_DESC_LOW:
                if (qw)
                    q.descAddr = setLow(q.descAddr, value);
                break;
            case REG_QUEUE_DESC_HIGH:
                if (qw)
                    q.descAddr = setHigh(q.descAddr, value);
                break;
            case REG_QUEUE_DRIVER_LOW:
                if (qw)
                    q.driverAddr = setLow(q.driverAddr, value);
                break;
            case REG_QUEUE_DRIVER_HIGH:
                if (qw)
                    q.driverAddr = setHigh(q.driverAddr, value);
                break;
            case REG_QUEUE_DEVICE_LOW:
                if (qw)
                    q.deviceAddr = setLow(q.deviceAddr, value);
                break;
            case REG_QUEUE_DEVICE_HIGH:
                if (qw)
                    q.deviceAddr = setHigh(q.deviceAddr, value);
                break;
            case REG_SHM_SEL:
                this.shmSel = value;
                break;
            default:
                break; // read-only or reserved
        }
    }
    /** Current device status byte (tests, monitor). */
    get deviceStatus() {
        return this.status;
    }
    /** Features the driver accepted (meaningful after FEATURES_OK). */
    get negotiatedFeatures() {
        return this.driverFeatures;
    }
    /** Snapshot of the transport and its device. An asynchronous block device must be idle (`inFlight === 0`). */
    save() {
        return {
            status: this.status,
            deviceFeaturesSel: this.deviceFeaturesSel,
            driverFeaturesSel: this.driverFeaturesSel,
            driverFeatures: this.driverFeatures.toString(16),
            queueSel: this.queueSel,
            shmSel: this.shmSel,
            interruptStatus: this.interruptStatus,
            configGeneration: this.configGeneration,
            queues: this.regs.map((r, i) => ({
                size: r.size,
                descAddr: r.descAddr,
                driverAddr: r.driverAddr,
                deviceAddr: r.deviceAddr,
                ready: r.ready,
                indexes: this.queues[i].saveIndexes(),
            })),
            device: this.device.saveState?.(),
        };
    }
    /** Restores a snapshot taken from a transport with the same device type; re-activates the device if it was running. */
    restore(s) {
        if (s.queues.length !== this.regs.length)
            throw new Error(`virtio state has ${s.queues.length} queues, device has ${this.regs.length}`);
        this.reset();
        this.status = s.status & 0xff;
        this.deviceFeaturesSel = s.deviceFeaturesSel;
        this.driverFeaturesSel = s.driverFeaturesSel;
        this.driverFeatures = BigInt('0x' + (s.driverFeatures || '0'));
        this.queueSel = s.queueSel;
        this.shmSel = s.shmSel;
        this.configGeneration = s.configGeneration >>> 0;
        s.queues.forEach((qs, i) => {
            const r = this.regs[i];
            Object.assign(r, {
                size: qs.size,
                descAddr: qs.descAddr,
                driverAddr: qs.driverAddr,
                deviceAddr: qs.deviceAddr,
                ready: false,
            });
            if (qs.ready && !(this.status & STATUS_DEVICE_NEEDS_RESET) && this.queues[i].enable(r, this.driverFeatures)) {
                r.ready = true;
                this.queues[i].restoreIndexes(qs.indexes);
            }
        });
        if (s.device !== undefined)
            this.device.restoreState?.(s.device);
        if (this.status & STATUS_DRIVER_OK && !(this.status & STATUS_DEVICE_NEEDS_RESET))
            this.device.activate(this.ctx);
        this.interruptStatus = s.interruptStatus & 3;
        this.irq.set(this.interruptStatus !== 0);
    }
    writeDriverFeatures(value) {
        if (this.status & STATUS_FEATURES_OK || this.driverFeaturesSel > 1)
            return;
        const shift = BigInt(32 * this.driverFeaturesSel);
        this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(value) << shift);
    }
    writeStatus(value) {
        if (value === 0) {
            this.reset();
            return;
        }
        const old = this.status;
        let next = (value & ~STATUS_DEVICE_NEEDS_RESET) | (old & STATUS_DEVICE_NEEDS_RESET);
        if (next & STATUS_FEATURES_OK && !(old & STATUS_FEATURES_OK)) {
            const unsupported = this.driverFeatures & ~this.offered;
            // Leaving FEATURES_OK clear tells the driver the subset is unacceptable (§3.1.1 step 6).
            if (unsupported !== 0n || (this.driverFeatures & F_VERSION_1) === 0n)
                next &= ~STATUS_FEATURES_OK;
        }
        this.status = next;
        if (next & STATUS_DRIVER_OK && !(old & STATUS_DRIVER_OK)) {
            if (!(next & STATUS_FEATURES_OK))
                this.needsReset('DRIVER_OK without FEATURES_OK');
            else if (!(next & STATUS_DEVICE_NEEDS_RESET))
                this.device.activate(this.ctx);
        }
    }
    writeQueueReady(value) {
        const q = this.regs[this.queueSel];
        if (!q)
            return;
        const queue = this.queues[this.queueSel];
        if ((value & 1) === 0) {
            q.ready = false;
            queue.disable();
            return;
        }
        if (q.ready)
            return;
        if (!(this.status & STATUS_FEATURES_OK))
            return this.needsReset(`queue ${this.queueSel} enabled before FEATURES_OK`);
        if (q.size > this.device.queueMaxSizes[this.queueSel])
            return this.needsReset(`queue ${this.queueSel} size ${q.size} above QueueNumMax`);
        if (!queue.enable(q, this.driverFeatures))
            return this.needsReset(`queue ${this.queueSel}: rings misplaced (size ${q.size})`);
        q.ready = true;
    }
    notify(index) {
        if (this.status & STATUS_DEVICE_NEEDS_RESET)
            return; // stopped until the driver resets us
        if (!(this.status & STATUS_DRIVER_OK))
            return this.needsReset(`notify of queue ${index} before DRIVER_OK`);
        const queue = this.queues[index];
        if (!queue || !queue.enabled)
            return this.needsReset(`notify of queue ${index}, which does not exist or is not ready`);
        try {
            this.device.notify(index);
        }
        catch (e) {
            if (e instanceof VirtqueueError)
                this.needsReset(e.message);
            else
                throw e;
        }
    }
    ack(bits) {
        this.interruptStatus &= ~bits;
        this.irq.set(this.interruptStatus !== 0);
    }
    interrupt(queue) {
        if (this.status & STATUS_DEVICE_NEEDS_RESET)
            return;
        if (!queue.shouldInterrupt())
            return;
        this.interruptStatus |= INT_USED_BUFFER;
        this.irq.set(true);
    }
    needsReset(reason) {
        this.lastError = reason;
        if (this.status & STATUS_DEVICE_NEEDS_RESET)
            return;
        this.status |= STATUS_DEVICE_NEEDS_RESET;
        // Stop every queue: no further guest memory traffic until the driver resets the device.
        for (const q of this.queues)
            q.disable();
        this.events.needsReset?.(reason);
        if (this.status & STATUS_DRIVER_OK) {
            this.interruptStatus |= INT_CONFIG_CHANGE;
            this.irq.set(true);
        }
    }
    configChanged() {
        this.configGeneration = (this.configGeneration + 1) >>> 0;
        if (!(this.status & STATUS_DRIVER_OK))
            return;
        this.interruptStatus |= INT_CONFIG_CHANGE;
        this.irq.set(true);
    }
    reset() {
        this.status = 0;
        this.deviceFeaturesSel = 0;
        this.driverFeaturesSel = 0;
        this.driverFeatures = 0n;
        this.queueSel = 0;
        this.shmSel = 0;
        this.interruptStatus = 0;
        this.irq.set(false);
        this.device.queueMaxSizes.forEach((max, i) => {
            this.queues[i].disable();
            Object.assign(this.regs[i], { size: max, descAddr: 0, driverAddr: 0, deviceAddr: 0, ready: false });
        });
        this.device.reset();
    }
}
function setLow(addr, lo) {
    return Math.floor(addr / 0x1_0000_0000) * 0x1_0000_0000 + lo;
}
function setHigh(addr, hi) {
    return hi * 0x1_0000_0000 + (addr % 0x1_0000_0000);
}
//# sourceMappingURL=mmio.js.map