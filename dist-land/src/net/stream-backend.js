// A NIC backend over a UNIX stream socket: frames as 4-byte big-endian length + bytes (QEMU's -netdev stream framing).
import { createConnection, createServer } from 'node:net';
/** Largest frame accepted from the peer (a 64 KiB frame plus slack, as QEMU's NET_BUFSIZE); larger closes the connection. */
export const MAX_FRAME = 65536 + 4096;
/** Bytes queued towards a peer that does not read before frames are dropped (QEMU's net queues drop too). */
export const DEFAULT_MAX_QUEUED = 1 << 20;
/** One connection's framing state: a partial frame never outlives its connection. */
export class Peer {
    socket;
    deliver;
    bad;
    pending = Buffer.alloc(0);
    constructor(socket, deliver, bad) {
        this.socket = socket;
        this.deliver = deliver;
        this.bad = bad;
    }
    /** Splits the stream into frames; pending holds at most one partial frame, so at most 4 + MAX_FRAME bytes. */
    onData(chunk) {
        this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
        while (this.pending.length >= 4) {
            const len = this.pending.readUInt32BE(0);
            if (len > MAX_FRAME) {
                this.pending = Buffer.alloc(0);
                this.bad(len);
                return;
            }
            if (this.pending.length < 4 + len)
                break;
            const frame = new Uint8Array(this.pending.subarray(4, 4 + len)).slice();
            this.pending = this.pending.subarray(4 + len);
            if (len > 0)
                this.deliver(frame);
        }
        // Keep no view of a large chunk alive for a few leftover bytes.
        if (this.pending.length && this.pending.buffer.byteLength > 4 * (this.pending.length + 4096))
            this.pending = Buffer.from(this.pending);
    }
}
export class StreamNetBackend {
    description;
    receiver;
    peer;
    server;
    closed = false;
    /** Drops since the last "dropping" line, so a burst of drops is logged once, with its count when it ends. */
    dropRun = 0;
    log;
    maxQueued;
    onPeerGone;
    stats = { framesIn: 0, framesOut: 0, dropped: 0, badFrames: 0 };
    constructor(description, opts) {
        this.description = description;
        this.log = opts.log ?? (() => undefined);
        this.maxQueued = opts.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
        this.onPeerGone = opts.onPeerGone;
    }
    /**
     * Listens on a socket path (which must not exist: the caller removes a stale socket first); each process that
     * connects becomes the peer, replacing the previous one. Resolves once listening.
     */
    static async listen(path, opts = {}) {
        const b = new StreamNetBackend(`listen:${path}`, opts);
        const server = createServer((s) => {
            if (b.peer)
                b.log(`a new peer connected to ${path}; the previous one is disconnected`);
            else
                b.log(`peer connected to ${path}`);
            b.peer?.socket.destroy();
            b.attach(s);
        });
        b.server = server;
        await new Promise((resolve, reject) => {
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
    static async connect(path, opts = {}) {
        const b = new StreamNetBackend(`connect:${path}`, opts);
        const s = createConnection(path);
        await new Promise((resolve, reject) => {
            s.once('error', reject);
            s.once('connect', () => {
                s.off('error', reject);
                resolve();
            });
        });
        b.attach(s);
        return b;
    }
    attach(s) {
        const peer = new Peer(s, (frame) => {
            if (this.peer !== peer)
                return;
            this.stats.framesIn++;
            this.receiver?.(frame);
        }, (len) => {
            this.stats.badFrames++;
            this.log(`the peer sent a frame length of ${len} bytes (at most ${MAX_FRAME}): disconnecting it`);
            s.destroy();
        });
        this.peer = peer;
        s.unref();
        s.on('data', (chunk) => peer.onData(chunk));
        s.on('drain', () => this.endDropRun());
        s.on('close', () => {
            if (this.peer !== peer)
                return;
            this.peer = undefined;
            this.endDropRun();
            if (this.closed)
                return;
            if (this.onPeerGone)
                this.onPeerGone();
            else
                this.log(`peer ${this.description.startsWith('listen') ? 'disconnected' : 'closed the link'}`);
        });
        s.on('error', () => undefined); // 'close' follows and says it
    }
    drop(why) {
        this.stats.dropped++;
        if (this.dropRun++ === 0)
            this.log(`dropping frames: ${why}`);
    }
    endDropRun() {
        if (this.dropRun > 0)
            this.log(`${this.dropRun} frame${this.dropRun === 1 ? '' : 's'} dropped`);
        this.dropRun = 0;
    }
    send(frame) {
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
    onReceive(cb) {
        this.receiver = cb;
    }
    close() {
        this.closed = true;
        this.peer?.socket.destroy();
        this.server?.close();
    }
}
/** One frame as the stream carries it: its length (4 bytes, big-endian), then its bytes. */
export function encodeFrame(frame) {
    const out = Buffer.allocUnsafe(4 + frame.length);
    out.writeUInt32BE(frame.length, 0);
    out.set(frame, 4);
    return out;
}
/** A NIC with no peer: the link is up, transmitted frames are counted and dropped. */
export class NullNetBackend {
    dropped = 0;
    send() {
        this.dropped++;
    }
    onReceive() {
        /* nothing ever arrives */
    }
}
//# sourceMappingURL=stream-backend.js.map