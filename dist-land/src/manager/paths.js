// Where the manager keeps things: $TYPEVISOR_HOME (default: the XDG data directory), one folder per VM, its sockets.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ManagerError } from './errors.js';
/** The longest UNIX socket path Linux accepts: sun_path is 108 bytes with the terminating NUL. */
export const MAX_SOCKET_PATH = 107;
/** $TYPEVISOR_HOME, else $XDG_DATA_HOME/typevisor, else ~/.local/share/typevisor (a relative XDG path is ignored). */
export function typevisorHome(env = process.env) {
    if (env.TYPEVISOR_HOME)
        return resolve(env.TYPEVISOR_HOME);
    const xdg = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
    return join(xdg, 'typevisor');
}
export function vmsDir(home) {
    return join(home, 'vms');
}
export function vmPaths(home, name) {
    const dir = join(vmsDir(home), name);
    const sockets = socketDir(dir);
    return {
        name,
        dir,
        definition: join(dir, 'vm.json'),
        state: join(dir, 'state.json'),
        exitStatus: join(dir, 'exit-status'),
        processLog: join(dir, 'vm.log'),
        consoleLog: join(dir, 'console.log'),
        controlSocket: join(sockets, 'control.sock'),
        consoleSocket: join(sockets, 'console.sock'),
    };
}
/**
 * The VM's folder when its socket paths fit in sun_path; otherwise a short per-user runtime folder named by a hash of
 * the VM's folder, so every client finds the same one ($XDG_RUNTIME_DIR/typevisor/, else /tmp/typevisor-UID/).
 */
export function socketDir(vmDir, env = process.env) {
    if (Buffer.byteLength(join(vmDir, 'console.sock')) <= MAX_SOCKET_PATH)
        return vmDir;
    const hash = createHash('sha256').update(vmDir).digest('hex').slice(0, 16);
    const runtime = env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
    const base = runtime ? join(runtime, 'typevisor') : join(tmpdir(), `typevisor-${process.getuid?.() ?? 0}`);
    const dir = join(base, hash);
    if (Buffer.byteLength(join(dir, 'console.sock')) > MAX_SOCKET_PATH)
        throw new ManagerError('bad-input', `the VM folder ${vmDir} is too deep for its sockets, and so is ${base}: set TYPEVISOR_HOME or TMPDIR to a shorter path`);
    return dir;
}
/** Creates the runtime folder of socketDir() if it is one, refusing a folder that another user owns or can enter. */
export function ensureSocketDir(paths) {
    const dir = resolve(paths.controlSocket, '..');
    if (dir === paths.dir)
        return;
    const base = resolve(dir, '..');
    for (const d of [base, dir]) {
        mkdirSync(d, { recursive: true, mode: 0o700 });
        const st = lstatSync(d);
        const uid = process.getuid?.();
        if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
            throw new ManagerError('failed', `${d} is not a private folder of this user: remove it or set TMPDIR`);
    }
}
//# sourceMappingURL=paths.js.map