// A VM's cloud-init seed: the NoCloud volume in its folder, attached read-only after its other disks.
import type { DiskEntry } from './definition.js';
import { ManagerError } from './errors.js';
import { hostnameFor } from '../vmm/builder.js';

export const SEED_DISK: DiskEntry = { path: 'cidata.iso', format: 'raw', readonly: true, owned: true, media: 'cdrom' };

/** Writes the seed for VM `name` (its host name in meta-data) at `path`. */
export async function writeSeed(path: string, name: string, userData: string): Promise<void> {
  const { makeNoCloudSeed, seedMetaData, SeedError } = await import('../images/cloud-init.js');
  try {
    makeNoCloudSeed(path, { userData, metaData: seedMetaData(hostnameFor(name) ?? 'localhost') });
  } catch (e) {
    if (e instanceof SeedError) throw new ManagerError('bad-input', e.message);
    throw e;
  }
}

/** A clone's seed: the source's user-data with the clone's host name and a new instance id. */
export async function copySeedFor(src: string, dest: string, name: string): Promise<void> {
  const { readSeedUserData, SeedError } = await import('../images/cloud-init.js');
  let userData: string;
  try {
    userData = readSeedUserData(src);
  } catch (e) {
    if (e instanceof SeedError) throw new ManagerError('failed', e.message);
    throw e;
  }
  await writeSeed(dest, name, userData);
}
