// The machine state file: magic, format version, the machine state as JSON, RAM without its zero pages, and a CRC-32.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeAtomicSync } from '../util/atomic-write.js';
import { StateError } from './fields.js';
/** "TVSTATE" and a newline: a file of another kind is told apart at once. */
export const STATE_MAGIC = Buffer.from('TVSTATE\n', 'latin1');
/** The format this build writes and reads; any other is refused (docs/state.md). */
export const STATE_VERSION = 1;
const END_MAGIC = Buffer.from('TVEND\n\0\0', 'latin1');
export const PAGE = 4096;
const HEADER_BYTES = 24;
const TRAILER_BYTES = 12;
/** The machine state as JSON is a few hundred KiB at most (UART and console backlogs): larger is not ours. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;
/** The RAM as one byte per page bit: set for a page with any non-zero byte. */
function pageBitmap(ram) {
    const pages = ram.length / PAGE;
    const bitmap = new Uint8Array(Math.ceil(pages / 8));
    const zero = new Uint8Array(PAGE);
    let stored = 0;
    for (let p = 0; p < pages; p++) {
        if (Buffer.compare(ram.subarray(p * PAGE, (p + 1) * PAGE), zero) !== 0) {
            bitmap[p >> 3] |= 1 << (p & 7);
            stored++;
        }
    }
    return { bitmap, stored };
}
const bit = (bitmap, p) => (bitmap[p >> 3] >> (p & 7)) & 1;
/** Runs of set bits as [first page, count], each at most `max` pages long. */
function* runs(bitmap, pages, max) {
    for (let p = 0; p < pages;) {
        if (!bit(bitmap, p)) {
            p++;
            continue;
        }
        const first = p;
        while (p < pages && p - first < max && bit(bitmap, p))
            p++;
        yield [first, p - first];
    }
}
/**
 * Writes the state to `path` atomically: a temporary file next to it, written, fsynced and renamed over `path`, and
 * the folder fsynced, so that `path` holds the old file or the complete new one whatever happens.
 */
export function writeStateFile(path, state, mem) {
    const ram = mem.u8.subarray(mem.ramOffset, mem.ramOffset + mem.ramSize);
    const json = Buffer.from(JSON.stringify(state), 'utf8');
    const { bitmap, stored } = pageBitmap(ram);
    const header = Buffer.alloc(HEADER_BYTES);
    STATE_MAGIC.copy(header, 0);
    header.writeUInt32LE(STATE_VERSION, 8);
    header.writeUInt32LE(json.length, 12);
    header.writeUInt32LE(mem.ramSize % 2 ** 32, 16);
    header.writeUInt32LE(Math.floor(mem.ramSize / 2 ** 32), 20);
    let bytes = 0;
    writeAtomicSync(path, (write) => {
        let crc = 0;
        const put = (b) => {
            crc = crc32(b, crc);
            write(b);
            bytes += b.length;
        };
        put(header);
        put(json);
        put(bitmap);
        for (const [first, count] of runs(bitmap, ram.length / PAGE, CHUNK / PAGE))
            put(ram.subarray(first * PAGE, (first + count) * PAGE));
        const trailer = Buffer.alloc(TRAILER_BYTES);
        trailer.writeUInt32LE(crc >>> 0, 0);
        END_MAGIC.copy(trailer, 4);
        write(trailer);
        bytes += trailer.length;
    }, 0o600);
    return { bytes, ramPages: ram.length / PAGE, storedPages: stored };
}
function readExactly(fd, buf, pos) {
    for (let off = 0; off < buf.length;) {
        const n = readSync(fd, buf, off, buf.length - off, pos + off);
        if (n === 0)
            throw new StateError('the state file is truncated');
        off += n;
    }
}
/**
 * Opens a state file and checks all of it before anything is restored: magic, version, that its size is exactly what
 * the header says, the CRC of every byte, and that the JSON parses. Every failure is a StateError naming the problem.
 */
