// Positioned reads and writes on an image file; reads past the end of the file return zeros (sparse tails).
import { open, type FileHandle } from 'node:fs/promises';
import { DiskError } from './backend.js';

export class ImageFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, readOnly: boolean): Promise<ImageFile> {
    try {
      return new ImageFile(await open(path, readOnly ? 'r' : 'r+'), path, readOnly);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new DiskError(`${path}: no such file`);
      if (err.code === 'EACCES' || err.code === 'EPERM') throw new DiskError(`${path}: permission denied`);
      if (err.code === 'EISDIR') throw new DiskError(`${path}: is a directory`);
      throw new DiskError(`${path}: ${err.message}`);
    }
  }

  static async create(path: string): Promise<ImageFile> {
    try {
      return new ImageFile(await open(path, 'w+'), path, false);
    } catch (e) {
      throw new DiskError(`${path}: cannot create: ${(e as Error).message}`);
    }
  }

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  /** Allocated bytes on the host file system (like du). */
  async allocatedBytes(): Promise<number> {
    return (await this.fh.stat()).blocks * 512;
  }

  async readAt(position: number, buf: Uint8Array): Promise<void> {
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
