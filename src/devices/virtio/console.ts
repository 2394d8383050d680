// virtio-console (virtio 1.2 §5.3) with a single port (hvc0): receiveq 0 carries host input, transmitq 1 guest output.
import { VIRTIO_ID_CONSOLE } from './constants.js';
import { readConfigBytes, type VirtioContext, type VirtioDevice } from './device.js';
import { VirtqueueError } from './queue.js';

export const VIRTIO_CONSOLE_F_SIZE = 1n << 0n;
const RX = 0;
const TX = 1;
/** Host input kept while the guest has posted no receive buffer; beyond it, input is dropped. */
const MAX_INPUT_BACKLOG = 64 * 1024;
/** A guest can point many descriptors at the same RAM; cap what one chain sends to the sink. */
const MAX_OUTPUT_PER_CHAIN = 1024 * 1024;

export interface ConsoleSink {
  /** Bytes the guest wrote to hvc0 (the array is the caller's to keep). */
  write(data: Uint8Array): void;
}

export interface VirtioConsoleOptions {
  /** Terminal size; offers VIRTIO_CONSOLE_F_SIZE when given. */
  size?: { cols: number; rows: number };
  queueSize?: number;
}

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features: bigint;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 12;
  private readonly config = new Uint8Array(12);
  private ctx: VirtioContext | undefined;
  private input = new Uint8Array(0);

  constructor(
    private readonly sink: ConsoleSink,
    opts: VirtioConsoleOptions = {},
  ) {
    const size = opts.queueSize ?? 64;
    this.queueMaxSizes = [size, size];
    this.features = opts.size ? VIRTIO_CONSOLE_F_SIZE : 0n;
    if (opts.size) this.setSize(opts.size.cols, opts.size.rows);
  }

  /** Host keyboard input for the guest. */
  sendInput(data: Uint8Array): void {
    const room = MAX_INPUT_BACKLOG - this.input.length;
    if (room <= 0) return;
    const next = new Uint8Array(this.input.length + Math.min(room, data.length));
    next.set(this.input);
    next.set(data.subarray(0, room), this.input.length);
    this.input = next;
    this.deliver();
  }

  /** Terminal resize; the guest learns it through a configuration interrupt. */
  resize(cols: number, rows: number): void {
    if (!(this.features & VIRTIO_CONSOLE_F_SIZE)) return;
    this.setSize(cols, rows);
    this.ctx?.configChanged();
  }

  readConfig(offset: number, size: number): number {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // emerg_wr needs VIRTIO_CONSOLE_F_EMERG_WRITE, which is not offered.
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
  }

  notify(queueIndex: number): void {
    if (queueIndex === TX) this.transmit();
    else if (queueIndex === RX) this.deliver();
  }

  saveState(): { input: number[]; config: number[] } {
    return { input: [...this.input], config: [...this.config] };
  }

  restoreState(state: unknown): void {
    const s = state as { input?: number[]; config?: number[] };
    if (Array.isArray(s.input)) this.input = Uint8Array.from(s.input.slice(0, MAX_INPUT_BACKLOG));
    if (Array.isArray(s.config)) this.config.set(s.config.slice(0, this.config.length));
  }

  private setSize(cols: number, rows: number): void {
    const dv = new DataView(this.config.buffer);
    dv.setUint16(0, cols, true);
    dv.setUint16(2, rows, true);
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const q = ctx.queues[TX];
    for (let chain = q.pop(); chain; chain = q.pop()) {
      const out = new Uint8Array(Math.min(chain.readableLen, MAX_OUTPUT_PER_CHAIN));
      chain.read(0, out);
      q.pushUsed(chain.head, 0);
      if (out.length > 0) this.sink.write(out);
    }
    q.publishAvailEvent();
    ctx.interrupt(q);
  }

  private deliver(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const q = ctx.queues[RX];
    if (!q.enabled) return;
    try {
      let delivered = false;
      while (this.input.length > 0) {
        const chain = q.pop();
        if (!chain) break;
        const n = chain.write(0, this.input);
        this.input = this.input.slice(n);
        q.pushUsed(chain.head, n);
        delivered = true;
      }
      q.publishAvailEvent();
      if (delivered) ctx.interrupt(q);
    } catch (e) {
      if (e instanceof VirtqueueError) ctx.needsReset(e.message);
      else throw e;
    }
  }
}
