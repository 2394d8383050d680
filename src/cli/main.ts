// The typevisor command line: subcommands in the style of VBoxManage, virsh and multipass.
import { Command, Option } from 'commander';
import { runCommand } from './run.js';
import { ESCAPE_HELP } from './console.js';
import { UserError } from './errors.js';
import { imgCommand } from './img.js';
import { imageCommands } from './image-commands.js';
import { vmCommands } from './vm-commands.js';
import { snapshotCommands } from './snapshot-commands.js';
import { exportCommands } from './export-commands.js';
import { migrateCommands } from './migrate-commands.js';
import { netCommands } from './net-commands.js';
import { agentCommands } from './agent-commands.js';
import { serveCommand } from '../web/serve-command.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('typevisor')
    .description('A type-2 hypervisor for RISC-V 64 virtual machines, written in TypeScript')
    .version('0.1.0');
  program.showHelpAfterError();
  program.exitOverride();
  let code = 0;

  program
    .command('run')
    .description('boot a VM: the default Debian guest, or a kernel given with --kernel (like QEMU -kernel)')
    .addOption(
      new Option(
        '--image <name>',
        'a named image: debian (the default: a busybox shell) or debian-full (systemd, from the root disk that ' +
          '`image pull debian-full` built; changes go to an overlay beside it)',
      ).choices(['debian', 'debian-full']),
    )
    .option('--kernel <file>', 'Linux RISC-V kernel Image')
    .option(
      '--firmware <u-boot|file>',
      "boot from the disks through a boot loader: u-boot (Debian's, pulled if needed) or a raw S-mode binary",
    )
    .option('--initrd <file>', 'initial ramdisk')
    .option('--append <cmdline>', 'kernel command line')
    .option('-m, --memory <size>', 'guest RAM (512M, 1G, ...)', '1G')
    .option('--cpus <n>', 'number of harts (1-8)', '1')
    .option(
      '--engine <interp|jit>',
      'how guest code runs: translation of hot code to WebAssembly, or the interpreter alone',
      'jit',
    )
    .option(
      '--jit-threshold <n>',
      'interpreted instructions on a guest page before the translator compiles it (tuning; default 3000000 for kernel code, 300000 for user code)',
    )
    .option(
      '--check-jit',
      'run interpreter and translator in lockstep and stop at the first divergence (slow; no disks/NICs)',
    )
    .option('--stats', 'print virtualization statistics on exit (SIGUSR1 prints them while running)')
    .option('--no-reboot', 'exit when the guest resets instead of restarting it')
    .option(
      '--disk <file[,readonly][,format=raw|qcow2]>',
      'attach a disk image (raw or qcow2, backing chains followed) as virtio-blk; state the format: probing is unsafe; repeatable',
      collect,
    )
    .option(
      '--nic <null|listen=SOCKET|connect=SOCKET>',
      'attach a virtio-net card; listen/connect join two VMs through a UNIX socket; repeatable',
      collect,
    )
    .option(
      '--share <HOSTDIR[:TAG][,readonly]>',
      'share a host directory as virtio-9p (the default image mounts it at /mnt/TAG; TAG defaults to its name); repeatable',
      collect,
    )
    .option(
      '--network <name[,ip=ADDR][,mac=MAC]>',
      'attach a virtio-net card to a named network (typevisor net create); repeatable',
      collect,
    )
    .option('--ip <address>', 'pin the address of the --network card (else DHCP gives a stable one)')
    .addOption(new Option('--mirror <url>', 'Debian mirror for pulling the default image').env('TYPEVISOR_MIRROR'))
    .addHelpText('after', `\nConsole keys (on a terminal):\n  ${ESCAPE_HELP.split('\r\n').join('\n  ')}`)
    .action(async (opts) => {
      code = await runCommand(opts);
    });

  imageCommands(program);
  imgCommand(program);
  vmCommands(program);
  snapshotCommands(program);
  exportCommands(program);
  migrateCommands(program);
  netCommands(program);
  agentCommands(program);
  serveCommand(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return 0;
    if (err.code?.startsWith('commander.')) return 2; // a usage error: unknown option, missing argument
    if (e instanceof UserError) {
      process.stderr.write(`typevisor: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`typevisor: ${(e as Error).message ?? e}\n`);
    return 1;
  }
  // Commands that finish with a status of their own (console, autostart) set process.exitCode.
  return code !== 0 ? code : Number(process.exitCode ?? 0);
}
