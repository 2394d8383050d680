// Raw disk images: the virtual disk is the file, byte for byte.
import { checkRange, DiskError, type BlockBackend } from './backend.js';
import { ImageFile } from './file.js';

export class RawBackend implements BlockBackend {
  private constructor(
    private readonly file: ImageFile,
    readonly size: number,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, readOnly: boolean): Promise<RawBackend> {
    const file = await ImageFile.open(path, readOnly);
    return new RawBackend(file, await file.size(), readOnly);
  }

  /** Creates (or truncates) a sparse raw image of the given size. */
  static async create(path: string, size: number): Promise<void> {
    const file = await ImageFile.create(path);
    try {
      await file.truncate(size);
    } finally {
      await file.close();
    }
  }

  get path(): string {
    return this.file.path;
  }

  async read(offset: number, buf: Uint8Array): Promise<void> {
    checkRange(this.size, offset, buf.length);
    await this.file.readAt(offset, buf);
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskError(`${this.file.path}: read-only`);
    checkRange(this.size, offset, data.length);
    await this.file.writeAt(offset, data);
  }

  async flush(): Promise<void> {
    if (!this.readOnly) await this.file.sync();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
