// The VM manager with real Debian guests: create, start in the background, consoles, pause, stop, crash, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { processCpuTicks } from '../src/manager/proc.js';
import { GuestConsole } from './harness/guest-console.js';
import { BIN, ManagerHome } from './harness/manager-cli.js';
/** Bounds a hang (a boot under a loaded CI machine takes minutes); not a timing assertion. */
const WAIT_MS = 15 * 60_000;
async function list(h) {
    const r = await h.tv('list', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    return new Map(JSON.parse(r.stdout).map((v) => [v.name, v]));
}
/** Waits until the VM's console log (from byte `from`) matches. */
async function waitForLog(h, name, re, from = 0) {
    const file = join(h.dir, 'vms', name, 'console.log');
    const deadline = Date.now() + WAIT_MS;
    while (!re.test(existsSync(file) ? readFileSync(file, 'latin1').slice(from) : '')) {
        if (Date.now() > deadline)
            throw new Error(`${name}: no ${re} in its console log`);
        await sleep(500);
    }
}
/** The busybox shell's prompt: the guest's host name is the VM's name where the image reads it from the command line. */
function prompt(name) {
    return new RegExp(`root@(?:typevisor|${name}):[^#]*# `);
}
function logSize(h, name) {
    const file = join(h.dir, 'vms', name, 'console.log');
    return existsSync(file) ? statSync(file).size : 0;
}
/** Attaches `typevisor console` with piped stdio, runs `cmd` in the guest, detaches at end of input. */
async function consoleRun(h, name, cmd) {
    const child = h.spawn('console', name, '--settle', '0.5');
    const con = new GuestConsole(child);
    const out = await con.run(cmd);
    child.stdin.end();
    const code = await new Promise((done) => child.on('exit', (c) => done(c)));
    assert.equal(code, 0, `console ${name} exited with ${code}: ${con.stderr}`);
    return out;
}
function cpuTicks(pid) {
    const t = processCpuTicks(pid);
    assert.notEqual(t, null, `no /proc/${pid}/stat`);
    return t;
}
test('VMs run in the background: consoles attach and detach, pause stops the CPU, a SIGKILLed VM is crashed and the other runs on', { timeout: 40 * 60_000 }, async () => {
    if (!(await findCachedDebian()))
        await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome();
    const context = () => ['a', 'b']
        .map((n) => {
        const f = join(h.dir, 'vms', n);
        const tail = (p) => (existsSync(join(f, p)) ? readFileSync(join(f, p), 'latin1').slice(-2000) : '');
        return `--- ${n}: console.log ---\n${tail('console.log')}\n--- ${n}: vm.log ---\n${tail('vm.log')}`;
    })
        .join('\n');
    try {
        writeFileSync(join(h.dir, 'config.json'), JSON.stringify({ vmMemoryBudget: '1G' }));
        for (const [name, mem] of [
            ['a', '512M'],
            ['b', '512M'],
            ['c', '256M'],
        ])
            assert.equal((await h.tv('create', name, '--memory', mem, '--image', 'debian')).code, 0);
        for (const name of ['a', 'b']) {
            const r = await h.tv('start', name);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stderr, new RegExp(`started ${name} \\(pid \\d+\\)`));
        }
        // Admission: a and b take the whole 1G budget.
        const refused = await h.tv('start', 'c');
        assert.equal(refused.code, 5, refused.stderr);
        assert.match(refused.stderr, /it needs 256M, running VMs use 1G \(a 512M, b 512M\), and the budget is 1G/);
        let vms = await list(h);
        for (const n of ['a', 'b']) {
            assert.equal(vms.get(n).state, 'running');
            assert.ok(vms.get(n).rssBytes > 0, 'RSS of the VM process');
        }
        assert.equal(vms.get('c').state, 'created');
        assert.equal((await h.tv('start', 'a')).code, 4, 'a running VM cannot start twice');
        await waitForLog(h, 'a', prompt('a'));
        await waitForLog(h, 'b', prompt('b'));
        // Attach with piped input twice: the command runs, its output comes back, the end of input detaches.
        for (const i of [1, 2]) {
            assert.match(await consoleRun(h, 'a', `echo attach-${i}-$((6 * 7))`), new RegExp(`^attach-${i}-42$`, 'm'));
            assert.equal((await list(h)).get('a').state, 'running', 'detaching leaves the VM running');
        }
        // On a terminal (script(1) gives the console a pty): raw mode, and Ctrl-A D detaches.
        const tty = spawn('script', ['-qfec', `"${process.execPath}" "${BIN}" console a`, '/dev/null'], {
            env: h.env(),
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const ttyCon = new GuestConsole(tty);
        await ttyCon.waitFor(/attached to a's console; C-a d detaches/, 'the attach banner');
        tty.stdin.write('echo tty-$((7 * 6))\r');
        await ttyCon.waitFor(/tty-42/, 'the output of a command typed on the terminal');
        tty.stdin.write('\x01d');
        await ttyCon.waitFor(/detached from a; it keeps running/, 'the detach message');
        assert.equal((await list(h)).get('a').state, 'running');
        // Pause: with a busy loop in the guest, the VM process burns CPU while running and none while paused.
        await consoleRun(h, 'a', 'while :; do :; done & echo busy');
        const pid = h.pid('a');
        let t0 = cpuTicks(pid);
        await sleep(3000);
        const running = cpuTicks(pid) - t0;
        assert.equal((await h.tv('pause', 'a')).code, 0);
        assert.equal((await list(h)).get('a').state, 'paused');
        t0 = cpuTicks(pid);
        await sleep(3000);
        const paused = cpuTicks(pid) - t0;
        assert.ok(paused * 5 < running, `CPU ticks over 3 s: ${running} running, ${paused} paused`);
        const again = await h.tv('pause', 'a');
        assert.equal(again.code, 4);
        assert.match(again.stderr, /cannot pause a VM that is paused/);
        assert.equal((await h.tv('resume', 'a')).code, 0);
        assert.match(await consoleRun(h, 'a', 'kill $! && echo resumed'), /^resumed$/m);
        // SIGKILL b's process: b is crashed with the reason, a keeps running.
        process.kill(h.pid('b'), 'SIGKILL');
        const deadline = Date.now() + 60_000;
        while ((vms = await list(h)).get('b').state !== 'crashed') {
            assert.ok(Date.now() < deadline, 'b never shown as crashed');
            await sleep(200);
        }
        assert.match(vms.get('b').reason, /^the VM process \(pid \d+\) was killed by SIGKILL$/);
        assert.equal(vms.get('b').pid, undefined);
        assert.match((await h.tv('list')).stdout, /^b\s+crashed\s.*was killed by SIGKILL$/m);
        assert.equal(vms.get('a').state, 'running');
        assert.match(await consoleRun(h, 'a', 'echo still-$((1 + 1))'), /^still-2$/m);
        // b starts again over the stale sockets its killed process left.
        assert.ok(existsSync(join(h.dir, 'vms', 'b', 'control.sock')), 'the killed process left its socket');
        assert.equal((await h.tv('start', 'b')).code, 0);
        assert.equal((await h.tv('stats', 'b')).code, 0);
        const killed = await h.tv('kill', 'b');
        assert.equal(killed.code, 0, killed.stderr);
        assert.equal((await list(h)).get('b').state, 'stopped');
        // Stop a: the guest is asked through its power key and shuts down, then start it again.
        const beforeStop = logSize(h, 'a');
        const stop = await h.tv('stop', 'a');
        assert.equal(stop.code, 0, stop.stderr);
        assert.match(stop.stderr, /typevisor: a stopped: the guest powered off/);
        const shutdown = readFileSync(join(h.dir, 'vms', 'a', 'console.log'), 'latin1').slice(beforeStop);
        assert.match(shutdown, /The system is going down NOW!/);
        vms = await list(h);
        assert.equal(vms.get('a').state, 'stopped');
        assert.equal(vms.get('a').pid, undefined);
        assert.equal(existsSync(join(h.dir, 'vms', 'a', 'control.sock')), false, 'sockets removed at the end');
        const from = logSize(h, 'a');
        assert.equal((await h.tv('start', 'a')).code, 0);
        await waitForLog(h, 'a', prompt('a'), from);
        assert.match(await consoleRun(h, 'a', 'cat /proc/meminfo | head -1'), /^MemTotal:\s+\d+ kB$/m);
        const logs = await h.tv('logs', 'a');
        assert.equal(logs.code, 0);
        assert.ok(logs.stdout.split('Run /init as init process').length >= 3, 'both boots are in the log');
        assert.equal((await h.tv('stop', 'a', '--force')).code, 0);
        for (const n of ['a', 'b'])
            assert.equal((await h.tv('delete', n)).code, 0);
        assert.deepEqual([...(await list(h)).keys()], ['c']);
        assert.equal(existsSync(join(h.dir, 'vms', 'a')), false);
    }
    catch (e) {
        throw new Error(`${e.stack}\n${context()}`);
    }
    finally {
        h.cleanup();
    }
});
//# sourceMappingURL=manager-lifecycle.test.js.map