// virtio-console (virtio 1.2 §5.3) with a single port (hvc0): receiveq 0 carries host input, transmitq 1 guest output.
import { VIRTIO_ID_CONSOLE } from './constants.js';
import { deliverToQueue, readConfigBytes, type VirtioContext, type VirtioDevice } from './device.js';
import { HOST_INPUT_BACKLOG, InputBacklog, type HostInputEvents, type HostInputPort } from '../host-input.js';

export const VIRTIO_CONSOLE_F_SIZE = 1n << 0n;
const RX = 0;
const TX = 1;
/** A guest can point many descriptors at the same RAM; cap what one chain sends to the sink. */
const MAX_OUTPUT_PER_CHAIN = 1024 * 1024;

export interface ConsoleSink {
  /** Bytes the guest wrote to hvc0 (the array is the caller's to keep). */
  write(data: Uint8Array): void;
}

export interface VirtioConsoleOptions {
  /** Terminal size at power-on (default 0x0: unknown until setSize). */
  size?: { cols: number; rows: number };
  queueSize?: number;
  /** Host input held while the guest posts no receive buffers (default HOST_INPUT_BACKLOG). */
  backlog?: number;
  events?: HostInputEvents;
}

/**
 * VIRTIO_CONSOLE_F_SIZE is always offered: Linux's hvc driver reads cols/rows on each configuration interrupt and
 * resizes hvc0 (its foreground process group gets SIGWINCH). A size known at DRIVER_OK is announced with one
 * configuration interrupt, since Linux reads the size on no other occasion.
 */
export class VirtioConsole implements VirtioDevice, HostInputPort {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features = VIRTIO_CONSOLE_F_SIZE;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 12;
  private readonly config = new Uint8Array(12);
  private ctx: VirtioContext | undefined;
  private readonly input: InputBacklog;

  constructor(
    private readonly sink: ConsoleSink,
    opts: VirtioConsoleOptions = {},
  ) {
    const size = opts.queueSize ?? 64;
    this.queueMaxSizes = [size, size];
    this.input = new InputBacklog(opts.backlog ?? HOST_INPUT_BACKLOG, opts.events);
    if (opts.size) this.writeSize(opts.size.cols, opts.size.rows);
  }

  /** Bytes of host input the device takes now (room in its backlog). */
  canAccept(): number {
    return this.input.room();
  }

  /** Host keyboard input for the guest: takes up to canAccept() bytes; returns how many. */
  receive(data: Uint8Array): number {
    const n = this.input.push(data);
    this.deliver();
    return n;
  }

  /** Bytes of host input not yet delivered to the guest. */
  pendingInput(): number {
    return this.input.length;
  }

  /** The terminal's size (columns, rows; each clamped to 0..65535); the guest learns it through a configuration interrupt. */
  setSize(cols: number, rows: number): void {
    const [c, r] = [clampU16(cols), clampU16(rows)];
    if (c === this.cols && r === this.rows) return;
    this.writeSize(c, r);
    this.ctx?.configChanged();
  }

  get cols(): number {
    return this.config[0] | (this.config[1] << 8);
  }

  get rows(): number {
    return this.config[2] | (this.config[3] << 8);
  }

  readConfig(offset: number, size: number): number {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // emerg_wr needs VIRTIO_CONSOLE_F_EMERG_WRITE, which is not offered.
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
    if (this.cols || this.rows) ctx.configChanged();
  }

  reset(): void {
    this.ctx = undefined;
  }

  notify(queueIndex: number): void {
    if (queueIndex === TX) this.transmit();
    else if (queueIndex === RX) this.deliver();
  }

  saveState(): { input: number[]; config: number[] } {
    return { input: this.input.toArray(), config: [...this.config] };
  }

  restoreState(state: unknown): void {
    const s = state as { input?: number[]; config?: number[] };
    if (Array.isArray(s.input)) {
      this.input.clear();
      this.input.push(Uint8Array.from(s.input, (b) => b & 0xff));
    }
    if (Array.isArray(s.config)) this.config.set(s.config.slice(0, this.config.length).map((b) => b & 0xff));
  }

  private writeSize(cols: number, rows: number): void {
    const dv = new DataView(this.config.buffer);
    dv.setUint16(0, clampU16(cols), true);
    dv.setUint16(2, clampU16(rows), true);
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
    deliverToQueue(
      ctx,
      q,
      () => this.input.length > 0,
      (chain) => {
        // One chain takes bytes from as many backlog chunks as fit.
        let n = 0;
        while (n < chain.writableLen && this.input.length > 0) {
          const run = this.input.peek(chain.writableLen - n);
          const wrote = chain.write(n, run);
          this.input.skip(wrote);
          n += wrote;
          if (wrote < run.length) break;
        }
        return n;
      },
    );
    this.input.notifySpace();
  }
}

function clampU16(v: number): number {
  return Number.isFinite(v) ? Math.min(0xffff, Math.max(0, Math.trunc(v))) : 0;
}
