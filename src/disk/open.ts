// Opening an image by path: format probing (qcow2 magic, else raw) and backing chains, resolved like QEMU does.
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DiskError, type BlockBackend, type DiskFormat, type OpenDiskOptions } from './backend.js';
import { ImageFile } from './file.js';
import { RawBackend } from './raw.js';
import { isQcow2, parseHeader, type Qcow2Header } from './qcow2/header.js';
import { Qcow2Backend } from './qcow2/qcow2.js';

const MAX_CHAIN = 64;

export async function probeFormat(path: string): Promise<DiskFormat> {
  const file = await ImageFile.open(path, true);
  try {
    const head = new Uint8Array(4);
    await file.readAt(0, head);
    return isQcow2(head) ? 'qcow2' : 'raw';
  } finally {
    await file.close();
  }
}

export function parseFormat(name: string, where: string): DiskFormat {
  if (name === 'raw' || name === 'qcow2') return name;
  throw new DiskError(`${where}: unknown image format "${name}" (known: raw, qcow2)`);
}

/** The path a backing file name stands for: relative names are relative to the overlay's directory. */
export function resolveBacking(overlayPath: string, backingName: string): string {
  return isAbsolute(backingName) ? backingName : resolve(dirname(overlayPath), backingName);
}

/** Reads a qcow2 header (the first cluster, up to 2 MiB). */
export async function readQcow2Header(file: ImageFile): Promise<Qcow2Header> {
  const first = new Uint8Array(4096);
  await file.readAt(0, first);
  let header = parseHeader(first, file.path);
  const cs = 2 ** header.clusterBits;
  if (cs > first.length) {
    const whole = new Uint8Array(cs);
    await file.readAt(0, whole);
    header = parseHeader(whole, file.path);
  }
  return header;
}

/** Opens an image and, read-only, every image of its backing chain. */
export async function openDisk(path: string, opts: OpenDiskOptions = {}): Promise<BlockBackend> {
  return openChain(path, opts.readOnly ?? false, opts.format, [], MAX_CHAIN);
}

async function openChain(
  path: string,
  readOnly: boolean,
  format: DiskFormat | undefined,
  seen: string[],
  depth: number,
): Promise<BlockBackend> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new DiskError(`${path}: no such file`);
  }
  if (seen.includes(real)) throw new DiskError(`backing file loop: ${[...seen, real].join(' -> ')}`);
  if (depth === 0) throw new DiskError(`${path}: backing chain longer than ${MAX_CHAIN} images`);
  const fmt = format ?? (await probeFormat(path));
  if (fmt === 'raw') return RawBackend.open(path, readOnly);
  const file = await ImageFile.open(path, readOnly);
  try {
    const header = await readQcow2Header(file);
    let backing: BlockBackend | null = null;
    if (header.backingFile !== null) {
      const bpath = resolveBacking(path, header.backingFile);
      const bfmt =
        header.backingFormat !== null ? parseFormat(header.backingFormat, `${path}: backing format`) : undefined;
      backing = await openChain(bpath, true, bfmt, [...seen, real], depth - 1);
    }
    try {
      return await Qcow2Backend.open(file, header, backing, readOnly);
    } catch (e) {
      await backing?.close();
      throw e;
    }
  } catch (e) {
    await file.close().catch(() => undefined);
    throw e;
  }
}
