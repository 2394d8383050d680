// The qcow2 header (versions 2 and 3), its feature bits and header extensions (docs/interop/qcow2.txt in QEMU).
import { DiskError } from '../backend.js';
import type { ImageFile } from '../file.js';

export const QCOW2_MAGIC = 0x514649fb;
export const V2_HEADER_LENGTH = 72;
export const V3_HEADER_LENGTH = 112;

export const EXT_END = 0;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_NAMES = 0x6803f857;
export const EXT_BITMAPS = 0x23852875;
export const EXT_EXTERNAL_DATA = 0x44415441;

export const INCOMPAT_DIRTY = 1 << 0;
export const INCOMPAT_CORRUPT = 1 << 1;
export const INCOMPAT_EXTERNAL_DATA = 1 << 2;
export const INCOMPAT_COMPRESSION_TYPE = 1 << 3;
export const INCOMPAT_EXTENDED_L2 = 1 << 4;
const INCOMPAT_NAMES = ['dirty bit', 'corrupt bit', 'external data file', 'compression type', 'extended L2 entries'];
/** Incompatible features we can open: the others are refused. */
const INCOMPAT_KNOWN = INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_COMPRESSION_TYPE;

/** Byte offsets of the header fields we rewrite in place (the rest of the header, extensions included, stays untouched). */
export const OFF_L1_TABLE = 40;
export const OFF_REFCOUNT_TABLE = 48;
export const OFF_INCOMPAT = 72;
/** Autoclear bit 1: the external data file is a consistent raw image. */
const AUTOCLEAR_DATA_FILE_RAW = 1 << 1;
export const OFF_AUTOCLEAR = 88;

export interface HeaderExtension {
  type: number;
  data: Uint8Array;
}

export interface Qcow2Header {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: number;
  /** Feature bit fields, low and high 32 bits. */
  incompatLo: number;
  incompatHi: number;
  compatLo: number;
  compatHi: number;
  autoclearLo: number;
  autoclearHi: number;
  refcountOrder: number;
  headerLength: number;
  compressionType: number;
  extensions: HeaderExtension[];
  backingFile: string | null;
  backingFormat: string | null;
}

export function getU64(dv: DataView, off: number): number {
  return dv.getUint32(off) * 0x1_0000_0000 + dv.getUint32(off + 4);
}

export function setU64(dv: DataView, off: number, value: number): void {
  dv.setUint32(off, Math.floor(value / 0x1_0000_0000));
  dv.setUint32(off + 4, value >>> 0);
}

export function isQcow2(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0) === QCOW2_MAGIC;
}

/** QEMU's limits (block/qcow2.h): the largest active L1 table and refcount table, in bytes; the snapshot count. */
export const MAX_L1_BYTES = 32 * 2 ** 20;
export const MAX_REFTABLE_BYTES = 8 * 2 ** 20;
export const MAX_SNAPSHOTS = 65536;
export const MAX_BACKING_NAME = 1023;
/** Longest backing format name QEMU reads (its buffer is 16 bytes with the terminator). */
const MAX_BACKING_FORMAT = 15;
/**
 * Host offsets and sizes must stay exact in a JavaScript number and within what a file system can address: QEMU
 * bounds them by INT64_MAX, we by 2^53.
 */
export const MAX_HOST_OFFSET = 2 ** 53;

/** Disks are made of 512-byte sectors: a size field that is not a multiple of 512 is rounded down, as QEMU does. */
export function guestVisibleSize(headerSize: number): number {
  return headerSize - (headerSize % 512);
}

