// The VM manager's commands: create, list, info, start, console, logs, stop, kill, pause, resume, reset, edit, delete.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { humanSize } from '../manager/admission.js';
import { formatStats, type VmStats } from '../vmm/stats.js';
import { autostartLine, Manager, type CreateOptions, type VmSummary } from '../manager/client.js';
import { parseDiskSpec, parseNicSpec } from './devices.js';
import { parseShareSpec } from '../share/spec.js';
import { UserError } from './errors.js';
import { networkSpecs } from './net-commands.js';
import { parseSize } from './size.js';
import { attachConsole, CONSOLE_ESCAPE_HELP } from './vm-console.js';
import { DEFAULT_INSTALL_DISK, installerMedium, readUserData } from './install.js';
import { guestInfoJson, guestInfoLines } from './agent-commands.js';
import { formatOption, printFields, printJson, run, table } from './output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function size(text: string, what: string): number {
  try {
    return parseSize(text, what);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

function wholeNumber(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function seconds(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`${what} must be a number of seconds, got "${text}"`);
  return Math.round(n * 1000);
}

function stateText(v: VmSummary): string {
  return v.error ? `${v.state} (bad definition)` : v.suspended ? 'suspended' : v.state;
}

function printLog(path: string, from = 0): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = from;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return pos;
      process.stdout.write(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

export function vmCommands(program: Command): void {
  const mgr = () => new Manager();
  // The codes of `run` stay as they were set; these commands report through UserError's.
  program
    .command('create')
    .description('define a new VM (its folder, definition and any new disks) without starting it')
    .argument('<name>', 'letters, digits, "-" and "_"')
    .option('-m, --memory <size>', 'guest RAM (512M, 1G, ...)', '1G')
    .option('--cpus <n>', 'number of harts (1-8)', '1')
    .option('--disk-size <size>', 'create a new qcow2 disk of this size in the VM folder; repeatable', collect)
    .option('--disk <file[,readonly][,format=raw|qcow2]>', 'attach an existing image; repeatable', collect)
    .option('--nic <null|listen=SOCKET|connect=SOCKET>', 'a virtio-net card (,mac=xx:.. optional); repeatable', collect)
    .option('--share <HOSTDIR[:TAG][,readonly]>', 'share a host directory (mounted at /mnt/TAG); repeatable', collect)
    .option(
      '--network <name[,ip=ADDR][,mac=MAC]>',
      'a virtio-net card on a named network (typevisor net); repeatable',
      collect,
    )
    .option('--ip <address>', 'pin the address of the --network card (else DHCP gives a stable one)')
    .addOption(
      new Option(
        '--image <name>',
        'boot a named image: debian (the default: a busybox shell) or debian-full (systemd on a root disk: an overlay ' +
          'in the VM folder on the image `image pull debian-full` built)',
      ).choices(['debian', 'debian-full']),
    )
    .option('--kernel <file>', 'boot this Linux RISC-V Image instead of an image')
    .option('--initrd <file>', 'initial ramdisk for --kernel')
    .option('--append <cmdline>', 'kernel command line')
    .addOption(
      new Option(
        '--boot <from>',
        'disk or cdrom: boot through a boot loader (U-Boot unless --firmware), the disks or the install media first',
      ).choices(['disk', 'cdrom', 'kernel']),
    )
    .option(
      '--cdrom <file[,format=raw|qcow2]>',
      'attach an install medium (ISO or disk image) read-only; repeatable',
      collect,
    )
    .addOption(
      new Option(
        '--install <os>',
        "install from Debian's netboot installer onto the VM's disk (boots from disk after)",
      ).choices(['debian']),
    )
    .option('--preseed <file>', 'answers for --install debian (a preseed file): an unattended install')
    .option(
      '--cloud-init <user-data>',
      'first-boot settings for cloud images: a NoCloud seed (cidata) with this user-data',
    )
    .option('--firmware <u-boot|file>', 'the boot loader for --boot disk: u-boot (the default) or a raw S-mode binary')
    .option('--autostart', 'mark the VM to start with the host (recorded in its definition)')
    .addOption(formatOption())
    .action(
      run(async (name: string, o: Record<string, string | string[] | boolean | undefined>) => {
        if (o.image && o.kernel) throw new UserError('give either --image or --kernel, not both');
        if (o.initrd && !o.kernel) throw new UserError('--initrd needs --kernel');
        const cdroms = ((o.cdrom as string[] | undefined) ?? []).map(parseDiskSpec).map((d) => ({
          path: d.path,
          format: d.format,
        }));
        if (o.preseed !== undefined && !o.install) throw new UserError('--preseed goes with --install debian');
        if (o.install) {
          if (o.boot === 'kernel' || o.image || o.kernel || o.initrd || o.append !== undefined)
            throw new UserError(
              '--install boots the installer from its own disk: no --boot kernel, --image, --kernel, --initrd or --append',
            );
          if (!o.nic && !o.network)
            throw new UserError(
              '--install debian fetches the system from a Debian mirror: give the VM a --network (a nat network)',
            );
          o.boot ??= 'disk';
          if (!o.disk && !o.diskSize) o.diskSize = [DEFAULT_INSTALL_DISK];
        } else if (cdroms.length && o.boot === undefined && !o.image && !o.kernel) o.boot = 'disk';
        const fromDisks = o.boot === 'disk' || o.boot === 'cdrom';
        if (o.firmware !== undefined && !fromDisks) throw new UserError('--firmware goes with --boot disk or cdrom');
        if (fromDisks && (o.image || o.kernel || o.initrd || o.append !== undefined))
          throw new UserError(
            `--boot ${o.boot as string} finds the kernel on the disks: no --image, --kernel, --initrd or --append`,
          );
        if (o.boot === 'cdrom' && !cdroms.length && !o.install) throw new UserError('--boot cdrom needs a --cdrom');
        if (o.install) cdroms.push({ path: await installerMedium(o.preseed as string | undefined), format: 'raw' });
        const nics: NonNullable<CreateOptions['nics']> = ((o.nic as string[] | undefined) ?? [])
          .map(parseNicSpec)
          .map((n) => ({
            mode: n.kind,
            socket: n.path,
            mac: n.mac ? [...n.mac].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined,
          }));
        for (const n of networkSpecs(o.network as string[] | undefined, o.ip as string | undefined))
          nics.push({ mode: 'network', network: n.network, ip: n.ip, mac: n.mac });
        const v = await mgr().create({
          name,
          memoryBytes: size(o.memory as string, '--memory'),
          cpus: wholeNumber(o.cpus as string, '--cpus', 1, 8),
          rootDisk: o.image === 'debian-full',
          newDiskBytes: ((o.diskSize as string[] | undefined) ?? []).map((s) => size(s, '--disk-size')),
          disks: ((o.disk as string[] | undefined) ?? [])
            .map(parseDiskSpec)
            .map((d) => ({ path: d.path, readonly: d.readOnly, format: d.format })),
          nics,
          shares: ((o.share as string[] | undefined) ?? []).map((text) => {
            try {
              const s = parseShareSpec(text);
              return { path: s.path, tag: s.tag, readonly: s.readOnly };
            } catch (e) {
              throw new UserError((e as Error).message);
            }
          }),
          image: o.image === 'debian-full' ? undefined : (o.image as 'debian' | undefined),
          kernel: o.kernel as string | undefined,
          cdroms,
          cloudInit: o.cloudInit !== undefined ? { userData: readUserData(o.cloudInit as string) } : undefined,
          bootOrder: o.boot === 'cdrom' ? 'cdrom' : 'disk',
          firmware: fromDisks ? ((o.firmware as string | undefined) ?? 'u-boot') : undefined,
          initrd: o.initrd as string | undefined,
          cmdline: o.append as string | undefined,
          autostart: o.autostart === true,
        });
        if (o.format === 'json') printJson(v);
        else process.stdout.write(`created ${v.name} in ${v.files.folder}\n`);
      }),
    );

  program
    .command('list')
    .alias('ls')
    .description('every VM with its state, size and host memory (RSS)')
    .addOption(formatOption())
    .action(
      run((o: { format: string }) => {
        const vms = mgr().list();
        if (o.format === 'json') return printJson(vms);
        if (!vms.length) return void process.stdout.write('no VMs (typevisor create NAME makes one)\n');
        const rows = vms.map((v) => [
          v.name,
          stateText(v),
          v.cpus !== undefined ? String(v.cpus) : '-',
          v.memoryBytes !== undefined ? humanSize(v.memoryBytes) : '-',
          v.rssBytes !== undefined ? humanSize(v.rssBytes) : '-',
          v.pid !== undefined ? String(v.pid) : '-',
          v.error ?? v.reason ?? '',
        ]);
        process.stdout.write(`${table(['NAME', 'STATE', 'CPUS', 'MEMORY', 'RSS', 'PID', 'NOTE'], rows)}\n`);
      }),
    );

  program
    .command('info')
    .description("a VM's definition, state, host memory and files")
    .argument('<name>')
    .addOption(formatOption())
    .action(
      run(async (name: string, o: { format: string }) => {
        const v = mgr().get(name);
        const live = v.state === 'running';
        if (o.format === 'json') return printJson(live ? { ...v, guest: await guestInfoJson(mgr(), name) } : v);
        const d = v.definition!;
        const lines: [string, string][] = [
          ['name', v.name],
          ['state', v.state + (v.reason ? ` (${v.reason})` : '')],
          ['memory', humanSize(d.memoryMiB * 1024 * 1024)],
          ['cpus', String(d.cpus)],
          ['host RSS', v.rssBytes !== undefined ? humanSize(v.rssBytes) : '-'],
          ['pid', v.pid !== undefined ? String(v.pid) : '-'],
          ['started', v.startedAt ?? '-'],
          [
            'boot',
            d.boot.image
              ? `image ${d.boot.image}`
              : d.boot.firmware
                ? `disk, through ${d.boot.firmware === 'u-boot' ? 'U-Boot' : d.boot.firmware}`
                : `kernel ${d.boot.kernel}${d.boot.initrd ? `, initrd ${d.boot.initrd}` : ''}`,
          ],
          ['cmdline', d.boot.cmdline ?? '(default)'],
          ...v.disks.map((k, i): [string, string] => [
            `disk ${i}`,
            `${k.path} (${d.disks[i]?.media === 'cdrom' ? 'cdrom, ' : ''}${k.format}${k.readonly ? ', readonly' : ''}${k.owned ? ', created with the VM' : ''})`,
          ]),
          ...d.nics.map((n, i): [string, string] => [
            `nic ${i}`,
            `${n.mode}${n.socket ? ` ${n.socket}` : ''}${n.network ? ` ${n.network}` : ''}${n.ip ? ` ip ${n.ip}` : ''} mac ${n.mac}`,
          ]),
          ...d.shares.map((s): [string, string] => [`share ${s.tag}`, `${s.path}${s.readonly ? ' (readonly)' : ''}`]),
          ['autostart', d.autostart ? 'yes' : 'no'],
          ['folder', v.files.folder],
          ['console log', v.files.consoleLog],
          ['process log', v.files.processLog],
          ['control socket', v.files.controlSocket],
          ['console socket', v.files.consoleSocket],
          ...(live ? await guestInfoLines(mgr(), name) : []),
        ];
        printFields(lines);
      }),
    );

  const consoleSettle = () =>
    new Option(
      '--settle <seconds>',
      'with piped input: detach once output was quiet this long after the input ended',
    ).default('1');

  program
    .command('start')
    .description('start a VM in the background (its own process); refuses one whose memory does not fit')
    .argument('<name>')
    .option('--console', 'attach to its console once started')
    .option('--force-memory', 'start even if its memory does not fit the host budget')
    .addOption(consoleSettle())
    .action(
      run(async (name: string, o: { console?: boolean; forceMemory?: boolean; settle: string }) => {
        const m = mgr();
        const v = await m.start(name, { forceMemory: o.forceMemory, log: (l) => process.stderr.write(`${l}\n`) });
        process.stderr.write(`typevisor: started ${name} (pid ${v.pid})\n`);
        if (o.console) process.exitCode = await attachConsole(m, name, { settleMs: seconds(o.settle, '--settle') });
      }),
    );

  program
    .command('autostart')
    .description('start every VM marked --autostart that is not running (for a login or boot hook; serve does it too)')
    .action(
      run(async () => {
        const results = await mgr().startAutostart({ log: (l) => process.stderr.write(`${l}\n`) });
        for (const r of results) process.stderr.write(`typevisor: ${autostartLine(r)}\n`);
        if (results.some((r) => r.outcome === 'failed')) process.exitCode = 1;
      }),
    );

  program
    .command('console')
    .description("attach to a running VM's console (C-a d detaches); with piped input, send it and print the output")
    .argument('<name>')
    .addOption(consoleSettle())
    .addHelpText('after', `\nEscape keys on a terminal:\n${CONSOLE_ESCAPE_HELP.replace(/\r/g, '')}`)
    .action(
      run(async (name: string, o: { settle: string }) => {
        process.exitCode = await attachConsole(mgr(), name, { settleMs: seconds(o.settle, '--settle') });
      }),
    );

  program
    .command('logs')
    .description("a VM's console output (the newest 1-2 MiB), or its process log")
    .argument('<name>')
    .option('-f, --follow', 'keep printing new output while the VM runs')
    .option('--process', "the VM process's own log instead of the console")
    .action(
      run(async (name: string, o: { follow?: boolean; process?: boolean }) => {
        const m = mgr();
        const paths = m.paths(name);
        const file = o.process ? paths.processLog : paths.consoleLog;
        printLog(`${file}.1`);
        let pos = printLog(file);
        if (!o.follow) return;
        for (;;) {
          const live = m.get(name).pid !== undefined;
          const size = existsSync(file) ? statSync(file).size : 0;
          if (size < pos) pos = 0; // rotated
          pos = printLog(file, pos);
          if (!live) return;
          await sleep(250);
        }
      }),
    );

  program
    .command('stop')
    .description('shut a VM down: ask the guest, then power off after the timeout (--force: at once)')
    .argument('<name>')
    .option('--force', 'power off at once')
    .option('--timeout <seconds>', 'how long the guest has to shut down before power-off', '60')
    .action(
      run(async (name: string, o: { force?: boolean; timeout: string }) => {
        const end = await mgr().stop(name, { force: o.force, timeoutMs: seconds(o.timeout, '--timeout') });
        process.stderr.write(`typevisor: ${name} ${end.state}${end.reason ? `: ${end.reason}` : ''}\n`);
      }),
    );

  program
    .command('kill')
    .description('end a VM at once (no shutdown; disks are flushed and closed)')
    .argument('<name>')
    .action(
      run(async (name: string) => {
        const end = await mgr().kill(name);
        process.stderr.write(`typevisor: ${name} ${end.state}${end.reason ? `: ${end.reason}` : ''}\n`);
      }),
    );

  for (const [action, what] of [
    ['pause', 'pause a running VM (its process then takes no CPU)'],
    ['resume', 'resume a paused VM'],
    ['reset', 'reset a VM: the guest reboots from its kernel'],
  ] as const)
    program
      .command(action)
      .description(what)
      .argument('<name>')
      .action(
        run(async (name: string) => {
          await mgr().act(name, { action });
        }),
      );

  program
    .command('stats')
    .description("a running VM's virtualization statistics (as run --stats)")
    .argument('<name>')
    .action(
      run(async (name: string) => {
        const r = (await mgr().act(name, { action: 'stats' })) as VmStats;
        process.stdout.write(`${formatStats(r)}\n`);
      }),
    );

  program
    .command('edit')
    .description("change a stopped VM's memory, CPUs, command line or autostart")
    .argument('<name>')
    .option('-m, --memory <size>', 'guest RAM')
    .option('--cpus <n>', 'number of harts (1-8)')
    .option('--append <cmdline>', 'kernel command line')
    .option('--autostart', 'start with the host')
    .option('--no-autostart', 'do not start with the host')
    .action(
      run(async (name: string, o: { memory?: string; cpus?: string; append?: string; autostart?: boolean }) => {
        if (o.memory === undefined && o.cpus === undefined && o.append === undefined && o.autostart === undefined)
          throw new UserError('nothing to change: give --memory, --cpus, --append or --[no-]autostart');
        await mgr().edit(name, {
          memoryBytes: o.memory !== undefined ? size(o.memory, '--memory') : undefined,
          cpus: o.cpus !== undefined ? wholeNumber(o.cpus, '--cpus', 1, 8) : undefined,
          cmdline: o.append,
          autostart: o.autostart,
        });
      }),
    );

  program
    .command('delete')
    .alias('rm')
    .description('delete a stopped VM, its folder and the disks created for it')
    .argument('<name>')
    .option('--keep-disks', 'move the disks created for it to $TYPEVISOR_HOME/kept-disks instead')
    .action(
      run(async (name: string, o: { keepDisks?: boolean }) => {
        const r = await mgr().delete(name, { keepDisks: o.keepDisks });
        for (const d of r.keptDisks) process.stderr.write(`typevisor: kept ${d}\n`);
      }),
    );
}
