// Drives a guest's serial console through a child process's stdin/stdout, like a person typing at the prompt.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** Generous: the interpreter is slow and CI machines are shared. These bound a hang; they are not timing assertions. */
const WAIT_MS = 15 * 60_000;

export class GuestConsole {
  output = '';
  stderr = '';
  private exitCode: number | null | undefined;
  private waiters: (() => void)[] = [];
  private marker = 0;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => { this.output += d.toString('latin1'); this.wake(); });
    child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString('latin1'); this.wake(); });
    child.on('exit', (code) => { this.exitCode = code; this.wake(); });
  }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }

  /** Resolves once the output after `from` matches; rejects if the process exits first or after a long bound. */
  async waitFor(re: RegExp, what: string, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = re.exec(this.output.slice(from));
      if (m) return m;
      if (this.exitCode !== undefined) throw new Error(`typevisor exited (${this.exitCode}) while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`no ${what} after ${WAIT_MS / 60000} minutes`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 1000); });
    }
  }

  /** Types a command and returns what it printed, delimited by unique markers echoed around it. */
  async run(cmd: string): Promise<string> {
    const id = ++this.marker;
    const start = this.output.length;
    this.child.stdin.write(`echo @@B${id}@@; ${cmd}; echo @@E${id}@@\n`);
    // Markers are split by the echo in the typed command line, so only the printed ones match at a line start.
    const m = await this.waitFor(new RegExp(`(?:^|\\n)@@B${id}@@\\r?\\n([\\s\\S]*?)@@E${id}@@`), `output of "${cmd}"`, start);
    return m[1].replace(/\r/g, '');
  }

  /** Types a command that ends the VM and returns typevisor's exit status. */
  async exitAfter(cmd: string): Promise<number | null> {
    this.child.stdin.write(`${cmd}\n`);
    const deadline = Date.now() + WAIT_MS;
    while (this.exitCode === undefined) {
      if (Date.now() > deadline) throw new Error(`typevisor did not exit after "${cmd}"`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 1000); });
    }
    return this.exitCode;
  }
}
