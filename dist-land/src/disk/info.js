// What `img info` reports about an image and each image of its backing chain.
import { realpath } from 'node:fs/promises';
import { DiskError } from './backend.js';
import { ImageFile } from './file.js';
import { parseFormat, probeFormat, readQcow2Header, resolveBacking } from './open.js';
import { guestVisibleSize, INCOMPAT_DIRTY } from './qcow2/header.js';
export async function imageInfo(path, format, seen = []) {
    let real;
    try {
        real = await realpath(path);
    }
    catch {
        throw new DiskError(`${path}: no such file`);
    }
    if (seen.includes(real))
        throw new DiskError(`backing file loop: ${[...seen, real].join(' -> ')}`);
    const fmt = format ?? (await probeFormat(path));
    const file = await ImageFile.open(path, true);
    try {
        const info = {
            filename: path,
            format: fmt,
            virtualSize: await file.size(),
            actualSize: await file.allocatedBytes(),
        };
        if (fmt === 'raw')
            return info;
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
            if (h.backingFormat !== null)
                info.backingFormat = h.backingFormat;
            const bfmt = h.backingFormat !== null ? parseFormat(h.backingFormat, `${path}: backing format`) : undefined;
            info.backing = await imageInfo(info.fullBackingFilename, bfmt, [...seen, real]);
        }
        return info;
    }
    finally {
        await file.close();
    }
}
//# sourceMappingURL=info.js.map