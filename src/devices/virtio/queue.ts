// Split virtqueue (virtio 1.2 §2.7) over guest RAM: ring validation, hostile-safe chain walking, used ring, event index.
import type { GuestMemory } from '../../memory/guest-memory.js';
import {
  F_EVENT_IDX,
  F_INDIRECT_DESC,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_MAX_SIZE,
} from './constants.js';

/** The driver broke the virtqueue contract; the transport answers with DEVICE_NEEDS_RESET. */
export class VirtqueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtqueueError';
  }
}

/** One buffer of a chain, already checked to lie inside guest RAM: `host` is a byte offset into `GuestMemory.u8`. */
export interface Segment {
  readonly host: number;
  readonly len: number;
}

/** A guest may point many descriptors at the same RAM; capping a chain's bytes bounds the work of one request. */
export const MAX_CHAIN_BYTES = 128 * 1024 * 1024;

/** A walked descriptor chain: device-readable buffers, then device-writable ones. */
export class Chain {
  readonly readable: Segment[] = [];
  readonly writable: Segment[] = [];
  readableLen = 0;
  writableLen = 0;

  constructor(
    private readonly u8: Uint8Array,
    readonly head: number,
  ) {}

  /** Copies readable bytes starting at `offset` into `dst`; returns how many were available. */
  read(offset: number, dst: Uint8Array): number {
    let done = 0;
    this.forEach(this.readable, offset, dst.length, (host, len) => {
      dst.set(this.u8.subarray(host, host + len), done);
      done += len;
    });
    return done;
  }

  /** Copies `src` into the writable buffers starting at `offset`; returns how many bytes fitted. */
  write(offset: number, src: Uint8Array): number {
    let done = 0;
    this.forEach(this.writable, offset, src.length, (host, len) => {
      this.u8.set(src.subarray(done, done + len), host);
      done += len;
    });
    return done;
  }

  /** Visits the host pieces of the readable area [offset, offset+len) in order. */
  forEachReadable(offset: number, len: number, fn: (host: number, len: number) => void): void {
    this.forEach(this.readable, offset, len, fn);
  }

  /** Visits the host pieces of the writable area [offset, offset+len) in order. */
  forEachWritable(offset: number, len: number, fn: (host: number, len: number) => void): void {
    this.forEach(this.writable, offset, len, fn);
  }

  private forEach(segs: Segment[], offset: number, len: number, fn: (host: number, len: number) => void): void {
    for (const s of segs) {
      if (len <= 0) return;
      if (offset >= s.len) {
        offset -= s.len;
        continue;
      }
      const n = Math.min(s.len - offset, len);
      fn(s.host + offset, n);
      len -= n;
      offset = 0;
    }
  }
}

/** Guest-visible configuration of one queue, as the transport registers hold it. */
export interface QueueConfig {
  size: number;
  descAddr: number;
  driverAddr: number;
  deviceAddr: number;
}

/**
 * One split virtqueue. The transport configures and enables it; the device pops chains and pushes used
 * entries. Every guest-controlled index and address is checked before use; violations throw VirtqueueError.
 */
export class SplitQueue {
  size = 0;
  private desc = 0; // host offsets of the three areas, valid while enabled
  private avail = 0;
  private used = 0;
  /** Chains handed to the device and not yet returned, by head index (for DMA-write notification). */
  private readonly outstanding = new Map<number, Chain>();
  private lastAvail = 0;
  private usedIdx = 0;
  private signalledUsed = 0;
  private eventIdx = false;
  private indirect = false;
  enabled = false;

  constructor(
    private readonly mem: GuestMemory,
    readonly index: number,
  ) {}

  /** Checks that the three areas lie in RAM with their required alignment; returns false (queue stays off) otherwise. */
  enable(cfg: QueueConfig, features: bigint): boolean {
    const { size, descAddr, driverAddr, deviceAddr } = cfg;
    this.enabled = false;
    if (!Number.isInteger(size) || size < 1 || size > VIRTQ_MAX_SIZE) return false;
    if (descAddr % 16 !== 0 || driverAddr % 2 !== 0 || deviceAddr % 4 !== 0) return false;
    const desc = this.mem.ramHostOffset(descAddr, 16 * size);
    const avail = this.mem.ramHostOffset(driverAddr, 6 + 2 * size);
    const used = this.mem.ramHostOffset(deviceAddr, 6 + 8 * size);
    if (desc < 0 || avail < 0 || used < 0) return false;
    this.size = size;
    this.desc = desc;
    this.avail = avail;
    this.used = used;
    this.lastAvail = 0;
    this.usedIdx = 0;
    this.signalledUsed = 0;
    this.eventIdx = (features & F_EVENT_IDX) !== 0n;
    this.indirect = (features & F_INDIRECT_DESC) !== 0n;
    this.enabled = true;
    return true;
  }

  /** Ring positions, for snapshots (the rings themselves live in guest RAM). */
  saveIndexes(): [lastAvail: number, usedIdx: number, signalledUsed: number] {
    return [this.lastAvail, this.usedIdx, this.signalledUsed];
  }

  /** Restores positions after `enable` on the same configuration. */
  restoreIndexes([lastAvail, usedIdx, signalledUsed]: readonly number[]): void {
    this.lastAvail = lastAvail & 0xffff;
    this.usedIdx = usedIdx & 0xffff;
    this.signalledUsed = signalledUsed & 0xffff;
  }

  disable(): void {
    this.enabled = false;
    this.outstanding.clear();
  }

