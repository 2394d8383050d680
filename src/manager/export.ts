// Cold migration: a stopped or suspended VM (definition, disks with their internal snapshots, saved states) as one
// tar archive, and its import into another $TYPEVISOR_HOME (docs/export.md).
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkQcow2 } from '../disk/qcow2/check.js';
import { openStateFile } from '../state/state-file.js';
import type { Manager } from './client.js';
import { checkName, parseDefinition, serializeDefinition, type Definition } from './definition.js';
import { ManagerError } from './errors.js';
import { vmPaths, vmsDir } from './paths.js';
import { readIndex, SNAPSHOT_NAME, writeIndex } from './snapshots.js';
import { existingVm, listNames, readDefinition } from './store.js';
import { openDisk } from '../disk/open.js';
import { Qcow2Backend } from '../disk/qcow2/qcow2.js';
import { writeFileAtomic } from './atomic-file.js';
import {
  BOOT_MEMBERS,
  bootSources,
  checkStandalone,
  definitionForImport,
  MAX_BOOT_FILE_BYTES,
} from './archive-trust.js';

/** The archive's last member: what it holds, with each file's size and SHA-256. */
const MANIFEST = 'typevisor-export.json';
const FORMAT = 'typevisor-export';
const VERSION = 1;
const BLOCK = 512;
const CHUNK = 1024 * 1024;
/** Bounds on what a member may be: disks and state files are large, everything else small. */
const MAX_DISK_BYTES = 2 ** 44;
const MAX_STATE_BYTES = 2 ** 32 + 2 ** 27;
const MAX_SMALL_BYTES = 4 * 1024 * 1024;

/** The members an archive may hold (paths inside the VM's folder), and each one's size bound. */
function memberLimit(name: string): number | null {
  if (name === 'vm.json' || name === 'snapshots/index.json' || name === MANIFEST) return MAX_SMALL_BYTES;
  if (/^disk\d{1,2}\.(qcow2|raw)$/.test(name) || name === 'cidata.iso') return MAX_DISK_BYTES;
  if (name === 'suspended.tvstate') return MAX_STATE_BYTES;
  if ((BOOT_MEMBERS as readonly string[]).includes(name)) return MAX_BOOT_FILE_BYTES;
  const m = /^snapshots\/([^/]+)\/(state\.tvstate|disk\d{1,2}\.qcow2)$/.exec(name);
  if (m && SNAPSHOT_NAME.test(m[1])) return m[2] === 'state.tvstate' ? MAX_STATE_BYTES : MAX_DISK_BYTES;
  return null;
}

interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** The files of a VM's folder an export carries; refuses what would not work elsewhere. */
function exportedFiles(dir: string, def: Definition, vm: string): string[] {
  const files = ['vm.json'];
  for (const d of def.disks) {
    if (d.path.startsWith('/') || memberLimit(d.path) === null)
      throw new ManagerError(
        'wrong-state',
        `${vm}'s disk ${d.path} is not one of its own disks in its folder: export carries those only (detach it first)`,
      );
    files.push(d.path);
  }
  if (existsSync(join(dir, 'suspended.tvstate'))) files.push('suspended.tvstate');
  if (existsSync(join(dir, 'snapshots', 'index.json'))) {
    files.push('snapshots/index.json');
    for (const s of readdirSync(join(dir, 'snapshots'))) {
      if (!SNAPSHOT_NAME.test(s) || !statSync(join(dir, 'snapshots', s)).isDirectory()) continue;
      for (const f of readdirSync(join(dir, 'snapshots', s))) {
        const name = `snapshots/${s}/${f}`;
        if (memberLimit(name) !== null) files.push(name);
      }
    }
  }
  return files;
}

