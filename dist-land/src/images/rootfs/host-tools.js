// Host programs the root-disk build needs (debootstrap, mkfs.ext4), found on PATH and the sbin directories.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
/** Full path of an executable, or null. The sbin directories are searched too: non-root PATHs often lack them. */
export function findTool(name, env = process.env) {
    const dirs = [...(env['PATH'] ?? '').split(':').filter(Boolean), ...EXTRA_DIRS];
    for (const d of dirs) {
        const p = join(d, name);
        try {
            accessSync(p, constants.X_OK);
            return p;
        }
        catch {
            // keep looking
        }
    }
    return null;
}
export class MissingToolError extends Error {
    name = 'MissingToolError';
}
/** The path of the tool, or a one-line error naming the Debian package that provides it. */
export function requireTool(name, debianPackage, env) {
    const p = findTool(name, env);
    if (!p)
        throw new MissingToolError(`${name} is needed to build the Debian root disk but is not installed (apt-get install ${debianPackage})`);
    return p;
}
//# sourceMappingURL=host-tools.js.map