// `typevisor image pull debian`: Debian riscv64's kernel and busybox-static turned into a bootable Image + initramfs.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { findMirror } from './apt-sources.js';
import { parseRelease, verifyIndexFile, sha256Hex, type Release } from './release.js';
import { parsePackages, resolveKernelPackage, requirePackage, type PackageIndex } from './packages-index.js';
import { compressionOfName, decompress } from './decompress.js';
import { extractDebData, type DebEntry } from './deb.js';
import { kernelImageFrom, parseKernelConfig, virtioSupport } from './kernel.js';
import {
  loadOrder,
  formatModulesDep,
  moduleName,
  parseModulesDep,
  readModinfo,
  type AvailableModule,
  type ModInfo,
} from './modules.js';
import { appletNames, FALLBACK_APPLETS } from './busybox.js';
import { buildInitramfs, INITRAMFS_VERSION } from './initramfs.js';
import { AGENT_PACKAGE, agentFiles, agentPackages, isAgentPath } from './guest-agent.js';
import { fetchBytes, downloadVerified, fileMatches, writeFileAtomic, HttpNotFound } from './download.js';
import { DEBIAN_KEYRING, gpgvAvailable, verifySignature } from './signature.js';
import {
  defaultImagesRoot,
  debianImageName,
  validImage,
  readManifest,
  KERNEL_FILE,
  INITRD_FILE,
  MANIFEST,
  type ImageManifest,
  type PackageRecord,
} from './cache.js';
import type { Stanza } from './control.js';
import { formatBytes } from '../util/progress.js';
import { initrdHasRootSupport, upgradeInitrd } from './rootfs/initrd-upgrade.js';

export const DEFAULT_SUITE = 'trixie';
export const DEFAULT_CMDLINE = 'console=ttyS0 earlycon=sbi';
const ARCH = 'riscv64';

export interface PullOptions {
  /** Mirror URL (the CLI's --mirror); else $TYPEVISOR_MIRROR; else the host's apt sources. */
  mirror?: string;
  suite?: string;
  /** Root of the image cache (default ${XDG_CACHE_HOME:-~/.cache}/typevisor/images); the image goes in <cacheDir>/debian-<suite>-riscv64/. */
  cacheDir?: string;
  log?: (line: string) => void;
  /** Progress bars on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Also ask the archive whether newer packages exist, rebuilding if so (default: a valid cache is used as is). */
  update?: boolean;
  /** OpenPGP keyring for InRelease; null skips the check. Default: Debian's archive keyring. */
  keyring?: string | null;
  /** apt configuration directory for mirror discovery (default /etc/apt). */
  aptDir?: string;
  env?: Record<string, string | undefined>;
  /** Keep the downloaded .deb files in <dir>/downloads after a successful build. */
  keepDownloads?: boolean;
}

export interface PulledImage {
  kernel: string;
  initrd: string;
  cmdline: string;
  dir: string;
}

export interface CachedImage extends PulledImage {
  manifest: ImageManifest;
}

function imageDir(opts: { suite?: string; cacheDir?: string; env?: Record<string, string | undefined> }): string {
  return join(opts.cacheDir ?? defaultImagesRoot(opts.env), debianImageName(opts.suite ?? DEFAULT_SUITE));
}

function describe(dir: string, m: ImageManifest): CachedImage {
  return { kernel: join(dir, KERNEL_FILE), initrd: join(dir, INITRD_FILE), cmdline: m.cmdline, dir, manifest: m };
}

/** The cached image if it is complete, its files match the manifest's SHA-256s and its initramfs was built from the
 *  current recipe (INITRAMFS_VERSION), else null: callers then pull, which rebuilds an outdated image. */
export async function findCachedDebian(
  opts: { suite?: string; cacheDir?: string; env?: Record<string, string | undefined> } = {},
): Promise<CachedImage | null> {
  const dir = imageDir(opts);
  const m = await validImage(dir);
  return m && initramfsCurrent(m) ? describe(dir, m) : null;
}

/** Images from before the manifest recorded the recipe are version 1. */
function initramfsCurrent(m: ImageManifest): boolean {
  return (m.initramfs ?? 1) === INITRAMFS_VERSION;
}