/** A ustar header; sizes of 8 GiB and more in GNU's base-256 form. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000600\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  if (size < 8 ** 11) h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  else {
    h[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) {
      h[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let done = 0; done < b.length;) done += writeSync(fd, b, done, b.length - done);
}

/** Writes a stopped or suspended VM to `file` as a tar archive (atomically: a temporary name, then a rename). */
export async function exportVm(m: Manager, name: string, file: string): Promise<{ bytes: number; files: number }> {
  const paths = existingVm(m.home, name);
  const v = m.list().find((x) => x.name === name);
  if (v?.pid !== undefined)
    throw new ManagerError('wrong-state', `cannot export ${name} while it is ${v.state}: stop or suspend it first`);
  const def = readDefinition(paths);
  readIndex(paths);
  for (const d of def.disks)
    if (d.format === 'qcow2') {
      const q = await openDisk(join(paths.dir, d.path), { readOnly: true, format: 'qcow2' });
      const backed = q instanceof Qcow2Backend && q.backing !== null;
      await q.close();
      if (backed)
        throw new ManagerError(
          'wrong-state',
          `${name}'s disk ${d.path} is an overlay on another image (a linked clone): export carries standalone disks only`,
        );
    }
  // Boot files given by path (a kernel, an initrd, a boot loader) travel as members of their own.
  const sources = bootSources(def);
  const files = [...exportedFiles(paths.dir, def, name), ...sources.keys()];
  const target = resolve(file);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const out = openSync(tmp, 'wx', 0o600);
  const manifest: ManifestFile[] = [];
  let bytes = 0;
  const put = (b: Uint8Array) => {
    writeAll(out, b);
    bytes += b.length;
  };
  const buf = Buffer.alloc(CHUNK);
  try {
    for (const f of files) {
      const fd = openSync(sources.get(f) ?? join(paths.dir, f), 'r');
      try {
        const size = fstatSync(fd).size;
        put(tarHeader(f, size));
        const hash = createHash('sha256');
        for (let pos = 0; pos < size;) {
          const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
          if (n === 0) throw new ManagerError('failed', `${f} became shorter while it was exported`);
          hash.update(buf.subarray(0, n));
          put(buf.subarray(0, n));
          pos += n;
        }
        if (size % BLOCK) put(Buffer.alloc(BLOCK - (size % BLOCK)));
        manifest.push({ path: f, size, sha256: hash.digest('hex') });
      } finally {
        closeSync(fd);
      }
    }
    const json = Buffer.from(
      `${JSON.stringify({ format: FORMAT, version: VERSION, name, files: manifest }, null, 2)}\n`,
    );
    put(tarHeader(MANIFEST, json.length));
    put(json);
    if (json.length % BLOCK) put(Buffer.alloc(BLOCK - (json.length % BLOCK)));
    put(Buffer.alloc(2 * BLOCK));
    fsyncSync(out);
    closeSync(out);
    renameSync(tmp, target);
  } catch (e) {
    try {
      closeSync(out);
    } catch {
      // closed already
    }
    rmSync(tmp, { force: true });
    throw e;
  }
  return { bytes, files: files.length };
}

/** Reads exactly `length` bytes at `pos`, or fails naming the archive as truncated. */
function readExact(fd: number, buf: Buffer, length: number, pos: number, file: string): void {
  for (let done = 0; done < length;) {
    const n = readSync(fd, buf, done, length - done, pos + done);
    if (n === 0) throw new ManagerError('bad-input', `${file}: truncated archive`);
    done += n;
  }
}

/** The size field of a tar header: octal, or GNU base-256; null when it is neither. */
function tarSize(h: Buffer): number | null {
  if (h[124] === 0x80) {
    let v = 0;
    for (let i = 125; i < 136; i++) v = v * 256 + h[i];
    return Number.isSafeInteger(v) ? v : null;
  }
  const text = h
    .toString('latin1', 124, 136)
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]{1,11}$/.test(text) ? parseInt(text, 8) : null;
}

function tarChecksumOk(h: Buffer): boolean {
  const stored = parseInt(
    h
      .toString('latin1', 148, 156)
      .replace(/[\0 ]+$/, '')
      .trim(),
    8,
  );
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return stored === sum;
}

/**
 * Imports an archive `export` wrote as VM `name` (default: its own name). Everything is extracted into a hidden
 * folder and checked — member names and sizes, every file's SHA-256 against the manifest, the definition, the
 * snapshot index, each qcow2 disk (a full consistency check) and each state file — before the folder takes the VM's
 * name; on any failure it is removed. The VM keeps its MAC addresses: it is the same machine, moved.
 */