  /** Number of chains the driver has made available and the device has not popped yet. */
  pending(): number {
    if (!this.enabled) return 0;
    const n = (this.mem.u16[(this.avail + 2) >>> 1] - this.lastAvail) & 0xffff;
    if (n > this.size)
      throw new VirtqueueError(
        `queue ${this.index}: avail.idx is ${n} ahead of the device, more than the queue size ${this.size}`,
      );
    return n;
  }

  /** Takes the next available chain, or null when none is available. */
  pop(): Chain | null {
    if (this.pending() === 0) return null;
    const head = this.mem.u16[(this.avail + 4 + 2 * (this.lastAvail % this.size)) >>> 1];
    const chain = this.walk(head);
    this.outstanding.set(chain.head, chain);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return chain;
  }

  /** Gives the last popped chain back (the device could not use it yet, e.g. a receive buffer too small). */
  unpop(): void {
    this.lastAvail = (this.lastAvail - 1) & 0xffff;
  }

  /** Returns a chain to the driver with the number of bytes written into its writable buffers. */
  pushUsed(head: number, written: number): void {
    if (!this.enabled) return;
    // Tell whoever caches guest RAM contents (the translator's code cache) which bytes the device wrote.
    const chain = this.outstanding.get(head);
    this.outstanding.delete(head);
    const hook = this.mem.dmaWriteHook;
    if (chain && hook && written > 0) chain.forEachWritable(0, written, hook);
    // Migration's dirty tracking: every writable buffer of the chain (a device may write more than it reports).
    if (chain && this.mem.dirty !== null)
      chain.forEachWritable(0, chain.writableLen, (h, n) => this.mem.markDirty(h, n));
    const slot = (this.used + 4 + 8 * (this.usedIdx % this.size)) >>> 2;
    this.mem.i32[slot] = head;
    this.mem.i32[slot + 1] = written;
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    this.mem.u16[(this.used + 2) >>> 1] = this.usedIdx;
    this.mem.markDirty(this.used, 4 + 8 * this.size + 2);
  }

  /** Whether the driver wants an interrupt for the used entries pushed since the last call (§2.7.7, §2.7.10). */
  shouldInterrupt(): boolean {
    if (!this.enabled) return false;
    const now = this.usedIdx;
    const old = this.signalledUsed;
    this.signalledUsed = now;
    if (now === old) return false;
    if (this.eventIdx) {
      const usedEvent = this.mem.u16[(this.avail + 4 + 2 * this.size) >>> 1];
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (this.mem.u16[this.avail >>> 1] & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  /** With EVENT_IDX, asks the driver to notify as soon as it makes anything beyond what was consumed available. */
  publishAvailEvent(): void {
    if (this.enabled && this.eventIdx) {
      this.mem.u16[(this.used + 4 + 8 * this.size) >>> 1] = this.lastAvail;
      this.mem.markDirty(this.used + 4 + 8 * this.size, 2);
    }
  }

  private walk(head: number): Chain {
    const chain = new Chain(this.mem.u8, head);
    const dv = this.mem.dv;
    let table = this.desc;
    let tableSize = this.size;
    let inIndirect = false;
    let i = head;
    let count = 0;
    let total = 0;
    for (;;) {
      if (i >= tableSize)
        throw new VirtqueueError(`queue ${this.index}: descriptor index ${i} out of range (${tableSize})`);
      if (++count > tableSize)
        throw new VirtqueueError(`queue ${this.index}: descriptor chain longer than its table (loop?)`);
      const d = table + 16 * i;
      const addr = dv.getUint32(d + 4, true) * 0x1_0000_0000 + dv.getUint32(d, true);
      const len = dv.getUint32(d + 8, true);
      const flags = dv.getUint16(d + 12, true);
      const next = dv.getUint16(d + 14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.indirect)
          throw new VirtqueueError(`queue ${this.index}: indirect descriptor without VIRTIO_F_INDIRECT_DESC`);
        if (inIndirect) throw new VirtqueueError(`queue ${this.index}: nested indirect table`);
        if (flags & VIRTQ_DESC_F_NEXT) throw new VirtqueueError(`queue ${this.index}: indirect descriptor with NEXT`);
        if (len === 0 || len % 16 !== 0 || len / 16 > VIRTQ_MAX_SIZE)
          throw new VirtqueueError(`queue ${this.index}: indirect table length ${len}`);
        const h = this.mem.ramHostOffset(addr, len);
        if (h < 0) throw new VirtqueueError(`queue ${this.index}: indirect table outside RAM`);
        table = h;
        tableSize = len / 16;
        inIndirect = true;
        i = 0;
        count = 0;
        continue;
      }
      if (len > 0) {
        const h = this.mem.ramHostOffset(addr, len);
        if (h < 0) throw new VirtqueueError(`queue ${this.index}: buffer 0x${addr.toString(16)}+${len} outside RAM`);
        total += len;
        if (total > MAX_CHAIN_BYTES)
          throw new VirtqueueError(`queue ${this.index}: chain larger than ${MAX_CHAIN_BYTES} bytes`);
        if (flags & VIRTQ_DESC_F_WRITE) {
          chain.writable.push({ host: h, len });
          chain.writableLen += len;
        } else {
          if (chain.writable.length > 0)
            throw new VirtqueueError(`queue ${this.index}: readable buffer after a writable one`);
          chain.readable.push({ host: h, len });
          chain.readableLen += len;
        }
      }
      if (!(flags & VIRTQ_DESC_F_NEXT)) return chain;
      i = next;
    }
  }
}
