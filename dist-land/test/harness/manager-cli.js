// Runs `typevisor` VM commands against a private $TYPEVISOR_HOME, and cleans up the VM processes a test leaves behind.
import { execFile, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// dist/test/harness -> repository root
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'typevisor.js');
export class ManagerHome {
    dir;
    constructor(prefix = 'tv-home-') {
        this.dir = mkdtempSync(join(tmpdir(), prefix));
    }
    env() {
        return { ...process.env, TYPEVISOR_HOME: this.dir };
    }
    /** Runs one command to its end. */
    tv(...args) {
        return new Promise((done) => {
            execFile(process.execPath, [BIN, ...args], { env: this.env(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
                const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
                done({ code, stdout, stderr });
            });
        });
    }
    runner;
    /**
     * Runs one command in a long-lived child (no Node start-up per command: bad-input tests run dozens), capturing its
     * output. Only for commands that neither read stdin nor attach a console.
     */
    tvIn(...args) {
        if (!this.runner) {
            this.runner = fork(join(dirname(fileURLToPath(import.meta.url)), 'manager-runner.js'), [], {
                env: this.env(),
                stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
            });
            this.runner.unref();
        }
        const runner = this.runner;
        return new Promise((done, fail) => {
            const exited = (code) => fail(new Error(`the command runner exited (${code}) during ${args.join(' ')}`));
            runner.once('exit', exited);
            runner.once('message', (m) => {
                runner.off('exit', exited);
                done(m);
            });
            runner.send({ args });
        });
    }
    /** Starts a command with piped stdio (a console) and returns the child. */
    spawn(...args) {
        return spawn(process.execPath, [BIN, ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
    }
    /** Every file under the home with its size and modification time: "nothing changed on disk" compares two of these. */
    snapshot() {
        const out = [];
        const walk = (d) => {
            for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
                const p = join(d, e.name);
                if (e.isDirectory()) {
                    out.push(`${relative(this.dir, p)}/`);
                    walk(p);
                }
                else {
                    const st = statSync(p);
                    out.push(`${relative(this.dir, p)} ${st.size} ${st.mtimeMs}`);
                }
            }
        };
        walk(this.dir);
        return out.join('\n');
    }
    /** The pid of a VM's process from its state file, if it has one. */
    pid(name) {
        try {
            return JSON.parse(readFileSync(join(this.dir, 'vms', name, 'state.json'), 'utf8')).pid;
        }
        catch {
            return undefined;
        }
    }
    /** What the VM's serial console printed so far (its console.log). */
    consoleLog(name) {
        const file = join(this.dir, 'vms', name, 'console.log');
        return existsSync(file) ? readFileSync(file, 'latin1') : '';
    }
    /** Resolves once the console log after `from` matches `re`; a long bound catches a hang (not a timing assertion). */
    async waitForLog(name, re, from = 0, boundMs = 15 * 60_000) {
        const deadline = Date.now() + boundMs;
        while (!re.test(this.consoleLog(name).slice(from))) {
            if (Date.now() > deadline)
                throw new Error(`${name}: no ${re} in its console log`);
            await new Promise((r) => setTimeout(r, 250));
        }
    }
    /** Kills every VM process still recorded under the home and removes it. */
    cleanup() {
        this.runner?.kill();
        let names = [];
        try {
            names = readdirSync(join(this.dir, 'vms'));
        }
        catch {
            // no VMs made
        }
        for (const n of names) {
            const pid = this.pid(n);
            if (pid === undefined)
                continue;
            try {
                if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(this.dir))
                    process.kill(pid, 'SIGKILL');
            }
            catch {
                // already gone
            }
        }
        rmSync(this.dir, { recursive: true, force: true });
    }
}
//# sourceMappingURL=manager-cli.js.map