// virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, MAC and link status in config, frames to a NetBackend.
import { VIRTIO_ID_NET } from './constants.js';
import { readConfigBytes, type VirtioContext, type VirtioDevice } from './device.js';
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

/** Where frames go and come from: a link to another NIC, a switch port, a tap, ... */
export interface NetBackend {
  send(frame: Uint8Array): void;
  onReceive(cb: (frame: Uint8Array) => void): void;
  /**
   * Flow control, for backends that queue (a socket): whether `send` should wait; `onWritable` is called when it
   * may go on. The card then leaves the guest's frames in its transmit queue, so the guest waits instead of its
   * frames being dropped further on.
   */
  canSend?(): boolean;
  onWritable?(cb: () => void): void;
  /** Asks the backend to stop (false) or go on (true) delivering frames: the guest has no room for them. */
  setReceiving?(on: boolean): void;
}

/** Backlogged frames past which the backend is asked to stop delivering, and below which it goes on again. */
const RX_PAUSE_AT = 64;
const RX_RESUME_AT = 16;

export interface VirtioNetOptions {
  mac: Uint8Array | readonly number[];
  queueSize?: number;
  /** Frames kept while the guest has no receive buffer; older ones are dropped first. */
  rxBacklog?: number;
}

export class VirtioNet implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_NET;
  readonly features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 8;
  private readonly config = new Uint8Array(8);
  private ctx: VirtioContext | undefined;
  private readonly backlog: Uint8Array[] = [];
  private readonly maxBacklog: number;
  private readonly hdr = new Uint8Array(VIRTIO_NET_HDR_BYTES);
  private delivering = false;
  private receivePaused = false;
  /** Counters for the monitor and tests. */
  readonly stats = { txFrames: 0, rxFrames: 0, rxDropped: 0, txDropped: 0, txBytes: 0, rxBytes: 0 };

  constructor(
    private readonly backend: NetBackend,
    opts: VirtioNetOptions,
  ) {
    if (opts.mac.length !== 6) throw new RangeError('a MAC address has 6 bytes');
    const size = opts.queueSize ?? 256;
    this.queueMaxSizes = [size, size];
    this.maxBacklog = opts.rxBacklog ?? 256;
    this.config.set(opts.mac, 0);
    this.config[6] = VIRTIO_NET_S_LINK_UP;
    // Without MRG_RXBUF every frame fits one buffer, so num_buffers is always 1.
    this.hdr[10] = 1;
    backend.onReceive((frame) => this.receive(frame));
    backend.onWritable?.(() => this.transmit());
  }

  /**
   * Announces the card's address after a live migration, as QEMU's announce does: a RARP broadcast (ethertype
   * 0x8035, "reverse request") from the card's MAC, so that switches on the way learn its new port at once.
   */
  announce(): void {
    const mac = this.config.subarray(0, 6);
    const f = new Uint8Array(60); // the Ethernet minimum, zero padded
    f.fill(0xff, 0, 6);
    f.set(mac, 6);
    f.set([0x80, 0x35, 0, 1, 0x08, 0x00, 6, 4, 0, 3], 12); // RARP: Ethernet, IPv4, 6/4-byte addresses, op 3
    f.set(mac, 22); // sender hardware address (sender IP 0.0.0.0)
    f.set(mac, 32); // target hardware address (target IP 0.0.0.0)
    this.backend.send(f);
    this.stats.txFrames++;
    this.stats.txBytes += f.length;
  }

  readConfig(offset: number, size: number): number {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // The MAC is writable only with VIRTIO_NET_F_CTRL_MAC_ADDR-less legacy drivers; modern ones never write config.
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
    this.backlog.length = 0;
    this.setReceiving(true);
  }

  private setReceiving(on: boolean): void {
    if (this.receivePaused !== on) return;
    this.receivePaused = !on;
    this.backend.setReceiving?.(on);
  }

  /** The configuration (MAC and link status); frames waiting for receive buffers are not kept. */
  saveState(): { config: number[] } {
    return { config: [...this.config] };
  }

  restoreState(state: unknown): void {
    const c = (state as { config?: unknown } | null)?.config;
    if (Array.isArray(c) && c.length === this.config.length) this.config.set(c.map((b) => Number(b) & 0xff));
  }

  notify(queueIndex: number): void {
    if (queueIndex === TX) this.transmit();
    else if (queueIndex === RX) this.deliver();
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const q = ctx.queues[TX];
    const backend = this.backend;
    // While the backend is congested the chains stay in the ring: onWritable brings us back.
    for (let chain = backend.canSend?.() === false ? undefined : q.pop(); chain;) {
      const len = chain.readableLen - VIRTIO_NET_HDR_BYTES;
      if (len > 0 && len <= MAX_FRAME_BYTES) {
        const frame = new Uint8Array(len);
        chain.read(VIRTIO_NET_HDR_BYTES, frame);
        q.pushUsed(chain.head, 0);
        this.stats.txFrames++;
        this.stats.txBytes += len;
        this.backend.send(frame);
        if (this.ctx !== ctx) return; // the backend's reaction reset us
      } else {
        this.stats.txDropped++;
        q.pushUsed(chain.head, 0);
      }
      chain = backend.canSend?.() === false ? undefined : q.pop();
    }
    q.publishAvailEvent();
    ctx.interrupt(q);
  }

  private receive(frame: Uint8Array): void {
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
    if (this.backlog.length >= RX_PAUSE_AT) this.setReceiving(false);
  }

  /** Moves backlogged frames into the guest's receive buffers while it has some. */
  private deliver(): void {
    const ctx = this.ctx;
    if (!ctx || this.delivering) return;
    const q = ctx.queues[RX];
    if (!q.enabled) return;
    this.delivering = true;
    try {
      let delivered = false;
      while (this.backlog.length > 0) {
        const chain = q.pop();
        if (!chain) break;
        const frame = this.backlog.shift()!;
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
        this.stats.rxBytes += frame.length;
        delivered = true;
      }
      q.publishAvailEvent();
      if (delivered) ctx.interrupt(q);
      if (this.backlog.length <= RX_RESUME_AT) this.setReceiving(true);
    } catch (e) {
      // Frames arrive from the host side, outside any guest register access: report here, not to the transport.
      if (e instanceof VirtqueueError) ctx.needsReset(e.message);
      else throw e;
    } finally {
      this.delivering = false;
    }
  }
}
