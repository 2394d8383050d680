// The named images in the cache (debian, debian-full, u-boot, debian-installer): what each is, where its files are,
// how much room it takes, and removing one without pulling the ground from under a VM or another image.
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDisk } from '../disk/open.js';
import { imageInfo } from '../disk/info.js';
import { defaultImagesRoot, MANIFEST, type ImageManifest } from './cache.js';
import { ROOT_DISK_FILE, ROOT_DISK_MANIFEST, type RootDiskManifest } from './rootfs/root-disk.js';

/** The images typevisor knows by name, in the order `image list` shows them. */
export const IMAGE_NAMES = ['debian', 'debian-full', 'u-boot', 'debian-installer'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

export const IMAGE_DESCRIPTIONS: Record<ImageName, string> = {
  debian: "Debian's kernel and a busybox initramfs: a shell in seconds (the default)",
  'debian-full': 'a minimal Debian system on a qcow2 root disk: systemd, apt, a console login',
  'u-boot': "Debian's U-Boot for QEMU virt (S-mode): boots installed systems from their disks",
  'debian-installer': "Debian's netboot installer: create --install debian",
};

/** Files of an image in its directory; the directory itself goes when nothing else is left in it. */
const FILES: Record<ImageName, readonly string[]> = {
  debian: ['Image', 'initrd.img', MANIFEST, 'downloads', '.pull.lock'],
  'debian-full': [ROOT_DISK_FILE, ROOT_DISK_MANIFEST, 'root-overlay.qcow2', 'rootfs-work'],
  'u-boot': ['u-boot.bin', MANIFEST],
  'debian-installer': ['linux', 'initrd.gz', MANIFEST],
};

export interface CachedImageEntry {
  name: ImageName;
  suite: string;
  dir: string;
  /** Bytes its files take on the host's disk (allocated blocks: a sparse or qcow2 file counts what it stores). */
  bytes: number;
  created?: string;
  /** A version worth showing: the kernel's, U-Boot's package version. */
  version?: string;
}

function diskBytes(path: string): number {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 0;
  }
  if (st.isDirectory()) return readdirSync(path).reduce((n, e) => n + diskBytes(join(path, e)), 0);
  return st.isFile() ? st.blocks * 512 : 0;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    if (statSync(path).size > 1 << 20) return null;
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Which image a cache directory holds, if any: `<prefix>-<suite>-riscv64`. */
function entriesOf(root: string, dirName: string): CachedImageEntry[] {
  const m = /^(debian-installer|debian|u-boot)-([a-z]+)-riscv64$/.exec(dirName);
  if (!m) return [];
  const dir = join(root, dirName);
  const suite = m[2]!;
  const size = (name: ImageName) => FILES[name].reduce((n, f) => n + diskBytes(join(dir, f)), 0);
  const manifest = readJson(join(dir, MANIFEST));
  const out: CachedImageEntry[] = [];
  if (m[1] === 'debian') {
    if (manifest && existsSync(join(dir, 'Image'))) {
      const im = manifest as Partial<ImageManifest>;
      out.push({ name: 'debian', suite, dir, bytes: size('debian'), created: im.created, version: im.kernelVersion });
    }
    const root = readJson(join(dir, ROOT_DISK_MANIFEST)) as Partial<RootDiskManifest> | null;
    if (root && existsSync(join(dir, ROOT_DISK_FILE)))
      out.push({ name: 'debian-full', suite, dir, bytes: size('debian-full'), created: root.created });
  } else if (manifest) {
    const name: ImageName = m[1] === 'u-boot' ? 'u-boot' : 'debian-installer';
    const pkg = manifest['package'] as { version?: string } | undefined;
    const created =
      typeof manifest['created'] === 'string' ? manifest['created'] : statSync(join(dir, MANIFEST)).mtime.toISOString();
    out.push({ name, suite, dir, bytes: size(name), created, version: pkg?.version });
  }
  return out;
}

/** Every image in the cache, by name and then suite. */
export function listCachedImages(root = defaultImagesRoot()): CachedImageEntry[] {
  let dirs: string[];
  try {
    dirs = readdirSync(root).sort();
  } catch {
    return [];
  }
  const all = dirs.flatMap((d) => entriesOf(root, d));
  return all.sort(
    (a, b) => IMAGE_NAMES.indexOf(a.name) - IMAGE_NAMES.indexOf(b.name) || a.suite.localeCompare(b.suite),
  );
}

/** Why an image was not removed: it is not there, or something depends on it. */
export class ImageRefused extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'in-use',
  ) {
    super(message);
  }
}

/** The qcow2 disks in VM folders under `home` whose backing chain reaches `file`: "VM/disk" for each. */
async function overlaysOf(home: string, file: string): Promise<string[]> {
  const vms = join(home, 'vms');
  let names: string[] = [];
  try {
    names = readdirSync(vms);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const vm of names) {
    let files: string[] = [];
    try {
      files = readdirSync(join(vms, vm)).filter((f) => f.endsWith('.qcow2'));
    } catch {
      continue;
    }
    for (const f of files) {
      try {
        for (let info = await imageInfo(join(vms, vm, f)); info.backing; info = info.backing)
          if (info.fullBackingFilename === file) found.push(`${vm}/${f}`);
      } catch {
        // a disk that does not open is not ours to judge here
      }
    }
  }
  return found;
}

/** Throws ImageRefused when a process holds `file` open (its image lock, as QEMU's, says so). */
async function checkNotOpen(file: string): Promise<void> {
  if (!existsSync(file)) return;
  try {
    await (await openDisk(file, { readOnly: false })).close();
  } catch (e) {
    throw new ImageRefused(`${file} is in use: ${(e as Error).message}`, 'in-use');
  }
}

export interface RemoveOptions {
  suite: string;
  root?: string;
  /** $TYPEVISOR_HOME: VMs whose disks rest on the image keep it. */
  home: string;
}

/** Removes a cached image's files and returns the bytes freed; refuses (ImageRefused) while something depends on it. */
export async function removeCachedImage(name: ImageName, o: RemoveOptions): Promise<number> {
  const root = o.root ?? defaultImagesRoot();
  const entry = listCachedImages(root).find((e) => e.name === name && e.suite === o.suite);
  if (!entry) throw new ImageRefused(`no image ${name} (${o.suite}) in ${root}`, 'not-found');
  if (name === 'debian' && listCachedImages(root).some((e) => e.name === 'debian-full' && e.suite === o.suite))
    throw new ImageRefused(`debian-full boots with this image's kernel: remove debian-full first`, 'in-use');
  if (name === 'debian-full') {
    const base = join(entry.dir, ROOT_DISK_FILE);
    const users = await overlaysOf(o.home, base);
    if (users.length)
      throw new ImageRefused(
        `VM disks rest on it (${users.join(', ')}): delete those VMs first, or convert their disks`,
        'in-use',
      );
    for (const f of [base, join(entry.dir, 'root-overlay.qcow2')]) await checkNotOpen(f);
  }
  for (const f of FILES[name]) rmSync(join(entry.dir, f), { recursive: true, force: true });
  try {
    if (readdirSync(entry.dir).length === 0) rmSync(entry.dir, { recursive: true });
  } catch {
    // gone already
  }
  return entry.bytes;
}
