// VM manager benchmark: `typevisor start` to the shell prompt against `typevisor run`, and the host memory (RSS) of an idle VM process against its guest RAM, beside QEMU's for the same guest.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { processRssBytes } from '../src/manager/proc.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
import { BIN, ManagerHome } from '../test/harness/manager-cli.js';
const WAIT_MS = 15 * 60_000;
/** How long a VM sits at its prompt before its RSS is read: the boot's last page-ins and frees settle. */
const IDLE_MS = 5_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms) => (ms / 1000).toFixed(1);
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
/** `typevisor run` in the foreground: milliseconds from spawn to the prompt. */
async function timeRun(kernel, initrd, cmdline) {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'run', '--kernel', kernel, '--initrd', initrd, '--append', cmdline], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        const ms = performance.now() - t0;
        await con.exitAfter('poweroff -f');
        return ms;
    }
    finally {
        if (child.exitCode === null)
            child.kill('SIGKILL');
    }
}
/** Waits until the VM's console log shows the prompt (the guest's host name is the VM's name). */
async function waitForPrompt(h, name) {
    const log = join(h.dir, 'vms', name, 'console.log');
    const prompt = new RegExp(`root@${name}:[^#]*# `);
    const deadline = Date.now() + WAIT_MS;
    while (!(existsSync(log) && prompt.test(readFileSync(log, 'latin1')))) {
        if (Date.now() > deadline)
            throw new Error(`${name}: no shell prompt in ${log}`);
        await sleep(50);
    }
}
/** `typevisor start` of a defined VM: milliseconds from spawning the command to the prompt in the console log. */
async function timeStart(h, name) {
    const t0 = performance.now();
    const r = await h.tv('start', name);
    if (r.code !== 0)
        throw new Error(`start ${name}: ${r.stderr}`);
    await waitForPrompt(h, name);
    return performance.now() - t0;
}
/** QEMU's RSS at its idle prompt, with the same kernel, initrd and memory. */
async function qemuIdleRss(kernel, initrd, cmdline, memory) {
    const args = ['-M', 'virt', '-m', memory, '-nographic', '-bios', 'default'];
    const child = spawn('qemu-system-riscv64', [...args, '-kernel', kernel, '-initrd', initrd, '-append', cmdline], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        await sleep(IDLE_MS);
        return processRssBytes(child.pid) ?? NaN;
    }
    finally {
        child.kill('SIGKILL');
    }
}
export async function benchManager() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    const rounds = Math.max(1, Number(process.env.BENCH_BOOTS ?? 3));
    const h = new ManagerHome('tv-bench-manager-');
    try {
        // The manager's VM boots the image as `create --image debian` defines it; run gets the same kernel, initrd,
        // command line and memory (1G, both defaults).
        if ((await h.tv('create', 'timed', '--image', 'debian', '--memory', '1G')).code !== 0)
            throw new Error('create failed');
        const run = [], start = [];
        for (let i = 0; i < rounds; i++) {
            run.push(await timeRun(img.kernel, img.initrd, img.cmdline));
            start.push(await timeStart(h, 'timed'));
            await h.tv('kill', 'timed');
        }
        const [r, s] = [median(run), median(start)];
        console.log(`\nVM manager: start to the shell prompt, -m 1G (median of ${rounds}; all: start / run)`);
        console.log(`typevisor start ${secs(s)} s, typevisor run ${secs(r)} s, start/run ${(s / r).toFixed(2)}x   (${start.map(secs).join(' ')} / ${run.map(secs).join(' ')})`);
        console.log(`host memory (RSS) of an idle VM at its prompt (after ${IDLE_MS / 1000} s), against guest RAM and QEMU`);
        console.log(['guest RAM', 'typevisor MiB', 'RSS/RAM', 'qemu MiB', 'typevisor/qemu']
            .map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(15)))
            .join(''));
        for (const memory of ['256M', '512M', '1G']) {
            const name = `idle-${memory.toLowerCase()}`;
            if ((await h.tv('create', name, '--image', 'debian', '--memory', memory)).code !== 0)
                throw new Error('create failed');
            if ((await h.tv('start', name)).code !== 0)
                throw new Error(`start ${name} failed`);
            await waitForPrompt(h, name);
            await sleep(IDLE_MS);
            const pid = h.pid(name);
            const ours = processRssBytes(pid) ?? NaN;
            await h.tv('kill', name);
            const qemu = await qemuIdleRss(img.kernel, img.initrd, img.cmdline, memory);
            const ram = Number.parseInt(memory) * (memory.endsWith('G') ? 2 ** 30 : 2 ** 20);
            console.log([memory, mib(ours), (ours / ram).toFixed(2), mib(qemu), `${(ours / qemu).toFixed(2)}x`]
                .map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(15)))
                .join(''));
        }
    }
    finally {
        h.cleanup();
    }
}
//# sourceMappingURL=manager.js.map