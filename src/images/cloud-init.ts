// A cloud-init NoCloud seed: an ISO 9660 volume labelled "cidata" holding user-data and meta-data (made by genisoimage).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { findTool } from './rootfs/host-tools.js';

/** user-data is configuration, not a payload: cloud-init's own limit for a seed file is of this order. */
export const MAX_USER_DATA_BYTES = 1 << 20;
/** The volume label cloud-init's NoCloud source looks for. */
export const SEED_LABEL = 'cidata';

export class SeedError extends Error {
  override name = 'SeedError';
}

/** meta-data for a VM: a fresh instance id (cloud-init runs its first-boot modules once per id) and the host name. */
export function seedMetaData(hostname: string): string {
  return `instance-id: ${hostname}-${randomBytes(4).toString('hex')}\nlocal-hostname: ${hostname}\n`;
}

/** Writes the seed volume at `dest`. */
export function makeNoCloudSeed(dest: string, o: { userData: string; metaData: string }): void {
  if (Buffer.byteLength(o.userData) > MAX_USER_DATA_BYTES) throw new SeedError('user-data has at most 1 MiB');
  const tool = findTool('genisoimage', process.env);
  if (!tool)
    throw new SeedError(
      'genisoimage is needed to make the cloud-init seed but is not installed (apt-get install genisoimage)',
    );
  const work = mkdtempSync(join(tmpdir(), 'typevisor-seed-'));
  try {
    writeFileSync(join(work, 'user-data'), o.userData);
    writeFileSync(join(work, 'meta-data'), o.metaData);
    // Joliet and Rock Ridge keep the lower-case names with their "-", which cloud-init reads.
    const r = spawnSync(
      tool,
      [
        '-quiet',
        '-output',
        dest,
        '-volid',
        SEED_LABEL,
        '-joliet',
        '-rock',
        join(work, 'user-data'),
        join(work, 'meta-data'),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new SeedError(`genisoimage failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The user-data of a seed volume, read back with isoinfo (genisoimage's package) through its Rock Ridge names: a clone
 * gets a seed of its own with the same settings and a new instance id.
 */
export function readSeedUserData(iso: string): string {
  const tool = findTool('isoinfo', process.env);
  if (!tool)
    throw new SeedError(
      'isoinfo is needed to read the cloud-init seed but is not installed (apt-get install genisoimage)',
    );
  const r = spawnSync(tool, ['-R', '-i', iso, '-x', '/user-data'], {
    encoding: 'utf8',
    maxBuffer: MAX_USER_DATA_BYTES + 1,
  });
  if (r.error) throw new SeedError(`cannot read ${iso}: ${r.error.message}`);
  if (r.status !== 0) throw new SeedError(`isoinfo failed on ${iso} (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}
