// Raw disk images: the virtual disk is the file, byte for byte.
import { checkRange, DiskError, type BlockBackend } from './backend.js';
import { ImageFile } from './file.js';
import { PROBE_BYTES, probeBytes } from './probe.js';

export interface RawOpenOptions {
  /**
   * Refuse writes that would make sector 0 probe as another format (the image's own format was probed, so the next
   * open would believe what the guest wrote there), as QEMU does for probed raw images.
   */
  guardSector0?: boolean;
}

export class RawBackend implements BlockBackend {
  private constructor(
    private readonly file: ImageFile,
    readonly size: number,
    readonly readOnly: boolean,
    private readonly guardSector0: boolean,
  ) {}

  static async open(path: string, readOnly: boolean, opts: RawOpenOptions = {}): Promise<RawBackend> {
    const file = await ImageFile.open(path, readOnly);
    return new RawBackend(file, await file.size(), readOnly, opts.guardSector0 ?? false);
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

  /** The open file (for locking and for telling images apart by device and inode). */
  get imageFile(): ImageFile {
    return this.file;
  }

  async read(offset: number, buf: Uint8Array): Promise<void> {
    checkRange(this.size, offset, buf.length);
    await this.file.readAt(offset, buf);
  }

  async blockStatus(offset: number, length: number): Promise<{ zero: boolean; length: number }> {
    checkRange(this.size, offset, length);
    const r = this.file.dataAt(offset, length);
    return { zero: !r.data, length: r.length };
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskError(`${this.file.path}: read-only`);
    checkRange(this.size, offset, data.length);
    if (this.guardSector0 && offset < PROBE_BYTES && data.length > 0) await this.checkSector0(offset, data);
    await this.file.writeAt(offset, data);
  }

  /** Sector 0 as it would be after the write must still probe as raw. */
  private async checkSector0(offset: number, data: Uint8Array): Promise<void> {
    const head = new Uint8Array(PROBE_BYTES);
    if (offset > 0 || data.length < PROBE_BYTES) await this.file.readAt(0, head);
    head.set(data.subarray(0, PROBE_BYTES - offset), offset);
    const fmt = probeBytes(head);
    if (fmt !== 'raw')
      throw new DiskError(
        `${this.file.path}: write to sector 0 refused: the image's format was probed, and the write would make it probe as ${fmt}`,
      );
  }

  async flush(): Promise<void> {
    if (!this.readOnly) await this.file.sync();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
