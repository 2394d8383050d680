// Drives a guest's serial console through a child process's stdin/stdout, like a person typing at the prompt.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findCachedDebian, pullDebian } from '../../src/images/debian.js';
/** Generous: the interpreter is slow and CI machines are shared. These bound a hang; they are not timing assertions. */
const WAIT_MS = 15 * 60_000;
export class GuestConsole {
    child;
    output = '';
    stderr = '';
    exitCode;
    waiters = [];
    marker = 0;
    constructor(child) {
        this.child = child;
        child.stdout.on('data', (d) => {
            this.output += d.toString('latin1');
            this.wake();
        });
        child.stderr.on('data', (d) => {
            this.stderr += d.toString('latin1');
            this.wake();
        });
        child.on('exit', (code) => {
            this.exitCode = code;
            this.wake();
        });
    }
    wake() {
        const w = this.waiters;
        this.waiters = [];
        for (const f of w)
            f();
    }
    /** Resolves once the output after `from` matches; rejects if the process exits first or after a long bound. */
    async waitFor(re, what, from = 0) {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            const m = re.exec(this.output.slice(from));
            if (m)
                return m;
            if (this.exitCode !== undefined)
                throw new Error(`typevisor exited (${this.exitCode}) while waiting for ${what}`);
            if (Date.now() > deadline)
                throw new Error(`no ${what} after ${WAIT_MS / 60000} minutes`);
            await new Promise((r) => {
                this.waiters.push(r);
                setTimeout(r, 1000);
            });
        }
    }
    /** Types a command and returns what it printed, delimited by unique markers echoed around it. */
    async run(cmd) {
        const id = ++this.marker;
        const start = this.output.length;
        this.child.stdin.write(`echo @@B${id}@@; ${cmd}; echo @@E${id}@@\n`);
        // Markers are split by the echo in the typed command line, so only the printed ones match at a line start.
        const m = await this.waitFor(new RegExp(`(?:^|\\n)@@B${id}@@\\r?\\n([\\s\\S]*?)@@E${id}@@`), `output of "${cmd}"`, start);
        return m[1].replace(/\r/g, '');
    }
    /** Types a command that ends the VM and returns typevisor's exit status. */
    async exitAfter(cmd) {
        this.child.stdin.write(`${cmd}\n`);
        const deadline = Date.now() + WAIT_MS;
        while (this.exitCode === undefined) {
            if (Date.now() > deadline)
                throw new Error(`typevisor did not exit after "${cmd}"`);
            await new Promise((r) => {
                this.waiters.push(r);
                setTimeout(r, 1000);
            });
        }
        return this.exitCode;
    }
}
/** The busybox shell prompt of the default Debian guest (its hostname is set by the initramfs). */
export const GUEST_PROMPT = /root@typevisor:[^#]*# /;
/**
 * Spawns `typevisor run` on the default Debian guest (pulled into the cache if missing) with `args`
 * (e.g. --disk/--nic/--cpus); does not wait for it. `stats` (default on) passes --stats, whose report helps when a
 * test fails; benchmarks turn it off, since it reads the clock around calls into translated code.
 */
export async function spawnDefaultGuest(args, opts = {}) {
    // dist/test/harness -> repository root
    const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'typevisor.js');
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const t0 = performance.now();
    const child = spawn(process.execPath, [
        bin,
        'run',
        '--kernel',
        img.kernel,
        '--initrd',
        img.initrd,
        '--append',
        img.cmdline,
        '-m',
        opts.memory ?? '512M',
        ...((opts.stats ?? true) ? ['--stats'] : []),
        ...args,
    ], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    const name = opts.name ? `${opts.name}: ` : '';
    const fail = (e) => {
        if (child.exitCode === null)
            child.kill('SIGKILL');
        return new Error(`${name}${e.message}\n--- ${name}console (last 3000 bytes) ---\n${con.output.slice(-3000)}\n--- ${name}stderr ---\n${con.stderr.slice(-2000)}`);
    };
    const waitPrompt = async () => {
        try {
            await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        }
        catch (e) {
            throw fail(e);
        }
        return performance.now() - t0;
    };
    return { child, con, waitPrompt, fail };
}
/** Spawns the default guest and waits for its shell prompt. */
export async function bootDefaultGuest(args, opts = {}) {
    const g = await spawnDefaultGuest(args, opts);
    await g.waitPrompt();
    return g;
}
//# sourceMappingURL=guest-console.js.map