import { E, NineError, P9, WireReader, WireWriter, errnoOf, lerror } from './9p-wire.js';
/** The largest message either side may send; the guest's Tversion may only lower it. */
export const MAX_MSIZE = 512 * 1024;
/** Below this no useful Tread or Treaddir fits; Linux never asks for less. */
export const MIN_MSIZE = 4096;
/** Fids one attachment may hold (the guest keeps one per cached dentry, plus one per open file). */
export const MAX_FIDS = 65536;
/** Host files one attachment may hold open. */
export const MAX_OPEN = 4096;
export const MAX_NAME = 255;
export const MAX_PATH = 4096;
/** Names in one Twalk (the protocol's MAXWELEM). */
export const MAX_WALK = 16;
const NOFID = 0xffffffff;
const QID_DIR = 0x80;
const QID_SYMLINK = 0x02;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const AT_REMOVEDIR = 0x200;
/** Rgetattr's basic fields (mode..blocks). */
const GETATTR_BASIC = 0x7ffn;
const DOTL = { WRONLY: 1, RDWR: 2, TRUNC: 0o1000, APPEND: 0o2000 };
const SETATTR = { MODE: 1, UID: 2, GID: 4, SIZE: 8, ATIME: 16, MTIME: 32, ATIME_SET: 128, MTIME_SET: 256 };
const RDIR_ENTRY_FIXED = 13 + 8 + 1 + 2;
const READ_ONLY = { access: 'r', truncate: false, append: false };
const DOT = new Uint8Array([0x2e]);
const DOTDOT = new Uint8Array([0x2e, 0x2e]);
/** A name a guest may use for one path component (Linux never sends '/', NUL, '.' or '..' as a name to create). */
function checkName(name) {
    if (name.length === 0 || name.length > MAX_NAME)
        throw new NineError(name.length ? E.ENAMETOOLONG : E.EINVAL);
    if (name.includes(0x2f) || name.includes(0))
        throw new NineError(E.EINVAL, 'a name with "/" or NUL');
    if ((name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e))
        throw new NineError(E.EINVAL, '"." or ".." as a name');
    return Uint8Array.from(name);
}
function isType(attr, type) {
    return (attr.mode & S_IFMT) === type;
}
function writeQid(w, a) {
    const t = isType(a, S_IFDIR) ? QID_DIR : isType(a, S_IFLNK) ? QID_SYMLINK : 0;
    w.u8(t).u32(0).u64(a.ino);
}
function sameBytes(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
}
function startsWith(path, prefix) {
    return prefix.length <= path.length && prefix.every((p, i) => sameBytes(p, path[i]));
}
function pathBytes(path) {
    return path.reduce((n, p) => n + p.length + 1, 0);
}
export class NineServer {
    fs;
    msize = MAX_MSIZE;
    fids = new Map();
    open = 0;
    stats = { requests: 0, errors: 0 };
    constructor(fs) {
        this.fs = fs;
    }
    /** The negotiated message size: no request or reply is larger. */
    get maxMessage() {
        return this.msize;
    }
    /** Back to the state before Tversion: every fid clunked, every host file closed. */
    reset() {
        for (const fid of this.fids.values())
            this.release(fid);
        this.fids.clear();
        this.msize = MAX_MSIZE;
    }
    /** The negotiated size and every fid (its path, and how it was opened) for a snapshot; JSON, names in hex. */
    saveState() {
        const fids = [];
        for (const [n, f] of this.fids) {
            const path = f.path.map((p) => Buffer.from(p).toString('hex'));
            fids.push(f.handle !== undefined ? { n, path, open: f.flags ?? READ_ONLY } : { n, path });
        }
        return { msize: this.msize, fids };
    }
    /** The path of an open fid a restore could not open again (its file unlinked, or another file at its path). */
    unreopenable() {
        for (const f of this.fids.values()) {
            if (f.handle === undefined)
                continue;
            const name = f.path.map((p) => Buffer.from(p).toString('utf8')).join('/');
            try {
                const open = this.fs.fstat(f.handle);
                if (open.nlink === 0n || this.fs.lstat(f.path).ino !== open.ino)
                    return name;
            }
            catch {
                return name;
            }
        }
        return undefined;
    }
    /**
     * Brings the fids back after a restore: open ones are opened again by path, so a file removed or replaced on the
     * host meanwhile leaves that fid closed (its reads fail with EBADF). The state is checked like a guest's input.
     */
    restoreState(state) {
        this.reset();
        const s = state;
        if (!s || typeof s !== 'object')
            return;
        const msize = Number(s.msize);
        this.msize = Number.isInteger(msize) ? Math.min(Math.max(msize, MIN_MSIZE), MAX_MSIZE) : MAX_MSIZE;
        for (const saved of Array.isArray(s.fids) ? s.fids.slice(0, MAX_FIDS) : []) {
            try {
                const path = (Array.isArray(saved.path) ? saved.path : []).map((h) => checkName(Buffer.from(String(h), 'hex')));
                if (pathBytes(path) > MAX_PATH)
                    continue;
                const f = this.newFid(Number(saved.n) >>> 0, path);
                const o = saved.open;
                if (o && this.open < MAX_OPEN) {
                    const flags = {
                        access: o.access === 'w' || o.access === 'rw' ? o.access : 'r',
                        truncate: false,
                        append: o.append === true,
                    };
                    if (flags.access !== 'r' && this.fs.readOnly)
                        continue;
                    this.opened(f, this.fs.open(path, flags), flags);
                }
            }
            catch {
                // a fid whose file is gone stays closed, or is left out
            }
        }
    }
    /** Answers one T-message; `replyMax` bounds the reply (the guest's writable buffer). Never throws. */
    handle(msg, replyMax) {
        this.stats.requests++;
        const limit = Math.min(replyMax, this.msize);
        let tag = 0xffff;
        try {
            const head = new WireReader(msg);
            const size = head.u32();
            const type = head.u8();
            tag = head.u16();
            // The buffers may be longer than the message; they may not be shorter.
            if (size < 7 || size > msg.length)
                throw new NineError(E.EPROTO, 'size field does not match the message');
            if (size > this.msize)
                throw new NineError(E.EMSGSIZE);
            const r = new WireReader(msg.subarray(0, size), 7);
            const reply = this.dispatch(type, tag, r, limit);
            if (reply.length > limit)
                throw new NineError(E.ERANGE, 'reply larger than the guest buffer');
            return reply;
        }
        catch (e) {
            this.stats.errors++;
            return lerror(tag, errnoOf(e));
        }
    }
    fid(n) {
        const f = this.fids.get(n);
        if (!f)
            throw new NineError(E.EBADF, `no fid ${n}`);
        return f;
    }
    newFid(n, path) {
        if (n === NOFID)
            throw new NineError(E.EBADF);
        if (this.fids.has(n))
            throw new NineError(E.EEXIST, `fid ${n} in use`);
        if (this.fids.size >= MAX_FIDS)
            throw new NineError(E.ENFILE, 'too many fids');
        const f = { path };
        this.fids.set(n, f);
        return f;
    }
    release(f) {
        f.dir?.stream.close();
        f.dir = undefined;
        if (f.handle !== undefined) {
            try {
                this.fs.close(f.handle);
            }
            catch {
                // closing is best effort: the fid goes away either way
            }
            f.handle = undefined;
            f.flags = undefined;
            this.open--;
        }
    }
    writable() {
        if (this.fs.readOnly)
            throw new NineError(E.EROFS);
    }
    childPath(dir, name) {
        const path = [...dir.path, checkName(name)];
        if (pathBytes(path) > MAX_PATH)
            throw new NineError(E.ENAMETOOLONG);
        return path;
    }
    openFlags(flags) {
        const acc = flags & 3;
        const access = acc === DOTL.WRONLY ? 'w' : acc === DOTL.RDWR ? 'rw' : 'r';
        const truncate = (flags & DOTL.TRUNC) !== 0;
        if ((access !== 'r' || truncate) && this.fs.readOnly)
            throw new NineError(E.EROFS);
        return { access, truncate, append: (flags & DOTL.APPEND) !== 0 };
    }
    opened(f, handle, flags) {
        f.handle = handle;
        f.flags = flags;
        f.writable = flags.access !== 'r';
        this.open++;
    }
    checkOpenRoom(f) {
        if (f.handle !== undefined)
            throw new NineError(E.EBADF, 'fid already open');
        if (this.open >= MAX_OPEN)
            throw new NineError(E.EMFILE);
    }
    dispatch(type, tag, r, limit) {
        const small = () => new WireWriter(Math.min(limit, 512));
        const fs = this.fs;
        switch (type) {
            case P9.Tversion: {
                const msize = r.u32();
                const version = new TextDecoder().decode(r.str(64));
                this.reset();
                if (msize < MIN_MSIZE)
                    throw new NineError(E.EINVAL, 'msize too small');
                this.msize = Math.min(msize, MAX_MSIZE);
                const v = version === '9P2000.L' ? version : 'unknown';
                return small()
                    .u32(this.msize)
                    .str(new TextEncoder().encode(v))
                    .finish(type + 1, tag);
            }
            case P9.Tattach: {
                const fid = r.u32();
                r.u32(); // afid: no authentication
                r.str(MAX_PATH); // uname
                r.str(MAX_PATH); // aname: the device exports one tree
                r.u32(); // n_uname: every guest user acts as the host user
                const attr = fs.lstat([]);
                this.newFid(fid, []);
                const w = small();
                writeQid(w, attr);
                return w.finish(type + 1, tag);
            }
            case P9.Tauth:
                throw new NineError(E.EOPNOTSUPP, 'no authentication');
            case P9.Tflush:
                r.u16(); // every request is answered before the next is read: nothing is in flight
                return small().finish(type + 1, tag);
            case P9.Twalk:
                return this.walk(r, tag, small());
            case P9.Tclunk: {
                const n = r.u32();
                this.release(this.fid(n));
                this.fids.delete(n);
                return small().finish(type + 1, tag);
            }
            case P9.Tremove: {
                const n = r.u32();
                const f = this.fid(n);
                this.release(f);
                this.fids.delete(n);
                this.writable();
                if (f.path.length === 0)
                    throw new NineError(E.EBUSY, 'the share root cannot be removed');
                const attr = fs.lstat(f.path);
                fs.unlink(f.path.slice(0, -1), f.path[f.path.length - 1], isType(attr, S_IFDIR));
                return small().finish(type + 1, tag);
            }
            case P9.Tlopen: {
                const f = this.fid(r.u32());
                const flags = this.openFlags(r.u32());
                this.checkOpenRoom(f);
                const handle = fs.open(f.path, flags);
                this.opened(f, handle, flags);
                const w = small();
                writeQid(w, fs.lstat(f.path));
                return w.u32(0).finish(type + 1, tag);
            }
            case P9.Tlcreate: {
                const f = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                const flags = this.openFlags(r.u32());
                const mode = r.u32();
                r.u32(); // gid: files belong to the host user
                this.writable();
                this.checkOpenRoom(f);
                const path = this.childPath(f, name);
                const handle = fs.create(f.path, path[path.length - 1], flags, mode & 0o7777);
                // The fid now stands for the new, open file.
                f.path = path;
                this.opened(f, handle, flags);
                const w = small();
                writeQid(w, fs.lstat(path));
                return w.u32(0).finish(type + 1, tag);
            }
            case P9.Tread: {
                const f = this.fid(r.u32());
                const offset = r.offset();
                const count = Math.min(r.u32(), limit - 11);
                if (f.handle === undefined || f.dir)
                    throw new NineError(E.EBADF, 'fid not open for reading');
                const w = new WireWriter(11 + Math.max(0, count));
                const n = count > 0 ? fs.read(f.handle, offset, w.buf.subarray(11, 11 + count)) : 0;
                w.u32(n);
                w.pos += n;
                return w.finish(type + 1, tag);
            }
            case P9.Twrite: {
                const f = this.fid(r.u32());
                const offset = r.offset();
                const count = r.u32();
                const data = r.bytes(count);
                if (f.handle === undefined || !f.writable)
                    throw new NineError(E.EBADF, 'fid not open for writing');
                this.writable();
                const n = fs.write(f.handle, offset, data);
                return small()
                    .u32(n)
                    .finish(type + 1, tag);
            }
            case P9.Tgetattr: {
                const f = this.fid(r.u32());
                r.u64(); // request mask: the basic fields are always sent
                // An open file is asked through its descriptor: it may have been unlinked since (tmpfile(), for one).
                const a = f.handle !== undefined ? fs.fstat(f.handle) : fs.lstat(f.path);
                const w = small();
                w.u64(GETATTR_BASIC);
                writeQid(w, a);
                w.u32(a.mode).u32(a.uid).u32(a.gid).u64(a.nlink).u64(a.rdev).u64(a.size).u64(a.blksize).u64(a.blocks);
                for (const t of [a.atimeNs, a.mtimeNs, a.ctimeNs, 0n])
                    w.u64(t / 1000000000n).u64(t % 1000000000n);
                return w
                    .u64(0)
                    .u64(0)
                    .finish(type + 1, tag);
            }
            case P9.Tsetattr:
                return this.setattr(r, tag, small());
            case P9.Treaddir:
                return this.readdir(r, tag, limit);
            case P9.Tmkdir: {
                const dir = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                const mode = r.u32();
                r.u32();
                this.writable();
                const path = this.childPath(dir, name);
                fs.mkdir(dir.path, path[path.length - 1], mode & 0o7777);
                const w = small();
                writeQid(w, fs.lstat(path));
                return w.finish(type + 1, tag);
            }
            case P9.Tsymlink: {
                const dir = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                const target = r.str(MAX_PATH - 1);
                r.u32();
                this.writable();
                if (target.length === 0 || target.includes(0))
                    throw new NineError(E.EINVAL);
                const path = this.childPath(dir, name);
                fs.symlink(dir.path, path[path.length - 1], Uint8Array.from(target));
                const w = small();
                writeQid(w, fs.lstat(path));
                return w.finish(type + 1, tag);
            }
            case P9.Tmknod: {
                const dir = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                const mode = r.u32();
                const major = r.u32();
                const minor = r.u32();
                r.u32();
                this.writable();
                const path = this.childPath(dir, name);
                fs.mknod(dir.path, path[path.length - 1], mode, major * 256 + minor);
                const w = small();
                writeQid(w, fs.lstat(path));
                return w.finish(type + 1, tag);
            }
            case P9.Treadlink: {
                const f = this.fid(r.u32());
                const target = fs.readlink(f.path);
                if (target.length > MAX_PATH)
                    throw new NineError(E.ENAMETOOLONG);
                return new WireWriter(9 + target.length).str(target).finish(type + 1, tag);
            }
            case P9.Tlink: {
                const dir = this.fid(r.u32());
                const target = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                this.writable();
                const path = this.childPath(dir, name);
                if (target.path.length === 0)
                    throw new NineError(E.EPERM);
                fs.link(target.path, dir.path, path[path.length - 1]);
                return small().finish(type + 1, tag);
            }
            case P9.Tunlinkat: {
                const dir = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                const flags = r.u32();
                this.writable();
                const path = this.childPath(dir, name);
                fs.unlink(dir.path, path[path.length - 1], (flags & AT_REMOVEDIR) !== 0);
                return small().finish(type + 1, tag);
            }
            case P9.Trenameat: {
                const from = this.fid(r.u32());
                const fromName = r.str(MAX_NAME);
                const to = this.fid(r.u32());
                const toName = r.str(MAX_NAME);
                this.writable();
                this.rename(this.childPath(from, fromName), this.childPath(to, toName));
                return small().finish(type + 1, tag);
            }
            case P9.Trename: {
                const f = this.fid(r.u32());
                const to = this.fid(r.u32());
                const name = r.str(MAX_NAME);
                this.writable();
                if (f.path.length === 0)
                    throw new NineError(E.EBUSY);
                this.rename(f.path, this.childPath(to, name));
                return small().finish(type + 1, tag);
            }
            case P9.Tstatfs: {
                this.fid(r.u32());
                const s = fs.statfs();
                const w = small().u32(s.type).u32(s.bsize).u64(s.blocks).u64(s.bfree).u64(s.bavail);
                return w
                    .u64(s.files)
                    .u64(s.ffree)
                    .u64(0)
                    .u32(s.namelen)
                    .finish(type + 1, tag);
            }
            case P9.Tfsync: {
                const f = this.fid(r.u32());
                const dataOnly = r.u32() !== 0;
                if (f.handle === undefined)
                    throw new NineError(E.EBADF);
                if (!f.dir)
                    fs.fsync(f.handle, dataOnly);
                return small().finish(type + 1, tag);
            }
            case P9.Tlock: {
                // Locks are the guest's own business: the host file is not locked (docs/devices/virtio-9p.md).
                this.fid(r.u32());
                return small()
                    .u8(0)
                    .finish(type + 1, tag);
            }
            case P9.Tgetlock: {
                this.fid(r.u32());
                r.u8();
                const start = r.u64();
                const length = r.u64();
                const procId = r.u32();
                const client = r.str(MAX_NAME);
                return small()
                    .u8(2)
                    .u64(start)
                    .u64(length)
                    .u32(procId)
                    .str(client)
                    .finish(type + 1, tag); // F_UNLCK
            }
            case P9.Txattrwalk:
            case P9.Txattrcreate:
                throw new NineError(E.EOPNOTSUPP, 'extended attributes are not shared');
            default:
                throw new NineError(E.EOPNOTSUPP, `message type ${type}`);
        }
    }
    walk(r, tag, w) {
        const from = this.fid(r.u32());
        const newfid = r.u32();
        const n = r.u16();
        if (n > MAX_WALK)
            throw new NineError(E.EINVAL, 'too many names in one walk');
        const names = [];
        for (let i = 0; i < n; i++)
            names.push(r.str(MAX_NAME));
        if (newfid !== NOFID && this.fids.get(newfid) !== from && this.fids.has(newfid))
            throw new NineError(E.EEXIST, `fid ${newfid} in use`);
        let path = [...from.path];
        const qids = [];
        for (const [i, raw] of names.entries()) {
            try {
                if (sameBytes(raw, DOTDOT))
                    path = path.slice(0, -1);
                else if (!sameBytes(raw, DOT)) {
                    const next = [...path, checkName(raw)];
                    if (pathBytes(next) > MAX_PATH)
                        throw new NineError(E.ENAMETOOLONG);
                    path = next;
                }
                qids.push(this.fs.lstat(path));
            }
            catch (e) {
                if (i === 0)
                    throw e;
                break; // a partial walk: the qids so far, and newfid is not made
            }
        }
        if (qids.length === n) {
            const existing = this.fids.get(newfid);
            if (existing === from) {
                this.release(from);
                from.path = path;
            }
            else
                this.newFid(newfid, path);
        }
        w.u16(qids.length);
        for (const q of qids)
            writeQid(w, q);
        return w.finish(P9.Twalk + 1, tag);
    }
    setattr(r, tag, w) {
        const f = this.fid(r.u32());
        const valid = r.u32();
        const mode = r.u32();
        const uid = r.u32();
        const gid = r.u32();
        const size = r.offset();
        const atime = r.u64() * 1000000000n + (r.u64() % 1000000000n);
        const mtime = r.u64() * 1000000000n + (r.u64() % 1000000000n);
        const change = {};
        if (valid & SETATTR.MODE)
            change.mode = mode & 0o7777;
        if (valid & SETATTR.UID)
            change.uid = uid;
        if (valid & SETATTR.GID)
            change.gid = gid;
        if (valid & SETATTR.SIZE)
            change.size = size;
        if (valid & SETATTR.ATIME)
            change.atime = valid & SETATTR.ATIME_SET ? atime : 'now';
        if (valid & SETATTR.MTIME)
            change.mtime = valid & SETATTR.MTIME_SET ? mtime : 'now';
        if (Object.keys(change).length > 0) {
            this.writable();
            this.fs.setattr(f.path, change);
        }
        return w.finish(P9.Tsetattr + 1, tag);
    }
    rename(from, to) {
        this.fs.rename(from.slice(0, -1), from[from.length - 1], to.slice(0, -1), to[to.length - 1]);
        // Fids below the old name follow the file to its new name, as the guest's dentries do.
        for (const f of this.fids.values())
            if (startsWith(f.path, from))
                f.path = [...to, ...f.path.slice(from.length)];
    }
    readdir(r, tag, limit) {
        const f = this.fid(r.u32());
        const offset = r.offset();
        const count = Math.min(r.u32(), limit - 11);
        if (f.handle === undefined)
            throw new NineError(E.EBADF, 'directory not open');
        const self = this.fs.lstat(f.path);
        if (!isType(self, S_IFDIR))
            throw new NineError(E.ENOTDIR);
        let d = f.dir;
        if (!d || d.pos !== offset) {
            // A new listing, or a seek: start again and skip to the offset (offsets count entries).
            d?.stream.close();
            f.dir = undefined;
            d = { stream: this.fs.openDir(f.handle), pos: 0, held: null };
            f.dir = d;
            while (d.pos < offset && this.nextEntry(f, d, self))
                d.pos++;
        }
        const w = new WireWriter(11 + Math.max(0, count));
        w.u32(0);
        const start = w.pos;
        for (;;) {
            const e = d.held ?? this.nextEntry(f, d, self);
            d.held = null;
            if (!e)
                break;
            if (w.pos - start + RDIR_ENTRY_FIXED + e.name.length > count) {
                d.held = e;
                break;
            }
            writeQid(w, e.attr);
            w.u64(d.pos + 1);
            w.u8((e.attr.mode & S_IFMT) >> 12); // DT_* is the S_IFMT value shifted
            w.str(e.name);
            d.pos++;
        }
        const bytes = w.pos - start;
        new DataView(w.buf.buffer).setUint32(7, bytes, true);
        return w.finish(P9.Treaddir + 1, tag);
    }
    /** The entry at the listing's position: '.', '..', then the backend's entries. */
    nextEntry(f, d, self) {
        if (d.pos === 0)
            return { name: DOT, attr: self };
        if (d.pos === 1)
            return { name: DOTDOT, attr: f.path.length ? this.fs.lstat(f.path.slice(0, -1)) : self };
        return d.stream.next();
    }
}
export { S_IFDIR, S_IFLNK, S_IFREG };
//# sourceMappingURL=9p-server.js.map