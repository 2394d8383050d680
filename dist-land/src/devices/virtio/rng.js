// virtio-rng (virtio 1.2 §5.4, entropy device): fills every writable buffer of the request queue with host randomness.
import { randomFillSync } from 'node:crypto';
import { VIRTIO_ID_RNG } from './constants.js';
/** Cap per request: Linux asks for at most a few hundred bytes; a hostile chain could ask for gigabytes. */
const MAX_BYTES_PER_REQUEST = 64 * 1024;
export class VirtioRng {
    fill;
    deviceId = VIRTIO_ID_RNG;
    features = 0n;
    queueMaxSizes;
    configSize = 0;
    ctx;
    /** `fill` is the entropy source (host CSPRNG by default; tests may pass a deterministic one). */
    constructor(fill = (b) => void randomFillSync(b), queueSize = 64) {
        this.fill = fill;
        this.queueMaxSizes = [queueSize];
    }
    readConfig() {
        return 0;
    }
    writeConfig() { }
    activate(ctx) {
        this.ctx = ctx;
    }
    reset() {
        this.ctx = undefined;
    }
    notify(queueIndex) {
        const ctx = this.ctx;
        if (!ctx)
            return;
        const q = ctx.queues[queueIndex];
        const u8 = ctx.mem.u8;
        for (let chain = q.pop(); chain; chain = q.pop()) {
            const n = Math.min(chain.writableLen, MAX_BYTES_PER_REQUEST);
            chain.forEachWritable(0, n, (host, len) => this.fill(u8.subarray(host, host + len)));
            q.pushUsed(chain.head, n);
        }
        q.publishAvailEvent();
        ctx.interrupt(q);
    }
}
//# sourceMappingURL=rng.js.map