/** Parses the first cluster (or at least the first 4 KiB) of an image, with QEMU's bounds and messages. */
export function parseHeader(buf: Uint8Array, name: string): Qcow2Header {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fail = (msg: string): never => {
    throw new DiskError(`${name}: ${msg}`);
  };
  if (buf.length < V2_HEADER_LENGTH || dv.getUint32(0) !== QCOW2_MAGIC) fail('not a qcow2 image');
  const version = dv.getUint32(4);
  if (version !== 2 && version !== 3) fail(`unsupported qcow2 version ${version}`);
  const h: Qcow2Header = {
    version,
    backingFileOffset: getU64(dv, 8),
    backingFileSize: dv.getUint32(16),
    clusterBits: dv.getUint32(20),
    size: getU64(dv, 24),
    cryptMethod: dv.getUint32(32),
    l1Size: dv.getUint32(36),
    l1TableOffset: getU64(dv, 40),
    refcountTableOffset: getU64(dv, 48),
    refcountTableClusters: dv.getUint32(56),
    nbSnapshots: dv.getUint32(60),
    snapshotsOffset: getU64(dv, 64),
    incompatLo: 0,
    incompatHi: 0,
    compatLo: 0,
    compatHi: 0,
    autoclearLo: 0,
    autoclearHi: 0,
    refcountOrder: 4,
    headerLength: V2_HEADER_LENGTH,
    compressionType: 0,
    extensions: [],
    backingFile: null,
    backingFormat: null,
  };
  if (h.clusterBits < 9 || h.clusterBits > 21) fail(`Unsupported cluster size: 2^${h.clusterBits}`);
  const clusterSize = 2 ** h.clusterBits;
  if (version === 3) {
    if (buf.length < 104) fail('truncated qcow2 header');
    h.incompatHi = dv.getUint32(72);
    h.incompatLo = dv.getUint32(76);
    h.compatHi = dv.getUint32(80);
    h.compatLo = dv.getUint32(84);
    h.autoclearHi = dv.getUint32(88);
    h.autoclearLo = dv.getUint32(92);
    h.refcountOrder = dv.getUint32(96);
    h.headerLength = dv.getUint32(100);
    if (h.headerLength < 104) fail('qcow2 header too short');
  }
  if (h.headerLength > clusterSize) fail('qcow2 header exceeds cluster size');
  if (h.headerLength > buf.length) fail('truncated qcow2 header');
  if (h.headerLength > 104) h.compressionType = buf[104];
  if (h.backingFileOffset > clusterSize) fail('Invalid backing file offset');
  validate(h, fail);
  parseExtensions(h, buf, fail);
  if (h.backingFileOffset !== 0) {
    if (h.backingFileSize > Math.min(MAX_BACKING_NAME, clusterSize - h.backingFileOffset))
      fail('Backing file name too long');
    if (h.backingFileOffset + h.backingFileSize > buf.length) fail('truncated qcow2 header');
    h.backingFile = new TextDecoder().decode(
      buf.subarray(h.backingFileOffset, h.backingFileOffset + h.backingFileSize),
    );
  }
  return h;
}

/** QEMU's validate_table_offset: aligned to clusters, and the whole table addressable. */
export function tableOffsetValid(offset: number, bytes: number, clusterSize: number): boolean {
  return offset % clusterSize === 0 && offset + bytes <= MAX_HOST_OFFSET;
}

function validate(h: Qcow2Header, fail: (msg: string) => never): void {
  const clusterSize = 2 ** h.clusterBits;
  if (h.incompatHi !== 0 || (h.incompatLo & ~INCOMPAT_KNOWN) !== 0) {
    const bits: string[] = [];
    for (let i = 0; i < 64; i++) {
      const set = i < 32 ? (h.incompatLo >>> i) & 1 : (h.incompatHi >>> (i - 32)) & 1;
      if (set && !(i < 32 && (INCOMPAT_KNOWN >>> i) & 1)) bits.push(INCOMPAT_NAMES[i] ?? `bit ${i}`);
    }
    fail(`unsupported qcow2 incompatible feature(s): ${bits.join(', ')}`);
  }
  // The raw-external-data autoclear bit is only meaningful beside an external data file (which we refuse above):
  // alone it says the header is damaged, and QEMU refuses to open such an image too.
  if (h.autoclearLo & AUTOCLEAR_DATA_FILE_RAW) fail('data-file-raw requires a data file');
  if (h.refcountOrder > 6) fail('Reference count entry width too large; may not exceed 64 bits');
  if (h.cryptMethod !== 0) fail('encrypted qcow2 images are not supported');
  if (h.incompatLo & INCOMPAT_COMPRESSION_TYPE) {
    if (h.compressionType !== 0 && h.compressionType !== 1) fail(`unknown compression type ${h.compressionType}`);
  } else if (h.compressionType !== 0) {
    fail(`compression type ${h.compressionType} without its incompatible feature bit`);
  }
  if (h.refcountTableClusters > MAX_REFTABLE_BYTES / clusterSize) fail('Reference count table too large');
  if (!tableOffsetValid(h.refcountTableOffset, h.refcountTableClusters * clusterSize, clusterSize))
    fail('Reference count table offset invalid');
  if (h.refcountTableClusters === 0) fail('empty refcount table');
  if (h.nbSnapshots > MAX_SNAPSHOTS) fail('Snapshot table too large');
  if (!tableOffsetValid(h.snapshotsOffset, h.nbSnapshots * 40, clusterSize)) fail('Snapshot table offset invalid');
  if (h.l1Size > MAX_L1_BYTES / 8) fail('Active L1 table too large');
  if (h.size > MAX_HOST_OFFSET) fail('Image is too big');
  const l2Entries = clusterSize / 8;
  if (h.l1Size < Math.ceil(h.size / clusterSize / l2Entries)) fail('L1 table is too small');
  if (!tableOffsetValid(h.l1TableOffset, h.l1Size * 8, clusterSize)) fail('Active L1 table offset invalid');
}

