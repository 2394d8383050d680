// Progress of the root disk's second stage, read from debootstrap's "I: Unpacking X..." / "I: Configuring X..." lines.
import { readFileSync } from 'node:fs';

/** At most one progress line per this many milliseconds, besides one per tenth of the way. */
const EVERY_MS = 60_000;
/** The console tail kept to find lines split across writes. */
const MAX_PARTIAL = 4096;

/** The number of packages the first stage left for the second (debootstrap/debpaths: one line each), or 0. */
export function secondStagePackages(debpaths: string): number {
  try {
    return readFileSync(debpaths, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

/**
 * Counts debootstrap's unpack and configure steps in the guest's console output and logs how far it is: each package
 * is unpacked once and configured once, so the whole is twice the package count.
 */
export class SecondStageProgress {
  private partial = '';
  private steps = 0;
  private lastTenth = 0;
  private lastAt: number;

  constructor(
    private readonly packages: number,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly startedAt = now(),
  ) {
    this.lastAt = startedAt;
  }

  feed(bytes: Uint8Array): void {
    const text = this.partial + Buffer.from(bytes).toString('latin1');
    const lines = text.split('\n');
    this.partial = lines.pop()!.slice(-MAX_PARTIAL);
    for (const line of lines) {
      const m = /^I: (Unpacking|Configuring) (\S+?)\.\.\.$/.exec(line.trim());
      if (m) this.step(m[1] === 'Unpacking' ? 'unpacking' : 'configuring', m[2]!);
    }
  }

  private step(what: string, pkg: string): void {
    this.steps++;
    const total = this.packages * 2;
    const t = this.now();
    const tenth = total ? Math.min(10, Math.floor((this.steps * 10) / total)) : 0;
    if (tenth === this.lastTenth && t - this.lastAt < EVERY_MS) return;
    this.lastTenth = tenth;
    this.lastAt = t;
    const minutes = Math.round((t - this.startedAt) / 60_000);
    const share = total
      ? ` (${this.steps} of ${total} steps, ${Math.min(100, Math.round((this.steps * 100) / total))} %)`
      : '';
    this.log(`second stage: ${what} ${pkg}${share}, ${minutes} min so far`);
  }
}
