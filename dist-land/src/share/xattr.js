// The guest's view of a file's owner and set-ID bits, kept in one user extended attribute (getxattr/setxattr through koffi).
import { createRequire } from 'node:module';
/** The attribute: "UID GID BITS" in decimal, BITS being the set-user-ID and set-group-ID bits the guest set. */
export const OWNER_XATTR = 'user.typevisor.owner';
let calls;
/** libc's getxattr/setxattr on 64-bit Linux with glibc, or null (the share then refuses chown). */
function xattrCalls() {
    if (calls !== undefined)
        return calls;
    calls = null;
    if (process.platform !== 'linux' || !['x64', 'arm64', 'riscv64'].includes(process.arch))
        return null;
    try {
        const koffi = createRequire(import.meta.url)('koffi');
        const lib = koffi.load('libc.so.6');
        const get = lib.func('int64_t getxattr(const char *path, const char *name, void *value, size_t size)');
        const set = lib.func('int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)');
        calls = {
            get: (p, n, b, s) => Number(get(p, n, b, s)),
            set: (p, n, v, s, f) => set(p, n, v, s, f),
            errno: () => koffi.errno(),
        };
    }
    catch {
        calls = null;
    }
    return calls;
}
const MAX_VALUE = 64;
/** The owner recorded on the file `path` names (a /proc/self/fd magic link), or null when none is. */
export function readOwner(path) {
    const x = xattrCalls();
    if (!x)
        return null;
    const buf = Buffer.alloc(MAX_VALUE);
    const n = x.get(path, OWNER_XATTR, buf, MAX_VALUE);
    if (n <= 0)
        return null;
    const m = /^(\d{1,10}) (\d{1,10}) (\d{1,5})$/.exec(buf.toString('latin1', 0, n));
    if (!m)
        return null;
    return { uid: Number(m[1]) >>> 0, gid: Number(m[2]) >>> 0, setId: Number(m[3]) & 0o6000 };
}
/** Records the guest's owner; returns 0 or the host errno (ENOTSUP where the file system has no user attributes). */
export function writeOwner(path, o) {
    const x = xattrCalls();
    if (!x)
        return 95; // EOPNOTSUPP
    const value = Buffer.from(`${o.uid >>> 0} ${o.gid >>> 0} ${o.setId & 0o6000}`, 'latin1');
    return x.set(path, OWNER_XATTR, value, value.length, 0) === 0 ? 0 : x.errno();
}
//# sourceMappingURL=xattr.js.map