// Positioned reads and writes on an image file; reads past the end of the file return zeros (sparse tails).
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { DiskError } from './backend.js';

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openError(path: string, e: unknown): DiskError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new DiskError(`${path}: no such file`);
  if (err.code === 'EACCES' || err.code === 'EPERM') return new DiskError(`${path}: permission denied`);
  if (err.code === 'EISDIR') return new DiskError(`${path}: is a directory`);
  if (err.code === 'ELOOP') return new DiskError(`${path}: too many levels of symbolic links`);
  return new DiskError(`${path}: ${err.message}`);
}

/**
 * Refuses anything but a regular file (symbolic links followed), without opening it: opening a FIFO for reading
 * would block until a writer comes, and a device is not an image.
 */
export async function checkRegularFile(path: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    throw openError(path, e);
  }
  if (!st.isFile()) throw new DiskError(`${path}: is ${kindOf(st)}, not a regular file: only regular files are images`);
  return st;
}

export class ImageFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly readOnly: boolean,
    /** Device and inode, which name the file whatever path (symbolic or hard link) led to it. */
    readonly dev: number,
    readonly ino: number,
  ) {}

  static async open(path: string, readOnly: boolean): Promise<ImageFile> {
    await checkRegularFile(path);
    // O_NONBLOCK: should a FIFO replace the file between the check and the open, open returns at once (and the
    // fstat below refuses it) instead of hanging; on a regular file the flag changes nothing.
    const flags = (readOnly ? constants.O_RDONLY : constants.O_RDWR) | constants.O_NONBLOCK;
    let fh: FileHandle;
    try {
      fh = await open(path, flags);
    } catch (e) {
      throw openError(path, e);
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new DiskError(`${path}: is ${kindOf(st)}, not a regular file: only regular files are images`);
    }
    return new ImageFile(fh, path, readOnly, st.dev, st.ino);
  }

  static async create(path: string): Promise<ImageFile> {
    try {
      const fh = await open(path, 'w+');
      const st = await fh.stat();
      return new ImageFile(fh, path, false, st.dev, st.ino);
    } catch (e) {
      throw new DiskError(`${path}: cannot create: ${(e as Error).message}`);
    }
  }

  /** The file descriptor, for the advisory locks of lock.ts. */
  get fd(): number {
    return this.fh.fd;
  }

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  /** Allocated bytes on the host file system (like du). */
  async allocatedBytes(): Promise<number> {
    return (await this.fh.stat()).blocks * 512;
  }

  /** Node silently writes at the current file position for offsets it cannot represent: refuse them here. */
  private checkPosition(position: number, length: number): void {
    if (!Number.isSafeInteger(position) || position < 0 || position + length > Number.MAX_SAFE_INTEGER)
      throw new DiskError(`${this.path}: offset ${position} is beyond what a file can hold`);
  }

  async readAt(position: number, buf: Uint8Array): Promise<void> {
    this.checkPosition(position, buf.length);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.fh.read(buf, done, buf.length - done, position + done);
      if (bytesRead === 0) {
        buf.fill(0, done);
        return;
      }
      done += bytesRead;
    }
  }

  async writeAt(position: number, data: Uint8Array): Promise<void> {
    this.checkPosition(position, data.length);
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  async truncate(length: number): Promise<void> {
    await this.fh.truncate(length);
  }
  async sync(): Promise<void> {
    await this.fh.sync();
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}
