// The VM process's part in live migrations: the `migrate` control action, and arriving as a migrated VM.
import type { Definition } from '../manager/definition.js';
import type { VmPaths } from '../manager/paths.js';
import { diskPath, readDefinition } from '../manager/store.js';
import { suspendedStatePath } from '../manager/suspend.js';
import { VmError, type Vm } from '../vmm/vm.js';
import { MIGRATION_ENV, receiveIncoming, type Arrival } from './incoming.js';
import { migrateOut, type MigrationReport } from './source.js';

let migrating = false;

/**
 * The definition the receiver creates its VM from: the same machine, with every disk by its absolute path (disks stay
 * where they are: both sides must see the path) and owned by neither folder's deletion. A disk inside the VM's folder
 * would be deleted with the source's definition, so such a VM is refused with a way out.
 */
export function migrationDefinition(paths: VmPaths, def: Definition): Definition {
  return {
    ...def,
    autostart: false,
    disks: def.disks.map((d) => {
      if (d.owned)
        throw new VmError(
          'failed',
          `migrate: the disk ${d.path} lives in the VM's folder; live migration uses disks on a path both sides see: move it out of ${paths.dir} and attach it with \`edit\`/--disk, or use export/import`,
        );
      return { ...d, path: diskPath(paths, d) };
    }),
  };
}

/** The `migrate` action: one at a time; the reply is the migration's figures (the VM process then ends). */
export async function migrateAction(
  vm: Vm,
  paths: VmPaths,
  a: { target: string; token: string },
  log: (line: string) => void,
): Promise<MigrationReport> {
  if (vm.state !== 'running' && vm.state !== 'paused')
    throw new VmError(
      'wrong-state',
      `cannot migrate a VM that is ${vm.state} (migrate needs a VM that is running, paused)`,
    );
  if (migrating) throw new VmError('wrong-state', 'a migration of this VM is already under way');
  migrating = true;
  try {
    const definition = migrationDefinition(paths, readDefinition(paths));
    const report = await migrateOut(vm, {
      target: a.target,
      token: a.token,
      definition,
      log,
      fallbackStatePath: suspendedStatePath(paths),
    });
    log(
      `migrated to ${report.target}: total ${report.totalMs} ms, downtime ${report.downtimeMs} ms, ${report.rounds} rounds, ${report.pagesSent} pages`,
    );
    return report;
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw new VmError('failed', `migrate: ${(e as Error).message}`);
  } finally {
    migrating = false;
  }
}

/** In a VM process started by `receive`: the machine's arrival, before the VM is built; undefined otherwise. */
export async function arrivalIfIncoming(paths: VmPaths, log: (line: string) => void): Promise<Arrival | undefined> {
  const session = process.env[MIGRATION_ENV];
  if (session === undefined) return undefined;
  delete process.env[MIGRATION_ENV];
  return receiveIncoming(session, readDefinition(paths).memoryMiB * 1024 * 1024, log);
}
