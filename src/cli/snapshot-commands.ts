// Commands on saved machine state: suspend (save a running VM and end its process; start resumes it).
import type { Command } from 'commander';
import { humanSize } from '../manager/admission.js';
import { Manager } from '../manager/client.js';
import { run } from './vm-commands.js';

export function snapshotCommands(program: Command): void {
  program
    .command('suspend')
    .description('save a running VM to its folder and end its process; start resumes it where it was')
    .argument('<name>')
    .action(
      run(async (name: string) => {
        const r = await new Manager().suspend(name);
        process.stderr.write(`typevisor: ${name} suspended (${humanSize(r.bytes)} in ${r.stateFile})\n`);
      }),
    );
}
