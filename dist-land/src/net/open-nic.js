import { checkConnectPath, prepareListenPath, SocketPathError } from './socket-path.js';
import { NullNetBackend, StreamNetBackend } from './stream-backend.js';
/** Resolves to the backend, or rejects with a one-line reason ("--nic listen=PATH: ..."). */
export async function openNicBackend(n, log) {
    try {
        if (n.kind === 'listen') {
            await prepareListenPath(n.path);
            return await StreamNetBackend.listen(n.path, { log });
        }
        if (n.kind === 'connect') {
            await checkConnectPath(n.path);
            return await StreamNetBackend.connect(n.path, { log });
        }
        return new NullNetBackend();
    }
    catch (e) {
        if (e instanceof SocketPathError)
            throw new Error(`--nic ${e.message}`);
        throw new Error(`--nic ${n.kind}=${n.path}: ${e.message}`);
    }
}
//# sourceMappingURL=open-nic.js.map