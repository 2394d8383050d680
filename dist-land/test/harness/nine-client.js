import { P9, WireReader, WireWriter } from '../../src/devices/virtio/9p-wire.js';
export class NineRemoteError extends Error {
    errno;
    constructor(errno) {
        super(`Rlerror ${errno}`);
        this.errno = errno;
    }
}
const enc = (s) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);
export class NineClient {
    server;
    replyMax;
    nextTag = 1;
    /** Every reply the server sent (tests search them for bytes that must never leave the host). */
    replies = [];
    constructor(server, replyMax = 64 * 1024) {
        this.server = server;
        this.replyMax = replyMax;
    }
    /** Sends raw bytes; returns the raw reply. */
    raw(msg, replyMax = this.replyMax) {
        const reply = this.server.handle(msg, replyMax);
        this.replies.push(reply);
        return reply;
    }
    rpc(type, fill, replyMax = this.replyMax) {
        const w = new WireWriter(1 << 20);
        fill(w);
        const tag = this.nextTag++ & 0xffff;
        const reply = this.raw(w.finish(type, tag), replyMax);
        const r = new WireReader(reply);
        const size = r.u32();
        const rtype = r.u8();
        const rtag = r.u16();
        if (size !== reply.length || rtag !== tag)
            throw new Error(`bad reply framing (size ${size}, tag ${rtag})`);
        if (rtype === P9.Rlerror)
            throw new NineRemoteError(r.u32());
        if (rtype !== type + 1)
            throw new Error(`reply type ${rtype} to ${type}`);
        return r;
    }
    /** The errno `fn` fails with, or 0 when it succeeds. */
    static errno(fn) {
        try {
            fn();
            return 0;
        }
        catch (e) {
            if (e instanceof NineRemoteError)
                return e.errno;
            throw e;
        }
    }
    qid(r) {
        const type = r.u8();
        r.u32();
        return { type, path: r.u64() };
    }
    version(msize = 256 * 1024, v = '9P2000.L') {
        const r = this.rpc(P9.Tversion, (w) => w.u32(msize).str(enc(v)));
        return { msize: r.u32(), version: new TextDecoder().decode(r.str(100)) };
    }
    attach(fid, aname = '') {
        return this.qid(this.rpc(P9.Tattach, (w) => w.u32(fid).u32(0xffffffff).str(enc('root')).str(enc(aname)).u32(0)));
    }
    /** Walks; returns the qids (fewer than the names on a partial walk). */
    walk(fid, newfid, names) {
        const r = this.rpc(P9.Twalk, (w) => {
            w.u32(fid).u32(newfid).u16(names.length);
            for (const n of names)
                w.str(enc(n));
        });
        const n = r.u16();
        return Array.from({ length: n }, () => this.qid(r));
    }
    clunk(fid) {
        this.rpc(P9.Tclunk, (w) => w.u32(fid));
    }
    remove(fid) {
        this.rpc(P9.Tremove, (w) => w.u32(fid));
    }
    lopen(fid, flags) {
        return this.qid(this.rpc(P9.Tlopen, (w) => w.u32(fid).u32(flags)));
    }
    lcreate(fid, name, flags, mode) {
        return this.qid(this.rpc(P9.Tlcreate, (w) => w.u32(fid).str(enc(name)).u32(flags).u32(mode).u32(0)));
    }
    read(fid, offset, count) {
        const r = this.rpc(P9.Tread, (w) => w.u32(fid).u64(offset).u32(count));
        return Uint8Array.from(r.bytes(r.u32()));
    }
    write(fid, offset, data) {
        const d = enc(data);
        return this.rpc(P9.Twrite, (w) => {
            w.u32(fid).u64(offset).u32(d.length);
            w.buf.set(d, w.pos);
            w.pos += d.length;
        }).u32();
    }
    getattr(fid) {
        const r = this.rpc(P9.Tgetattr, (w) => w.u32(fid).u64(0x3fff));
        r.u64();
        const qid = this.qid(r);
        const mode = r.u32();
        const uid = r.u32();
        const gid = r.u32();
        const nlink = r.u64();
        r.u64();
        const size = r.u64();
        return { mode, uid, gid, size, nlink, qid };
    }
    setattr(fid, o) {
        let valid = 0;
        if (o.mode !== undefined)
            valid |= 1;
        if (o.uid !== undefined)
            valid |= 2;
        if (o.gid !== undefined)
            valid |= 4;
        if (o.size !== undefined)
            valid |= 8;
        if (o.atimeSec !== undefined)
            valid |= 16 | 128;
        if (o.mtimeSec !== undefined)
            valid |= 32 | 256;
        this.rpc(P9.Tsetattr, (w) => w
            .u32(fid)
            .u32(valid)
            .u32(o.mode ?? 0)
            .u32(o.uid ?? 0)
            .u32(o.gid ?? 0)
            .u64(o.size ?? 0)
            .u64(o.atimeSec ?? 0)
            .u64(0)
            .u64(o.mtimeSec ?? 0)
            .u64(0));
    }
    mkdir(dfid, name, mode = 0o755) {
        return this.qid(this.rpc(P9.Tmkdir, (w) => w.u32(dfid).str(enc(name)).u32(mode).u32(0)));
    }
    symlink(dfid, name, target) {
        return this.qid(this.rpc(P9.Tsymlink, (w) => w.u32(dfid).str(enc(name)).str(enc(target)).u32(0)));
    }
    mknod(dfid, name, mode, major = 0, minor = 0) {
        return this.qid(this.rpc(P9.Tmknod, (w) => w.u32(dfid).str(enc(name)).u32(mode).u32(major).u32(minor).u32(0)));
    }
    readlink(fid) {
        return new TextDecoder().decode(this.rpc(P9.Treadlink, (w) => w.u32(fid)).str(4096));
    }
    link(dfid, fid, name) {
        this.rpc(P9.Tlink, (w) => w.u32(dfid).u32(fid).str(enc(name)));
    }
    unlinkat(dfid, name, flags = 0) {
        this.rpc(P9.Tunlinkat, (w) => w.u32(dfid).str(enc(name)).u32(flags));
    }
    renameat(ofid, oname, nfid, nname) {
        this.rpc(P9.Trenameat, (w) => w.u32(ofid).str(enc(oname)).u32(nfid).str(enc(nname)));
    }
    /** Every entry name of an open directory fid, reading `count` bytes at a time. */
    readdir(fid, count = 8192) {
        const names = [];
        let offset = 0n;
        for (;;) {
            const r = this.rpc(P9.Treaddir, (w) => w.u32(fid).u64(offset).u32(count));
            const bytes = r.u32();
            if (bytes === 0)
                return names;
            const end = 11 + bytes;
            const body = new WireReader(r.bytes(bytes));
            let used = 0;
            while (used < bytes) {
                this.qid(body);
                offset = body.u64();
                body.u8();
                const name = body.str(255);
                names.push(new TextDecoder().decode(name));
                used += 24 + name.length;
            }
            void end;
        }
    }
}
/** Linux open flags as 9P2000.L carries them. */
export const L = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000 };
//# sourceMappingURL=nine-client.js.map