// A shared host directory as the 9P server's backend: every path resolved inside it one name at a time, never through a symlink.
import { chmodSync, closeSync, constants as C, fdatasyncSync, fstatSync, fsyncSync, linkSync, lutimesSync, mkdirSync, openSync, opendirSync, readSync, readlinkSync, renameSync, rmdirSync, statfsSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeSync, } from 'node:fs';
import { E, NineError } from '../devices/virtio/9p-wire.js';
import { readOwner, writeOwner } from './xattr.js';
/** Linux's O_PATH (the same number on x86-64, arm64 and riscv64); Node does not export it. */
const O_PATH = 0o10000000;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
/** Permission bits a guest may set on a host file: never set-user-ID or set-group-ID (the host user's own ids). */
const HOST_MODE_BITS = 0o1777;
/**
 * The magic link of an open descriptor: the kernel jumps straight to the inode the descriptor holds, so the path is
 * never looked up again (a rename or a symlink swapped in since the open changes nothing).
 */
function self(fd) {
    return `/proc/self/fd/${fd}`;
}
/** `name` inside the directory `fd` holds: only `name` (one checked component) is looked up. */
function at(fd, name) {
    return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}
/** Attributes as the guest sees them: the host's, with the owner and set-ID bits the guest recorded (`owner`). */
function attrOf(s, owner = null) {
    return {
        mode: owner ? (Number(s.mode) & ~0o6000) | owner.setId : Number(s.mode),
        uid: owner ? owner.uid : Number(s.uid),
        gid: owner ? owner.gid : Number(s.gid),
        nlink: s.nlink,
        rdev: s.rdev,
        size: s.size,
        blksize: s.blksize,
        blocks: s.blocks,
        atimeNs: s.atimeNs,
        mtimeNs: s.mtimeNs,
        ctimeNs: s.ctimeNs,
        ino: s.ino,
    };
}
function hostAccess(f) {
    let flags = f.access === 'r' ? C.O_RDONLY : f.access === 'w' ? C.O_WRONLY : C.O_RDWR;
    if (f.truncate)
        flags |= C.O_TRUNC;
    if (f.append)
        flags |= C.O_APPEND;
    return flags;
}
/**
 * The share is held as an O_PATH descriptor of its root, opened once. Every operation walks from it with
 * openat-like lookups (`/proc/self/fd/N/NAME`, O_PATH | O_NOFOLLOW | O_DIRECTORY for each directory), so `..` is
 * never looked up on the host, a symlink is never followed, and a directory a host process swaps for a symlink
 * between two operations stops the walk (ENOTDIR) instead of leading out.
 */
