// tshark as the capture tests' oracle: the fields of every frame of a capture file.
import { execFileSync } from 'node:child_process';

/** One row per frame, one string per field (empty when the frame has none). */
export function tsharkFields(file: string, fields: string[]): string[][] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  return out
    .trim()
    .split('\n')
    .map((r) => r.split('|'));
}
