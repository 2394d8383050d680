// Writer for cpio "newc" archives (the format of Linux initramfs images).

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

interface CpioEntry {
  name: string;
  mode: number;
  data: Uint8Array;
  rdevMajor: number;
  rdevMinor: number;
}

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio field out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
}

function cleanPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new Error(`cpio path may not contain "..": ${path}`);
  if (parts.length === 0) throw new Error('cpio path is empty');
  return parts.join('/');
}

/** Builds a newc archive in memory. Parent directories are added automatically (the kernel's
 *  initramfs unpacker does not create them); a fixed mtime keeps the output reproducible. */
export class CpioWriter {
  private readonly entries = new Map<string, CpioEntry>();

  constructor(private readonly mtime = 0) {}

  has(path: string): boolean {
    return this.entries.has(cleanPath(path));
  }

  addDirectory(path: string, mode = 0o755): void {
    const name = cleanPath(path);
    const existing = this.entries.get(name);
    if (existing) {
      if ((existing.mode & 0o170000) !== S_IFDIR) throw new Error(`${name} already exists and is not a directory`);
      existing.mode = S_IFDIR | (mode & 0o7777);
      return;
    }
    this.addParents(name);
    this.put(name, S_IFDIR | (mode & 0o7777), new Uint8Array(0));
  }

  addFile(path: string, data: Uint8Array, mode = 0o644): void {
    const name = cleanPath(path);
    this.addParents(name);
    this.put(name, S_IFREG | (mode & 0o7777), data);
  }

  addSymlink(path: string, target: string): void {
    const name = cleanPath(path);
    this.addParents(name);
    this.put(name, S_IFLNK | 0o777, Buffer.from(target, 'utf8'));
  }

  addCharDevice(path: string, major: number, minor: number, mode = 0o600): void {
    const name = cleanPath(path);
    this.addParents(name);
    this.put(name, S_IFCHR | (mode & 0o7777), new Uint8Array(0), major, minor);
  }

  /** The archive, ending with the TRAILER!!! record. */
  finish(): Buffer {
    const chunks: Buffer[] = [];
    let ino = 1;
    let offset = 0;
    const emit = (e: CpioEntry, inode: number): void => {
      const isDir = (e.mode & 0o170000) === S_IFDIR;
      const nameBytes = Buffer.from(`${e.name}\0`, 'utf8');
      const header =
        '070701' +
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
    for (const e of this.entries.values()) emit(e, ino++);
    emit({ name: 'TRAILER!!!', mode: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 }, 0);
    return Buffer.concat(chunks);
  }

  private addParents(name: string): void {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!this.entries.has(dir)) this.put(dir, S_IFDIR | 0o755, new Uint8Array(0));
    }
  }

  private put(name: string, mode: number, data: Uint8Array, rdevMajor = 0, rdevMinor = 0): void {
    this.entries.delete(name); // a replaced entry moves to the end, after its parents
    this.entries.set(name, { name, mode, data, rdevMajor, rdevMinor });
  }
}
