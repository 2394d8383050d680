// Commands on saved machine state: suspend (save a running VM and end its process; start resumes it), snapshots, clone.
import type { Command } from 'commander';
import { Option } from 'commander';
import { humanSize } from '../manager/admission.js';
import { Manager } from '../manager/client.js';
import { cloneVm } from '../manager/clone.js';
import { createSnapshot, deleteSnapshot, formatTree, readIndex, restoreSnapshot } from '../manager/snapshots.js';
import { run } from './output.js';

const say = (line: string) => process.stderr.write(`typevisor: ${line}\n`);

export function snapshotCommands(program: Command): void {
  program
    .command('suspend')
    .description('save a running VM to its folder and end its process; start resumes it where it was')
    .argument('<name>')
    .action(
      run(async (name: string) => {
        const r = await new Manager().suspend(name);
        say(`${name} suspended (${humanSize(r.bytes)} in ${r.stateFile})`);
      }),
    );

  const snapshot = program.command('snapshot').description("a VM's snapshot tree (docs/snapshots.md)");
  snapshot
    .command('create')
    .description('snapshot the disks (inside each qcow2 disk), and the machine state of a running or paused VM')
    .argument('<name>')
    .argument('<snapshot>')
    .option('--description <text>', 'a note kept with the snapshot')
    .action(
      run(async (name: string, snap: string, o: { description?: string }) => {
        const s = await createSnapshot(new Manager(), name, snap, { description: o.description });
        const paused = s.pausedMs !== undefined ? `; the guest was paused for ${s.pausedMs} ms` : '';
        say(`${name}: snapshot ${s.name} taken (${s.withState ? 'disks and machine state' : 'disks'}${paused})`);
      }),
    );
  snapshot
    .command('list')
    .description('the snapshot tree; "* you are here" marks where the present state hangs')
    .argument('<name>')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(
      run((name: string, o: { format: string }) => {
        const m = new Manager();
        const index = readIndex(m.paths(name));
        if (o.format === 'json') return void process.stdout.write(`${JSON.stringify(index, null, 2)}\n`);
        if (!index.snapshots.length) return void process.stdout.write(`${name} has no snapshots\n`);
        process.stdout.write(`${formatTree(index).join('\n')}\n`);
      }),
    );
  snapshot
    .command('restore')
    .description('go back to a snapshot: a running VM is powered off, its disks replaced; start resumes the snapshot')
    .argument('<name>')
    .argument('<snapshot>')
    .action(
      run(async (name: string, snap: string) => {
        const r = await restoreSnapshot(new Manager(), name, snap);
        say(`${name}: restored snapshot ${snap}${r.suspended ? ' (suspended there: start resumes it)' : ''}`);
      }),
    );
  snapshot
    .command('delete')
    .description('delete a snapshot (the disk space only it used is freed); its children hang from its parent')
    .argument('<name>')
    .argument('<snapshot>')
    .action(
      run(async (name: string, snap: string) => {
        await deleteSnapshot(new Manager(), name, snap);
        say(`${name}: snapshot ${snap} deleted`);
      }),
    );

  program
    .command('clone')
    .description(
      'a new VM from the disks of NAME (stopped) or of one of its snapshots; new MAC addresses, boots afresh',
    )
    .argument('<name>')
    .argument('<new>')
    .option('--snapshot <snapshot>', "clone the snapshot's disks instead of the VM's present ones")
    .option('--linked', "the clone's disks are overlays on the snapshot's (needs --snapshot; takes no space at first)")
    .action(
      run(async (name: string, target: string, o: { snapshot?: string; linked?: boolean }) => {
        const v = await cloneVm(new Manager(), name, target, o);
        say(
          `${target}: cloned from ${name}${o.snapshot ? ` at snapshot ${o.snapshot}` : ''}${o.linked ? ' (linked)' : ''} in ${v.files.folder}`,
        );
      }),
    );
}
