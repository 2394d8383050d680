// $TYPEVISOR_HOME/serve.json: where a running `typevisor serve` listens, so other commands can find it.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isSameProcess } from '../manager/proc.js';
const ServerInfoSchema = z.object({
    pid: z.int().positive(),
    /** /proc/PID/stat start time: tells the server from a later process that got the same pid. */
    startTicks: z.int().nonnegative(),
    port: z.int().min(1).max(65535),
    listen: z.string().max(100),
    url: z.string().max(300),
    startedAt: z.string().max(64),
});
export function serverInfoPath(home) {
    return join(home, 'serve.json');
}
export function writeServerInfo(home, info) {
    const file = serverInfoPath(home);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
        writeSync(fd, `${JSON.stringify(info)}\n`);
    }
    finally {
        closeSync(fd);
    }
    renameSync(tmp, file);
}
/** The running server of `home`, or null (no file, a damaged one, or its process is gone). */
export function readServerInfo(home) {
    try {
        const text = readFileSync(serverInfoPath(home), 'utf8');
        if (text.length > 4096)
            return null;
        const r = ServerInfoSchema.safeParse(JSON.parse(text));
        return r.success && isSameProcess(r.data.pid, r.data.startTicks) ? r.data : null;
    }
    catch {
        return null;
    }
}
/** Removes the file if it still describes this process (a newer server may have replaced it). */
export function removeServerInfo(home) {
    try {
        const text = readFileSync(serverInfoPath(home), 'utf8');
        if (JSON.parse(text).pid === process.pid)
            unlinkSync(serverInfoPath(home));
    }
    catch {
        // gone already
    }
}
//# sourceMappingURL=server-info.js.map