// The Vm object driven in process with the real Debian guest: start, pause (no CPU, no guest progress), resume, reset,
// stop and kill, console input queued while the guest cannot read it, and actions refused in the wrong state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { buildVm } from '../src/vmm/builder.js';
import { VmError } from '../src/vmm/vm.js';
import { wrongStateMessage } from '../src/vmm/actions.js';
/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const PROMPT = /root@[a-z0-9-]+:[^#]*# /;
async function debianDescription(name) {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    return {
        name,
        memoryBytes: 256 * 1024 * 1024,
        cpus: 1,
        boot: { kernel: img.kernel, initrd: img.initrd, cmdline: img.cmdline },
    };
}
/** The console as text, with a wait for a pattern after a given offset. */
class Console {
    text = '';
    waiters = [];
    constructor(vm) {
        vm.attachConsole((b) => {
            this.text += Buffer.from(b).toString('latin1');
            for (const w of this.waiters.splice(0))
                w();
        });
    }
    async waitFor(re, from = 0) {
        const deadline = Date.now() + WAIT_MS;
        while (!re.test(this.text.slice(from))) {
            if (Date.now() > deadline)
                throw new Error(`no ${re} on the console:\n${this.text.slice(-2000)}`);
            await new Promise((r) => {
                this.waiters.push(r);
                setTimeout(r, 1000);
            });
        }
    }
}
function assertWrongState(f, action, vm) {
    const state = vm.state;
    assert.throws(f, (e) => {
        assert.ok(e instanceof VmError, String(e));
        assert.equal(e.code, 'wrong-state');
        assert.equal(e.message, wrongStateMessage(action, state));
        return true;
    });
}
/** CPU time of the process's main thread (where the guest runs), in clock ticks (1/100 s on Linux). */
function mainThreadTicks() {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime
}
/** Files this process has open. */
function openFiles() {
    const out = [];
    for (const fd of readdirSync('/proc/self/fd')) {
        try {
            out.push(readlinkSync(`/proc/self/fd/${fd}`));
        }
        catch {
            // closed while listing
        }
    }
    return out;
}
test('a Debian VM starts, pauses without using CPU, resumes with its queued input, resets and stops', { timeout: 40 * 60_000 }, async () => {
    const vm = await buildVm(await debianDescription('lifecycle'));
    const con = new Console(vm);
    const events = [];
    vm.subscribe((e) => events.push(e));
    try {
        assert.equal(vm.state, 'created');
        assertWrongState(() => vm.pause(), 'pause', vm);
        await assert.rejects(vm.act({ action: 'resume' }), (e) => e.code === 'wrong-state');
        assert.equal((await vm.act({ action: 'info' })).state, 'created');
        vm.start();
        assertWrongState(() => vm.start(), 'start', vm);
        await con.waitFor(PROMPT);
        vm.writeConsole(Buffer.from('echo $((6 * 7))-answer\n'));
        await con.waitFor(/\n42-answer/);
        // Paused: the guest retires no instruction and the process uses next to no CPU (a running guest uses a core).
        await vm.pause();
        assert.equal(vm.state, 'paused');
        assertWrongState(() => vm.pause(), 'pause', vm);
        const instret = vm.board.harts[0].instret;
        const shown = con.text.length;
        vm.writeConsole(Buffer.from('echo typed-while-$((1 + 1))-paused\n'));
        // The guest runs on the main thread: count its CPU ticks (V8 may still finish compiling translations on its
        // worker threads for a moment; that is not guest execution and ends by itself).
        const ticks0 = mainThreadTicks();
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, 3000));
        const ticks = mainThreadTicks() - ticks0;
        const wallTicks = (performance.now() - t0) / 10;
        assert.equal(vm.board.harts[0].instret, instret, 'the guest ran while paused');
        assert.equal(con.text.length, shown, 'console output while paused');
        assert.ok(ticks < wallTicks * 0.1, `the paused VM's thread used ${ticks} of ${wallTicks.toFixed(0)} clock ticks`);
        const info = vm.info();
        assert.equal(info.state, 'paused');
        assert.equal(info.console.pendingInput > 0, true, 'input waits in the queue while paused');
        assert.equal(info.memoryBytes, 256 * 1024 * 1024);
        assert.equal(info.cpus, 1);
        assert.ok(info.hostRssBytes > 0);
        assert.ok(info.devices.includes('uart0') && info.devices.includes('virtio-console'), info.devices.join());
        // Resumed: the input typed while paused reaches the shell.
        vm.resume();
        await con.waitFor(/\ntyped-while-2-paused/, shown);
        assert.ok(vm.board.harts[0].instret > instret);
        const stats = vm.stats();
        assert.ok(stats.instructions > 0 && stats.hypercalls.length > 0);
        // Reset: the kernel boots again.
        const beforeReset = con.text.length;
        await vm.act({ action: 'reset' });
        await con.waitFor(/Linux version 6\./, beforeReset);
        await con.waitFor(PROMPT, beforeReset);
        assert.ok(events.some((e) => e.event === 'state' && e.reason === 'reset by the host'));
        const end = await vm.stop({ timeoutMs: 60_000 });
        assert.equal(vm.state, 'stopped');
        assert.ok(end.kind === 'poweroff' || end.kind === 'killed', JSON.stringify(end));
        assertWrongState(() => vm.resume(), 'resume', vm);
        await assert.rejects(vm.act({ action: 'kill' }), (e) => e.code === 'wrong-state');
        assert.equal(vm.info().state, 'stopped');
        const states = events.filter((e) => e.event === 'state').map((e) => e.state);
        assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['running', 'paused', 'running', ...(end.kind === 'poweroff' ? ['stopping'] : []), 'stopped']);
    }
    catch (e) {
        if (vm.state !== 'stopped' && vm.state !== 'crashed')
            await vm.kill();
        throw new Error(`${e.message}\n--- console ---\n${con.text.slice(-3000)}`, { cause: e });
    }
});
test('kill ends a VM at once and closes its disk', { timeout: 10 * 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tv-vm-'));
    try {
        const disk = join(dir, 'data.raw');
        writeFileSync(disk, Buffer.alloc(1024 * 1024));
        const vm = await buildVm({ ...(await debianDescription('killed')), disks: [{ path: disk, format: 'raw' }] });
        const con = new Console(vm);
        assert.ok(openFiles().includes(disk), 'the disk is open once the VM is built');
        vm.start();
        await con.waitFor(/Linux version/);
        const end = await vm.act({ action: 'kill' });
        assert.deepEqual(end, { kind: 'killed', reason: 'killed by the host' });
        assert.equal(vm.state, 'stopped');
        assert.equal(vm.info().reason, 'killed by the host');
        assert.ok(!openFiles().includes(disk), 'the disk is closed once the VM stopped');
        await assert.rejects(vm.act({ action: 'stats' }), (e) => e.code === 'wrong-state');
        await assert.rejects(vm.act({ action: 'nonsense' }), (e) => e.code === 'unknown-action' && /nonsense/.test(e.message));
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=vm-lifecycle.test.js.map