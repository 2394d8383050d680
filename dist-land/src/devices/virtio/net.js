// virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, MAC and link status in config, frames to a NetBackend.
import { VIRTIO_ID_NET } from './constants.js';
import { readConfigBytes } from './device.js';
import { VirtqueueError } from './queue.js';
export const VIRTIO_NET_F_MAC = 1n << 5n;
export const VIRTIO_NET_F_STATUS = 1n << 16n;
export const VIRTIO_NET_S_LINK_UP = 1;
/** virtio_net_hdr with VERSION_1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
export const VIRTIO_NET_HDR_BYTES = 12;
/** Largest frame accepted in either direction (no GSO is offered): Ethernet with a VLAN tag and jumbo room. */
export const MAX_FRAME_BYTES = 65535;
const RX = 0;
const TX = 1;
export class VirtioNet {
    backend;
    deviceId = VIRTIO_ID_NET;
    features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
    queueMaxSizes;
    configSize = 8;
    config = new Uint8Array(8);
    ctx;
    backlog = [];
    maxBacklog;
    hdr = new Uint8Array(VIRTIO_NET_HDR_BYTES);
    delivering = false;
    /** Counters for the monitor and tests. */
    stats = { txFrames: 0, rxFrames: 0, rxDropped: 0, txDropped: 0 };
    constructor(backend, opts) {
        this.backend = backend;
        if (opts.mac.length !== 6)
            throw new RangeError('a MAC address has 6 bytes');
        const size = opts.queueSize ?? 256;
        this.queueMaxSizes = [size, size];
        this.maxBacklog = opts.rxBacklog ?? 256;
        this.config.set(opts.mac, 0);
        this.config[6] = VIRTIO_NET_S_LINK_UP;
        // Without MRG_RXBUF every frame fits one buffer, so num_buffers is always 1.
        this.hdr[10] = 1;
        backend.onReceive((frame) => this.receive(frame));
    }
    readConfig(offset, size) {
        return readConfigBytes(this.config, offset, size);
    }
    writeConfig() {
        // The MAC is writable only with VIRTIO_NET_F_CTRL_MAC_ADDR-less legacy drivers; modern ones never write config.
    }
    activate(ctx) {
        this.ctx = ctx;
    }
    reset() {
        this.ctx = undefined;
        this.backlog.length = 0;
    }
    /** The configuration (MAC and link status); frames waiting for receive buffers are not kept. */
    saveState() {
        return { config: [...this.config] };
    }
    restoreState(state) {
        const c = state?.config;
        if (Array.isArray(c) && c.length === this.config.length)
            this.config.set(c.map((b) => Number(b) & 0xff));
    }
    notify(queueIndex) {
        if (queueIndex === TX)
            this.transmit();
        else if (queueIndex === RX)
            this.deliver();
    }
    transmit() {
        const ctx = this.ctx;
        if (!ctx)
            return;
        const q = ctx.queues[TX];
        for (let chain = q.pop(); chain; chain = q.pop()) {
            const len = chain.readableLen - VIRTIO_NET_HDR_BYTES;
            if (len > 0 && len <= MAX_FRAME_BYTES) {
                const frame = new Uint8Array(len);
                chain.read(VIRTIO_NET_HDR_BYTES, frame);
                q.pushUsed(chain.head, 0);
                this.stats.txFrames++;
                this.backend.send(frame);
                if (this.ctx !== ctx)
                    return; // the backend's reaction reset us
            }
            else {
                this.stats.txDropped++;
                q.pushUsed(chain.head, 0);
            }
        }
        q.publishAvailEvent();
        ctx.interrupt(q);
    }
    receive(frame) {
        if (!this.ctx || frame.length === 0 || frame.length > MAX_FRAME_BYTES) {
            this.stats.rxDropped++;
            return;
        }
        if (this.backlog.length >= this.maxBacklog) {
            this.backlog.shift();
            this.stats.rxDropped++;
        }
        this.backlog.push(frame);
        this.deliver();
    }
    /** Moves backlogged frames into the guest's receive buffers while it has some. */
    deliver() {
        const ctx = this.ctx;
        if (!ctx || this.delivering)
            return;
        const q = ctx.queues[RX];
        if (!q.enabled)
            return;
        this.delivering = true;
        try {
            let delivered = false;
            while (this.backlog.length > 0) {
                const chain = q.pop();
                if (!chain)
                    break;
                const frame = this.backlog.shift();
                if (chain.writableLen < VIRTIO_NET_HDR_BYTES + frame.length) {
                    // A buffer too small for this frame: drop the frame, keep the buffer for the next one.
                    q.unpop();
                    this.stats.rxDropped++;
                    continue;
                }
                chain.write(0, this.hdr);
                chain.write(VIRTIO_NET_HDR_BYTES, frame);
                q.pushUsed(chain.head, VIRTIO_NET_HDR_BYTES + frame.length);
                this.stats.rxFrames++;
                delivered = true;
            }
            q.publishAvailEvent();
            if (delivered)
                ctx.interrupt(q);
        }
        catch (e) {
            // Frames arrive from the host side, outside any guest register access: report here, not to the transport.
            if (e instanceof VirtqueueError)
                ctx.needsReset(e.message);
            else
                throw e;
        }
        finally {
            this.delivering = false;
        }
    }
}
//# sourceMappingURL=net.js.map