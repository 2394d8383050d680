// Positioned reads and writes on an image file; reads past the end of the file return zeros (sparse tails).
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { DiskError } from './backend.js';
import { ImageLock } from './lock.js';
import { libc } from './libc.js';
const SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;
/** What a non-regular file is, for messages. */
function kindOf(st) {
    if (st.isDirectory())
        return 'a directory';
    if (st.isFIFO())
        return 'a FIFO';
    if (st.isCharacterDevice())
        return 'a character device';
    if (st.isBlockDevice())
        return 'a block device';
    if (st.isSocket())
        return 'a socket';
    return 'not a regular file';
}
function openError(path, e) {
    const err = e;
    if (err.code === 'ENOENT')
        return new DiskError(`${path}: no such file`);
    if (err.code === 'EACCES' || err.code === 'EPERM')
        return new DiskError(`${path}: permission denied`);
    if (err.code === 'EISDIR')
        return new DiskError(`${path}: is a directory`);
    if (err.code === 'ELOOP')
        return new DiskError(`${path}: too many levels of symbolic links`);
    return new DiskError(`${path}: ${err.message}`);
}
/**
 * Refuses anything but a regular file (symbolic links followed), without opening it: opening a FIFO for reading
 * would block until a writer comes, and a device is not an image.
 */
export async function checkRegularFile(path) {
    let st;
    try {
        st = await stat(path);
    }
    catch (e) {
        throw openError(path, e);
    }
    if (!st.isFile())
        throw new DiskError(`${path}: is ${kindOf(st)}, not a regular file: only regular files are images`);
    return st;
}
export class ImageFile {
    fh;
    path;
    readOnly;
    dev;
    ino;
    lock;
    closed = false;
    constructor(fh, path, readOnly, 
    /** Device and inode, which name the file whatever path (symbolic or hard link) led to it. */
    dev, ino, 
    /** Null where the host has no OFD locks. */
    lock) {
        this.fh = fh;
        this.path = path;
        this.readOnly = readOnly;
        this.dev = dev;
        this.ino = ino;
        this.lock = lock;
    }
    /**
     * Opens an image and locks it as QEMU does (docs/disk-safety.md): shared for reading, exclusive of other writers
     * and readers for writing. A conflict with another process, QEMU included, or with another open of the same file
     * in this one, is a DiskError.
     */
    static async open(path, readOnly) {
        await checkRegularFile(path);
        // O_NONBLOCK: should a FIFO replace the file between the check and the open, open returns at once (and the
        // fstat below refuses it) instead of hanging; on a regular file the flag changes nothing.
        const flags = (readOnly ? constants.O_RDONLY : constants.O_RDWR) | constants.O_NONBLOCK;
        let fh;
        try {
            fh = await open(path, flags);
        }
        catch (e) {
            throw openError(path, e);
        }
        try {
            const st = await fh.stat();
            if (!st.isFile())
                throw new DiskError(`${path}: is ${kindOf(st)}, not a regular file: only regular files are images`);
            const lock = ImageLock.acquire(fh.fd, path, st.dev, st.ino, readOnly ? 'read' : 'write');
            return new ImageFile(fh, path, readOnly, st.dev, st.ino, lock);
        }
        catch (e) {
            await fh.close();
            throw e;
        }
    }
    /**
     * Creates an image file, or empties an existing one — only once it holds the write lock (as QEMU's raw_co_create),
     * so a file another process uses is refused rather than truncated under it.
     */
    static async create(path) {
        let fh;
        try {
            fh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NONBLOCK, 0o666);
        }
        catch (e) {
            throw new DiskError(`${path}: cannot create: ${e.message}`);
        }
        try {
            const st = await fh.stat();
            if (!st.isFile())
                throw new DiskError(`${path}: is ${kindOf(st)}, not a regular file: cannot create an image there`);
            const lock = ImageLock.acquire(fh.fd, path, st.dev, st.ino, 'write');
            await fh.truncate(0);
            return new ImageFile(fh, path, false, st.dev, st.ino, lock);
        }
        catch (e) {
            await fh.close();
            throw e;
        }
    }
    async size() {
        return (await this.fh.stat()).size;
    }
    /** Allocated bytes on the host file system (like du). */
    async allocatedBytes() {
        return (await this.fh.stat()).blocks * 512;
    }
    /**
     * Whether the file stores data at position, and for how many bytes from there (at most length), from the file
     * system's hole map (lseek SEEK_DATA/SEEK_HOLE). Where the host cannot tell, everything is data.
     */
    dataAt(position, length) {
        const c = libc();
        if (!c)
            return { data: true, length };
        const data = c.lseek(this.fh.fd, position, SEEK_DATA);
        if (data < 0)
            return c.errno() === ENXIO ? { data: false, length } : { data: true, length };
        if (data > position)
            return { data: false, length: Math.min(length, data - position) };
        const hole = c.lseek(this.fh.fd, position, SEEK_HOLE);
        if (hole <= position)
            return { data: true, length };
        return { data: true, length: Math.min(length, hole - position) };
    }
    /** Node silently writes at the current file position for offsets it cannot represent: refuse them here. */
    checkPosition(position, length) {
        if (!Number.isSafeInteger(position) || position < 0 || position + length > Number.MAX_SAFE_INTEGER)
            throw new DiskError(`${this.path}: offset ${position} is beyond what a file can hold`);
    }
    async readAt(position, buf) {
        this.checkPosition(position, buf.length);
        let done = 0;
        while (done < buf.length) {
            const { bytesRead } = await this.fh.read(buf, done, buf.length - done, position + done);
            if (bytesRead === 0) {
                buf.fill(0, done);
                return;
            }
            done += bytesRead;
        }
    }
    async writeAt(position, data) {
        this.checkPosition(position, data.length);
        let done = 0;
        while (done < data.length) {
            const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
            done += bytesWritten;
        }
    }
    /** Frees the file system space of a range, which then reads as zeros (where the host cannot, nothing happens). */
    punchHole(position, length) {
        const FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;
        libc()?.fallocate(this.fh.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, position, length);
    }
    async truncate(length) {
        await this.fh.truncate(length);
    }
    async sync() {
        await this.fh.sync();
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        this.lock?.release();
        await this.fh.close();
    }
}
//# sourceMappingURL=file.js.map