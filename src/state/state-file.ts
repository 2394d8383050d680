// The machine state file: magic, format version, the machine state as JSON, RAM without its zero pages, and a CRC-32.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { libc } from '../disk/libc.js';
import { crc32 } from 'node:zlib';
import type { GuestMemory } from '../memory/guest-memory.js';
import { writeAtomic, writeAtomicSync } from '../util/atomic-write.js';
import { StateError } from './fields.js';
import type { MachineState } from './machine-state.js';

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

/** A written state file's figures. */
export interface StateFileInfo {
  bytes: number;
  ramPages: number;
  /** Pages written (the rest were zero). */
  storedPages: number;
}

/** The RAM as one byte per page bit: set for a page with any non-zero byte. */
function pageBitmap(ram: Uint8Array): { bitmap: Uint8Array; stored: number } {
  const pages = ram.length / PAGE;
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  // One Buffer over the RAM compared by offsets: a subarray per page costs more than the comparison itself, and a
  // mostly empty RAM is skipped a megabyte at a time.
  const buf = Buffer.from(ram.buffer, ram.byteOffset, ram.byteLength);
  const zero = Buffer.alloc(ZERO_RUN_PAGES * PAGE);
  const resident = residentPages(ram);
  let stored = 0;
  for (let first = 0; first < pages; first += ZERO_RUN_PAGES) {
    const end = Math.min(pages, first + ZERO_RUN_PAGES);
    if (!resident && zero.compare(buf, first * PAGE, end * PAGE, 0, (end - first) * PAGE) === 0) continue;
    for (let p = first; p < end; p++) {
      if (resident && (resident[p] & 1) === 0) continue;
      if (zero.compare(buf, p * PAGE, (p + 1) * PAGE, 0, PAGE) !== 0) {
        bitmap[p >> 3] |= 1 << (p & 7);
        stored++;
      }
    }
  }
  return { bitmap, stored };
}

/**
 * Which pages of RAM the host has ever mapped (bit 0 of one byte per page), or null when that cannot be known. Guest
 * RAM is anonymous memory: a page the guest never touched is not resident and reads as zeros, so the scan skips it
 * without reading it (reading would map it, a page fault per page: seconds for an idle 1 GiB guest). Only without
 * swap: a swapped-out page is not resident either, and holds data.
 */
export function residentPages(ram: Uint8Array): Uint8Array | null {
  const c = libc();
  if (!c || c.pageSize !== PAGE || swapActive()) return null;
  const vec = new Uint8Array(ram.length / PAGE);
  // mincore wants a page-aligned address: the RAM starts on a page of the wasm memory, which starts on a host page.
  if (ram.byteOffset % PAGE !== 0 || c.mincore(ram, ram.length, vec) !== 0) return null;
  return vec;
}

function swapActive(): boolean {
  try {
    return readFileSync('/proc/swaps', 'latin1').trim().split('\n').length > 1;
  } catch {
    return true;
  }
}

/**
 * Zeroes every page of `ram` whose bit in `keep` is clear (what the machine held before a restore: the kernel the
 * board loaded). Pages the host never mapped are zero already and are not touched.
 */
export function clearPagesExcept(ram: Uint8Array, keep: Uint8Array): void {
  const buf = Buffer.from(ram.buffer, ram.byteOffset, ram.byteLength);
  const zero = Buffer.alloc(PAGE);
  const resident = residentPages(ram);
  for (let p = 0; p < ram.length / PAGE; p++) {
    if (bit(keep, p) || (resident && (resident[p] & 1) === 0)) continue;
    if (zero.compare(buf, p * PAGE, (p + 1) * PAGE) !== 0) buf.fill(0, p * PAGE, (p + 1) * PAGE);
  }
}

/** Pages compared at once before looking at single pages. */
const ZERO_RUN_PAGES = 256;

const bit = (bitmap: Uint8Array, p: number) => (bitmap[p >> 3] >> (p & 7)) & 1;

/** Runs of set bits as [first page, count], each at most `max` pages long. */
function* runs(bitmap: Uint8Array, pages: number, max: number): Generator<[number, number]> {
  for (let p = 0; p < pages;) {
    if (!bit(bitmap, p)) {
      p++;
      continue;
    }
    const first = p;
    while (p < pages && p - first < max && bit(bitmap, p)) p++;
    yield [first, p - first];
  }
}

/** Bytes of RAM copied into one host buffer of a capture (Node's buffers are bounded; a 4 GiB RAM takes several). */
export const CAPTURE_BUFFER_BYTES = 256 * 1024 * 1024;

