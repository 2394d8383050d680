// Opening an image by path: stated or probed format, backing chains resolved like QEMU's, and who is trusted for what.
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DiskError, type BlockBackend, type DiskFormat, type OpenDiskOptions } from './backend.js';
import { ImageFile } from './file.js';
import { lockingAvailable } from './lock.js';
import { RawBackend } from './raw.js';
import { PROBE_BYTES, probeBytes } from './probe.js';
import { readQcow2Header } from './qcow2/header.js';
import { Qcow2Backend } from './qcow2/qcow2.js';

const MAX_CHAIN = 64;

/** The files an opened image reads, by device and inode: its own and those of its backing chain. */
export interface ImageIdentity {
  path: string;
  dev: number;
  ino: number;
}
const chains = new WeakMap<BlockBackend, ImageIdentity[]>();

/** The files behind a backend from openDisk: the image and every image of its backing chain. */
export function chainFiles(backend: BlockBackend): ImageIdentity[] {
  return chains.get(backend) ?? [];
}

/** Probes an image's format from its first sector; formats we recognise but do not open are refused. */
export async function probeFormat(path: string): Promise<DiskFormat> {
  const file = await ImageFile.open(path, true);
  try {
    const head = new Uint8Array(PROBE_BYTES);
    await file.readAt(0, head);
    const fmt = probeBytes(head);
    if (fmt === 'raw' || fmt === 'qcow2') return fmt;
    throw new DiskError(`${path}: a ${fmt} image; typevisor opens raw and qcow2 (convert it with qemu-img)`);
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
  if (backingName === '') throw new DiskError(`${overlayPath}: the backing file name is empty`);
  return isAbsolute(backingName) ? backingName : resolve(dirname(overlayPath), backingName);
}

/**
 * Opens an image and, read-only, every image of its backing chain. An image's header is trusted (its backing file
 * opened) when its format was stated: by opts.format for the top image, by the overlay's recorded backing format
 * below it. A probed image that names a backing file is refused unless opts.trustBacking: a guest that could write
 * the image could have written that header, naming any host file (docs/disk-safety.md).
 */
export async function openDisk(path: string, opts: OpenDiskOptions = {}): Promise<BlockBackend> {
  if (!lockingAvailable() && !lockWarned) {
    lockWarned = true;
    opts.warn?.('images cannot be locked on this host (no OFD locks): nothing stops two processes writing one image');
  }
  return openChain(path, opts.readOnly ?? false, opts.format, opts, [], MAX_CHAIN, null);
}
let lockWarned = false;

function identify(backend: BlockBackend, file: ImageFile, backing: BlockBackend | null): BlockBackend {
  const own = { path: file.path, dev: file.dev, ino: file.ino };
  chains.set(backend, [own, ...(backing ? chainFiles(backing) : [])]);
  return backend;
}

async function openChain(
  path: string,
  readOnly: boolean,
  format: DiskFormat | undefined,
  opts: OpenDiskOptions,
  seen: string[],
  depth: number,
  overlay: string | null,
): Promise<BlockBackend> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new DiskError(`${path}: no such file`);
  }
  if (seen.includes(real)) throw new DiskError(`backing file loop: ${[...seen, real].join(' -> ')}`);
  if (depth === 0) throw new DiskError(`${path}: backing chain longer than ${MAX_CHAIN} images`);
  const probed = format === undefined;
  const fmt = format ?? (await probeFormat(path));
  if (fmt === 'raw') {
    const guard = probed && !readOnly;
    const raw = await RawBackend.open(path, readOnly, { guardSector0: guard });
    identify(raw, raw.imageFile, null);
    if (guard)
      opts.warn?.(
        `the format of ${path} was not given and probing guessed raw: probing is unsafe, so guest writes that would ` +
          `make sector 0 look like another format are refused; give format=raw to lift the restriction`,
      );
    return raw;
  }
  const file = await ImageFile.open(path, readOnly);
  try {
    const header = await readQcow2Header(file);
    let backing: BlockBackend | null = null;
    if (header.backingFile !== null) {
      if (probed && !opts.trustBacking) throw untrustedBacking(path, header.backingFile, overlay);
      const bpath = resolveBacking(path, header.backingFile);
      const bfmt =
        header.backingFormat !== null ? parseFormat(header.backingFormat, `${path}: backing format`) : undefined;
      backing = await openChain(bpath, true, bfmt, opts, [...seen, real], depth - 1, path);
    }
    try {
      return identify(await Qcow2Backend.open(file, header, backing, readOnly), file, backing);
    } catch (e) {
      await backing?.close();
      throw e;
    }
  } catch (e) {
    await file.close().catch(() => undefined);
    throw e;
  }
}

function untrustedBacking(path: string, backingName: string, overlay: string | null): DiskError {
  const why = `${path} was probed as qcow2 and names the backing file "${backingName}"`;
  if (overlay === null)
    return new DiskError(
      `${why}; its format was not given, so its header is not trusted: state the format (format=qcow2 / -f qcow2) if you trust the image`,
    );
  return new DiskError(
    `${why}; ${overlay} does not record its backing format, so that header is not trusted: record it (img create -b ... -F qcow2)`,
  );
}
