// virtio-9p (virtio 1.2 §5.11, 9P transport): one request queue carrying 9P2000.L messages, the mount tag in config space.
import { VIRTIO_ID_9P } from './constants.js';
import { readConfigBytes } from './device.js';
import { NineServer } from './9p-server.js';
import { E, lerror } from './9p-wire.js';
/** The configuration space holds the mount tag. */
export const VIRTIO_9P_F_MOUNT_TAG = 1n << 0n;
/** A tag names the share in the guest's mount command (and /mnt/TAG): short, and safe as a file name. */
export const MOUNT_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/;
/** Linux's virtio transport puts up to 128 buffers in one request. */
const QUEUE_SIZE = 128;
export class VirtioNineP {
    fs;
    tag;
    deviceId = VIRTIO_ID_9P;
    features = VIRTIO_9P_F_MOUNT_TAG;
    queueMaxSizes = [QUEUE_SIZE];
    configSize;
    server;
    config;
    ctx;
    constructor(fs, tag) {
        this.fs = fs;
        this.tag = tag;
        if (!MOUNT_TAG_PATTERN.test(tag))
            throw new Error(`bad mount tag "${tag}"`);
        const t = new TextEncoder().encode(tag);
        this.config = new Uint8Array(2 + t.length);
        this.config[0] = t.length;
        this.config.set(t, 2);
        this.configSize = this.config.length;
        this.server = new NineServer(fs);
    }
    readConfig(offset, size) {
        return readConfigBytes(this.config, offset, size);
    }
    writeConfig() {
        // the tag is read-only
    }
    activate(ctx) {
        this.ctx = ctx;
    }
    /** Open files are saved by path: one that no longer has its path (deleted or replaced while open) cannot come back. */
    saveBlocker() {
        const name = this.server.unreopenable();
        return name === undefined
            ? undefined
            : `the guest has "${name}" open on the 9p share "${this.tag}", and it was deleted or replaced`;
    }
    reset() {
        this.ctx = undefined;
        this.server.reset();
    }
    /** Open fids survive a snapshot: the guest's mount keeps working after a restore (docs/devices/virtio-9p.md). */
    saveState() {
        return this.server.saveState();
    }
    restoreState(state) {
        this.server.restoreState(state);
    }
    notify(queueIndex) {
        const ctx = this.ctx;
        if (!ctx)
            return;
        const q = ctx.queues[queueIndex];
        for (let chain = q.pop(); chain; chain = q.pop())
            this.serve(q, chain);
        q.publishAvailEvent();
        ctx.interrupt(q);
    }
    /** One request: the readable part is the T-message, the reply goes into the writable part. */
    serve(q, chain) {
        let reply;
        if (chain.readableLen < 7 || chain.writableLen < 11) {
            // Too short to carry a message or an error: hand the buffers back untouched.
            q.pushUsed(chain.head, 0);
            return;
        }
        if (chain.readableLen > this.server.maxMessage) {
            const head = new Uint8Array(7);
            chain.read(0, head);
            reply = lerror(head[5] | (head[6] << 8), E.EMSGSIZE);
        }
        else {
            const msg = new Uint8Array(chain.readableLen);
            chain.read(0, msg);
            reply = this.server.handle(msg, chain.writableLen);
        }
        q.pushUsed(chain.head, chain.write(0, reply));
    }
}
//# sourceMappingURL=9p.js.map