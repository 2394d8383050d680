// Extraction of Debian binary packages (.deb = ar archive of debian-binary, control.tar.*, data.tar.*).
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { readAr, type ArMember } from './ar.js';
import { compressionOfName, decompressChunks } from './decompress.js';
import { parseStanzas, type Stanza } from './control.js';

export type DebEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'other';

export interface DebEntry {
  /** Path without the leading "./" (e.g. "boot/vmlinux-6.1.0-riscv64"). */
  path: string;
  type: DebEntryType;
  mode: number;
  size: number;
  /** Target of a symlink or hard link. */
  linkname?: string;
  /** Contents, present only for regular files the caller asked for. */
  data?: Buffer;
}

function member(deb: Uint8Array, prefix: string): ArMember {
  const members = readAr(deb);
  if (members[0]?.name !== 'debian-binary')
    throw new Error('not a Debian package: first ar member is not debian-binary');
  const version = Buffer.from(members[0].data).toString('latin1').trim();
  if (!version.startsWith('2.')) throw new Error(`unsupported .deb format version ${version}`);
  const found = members.find((m) => m.name === prefix || m.name.startsWith(`${prefix}.`));
  if (!found) throw new Error(`Debian package has no ${prefix} member`);
  return found;
}

function normalisePath(name: string): string {
  let p = name.replace(/^\.?\/+/, '');
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

function entryType(t: tar.Header['type'] | undefined): DebEntryType {
  if (t === 'file' || t === 'contiguous-file' || t == null) return 'file';
  if (t === 'directory' || t === 'symlink' || t === 'link') return t;
  return 'other';
}

/** Streams through one tar member, listing every entry and keeping the data of those `want` accepts. */
async function readTarMember(m: ArMember, want: (path: string) => boolean): Promise<DebEntry[]> {
  const extract = tar.extract();
  const input = Readable.from(decompressChunks(m.data, compressionOfName(m.name)));
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract);
  const entries: DebEntry[] = [];
  for await (const e of extract) {
    const h = e.header;
    const entry: DebEntry = {
      path: normalisePath(h.name),
      type: entryType(h.type),
      mode: h.mode ?? 0,
      size: h.size ?? 0,
    };
    if (h.linkname) entry.linkname = h.linkname;
    if (entry.type === 'link' && entry.linkname) entry.linkname = normalisePath(entry.linkname);
    if (entry.type === 'file' && want(entry.path)) {
      const parts: Buffer[] = [];
      for await (const chunk of e) parts.push(chunk as Buffer);
      entry.data = Buffer.concat(parts);
    } else {
      e.resume();
    }
    entries.push(entry);
  }
  return entries;
}

/** Lists the files of a .deb's data.tar; regular files accepted by `want` come with their contents. */
export async function extractDebData(
  deb: Uint8Array,
  want: (path: string) => boolean = () => false,
): Promise<DebEntry[]> {
  return readTarMember(member(deb, 'data.tar'), want);
}

/** The package's DEBIAN/control paragraph (fields lower-cased). */
export async function readDebControl(deb: Uint8Array): Promise<Stanza> {
  const entries = await readTarMember(member(deb, 'control.tar'), (p) => p === 'control');
  const control = entries.find((e) => e.path === 'control')?.data;
  if (!control) throw new Error('Debian package has no control file');
  const [stanza] = parseStanzas(control.toString('utf8'));
  if (!stanza) throw new Error('empty control file');
  return stanza;
}
