// A lock file in $TYPEVISOR_HOME that serializes admission and start: two starts never both count the same free memory.
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManagerError } from './errors.js';
/** How long a command waits for another one's lock before giving up. */
const WAIT_MS = 60_000;
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === 'EPERM';
    }
}
export async function withLock(path, fn) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
        try {
            const fh = await open(path, 'wx', 0o600);
            await fh.writeFile(`${process.pid}\n`);
            await fh.close();
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST')
                throw e;
        }
        const text = (await readFile(path, 'latin1').catch(() => '')).trim();
        const holder = Number(text);
        const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
        // A holder that died, or a file still empty long after its creation, is stale: take the lock over.
        if ((text === '' && age > 5000) || (text !== '' && (!Number.isInteger(holder) || holder <= 0 || !alive(holder)))) {
            await unlink(path).catch(() => undefined);
            continue;
        }
        if (Date.now() > deadline)
            throw new ManagerError('failed', `another typevisor command (pid ${holder}) holds ${path}`);
        await sleep(50);
    }
    try {
        return await fn();
    }
    finally {
        await unlink(path).catch(() => undefined);
    }
}
//# sourceMappingURL=lock.js.map