/**
 * A machine state taken while the machine stood still: its non-zero pages copied out of guest RAM, so that the file
 * is written (and fsynced) while the guest runs on. Costs host memory for the pages in use until written.
 */
export interface CapturedState {
  header: Buffer;
  json: Buffer;
  bitmap: Uint8Array;
  ramPages: number;
  storedPages: number;
  /** The stored pages in ascending order, in buffers of up to CAPTURE_BUFFER_BYTES. */
  pages: Buffer[];
}

/**
 * Takes the state and copies RAM's non-zero pages: the only part of a save during which the machine must stand still.
 * The copy goes to `spare` buffers first (mapped beforehand: prefaultedBuffers), then to new ones. Without `copy` the
 * pages stay views of guest RAM: the machine must stand still until they are written.
 */
export function captureState(state: MachineState, mem: GuestMemory, spare: Buffer[] = [], copy = true): CapturedState {
  const ram = mem.u8.subarray(mem.ramOffset, mem.ramOffset + mem.ramSize);
  const json = Buffer.from(JSON.stringify(state), 'utf8');
  const { bitmap, stored } = pageBitmap(ram);
  const header = Buffer.alloc(HEADER_BYTES);
  STATE_MAGIC.copy(header, 0);
  header.writeUInt32LE(STATE_VERSION, 8);
  header.writeUInt32LE(json.length, 12);
  header.writeUInt32LE(mem.ramSize % 2 ** 32, 16);
  header.writeUInt32LE(Math.floor(mem.ramSize / 2 ** 32), 20);
  const pages: Buffer[] = [];
  let buf: Buffer = Buffer.allocUnsafe(0),
    at = 0,
    left = stored * PAGE;
  for (const [first, count] of runs(bitmap, ram.length / PAGE, CHUNK / PAGE)) {
    if (!copy) {
      pages.push(Buffer.from(ram.buffer, ram.byteOffset + first * PAGE, count * PAGE));
      continue;
    }
    let from = first * PAGE;
    const to = (first + count) * PAGE;
    while (from < to) {
      if (at === buf.length) {
        const next = spare.shift();
        buf = next
          ? next.subarray(0, Math.min(next.length, left))
          : Buffer.allocUnsafe(Math.min(CAPTURE_BUFFER_BYTES, left));
        pages.push(buf);
        left -= buf.length;
        at = 0;
      }
      const n = Math.min(to - from, buf.length - at);
      buf.set(ram.subarray(from, from + n), at);
      at += n;
      from += n;
    }
  }
  return { header, json, bitmap, ramPages: ram.length / PAGE, storedPages: stored, pages };
}

/** The file's parts in order, the trailer (CRC and end marker) last. */
function* fileParts(c: CapturedState): Generator<Uint8Array> {
  let crc = 0;
  for (const b of [c.header, c.json, c.bitmap, ...c.pages]) {
    crc = crc32(b, crc);
    yield b;
  }
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32LE(crc >>> 0, 0);
  END_MAGIC.copy(trailer, 4);
  yield trailer;
}

const info = (c: CapturedState): StateFileInfo => ({
  bytes: HEADER_BYTES + c.json.length + c.bitmap.length + c.pages.reduce((n, b) => n + b.length, 0) + TRAILER_BYTES,
  ramPages: c.ramPages,
  storedPages: c.storedPages,
});

/**
 * Writes a captured state to `path` atomically, without blocking the event loop (the guest runs meanwhile): a
 * temporary file next to it, written, fsynced and renamed over `path`, and the folder fsynced, so that `path` holds
 * the old file or the complete new one whatever happens.
 */
export async function writeCapturedState(path: string, c: CapturedState): Promise<StateFileInfo> {
  await writeAtomic(path, fileParts(c), 0o600);
  return info(c);
}

/**
 * Writes the state of a machine that stands still throughout straight from its RAM (no copy), synchronously, so that
 * nothing runs the machine meanwhile: a temporary file, fsynced, renamed over `path`, the folder fsynced.
 */
export function writeStateFileSync(path: string, state: MachineState, mem: GuestMemory): StateFileInfo {
  const c = captureState(state, mem, [], false);
  writeAtomicSync(
    path,
    (put) => {
      for (const b of fileParts(c)) put(b);
    },
    0o600,
  );
  return info(c);
}

