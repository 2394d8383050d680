// Cold migration commands: export a stopped or suspended VM to one archive, import it elsewhere (docs/export.md).
import type { Command } from 'commander';
import { humanSize } from '../manager/admission.js';
import { Manager } from '../manager/client.js';
import { exportVm, importVm } from '../manager/export.js';
import { run } from './output.js';

const say = (line: string) => process.stderr.write(`typevisor: ${line}\n`);

export function exportCommands(program: Command): void {
  program
    .command('export')
    .description('write a stopped or suspended VM (definition, disks with their snapshots, saved state) to one archive')
    .argument('<name>')
    .argument('<file>')
    .action(
      run(async (name: string, file: string) => {
        const r = await exportVm(new Manager(), name, file);
        say(`${name} exported to ${file} (${r.files} files, ${humanSize(r.bytes)})`);
      }),
    );
  program
    .command('import')
    .description(
      'make a VM from an archive of export: the same machine (its MAC addresses kept); start resumes a suspended one',
    )
    .argument('<file>')
    .option('--name <name>', "the VM's name here (default: its name in the archive)")
    .action(
      run(async (file: string, o: { name?: string }) => {
        const r = await importVm(new Manager(), file, o);
        say(`${r.name} imported from ${file}`);
        for (const l of r.leftOut) say(`left out ${l}: host paths do not travel in an archive`);
      }),
    );
}
