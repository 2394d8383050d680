// Files replaced atomically (temporary file, fsync, rename, fsync of the folder): a crash leaves the old or the new.
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicTempName as tempName, writeAtomicSync } from '../util/atomic-write.js';
export async function writeFileAtomic(path, data) {
    const tmp = tempName(path);
    const fh = await open(tmp, 'wx', 0o644);
    try {
        await fh.writeFile(data);
        await fh.sync();
    }
    catch (e) {
        await fh.close();
        await unlink(tmp).catch(() => undefined);
        throw e;
    }
    await fh.close();
    try {
        await rename(tmp, path);
    }
    catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
    }
    const dir = await open(dirname(path), 'r');
    try {
        await dir.sync();
    }
    finally {
        await dir.close();
    }
}
/** The same, synchronous: for a process's last words in an 'exit' handler. */
export function writeFileAtomicSync(path, data) {
    writeAtomicSync(path, (put) => put(Buffer.from(data)));
}
//# sourceMappingURL=atomic-file.js.map