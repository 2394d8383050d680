// virtio-blk (virtio 1.2 §5.2): block requests from one queue served by a BlockBackend, synchronous or asynchronous.
import type { BlockBackend } from '../../disk/backend.js';
import { VIRTIO_ID_BLOCK } from './constants.js';
import { readConfigBytes, type VirtioContext, type VirtioDevice } from './device.js';
import { VirtqueueError, type Chain, type SplitQueue } from './queue.js';

export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;
export const VIRTIO_BLK_F_DISCARD = 1n << 13n;
export const VIRTIO_BLK_F_WRITE_ZEROES = 1n << 14n;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;

export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

export const VIRTIO_BLK_ID_BYTES = 20;
const SECTOR = 512;
const MAX_RANGE_SEGMENTS = 64;
const MAX_WRITE_ZEROES_SECTORS = 32768;
const ZERO_CHUNK = new Uint8Array(64 * 1024);

type Done = void | Promise<void>;
/** A backend call that threw synchronously. */
const FAILED = Promise.resolve();

function attempt(fn: () => Done): Done {
  try {
    return fn();
  } catch {
    return FAILED;
  }
}

/**
 * What virtio-blk needs from storage. `src/disk/backend.ts`'s BlockBackend (all methods asynchronous) fits it;
 * an in-memory backend may answer synchronously, and the request then completes before notify() returns.
 */
export interface BlkBackend {
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, buf: Uint8Array): Done;
  write(offset: number, data: Uint8Array): Done;
  flush(): Done;
  discard?(offset: number, length: number): Done;
  writeZeroes?(offset: number, length: number): Done;
}

// Keeps the two interfaces from drifting apart: a disk backend must be usable here as is.
const _fits: (b: BlockBackend) => BlkBackend = (b) => b;
void _fits;

