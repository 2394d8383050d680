// The guest agent client against Debian's own qemu-ga (run on the host over a UNIX socket, with every command that
// could change the host blocked), plus the client's bounds and timeouts with channels that misbehave.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestAgent, noAgentMessage } from '../src/agent/client.js';
import { agentExec, guestIdentity } from '../src/agent/commands.js';
import { AgentReader, SYNC_DELIMITER } from '../src/agent/wire.js';
const haveAgent = spawnSync('qemu-ga', ['--version']).status === 0;
const SKIP = haveAgent ? false : 'qemu-ga is not installed (apt-get install qemu-guest-agent; .ci/run installs it)';
/** Everything that could touch the host beyond running the test's own commands. */
const BLOCKED = [
    'guest-shutdown',
    'guest-set-time',
    'guest-fsfreeze-freeze',
    'guest-fsfreeze-freeze-list',
    'guest-fsfreeze-thaw',
    'guest-suspend-disk',
    'guest-suspend-ram',
    'guest-suspend-hybrid',
    'guest-set-user-password',
    'guest-set-vcpus',
    'guest-set-memory-blocks',
    'guest-file-open',
    'guest-fstrim',
];
const cleanups = [];
after(() => cleanups.forEach((c) => c()));
async function hostAgent() {
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'qga.sock');
    const child = spawn('qemu-ga', ['-m', 'unix-listen', '-p', path, '-t', dir, '-f', join(dir, 'pid'), '-b', BLOCKED.join(',')], { stdio: 'ignore' });
    cleanups.push(() => child.kill());
    for (let i = 0; i < 200 && !existsSync(path); i++)
        await new Promise((r) => setTimeout(r, 25));
    const sock = await new Promise((ok, fail) => {
        const s = createConnection(path, () => ok(s));
        s.once('error', fail);
    });
    cleanups.push(() => sock.destroy());
    const agent = new GuestAgent('the test VM');
    agent.attach({ open: true, send: (d) => (sock.write(d), d.length) });
    sock.on('data', (d) => agent.write(d));
    return { agent, sock };
}
test('qemu-ga: ping, info, an unknown and a blocked command', { skip: SKIP }, async () => {
    const { agent } = await hostAgent();
    assert.deepEqual(await agent.call('guest-ping'), {});
    const info = (await agent.call('guest-info'));
    const names = info.supported_commands.map((c) => c.name);
    for (const c of ['guest-exec', 'guest-exec-status', 'guest-sync-delimited', 'guest-network-get-interfaces'])
        assert.ok(names.includes(c), c);
    await assert.rejects(agent.call('guest-no-such-command'), (e) => {
        assert.equal(e.code, 'guest-error');
        assert.match(e.message, /guest-no-such-command/);
        return true;
    });
    await assert.rejects(agent.call('guest-shutdown'.replace('shutdown', 'fstrim')), /disabled|not been found/);
    // The stream stays usable after errors.
    assert.deepEqual(await agent.call('guest-ping'), {});
});
test('qemu-ga: exec returns output, error output, exit status and consumes standard input', { skip: SKIP }, async () => {
    const { agent } = await hostAgent();
    const call = agent.call.bind(agent);
    const r = await agentExec(call, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout.toString(), 'out\n');
    assert.equal(r.stderr.toString(), 'err\n');
    const cat = await agentExec(call, ['cat'], { input: Buffer.from('through stdin\n') });
    assert.equal(cat.exitCode, 0);
    assert.equal(cat.stdout.toString(), 'through stdin\n');
    const big = await agentExec(call, ['head', '-c', '300000', '/dev/zero']);
    assert.equal(big.stdout.length, 300000);
    const killed = await agentExec(call, ['sh', '-c', 'kill -9 $$']);
    assert.equal(killed.exitCode, undefined);
    assert.equal(killed.signal, 9);
    await assert.rejects(agentExec(call, ['/no/such/program']), (e) => e.code === 'guest-error');
    await assert.rejects(agentExec(call, ['sleep', '5'], { timeoutMs: 200 }), /still runs in the guest/);
});
test("qemu-ga: identity — the host's own name and its loopback address", { skip: SKIP }, async () => {
    const { agent } = await hostAgent();
    const id = await guestIdentity(agent.call.bind(agent));
    assert.deepEqual(id.problems, []);
    assert.equal(id.hostname, hostname());
    assert.ok(id.os?.['kernel-release']);
    const lo = id.interfaces?.find((i) => i.name === 'lo');
    assert.ok(lo?.addresses.includes('127.0.0.1/8'), JSON.stringify(lo));
});
test('qemu-ga: a stream with leftovers is resynchronised before the next command', { skip: SKIP }, async () => {
    const { agent, sock } = await hostAgent();
    assert.deepEqual(await agent.call('guest-ping'), {});
    // A half-written request in the agent's parser and a stale reply on the way back.
    sock.write('{"execute": "guest-ping", "argu');
    agent.write(Buffer.from('{"return": {"stale": true}}\n'));
    agent.opened(true);
    assert.deepEqual(await agent.call('guest-get-host-name'), { 'host-name': hostname() });
});
test('no agent, a silent agent, a closed port: clear errors', async () => {
    const absent = new GuestAgent('vm1');
    absent.attach({ open: false, send: () => 0 });
    await assert.rejects(absent.call('guest-ping'), (e) => {
        assert.equal(e.code, 'no-agent');
        assert.equal(e.message, noAgentMessage('vm1'));
        assert.match(e.message, /org\.qemu\.guest_agent\.0/);
        return true;
    });
    const sent = [];
    const silent = new GuestAgent('vm2');
    const channel = { open: true, send: (d) => (sent.push(Buffer.from(d)), d.length) };
    silent.attach(channel);
    await assert.rejects(silent.call('guest-ping', undefined, 100), (e) => {
        assert.equal(e.code, 'timeout');
        assert.match(e.message, /did not answer guest-sync-delimited \(before guest-ping\) within 0\.1 s/);
        return true;
    });
    assert.equal(sent[0][0], SYNC_DELIMITER);
    const closing = silent.call('guest-ping', undefined, 10_000);
    const before = sent.length;
    while (sent.length === before)
        await new Promise((r) => setImmediate(r));
    silent.opened(false);
    await assert.rejects(closing, (e) => e.code === 'closed');
    // A full port takes part of the request: an error, never a hang.
    const full = new GuestAgent('vm3');
    full.attach({ open: true, send: (d) => Math.min(d.length, 4) });
    await assert.rejects(full.call('guest-ping'), /port in vm3 is full/);
});
test('the reader: objects split anywhere, braces inside strings, a reply over the bound, garbage', () => {
    const got = [];
    const errors = [];
    const r = new AgentReader((m) => got.push(m), (e) => errors.push(e), 1024);
    const text = Buffer.from('junk {"return": {"a": "}{\\"x"}} \n{"return": [1, {"b": 2}]}\n');
    for (const b of text)
        r.push(Uint8Array.of(b));
    assert.deepEqual(got, [{ return: { a: '}{"x' } }, { return: [1, { b: 2 }] }]);
    r.push(Buffer.from(`{"return": "${'x'.repeat(2000)}"}`));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /larger than/);
    r.push(Buffer.from('{"return": 1]}{"return": 2}'));
    assert.ok(errors.length >= 1);
    r.expectDelimiter();
    r.push(Buffer.from('{"return": 3}\xff{"return": 4}', 'latin1'));
    assert.deepEqual(got.at(-1), { return: 4 });
    assert.ok(!got.some((m) => m.return === 3));
    // Random bytes never throw and never grow the reader past its bound.
    for (let i = 0; i < 200; i++)
        r.push(Uint8Array.from({ length: 512 }, () => Math.floor(Math.random() * 256)));
});
//# sourceMappingURL=agent-client.test.js.map