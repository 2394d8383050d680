// Clones: a new VM from another's disks (now, or at one of its snapshots), as full copies or as overlays on a snapshot.
import { join } from 'node:path';
import { openDisk } from '../disk/open.js';
import { createQcow2 } from '../disk/qcow2/create.js';
import { randomMac, type Manager, type VmDetails } from './client.js';
import type { Definition } from './definition.js';
import { ManagerError } from './errors.js';
import { copyWhole, find, readIndex, snapshotDir, writeIndex } from './snapshots.js';
import { createFolder, diskPath, existingVm, readDefinition } from './store.js';

/**
 * Makes VM `target` from `source`: a full copy of its disks (a stopped VM's present disks, or a snapshot's), or with
 * `linked` qcow2 overlays whose backing files are the snapshot's disk copies (which never change). The clone gets
 * new MAC addresses, its own name (its guest host name), no snapshots and no machine state: it boots afresh.
 * Read-only disks attached from elsewhere are shared, not copied.
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
  let sources: string[];
  if (o.snapshot !== undefined) {
    const snap = find(readIndex(from), source, o.snapshot);
    if (snap.disks.length !== def.disks.length)
      throw new ManagerError(
        'wrong-state',
        `snapshot "${o.snapshot}" does not have the disks of ${source}'s definition`,
      );
    sources = snap.disks.map((f) => join(snapshotDir(from, o.snapshot!), f));
  } else {
    const v = m.list().find((x) => x.name === source);
    if (v?.pid !== undefined)
      throw new ManagerError(
        'wrong-state',
        `cannot clone ${source} while it is ${v.state}: stop it, or clone one of its snapshots (--snapshot)`,
      );
    sources = def.disks.map((d) => diskPath(from, d));
  }
  const shared = (d: Definition['disks'][number]) => d.readonly && !d.owned;
  const clone: Definition = {
    ...def,
    name: target,
    disks: def.disks.map((d, i) =>
      shared(d)
        ? d
        : {
            path: `disk${i}.${o.linked ? 'qcow2' : d.format}`,
            format: o.linked ? 'qcow2' : d.format,
            readonly: d.readonly,
            owned: true,
          },
    ),
    nics: def.nics.map((n) => ({ ...n, mac: randomMac() })),
    autostart: false,
    createdAt: new Date().toISOString(),
  };
  await createFolder(m.home, clone, async (paths) => {
    for (const [i, d] of clone.disks.entries()) {
      if (shared(def.disks[i])) continue;
      const dest = diskPath(paths, d);
      if (!o.linked) {
        copyWhole(sources[i], dest);
        continue;
      }
      const base = await openDisk(sources[i], { readOnly: true, format: def.disks[i].format });
      const size = base.size;
      await base.close();
      await createQcow2(dest, size, { backingFile: sources[i], backingFormat: def.disks[i].format });
    }
    return clone;
  });
  if (o.linked) {
    const index = readIndex(from);
    const snap = find(index, source, o.snapshot!);
    snap.clones = [...(snap.clones ?? []), target];
    await writeIndex(from, index);
  }
  return m.get(target);
}
