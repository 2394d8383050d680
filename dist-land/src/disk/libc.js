// The few libc calls Node does not offer, through the koffi FFI: fcntl (OFD locks), lseek (SEEK_DATA/SEEK_HOLE), fallocate.
import { createRequire } from 'node:module';
let cached;
/**
 * libc on 64-bit Linux with glibc, or null elsewhere (the callers then go without: no locks, no hole skipping).
 * koffi ships its native part prebuilt in per-platform npm packages, so `npm ci` needs no compiler.
 */
export function libc() {
    if (cached !== undefined)
        return cached;
    cached = null;
    if (process.platform !== 'linux' || !['x64', 'arm64', 'riscv64'].includes(process.arch))
        return null;
    try {
        const koffi = createRequire(import.meta.url)('koffi');
        const lib = koffi.load('libc.so.6');
        const fcntl = lib.func('int fcntl(int fd, int cmd, ...)');
        const lseek = lib.func('int64_t lseek(int fd, int64_t offset, int whence)');
        const fallocate = lib.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)');
        cached = {
            fallocate: (fd, mode, offset, len) => fallocate(fd, mode, offset, len),
            fcntl: (fd, cmd, flock) => fcntl(fd, cmd, 'void *', flock),
            lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
            errno: () => koffi.errno(),
        };
    }
    catch {
        cached = null;
    }
    return cached;
}
//# sourceMappingURL=libc.js.map