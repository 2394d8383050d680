// A file replaced atomically and synchronously: written to a temporary file, fsynced, renamed, the folder fsynced.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
export function atomicTempName(path) {
    return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}
/**
 * `fill` writes the contents through `put`; `path` then holds the complete new file, or the old one if anything
 * failed (a crash leaves no half-written `path`; the temporary file is removed on errors).
 */
export function writeAtomicSync(path, fill, mode = 0o644) {
    const tmp = atomicTempName(path);
    const fd = openSync(tmp, 'wx', mode);
    try {
        fill((b) => {
            for (let done = 0; done < b.length;)
                done += writeSync(fd, b, done, b.length - done);
        });
        fsyncSync(fd);
    }
    catch (e) {
        closeSync(fd);
        try {
            unlinkSync(tmp);
        }
        catch {
            // already gone
        }
        throw e;
    }
    closeSync(fd);
    renameSync(tmp, path);
    const dir = openSync(dirname(path), 'r');
    try {
        fsyncSync(dir);
    }
    finally {
        closeSync(dir);
    }
}
//# sourceMappingURL=atomic-write.js.map