/** A pull holds this file in the image directory; others wait (tests boot the default image from parallel processes). */
const PULL_LOCK = '.pull.lock';
/** A lock older than this is left over from a pull that died (a pull takes minutes). */
const STALE_LOCK_MS = 60 * 60_000;

async function withPullLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, PULL_LOCK);
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = 0;
    let age = 0;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (age > STALE_LOCK_MS || (holder > 0 && !processAlive(holder))) rmSync(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let warnedUnsigned = false;

export async function fetchRelease(
  mirror: string,
  suite: string,
  keyring: string | null,
  log: (l: string) => void,
  progress: boolean,
): Promise<{ release: Release; signature: string }> {
  const base = `${mirror}/dists/${suite}`;
  let signed: Buffer;
  let detached: Buffer | undefined;
  let text: string;
  try {
    signed = await fetchBytes(`${base}/InRelease`, { progress: false });
    text = signed.toString('utf8');
  } catch (e) {
    if (!(e instanceof HttpNotFound)) throw e;
    signed = await fetchBytes(`${base}/Release`, { progress }).catch((e2: unknown) => {
      if (e2 instanceof HttpNotFound)
        throw new Error(`suite "${suite}" not found on ${mirror} (no dists/${suite}/InRelease or Release)`);
      throw e2;
    });
    text = signed.toString('utf8');
    detached = await fetchBytes(`${base}/Release.gpg`, { progress: false }).catch(() => undefined);
  }
  let signature: string;
  if (keyring && gpgvAvailable() && existsSync(keyring)) {
    if (detached === undefined && !text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) {
      throw new Error(`${base}: Release is not signed (no InRelease, no Release.gpg)`);
    }
    const r = verifySignature(signed, keyring, detached);
    if (!r.ok) throw new Error(`${base}: OpenPGP signature check failed: ${r.detail}`);
    signature = `verified by gpgv with ${keyring}: ${r.detail}`;
    log(`${detached ? 'Release' : 'InRelease'} signature verified with gpgv (${keyring}): ${r.detail}`);
  } else {
    signature = 'not verified';
    if (!warnedUnsigned) {
      warnedUnsigned = true;
      const why =
        keyring === null
          ? 'signature check disabled'
          : !gpgvAvailable()
            ? 'gpgv is not installed'
            : `${keyring} is missing`;
      log(
        `warning: ${why}; the archive index is not signature-checked (packages are still checked against its SHA-256 sums)`,
      );
    }
  }
  const release = parseRelease(text);
  const archs = (release.fields['architectures'] ?? '').split(/\s+/);
  if (release.fields['architectures'] && !archs.includes(ARCH)) {
    throw new Error(
      `suite "${suite}" on ${mirror} has no ${ARCH} packages (Architectures: ${release.fields['architectures']})`,
    );
  }
  return { release, signature };
}

export async function fetchPackages(
  mirror: string,
  suite: string,
  release: Release,
  progress: boolean,
): Promise<PackageIndex> {
  const candidates = ['xz', 'gz']
    .map((ext) => `main/binary-${ARCH}/Packages.${ext}`)
    .filter((p) => release.sha256.has(p));
  const path = candidates[0];
  if (!path) throw new Error(`Release of "${suite}" lists no main/binary-${ARCH}/Packages.xz or .gz`);
  const data = await fetchBytes(`${mirror}/dists/${suite}/${path}`, {
    progress,
    label: `Packages (${suite}/main/${ARCH})`,
  });
  verifyIndexFile(release, path, data);
  const text = (await decompress(data, compressionOfName(path))).toString('utf8');
  return parsePackages(text);
}

export function record(s: Stanza): PackageRecord {
  return {
    name: s['package']!,
    version: s['version']!,
    filename: s['filename']!,
    sha256: s['sha256']!.toLowerCase(),
    size: Number(s['size']),
  };
}

export async function obtainDeb(
  mirror: string,
  pkg: PackageRecord,
  downloads: string,
  progress: boolean,
  log: (l: string) => void,
): Promise<Buffer> {
  const dest = join(downloads, basename(pkg.filename));
  if (await fileMatches(dest, pkg.sha256, pkg.size)) {
    log(`${pkg.name} ${pkg.version}: already downloaded`);
  } else {
    log(`downloading ${pkg.name} ${pkg.version} (${formatBytes(pkg.size)})`);
    await downloadVerified(
      `${mirror}/${pkg.filename}`,
      dest,
      { sha256: pkg.sha256, size: pkg.size },
      { progress, label: pkg.name },
    );
  }
  return readFileSync(dest);
}

// Modules the initramfs loads (when the kernel has them as modules): the virtio-mmio transport,
// the drivers (plus all of drivers/virtio/), and ext4 for a root disk. Their dependencies are found from each module's .modinfo.
// 9p and 9pnet_virtio mount typevisor's --share directories.
// evdev gives input devices (the virtio-input power button) their /dev/input/event* nodes, which /init and systemd-logind read.
const VIRTIO_ROOTS = [
  'virtio_mmio',
  'virtio_blk',
  'virtio_net',
  'virtio_rng',
  'virtio_console',
  'ext4',
  'evdev',
  // Shared folders: the 9p file system over the virtio transport.
  '9pnet_virtio',
  '9p',
];

const MODULE_PATH =
  /^(?:usr\/)?lib\/modules\/([^/]+)\/((?:kernel|updates|extra)\/.+\.ko(?:\.xz|\.zst|\.gz)?|modules\.dep)$/;

interface KernelParts {
  version: string;
  image: Buffer;
  packaging: string;
  config: Map<string, string>;
  modules: { name: string; path: string; data: Buffer }[];
  modulesDep: string;
}

async function unpackKernel(deb: Buffer, log: (l: string) => void): Promise<KernelParts> {
  const entries = await extractDebData(deb, (p) => /^boot\/(vmlinu[xz]|Image|config)-/.test(p) || MODULE_PATH.test(p));
  const vmlinux = entries.find((e) => /^boot\/(vmlinu[xz]|Image)-/.test(e.path) && e.data);
  if (!vmlinux?.data) throw new Error('the kernel package has no /boot/vmlinux-* file');
  const version = vmlinux.path.replace(/^boot\/[^-]+-/, '');
  const { image, packaging } = await kernelImageFrom(vmlinux.data);
  const configEntry = entries.find((e) => e.path === `boot/config-${version}`);
  const config = parseKernelConfig(configEntry?.data?.toString('utf8') ?? '');
  if (!configEntry) log('warning: the kernel package has no /boot/config file');

  const files = new Map<string, DebEntry>();
  let depText: string | undefined;
  for (const e of entries) {
    const m = MODULE_PATH.exec(e.path);
    if (!m || m[1] !== version || !e.data) continue;
    if (m[2] === 'modules.dep') depText = e.data.toString('utf8');
    else files.set(moduleName(m[2]!), e);
  }
  const plain = new Map<string, Buffer>();
  const contents = async (name: string): Promise<Buffer> => {
    let data = plain.get(name);
    if (!data) {
      const e = files.get(name)!;
      // busybox insmod cannot read compressed modules.
      data = await decompress(e.data!, compressionOfName(e.path));
      plain.set(name, data);
    }
    return data;
  };
  // .modinfo is read on demand; decompress what the dependency walk may touch before walking synchronously.
  const infos = new Map<string, ModInfo>();
  const available = new Map<string, AvailableModule>();
  for (const [name, e] of files) {
    const rel = MODULE_PATH.exec(e.path)![2]!.replace(/\.(xz|zst|gz)$/, '');
    available.set(name, { path: rel, info: () => infos.get(name) ?? { depends: [], softPre: [], aliases: [] } });
  }
  // The transport first, so that each driver finds its devices as it loads.
  const roots = [
    ...VIRTIO_ROOTS,
    ...[...available.values()]
      .filter((m) => m.path.startsWith('kernel/drivers/virtio/'))
      .map((m) => moduleName(m.path)),
  ];
  // Walk until no new module is reached: each pass reads the .modinfo of newly reached modules.
  const deps = depText ? parseModulesDep(depText) : undefined;
  let order: string[] = [];
  for (;;) {
    order = loadOrder(available, roots, deps);
    const unread = order.filter((n) => !infos.has(n));
    if (unread.length === 0) break;
    for (const n of unread) infos.set(n, readModinfo(await contents(n)));
  }
  const modules = [];
  for (const name of order) modules.push({ name, path: available.get(name)!.path, data: await contents(name) });
  return { version, image, packaging, config, modules, modulesDep: formatModulesDep(available, order) };
}

/** /etc/os-release of the initramfs: what the guest agent's guest-get-osinfo reports. */
function osRelease(suite: string, agentPkgs: PackageRecord[]): string {
  const libc = agentPkgs.find((p) => p.name === 'libc6')?.version ?? 'unknown';
  return [
    `PRETTY_NAME="Debian GNU/Linux ${suite} (typevisor initramfs)"`,
    'NAME="Debian GNU/Linux"',
    `VERSION="${suite} (busybox initramfs, libc6 ${libc})"`,
    `VERSION_CODENAME=${suite}`,
    'ID=debian',
    '',
  ].join('\n');
}

/** The text /init prints before the shell. */
export function initramfsBanner(suite: string, kernelVersion: string, busyboxVersion: string): string {
  return `typevisor: Debian ${suite} ${ARCH}, kernel ${kernelVersion}, busybox ${busyboxVersion}. Exit the shell to power off.`;
}

/** Downloads (when needed) and builds the Debian riscv64 guest: kernel Image + busybox initramfs. */
export async function pullDebian(opts: PullOptions = {}): Promise<PulledImage> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return withPullLock(imageDir(opts), async () => ensureRootSupport(await pullKernelAndInitrd(opts), log));
}

