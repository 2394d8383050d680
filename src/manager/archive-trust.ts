// What an imported archive may bring: its own files only. A definition naming host files (shares, kernel, initrd,
// boot loader, sockets) or a disk naming a backing file would hand the guest whatever the archive's author chose.
import { join } from 'node:path';
import { ImageFile } from '../disk/file.js';
import { readQcow2Header } from '../disk/qcow2/header.js';
import type { Definition } from './definition.js';
import { ManagerError } from './errors.js';

/** Archive members for boot files given by path: they travel with the VM and land in its folder. */
export const BOOT_MEMBERS = ['boot/kernel', 'boot/initrd', 'boot/firmware'] as const;
/** A kernel, an initrd or a boot loader: large initramfs images are a few hundred MiB at most. */
export const MAX_BOOT_FILE_BYTES = 1024 * 1024 * 1024;

/** Member name → host path of each boot file a definition names (the cached images and U-Boot are not files). */
export function bootSources(def: Definition): Map<string, string> {
  const b = def.boot;
  const out = new Map<string, string>();
  if (b.kernel !== undefined) out.set('boot/kernel', b.kernel);
  if (b.initrd !== undefined) out.set('boot/initrd', b.initrd);
  if (b.firmware !== undefined && b.firmware !== 'u-boot') out.set('boot/firmware', b.firmware);
  return out;
}

/**
 * The definition an archive's VM gets here, in folder `dir`: boot files point at the archive's own copies (one
 * named but not carried is refused: it would load a host file of the author's choosing into guest RAM); shares are
 * left out (a share path is a grant to a host directory); socket NICs become NICs with no link (same MAC, same
 * device: a suspended guest still resumes).
 */
export function definitionForImport(
  def: Definition,
  archive: string,
  members: ReadonlySet<string>,
  dir: string,
): { def: Definition; leftOut: string[] } {
  const boot = { ...def.boot };
  for (const [member, path] of bootSources(def)) {
    if (!members.has(member))
      throw new ManagerError(
        'bad-input',
        `${archive}: its VM boots from ${path}, a host file the archive does not carry`,
      );
    const key = member === 'boot/kernel' ? 'kernel' : member === 'boot/initrd' ? 'initrd' : 'firmware';
    boot[key] = join(dir, member);
  }
  for (const member of BOOT_MEMBERS)
    if (members.has(member) && !bootSources(def).has(member))
      throw new ManagerError('bad-input', `${archive}: ${member} is in the archive but its vm.json does not boot it`);
  const leftOut: string[] = def.shares.map((s) => `share ${s.path} (tag ${s.tag})`);
  const nics = def.nics.map((n) => {
    if (n.mode !== 'listen' && n.mode !== 'connect') return n;
    leftOut.push(`the link of NIC ${n.mac} (${n.mode} ${n.socket})`);
    return { mode: 'null' as const, mac: n.mac };
  });
  return { def: { ...def, boot, shares: [], nics }, leftOut };
}

/** Refuses a qcow2 member that names a backing file: export writes standalone disks only. */
export async function checkStandalone(path: string, member: string, archive: string): Promise<void> {
  // Only the header is read: the backing file it names is never opened.
  const file = await ImageFile.open(path, true);
  let backing: string | null;
  try {
    backing = (await readQcow2Header(file)).backingFile;
  } finally {
    await file.close();
  }
  if (backing !== null)
    throw new ManagerError(
      'bad-input',
      `${archive}: ${member} names a backing file (${JSON.stringify(backing.slice(0, 200))}): an archive's disks stand alone`,
    );
}
