// The web console's bundle (built by esbuild into dist/ui/): read once at start-up and served from memory by name.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** Where `npm run build` puts the bundle: dist/ui, two folders above this file's compiled form (dist/src/web). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));
const TYPES = {
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
};
/** Bundles are a few hundred KiB; a bigger file in the folder is not ours. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** The bundle's files by name (flat: no folders), or an empty map when the bundle was not built. */
export function loadUiAssets(dir = DEFAULT_UI_DIR) {
    const assets = new Map();
    let names;
    try {
        names = readdirSync(dir);
    }
    catch {
        return assets;
    }
    for (const name of names) {
        const type = TYPES[extname(name)];
        if (!type || !/^[A-Za-z0-9._-]+$/.test(name))
            continue;
        const body = readFileSync(join(dir, name));
        if (body.length <= MAX_FILE_BYTES)
            assets.set(name, { type, body });
    }
    return assets;
}
//# sourceMappingURL=ui-assets.js.map