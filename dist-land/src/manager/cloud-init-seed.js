import { ManagerError } from './errors.js';
import { hostnameFor } from '../vmm/builder.js';
export const SEED_DISK = { path: 'cidata.iso', format: 'raw', readonly: true, owned: true, media: 'cdrom' };
/** Writes the seed for VM `name` (its host name in meta-data) at `path`. */
export async function writeSeed(path, name, userData) {
    const { makeNoCloudSeed, seedMetaData, SeedError } = await import('../images/cloud-init.js');
    try {
        makeNoCloudSeed(path, { userData, metaData: seedMetaData(hostnameFor(name) ?? 'localhost') });
    }
    catch (e) {
        if (e instanceof SeedError)
            throw new ManagerError('bad-input', e.message);
        throw e;
    }
}
//# sourceMappingURL=cloud-init-seed.js.map