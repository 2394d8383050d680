// The stock Debian guest (busybox initramfs) and the console devices: early input, the terminal size, the host name, the power button.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VirtMachine } from '../src/boards/virt/virt-machine.js';
import { VirtioConsole, VirtioInput, VirtioRng } from '../src/devices/virtio/index.js';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GOING_DOWN_MESSAGE, POWER_BUTTON_MESSAGE } from '../src/images/initramfs.js';
import { runMachine, Waker } from '../src/vmm/run-loop.js';
/** Bounds a hang (the guest is slow on a shared host); never a timing assertion. */
const WAIT_MS = 15 * 60_000;
test('Debian guest: typed-ahead input, hostname from systemd.hostname=, stty size follows setSize, power button powers off', async () => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    let output = '';
    const out = (b) => {
        output += Buffer.from(b).toString('latin1');
    };
    const hvc = new VirtioConsole({ write: out }, { size: { cols: 100, rows: 30 } });
    const power = new VirtioInput();
    const machine = new VirtMachine({
        memoryBytes: 512 * 1024 * 1024,
        cpus: 1,
        kernel: new Uint8Array(readFileSync(img.kernel)),
        initrd: new Uint8Array(readFileSync(img.initrd)),
        cmdline: `${img.cmdline} systemd.hostname=guest-io`,
        consoleOut: out,
        virtio: [
            { device: new VirtioRng(), name: 'virtio-rng' },
            { device: hvc, name: 'virtio-console' },
            { device: power, name: 'virtio-input' },
        ],
    });
    machine.boot();
    const waker = new Waker();
    machine.onInterrupt = () => waker.notify();
    const stop = new AbortController();
    const run = runMachine(machine, waker, { signal: stop.signal });
    let ended;
    void run.then((o) => (ended = o));
    const type = (s) => {
        assert.equal(machine.uart.receive(Buffer.from(s)), s.length);
        waker.notify();
    };
    const waitFor = async (re, what, from = 0) => {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            const m = re.exec(output.slice(from));
            if (m)
                return m;
            if (ended)
                throw new Error(`the guest stopped (${ended.kind}) before ${what}`);
            if (Date.now() > deadline)
                throw new Error(`no ${what}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    };
    let n = 0;
    const sh = async (cmd) => {
        const id = ++n;
        const from = output.length;
        type(`echo @@B${id}@@; ${cmd}; echo @@E${id}@@\n`);
        const m = await waitFor(new RegExp(`(?:^|\\n)@@B${id}@@\\r?\\n([\\s\\S]*?)@@E${id}@@`), `output of ${cmd}`, from);
        return m[1].replace(/\r/g, '').trim();
    };
    try {
        // Typed before the kernel has even started: waits in the UART until the shell reads it.
        type('echo early-$((6 * 7))\n');
        await waitFor(/root@guest-io:[^#]*# /, 'the shell prompt with the host name');
        await waitFor(/\nearly-42\r?\n/, 'the typed-ahead command');
        assert.equal(await sh('hostname'), 'guest-io');
        assert.equal(await sh('stty size'), '30 100');
        hvc.setSize(132, 43);
        waker.notify();
        // The resize travels through a kernel worker and the init's helper: ask until it has arrived.
        let size = '';
        for (let i = 0; i < 50 && size !== '43 132'; i++)
            size = await sh('stty size');
        assert.equal(size, '43 132');
        assert.ok(power.pressPowerButton());
        waker.notify();
        const outcome = await run;
        assert.equal(outcome.kind, 'poweroff');
        const tail = output.slice(output.indexOf(POWER_BUTTON_MESSAGE));
        assert.ok(tail.includes(GOING_DOWN_MESSAGE), output.slice(-2000));
        assert.match(tail, /Requesting system poweroff[\s\S]*reboot: Power down/);
        if (process.env['GUEST_CONSOLE_SHOW'])
            process.stderr.write(output.slice(-1500));
    }
    catch (e) {
        stop.abort();
        waker.notify();
        throw new Error(`${e.message}\n--- console (last 3000 bytes) ---\n${output.slice(-3000)}`);
    }
});
//# sourceMappingURL=guest-console.test.js.map