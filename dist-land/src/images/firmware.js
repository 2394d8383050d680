// `typevisor image pull u-boot`: Debian's U-Boot for QEMU's virt board in S-mode, the boot loader that boots a VM from its disk.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findMirror } from './apt-sources.js';
import { defaultImagesRoot } from './cache.js';
import { extractDebData } from './deb.js';
import { DEFAULT_SUITE, fetchPackages, fetchRelease, obtainDeb, record } from './debian.js';
import { sha256Hex } from './release.js';
import { requirePackage } from './packages-index.js';
import { writeFileAtomic } from './download.js';
import { DEBIAN_KEYRING } from './signature.js';
/** The package and the build in it: U-Boot for qemu-riscv64 entered in S-mode, after an SBI firmware (here: us). */
const PACKAGE = 'u-boot-qemu';
const BUILD_PATH = 'usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
export const UBOOT_FILE = 'u-boot.bin';
const MANIFEST = 'manifest.json';
/** A boot loader is small: anything larger is not the file we want (and is not read whole). */
const MAX_UBOOT_BYTES = 16 << 20;
function firmwareDir(opts) {
    return join(opts.cacheDir ?? defaultImagesRoot(opts.env), `u-boot-${opts.suite ?? DEFAULT_SUITE}-riscv64`);
}
/** The cached U-Boot if its file matches its manifest, else null. */
export function findCachedUboot(opts = {}) {
    const dir = firmwareDir(opts);
    const path = join(dir, UBOOT_FILE);
    try {
        const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
        if (m.format !== 1 || !existsSync(path))
            return null;
        const data = readFileSync(path);
        if (data.length !== m.file.size || sha256Hex(data) !== m.file.sha256)
            return null;
        return { path, version: m.package.version };
    }
    catch {
        return null;
    }
}
/** Downloads Debian's u-boot-qemu (checked against the signed archive index) and keeps its S-mode riscv64 build. */
export async function pullUboot(opts = {}) {
    const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    const cached = findCachedUboot(opts);
    if (cached && !opts.update)
        return cached;
    const progress = opts.progress ?? Boolean(process.stderr.isTTY);
    const suite = opts.suite ?? DEFAULT_SUITE;
    const mirror = findMirror({ mirror: opts.mirror, env: opts.env, aptDir: opts.aptDir });
    log(`mirror ${mirror.url} (from ${mirror.from}), suite ${suite}: ${PACKAGE}`);
    const keyring = opts.keyring === undefined ? DEBIAN_KEYRING : opts.keyring;
    const { release } = await fetchRelease(mirror.url, suite, keyring, log, progress);
    const pkg = record(requirePackage(await fetchPackages(mirror.url, suite, release, progress), PACKAGE));
    if (cached && cached.version === pkg.version)
        return cached;
    const dir = firmwareDir(opts);
    const downloads = join(dir, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const deb = await obtainDeb(mirror.url, pkg, downloads, progress, log);
    const entry = (await extractDebData(deb, (p) => p === BUILD_PATH)).find((e) => e.data);
    if (!entry?.data)
        throw new Error(`${PACKAGE} ${pkg.version} has no ${BUILD_PATH}`);
    if (entry.data.length > MAX_UBOOT_BYTES)
        throw new Error(`${PACKAGE}: ${BUILD_PATH} is implausibly large`);
    rmSync(join(dir, MANIFEST), { force: true });
    writeFileAtomic(join(dir, UBOOT_FILE), entry.data);
    const manifest = {
        format: 1,
        package: pkg,
        suite,
        file: { sha256: sha256Hex(entry.data), size: entry.data.length },
    };
    writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    if (!opts.keepDownloads)
        rmSync(downloads, { recursive: true, force: true });
    log(`U-Boot ${pkg.version} (S-mode, qemu-riscv64) in ${dir}`);
    return { path: join(dir, UBOOT_FILE), version: pkg.version };
}
//# sourceMappingURL=firmware.js.map