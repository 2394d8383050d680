// Debian's riscv64 netboot installer (kernel + initrd from dists/SUITE/main/installer-riscv64), checked through the
// signed Release and the installer's SHA256SUMS, and its preseed file appended to the initrd as an extra cpio.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findMirror } from './apt-sources.js';
import { defaultImagesRoot, MANIFEST } from './cache.js';
import { CpioWriter } from './cpio.js';
import { DEFAULT_SUITE, fetchRelease } from './debian.js';
import { downloadVerified, fetchBytes, fileMatches, writeFileAtomic } from './download.js';
import { sha256Hex, verifyIndexFile } from './release.js';
import { DEBIAN_KEYRING } from './signature.js';
/** The installer's checksum list, relative to dists/SUITE/ (the Release lists it). */
export const INSTALLER_SUMS = 'main/installer-riscv64/current/images/SHA256SUMS';
/** The netboot kernel and initrd, as SHA256SUMS names them. */
const NETBOOT = './netboot/debian-installer/riscv64';
export const INSTALLER_KERNEL = 'linux';
export const INSTALLER_INITRD = 'initrd.gz';
/** Bounds on what the archive may send: the installer's files are tens of MiB. */
const MAX_SUMS_BYTES = 1 << 20;
const MAX_FILE_BYTES = 256 << 20;
/** The package the installed system needs for U-Boot to boot it (see builtinPreseed). */
const BOOT_PACKAGE = 'u-boot-menu';
/** A preseed file is configuration text. */
export const MAX_PRESEED_BYTES = 1 << 20;
function installerDir(opts) {
    return join(opts.cacheDir ?? defaultImagesRoot(opts.env), `debian-installer-${opts.suite ?? DEFAULT_SUITE}-riscv64`);
}
/** The cached installer if its files match its manifest, else null. */
export async function findCachedInstaller(opts = {}) {
    const dir = installerDir(opts);
    try {
        const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
        if (m.format !== 1)
            return null;
        for (const [name, f] of Object.entries(m.files))
            if (!(await fileMatches(join(dir, name), f.sha256, f.size)))
                return null;
        return {
            kernel: join(dir, INSTALLER_KERNEL),
            initrd: join(dir, INSTALLER_INITRD),
            dir,
            suite: m.suite,
            mirror: m.mirror,
        };
    }
    catch {
        return null;
    }
}
/** Parses "SHA256  ./path" lines. */
export function parseSha256Sums(text) {
    const out = new Map();
    for (const line of text.split('\n')) {
        const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line);
        if (m)
            out.set(m[2], m[1].toLowerCase());
    }
    return out;
}
/** Downloads the netboot installer: Release (signature checked) → SHA256SUMS (hash in the Release) → linux, initrd.gz. */
export async function pullInstaller(opts = {}) {
    const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    const cached = await findCachedInstaller(opts);
    if (cached && !opts.update)
        return cached;
    const progress = opts.progress ?? Boolean(process.stderr.isTTY);
    const suite = opts.suite ?? DEFAULT_SUITE;
    const mirror = findMirror({ mirror: opts.mirror, env: opts.env, aptDir: opts.aptDir });
    log(`mirror ${mirror.url} (from ${mirror.from}), suite ${suite}: the riscv64 netboot installer`);
    const keyring = opts.keyring === undefined ? DEBIAN_KEYRING : opts.keyring;
    const { release } = await fetchRelease(mirror.url, suite, keyring, log, progress);
    const listed = release.sha256.get(INSTALLER_SUMS);
    if (!listed)
        throw new Error(`suite "${suite}" on ${mirror.url} has no riscv64 installer (no ${INSTALLER_SUMS})`);
    if (listed.size > MAX_SUMS_BYTES)
        throw new Error(`${INSTALLER_SUMS} is implausibly large (${listed.size} bytes)`);
    const sumsData = await fetchBytes(`${mirror.url}/dists/${suite}/${INSTALLER_SUMS}`, { progress: false });
    verifyIndexFile(release, INSTALLER_SUMS, sumsData);
    const sums = parseSha256Sums(sumsData.toString('utf8'));
    const dir = installerDir(opts);
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, MANIFEST), { force: true });
    const files = {};
    const imagesUrl = `${mirror.url}/dists/${suite}/${INSTALLER_SUMS.replace(/SHA256SUMS$/, '')}`;
    for (const name of [INSTALLER_KERNEL, INSTALLER_INITRD]) {
        const rel = `${NETBOOT}/${name}`;
        const sha256 = sums.get(rel);
        if (!sha256)
            throw new Error(`${INSTALLER_SUMS} does not list ${rel}`);
        const dest = join(dir, name);
        if (!(await fileMatches(dest, sha256))) {
            log(`downloading the installer's ${name}`);
            await downloadVerified(`${imagesUrl}${rel.slice(2)}`, dest, { sha256 }, { progress, label: `installer ${name}` });
        }
        const size = readFileSync(dest).length;
        if (size > MAX_FILE_BYTES)
            throw new Error(`the installer's ${name} is implausibly large (${size} bytes)`);
        files[name] = { sha256, size };
    }
    const manifest = { format: 1, suite, mirror: mirror.url, files };
    writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    log(`Debian installer (${suite}, riscv64 netboot) in ${dir}`);
    return { kernel: join(dir, INSTALLER_KERNEL), initrd: join(dir, INSTALLER_INITRD), dir, suite, mirror: mirror.url };
}
/**
 * The preseed answers typevisor always gives: the mirror the installer was fetched from (the host's), and
 * u-boot-menu in the installed system, so that its extlinux.conf lets U-Boot boot it from the disk (the installer,
 * started without UEFI, installs no boot loader of its own). A user's file comes after and wins.
 */