function parseExtensions(h: Qcow2Header, buf: Uint8Array, fail: (msg: string) => never): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = h.headerLength;
  // Extensions end where the backing file name starts, or with the header cluster.
  const end = Math.min(h.backingFileOffset !== 0 ? h.backingFileOffset : 2 ** h.clusterBits, buf.length);
  while (off < end) {
    // The length is checked before the type, the end marker's too: QEMU refuses a header whose end marker claims
    // more bytes than the header cluster holds, and an image QEMU refuses is damaged.
    if (off + 8 > end) fail('Header extension too large');
    const type = dv.getUint32(off);
    const len = dv.getUint32(off + 4);
    if (off + 8 + len > end) fail('Header extension too large');
    if (type === EXT_END) return;
    const data = buf.slice(off + 8, off + 8 + len);
    h.extensions.push({ type, data });
    if (type === EXT_BACKING_FORMAT) {
      if (len > MAX_BACKING_FORMAT)
        fail(`ERROR: ext_backing_format: len=${len} too large (>=${MAX_BACKING_FORMAT + 1})`);
      h.backingFormat = new TextDecoder().decode(data);
    }
    off += 8 + Math.ceil(len / 8) * 8;
  }
}

export interface NewHeaderParams {
  size: number;
  clusterBits: number;
  refcountOrder: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  backingFile?: string;
  backingFormat?: string;
}

/** Builds the first cluster of a fresh version 3 image: header, extensions, backing file name. */
export function buildHeader(p: NewHeaderParams): Uint8Array {
  const clusterSize = 2 ** p.clusterBits;
  const buf = new Uint8Array(clusterSize);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, QCOW2_MAGIC);
  dv.setUint32(4, 3);
  dv.setUint32(20, p.clusterBits);
  setU64(dv, 24, p.size);
  dv.setUint32(36, p.l1Size);
  setU64(dv, 40, p.l1TableOffset);
  setU64(dv, 48, p.refcountTableOffset);
  dv.setUint32(56, p.refcountTableClusters);
  dv.setUint32(96, p.refcountOrder);
  dv.setUint32(100, V3_HEADER_LENGTH);
  let off = V3_HEADER_LENGTH;
  const enc = new TextEncoder();
  const putExt = (type: number, data: Uint8Array): void => {
    dv.setUint32(off, type);
    dv.setUint32(off + 4, data.length);
    buf.set(data, off + 8);
    off += 8 + Math.ceil(data.length / 8) * 8;
  };
  if (p.backingFormat) putExt(EXT_BACKING_FORMAT, enc.encode(p.backingFormat));
  // The feature name table is optional: like QEMU, leave it out when it would not fit in the first cluster beside the
  // end marker and the backing file name (512-byte clusters).
  const names = featureNameTable();
  const nameBytes = p.backingFile ? enc.encode(p.backingFile).length : 0;
  if (off + 8 + names.length + 8 + nameBytes <= clusterSize) putExt(EXT_FEATURE_NAMES, names);
  off += 8; // end-of-extensions marker (already zero)
  if (p.backingFile) {
    const name = enc.encode(p.backingFile);
    if (name.length > 1023) throw new DiskError('backing file name too long (max 1023 bytes)');
    if (off + name.length > clusterSize) throw new DiskError('backing file name does not fit in the first cluster');
    buf.set(name, off);
    setU64(dv, 8, off);
    dv.setUint32(16, name.length);
  }
  return buf;
}

/** Names for the feature bits, so that tools can name a bit they do not know. */
function featureNameTable(): Uint8Array {
  const entries: [number, number, string][] = [
    [0, 0, 'dirty bit'],
    [0, 1, 'corrupt bit'],
    [0, 2, 'external data file'],
    [0, 3, 'compression type'],
    [0, 4, 'extended L2 entries'],
    [1, 0, 'lazy refcounts'],
    [2, 0, 'bitmaps'],
    [2, 1, 'raw external data'],
  ];
  const out = new Uint8Array(entries.length * 48);
  const enc = new TextEncoder();
  entries.forEach(([type, bit, name], i) => {
    out[i * 48] = type;
    out[i * 48 + 1] = bit;
    out.set(enc.encode(name), i * 48 + 2);
  });
  return out;
}

/** Reads a qcow2 header (the first cluster, up to 2 MiB). */
export async function readQcow2Header(file: ImageFile): Promise<Qcow2Header> {
  const first = new Uint8Array(4096);
  await file.readAt(0, first);
  let header = parseHeader(first, file.path);
  const cs = 2 ** header.clusterBits;
  if (cs > first.length) {
    const whole = new Uint8Array(cs);
    await file.readAt(0, whole);
    header = parseHeader(whole, file.path);
  }
  return header;
}
