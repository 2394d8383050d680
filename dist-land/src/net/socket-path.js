// Checks on UNIX socket paths for --nic listen/connect: length, what is already there, stale sockets.
import { createConnection } from 'node:net';
import { lstat, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
/** sun_path holds 108 bytes on Linux, the terminating NUL included. */
export const MAX_SOCKET_PATH_BYTES = 107;
export class SocketPathError extends Error {
    name = 'SocketPathError';
}
/** What can be said of a path without touching the file system: empty, too long for sun_path, a TCP address. */
export function checkSocketPathSyntax(path, option) {
    if (path === '')
        throw new SocketPathError(`${option} needs a socket path`);
    const bytes = Buffer.byteLength(path);
    if (bytes > MAX_SOCKET_PATH_BYTES)
        throw new SocketPathError(`${option}${path}: the path is ${bytes} bytes, and a UNIX socket address holds at most ${MAX_SOCKET_PATH_BYTES}: use a shorter path`);
    if (path.includes('\0'))
        throw new SocketPathError(`${option}: the socket path contains a NUL byte`);
}
/** Whether a process accepts connections on the socket at path. */
export function isLive(path) {
    return new Promise((resolve) => {
        const s = createConnection(path);
        s.once('connect', () => {
            s.destroy();
            resolve(true);
        });
        s.once('error', () => resolve(false));
    });
}
/**
 * Makes path free for listen(): nothing there, or a stale socket (nobody accepts on it), which is removed. A live
 * socket, a regular file, a directory or anything else there is refused and left alone.
 */
export async function prepareListenPath(path) {
    try {
        if (!(await stat(dirname(path))).isDirectory())
            throw new Error();
    }
    catch {
        throw new SocketPathError(`listen=${path}: the directory ${dirname(path)} does not exist`);
    }
    let st;
    try {
        st = await lstat(path);
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return;
        throw new SocketPathError(`listen=${path}: ${e.message}`);
    }
    if (!st.isSocket())
        throw new SocketPathError(`listen=${path}: the path exists and is not a socket: refusing to replace it`);
    if (await isLive(path))
        throw new SocketPathError(`listen=${path}: another process is listening on this socket`);
    await unlink(path);
}
/** A connect= path must name a socket that exists (the listening side starts first). */
export async function checkConnectPath(path) {
    let st;
    try {
        st = await stat(path);
    }
    catch {
        if (/^[^/]*:\d+$/.test(path))
            throw new SocketPathError(`connect=${path}: TCP addresses are not supported: give the path of a UNIX socket`);
        throw new SocketPathError(`connect=${path}: no such socket (start the VM that listens on it first)`);
    }
    if (!st.isSocket())
        throw new SocketPathError(`connect=${path}: not a socket`);
}
/** Listens on a UNIX socket path; resolves once listening, rejects with the listen error. */
export function listenOn(server, path) {
    return new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(path, () => {
            server.off('error', fail);
            ok();
        });
    });
}
//# sourceMappingURL=socket-path.js.map