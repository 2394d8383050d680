// Live migration commands: receive (listen for a VM, with a token) and migrate (send a running VM there).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Manager, ManagerError } from '../manager/client.js';
import { controlRequest, NotServing } from '../manager/control-client.js';
import { observeState } from '../manager/runtime-state.js';
import { existingVm } from '../manager/store.js';
import { receiveVm } from '../migrate/listen.js';
import type { MigrationReport } from '../migrate/source.js';
import { MigrationError, newToken, parseTcpAddress } from '../migrate/wire.js';
import { UserError } from './errors.js';
import { run } from './output.js';

const say = (line: string) => process.stderr.write(`typevisor: ${line}\n`);
/** A migration of a large guest over a slow link may take long; a silent peer is caught by the VM process itself. */
const MIGRATE_REPLY_TIMEOUT_MS = 6 * 60 * 60 * 1000;

function address(text: string): string {
  try {
    parseTcpAddress(text);
  } catch (e) {
    throw new UserError((e as MigrationError).message);
  }
  return text;
}

export function migrateCommands(program: Command): void {
  program
    .command('receive')
    .description('wait for a VM migrated live from another typevisor; prints the token the sender needs')
    .argument('[name]', "the VM's name here (default: its name on the source)")
    .option('--listen <tcp:HOST:PORT>', 'where to listen (port 0: any free port)', 'tcp:127.0.0.1:7420')
    .action(
      run(async (name: string | undefined, o: { listen: string }) => {
        const token = newToken();
        const r = await receiveVm(new Manager(), {
          name,
          listen: address(o.listen),
          token,
          onListening: (addr) => process.stdout.write(`listening on ${addr}\ntoken ${token}\n`),
          log: say,
        });
        say(`${r.name} arrived and is ${r.state}`);
      }),
    );

  program
    .command('migrate')
    .description('move a running VM live to a `typevisor receive` (pre-copy of RAM, then a short stop)')
    .argument('<name>')
    .argument('<target>', 'the receiver: tcp:HOST:PORT')
    .requiredOption('--token <token>', 'the token the receiver printed')
    .action(
      run(async (name: string, target: string, o: { token: string }) => {
        const paths = existingVm(new Manager().home, name);
        const obs = observeState(paths);
        if (obs.pid === undefined || !existsSync(paths.controlSocket))
          throw new ManagerError('wrong-state', `${name} is ${obs.state}: migrate needs it running or paused`);
        let r: MigrationReport;
        try {
          r = (await controlRequest(
            paths.controlSocket,
            { action: 'migrate', target: address(target), token: o.token },
            MIGRATE_REPLY_TIMEOUT_MS,
          )) as MigrationReport;
        } catch (e) {
          if (e instanceof NotServing) throw new ManagerError('failed', `${name}'s process ended during the migration`);
          throw e;
        }
        const mib = (r.bytesSent / 1048576).toFixed(1);
        process.stdout.write(
          `${name} migrated to ${r.target}: downtime ${r.downtimeMs} ms, total ${r.totalMs} ms, ` +
            `${r.rounds} pre-copy rounds, ${r.pagesSent} pages (${mib} MiB sent), ${r.finalPages} pages while stopped\n`,
        );
      }),
    );
}
