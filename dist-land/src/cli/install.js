// `create --install debian` and `--cloud-init`: the installer's boot disk (pulled and checked on first use), user-data.
import { readFileSync, statSync } from 'node:fs';
import { UserError } from './errors.js';
/** The disk an install goes to when the command line names none: qcow2 grows as the guest writes. */
export const DEFAULT_INSTALL_DISK = '8G';
/** The installer disk for this preseed file (or the built-in answers alone): its path. */
export async function installerMedium(preseedFile) {
    let preseed;
    if (preseedFile !== undefined) {
        const { MAX_PRESEED_BYTES } = await import('../images/installer.js');
        let size;
        try {
            size = statSync(preseedFile).size;
        }
        catch {
            throw new UserError(`preseed file not found: ${preseedFile}`);
        }
        if (size > MAX_PRESEED_BYTES)
            throw new UserError(`a preseed file has at most 1 MiB: ${preseedFile}`);
        preseed = readFileSync(preseedFile, 'utf8');
    }
    const { findCachedInstaller, pullInstaller } = await import('../images/installer.js');
    const { installerMedium: build } = await import('../images/installer-medium.js');
    const log = (line) => process.stderr.write(`${line}\n`);
    const installer = (await findCachedInstaller()) ?? (await pullInstaller({ log }));
    return build(installer, preseed);
}
/** The user-data file of `--cloud-init`, bounded. */
export function readUserData(file) {
    let size;
    try {
        size = statSync(file).size;
    }
    catch {
        throw new UserError(`cloud-init user-data file not found: ${file}`);
    }
    if (size > 1 << 20)
        throw new UserError(`a cloud-init user-data file has at most 1 MiB: ${file}`);
    return readFileSync(file, 'utf8');
}
//# sourceMappingURL=install.js.map