// Runs `typevisor` VM commands against a private $TYPEVISOR_HOME, and cleans up the VM processes a test leaves behind.
import { execFile, fork, spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/harness -> repository root
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'typevisor.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ManagerHome {
  readonly dir: string;
  constructor(prefix = 'tv-home-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  env(): NodeJS.ProcessEnv {
    return { ...process.env, TYPEVISOR_HOME: this.dir };
  }

  /** Runs one command to its end. */
  tv(...args: string[]): Promise<CliResult> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: this.env(), maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  }

  private runner: ChildProcess | undefined;

  /**
   * Runs one command in a long-lived child (no Node start-up per command: bad-input tests run dozens), capturing its
   * output. Only for commands that neither read stdin nor attach a console.
   */
  tvIn(...args: string[]): Promise<CliResult> {
    if (!this.runner) {
      this.runner = fork(join(dirname(fileURLToPath(import.meta.url)), 'manager-runner.js'), [], {
        env: this.env(),
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      this.runner.unref();
    }
    const runner = this.runner;
    return new Promise((done, fail) => {
      const exited = (code: number | null) =>
        fail(new Error(`the command runner exited (${code}) during ${args.join(' ')}`));
      runner.once('exit', exited);
      runner.once('message', (m) => {
        runner.off('exit', exited);
        done(m as CliResult);
      });
      runner.send({ args });
    });
  }

  /** Starts a command with piped stdio (a console) and returns the child. */
  spawn(...args: string[]): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, [BIN, ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Every file under the home with its size and modification time: "nothing changed on disk" compares two of these. */
  snapshot(): string {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(d, e.name);
        if (e.isDirectory()) {
          out.push(`${relative(this.dir, p)}/`);
          walk(p);
        } else {
          const st = statSync(p);
          out.push(`${relative(this.dir, p)} ${st.size} ${st.mtimeMs}`);
        }
      }
    };
    walk(this.dir);
    return out.join('\n');
  }

  /** The pid of a VM's process from its state file, if it has one. */
  pid(name: string): number | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.dir, 'vms', name, 'state.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  }

  /** What the VM's serial console printed so far (its console.log). */
  consoleLog(name: string): string {
    const file = join(this.dir, 'vms', name, 'console.log');
    return existsSync(file) ? readFileSync(file, 'latin1') : '';
  }

  /** Resolves once the console log after `from` matches `re`; a long bound catches a hang (not a timing assertion). */
  async waitForLog(name: string, re: RegExp, from = 0, boundMs = 15 * 60_000): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (!re.test(this.consoleLog(name).slice(from))) {
      if (Date.now() > deadline) throw new Error(`${name}: no ${re} in its console log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Kills every process whose command line names the home — VM processes, the shells that wait for them and record
   * their exit status, network switches — waits until they are gone, and removes the home.
   */
  cleanup(): void {
    this.runner?.kill();
    const killed: number[] = [];
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(this.dir)) {
          process.kill(pid, 'SIGKILL');
          killed.push(pid);
        }
      } catch {
        // gone already, or not ours to read
      }
    }
    // SIGKILL is asynchronous: a process that has not yet died can still create files in the home.
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && killed.some((p) => existsSync(`/proc/${p}`)); i++) Atomics.wait(sleeper, 0, 0, 50);
    // A killed VM process may still write its last lines while the folder goes: retried, not an error.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