/** Initramfs images from before root= support get a new /init appended (and the manifest its new checksum). */
async function ensureRootSupport(image: PulledImage, log: (l: string) => void): Promise<PulledImage> {
  const initrd = readFileSync(image.initrd);
  if (initrdHasRootSupport(initrd)) return image;
  const m = readManifest(image.dir);
  if (!m) return image;
  log('initramfs: adding root= support to the cached image');
  const upgraded = upgradeInitrd(initrd, initramfsBanner(m.suite, m.kernelVersion, m.packages.busybox.version));
  rmSync(join(image.dir, MANIFEST), { force: true });
  writeFileAtomic(image.initrd, upgraded);
  const manifest: ImageManifest = {
    ...m,
    files: { ...m.files, initrd: { sha256: sha256Hex(upgraded), size: upgraded.length } },
  };
  writeFileAtomic(join(image.dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return image;
}

async function pullKernelAndInitrd(opts: PullOptions): Promise<PulledImage> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = opts.progress ?? Boolean(process.stderr.isTTY);
  const suite = opts.suite ?? DEFAULT_SUITE;
  if (!/^[a-z][a-z0-9.-]*$/.test(suite)) throw new Error(`invalid suite name "${suite}"`);
  const name = debianImageName(suite);
  const dir = imageDir({ ...opts, suite });

  const valid = await validImage(dir);
  const cached = valid && initramfsCurrent(valid) ? valid : null;
  if (cached && !opts.update) {
    log(`${name} is already in the cache (kernel ${cached.kernelVersion}, ${dir}); nothing to do`);
    return describe(dir, cached);
  }
  if (valid && !cached)
    log(
      `${name}: the initramfs was built by an older recipe (${valid.initramfs ?? 1}, now ${INITRAMFS_VERSION}); rebuilding`,
    );
  else if (!cached && readManifest(dir)) log(`${name}: cached files do not match the manifest; rebuilding`);

  const mirror = findMirror({ mirror: opts.mirror, env: opts.env, aptDir: opts.aptDir });
  log(`mirror ${mirror.url} (from ${mirror.from}), suite ${suite}, ${ARCH}`);
  const keyring = opts.keyring === undefined ? DEBIAN_KEYRING : opts.keyring;
  const { release, signature } = await fetchRelease(mirror.url, suite, keyring, log, progress);
  const index = await fetchPackages(mirror.url, suite, release, progress);
  const kernelPkg = record(resolveKernelPackage(index, `linux-image-${ARCH}`));
  const busyboxPkg = record(requirePackage(index, 'busybox-static'));
  log(`kernel package ${kernelPkg.name} ${kernelPkg.version}; busybox-static ${busyboxPkg.version}`);

  if (
    cached &&
    cached.packages.kernel.sha256 === kernelPkg.sha256 &&
    cached.packages.busybox.sha256 === busyboxPkg.sha256
  ) {
    log(`${name} is up to date (kernel ${cached.kernelVersion}); nothing to do`);
    return describe(dir, cached);
  }

  mkdirSync(dir, { recursive: true });
  const downloads = join(dir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const kernelDeb = await obtainDeb(mirror.url, kernelPkg, downloads, progress, log);
  const busyboxDeb = await obtainDeb(mirror.url, busyboxPkg, downloads, progress, log);
  // The guest agent and the shared libraries it needs, from Debian's packages (docs/guest-tools.md).
  const agentPkgs = index.has(AGENT_PACKAGE) ? agentPackages(index).map(record) : [];
  if (!agentPkgs.length) log(`warning: the archive has no ${AGENT_PACKAGE}: the image will have no guest agent`);
  const agentEntries: DebEntry[] = [];
  for (const p of agentPkgs)
    agentEntries.push(...(await extractDebData(await obtainDeb(mirror.url, p, downloads, progress, log), isAgentPath)));
  const agent = agentPkgs.length ? agentFiles(agentEntries) : [];

  log('unpacking the kernel package');
  const kernel = await unpackKernel(kernelDeb, log);
  const virtio = virtioSupport(kernel.config);
  log(`kernel ${kernel.version}: ${kernel.packaging}, ${formatBytes(kernel.image.length)}`);
  log(`virtio built in: ${virtio.builtin.join(' ') || '(none)'}`);
  log(`virtio as modules: ${virtio.modules.join(' ') || '(none)'}`);

  const bbEntries = await extractDebData(busyboxDeb, (p) => /^(usr\/)?s?bin\/busybox$/.test(p));
  const busybox = bbEntries.find((e) => e.data)?.data;
  if (!busybox) throw new Error('busybox-static package has no bin/busybox');
  let applets = appletNames(busybox);
  if (!applets) {
    log('warning: could not read the applet list from busybox; linking a fixed list of common applets');
    applets = FALLBACK_APPLETS;
  }
  const initrd = buildInitramfs({
    busybox,
    applets,
    kernelVersion: kernel.version,
    modules: kernel.modules.map((m) => ({ path: m.path, data: m.data })),
    modulesDep: kernel.modulesDep,
    banner: initramfsBanner(suite, kernel.version, busyboxPkg.version),
    agent,
    osRelease: osRelease(suite, agentPkgs),
  });
  log(
    `initramfs: busybox with ${applets.length} applets, ${kernel.modules.length} modules (${kernel.modules.map((m) => m.name).join(' ')}), ${agent.length ? `qemu-guest-agent with ${agent.length - 1} library files, ` : ''}${formatBytes(initrd.length)}`,
  );

  // The manifest goes last and is removed first: without it the directory never looks complete.
  rmSync(join(dir, MANIFEST), { force: true });
  writeFileAtomic(join(dir, KERNEL_FILE), kernel.image);
  writeFileAtomic(join(dir, INITRD_FILE), initrd);
  const manifest: ImageManifest = {
    format: 1,
    name,
    distribution: 'debian',
    suite,
    architecture: ARCH,
    mirror: mirror.url,
    kernelVersion: kernel.version,
    kernelPackaging: kernel.packaging,
    cmdline: DEFAULT_CMDLINE,
    initramfs: INITRAMFS_VERSION,
    packages: { kernel: kernelPkg, busybox: busyboxPkg, ...(agentPkgs.length ? { agent: agentPkgs } : {}) },
    files: {
      kernel: { sha256: sha256Hex(kernel.image), size: kernel.image.length },
      initrd: { sha256: sha256Hex(initrd), size: initrd.length },
    },
    virtio,
    modules: kernel.modules.map((m) => m.name),
    signature,
    created: new Date().toISOString(),
  };
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  if (!opts.keepDownloads) rmSync(downloads, { recursive: true, force: true });
  log(
    `${name} ready in ${dir}: Image ${formatBytes(statSync(join(dir, KERNEL_FILE)).size)}, initrd.img ${formatBytes(initrd.length)}`,
  );
  return describe(dir, manifest);
}
