// The host side of the QEMU guest agent protocol: one request at a time over the port org.qemu.guest_agent.0,
// resynchronised with guest-sync-delimited whenever the stream may hold leftovers (a new agent, a timeout).
import { randomInt } from 'node:crypto';
import { AgentReader, encodeRequest, SYNC_DELIMITER } from './wire.js';
/** The virtio-console port name Debian's qemu-guest-agent opens (/dev/virtio-ports/org.qemu.guest_agent.0). */
export const GUEST_AGENT_PORT = 'org.qemu.guest_agent.0';
/** How long one command may take unless the caller says otherwise. */
export const DEFAULT_AGENT_TIMEOUT_MS = 10_000;
/** Commands the agent never answers when they succeed (it is going away). */
const NO_REPLY = new Set(['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-ram', 'guest-suspend-hybrid']);
/** Requests waiting behind the one in flight; more is a caller bug or abuse. */
const MAX_QUEUED = 64;
export class AgentError extends Error {
    code;
    name = 'AgentError';
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}
export function noAgentMessage(vm) {
    return `no guest agent is running in ${vm}: the guest has not opened the port ${GUEST_AGENT_PORT} (install and start qemu-guest-agent in the guest; a guest that is still booting starts it late)`;
}
/**
 * Also the port's host end: the console device hands it the guest's bytes (write) and open/close events (opened).
 * Commands run one after another; each has its own timeout.
 */
export class GuestAgent {
    vmName;
    channel;
    reader;
    pending;
    queue = Promise.resolve();
    queued = 0;
    synced = false;
    constructor(vmName = 'the VM') {
        this.vmName = vmName;
        this.reader = new AgentReader((m) => this.onMessage(m), (problem) => this.failPending(new AgentError('protocol', problem)));
    }
    /** Connects the agent to the port it talks through (set once the device exists). */
    attach(channel) {
        this.channel = channel;
    }
    /** An agent runs in the guest (it has the port open); it may still be busy or hung. */
    get present() {
        return this.channel?.open ?? false;
    }
    /** Bytes from the guest (PortHost). */
    write(data) {
        this.reader.push(data);
    }
    /** The guest opened or closed the port (PortHost): a new agent needs a new sync. */
    opened(open) {
        this.synced = false;
        if (!open)
            this.failPending(new AgentError('closed', `the guest agent in ${this.vmName} closed its port`));
    }
    /**
     * Runs one agent command and resolves to its `return` value. Rejects with AgentError: no-agent (nothing has the
     * port open), timeout, guest-error (the agent's own error, with its description), protocol, closed.
     */
    call(command, args, timeoutMs = DEFAULT_AGENT_TIMEOUT_MS) {
        if (this.queued >= MAX_QUEUED)
            return Promise.reject(new AgentError('protocol', `too many guest agent requests waiting for ${this.vmName}`));
        this.queued++;
        const run = this.queue.then(() => this.run(command, args, timeoutMs));
        this.queue = run.then(() => undefined, () => undefined);
        return run.finally(() => this.queued--);
    }
    async run(command, args, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        if (!this.present)
            throw new AgentError('no-agent', noAgentMessage(this.vmName));
        if (!this.synced) {
            const id = randomInt(1, 2 ** 31 - 1);
            this.reader.expectDelimiter();
            const request = Buffer.concat([Buffer.from([SYNC_DELIMITER]), encodeRequest('guest-sync-delimited', { id })]);
            await this.exchange(request, Math.max(1, deadline - Date.now()), `guest-sync-delimited (before ${command})`, id);
            this.synced = true;
        }
        const request = encodeRequest(command, args);
        if (NO_REPLY.has(command)) {
            this.send(request);
            return undefined;
        }
        return this.exchange(request, Math.max(1, deadline - Date.now()), command);
    }
    send(request) {
        const channel = this.channel;
        if (!channel?.open)
            throw new AgentError('no-agent', noAgentMessage(this.vmName));
        const taken = channel.send(request);
        if (taken < request.length) {
            // Part of a request in the agent's parser: the next command resynchronises.
            this.synced = false;
            throw new AgentError('protocol', `the guest agent's port in ${this.vmName} is full (${request.length}-byte request)`);
        }
    }
    exchange(request, timeoutMs, what, syncId) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                if (this.pending !== entry)
                    return;
                this.pending = undefined;
                // The reply may still come: whatever arrives before the next sync's delimiter is skipped.
                this.synced = false;
                reject(new AgentError('timeout', `the guest agent in ${this.vmName} did not answer ${what} within ${Math.round(timeoutMs / 100) / 10} s`));
            }, timeoutMs);
            const entry = {
                syncId,
                resolve: (v) => {
                    clearTimeout(timer);
                    resolve(v);
                },
                reject: (e) => {
                    clearTimeout(timer);
                    reject(e);
                },
            };
            this.pending = entry;
            try {
                this.send(request);
            }
            catch (e) {
                this.pending = undefined;
                entry.reject(e);
            }
        });
    }
    onMessage(message) {
        const p = this.pending;
        if (!p || typeof message !== 'object' || message === null)
            return;
        const m = message;
        if (p.syncId !== undefined) {
            // Anything but the matching sync reply is a leftover of an earlier exchange.
            if (m.return !== p.syncId)
                return;
            this.pending = undefined;
            return p.resolve(m.return);
        }
        this.pending = undefined;
        if ('error' in m) {
            const desc = typeof m.error?.desc === 'string' ? m.error.desc.slice(0, 1000) : 'an unknown error';
            return p.reject(new AgentError('guest-error', `the guest agent in ${this.vmName}: ${desc}`));
        }
        if (!('return' in m)) {
            this.synced = false;
            return p.reject(new AgentError('protocol', `the guest agent in ${this.vmName} sent a reply without a result`));
        }
        p.resolve(m.return);
    }
    failPending(e) {
        const p = this.pending;
        this.pending = undefined;
        this.synced = false;
        p?.reject(e);
    }
}
//# sourceMappingURL=client.js.map