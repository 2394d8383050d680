// A NIC backend over a UNIX stream socket: frames as 4-byte big-endian length + bytes, so two typevisor processes can share a link.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { existsSync, unlinkSync } from 'node:fs';
import type { NetBackend } from '../devices/virtio/net.js';

/** Largest frame accepted from the peer (a jumbo frame plus slack); anything larger closes the connection. */
const MAX_FRAME = 65536 + 64;

export class StreamNetBackend implements NetBackend {
  private receiver: ((frame: Uint8Array) => void) | undefined;
  private socket: Socket | undefined;
  private server: Server | undefined;
  private pending: Buffer = Buffer.alloc(0);
  framesIn = 0;
  framesOut = 0;
  dropped = 0;

  private constructor(readonly description: string) {}

  /** Listens on a socket path; the first process to connect becomes the peer (a later one replaces it). */
  static listen(path: string, onError: (msg: string) => void): StreamNetBackend {
    const b = new StreamNetBackend(`listen:${path}`);
    if (existsSync(path)) unlinkSync(path);
    b.server = createServer((s) => {
      b.socket?.destroy();
      b.attach(s);
    });
    b.server.on('error', (e) => onError(`cannot listen on ${path}: ${e.message}`));
    b.server.listen(path);
    b.server.unref();
    return b;
  }

  static connect(path: string, onError: (msg: string) => void): StreamNetBackend {
    const b = new StreamNetBackend(`connect:${path}`);
    const s = createConnection(path);
    s.on('error', (e) => onError(`cannot connect to ${path}: ${e.message}`));
    b.attach(s);
    return b;
  }

  private attach(s: Socket): void {
    this.socket = s;
    s.unref();
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('close', () => {
      if (this.socket === s) this.socket = undefined;
    });
    s.on('error', () => undefined);
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 4) {
      const len = this.pending.readUInt32BE(0);
      if (len > MAX_FRAME) {
        this.socket?.destroy();
        this.pending = Buffer.alloc(0);
        return;
      }
      if (this.pending.length < 4 + len) break;
      const frame = new Uint8Array(this.pending.subarray(4, 4 + len));
      this.pending = this.pending.subarray(4 + len);
      this.framesIn++;
      this.receiver?.(frame.slice());
    }
  }

  send(frame: Uint8Array): void {
    const s = this.socket;
    if (!s || s.destroyed) {
      this.dropped++;
      return;
    }
    const head = Buffer.alloc(4);
    head.writeUInt32BE(frame.length, 0);
    s.write(Buffer.concat([head, frame]));
    this.framesOut++;
  }

  onReceive(cb: (frame: Uint8Array) => void): void {
    this.receiver = cb;
  }

  close(): void {
    this.socket?.destroy();
    this.server?.close();
  }
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
