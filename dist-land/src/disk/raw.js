// Raw disk images: the virtual disk is the file, byte for byte.
import { checkRange, DiskError } from './backend.js';
import { ImageFile } from './file.js';
import { PROBE_BYTES, probeBytes } from './probe.js';
export class RawBackend {
    file;
    size;
    readOnly;
    guardSector0;
    constructor(file, size, readOnly, guardSector0) {
        this.file = file;
        this.size = size;
        this.readOnly = readOnly;
        this.guardSector0 = guardSector0;
    }
    static async open(path, readOnly, opts = {}) {
        const file = await ImageFile.open(path, readOnly);
        return new RawBackend(file, await file.size(), readOnly, opts.guardSector0 ?? false);
    }
    /** Creates (or truncates) a sparse raw image of the given size. */
    static async create(path, size) {
        const file = await ImageFile.create(path);
        try {
            await file.truncate(size);
        }
        finally {
            await file.close();
        }
    }
    get path() {
        return this.file.path;
    }
    /** The open file (for locking and for telling images apart by device and inode). */
    get imageFile() {
        return this.file;
    }
    async read(offset, buf) {
        checkRange(this.size, offset, buf.length);
        await this.file.readAt(offset, buf);
    }
    async blockStatus(offset, length) {
        checkRange(this.size, offset, length);
        const r = this.file.dataAt(offset, length);
        return { zero: !r.data, length: r.length };
    }
    async write(offset, data) {
        if (this.readOnly)
            throw new DiskError(`${this.file.path}: read-only`);
        checkRange(this.size, offset, data.length);
        if (this.guardSector0 && offset < PROBE_BYTES && data.length > 0)
            await this.checkSector0(offset, data);
        await this.file.writeAt(offset, data);
    }
    /** Sector 0 as it would be after the write must still probe as raw. */
    async checkSector0(offset, data) {
        const head = new Uint8Array(PROBE_BYTES);
        if (offset > 0 || data.length < PROBE_BYTES)
            await this.file.readAt(0, head);
        head.set(data.subarray(0, PROBE_BYTES - offset), offset);
        const fmt = probeBytes(head);
        if (fmt !== 'raw')
            throw new DiskError(`${this.file.path}: write to sector 0 refused: the image's format was probed, and the write would make it probe as ${fmt}`);
    }
    async flush() {
        if (!this.readOnly)
            await this.file.sync();
    }
    async close() {
        await this.file.close();
    }
}
//# sourceMappingURL=raw.js.map