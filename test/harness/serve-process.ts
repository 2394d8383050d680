// `typevisor serve` as a child process for the browser tests with real guests: its printed page URL, typing into a console.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { terminalText } from './browser.js';
import { BIN } from './manager-cli.js';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** The URL serve printed for the browser (`?token=` included). */
  pageUrl: string;
  stop(): void;
}

/** Starts `typevisor serve` on the home of `env` and waits for the URL it prints. */
export async function spawnServe(env: NodeJS.ProcessEnv, deadline: number): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  let m: RegExpExecArray | null;
  while (!(m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(stdout))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`serve did not print its URL: ${stdout}${stderr}`);
    }
    await sleep(100);
  }
  return { child, pageUrl: m[1], stop };
}

/**
 * Types `command` into the focused console until the guest's shell has run it: `answer` is computed by the guest,
 * so the echo of the typed line does not count. Typed again every 5 s (a shell that is not up yet drops it).
 */
export async function typeUntil(page: Page, command: string, answer: string, deadline: number): Promise<void> {
  for (;;) {
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    const seen = await page
      .waitForFunction((a) => document.querySelector('.console .xterm-rows')?.textContent?.includes(a), answer, {
        timeout: 5000,
      })
      .then(
        () => true,
        () => false,
      );
    if (seen) return;
    if (Date.now() > deadline)
      throw new Error(`no ${answer} from the guest; the terminal shows:\n${await terminalText(page)}`);
  }
}
