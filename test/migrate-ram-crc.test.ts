// The RAM CRC of a live migration skips the pages known to be zero and still equals zlib's CRC-32 of the whole RAM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ramCrc32 } from '../src/migrate/ram-crc.js';
import { PAGE } from '../src/migrate/wire.js';

test('ramCrc32 equals crc32 of the whole RAM, and tells a non-zero page said to be zero', () => {
  const pages = 1000;
  const ram = new Uint8Array(pages * PAGE);
  // Runs of data and of zero pages, longer and shorter than the zero buffer's 256 pages.
  const data = new Set<number>();
  for (const [from, to] of [
    [0, 3],
    [10, 11],
    [300, 301],
    [700, 990],
  ])
    for (let p = from; p < to; p++) data.add(p);
  for (const p of data) ram.set(randomBytes(PAGE), p * PAGE);
  const whole = crc32(ram) >>> 0;
  assert.equal(
    ramCrc32(ram, (p) => !data.has(p)),
    whole,
  );
  assert.equal(
    ramCrc32(ram, () => false),
    whole,
  );
  // A page said to be zero that is not (a store the dirty tracking missed) changes the CRC.
  assert.notEqual(
    ramCrc32(ram, (p) => !data.has(p) || p === 800),
    whole,
  );
});