export function openStateFile(path) {
    let fd;
    try {
        fd = openSync(path, 'r');
    }
    catch (e) {
        throw new StateError(`cannot open the state file ${path}: ${e.code ?? e.message}`);
    }
    try {
        const size = fstatSync(fd).size;
        const what = `${path} is not a typevisor state file`;
        if (size < HEADER_BYTES + TRAILER_BYTES)
            throw new StateError(`${what} (${size} bytes is too short)`);
        const header = Buffer.alloc(HEADER_BYTES);
        readExactly(fd, header, 0);
        if (!header.subarray(0, 8).equals(STATE_MAGIC))
            throw new StateError(`${what} (no TVSTATE magic)`);
        const version = header.readUInt32LE(8);
        if (version !== STATE_VERSION)
            throw new StateError(`${path} has state format version ${version}; this typevisor reads version ${STATE_VERSION} only`);
        const jsonBytes = header.readUInt32LE(12);
        const ramBytes = header.readUInt32LE(16) + header.readUInt32LE(20) * 2 ** 32;
        if (jsonBytes > MAX_JSON_BYTES || ramBytes % PAGE !== 0 || ramBytes > 2 ** 32)
            throw new StateError(`${path}: the header is damaged (state ${jsonBytes} bytes, RAM ${ramBytes} bytes)`);
        const pages = ramBytes / PAGE;
        const bitmapAt = HEADER_BYTES + jsonBytes;
        const pagesAt = bitmapAt + Math.ceil(pages / 8);
        if (size < pagesAt + TRAILER_BYTES)
            throw new StateError(`${path} is truncated (${size} bytes)`);
        const bitmap = new Uint8Array(pagesAt - bitmapAt);
        readExactly(fd, bitmap, bitmapAt);
        let stored = 0;
        for (let p = 0; p < pages; p++)
            stored += bit(bitmap, p);
        const expected = pagesAt + stored * PAGE + TRAILER_BYTES;
        if (size !== expected)
            throw new StateError(`${path} is ${size < expected ? 'truncated' : 'too long'}: ${size} bytes, the header says ${expected}`);
        const trailer = Buffer.alloc(TRAILER_BYTES);
        readExactly(fd, trailer, size - TRAILER_BYTES);
        if (!trailer.subarray(4).equals(END_MAGIC))
            throw new StateError(`${path} is damaged (no end marker)`);
        let crc = 0;
        const chunk = Buffer.alloc(CHUNK);
        for (let pos = 0; pos < size - TRAILER_BYTES; pos += CHUNK) {
            const part = chunk.subarray(0, Math.min(CHUNK, size - TRAILER_BYTES - pos));
            readExactly(fd, part, pos);
            crc = crc32(part, crc);
        }
        if (crc >>> 0 !== trailer.readUInt32LE(0))
            throw new StateError(`${path} is damaged (checksum mismatch)`);
        const json = Buffer.alloc(jsonBytes);
        readExactly(fd, json, HEADER_BYTES);
        let state;
        try {
            state = JSON.parse(json.toString('utf8'));
        }
        catch {
            throw new StateError(`${path} is damaged (the machine state does not parse)`);
        }
        if (typeof state !== 'object' || state === null)
            throw new StateError(`${path}: the machine state is not an object`);
        const openFd = fd;
        return {
            state,
            ramBytes,
            loadRam(mem) {
                if (mem.ramSize !== ramBytes)
                    throw new StateError(`the state holds ${ramBytes} bytes of RAM, the machine has ${mem.ramSize}`);
                const zero = new Uint8Array(PAGE);
                let pos = pagesAt;
                for (let p = 0; p < pages; p++) {
                    const host = mem.ramOffset + p * PAGE;
                    const page = mem.u8.subarray(host, host + PAGE);
                    if (bit(bitmap, p)) {
                        readExactly(openFd, page, pos);
                        pos += PAGE;
                    }
                    else if (Buffer.compare(page, zero) !== 0)
                        page.fill(0);
                }
            },
            close: () => closeSync(openFd),
        };
    }
    catch (e) {
        closeSync(fd);
        throw e;
    }
}
//# sourceMappingURL=state-file.js.map