// A live capture of a network's frames: a pcapng stream from its switch's control socket, cut at block boundaries.
import { createConnection } from 'node:net';
import { PassThrough } from 'node:stream';
import { ManagerError } from './errors.js';
import { ensureSwitch, existingNetwork } from './networks.js';
import { PCAPNG_EPB, PcapngBlocks } from '../net/pcapng.js';
/** The switch's answer to a capture request is one line; anything longer is not one. */
const MAX_REPLY_LINE = 64 * 1024;
/**
 * Starts capturing on a network, starting its switch when it does not run (it waits for VMs as on any start). Rejects
 * with a one-line reason (an unknown network or VM).
 */
export async function openCapture(home, network, o = {}) {
    const paths = existingNetwork(home, network);
    await ensureSwitch(paths);
    const sock = createConnection(paths.controlSocket);
    const stream = new PassThrough();
    const blocks = new PcapngBlocks();
    let packets = 0;
    let header = Buffer.alloc(0);
    let finish = () => undefined;
    const done = new Promise((r) => (finish = r));
    const end = () => {
        sock.destroy();
        if (!stream.writableEnded)
            stream.end();
        finish({ packets });
    };
    await new Promise((ok, fail) => {
        sock.once('error', (e) => fail(new ManagerError('failed', `network ${network}: ${e.message}`)));
        sock.once('connect', () => {
            sock.write(`${JSON.stringify({ id: 1, op: 'capture', vm: o.vm })}\n`);
        });
        const take = (d) => {
            if (header !== undefined) {
                // The reply line comes first; the pcapng stream follows it.
                header = Buffer.concat([header, d]);
                const nl = header.indexOf(10);
                if (nl < 0) {
                    if (header.length > MAX_REPLY_LINE)
                        fail(new ManagerError('failed', `network ${network}: bad reply`));
                    return;
                }
                let reply;
                try {
                    reply = JSON.parse(header.subarray(0, nl).toString());
                }
                catch {
                    reply = { ok: false, error: { message: 'bad reply from the switch' } };
                }
                const rest = header.subarray(nl + 1);
                header = undefined;
                if (!reply.ok) {
                    sock.destroy();
                    return fail(new ManagerError('bad-input', `network ${network}: ${reply.error?.message ?? 'capture refused'}`));
                }
                ok();
                d = rest;
            }
            let parsed;
            try {
                parsed = blocks.push(d);
            }
            catch {
                return end();
            }
            for (const b of parsed) {
                if (o.count !== undefined && packets >= o.count)
                    return end();
                if (b.type === PCAPNG_EPB)
                    packets++;
                if (!stream.write(b.bytes)) {
                    sock.pause();
                    stream.once('drain', () => sock.resume());
                }
            }
            if (o.count !== undefined && packets >= o.count)
                end();
        };
        sock.on('data', take);
        sock.on('close', () => {
            fail(new ManagerError('failed', `network ${network}: the switch closed the capture`));
            end();
        });
    });
    sock.on('error', () => undefined);
    return { stream, stop: end, done };
}
//# sourceMappingURL=net-capture.js.map