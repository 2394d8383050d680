// Clones: a new VM from another's disks (now, or at one of its snapshots), as full copies or as overlays on a snapshot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDisk } from '../disk/open.js';
import { createQcow2 } from '../disk/qcow2/create.js';
import { randomMac, type Manager, type VmDetails } from './client.js';
import type { Definition } from './definition.js';
import { ManagerError } from './errors.js';
import { copySeedFor, SEED_DISK } from './cloud-init-seed.js';
import { copyWhole, find, readIndex, snapshotDir, withQcow2, writeIndex } from './snapshots.js';
import { createFolder, diskPath, existingVm, readDefinition } from './store.js';

/**
 * Copies a qcow2 disk to `dest` as a standalone image without internal snapshots: the source's present state, or
 * with `snapshot` the state of that internal snapshot. The source must not be open for writing.
 */
async function copyQcow2(source: string, dest: string, snapshot?: string): Promise<void> {
  copyWhole(source, dest);
  await withQcow2(dest, async (q) => {
    if (snapshot !== undefined) await q.applySnapshot(snapshot);
    for (const s of await q.listSnapshots()) await q.deleteSnapshot(s.name);
  });
}

/**
 * Makes VM `target` from `source`: a full copy of its disks (a stopped VM's present disks, or a snapshot's state), or
 * with `linked` qcow2 overlays on images of the snapshot's disks kept in the snapshot's folder (made once, then never
 * changed). The clone gets new MAC addresses, its own name (its guest host name), no snapshots and no machine
 * state: it boots afresh. Read-only disks attached from elsewhere are shared, not copied.
 */
export async function cloneVm(
  m: Manager,
  source: string,
  target: string,
  o: { snapshot?: string; linked?: boolean } = {},
): Promise<VmDetails> {
  const from = existingVm(m.home, source);
  const def = readDefinition(from);
  if (o.linked && o.snapshot === undefined)
    throw new ManagerError(
      'bad-input',
      "--linked needs --snapshot: a linked clone's disks are overlays on a snapshot's",
    );
  const snap = o.snapshot !== undefined ? find(readIndex(from), source, o.snapshot) : undefined;
  const inSnapshot = (d: Definition['disks'][number]) => snap !== undefined && snap.disks.includes(d.path);
  const shared = (d: Definition['disks'][number]) => d.readonly && !d.owned;
  const base = (i: number) => join(snapshotDir(from, o.snapshot!), `disk${i}.qcow2`);
  const needsSource = def.disks.some((d, i) => !shared(d) && !(o.linked && inSnapshot(d) && existsSync(base(i))));
  const v = m.list().find((x) => x.name === source);
  if (needsSource && v?.pid !== undefined)
    throw new ManagerError(
      'wrong-state',
      `cannot clone ${source} while it is ${v.state}: its disks (and the snapshots inside them) are open in its process; suspend or stop it first`,
    );
  if (snap)
    for (const entry of snap.disks)
      if (!def.disks.some((d) => d.path === entry))
        throw new ManagerError(
          'wrong-state',
          `snapshot "${o.snapshot}" has a disk ${entry} that ${source} no longer has`,
        );
  const linkedDisk = (d: Definition['disks'][number]) => o.linked === true && inSnapshot(d);
  const clone: Definition = {
    ...def,
    name: target,
    disks: def.disks.map((d, i) =>
      shared(d)
        ? d
        : {
            ...d,
            path: d.path === 'cidata.iso' ? d.path : `disk${i}.${linkedDisk(d) ? 'qcow2' : d.format}`,
            format: linkedDisk(d) ? 'qcow2' : d.format,
            owned: true,
          },
    ),
    nics: def.nics.map((n) => ({ ...n, mac: randomMac() })),
    autostart: false,
    createdAt: new Date().toISOString(),
  };
  await createFolder(m.home, clone, async (paths) => {
    for (const [i, d] of def.disks.entries()) {
      if (shared(d)) continue;
      const src = diskPath(from, d);
      const dest = diskPath(paths, clone.disks[i]);
      if (linkedDisk(d)) {
        if (!existsSync(base(i))) await copyQcow2(src, base(i), o.snapshot);
        const b = await openDisk(base(i), { readOnly: true, format: 'qcow2' });
        const size = b.size;
        await b.close();
        await createQcow2(dest, size, { backingFile: base(i), backingFormat: 'qcow2' });
      } else if (d.path === SEED_DISK.path) {
        // The same settings under a new instance id and the clone's host name: cloud-init then runs its first-boot
        // modules again (new SSH host keys, the new name) instead of taking the clone for its source.
        await copySeedFor(src, dest, target);
      } else if (d.format === 'qcow2' && !d.readonly) {
        await copyQcow2(src, dest, inSnapshot(d) ? o.snapshot : undefined);
      } else {
        copyWhole(src, dest);
      }
    }
    return clone;
  });
  if (o.linked) {
    const index = readIndex(from);
    const s = find(index, source, o.snapshot!);
    s.clones = [...(s.clones ?? []), target];
    await writeIndex(from, index);
  }
  return m.get(target);
}
