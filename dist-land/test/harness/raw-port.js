// A foreign peer on a network's ports socket (raw stream framing, as QEMU's -netdev stream), for the network tests.
import { createConnection } from 'node:net';
import { Peer, encodeFrame } from '../../src/net/stream-backend.js';
export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
export async function until(cond) {
    while (!(await cond()))
        await tick();
}
/** A foreign peer on the ports socket: raw stream framing, every frame it receives kept. */
export class RawPort {
    sock;
    frames = [];
    closed = false;
    constructor(sock) {
        this.sock = sock;
        const peer = new Peer(sock, (f) => this.frames.push(f), () => sock.destroy());
        sock.on('data', (d) => peer.onData(d));
        sock.on('close', () => (this.closed = true));
        sock.on('error', () => undefined);
    }
    static open(path) {
        return new Promise((ok, fail) => {
            const s = createConnection(path);
            s.once('connect', () => ok(new RawPort(s)));
            s.once('error', fail);
        });
    }
    send(frame) {
        this.sock.write(encodeFrame(frame));
    }
    /** Waits for a frame that `pick` accepts (removing it and everything before it). */
    async next(pick) {
        for (;;) {
            for (let i = 0; i < this.frames.length; i++) {
                const v = pick(this.frames[i]);
                if (v !== undefined) {
                    this.frames.splice(0, i + 1);
                    return v;
                }
            }
            if (this.closed)
                throw new Error('the port was closed');
            await tick();
        }
    }
}
//# sourceMappingURL=raw-port.js.map