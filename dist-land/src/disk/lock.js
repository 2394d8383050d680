// Image locks that QEMU understands: OFD byte-range locks on bytes 100+perm and 200+perm (QEMU block/file-posix.c).
//
// QEMU describes what an opener does with a file as permission bits (consistent read, write, write unchanged,
// resize). For each bit it holds, it read-locks byte 100+bit; for each bit it does not let others have, byte 200+bit.
// An opener then tests, with F_OFD_GETLK, that nobody else holds byte 200+bit for a bit it wants, nor byte 100+bit
// for a bit it denies. All locks are shared (F_RDLCK), so holders only ever conflict through these tests. Node has
// no fcntl(2): it is called through the koffi FFI (prebuilt for each platform inside its npm packages).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { DiskError } from './backend.js';
import { libc } from './libc.js';
const PERM_BASE = 100;
const SHARED_BASE = 200;
const PERM_NAMES = ['consistent read', 'write', 'write unchanged', 'resize'];
const CONSISTENT_READ = 1, WRITE = 2, WRITE_UNCHANGED = 4, RESIZE = 8;
/** Linux fcntl commands and lock types (asm-generic/fcntl.h; the same on every Linux architecture). */
const F_OFD_GETLK = 36, F_OFD_SETLK = 37;
const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
/** What we take and what we let others take: a reader lets others read; a writer lets others read, not write. */
function permsOf(mode) {
    return mode === 'write'
        ? { perm: CONSISTENT_READ | WRITE | RESIZE, shared: CONSISTENT_READ | WRITE_UNCHANGED }
        : { perm: CONSISTENT_READ, shared: CONSISTENT_READ | WRITE_UNCHANGED };
}
/** Whether images are locked on this host (Linux with glibc: OFD locks through koffi). */
export function lockingAvailable() {
    return libc() !== null;
}
function flock(type, start) {
    // struct flock: short l_type, short l_whence, (pad), off_t l_start, off_t l_len, pid_t l_pid, (pad)
    const b = Buffer.alloc(32);
    b.writeInt16LE(type, 0);
    b.writeInt16LE(0, 2); // SEEK_SET
    b.writeBigInt64LE(BigInt(start), 8);
    b.writeBigInt64LE(1n, 16);
    return b;
}
/** Images this process holds, by device and inode: a second open of one is named as such, not as "another process". */
const held = new Map();
export class ImageLock {
    key;
    mode;
    constructor(key, mode) {
        this.key = key;
        this.mode = mode;
    }
    /**
     * Locks an open image file as QEMU would, or throws a DiskError naming the conflict and, as well as /proc tells,
     * the holder. Without OFD locks on this host it returns null (the caller warns).
     */
    static acquire(fd, path, dev, ino, mode) {
        const f = libc();
        if (!f)
            return null;
        const key = `${dev}:${ino}`;
        const { perm, shared } = permsOf(mode);
        const set = (type, byte) => {
            if (f.fcntl(fd, F_OFD_SETLK, flock(type, byte)) !== 0)
                throw conflict(`Failed to lock byte ${byte}`);
        };
        const taken = (byte) => {
            const q = flock(F_WRLCK, byte);
            if (f.fcntl(fd, F_OFD_GETLK, q) !== 0)
                throw new DiskError(`${path}: cannot test the image's locks`);
            return q.readInt16LE(0) !== F_UNLCK;
        };
        const conflict = (what) => {
            const who = held.has(key)
                ? `it is already open in this process (as ${held.get(key).path}): the same image twice, or an image that is also in another disk's backing chain`
                : `is another process using the image ${path}?${holders(dev, ino)}`;
            return new DiskError(`${what}: ${who}`);
        };
        const bytes = [];
        try {
            for (let i = 0; i < PERM_NAMES.length; i++) {
                const bit = 1 << i;
                if (perm & bit)
                    bytes.push(PERM_BASE + i);
                if (!(shared & bit))
                    bytes.push(SHARED_BASE + i);
            }
            for (const b of bytes)
                set(F_RDLCK, b);
            for (let i = 0; i < PERM_NAMES.length; i++) {
                const bit = 1 << i;
                if (perm & bit && taken(SHARED_BASE + i))
                    throw conflict(`Failed to get "${PERM_NAMES[i]}" lock`);
                if (!(shared & bit) && taken(PERM_BASE + i))
                    throw conflict(`Failed to get shared "${PERM_NAMES[i]}" lock`);
            }
        }
        catch (e) {
            for (const b of bytes)
                f.fcntl(fd, F_OFD_SETLK, flock(F_UNLCK, b));
            throw e;
        }
        const h = held.get(key);
        if (h)
            h.count++;
        else
            held.set(key, { path, count: 1 });
        return new ImageLock(key, mode);
    }
    /** Forgets the image; the locks themselves go with the file descriptor when it is closed. */
    release() {
        const h = held.get(this.key);
        if (h && --h.count === 0)
            held.delete(this.key);
    }
}
/** " (held by qemu-system-ris, pid 1234)": the processes that have the file open, found through /proc. */
function holders(dev, ino) {
    const found = [];
    let pids = [];
    try {
        pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
    }
    catch {
        return '';
    }
    for (const pid of pids) {
        let fds;
        try {
            fds = readdirSync(`/proc/${pid}/fd`);
        }
        catch {
            continue;
        }
        for (const fd of fds) {
            try {
                const st = statSync(`/proc/${pid}/fd/${fd}`);
                if (st.dev === dev && st.ino === ino) {
                    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
                    found.push(`${comm}, pid ${pid}`);
                    break;
                }
            }
            catch {
                /* the process or descriptor went away */
            }
        }
        if (found.length >= 4)
            break;
    }
    return found.length ? ` (held by ${found.join('; ')})` : '';
}
//# sourceMappingURL=lock.js.map