// The live-migration stream: framed messages with bounded lengths, a token-based HMAC handshake, and a MAC per frame.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';

/** The first bytes each side sends: anything else on the port is not a typevisor migration. */
export const MIGRATION_MAGIC = Buffer.from('TVMIGR1\n', 'latin1');
export const MIGRATION_VERSION = 1;
export const PAGE = 4096;
/** Pages per PAGES frame: a frame is at most about 1 MiB. */
export const PAGES_PER_FRAME = 256;

/** Message types (docs/migration.md). Source → receiver unless marked. */
export const enum Msg {
  /** Receiver → source, first: magic, version, the receiver's nonce. */
  Hello = 1,
  /** Magic, version, the source's nonce, HMAC(token, "source" | receiver nonce | source nonce). */
  Auth = 2,
  /** Receiver → source: HMAC(token, "receiver" | source nonce | receiver nonce). From here every frame carries a MAC. */
  AuthOk = 3,
  /** Either way: a one-line reason; the sender closes. */
  Error = 4,
  /** The VM's definition and RAM size, as JSON. */
  Definition = 5,
  /** Receiver → source: the definition fits; send RAM. */
  Accept = 6,
  /** A run of pages: count (u32), then per page its index (u32) and 4096 bytes. */
  Pages = 7,
  /** The end of a pre-copy round: round number and pages sent (JSON). Informational. */
  RoundEnd = 8,
  /** The machine state (RAM apart) after the source stopped, with the CRC-32 of all of RAM, as JSON. */
  State = 9,
  /** Receiver → source: RAM and state arrived and check out; release the disks. */
  Handover = 10,
  /** The source closed its disks and host backends: the receiver may open them and run. */
  Released = 11,
  /** Receiver → source: the VM runs on the receiver. */
  Running = 12,
}

/** The largest payload of each type: a peer that announces more is refused before anything is read. */
const MAX_PAYLOAD: Record<number, number> = {
  [Msg.Hello]: 64,
  [Msg.Auth]: 128,
  [Msg.AuthOk]: 32,
  [Msg.Error]: 4096,
  [Msg.Definition]: 256 * 1024,
  [Msg.Accept]: 4096,
  [Msg.Pages]: 4 + PAGES_PER_FRAME * (4 + PAGE),
  [Msg.RoundEnd]: 4096,
  [Msg.State]: 64 * 1024 * 1024,
  [Msg.Handover]: 4096,
  [Msg.Released]: 4096,
  [Msg.Running]: 4096,
};
const HEADER = 5;
/** Bytes queued in the socket before a sender waits for it to drain. */
const SEND_BACKLOG = 4 * 1024 * 1024;
const TAG = 32;

/** Something about the stream is wrong (the peer, its data, the token): a one-line message. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface Frame {
  type: Msg;
  payload: Buffer;
}

/**
 * One side of a migration connection. Frames are `type (u8) | length (u32 LE) | payload`, and after authentication
 * `| HMAC-SHA256(session key, direction | sequence | type | payload)`, so a frame that was changed, replayed or
 * injected is refused at once. Reading keeps at most one frame and a bounded backlog in memory.
 */
export class Wire {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | undefined;
  private ended: Error | undefined;
  private key: Buffer | undefined;
  private sendSeq = 0n;
  private recvSeq = 0n;

