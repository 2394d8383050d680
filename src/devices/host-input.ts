// Host input for a console device (UART, virtio-console): a bounded backlog and the flow-control contract with its producer.

/**
 * What a console device offers the host side that types into it, after QEMU's character backends
 * (chr_can_read / chr_read): the producer asks how much the device takes, gives at most that, and
 * waits for `HostInputEvents.inputSpace` before offering more. Nothing given is lost.
 */
export interface HostInputPort {
  /** Bytes the device takes now (0: wait for inputSpace). */
  canAccept(): number;
  /** Takes up to canAccept() bytes (copied); returns how many it took. The rest is the caller's to offer again. */
  receive(bytes: Uint8Array): number;
}

export interface HostInputEvents {
  /**
   * The guest drained input after the producer met a full backlog: offer more now. Called at the end of a guest
   * register access or queue notification, with the device consistent, so calling receive() from it is safe.
   */
  inputSpace?(): void;
}

/** Host input a device holds until the guest reads it: 64 KiB, after which the producer is told to wait. */
export const HOST_INPUT_BACKLOG = 64 * 1024;

/** A bounded FIFO of bytes kept as the chunks they arrived in (no per-byte shifting, no copying of the whole backlog). */
export class InputBacklog {
  private chunks: Uint8Array[] = [];
  private pos = 0;
  private bytes = 0;
  /** A producer met a full backlog and waits to be told about space. */
  private producerWaiting = false;

  constructor(
    private readonly limit: number = HOST_INPUT_BACKLOG,
    private readonly events: HostInputEvents = {},
  ) {}

  get length(): number {
    return this.bytes;
  }

  room(): number {
    const room = this.limit - this.bytes;
    if (room <= 0) this.producerWaiting = true;
    return Math.max(0, room);
  }

  /** Appends up to room() bytes (copied); returns how many. */
  push(data: Uint8Array): number {
    const n = Math.min(data.length, this.room());
    if (n < data.length) this.producerWaiting = true;
    if (n > 0) {
      this.chunks.push(data.slice(0, n));
      this.bytes += n;
    }
    return n;
  }

  /** Removes and returns the first byte (-1 when empty). */
  shift(): number {
    if (this.bytes === 0) return -1;
    const chunk = this.chunks[0];
    const b = chunk[this.pos++];
    this.consumed(1, chunk);
    return b;
  }

  /** The first contiguous run of bytes, at most `max`, without removing it. */
  peek(max: number): Uint8Array {
    if (this.bytes === 0) return new Uint8Array(0);
    const chunk = this.chunks[0];
    return chunk.subarray(this.pos, Math.min(chunk.length, this.pos + max));
  }

  /** Drops the first `n` bytes (n ≤ length of the last peek). */
  skip(n: number): void {
    if (n <= 0) return;
    const chunk = this.chunks[0];
    this.pos += n;
    this.consumed(n, chunk);
  }

  /** Everything queued, in order (snapshots). */
  toArray(): number[] {
    const out: number[] = [];
    this.chunks.forEach((c, i) => {
      for (let j = i === 0 ? this.pos : 0; j < c.length; j++) out.push(c[j]);
    });
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.pos = 0;
    this.bytes = 0;
  }

  /**
   * Tells a waiting producer that half the backlog is free again (hysteresis: not once per byte). Devices call it
   * once their own state is consistent, at the end of the guest access that drained the backlog.
   */
  notifySpace(): void {
    if (!this.producerWaiting || this.bytes > this.limit / 2) return;
    this.producerWaiting = false;
    this.events.inputSpace?.();
  }

  private consumed(n: number, chunk: Uint8Array): void {
    this.bytes -= n;
    if (this.pos === chunk.length) {
      this.chunks.shift();
      this.pos = 0;
    }
  }
}