/** A state file read and checked (size, CRC, JSON): its RAM is loaded into a machine with loadRam. */
export interface StateFile {
  state: MachineState;
  ramBytes: number;
  /** Copies the RAM into `mem` (zero pages are cleared); the file must still be open (see close). */
  loadRam(mem: GuestMemory): void;
  close(): void;
}

function readExactly(fd: number, buf: Uint8Array, pos: number): void {
  for (let off = 0; off < buf.length;) {
    const n = readSync(fd, buf, off, buf.length - off, pos + off);
    if (n === 0) throw new StateError('the state file is truncated');
    off += n;
  }
}

/**
 * Opens a state file and checks all of it before anything is restored: magic, version, that its size is exactly what
 * the header says, the CRC of every byte, and that the JSON parses. Every failure is a StateError naming the problem.
 */
export function openStateFile(path: string): StateFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new StateError(
      `cannot open the state file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const size = fstatSync(fd).size;
    const what = `${path} is not a typevisor state file`;
    if (size < HEADER_BYTES + TRAILER_BYTES) throw new StateError(`${what} (${size} bytes is too short)`);
    const header = Buffer.alloc(HEADER_BYTES);
    readExactly(fd, header, 0);
    if (!header.subarray(0, 8).equals(STATE_MAGIC)) throw new StateError(`${what} (no TVSTATE magic)`);
    const version = header.readUInt32LE(8);
    if (version !== STATE_VERSION)
      throw new StateError(
        `${path} has state format version ${version}; this typevisor reads version ${STATE_VERSION} only`,
      );
    const jsonBytes = header.readUInt32LE(12);
    const ramBytes = header.readUInt32LE(16) + header.readUInt32LE(20) * 2 ** 32;
    if (jsonBytes > MAX_JSON_BYTES || ramBytes % PAGE !== 0 || ramBytes > 2 ** 32)
      throw new StateError(`${path}: the header is damaged (state ${jsonBytes} bytes, RAM ${ramBytes} bytes)`);
    const pages = ramBytes / PAGE;
    const bitmapAt = HEADER_BYTES + jsonBytes;
    const pagesAt = bitmapAt + Math.ceil(pages / 8);
    if (size < pagesAt + TRAILER_BYTES) throw new StateError(`${path} is truncated (${size} bytes)`);
    const bitmap = new Uint8Array(pagesAt - bitmapAt);
    readExactly(fd, bitmap, bitmapAt);
    let stored = 0;
    for (let p = 0; p < pages; p++) stored += bit(bitmap, p);
    const expected = pagesAt + stored * PAGE + TRAILER_BYTES;
    if (size !== expected)
      throw new StateError(
        `${path} is ${size < expected ? 'truncated' : 'too long'}: ${size} bytes, the header says ${expected}`,
      );
    const trailer = Buffer.alloc(TRAILER_BYTES);
    readExactly(fd, trailer, size - TRAILER_BYTES);
    if (!trailer.subarray(4).equals(END_MAGIC)) throw new StateError(`${path} is damaged (no end marker)`);
    let crc = 0;
    const chunk = Buffer.alloc(CHUNK);
    for (let pos = 0; pos < size - TRAILER_BYTES; pos += CHUNK) {
      const part = chunk.subarray(0, Math.min(CHUNK, size - TRAILER_BYTES - pos));
      readExactly(fd, part, pos);
      crc = crc32(part, crc);
    }
    if (crc >>> 0 !== trailer.readUInt32LE(0)) throw new StateError(`${path} is damaged (checksum mismatch)`);
    const json = Buffer.alloc(jsonBytes);
    readExactly(fd, json, HEADER_BYTES);
    let state: MachineState;
    try {
      state = JSON.parse(json.toString('utf8')) as MachineState;
    } catch {
      throw new StateError(`${path} is damaged (the machine state does not parse)`);
    }
    if (typeof state !== 'object' || state === null)
      throw new StateError(`${path}: the machine state is not an object`);
    const openFd = fd;
    return {
      state,
      ramBytes,
      loadRam(mem: GuestMemory): void {
        if (mem.ramSize !== ramBytes)
          throw new StateError(`the state holds ${ramBytes} bytes of RAM, the machine has ${mem.ramSize}`);
        const ram = mem.u8.subarray(mem.ramOffset, mem.ramOffset + mem.ramSize);
        let pos = pagesAt;
        for (const [first, count] of runs(bitmap, pages, CHUNK / PAGE)) {
          readExactly(openFd, ram.subarray(first * PAGE, (first + count) * PAGE), pos);
          pos += count * PAGE;
        }
        clearPagesExcept(ram, bitmap);
      },
      close: () => closeSync(openFd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