export interface VirtioBlkOptions {
  /** Serial returned by GET_ID (at most 20 bytes are sent). */
  serial?: string;
  queueSize?: number;
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: bigint;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 60;
  private readonly config = new Uint8Array(60);
  private readonly id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
  private readonly header = new Uint8Array(16);
  private readonly headerView = new DataView(this.header.buffer);
  private ctx: VirtioContext | undefined;
  /** Bumped on reset so that completions of older requests are dropped. */
  private epoch = 0;
  /** Requests handed to the backend and not yet completed. */
  inFlight = 0;
  /** Requests and bytes the guest asked for (the statistics' disk rates): counters only. */
  readonly stats = { reads: 0, writes: 0, readBytes: 0, writtenBytes: 0 };
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly backend: BlkBackend,
    opts: VirtioBlkOptions = {},
  ) {
    const queueSize = opts.queueSize ?? 256;
    this.queueMaxSizes = [queueSize];
    let f = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH;
    if (backend.readOnly) f |= VIRTIO_BLK_F_RO;
    else f |= VIRTIO_BLK_F_WRITE_ZEROES;
    if (backend.discard && !backend.readOnly) f |= VIRTIO_BLK_F_DISCARD;
    this.features = f;
    const c = new DataView(this.config.buffer);
    const sectors = Math.floor(backend.size / SECTOR);
    c.setUint32(0, sectors % 0x1_0000_0000, true);
    c.setUint32(4, Math.floor(sectors / 0x1_0000_0000), true);
    c.setUint32(12, Math.max(1, queueSize - 2), true); // seg_max: header and status take two descriptors
    c.setUint32(20, SECTOR, true); // blk_size
    c.setUint32(36, 0x3fffff, true); // max_discard_sectors
    c.setUint32(40, MAX_RANGE_SEGMENTS, true); // max_discard_seg
    c.setUint32(44, 8, true); // discard_sector_alignment: 4 KiB
    c.setUint32(48, MAX_WRITE_ZEROES_SECTORS, true);
    c.setUint32(52, MAX_RANGE_SEGMENTS, true);
    this.id.set(new TextEncoder().encode(opts.serial ?? 'typevisor').subarray(0, VIRTIO_BLK_ID_BYTES));
  }

  readConfig(offset: number, size: number): number {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // writeback (CONFIG_WCE) is not offered: the configuration space is read-only.
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
    this.epoch++;
  }

  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  notify(queueIndex: number): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const q = ctx.queues[queueIndex];
    for (let chain = q.pop(); chain; chain = q.pop()) this.handle(ctx, q, chain);
    q.publishAvailEvent();
    ctx.interrupt(q);
  }

  private handle(ctx: VirtioContext, q: SplitQueue, chain: Chain): void {
    if (chain.writableLen < 1) throw new VirtqueueError('virtio-blk: request without a writable status byte');
    const statusAt = chain.writableLen - 1;
    const fail = (status: number) => this.complete(q, chain, statusAt, 0, status);
    if (chain.read(0, this.header) < 16) return fail(VIRTIO_BLK_S_IOERR);
    const h = this.headerView;
    const type = h.getUint32(0, true);
    const sector = h.getUint32(12, true) * 0x1_0000_0000 + h.getUint32(8, true);
    const u8 = ctx.mem.u8;
    const b = this.backend;
    switch (type) {
      case VIRTIO_BLK_T_IN: {
        const len = statusAt;
        const off = this.range(sector, len);
        if (off < 0) return fail(VIRTIO_BLK_S_IOERR);
        this.stats.reads++;
        this.stats.readBytes += len;
        let pos = off;
        const ops: Done[] = [];
        chain.forEachWritable(0, len, (host, n) => {
          const at = pos;
          ops.push(attempt(() => b.read(at, u8.subarray(host, host + n))));
          pos += n;
        });
        return this.run(q, chain, statusAt, len, ops);
      }
      case VIRTIO_BLK_T_OUT: {
        if (b.readOnly) return fail(VIRTIO_BLK_S_IOERR);
        const len = chain.readableLen - 16;
        const off = this.range(sector, len);
        if (off < 0) return fail(VIRTIO_BLK_S_IOERR);
        this.stats.writes++;
        this.stats.writtenBytes += len;
        let pos = off;
        const ops: Done[] = [];
        chain.forEachReadable(16, len, (host, n) => {
          const at = pos;
          ops.push(attempt(() => b.write(at, u8.subarray(host, host + n))));
          pos += n;
        });
        return this.run(q, chain, statusAt, 0, ops);
      }
      case VIRTIO_BLK_T_FLUSH:
        return this.run(q, chain, statusAt, 0, [attempt(() => b.flush())]);
      case VIRTIO_BLK_T_GET_ID: {
        const n = chain.write(0, this.id.subarray(0, Math.min(VIRTIO_BLK_ID_BYTES, statusAt)));
        return this.complete(q, chain, statusAt, n, VIRTIO_BLK_S_OK);
      }
      case VIRTIO_BLK_T_DISCARD:
      case VIRTIO_BLK_T_WRITE_ZEROES:
        return this.ranges(q, chain, statusAt, type);
      default:
        return fail(VIRTIO_BLK_S_UNSUPP);
    }
  }

  /** DISCARD and WRITE_ZEROES: a list of 16-byte {sector u64, num_sectors u32, flags u32} segments. */
  private ranges(q: SplitQueue, chain: Chain, statusAt: number, type: number): void {
    const fail = (status: number) => this.complete(q, chain, statusAt, 0, status);
    const b = this.backend;
    const discard = type === VIRTIO_BLK_T_DISCARD;
    if (discard ? !(this.features & VIRTIO_BLK_F_DISCARD) : !(this.features & VIRTIO_BLK_F_WRITE_ZEROES)) {
      return fail(VIRTIO_BLK_S_UNSUPP);
    }
    const bytes = chain.readableLen - 16;
    const count = bytes / 16;
    if (!Number.isInteger(count) || count < 1 || count > MAX_RANGE_SEGMENTS) return fail(VIRTIO_BLK_S_IOERR);
    const seg = new Uint8Array(bytes);
    chain.read(16, seg);
    const dv = new DataView(seg.buffer);
    const spans: number[] = [];
    for (let i = 0; i < count; i++) {
      const sector = dv.getUint32(16 * i + 4, true) * 0x1_0000_0000 + dv.getUint32(16 * i, true);
      const num = dv.getUint32(16 * i + 8, true);
      const flags = dv.getUint32(16 * i + 12, true);
      // Only the unmap bit (0) is defined, and only for WRITE_ZEROES (§5.2.6.2).
      if (flags & ~1 || (discard && flags & 1)) return fail(VIRTIO_BLK_S_UNSUPP);
      if (!discard && num > MAX_WRITE_ZEROES_SECTORS) return fail(VIRTIO_BLK_S_IOERR);
      const len = num * SECTOR;
      const off = this.range(sector, len);
      if (off < 0) return fail(VIRTIO_BLK_S_IOERR);
      spans.push(off, len);
    }
    // Validate every segment before touching the backend, so a bad one leaves the disk unchanged.
    const ops: Done[] = [];
    for (let i = 0; i < spans.length; i += 2) {
      const off = spans[i];
      const len = spans[i + 1];
      if (discard) ops.push(attempt(() => b.discard!(off, len)));
      else if (b.writeZeroes) ops.push(attempt(() => b.writeZeroes!(off, len)));
      else {
        for (let p = 0; p < len; p += ZERO_CHUNK.length) {
          const chunk = ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, len - p));
          ops.push(attempt(() => b.write(off + p, chunk)));
        }
      }
    }
    this.run(q, chain, statusAt, 0, ops);
  }

  /** Byte offset of a sector range that lies on the disk and is whole sectors long, else -1. */
  private range(sector: number, len: number): number {
    if (len < 0 || len % SECTOR !== 0) return -1;
    if (sector > this.backend.size / SECTOR) return -1;
    const off = sector * SECTOR;
    return off + len <= this.backend.size ? off : -1;
  }

  /** Completes now if every backend call finished synchronously, else when they all settle. */
  private run(q: SplitQueue, chain: Chain, statusAt: number, written: number, ops: Done[]): void {
    const pending = ops.filter((r): r is Promise<void> => r instanceof Promise && r !== FAILED);
    if (ops.includes(FAILED)) {
      for (const p of pending) p.catch(() => undefined); // nobody waits for them any more
      return this.complete(q, chain, statusAt, 0, VIRTIO_BLK_S_IOERR);
    }
    if (pending.length === 0) return this.complete(q, chain, statusAt, written, VIRTIO_BLK_S_OK);
    const epoch = this.epoch;
    this.inFlight++;
    Promise.all(pending).then(
      () => this.completeLater(epoch, q, chain, statusAt, written, VIRTIO_BLK_S_OK),
      () => this.completeLater(epoch, q, chain, statusAt, 0, VIRTIO_BLK_S_IOERR),
    );
  }

  private completeLater(
    epoch: number,
    q: SplitQueue,
    chain: Chain,
    statusAt: number,
    written: number,
    status: number,
  ): void {
    this.inFlight--;
    const ctx = this.ctx;
    if (epoch === this.epoch && ctx) {
      this.complete(q, chain, statusAt, written, status);
      ctx.interrupt(q);
    } // else the driver reset the device meanwhile
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private complete(q: SplitQueue, chain: Chain, statusAt: number, written: number, status: number): void {
    this.header[0] = status;
    chain.write(statusAt, this.header.subarray(0, 1));
    q.pushUsed(chain.head, written + 1);
  }
}