export class HostShareFs {
    hostDir;
    readOnly;
    root;
    handles = new Set();
    constructor(hostDir, opts = {}) {
        this.hostDir = hostDir;
        this.readOnly = opts.readOnly ?? false;
        // The user named this directory: symlinks in the name they gave are theirs to follow.
        this.root = openSync(hostDir, O_PATH | C.O_DIRECTORY);
    }
    /** Opens the directory at `path` as O_PATH; the caller closes it unless it is the root. */
    walkDir(path) {
        let fd = this.root;
        for (const name of path) {
            let next;
            try {
                next = openSync(at(fd, name), O_PATH | C.O_NOFOLLOW | C.O_DIRECTORY);
            }
            finally {
                if (fd !== this.root)
                    closeSync(fd);
            }
            fd = next;
        }
        return fd;
    }
    inDir(dir, fn) {
        const fd = this.walkDir(dir);
        try {
            return fn(fd);
        }
        finally {
            if (fd !== this.root)
                closeSync(fd);
        }
    }
    /** Runs `fn` on an O_PATH descriptor of the file itself (a symlink stays a symlink). */
    onNode(path, fn) {
        if (path.length === 0)
            return fn(this.root, fstatSync(this.root, { bigint: true }));
        return this.inDir(path.slice(0, -1), (dfd) => {
            const fd = openSync(at(dfd, path[path.length - 1]), O_PATH | C.O_NOFOLLOW);
            try {
                return fn(fd, fstatSync(fd, { bigint: true }));
            }
            finally {
                closeSync(fd);
            }
        });
    }
    /** Refuses a change on a read-only share (the server checks too; this holds if it did not). */
    writable() {
        if (this.readOnly)
            throw new NineError(E.EROFS);
    }
    track(fd) {
        this.handles.add(fd);
        return fd;
    }
    handle(h) {
        if (!this.handles.has(h))
            throw new NineError(E.EBADF);
        return h;
    }
    lstat(path) {
        return this.onNode(path, (fd, st) => attrOf(st, this.ownerOf(fd, st)));
    }
    /** The guest's owner record of a regular file or directory (symlinks carry none: Linux refuses them user attributes). */
    ownerOf(fd, st) {
        const type = Number(st.mode) & S_IFMT;
        return type === S_IFREG || type === S_IFDIR ? readOwner(self(fd)) : null;
    }
    open(path, flags) {
        if (flags.access !== 'r' || flags.truncate)
            this.writable();
        return this.onNode(path, (fd, st) => {
            const type = Number(st.mode) & S_IFMT;
            // Devices, FIFOs and sockets are never opened: a FIFO would block the VM, a device node would reach outside.
            if (type === S_IFLNK)
                throw new NineError(E.ELOOP);
            if (type !== S_IFREG && type !== S_IFDIR)
                throw new NineError(E.EPERM, 'not a regular file or directory');
            if (type === S_IFDIR && flags.access !== 'r')
                throw new NineError(E.EISDIR);
            // Reopening through the O_PATH descriptor opens exactly the inode just checked.
            const extra = type === S_IFDIR ? C.O_DIRECTORY : C.O_NONBLOCK;
            return this.track(openSync(self(fd), hostAccess(flags) | extra));
        });
    }
    create(dir, name, flags, mode) {
        this.writable();
        return this.inDir(dir, (dfd) => {
            const fd = openSync(at(dfd, name), hostAccess(flags) | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, (mode & HOST_MODE_BITS) | 0o600);
            this.track(fd);
            try {
                // The guest applied its umask already; the host's would apply a second time.
                chmodSync(self(fd), mode & HOST_MODE_BITS & 0o777);
            }
            catch {
                // the file exists and is open: a mode the host refuses is not a reason to fail the create
            }
            return fd;
        });
    }
    fstat(handle) {
        const st = fstatSync(this.handle(handle), { bigint: true });
        return attrOf(st, this.ownerOf(handle, st));
    }
    read(handle, position, into) {
        return readSync(this.handle(handle), into, 0, into.length, position);
    }
    write(handle, position, data) {
        this.writable();
        return writeSync(this.handle(handle), data, 0, data.length, position);
    }
    fsync(handle, dataOnly) {
        (dataOnly ? fdatasyncSync : fsyncSync)(this.handle(handle));
    }
    close(handle) {
        this.handles.delete(this.handle(handle));
        closeSync(handle);
    }
    openDir(handle) {
        const dfd = this.handle(handle);
        const dir = opendirSync(self(dfd), { encoding: 'buffer', bufferSize: 64 });
        return {
            next: () => {
                for (;;) {
                    const e = dir.readSync();
                    if (!e)
                        return null;
                    const name = e.name;
                    try {
                        const fd = openSync(at(dfd, name), O_PATH | C.O_NOFOLLOW);
                        try {
                            return { name, attr: attrOf(fstatSync(fd, { bigint: true })) };
                        }
                        finally {
                            closeSync(fd);
                        }
                    }
                    catch {
                        // removed since the directory was read: skip it
                    }
                }
            },
            close: () => {
                try {
                    dir.closeSync();
                }
                catch {
                    // already closed
                }
            },
        };
    }
    mkdir(dir, name, mode) {
        this.writable();
        this.inDir(dir, (dfd) => {
            mkdirSync(at(dfd, name), 0o700);
            const fd = openSync(at(dfd, name), O_PATH | C.O_NOFOLLOW | C.O_DIRECTORY);
            try {
                chmodSync(self(fd), mode & HOST_MODE_BITS);
            }
            finally {
                closeSync(fd);
            }
        });
    }
    symlink(dir, name, target) {
        this.writable();
        // The target is stored as text; the host side never follows it.
        this.inDir(dir, (dfd) => symlinkSync(Buffer.from(target), at(dfd, name)));
    }
    mknod(dir, name, mode) {
        this.writable();
        // Device nodes, FIFOs and sockets are not made on the host; a regular file is (mknod(S_IFREG) is an empty file).
        if ((mode & S_IFMT) !== S_IFREG && (mode & S_IFMT) !== 0)
            throw new NineError(E.EPERM);
        this.inDir(dir, (dfd) => closeSync(openSync(at(dfd, name), C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW | C.O_WRONLY, mode & 0o777)));
    }
    link(target, dir, name) {
        this.writable();
        // link(2) does not follow a symlink in its source: at worst a symlink inside the share gets a second name.
        this.inDir(target.slice(0, -1), (tfd) => this.inDir(dir, (dfd) => linkSync(at(tfd, target[target.length - 1]), at(dfd, name))));
    }
    readlink(path) {
        if (path.length === 0)
            throw new NineError(E.EINVAL);
        return this.inDir(path.slice(0, -1), (dfd) => readlinkSync(at(dfd, path[path.length - 1]), { encoding: 'buffer' }));
    }
    unlink(dir, name, directory) {
        this.writable();
        this.inDir(dir, (dfd) => (directory ? rmdirSync(at(dfd, name)) : unlinkSync(at(dfd, name))));
    }
    rename(fromDir, fromName, toDir, toName) {
        this.writable();
        this.inDir(fromDir, (ffd) => this.inDir(toDir, (tfd) => renameSync(at(ffd, fromName), at(tfd, toName))));
    }
    setattr(path, change) {
        this.writable();
        this.onNode(path, (fd, st) => {
            const type = Number(st.mode) & S_IFMT;
            // Files stay the host user's; the owner and set-ID bits the guest gives are recorded for its view (docs/shares.md).
            const was = this.ownerOf(fd, st);
            const owner = was ?? { uid: Number(st.uid), gid: Number(st.gid), setId: 0 };
            const next = {
                uid: change.uid ?? owner.uid,
                gid: change.gid ?? owner.gid,
                setId: change.mode !== undefined ? change.mode & 0o6000 : owner.setId,
            };
            const ownerChanged = next.uid !== owner.uid || next.gid !== owner.gid;
            if (ownerChanged && type !== S_IFREG && type !== S_IFDIR)
                throw new NineError(E.EPERM, 'only files and directories record a guest owner');
            if (change.mode !== undefined) {
                if (type === S_IFLNK)
                    throw new NineError(E.EOPNOTSUPP);
                chmodSync(self(fd), change.mode & HOST_MODE_BITS);
            }
            if (ownerChanged || next.setId !== owner.setId) {
                const err = writeOwner(self(fd), next);
                // Without user attributes on the host file system, a chown cannot be recorded (set-ID bits are just dropped).
                if (err !== 0 && ownerChanged)
                    throw new NineError(E.EPERM, 'the host file system keeps no user attributes');
            }
            if (change.size !== undefined) {
                if (type !== S_IFREG)
                    throw new NineError(type === S_IFDIR ? E.EISDIR : E.EINVAL);
                truncateSync(self(fd), change.size);
            }
            if (change.atime !== undefined || change.mtime !== undefined) {
                const now = BigInt(Date.now()) * 1000000n;
                const pick = (t, old) => Number(t === 'now' ? now : (t ?? old)) / 1e9;
                const a = pick(change.atime, st.atimeNs);
                const m = pick(change.mtime, st.mtimeNs);
                if (type === S_IFLNK) {
                    this.inDir(path.slice(0, -1), (dfd) => lutimesSync(at(dfd, path[path.length - 1]), a, m));
                }
                else
                    utimesSync(self(fd), a, m);
            }
        });
    }
    statfs() {
        const s = statfsSync(self(this.root), { bigint: true });
        return {
            type: Number(s.type & 0xffffffffn),
            bsize: Number(s.bsize),
            blocks: s.blocks,
            bfree: s.bfree,
            bavail: s.bavail,
            files: s.files,
            ffree: s.ffree,
            namelen: 255,
        };
    }
    closeAll() {
        for (const h of this.handles)
            closeSync(h);
        this.handles.clear();
        if (this.root >= 0)
            closeSync(this.root);
        this.root = -1;
    }
}
//# sourceMappingURL=host-fs.js.map