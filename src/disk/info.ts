// What `img info` reports about an image and each image of its backing chain.
import { realpath } from 'node:fs/promises';
import { DiskError, type DiskFormat } from './backend.js';
import { ImageFile } from './file.js';
import { parseFormat, probeFormat, resolveBacking } from './open.js';
import { readQcow2Header } from './qcow2/header.js';
import { guestVisibleSize, INCOMPAT_DIRTY } from './qcow2/header.js';

export interface ImageInfo {
  filename: string;
  format: DiskFormat;
  virtualSize: number;
  /** Bytes the file occupies on the host file system. */
  actualSize: number;
  clusterSize?: number;
  backingFilename?: string;
  fullBackingFilename?: string;
  backingFormat?: string;
  qcow2?: { version: number; refcountBits: number; dirty: boolean; compressionType: string };
  backing?: ImageInfo;
}

export async function imageInfo(path: string, format?: DiskFormat, seen: string[] = []): Promise<ImageInfo> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new DiskError(`${path}: no such file`);
  }
  if (seen.includes(real)) throw new DiskError(`backing file loop: ${[...seen, real].join(' -> ')}`);
  const fmt = format ?? (await probeFormat(path));
  const file = await ImageFile.open(path, true);
  try {
    const info: ImageInfo = {
      filename: path,
      format: fmt,
      virtualSize: await file.size(),
      actualSize: await file.allocatedBytes(),
    };
    if (fmt === 'raw') return info;
    const h = await readQcow2Header(file);
    info.virtualSize = guestVisibleSize(h.size);
    info.clusterSize = 2 ** h.clusterBits;
    info.qcow2 = {
      version: h.version,
      refcountBits: 2 ** h.refcountOrder,
      dirty: (h.incompatLo & INCOMPAT_DIRTY) !== 0,
      compressionType: h.compressionType === 1 ? 'zstd' : 'zlib',
    };
    if (h.backingFile !== null) {
      info.backingFilename = h.backingFile;
      info.fullBackingFilename = resolveBacking(path, h.backingFile);
      if (h.backingFormat !== null) info.backingFormat = h.backingFormat;
      const bfmt = h.backingFormat !== null ? parseFormat(h.backingFormat, `${path}: backing format`) : undefined;
      info.backing = await imageInfo(info.fullBackingFilename, bfmt, [...seen, real]);
    }
    return info;
  } finally {
    await file.close();
  }
}
