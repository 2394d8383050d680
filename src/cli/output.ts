// What every command prints and how it fails: table and JSON output, aligned fields, manager errors as exit statuses.
import { Option } from 'commander';
import { ManagerError, type ManagerErrorKind } from '../manager/errors.js';
import { UserError } from './errors.js';

/** Exit status per kind of failure (docs/cli.md). */
export const EXIT_CODES: Record<ManagerErrorKind, number> = {
  failed: 1,
  'bad-input': 2,
  exists: 2,
  'not-found': 3,
  'wrong-state': 4,
  'no-memory': 5,
};

/** Runs a command's body, turning manager errors into one-line user errors with their exit status. */
export function run<A extends unknown[]>(body: (...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (e) {
      if (e instanceof ManagerError) throw new UserError(e.message, EXIT_CODES[e.kind]);
      throw e;
    }
  };
}

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Name-value lines with the values aligned (`info`). */
export function printFields(lines: [string, string][]): void {
  const w = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(lines.map(([k, val]) => `${k.padEnd(w)}  ${val}`).join('\n') + '\n');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
