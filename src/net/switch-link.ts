// A NIC's link to a network's switch: a stream connection to its ports socket that comes back when the switch restarts.
import type { NetBackend } from '../devices/virtio/net.js';
import { StreamNetBackend } from './stream-backend.js';

/** Between attempts to reach a switch that went away. */
const RETRY_MS = 1000;

export interface SwitchLinkOptions {
  /** Makes sure the switch runs (starting it if needed) and resolves to its ports socket; rejects with a reason. */
  reach: () => Promise<string>;
  log: (message: string) => void;
}

export class SwitchLink implements NetBackend {
  private current: StreamNetBackend | undefined;
  private receiver: ((frame: Uint8Array) => void) | undefined;
  private writable: (() => void) | undefined;
  private receiving = true;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Frames sent while the switch was out of reach. */
  dropped = 0;
  reconnects = 0;

  private constructor(private readonly o: SwitchLinkOptions) {}

  /** Connects once; rejects (with the reason the switch cannot be reached) instead of retrying. */
  static async open(o: SwitchLinkOptions): Promise<SwitchLink> {
    const link = new SwitchLink(o);
    await link.connect();
    return link;
  }

  private async connect(): Promise<void> {
    const path = await this.o.reach();
    const b = await StreamNetBackend.connect(path, { log: this.o.log, onPeerGone: () => this.lost(b) });
    if (this.closed) return b.close();
    b.onReceive((f) => this.receiver?.(f));
    b.onWritable(() => this.writable?.());
    b.setReceiving(this.receiving);
    this.current = b;
  }

  private lost(b: StreamNetBackend): void {
    if (this.current !== b || this.closed) return;
    this.current = undefined;
    this.o.log('the switch went away; reconnecting');
    this.writable?.(); // frames are dropped (and counted) until the link is back
    this.retry();
  }

  private retry(): void {
    this.timer = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.closed) return;
          this.reconnects++;
          this.o.log('link to the switch is back');
        },
        () => {
          if (!this.closed) this.retry();
        },
      );
    }, RETRY_MS);
    this.timer.unref();
  }

  send(frame: Uint8Array): void {
    if (this.current) this.current.send(frame);
    else this.dropped++;
  }

  onReceive(cb: (frame: Uint8Array) => void): void {
    this.receiver = cb;
  }

  canSend(): boolean {
    return this.current?.canSend() ?? true;
  }

  onWritable(cb: () => void): void {
    this.writable = cb;
  }

  setReceiving(on: boolean): void {
    this.receiving = on;
    this.current?.setReceiving(on);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.current?.close();
    this.current = undefined;
  }
}