  constructor(
    readonly socket: Socket,
    private readonly side: 'source' | 'receiver',
  ) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      if (this.buffered > 8 * 1024 * 1024) socket.pause();
      this.wake();
    });
    const end = (why: string) => {
      this.ended ??= new MigrationError(why);
      this.wake();
    };
    socket.on('end', () => end('the peer closed the connection'));
    socket.on('close', () => end('the connection closed'));
    socket.on('error', (e) => end(`connection error: ${e.message}`));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The authenticated session as text, to hand the connection to another process (the receiving VM process). */
  exportSession(): string {
    if (!this.key) throw new MigrationError('the connection is not authenticated');
    if (this.buffered) throw new MigrationError('the source sent more than it should have before it was accepted');
    this.socket.pause();
    this.socket.removeAllListeners('data');
    return JSON.stringify({ key: this.key.toString('hex'), send: String(this.sendSeq), recv: String(this.recvSeq) });
  }

  /** Continues a session exported by another process on the same connection. */
  static resume(socket: Socket, side: 'source' | 'receiver', session: string): Wire {
    const s = JSON.parse(session) as { key: string; send: string; recv: string };
    const w = new Wire(socket, side);
    w.key = Buffer.from(s.key, 'hex');
    w.sendSeq = BigInt(s.send);
    w.recvSeq = BigInt(s.recv);
    return w;
  }

  /** Reads exactly n bytes. */
  private async take(n: number): Promise<Buffer> {
    while (this.buffered < n) {
      if (this.ended) throw this.ended;
      this.socket.resume();
      await new Promise<void>((r) => (this.waiter = r));
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    if (this.buffered < 1024 * 1024) this.socket.resume();
    return out;
  }

  /** The next frame; an unknown type, an over-long length or a wrong MAC is a MigrationError. */
  async read(): Promise<Frame> {
    const h = await this.take(HEADER);
    const type = h[0] as Msg;
    const len = h.readUInt32LE(1);
    const max = MAX_PAYLOAD[type];
    if (max === undefined) throw new MigrationError(`not a typevisor migration stream (message type ${type})`);
    if (len > max) throw new MigrationError(`the peer sent a message of ${len} bytes (type ${type}, at most ${max})`);
    const payload = await this.take(len);
    if (this.key) {
      const tag = await this.take(TAG);
      const want = this.mac(this.side === 'source' ? 'R' : 'S', this.recvSeq++, type, payload);
      if (!timingSafeEqual(tag, want)) throw new MigrationError('a message failed its authentication check');
    }
    if (type === Msg.Error) throw new MigrationError(`the peer refused: ${payload.toString('utf8').slice(0, 500)}`);
    return { type, payload };
  }

  /** Reads the next frame and requires its type. */
  async expect(type: Msg, what: string): Promise<Buffer> {
    const f = await this.read();
    if (f.type !== type) throw new MigrationError(`expected ${what}, got message type ${f.type}`);
    return f.payload;
  }

  private mac(dir: string, seq: bigint, type: number, payload: Uint8Array): Buffer {
    const head = Buffer.alloc(10);
    head.write(dir, 0, 'latin1');
    head.writeBigUInt64LE(seq, 1);
    head[9] = type;
    return createHmac('sha256', this.key!).update(head).update(payload).digest();
  }

  /** Sends a frame; resolves once the socket took it (backpressure: waits for drain). */
  async send(type: Msg, ...parts: Uint8Array[]): Promise<void> {
    const len = parts.reduce((n, p) => n + p.length, 0);
    const h = Buffer.alloc(HEADER);
    h[0] = type;
    h.writeUInt32LE(len, 1);
    const bufs: Uint8Array[] = [h, ...parts];
    if (this.key) {
      const head = Buffer.alloc(10);
      head.write(this.side === 'source' ? 'S' : 'R', 0, 'latin1');
      head.writeBigUInt64LE(this.sendSeq++, 1);
      head[9] = type;
      const m = createHmac('sha256', this.key).update(head);
      for (const p of parts) m.update(p);
      bufs.push(m.digest());
    }
    if (this.ended) throw this.ended;
    for (const b of bufs) this.socket.write(b);
    // Wait for the kernel to take data only past a few MiB: waiting at every frame would cost a turn of the VM each.
    if (this.socket.writableLength > SEND_BACKLOG)
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.socket.off('close', closed);
          resolve();
        };
        const closed = () => {
          this.socket.off('drain', done);
          reject(this.ended ?? new MigrationError('the connection closed'));
        };
        this.socket.once('drain', done);
        this.socket.once('close', closed);
      });
  }

  async sendJson(type: Msg, value: unknown): Promise<void> {
    await this.send(type, Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /** Sends an error frame (best effort) and closes. */
  async refuse(message: string): Promise<void> {
    try {
      if (!this.socket.destroyed) await this.send(Msg.Error, Buffer.from(message.slice(0, 4000), 'utf8'));
    } catch {
      // the peer is gone: nothing to tell
    }
    this.socket.end();
  }

  /** The receiver's half of the handshake: challenge, check the source's answer, prove the token back. */
  async acceptPeer(token: string): Promise<void> {
    const nonceR = randomBytes(32);
    const hello = Buffer.alloc(12 + 32);
    MIGRATION_MAGIC.copy(hello, 0);
    hello.writeUInt32LE(MIGRATION_VERSION, 8);
    nonceR.copy(hello, 12);
    await this.send(Msg.Hello, hello);
    const auth = await this.expect(Msg.Auth, 'the source to authenticate');
    if (auth.length !== 12 + 64 || !auth.subarray(0, 8).equals(MIGRATION_MAGIC))
      throw new MigrationError('the peer is not a typevisor migration source');
    if (auth.readUInt32LE(8) !== MIGRATION_VERSION)
      throw new MigrationError(
        `the source speaks migration version ${auth.readUInt32LE(8)}, this one ${MIGRATION_VERSION}`,
      );
    const nonceS = auth.subarray(12, 44);
    if (!timingSafeEqual(auth.subarray(44), proof(token, 'source', nonceR, nonceS))) {
      await this.refuse('wrong token');
      throw new MigrationError('the source gave a wrong token');
    }
    await this.send(Msg.AuthOk, proof(token, 'receiver', nonceS, nonceR));
    this.key = sessionKey(token, nonceR, nonceS);
  }

  /** The source's half of the handshake. */
  async connectPeer(token: string): Promise<void> {
    const hello = await this.read().catch((e: Error) => {
      throw new MigrationError(`the peer is not a typevisor receiver (${e.message})`);
    });
    const h = hello.payload;
    if (hello.type !== Msg.Hello || h.length !== 44 || !h.subarray(0, 8).equals(MIGRATION_MAGIC))
      throw new MigrationError('the peer is not a typevisor receiver');
    if (h.readUInt32LE(8) !== MIGRATION_VERSION)
      throw new MigrationError(
        `the receiver speaks migration version ${h.readUInt32LE(8)}, this one ${MIGRATION_VERSION}`,
      );
    const nonceR = h.subarray(12, 44);
    const nonceS = randomBytes(32);
    const auth = Buffer.alloc(12);
    MIGRATION_MAGIC.copy(auth, 0);
    auth.writeUInt32LE(MIGRATION_VERSION, 8);
    await this.send(Msg.Auth, auth, nonceS, proof(token, 'source', nonceR, nonceS));
    const ok = await this.expect(Msg.AuthOk, "the receiver's answer");
    if (ok.length !== 32 || !timingSafeEqual(ok, proof(token, 'receiver', nonceS, nonceR)))
      throw new MigrationError('the receiver could not prove the token');
    this.key = sessionKey(token, nonceR, nonceS);
  }
}

function proof(token: string, who: string, a: Uint8Array, b: Uint8Array): Buffer {
  return createHmac('sha256', token).update(who).update(a).update(b).digest();
}

function sessionKey(token: string, nonceR: Uint8Array, nonceS: Uint8Array): Buffer {
  return createHmac('sha256', token).update('typevisor migration session').update(nonceR).update(nonceS).digest();
}

/** A new receiver token: 128 random bits as 32 hex digits. */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** `tcp:HOST:PORT` → host and port; a clear error for anything else. */
export function parseTcpAddress(text: string): { host: string; port: number } {
  const m = /^tcp:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new MigrationError(`"${text}" is not an address of the form tcp:HOST:PORT`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}