export function builtinPreseed(mirrorUrl, suite) {
    const u = new URL(mirrorUrl);
    const lines = [
        "# typevisor: the host's Debian mirror, and extlinux.conf (u-boot-menu) for booting from disk through U-Boot",
        'd-i mirror/country string manual',
        `d-i mirror/protocol string ${u.protocol.replace(':', '')}`,
        `d-i mirror/${u.protocol.replace(':', '')}/hostname string ${u.host}`,
        `d-i mirror/${u.protocol.replace(':', '')}/directory string ${u.pathname.replace(/\/$/, '') || '/'}`,
        `d-i mirror/${u.protocol.replace(':', '')}/proxy string`,
        `d-i mirror/suite string ${suite}`,
        `d-i pkgsel/include string ${BOOT_PACKAGE}`,
        // The installer disk is read-only: partition the first writable disk.
        'd-i partman/early_command string for d in /sys/block/vd*; do if [ "$(cat $d/ro)" = 0 ]; then debconf-set partman-auto/disk /dev/${d##*/}; break; fi; done',
        '',
    ];
    return lines.join('\n');
}
/**
 * The built-in answers, then the user's (the installer keeps the last value of a question). A user's own
 * pkgsel/include list gets u-boot-menu added, or it would replace the built-in one and leave the disk unbootable.
 */
export function combinedPreseed(builtin, user) {
    if (user === undefined)
        return builtin;
    const withBootPackage = user.replace(/^(\s*d-i\s+pkgsel\/include\s+string)([^\n]*)$/gm, (line, head, list) => list.split(/[\s,]+/).includes(BOOT_PACKAGE) ? line : `${head}${list.trimEnd()} ${BOOT_PACKAGE}`);
    return `${builtin}\n${withBootPackage}`;
}
/** A newc cpio holding /preseed.cfg, gzip-compressed: appended to the installer's initrd, the kernel unpacks it over it. */
export function preseedArchive(preseed) {
    if (Buffer.byteLength(preseed) > MAX_PRESEED_BYTES)
        throw new Error('a preseed file has at most 1 MiB');
    const cpio = new CpioWriter();
    cpio.addFile('preseed.cfg', Buffer.from(preseed, 'utf8'));
    return gzipSync(cpio.finish());
}
/** The installer's initrd with the preseed archive after it (the kernel reads concatenated archives in turn). */
export function preseededInitrd(initrd, preseed) {
    // Each archive starts on a 4-byte boundary; gzip members are byte streams, so pad between them with zeros.
    const pad = (4 - (initrd.length % 4)) % 4;
    return Buffer.concat([initrd, Buffer.alloc(pad), preseedArchive(preseed)]);
}
/** The SHA-256 that names an installer disk built from these inputs (equal inputs share one disk). */
export function mediumKey(parts) {
    return sha256Hex(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))));
}
//# sourceMappingURL=installer.js.map