export async function importVm(
  m: Manager,
  file: string,
  o: { name?: string } = {},
): Promise<{ name: string; leftOut: string[] }> {
  if (o.name !== undefined) checkName(o.name);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new ManagerError('not-found', `cannot read ${file}: ${(e as Error).message}`);
  }
  mkdirSync(vmsDir(m.home), { recursive: true, mode: 0o700 });
  const tmp = join(vmsDir(m.home), `.importing-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o700 });
  try {
    const got = new Map<string, { size: number; sha256: string }>();
    const found: { manifest?: { format?: unknown; version?: unknown; files?: unknown } } = {};
    const fileSize = fstatSync(fd).size;
    const header = Buffer.alloc(BLOCK);
    const buf = Buffer.alloc(CHUNK);
    let pos = 0;
    for (;;) {
      if (pos + BLOCK > fileSize) throw new ManagerError('bad-input', `${file}: truncated archive (no end marker)`);
      readExact(fd, header, BLOCK, pos, file);
      pos += BLOCK;
      if (header.every((b) => b === 0)) break;
      if (!tarChecksumOk(header) || header.toString('latin1', 257, 262) !== 'ustar')
        throw new ManagerError('bad-input', `${file}: not a typevisor export (not a tar archive, or damaged)`);
      const name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const type = String.fromCharCode(header[156] || 48);
      const size = tarSize(header);
      const limit = memberLimit(name);
      if (type !== '0' || limit === null)
        throw new ManagerError(
          'bad-input',
          `${file}: not a typevisor export (unexpected member ${JSON.stringify(name.slice(0, 120))})`,
        );
      if (size === null || size > limit) throw new ManagerError('bad-input', `${file}: member ${name} has a bad size`);
      if (pos + size > fileSize) throw new ManagerError('bad-input', `${file}: truncated archive (in ${name})`);
      if (got.has(name) || found.manifest)
        throw new ManagerError('bad-input', `${file}: member ${name} comes twice or after the manifest`);
      if (name === MANIFEST) {
        readExact(fd, buf.subarray(0, size), size, pos, file);
        try {
          found.manifest = JSON.parse(buf.toString('utf8', 0, size)) as typeof found.manifest;
        } catch {
          throw new ManagerError('bad-input', `${file}: its manifest does not parse`);
        }
      } else {
        const dest = join(tmp, name);
        mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
        const out = openSync(dest, 'wx', 0o600);
        const hash = createHash('sha256');
        try {
          for (let done = 0; done < size;) {
            const n = Math.min(CHUNK, size - done);
            readExact(fd, buf, n, pos + done, file);
            hash.update(buf.subarray(0, n));
            writeAll(out, buf.subarray(0, n));
            done += n;
          }
          fsyncSync(out);
        } finally {
          closeSync(out);
        }
        got.set(name, { size, sha256: hash.digest('hex') });
      }
      pos += Math.ceil(size / BLOCK) * BLOCK;
    }
    const manifest = found.manifest;
    if (!manifest || manifest.format !== FORMAT)
      throw new ManagerError('bad-input', `${file}: not a typevisor export (no manifest)`);
    if (manifest.version !== VERSION)
      throw new ManagerError(
        'bad-input',
        `${file}: export format version ${String(manifest.version)}; this typevisor reads version ${VERSION}`,
      );
    const listed = Array.isArray(manifest.files) ? (manifest.files as ManifestFile[]) : [];
    if (
      listed.length !== got.size ||
      listed.some((f) => got.get(f?.path)?.sha256 !== f.sha256 || got.get(f.path)?.size !== f.size)
    )
      throw new ManagerError('bad-input', `${file}: damaged (a file does not match the manifest's size or SHA-256)`);
    if (!got.has('vm.json')) throw new ManagerError('bad-input', `${file}: no vm.json in the archive`);
    const archived = parseDefinition(readFileSync(join(tmp, 'vm.json'), 'utf8'), `${file}: vm.json`);
    const name = o.name ?? archived.name;
    checkName(name);
    const paths = vmPaths(m.home, name);
    const { def, leftOut } = definitionForImport(archived, file, new Set(got.keys()), paths.dir);
    for (const d of def.disks)
      if (!got.has(d.path)) throw new ManagerError('bad-input', `${file}: the disk ${d.path} of vm.json is missing`);
    for (const [f] of got) {
      const p = join(tmp, f);
      if (f.endsWith('.qcow2')) {
        await checkStandalone(p, f, file);
        const r = await checkQcow2(p).catch((e: Error) => {
          throw new ManagerError('bad-input', `${file}: ${f}: ${e.message}`);
        });
        if (r.corruptions > 0) throw new ManagerError('bad-input', `${file}: ${f} is a damaged qcow2 image`);
      } else if (f.endsWith('.tvstate')) {
        try {
          openStateFile(p).close();
        } catch (e) {
          throw new ManagerError('bad-input', `${file}: ${f}: ${(e as Error).message}`);
        }
      }
    }
    const clash = listNames(m.home).find((n) => n.toLowerCase() === name.toLowerCase());
    if (clash)
      throw new ManagerError('exists', `a VM named "${clash}" already exists: import it under another name (--name)`);
    const staged = vmPaths(m.home, tmp.slice(vmsDir(m.home).length + 1));
    if (got.has('snapshots/index.json')) {
      const index = readIndex({ ...staged, name });
      for (const s of index.snapshots) delete s.clones;
      await writeIndex(staged, index);
    }
    await writeFileAtomic(join(tmp, 'vm.json'), serializeDefinition({ ...def, name }));
    if (existsSync(paths.dir))
      throw new ManagerError('exists', `${paths.dir} already exists (without a definition): move it away first`);
    renameSync(tmp, paths.dir);
    return { name, leftOut };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    closeSync(fd);
  }
}
