// The few libc calls Node does not offer, through the koffi FFI: fcntl (OFD locks), lseek
// (SEEK_DATA/SEEK_HOLE), fallocate (punching holes), mincore (untouched RAM).
import { createRequire } from 'node:module';

export interface Libc {
  /** fcntl(fd, cmd, struct flock *): 0 or -1. */
  fcntl(fd: number, cmd: number, flock: Buffer): number;
  /** lseek(fd, offset, whence): the new offset, or -1 (errno() tells why). */
  lseek(fd: number, offset: number, whence: number): number;
  errno(): number;
  /** fallocate(fd, mode, offset, len): 0 or -1 (punching holes frees the space of unused clusters). */
  fallocate(fd: number, mode: number, offset: number, len: number): number;
  /** mincore(addr, length, vec): which pages of memory are resident, one byte per host page (bit 0); 0 or -1. */
  mincore(addr: Uint8Array, length: number, vec: Uint8Array): number;
  pageSize: number;
}

let cached: Libc | null | undefined;

/**
 * libc on 64-bit Linux with glibc, or null elsewhere (the callers then go without: no locks, no hole skipping).
 * koffi ships its native part prebuilt in per-platform npm packages, so `npm ci` needs no compiler.
 */
export function libc(): Libc | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.platform !== 'linux' || !['x64', 'arm64', 'riscv64'].includes(process.arch)) return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    const fcntl = lib.func('int fcntl(int fd, int cmd, ...)');
    const lseek = lib.func('int64_t lseek(int fd, int64_t offset, int whence)');
    const fallocate = lib.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)');
    const mincore = lib.func('int mincore(void *addr, size_t length, _Out_ uint8_t *vec)');
    const getpagesize = lib.func('int getpagesize()');
    cached = {
      mincore: (addr, length, vec) => mincore(addr, length, vec) as number,
      pageSize: getpagesize() as number,
      fallocate: (fd, mode, offset, len) => fallocate(fd, mode, offset, len) as number,
      fcntl: (fd, cmd, flock) => fcntl(fd, cmd, 'void *', flock) as number,
      lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
      errno: () => koffi.errno(),
    };
  } catch {
    cached = null;
  }
  return cached;
}
