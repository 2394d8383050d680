// The CRC-32 of a whole guest RAM that skips reading the pages known to be zero: reading a page the host never mapped
// maps it (a page fault each: seconds for an idle 1 GiB guest), and the CRC of zeros is the same from a zero buffer.
import { crc32 } from 'node:zlib';
import { PAGE } from './wire.js';

const ZERO = Buffer.alloc(256 * PAGE);

/** CRC-32 (zlib's) of `ram`, the same value as crc32(ram); `knownZero(p)` says page p is zero without reading it. */
export function ramCrc32(ram: Uint8Array, knownZero: (page: number) => boolean): number {
  const pages = ram.length / PAGE;
  let crc = 0;
  for (let p = 0; p < pages;) {
    const first = p;
    const zero = knownZero(p);
    while (p < pages && p - first < ZERO.length / PAGE && knownZero(p) === zero) p++;
    crc = crc32(zero ? ZERO.subarray(0, (p - first) * PAGE) : ram.subarray(first * PAGE, p * PAGE), crc);
  }
  return crc >>> 0;
}
