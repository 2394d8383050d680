// Writer for cpio "newc" archives (the format of Linux initramfs images).
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
function hex8(n) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
        throw new RangeError(`cpio field out of range: ${n}`);
    return n.toString(16).padStart(8, '0');
}
function cleanPath(path) {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.some((p) => p === '..'))
        throw new Error(`cpio path may not contain "..": ${path}`);
    if (parts.length === 0)
        throw new Error('cpio path is empty');
    return parts.join('/');
}
/** Builds a newc archive in memory. Parent directories are added automatically (the kernel's
 *  initramfs unpacker does not create them); a fixed mtime keeps the output reproducible. */
export class CpioWriter {
    mtime;
    entries = new Map();
    constructor(mtime = 0) {
        this.mtime = mtime;
    }
    has(path) {
        return this.entries.has(cleanPath(path));
    }
    addDirectory(path, mode = 0o755) {
        const name = cleanPath(path);
        const existing = this.entries.get(name);
        if (existing) {
            if ((existing.mode & 0o170000) !== S_IFDIR)
                throw new Error(`${name} already exists and is not a directory`);
            existing.mode = S_IFDIR | (mode & 0o7777);
            return;
        }
        this.addParents(name);
        this.put(name, S_IFDIR | (mode & 0o7777), new Uint8Array(0));
    }
    addFile(path, data, mode = 0o644) {
        const name = cleanPath(path);
        this.addParents(name);
        this.put(name, S_IFREG | (mode & 0o7777), data);
    }
    addSymlink(path, target) {
        const name = cleanPath(path);
        this.addParents(name);
        this.put(name, S_IFLNK | 0o777, Buffer.from(target, 'utf8'));
    }
    addCharDevice(path, major, minor, mode = 0o600) {
        const name = cleanPath(path);
        this.addParents(name);
        this.put(name, S_IFCHR | (mode & 0o7777), new Uint8Array(0), major, minor);
    }
    /** The archive, ending with the TRAILER!!! record. */
    finish() {
        const chunks = [];
        let ino = 1;
        let offset = 0;
        const emit = (e, inode) => {
            const isDir = (e.mode & 0o170000) === S_IFDIR;
            const nameBytes = Buffer.from(`${e.name}\0`, 'utf8');
            const header = '070701' +
                hex8(inode) +
                hex8(e.mode) +
                hex8(0) + // uid: root
                hex8(0) + // gid: root
                hex8(isDir ? 2 : 1) +
                hex8(this.mtime) +
                hex8(e.data.length) +
                hex8(0) +
                hex8(0) +
                hex8(e.rdevMajor) +
                hex8(e.rdevMinor) +
                hex8(nameBytes.length) +
                hex8(0);
            const head = Buffer.concat([Buffer.from(header, 'latin1'), nameBytes]);
            chunks.push(head, Buffer.alloc((4 - ((offset + head.length) % 4)) % 4));
            offset += head.length;
            offset += (4 - (offset % 4)) % 4;
            if (e.data.length) {
                chunks.push(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
                offset += e.data.length;
                const pad = (4 - (offset % 4)) % 4;
                chunks.push(Buffer.alloc(pad));
                offset += pad;
            }
        };
        for (const e of this.entries.values())
            emit(e, ino++);
        emit({ name: 'TRAILER!!!', mode: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 }, 0);
        return Buffer.concat(chunks);
    }
    addParents(name) {
        const parts = name.split('/');
        for (let i = 1; i < parts.length; i++) {
            const dir = parts.slice(0, i).join('/');
            if (!this.entries.has(dir))
                this.put(dir, S_IFDIR | 0o755, new Uint8Array(0));
        }
    }
    put(name, mode, data, rdevMajor = 0, rdevMinor = 0) {
        this.entries.delete(name); // a replaced entry moves to the end, after its parents
        this.entries.set(name, { name, mode, data, rdevMajor, rdevMinor });
    }
}
//# sourceMappingURL=cpio.js.map