// 9P2000.L wire format: message numbers, Linux errno values, and bounded little-endian readers and writers.
/** Message types (the R-message of each T-message is its number plus one). */
export const P9 = {
    Rlerror: 7,
    Tstatfs: 8,
    Tlopen: 12,
    Tlcreate: 14,
    Tsymlink: 16,
    Tmknod: 18,
    Trename: 20,
    Treadlink: 22,
    Tgetattr: 24,
    Tsetattr: 26,
    Txattrwalk: 30,
    Txattrcreate: 32,
    Treaddir: 40,
    Tfsync: 50,
    Tlock: 52,
    Tgetlock: 54,
    Tlink: 70,
    Tmkdir: 72,
    Trenameat: 74,
    Tunlinkat: 76,
    Tversion: 100,
    Tauth: 102,
    Tattach: 104,
    Tflush: 108,
    Twalk: 110,
    Tread: 116,
    Twrite: 118,
    Tclunk: 120,
    Tremove: 122,
};
/** Linux (asm-generic) errno values: what Rlerror carries to the guest, whatever the host's own numbering. */
export const E = {
    EPERM: 1,
    ENOENT: 2,
    EIO: 5,
    ENXIO: 6,
    EBADF: 9,
    EAGAIN: 11,
    ENOMEM: 12,
    EACCES: 13,
    EBUSY: 16,
    EEXIST: 17,
    EXDEV: 18,
    ENODEV: 19,
    ENOTDIR: 20,
    EISDIR: 21,
    EINVAL: 22,
    ENFILE: 23,
    EMFILE: 24,
    ETXTBSY: 26,
    EFBIG: 27,
    ENOSPC: 28,
    ESPIPE: 29,
    EROFS: 30,
    EMLINK: 31,
    ERANGE: 34,
    ENAMETOOLONG: 36,
    ENOSYS: 38,
    ENOTEMPTY: 39,
    ELOOP: 40,
    ENODATA: 61,
    EPROTO: 71,
    EOVERFLOW: 75,
    EMSGSIZE: 90,
    EOPNOTSUPP: 95,
    ESTALE: 116,
    EDQUOT: 122,
};
/** An operation failed with a Linux errno; the server answers Rlerror. */
export class NineError extends Error {
    errno;
    constructor(errno, message = `errno ${errno}`) {
        super(message);
        this.errno = errno;
        this.name = 'NineError';
    }
}
/** The errno a host failure means to the guest: Node's error code translated by name (host numbers may differ). */
export function errnoOf(e) {
    if (e instanceof NineError)
        return e.errno;
    const code = e?.code;
    if (typeof code === 'string') {
        if (code === 'ENOTSUP')
            return E.EOPNOTSUPP;
        const n = E[code];
        if (n !== undefined)
            return n;
    }
    return E.EIO;
}
/** Reads one message's fields; running past the end throws NineError(EPROTO). */
export class WireReader {
    buf;
    pos;
    dv;
    constructor(buf, start = 0) {
        this.buf = buf;
        this.pos = start;
        this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    need(n) {
        const at = this.pos;
        if (at + n > this.buf.length)
            throw new NineError(E.EPROTO, 'message shorter than its fields');
        this.pos += n;
        return at;
    }
    u8() {
        return this.buf[this.need(1)];
    }
    u16() {
        return this.dv.getUint16(this.need(2), true);
    }
    u32() {
        return this.dv.getUint32(this.need(4), true);
    }
    u64() {
        return this.dv.getBigUint64(this.need(8), true);
    }
    /** A u64 that must fit a safe integer (file offsets, sizes); larger values are EINVAL. */
    offset() {
        const v = this.u64();
        if (v > BigInt(Number.MAX_SAFE_INTEGER))
            throw new NineError(E.EINVAL, 'offset too large');
        return Number(v);
    }
    /** A string (u16 length + bytes) of at most `max` bytes; longer is ENAMETOOLONG. Returns a view, not a copy. */
    str(max) {
        const len = this.u16();
        if (len > max)
            throw new NineError(E.ENAMETOOLONG, 'string too long');
        const at = this.need(len);
        return this.buf.subarray(at, at + len);
    }
    /** `n` raw bytes (a view). */
    bytes(n) {
        const at = this.need(n);
        return this.buf.subarray(at, at + n);
    }
}
/** Builds one reply in a buffer sized for it: size[4] type[1] tag[2] then fields. */
export class WireWriter {
    buf;
    dv;
    pos = 7;
    constructor(capacity) {
        this.buf = new Uint8Array(capacity);
        this.dv = new DataView(this.buf.buffer);
    }
    u8(v) {
        // A typed array ignores writes past its end; the other writers throw there, and so must this one.
        if (this.pos >= this.buf.length)
            throw new RangeError('reply buffer full');
        this.buf[this.pos++] = v;
        return this;
    }
    u16(v) {
        this.dv.setUint16(this.pos, v, true);
        this.pos += 2;
        return this;
    }
    u32(v) {
        this.dv.setUint32(this.pos, v >>> 0, true);
        this.pos += 4;
        return this;
    }
    u64(v) {
        this.dv.setBigUint64(this.pos, BigInt.asUintN(64, BigInt(v)), true);
        this.pos += 8;
        return this;
    }
    str(s) {
        this.u16(s.length);
        this.buf.set(s, this.pos);
        this.pos += s.length;
        return this;
    }
    /** Room left for fields. */
    get free() {
        return this.buf.length - this.pos;
    }
    /** Writes the header and returns the finished message. */
    finish(type, tag) {
        this.dv.setUint32(0, this.pos, true);
        this.buf[4] = type;
        this.dv.setUint16(5, tag, true);
        return this.buf.subarray(0, this.pos);
    }
}
/** Rlerror for `tag`. */
export function lerror(tag, errno) {
    return new WireWriter(11).u32(errno).finish(P9.Rlerror, tag);
}
//# sourceMappingURL=9p-wire.js.map