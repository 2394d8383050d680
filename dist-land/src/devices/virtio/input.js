// virtio-input (virtio 1.2 §5.8) presenting keys only: by default a power button (KEY_POWER) the guest can be asked to shut down with.
import { VIRTIO_ID_INPUT } from './constants.js';
import { deliverToQueue, readConfigBytes } from './device.js';
import { VirtqueueError } from './queue.js';
// Configuration selectors (§5.8.4).
export const VIRTIO_INPUT_CFG_UNSET = 0x00;
export const VIRTIO_INPUT_CFG_ID_NAME = 0x01;
export const VIRTIO_INPUT_CFG_ID_SERIAL = 0x02;
export const VIRTIO_INPUT_CFG_ID_DEVIDS = 0x03;
export const VIRTIO_INPUT_CFG_PROP_BITS = 0x10;
export const VIRTIO_INPUT_CFG_EV_BITS = 0x11;
export const VIRTIO_INPUT_CFG_ABS_INFO = 0x12;
// Linux input event codes (include/uapi/linux/input-event-codes.h).
export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const SYN_REPORT = 0;
export const KEY_POWER = 116;
/** BUS_VIRTUAL from linux/input.h. */
export const BUS_VIRTUAL = 0x06;
const EVENTQ = 0;
const STATUSQ = 1;
/** struct virtio_input_config: select, subsel, size, 5 reserved bytes, then a 128-byte union. */
const CONFIG_SIZE = 8 + 128;
const UNION = 8;
/** struct virtio_input_event: le16 type, le16 code, le32 value. */
const EVENT_SIZE = 8;
/** Events held while the guest has posted no buffers (16 key presses); later ones are dropped, never queued without bound. */
export const MAX_PENDING_EVENTS = 64;
const MAX_KEY = 0x2ff; // KEY_MAX
export class VirtioInput {
    deviceId = VIRTIO_ID_INPUT;
    features = 0n;
    queueMaxSizes;
    configSize = CONFIG_SIZE;
    config = new Uint8Array(CONFIG_SIZE);
    name;
    serial;
    keyBits;
    ctx;
    pending = [];
    /** Events dropped because the guest took none (diagnostics). */
    dropped = 0;
    constructor(opts = {}) {
        const q = opts.queueSize ?? 64;
        this.queueMaxSizes = [q, q];
        this.name = asciiField(opts.name ?? 'typevisor power button');
        this.serial = asciiField(opts.serial ?? '');
        const keys = opts.keys ?? [KEY_POWER];
        const top = Math.max(...keys);
        this.keyBits = new Uint8Array(keys.length ? (top >> 3) + 1 : 0);
        for (const k of keys) {
            if (!Number.isInteger(k) || k < 0 || k > MAX_KEY)
                throw new RangeError(`virtio-input: key code ${k} out of range`);
            this.keyBits[k >> 3] |= 1 << (k & 7);
        }
        this.select(VIRTIO_INPUT_CFG_UNSET, 0);
    }
    /** Press and release the power key, each followed by EV_SYN (what a power button's driver reports). */
    pressPowerButton() {
        return this.pressKey(KEY_POWER);
    }
    /** Press and release `code`. False when the device does not have the key or the guest has not taken earlier events. */
    pressKey(code) {
        if (code < 0 || code >> 3 >= this.keyBits.length || !(this.keyBits[code >> 3] & (1 << (code & 7))))
            return false;
        return this.send([
            { type: EV_KEY, code, value: 1 },
            { type: EV_SYN, code: SYN_REPORT, value: 0 },
            { type: EV_KEY, code, value: 0 },
            { type: EV_SYN, code: SYN_REPORT, value: 0 },
        ]);
    }
    /** Queues events for the guest, all or none. */
    send(events) {
        if (this.pending.length + events.length > MAX_PENDING_EVENTS) {
            this.dropped += events.length;
            return false;
        }
        for (const e of events)
            this.pending.push({ type: e.type & 0xffff, code: e.code & 0xffff, value: e.value | 0 });
        this.deliver();
        return true;
    }
    /** Events waiting for guest buffers. */
    pendingEvents() {
        return this.pending.length;
    }
    readConfig(offset, size) {
        return readConfigBytes(this.config, offset, size);
    }
    writeConfig(offset, size, value) {
        // Only select (byte 0) and subsel (byte 1) are driver-writable; a wider write may cover both.
        for (let i = 0; i < size; i++) {
            const o = offset + i;
            const b = (value >>> (8 * i)) & 0xff;
            if (o === 0)
                this.select(b, this.config[1]);
            else if (o === 1)
                this.select(this.config[0], b);
        }
    }
    activate(ctx) {
        this.ctx = ctx;
        this.deliver();
    }
    reset() {
        this.ctx = undefined;
        this.pending = [];
        this.select(VIRTIO_INPUT_CFG_UNSET, 0);
    }
    notify(queueIndex) {
        if (queueIndex === EVENTQ)
            this.deliver();
        else if (queueIndex === STATUSQ)
            this.drainStatus();
    }
    saveState() {
        return { select: this.config[0], subsel: this.config[1], pending: this.pending.map((e) => ({ ...e })) };
    }
    restoreState(state) {
        const s = state;
        this.pending = Array.isArray(s.pending)
            ? s.pending.slice(0, MAX_PENDING_EVENTS).map((e) => ({
                type: Number(e.type) & 0xffff,
                code: Number(e.code) & 0xffff,
                value: Number(e.value) | 0,
            }))
            : [];
        this.select(Number(s.select) & 0xff, Number(s.subsel) & 0xff);
    }
    /** Fills the union for (select, subsel) and sets `size`, as the driver reads it right after writing them. */
    select(sel, subsel) {
        const c = this.config;
        c.fill(0);
        c[0] = sel;
        c[1] = subsel;
        let data = new Uint8Array(0);
        switch (sel) {
            case VIRTIO_INPUT_CFG_ID_NAME:
                if (subsel === 0)
                    data = this.name;
                break;
            case VIRTIO_INPUT_CFG_ID_SERIAL:
                if (subsel === 0)
                    data = this.serial;
                break;
            case VIRTIO_INPUT_CFG_ID_DEVIDS:
                // bustype, vendor, product, version (le16 each).
                if (subsel === 0)
                    data = Uint8Array.of(BUS_VIRTUAL, 0, 0, 0, 1, 0, 1, 0);
                break;
            case VIRTIO_INPUT_CFG_EV_BITS:
                if (subsel === EV_KEY)
                    data = this.keyBits;
                break;
            default:
                break; // no properties, no absolute axes, nothing else: size 0
        }
        c[2] = data.length;
        c.set(data, UNION);
    }
    deliver() {
        const ctx = this.ctx;
        if (!ctx || this.pending.length === 0)
            return;
        const q = ctx.queues[EVENTQ];
        if (!q.enabled)
            return;
        const ev = new Uint8Array(EVENT_SIZE);
        const dv = new DataView(ev.buffer);
        deliverToQueue(ctx, q, () => this.pending.length > 0, (chain) => {
            if (chain.writableLen < EVENT_SIZE)
                throw new VirtqueueError(`eventq: buffer of ${chain.writableLen} bytes, an event needs ${EVENT_SIZE}`);
            const e = this.pending.shift();
            dv.setUint16(0, e.type, true);
            dv.setUint16(2, e.code, true);
            dv.setInt32(4, e.value, true);
            return chain.write(0, ev);
        });
    }
    /** LED and sound events from the guest: nothing to light, so each buffer is returned unread. */
    drainStatus() {
        const ctx = this.ctx;
        if (!ctx)
            return;
        const q = ctx.queues[STATUSQ];
        for (let chain = q.pop(); chain; chain = q.pop())
            q.pushUsed(chain.head, 0);
        q.publishAvailEvent();
        ctx.interrupt(q);
    }
}
/** A config string: printable ASCII, at most the union's 128 bytes, no terminating NUL (the size says where it ends). */
function asciiField(s) {
    if (!/^[\x20-\x7e]*$/.test(s))
        throw new RangeError(`virtio-input: "${s}" is not printable ASCII`);
    return Uint8Array.from(Buffer.from(s.slice(0, 128), 'latin1'));
}
//# sourceMappingURL=input.js.map