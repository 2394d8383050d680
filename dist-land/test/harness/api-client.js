// HTTP and WebSocket calls to a local API server with full control of the headers (Host, Origin, Authorization, Cookie).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
export function apiCall(port, method, path, opts = {}) {
    const headers = { host: `127.0.0.1:${port}`, ...opts.headers };
    if (opts.token !== undefined)
        headers.authorization = `Bearer ${opts.token}`;
    let payload;
    if (opts.body !== undefined) {
        payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
    }
    return new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
            const parts = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () => {
                const text = Buffer.concat(parts).toString('utf8');
                let json;
                try {
                    json = JSON.parse(text);
                }
                catch {
                    json = undefined;
                }
                resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
            });
        });
        req.on('error', reject);
        req.end(payload);
    });
}
/** Opens a WebSocket; resolves when open, rejects with the HTTP status when the upgrade is refused. */
export function openWs(port, path, opts = {}) {
    const headers = { ...opts.headers };
    if (opts.token !== undefined)
        headers.authorization = `Bearer ${opts.token}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    // Collect from the start: the server may send its first message in the same packet as the upgrade's answer.
    const inbox = new WsInbox(ws);
    return new Promise((resolve, reject) => {
        ws.once('open', () => resolve(inbox));
        ws.once('unexpected-response', (_req, res) => {
            reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
            ws.terminate();
        });
        ws.once('error', reject);
    });
}
/** The status a refused upgrade answered with (0 when the upgrade succeeded). */
export async function wsStatus(port, path, opts = {}) {
    try {
        const inbox = await openWs(port, path, opts);
        inbox.ws.close();
        return 0;
    }
    catch (e) {
        return e.status ?? -1;
    }
}
/** Collects messages of an open WebSocket: wait for one that matches. */
export class WsInbox {
    ws;
    messages = [];
    waiters = [];
    closed = null;
    constructor(ws) {
        this.ws = ws;
        ws.on('message', (data, binary) => {
            this.messages.push({ data: Buffer.isBuffer(data) ? data : Buffer.from(data), binary });
            this.wake();
        });
        ws.on('close', (code, reason) => {
            this.closed = { code, reason: reason.toString() };
            this.wake();
        });
    }
    wake() {
        const w = this.waiters;
        this.waiters = [];
        for (const f of w)
            f();
    }
    /** All binary data received so far, as text. */
    binaryText() {
        return Buffer.concat(this.messages.filter((m) => m.binary).map((m) => m.data)).toString('latin1');
    }
    json() {
        return this.messages.filter((m) => !m.binary).map((m) => JSON.parse(m.data.toString('utf8')));
    }
    /** Waits until `test` holds (checked after every message); the test's own timeout bounds the wait. */
    async until(test, what) {
        while (!test()) {
            if (this.closed)
                throw new Error(`WebSocket closed (${this.closed.code} ${this.closed.reason}) before ${what}`);
            await new Promise((r) => this.waiters.push(r));
        }
    }
}
/** Sends `action` to the VM and checks the state the API then reports for it. */
export async function actionLeaves(port, token, vm, action, state) {
    const r = await apiCall(port, 'POST', `/api/vms/${vm}/actions`, { token, body: { action } });
    assert.equal(r.status, 200, r.text);
    const now = await apiCall(port, 'GET', `/api/vms/${vm}`, { token });
    assert.equal(now.json.state, state, now.text);
}
//# sourceMappingURL=api-client.js.map