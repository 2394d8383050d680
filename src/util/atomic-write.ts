// A file replaced atomically and synchronously: written to a temporary file, fsynced, renamed, the folder fsynced.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

export function atomicTempName(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * `fill` writes the contents through `put`; `path` then holds the complete new file, or the old one if anything
 * failed (a crash leaves no half-written `path`; the temporary file is removed on errors).
 */
export function writeAtomicSync(path: string, fill: (put: (b: Uint8Array) => void) => void, mode = 0o644): void {
  const tmp = atomicTempName(path);
  const fd = openSync(tmp, 'wx', mode);
  try {
    fill((b) => {
      for (let done = 0; done < b.length;) done += writeSync(fd, b, done, b.length - done);
    });
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * The same, asynchronous (the event loop runs on meanwhile): `parts` are written in order, then the file is fsynced,
 * renamed over `path`, and the folder fsynced.
 */
export async function writeAtomic(path: string, parts: Iterable<Uint8Array>, mode = 0o644): Promise<void> {
  const tmp = atomicTempName(path);
  const fh = await open(tmp, 'wx', mode);
  try {
    for (const b of parts) for (let done = 0; done < b.length;) done += (await fh.write(b, done)).bytesWritten;
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
