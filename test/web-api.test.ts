// The local API server against a fake VM backend: the guard (token, Host, Origin, cookie), every route, the WebSockets, OpenAPI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ApiServer } from '../src/web/server.js';
import { loadOrCreateToken, tokenPath } from '../src/web/token.js';
import { openApiPath } from '../src/web/openapi.js';
import { allowedHosts } from '../src/web/guard.js';
import { StatsMessage } from '../src/web/schemas.js';
import { FakeVmBackend } from './harness/fake-vm-backend.js';
import { actionLeaves, apiCall, openWs, wsStatus } from './harness/api-client.js';

describe('web API with a fake backend', () => {
  let home: string;
  let backend: FakeVmBackend;
  let server: ApiServer;
  let token: string;
  let port: number;
  const origin = () => `http://127.0.0.1:${port}`;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'typevisor-web-'));
    backend = new FakeVmBackend(home);
    token = loadOrCreateToken(home);
    server = await startServer({ backend, token });
    port = server.port;
  });
  after(async () => {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Every registered route with a concrete path, and whether it is a WebSocket. */
  const concrete = () =>
    server.routes.map((r) => ({
      method: r.method,
      path: r.url.replace(':name', 'vm1'),
      ws: r.url.endsWith('/console') || r.url.endsWith('/stats') || r.url === '/api/events',
    }));

  it('keeps the token in a file only the user can read, reuses it and rotates it on request', () => {
    const st = statSync(tokenPath(home));
    assert.equal(st.mode & 0o777, 0o600);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(readFileSync(tokenPath(home), 'utf8').trim(), token);
    assert.equal(loadOrCreateToken(home), token);
    const other = mkdtempSync(join(tmpdir(), 'typevisor-web-tok-'));
    try {
      const a = loadOrCreateToken(other);
      const b = loadOrCreateToken(other, true);
      assert.notEqual(a, b);
      assert.equal(statSync(tokenPath(other)).mode & 0o777, 0o600);
      chmodSync(tokenPath(other), 0o644);
      assert.throws(() => loadOrCreateToken(other), /can be read by others/);
      writeFileSync(tokenPath(other), 'short\n', { mode: 0o600 });
      chmodSync(tokenPath(other), 0o600);
      assert.throws(() => loadOrCreateToken(other), /does not hold a token/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses every route and WebSocket without the token (401), and with a wrong one', async () => {
    assert.ok(server.routes.length >= 11);
    for (const r of concrete()) {
      for (const t of [undefined, 'x'.repeat(43), `${token}x`]) {
        if (r.ws) assert.equal(await wsStatus(port, r.path, { token: t }), 401, `${r.method} ${r.path}`);
        else {
          const res = await apiCall(port, r.method, r.path, {
            token: t,
            body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
          });
          assert.equal(res.status, 401, `${r.method} ${r.path} token ${t}`);
          assert.equal((res.json as { error: { code: string } }).error.code, 'unauthorized');
        }
      }
    }
    assert.equal((await apiCall(port, 'GET', '/no/such/route')).status, 401);
    assert.equal((await apiCall(port, 'GET', '/api/vms', { headers: { authorization: 'Basic abc' } })).status, 401);
    assert.equal(
      (await apiCall(port, 'GET', '/api/vms', { headers: { cookie: `typevisor-${port}=forged` } })).status,
      401,
    );
    // A ?token= is a page-URL convenience only: the API never takes the token from the URL.
    assert.equal((await apiCall(port, 'GET', `/api/vms?token=${token}`)).status, 401);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin with 403, changing nothing on disk', async () => {
    const before = backend.files();
    for (const host of ['evil.example:' + port, `127.0.0.1:${port + 1}`, 'localhost', `10.0.0.1:${port}`])
      assert.equal((await apiCall(port, 'GET', '/api/vms', { token, headers: { host } })).status, 403, host);
    assert.equal(
      (await apiCall(port, 'GET', '/api/vms', { token, headers: { host: `localhost:${port}` } })).status,
      200,
    );
    assert.equal((await apiCall(port, 'GET', '/api/vms', { token, headers: { host: `[::1]:${port}` } })).status, 200);
    for (const o of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      const res = await apiCall(port, 'POST', '/api/vms', { token, headers: { origin: o }, body: { name: 'evil' } });
      assert.equal(res.status, 403, o);
      assert.equal((res.json as { error: { code: string } }).error.code, 'forbidden');
      assert.equal(await wsStatus(port, '/api/events', { token, headers: { origin: o } }), 403);
    }
    assert.equal(await wsStatus(port, '/api/events', { token, headers: { host: 'evil.example' } }), 403);
    assert.deepEqual(backend.files(), before);
    assert.equal(backend.vms.size, 0);
  });

  it('accepts the loopback names only for a loopback address, and always with the right port', () => {
    assert.deepEqual([...allowedHosts('127.0.0.1', 8080)].sort(), ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080']);
    assert.ok(allowedHosts('::1', 9).has('[::1]:9'));
    assert.deepEqual([...allowedHosts('192.0.2.7', 80)], ['192.0.2.7:80']);
    assert.ok(allowedHosts('0.0.0.0', 80).has('localhost:80'));
  });

  it("exchanges a page URL's ?token= for an HttpOnly SameSite=Strict cookie that needs the Origin to change state", async () => {
    const page = await apiCall(port, 'GET', `/?token=${token}&x=1`);
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/?x=1');
    const setCookie = String(page.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.ok(!setCookie.includes(token), 'the cookie is not the token itself');
    const cookie = setCookie.split(';')[0];
    assert.equal((await apiCall(port, 'GET', `/?token=wrong`)).status, 401);
    const index = await apiCall(port, 'GET', '/', { headers: { cookie } });
    assert.equal(index.status, 200);
    assert.match(String(index.headers['content-type']), /text\/html/);
    assert.ok(!/https?:\/\/(?!127)/.test(index.text.replace(/http:\/\/'|ws:\/\/'/g, '')), 'no CDN');
    assert.equal((await apiCall(port, 'GET', '/api/vms', { headers: { cookie } })).status, 200);
    // A browser form or script elsewhere cannot post with the cookie: no Origin, or a foreign one.
    assert.equal((await apiCall(port, 'POST', '/api/vms', { headers: { cookie }, body: { name: 'c1' } })).status, 403);
    assert.equal(await wsStatus(port, '/api/events', { headers: { cookie } }), 403);
    assert.equal(await wsStatus(port, '/api/events', { headers: { cookie, origin: origin() } }), 0);
    const made = await apiCall(port, 'POST', '/api/vms', {
      headers: { cookie, origin: origin() },
      body: { name: 'c1' },
    });
    assert.equal(made.status, 201);
    assert.equal((await apiCall(port, 'DELETE', '/api/vms/c1', { headers: { cookie, origin: origin() } })).status, 204);
  });

  it('drives a VM through its life: create, start, console, pause, resume, stop, delete; errors as JSON', async () => {
    const events = await openWs(port, '/api/events', { token });
    await events.until(() => events.json().length > 0, 'the list');
    assert.deepEqual((events.json()[0] as { event: string }).event, 'list');

    const bad = await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm1', cpus: 0 } });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /cpus/);
    assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body: '{"name":' })).status, 400);
    assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm1', extra: 1 } })).status, 400);
    assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body: { name: '../x' } })).status, 400);
    const relative = await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm1', kernel: 'Image' } });
    assert.equal(relative.status, 400);
    assert.match((relative.json as { error: { message: string } }).error.message, /^kernel: an absolute path/);

    const created = await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm1', memoryMiB: 256, cpus: 2 } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, '/api/vms/vm1');
    assert.equal((await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm1' } })).status, 409);
    assert.equal((await apiCall(port, 'GET', '/api/vms/nope', { token })).status, 404);
    assert.equal((await apiCall(port, 'POST', '/api/vms/nope/start', { token })).status, 404);
    assert.equal(await wsStatus(port, '/api/vms/vm1/console', { token }), 409);
    assert.equal(await wsStatus(port, '/api/vms/nope/console', { token }), 404);

    const edited = await apiCall(port, 'PATCH', '/api/vms/vm1', { token, body: { cpus: 3 } });
    assert.equal((edited.json as { cpus: number }).cpus, 3);

    const wrong = await apiCall(port, 'POST', '/api/vms/vm1/actions', { token, body: { action: 'pause' } });
    assert.equal(wrong.status, 409);
    assert.equal((wrong.json as { error: { code: string } }).error.code, 'wrong-state');
    assert.match((wrong.json as { error: { message: string } }).error.message, /cannot pause a VM that is created/);

    const started = await apiCall(port, 'POST', '/api/vms/vm1/start', { token });
    assert.equal(started.status, 200, started.text);
    assert.equal((started.json as { state: string }).state, 'running');
    assert.equal((await apiCall(port, 'POST', '/api/vms/vm1/start', { token })).status, 409);
    assert.equal((await apiCall(port, 'PATCH', '/api/vms/vm1', { token, body: { cpus: 1 } })).status, 409);
    assert.equal((await apiCall(port, 'DELETE', '/api/vms/vm1', { token })).status, 409);
    const listed = await apiCall(port, 'GET', '/api/vms', { token });
    const vm = (listed.json as { vms: { name: string; state: string; rssBytes: number; uptimeMs: number }[] }).vms[0];
    assert.equal(vm.state, 'running');
    assert.equal(typeof vm.rssBytes, 'number');
    assert.equal(typeof vm.uptimeMs, 'number');

    const out = await openWs(port, '/api/vms/vm1/console', { token });
    const consoleWs = out.ws;
    consoleWs.send(Buffer.from('echo hi\n'));
    await out.until(() => out.binaryText().includes('ECHO HI'), 'the echo');
    consoleWs.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
    consoleWs.send('not json');
    await out.until(() => out.json().length > 0, 'the error for a bad text frame');
    assert.equal((out.json()[0] as { type: string }).type, 'error');
    assert.deepEqual(backend.vms.get('vm1')!.resizes, [{ cols: 100, rows: 30 }]);

    await actionLeaves(port, token, 'vm1', 'pause', 'paused');
    await actionLeaves(port, token, 'vm1', 'resume', 'running');
    assert.equal(
      (await apiCall(port, 'POST', '/api/vms/vm1/actions', { token, body: { action: 'subscribe' } })).status,
      400,
    );
    assert.equal((await apiCall(port, 'POST', '/api/vms/vm1/actions', { token, body: { action: 'fly' } })).status, 400);
    const info = await apiCall(port, 'POST', '/api/vms/vm1/actions', { token, body: { action: 'info' } });
    assert.equal(info.status, 200);
    const stop = await apiCall(port, 'POST', '/api/vms/vm1/actions', {
      token,
      body: { action: 'stop', timeoutMs: 1000 },
    });
    assert.equal(stop.status, 200, stop.text);
    await out.until(() => out.closed !== null, 'the console to close when the VM stops');

    const states = () =>
      events
        .json()
        .filter((e) => (e as { event: string; vm: string }).event === 'state' && (e as { vm: string }).vm === 'vm1')
        .map((e) => (e as { state: string }).state);
    await events.until(() => states().includes('stopped'), 'the stopped event');
    assert.deepEqual(states(), ['created', 'running', 'paused', 'running', 'stopped']);

    assert.equal((await apiCall(port, 'DELETE', '/api/vms/vm1?bogus=1', { token })).status, 400);
    assert.equal((await apiCall(port, 'DELETE', '/api/vms/vm1', { token })).status, 204);
    await events.until(() => events.json().some((e) => (e as { event: string }).event === 'deleted'), 'deleted');
    assert.equal((await apiCall(port, 'GET', '/api/vms/vm1', { token })).status, 404);
    events.ws.close();
  });

  it('reports a VM whose process ended behind its back', async () => {
    const events = await openWs(port, '/api/events', { token });
    await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm2' } });
    await apiCall(port, 'POST', '/api/vms/vm2/start', { token });
    await events.until(() => events.json().some((e) => (e as { state?: string }).state === 'running'), 'running');
    backend.crash('vm2');
    await events.until(() => events.json().some((e) => (e as { state?: string }).state === 'crashed'), 'crashed');
    events.ws.close();
  });

  it("streams a running VM's statistics, sampled by the server, and ends the stream when the VM stops", async () => {
    await apiCall(port, 'POST', '/api/vms', { token, body: { name: 'vm3' } });
    assert.equal(await wsStatus(port, '/api/vms/vm3/stats', { token }), 409);
    assert.equal(await wsStatus(port, '/api/vms/nope/stats', { token }), 404);
    assert.equal(await wsStatus(port, '/api/vms/vm3/stats'), 401);
    await apiCall(port, 'POST', '/api/vms/vm3/start', { token });
    const stats = await openWs(port, '/api/vms/vm3/stats', { token });
    await stats.until(() => stats.json().length >= 2, 'two samples');
    const [a, b] = stats.json().map((m) => StatsMessage.parse(m));
    assert.ok(a.type === 'sample' && b.type === 'sample');
    assert.equal(a.vm, 'vm3');
    // Each sample is the VM's stats answer at that moment: the fake's counts grow with its running time.
    assert.ok(b.stats.wallMs > a.stats.wallMs, `${a.stats.wallMs} then ${b.stats.wallMs}`);
    assert.ok(b.stats.instructions > a.stats.instructions);
    assert.ok(Date.parse(b.at) > Date.parse(a.at));
    assert.equal(b.stats.disks?.[0].device, 'virtio-blk /tmp/disk.qcow2');
    await apiCall(port, 'POST', '/api/vms/vm3/actions', { token, body: { action: 'kill' } });
    await stats.until(() => stats.closed !== null, 'the stream to end when the VM stops');
    assert.equal(stats.closed?.code, 1000);
    const last = StatsMessage.parse(stats.json().at(-1));
    assert.equal(last.type, 'end');
  });

  it('serves an OpenAPI 3.1 document that lists every route the server registered, with schemas', async () => {
    const res = await apiCall(port, 'GET', '/api/openapi.json', { token });
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.text) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const registered = server.routes.map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    assert.deepEqual(documented, registered);
    for (const id of [
      'Vm',
      'VmList',
      'CreateVm',
      'EditVm',
      'VmAction',
      'Error',
      'Event',
      'ConsoleControl',
      'CloneVm',
      'SnapshotTree',
      'TakeSnapshot',
      'AddForward',
      'VmStats',
      'StatsMessage',
    ])
      assert.ok(doc.components.schemas[id], id);
    assert.ok(doc.paths['/api/vms'].post.requestBody);
    assert.ok(doc.paths['/api/vms/{name}/actions'].post.requestBody);
    // Every $ref points at a schema that exists.
    for (const m of res.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      assert.ok(doc.components.schemas[m[1]], `$ref ${m[1]}`);
  });
});
