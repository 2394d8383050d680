// virtio-rng (virtio 1.2 §5.4, entropy device): fills every writable buffer of the request queue with host randomness.
import { randomFillSync } from 'node:crypto';
import { VIRTIO_ID_RNG } from './constants.js';
import type { VirtioContext, VirtioDevice } from './device.js';

/** Cap per request: Linux asks for at most a few hundred bytes; a hostile chain could ask for gigabytes. */
const MAX_BYTES_PER_REQUEST = 64 * 1024;

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly features = 0n;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 0;
  private ctx: VirtioContext | undefined;

  /** `fill` is the entropy source (host CSPRNG by default; tests may pass a deterministic one). */
  constructor(
    private readonly fill: (buf: Uint8Array) => void = (b) => void randomFillSync(b),
    queueSize = 64,
  ) {
    this.queueMaxSizes = [queueSize];
  }

  readConfig(): number {
    return 0;
  }

  writeConfig(): void {}

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
  }

  notify(queueIndex: number): void {
    const ctx = this.ctx;
    if (!ctx) return;
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
