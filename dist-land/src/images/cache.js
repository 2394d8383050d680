// The image cache: ${XDG_CACHE_HOME:-~/.cache}/typevisor/images/<name>/ with Image, initrd.img and manifest.json.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileMatches } from './download.js';
export const MANIFEST = 'manifest.json';
export const KERNEL_FILE = 'Image';
export const INITRD_FILE = 'initrd.img';
/** ${XDG_CACHE_HOME:-~/.cache}/typevisor/images */
export function defaultImagesRoot(env = process.env) {
    const base = env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'].startsWith('/') ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
    return join(base, 'typevisor', 'images');
}
export function debianImageName(suite) {
    return `debian-${suite}-riscv64`;
}
export function readManifest(dir) {
    const path = join(dir, MANIFEST);
    if (!existsSync(path))
        return null;
    try {
        const m = JSON.parse(readFileSync(path, 'utf8'));
        return m.format === 1 && m.files?.kernel && m.files?.initrd ? m : null;
    }
    catch {
        return null;
    }
}
/** The manifest if the image's files are all present and match it, else null. */
export async function validImage(dir) {
    const m = readManifest(dir);
    if (!m)
        return null;
    const ok = (await fileMatches(join(dir, KERNEL_FILE), m.files.kernel.sha256, m.files.kernel.size)) &&
        (await fileMatches(join(dir, INITRD_FILE), m.files.initrd.sha256, m.files.initrd.size));
    return ok ? m : null;
}
//# sourceMappingURL=cache.js.map