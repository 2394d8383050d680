// The client side of a VM's control socket: one request and its reply, or a subscription to its events.
import { createConnection } from 'node:net';
import { ManagerError } from './errors.js';
import { LineSplitter } from './lines.js';
import { MAX_AGENT_REPLY } from '../agent/wire.js';
/** The agent's largest reply, re-encoded as JSON inside the control reply (escapes and the envelope). */
const AGENT_REPLY_LINE_BYTES = 2 * MAX_AGENT_REPLY;
/** The socket could not be reached: the VM process is gone (or was never there). */
export class NotServing extends Error {
    name = 'NotServing';
}
function connect(path) {
    return new Promise((ok, fail) => {
        const s = createConnection(path);
        s.once('connect', () => {
            s.off('error', fail);
            ok(s);
        });
        s.once('error', (e) => {
            fail(e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
                ? new NotServing(`nothing serves ${path}`)
                : new ManagerError('failed', `${path}: ${e.message}`));
        });
    });
}
function replyError(reply) {
    const kind = reply.error.code === 'wrong-state' ? 'wrong-state' : reply.error.code === 'failed' ? 'failed' : 'bad-input';
    return new ManagerError(kind, reply.error.message);
}
/** Sends one action and resolves to its result; a refused action is a ManagerError with the VM's message. */
export async function controlRequest(path, action, timeoutMs = 30_000) {
    const sock = await connect(path);
    return new Promise((ok, fail) => {
        const timer = setTimeout(() => {
            sock.destroy();
            fail(new ManagerError('failed', `no reply to "${action.action}" from ${path} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = (f) => {
            clearTimeout(timer);
            sock.destroy();
            f();
        };
        const splitter = new LineSplitter((line) => {
            let reply;
            try {
                reply = JSON.parse(line);
            }
            catch {
                return done(() => fail(new ManagerError('failed', `bad reply from ${path}`)));
            }
            if (reply.id !== 1)
                return;
            done(() => (reply.ok ? ok(reply.result) : fail(replyError(reply))));
        }, () => done(() => fail(new ManagerError('failed', `reply from ${path} too long`))), 
        // A guest agent reply carries a command's captured output.
        action.action === 'agent' ? AGENT_REPLY_LINE_BYTES : undefined);
        sock.on('data', (d) => splitter.push(d));
        sock.on('error', () => undefined);
        sock.on('close', () => done(() => fail(new NotServing(`${path} closed before replying to "${action.action}"`))));
        sock.write(`${JSON.stringify({ id: 1, ...action })}\n`);
    });
}
/** Subscribes to a VM's events; `onEvent` sees each state change until the connection closes. */
export async function subscribeEvents(path, onEvent) {
    const sock = await connect(path);
    let subscribed = () => undefined;
    const ready = new Promise((ok, fail) => (subscribed = (good, error) => (good ? ok() : fail(error))));
    const closed = new Promise((done) => sock.on('close', () => done()));
    sock.on('close', () => subscribed(false, new NotServing(`${path} closed`)));
    sock.on('error', () => undefined);
    const splitter = new LineSplitter((line) => {
        let msg;
        try {
            msg = JSON.parse(line);
        }
        catch {
            return;
        }
        if ('event' in msg)
            onEvent(msg);
        else if (msg.ok)
            subscribed(true);
        else
            subscribed(false, replyError(msg));
    }, () => sock.destroy());
    sock.on('data', (d) => splitter.push(d));
    sock.write(`${JSON.stringify({ id: 1, action: 'subscribe' })}\n`);
    await ready;
    return { closed, close: () => sock.destroy() };
}
//# sourceMappingURL=control-client.js.map