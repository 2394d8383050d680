// A NIC backend over a UNIX stream socket: frames as 4-byte big-endian length + bytes (QEMU's -netdev stream framing).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { NetBackend } from '../devices/virtio/net.js';

/** Largest frame accepted from the peer (a 64 KiB frame plus slack, as QEMU's NET_BUFSIZE); larger closes the connection. */
export const MAX_FRAME = 65536 + 4096;
/** Bytes queued towards a peer that does not read before frames are dropped (QEMU's net queues drop too). */
export const DEFAULT_MAX_QUEUED = 1 << 20;
/** Bytes queued towards the peer past which the NIC is told to wait (canSend), well before frames are dropped. */
export const SEND_HIGH_WATER = 128 * 1024;

export interface StreamNetOptions {
  /** One line per peer event: connected, gone, replaced, frames dropped, bad frame. Never per frame. */
  log?: (message: string) => void;
  maxQueuedBytes?: number;
  /** Called once when a connect()ed link's peer goes away (the switch port reconnects on it). */
  onPeerGone?: () => void;
}

export interface StreamNetStats {
  framesIn: number;
  framesOut: number;
  /** Frames sent while no peer was connected, or while the peer was not reading. */
  dropped: number;
  /** Connections closed for a frame length beyond MAX_FRAME. */
  badFrames: number;
}

/** One connection's framing state: a partial frame never outlives its connection. */
export class Peer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    readonly socket: Socket,
    private readonly deliver: (frame: Uint8Array) => void,
    private readonly bad: (len: number) => void,
  ) {}

  /** Splits the stream into frames; pending holds at most one partial frame, so at most 4 + MAX_FRAME bytes. */
  onData(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 4) {
      const len = this.pending.readUInt32BE(0);
      if (len > MAX_FRAME) {
        this.pending = Buffer.alloc(0);
        this.bad(len);
        return;
      }
      if (this.pending.length < 4 + len) break;
      const frame = new Uint8Array(this.pending.subarray(4, 4 + len)).slice();
      this.pending = this.pending.subarray(4 + len);
      if (len > 0) this.deliver(frame);
    }
    // Keep no view of a large chunk alive for a few leftover bytes.
    if (this.pending.length && this.pending.buffer.byteLength > 4 * (this.pending.length + 4096))
      this.pending = Buffer.from(this.pending);
  }
}

export class StreamNetBackend implements NetBackend {
  private receiver: ((frame: Uint8Array) => void) | undefined;
  private writable: (() => void) | undefined;
  private receiving = true;
  private peer: Peer | undefined;
  private server: Server | undefined;
  private closed = false;
  /** Drops since the last "dropping" line, so a burst of drops is logged once, with its count when it ends. */
  private dropRun = 0;
  private readonly log: (message: string) => void;
  private readonly maxQueued: number;
  private readonly onPeerGone: (() => void) | undefined;
  readonly stats: StreamNetStats = { framesIn: 0, framesOut: 0, dropped: 0, badFrames: 0 };

  private constructor(
    readonly description: string,
    opts: StreamNetOptions,
  ) {
    this.log = opts.log ?? (() => undefined);
    this.maxQueued = opts.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
    this.onPeerGone = opts.onPeerGone;
  }

  /**
   * Listens on a socket path (which must not exist: the caller removes a stale socket first); each process that
   * connects becomes the peer, replacing the previous one. Resolves once listening.
   */
  static async listen(path: string, opts: StreamNetOptions = {}): Promise<StreamNetBackend> {
    const b = new StreamNetBackend(`listen:${path}`, opts);
    const server = createServer((s) => {
      if (b.peer) b.log(`a new peer connected to ${path}; the previous one is disconnected`);
      else b.log(`peer connected to ${path}`);
      b.peer?.socket.destroy();
      b.attach(s);
    });
    b.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => b.log(`socket ${path}: ${e.message}`));
    server.unref();
    return b;
  }

  /** Connects to a listening peer; rejects if nobody listens there. */
  static async connect(path: string, opts: StreamNetOptions = {}): Promise<StreamNetBackend> {
    const b = new StreamNetBackend(`connect:${path}`, opts);
    const s = createConnection(path);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve();
      });
    });
    b.attach(s);
    return b;
  }

  private attach(s: Socket): void {
    const peer = new Peer(
      s,
      (frame) => {
        if (this.peer !== peer) return;
        this.stats.framesIn++;
        this.receiver?.(frame);
      },
      (len) => {
        this.stats.badFrames++;
        this.log(`the peer sent a frame length of ${len} bytes (at most ${MAX_FRAME}): disconnecting it`);
        s.destroy();
      },
    );
    this.peer = peer;
    s.unref();
    s.on('data', (chunk: Buffer) => peer.onData(chunk));
    s.on('drain', () => {
      this.endDropRun();
      this.writable?.();
    });
    if (!this.receiving) s.pause();
    s.on('close', () => {
      if (this.peer !== peer) return;
      this.peer = undefined;
      this.endDropRun();
      this.writable?.(); // frames now go nowhere rather than wait
      if (this.closed) return;
      if (this.onPeerGone) this.onPeerGone();
      else this.log(`peer ${this.description.startsWith('listen') ? 'disconnected' : 'closed the link'}`);
    });
    s.on('error', () => undefined); // 'close' follows and says it
  }

  private drop(why: string): void {
    this.stats.dropped++;
    if (this.dropRun++ === 0) this.log(`dropping frames: ${why}`);
  }

  private endDropRun(): void {
    if (this.dropRun > 0) this.log(`${this.dropRun} frame${this.dropRun === 1 ? '' : 's'} dropped`);
    this.dropRun = 0;
  }

  send(frame: Uint8Array): void {
    const s = this.peer?.socket;
    if (!s || s.destroyed) {
      this.stats.dropped++;
      return; // no peer: an unplugged cable, not worth a line per frame
    }
    if (s.writableLength + frame.length + 4 > this.maxQueued) {
      this.drop(`the peer is not reading (${s.writableLength} bytes queued)`);
      return;
    }
    this.endDropRun();
    s.write(encodeFrame(frame));
    this.stats.framesOut++;
  }

  onReceive(cb: (frame: Uint8Array) => void): void {
    this.receiver = cb;
  }

  /** False while the peer has SEND_HIGH_WATER bytes queued; with no peer, frames are dropped at once instead. */
  canSend(): boolean {
    const s = this.peer?.socket;
    return !s || s.destroyed || s.writableLength < SEND_HIGH_WATER;
  }

  onWritable(cb: () => void): void {
    this.writable = cb;
  }

  setReceiving(on: boolean): void {
    this.receiving = on;
    const s = this.peer?.socket;
    if (!s || s.destroyed) return;
    if (on) s.resume();
    else s.pause();
  }

  close(): void {
    this.closed = true;
    this.peer?.socket.destroy();
    this.server?.close();
  }
}

/** One frame as the stream carries it: its length (4 bytes, big-endian), then its bytes. */
export function encodeFrame(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}

/** A NIC with no peer: the link is up, transmitted frames are counted and dropped. */
export class NullNetBackend implements NetBackend {
  dropped = 0;
  send(): void {
    this.dropped++;
  }
  onReceive(): void {
    /* nothing ever arrives */
  }
}
