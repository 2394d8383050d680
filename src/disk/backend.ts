// The block backend interface that device front ends (virtio-blk) use; raw and qcow2 implement it.

export interface BlockBackend {
  /** Virtual disk size in bytes. */
  readonly size: number;
  readonly readOnly: boolean;
  /** Fills buf with the bytes at offset; ranges beyond the end of the disk are an error. */
  read(offset: number, buf: Uint8Array): Promise<void>;
  /** Writes data at offset; it is durable only after a completed flush(). */
  write(offset: number, data: Uint8Array): Promise<void>;
  /** Writes back cached metadata and fsyncs: every write completed before it is durable afterwards. */
  flush(): Promise<void>;
  /**
   * How the range starting at offset begins: `zero` bytes read as zeros without being stored (holes, unallocated
   * clusters), the others may hold data; `length` (at least 1, at most the given length) says how far that holds.
   * Optional: without it every byte may hold data. Lets copies skip what is not there.
   */
  blockStatus?(offset: number, length: number): Promise<{ zero: boolean; length: number }>;
  /** Tells the backend the range is unused (reads may then return zeros). Optional. */
  discard?(offset: number, length: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDiskOptions {
  readOnly?: boolean;
  /**
   * The image's format as the user stated it (or a VM definition recorded it): the image is then never probed and its
   * header is trusted. Without it the format is probed, which is unsafe (docs/disk-safety.md): a probed raw image
   * refuses guest writes that would make sector 0 probe as another format, and a probed image that names a backing
   * file is refused unless trustBacking is set.
   */
  format?: DiskFormat;
  /** Open the backing files that images of unstated format name (for a user who trusts those headers). */
  trustBacking?: boolean;
  /** Receives warnings meant for the user (probing a writable raw image is unsafe); printed by the caller. */
  warn?: (message: string) => void;
}

export type DiskFormat = 'raw' | 'qcow2';

/** Errors in the image itself or in how it was named (missing file, corruption, unsupported feature). */
export class DiskError extends Error {
  override name = 'DiskError';
}

export function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > size) {
    throw new DiskError(`access out of range: offset ${offset} length ${length} on a disk of ${size} bytes`);
  }
}
