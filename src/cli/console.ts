// The serial console on the user's terminal: raw mode on a TTY with a Ctrl-A escape, plain bytes through pipes.
import type { Waker } from '../vmm/run-loop.js';

const CTRL_A = 0x01;

export interface ConsoleHooks {
  input(bytes: Uint8Array): void;
  quit(): void;
  stats(): void;
}

export const ESCAPE_HELP = [
  'C-a h    print this help',
  'C-a x    quit the VM (the guest is stopped, not shut down)',
  'C-a s    print statistics',
  'C-a C-a  send C-a to the guest',
].join('\r\n');

/** Attaches stdin to the guest. Returns a function that restores the terminal. */
export function attachConsole(hooks: ConsoleHooks, waker: Waker): () => void {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  let escaped = false;
  const onData = (chunk: Buffer) => {
    if (!tty) {
      hooks.input(new Uint8Array(chunk));
      waker.notify();
      return;
    }
    const pass: number[] = [];
    for (const b of chunk) {
      if (escaped) {
        escaped = false;
        const c = String.fromCharCode(b).toLowerCase();
        if (b === CTRL_A) pass.push(CTRL_A);
        else if (c === 'x') {
          hooks.quit();
        } else if (c === 'h' || c === '?') process.stderr.write(`\r\n${ESCAPE_HELP}\r\n`);
        else if (c === 's') hooks.stats();
        continue;
      }
      if (b === CTRL_A) {
        escaped = true;
        continue;
      }
      pass.push(b === 0x7f ? 0x7f : b);
    }
    if (pass.length) {
      hooks.input(Uint8Array.from(pass));
      waker.notify();
    }
  };
  if (tty) stdin.setRawMode(true);
  stdin.on('data', onData);
  // End of input (a script, </dev/null) never stops the guest: we simply stop reading.
  stdin.on('end', () => undefined);
  stdin.on('error', () => undefined);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    if (tty) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref?.();
  };
}
