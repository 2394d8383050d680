// `typevisor serve` end to end with the real VM manager and a real Debian guest: everything through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { BIN, ManagerHome } from './harness/manager-cli.js';
import { actionLeaves, apiCall, openWs, wsStatus } from './harness/api-client.js';
/** Bounds a hang (a boot on a loaded CI machine takes minutes); not a timing assertion. */
const WAIT_MS = 15 * 60_000;
/** Types `cmd` again and again until the guest's shell has run it: its output carries `expect` (computed by the guest). */
async function runInGuest(con, cmd, expect) {
    const from = con.binaryText().length;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
        con.ws.send(Buffer.from(`${cmd}\n`));
        const seen = await Promise.race([
            con.until(() => expect.test(con.binaryText().slice(from)), `output matching ${expect}`).then(() => true),
            sleep(5000).then(() => false),
        ]);
        if (seen)
            return con.binaryText().slice(from);
        if (Date.now() > deadline)
            throw new Error(`no ${expect} from the guest; console so far:\n${con.binaryText().slice(-2000)}`);
    }
}
function stateEvents(events, vm) {
    return events
        .json()
        .filter((e) => e.event === 'state' && e.vm === vm)
        .map((e) => e.state);
}
test('typevisor serve drives a real Debian VM: create, start, console, pause, resume, stop, crash, delete', { timeout: 40 * 60_000 }, async () => {
    if (!(await findCachedDebian()))
        await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-serve-');
    const serve = spawn(process.execPath, [BIN, 'serve'], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    serve.stdout.on('data', (d) => (stdout += d.toString()));
    serve.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise((done) => serve.on('exit', (code) => done(code)));
    try {
        const deadline = Date.now() + WAIT_MS;
        let m;
        while (!(m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})\n/.exec(stdout))) {
            if (serve.exitCode !== null || Date.now() > deadline)
                throw new Error(`serve did not print its URL: ${stdout}${stderr}`);
            await sleep(100);
        }
        const port = Number(m[1]);
        const token = m[2];
        const tokenFile = join(h.dir, 'serve.token');
        assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
        assert.equal(readFileSync(tokenFile, 'utf8').trim(), token);
        const info = JSON.parse(readFileSync(join(h.dir, 'serve.json'), 'utf8'));
        assert.deepEqual([info.pid, info.port], [serve.pid, port]);
        const second = await h.tv('serve');
        assert.equal(second.code, 2);
        assert.match(second.stderr, /runs already \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+\//);
        for (const [args, re] of [
            [['--listen', 'example.com'], /--listen takes an IP address/],
            [['--port', '70000'], /--port takes a port number/],
        ]) {
            const r = await h.tv('serve', ...args);
            assert.equal(r.code, 2, r.stderr);
            assert.match(r.stderr, re);
        }
        // Refused requests change nothing on disk.
        const before = h.snapshot();
        const body = { name: 'api', memoryMiB: 512 };
        assert.equal((await apiCall(port, 'POST', '/api/vms', { body })).status, 401);
        assert.equal((await apiCall(port, 'POST', '/api/vms', { token: 'A'.repeat(43), body })).status, 401);
        assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body, headers: { origin: 'http://evil.example' } })).status, 403);
        assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body, headers: { host: `evil.example:${port}` } })).status, 403);
        assert.equal(await wsStatus(port, '/api/events', { headers: { origin: `http://127.0.0.1:${port}` } }), 401);
        assert.equal(h.snapshot(), before);
        const events = await openWs(port, '/api/events', { token });
        const created = await apiCall(port, 'POST', '/api/vms', { token, body });
        assert.equal(created.status, 201, created.text);
        assert.ok(existsSync(join(h.dir, 'vms', 'api', 'vm.json')));
        assert.equal((await apiCall(port, 'POST', '/api/vms/api/actions', { token, body: { action: 'pause' } })).status, 409);
        const started = await apiCall(port, 'POST', '/api/vms/api/start', { token });
        assert.equal(started.status, 200, started.text);
        assert.equal(started.json.state, 'running');
        const wrong = await apiCall(port, 'POST', '/api/vms/api/actions', { token, body: { action: 'resume' } });
        assert.equal(wrong.status, 409, wrong.text);
        assert.equal((await apiCall(port, 'POST', '/api/vms/api/start', { token })).status, 409);
        assert.equal((await apiCall(port, 'DELETE', '/api/vms/api', { token })).status, 409);
        const con = await openWs(port, '/api/vms/api/console', { token });
        const out = await runInGuest(con, 'echo "tv-$((6*7))-$(uname -m)"', /tv-42-riscv64/);
        assert.match(out, /tv-42-riscv64/);
        con.ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
        const listed = (await apiCall(port, 'GET', '/api/vms', { token })).json;
        const vm = listed.vms.find((v) => v.name === 'api');
        assert.equal(vm.state, 'running');
        assert.equal(vm.memoryMiB, 512);
        assert.ok(vm.rssBytes > 0, 'the VM process has a resident set');
        assert.ok(vm.uptimeMs >= 0);
        await actionLeaves(port, token, 'api', 'pause', 'paused');
        await actionLeaves(port, token, 'api', 'resume', 'running');
        await runInGuest(con, 'echo "after-$((2+3))"', /after-5/);
        const stop = await apiCall(port, 'POST', '/api/vms/api/actions', {
            token,
            body: { action: 'stop', timeoutMs: 120_000 },
        });
        assert.equal(stop.status, 200, stop.text);
        await events.until(() => stateEvents(events, 'api').includes('stopped'), 'the stopped event');
        await con.until(() => con.closed !== null, 'the console to close');
        assert.deepEqual(stateEvents(events, 'api').filter((s) => s !== 'stopping'), ['created', 'running', 'paused', 'running', 'stopped']);
        // A VM process killed behind the server's back: the server says so and keeps serving.
        const again = await apiCall(port, 'POST', '/api/vms/api/start', { token });
        assert.equal(again.status, 200, again.text);
        process.kill(again.json.pid, 'SIGKILL');
        await events.until(() => stateEvents(events, 'api').at(-1) === 'crashed', 'the crashed event');
        // The process's waiter records the signal just after the process is gone: the state may say crashed a
        // moment before the reason names the signal.
        let crashed = (await apiCall(port, 'GET', '/api/vms/api', { token })).json;
        for (let i = 0; i < 100 && !/SIGKILL/.test(crashed.reason ?? ''); i++) {
            await sleep(100);
            crashed = (await apiCall(port, 'GET', '/api/vms/api', { token })).json;
        }
        assert.equal(crashed.state, 'crashed');
        assert.match(crashed.reason ?? '', /SIGKILL/);
        assert.equal((await apiCall(port, 'DELETE', '/api/vms/api', { token })).status, 204);
        assert.equal((await apiCall(port, 'GET', '/api/vms/api', { token })).status, 404);
        assert.ok(!existsSync(join(h.dir, 'vms', 'api')));
        await events.until(() => events.json().some((e) => e.event === 'deleted'), 'deleted');
        events.ws.close();
        serve.kill('SIGTERM');
        assert.equal(await exited, 0, stderr);
        assert.ok(!existsSync(join(h.dir, 'serve.json')), 'serve.json removed when the server stops');
    }
    finally {
        if (serve.exitCode === null)
            serve.kill('SIGKILL');
        h.cleanup();
    }
});
//# sourceMappingURL=web-e2e.test.js.map