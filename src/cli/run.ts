// `typevisor run`: boot a kernel (or the default Debian guest) as a one-shot foreground VM with the terminal as its console.
import { buildVm, VmConfigError, type MachineDescription, type NicDescription } from '../vmm/builder.js';
import type { Vm } from '../vmm/vm.js';
import { formatStats } from '../vmm/stats.js';
import { attachConsole } from './console.js';
import { parseSize } from './size.js';
import { UserError } from './errors.js';
import { parseDiskSpec, parseNicSpec } from './devices.js';
import { parseShareSpec } from '../share/spec.js';
import { networkSpecs } from './net-commands.js';

export interface RunOptions {
  /** debian (the default) or debian-full. */
  image?: string;
  kernel?: string;
  firmware?: string;
  initrd?: string;
  append?: string;
  memory: string;
  cpus: string;
  stats?: boolean;
  reboot: boolean;
  mirror?: string;
  disk?: string[];
  nic?: string[];
  share?: string[];
  network?: string[];
  ip?: string;
  engine: string;
  checkJit?: boolean;
  jitThreshold?: string;
}

/** The machine the options describe (the one builder turns it into a VM). */
export function describeRun(o: RunOptions): MachineDescription {
  let memoryBytes: number;
  try {
    memoryBytes = parseSize(o.memory, '--memory');
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (o.engine !== 'interp' && o.engine !== 'jit')
    throw new UserError(`--engine must be interp or jit, got "${o.engine}"`);
  let jitThreshold: number | undefined;
  if (o.jitThreshold !== undefined) {
    jitThreshold = Number(o.jitThreshold);
    if (!Number.isInteger(jitThreshold) || jitThreshold < 0)
      throw new UserError(`--jit-threshold must be a whole number of instructions, got "${o.jitThreshold}"`);
  }
  const cpus = Number(o.cpus);
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 8)
    throw new UserError(`--cpus must be a whole number from 1 to 8, got "${o.cpus}"`);
  const disks = (o.disk ?? []).map(parseDiskSpec).map((d) => ({ ...d }));
  const nics: NicDescription[] = (o.nic ?? []).map(parseNicSpec).map((n) => ({
    kind: n.kind,
    path: n.path,
    mac: n.mac ? [...n.mac].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined,
  }));
  const shares = (o.share ?? []).map((text) => {
    try {
      return parseShareSpec(text);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  });
  for (const n of networkSpecs(o.network, o.ip))
    nics.push({ kind: 'network', network: n.network, ip: n.ip, mac: n.mac });
  if (o.image !== undefined && (o.kernel || o.firmware !== undefined))
    throw new UserError('--image boots a named image: it takes no --kernel or --firmware');
  if (o.image === 'debian-full' && o.checkJit)
    throw new UserError('--check-jit runs without disks: it boots the debian image, not debian-full');
  if (o.firmware !== undefined && (o.kernel || o.initrd || o.append !== undefined))
    throw new UserError('--firmware boots from the disks: it takes no --kernel, --initrd or --append');
  if (o.firmware !== undefined && disks.length === 0)
    throw new UserError('--firmware boots from the disks: give at least one --disk');
  return {
    memoryBytes,
    cpus,
    // The default guest: Debian's stock kernel and a busybox initramfs; debian-full boots the same kernel from the
    // root disk that `image pull debian-full` built, through a copy-on-write overlay next to it.
    boot: o.firmware
      ? { firmware: o.firmware }
      : o.kernel
        ? { kernel: o.kernel, initrd: o.initrd, cmdline: o.append }
        : {
            image: 'debian',
            initrd: o.initrd,
            cmdline: o.append,
            rootDisk: o.image === 'debian-full' ? {} : undefined,
          },
    disks,
    nics,
    shares,
    engine: { kind: o.engine, jitThreshold, profile: o.stats === true },
    onReset: o.reboot ? 'reboot' : 'stop',
  };
}

const log = (line: string) => process.stderr.write(`typevisor: ${line}\n`);

export async function runCommand(o: RunOptions): Promise<number> {
  const description = describeRun(o);
  if (o.checkJit) return checkJit(o, description);
  let vm: Vm;
  try {
    vm = await buildVm(description, {
      log,
      mirror: o.mirror,
      openNetwork: async (nic, nicLog) => {
        const { openNetworkNic } = await import('../manager/networks.js');
        const { typevisorHome } = await import('../manager/paths.js');
        return openNetworkNic(typevisorHome(), nic, nicLog);
      },
    });
  } catch (e) {
    if (e instanceof VmConfigError) throw new UserError(e.message);
    throw e;
  }
  vm.subscribe((e) => {
    if (e.event === 'guest' || e.event === 'log') log(e.message);
  });
  vm.attachConsole((b) => {
    process.stdout.write(b);
  });
  const printStats = () => process.stderr.write(`\r\n${formatStats(vm.statsNow()).replace(/\n/g, '\r\n')}\r\n`);
  const detach = attachConsole({
    write: (b) => vm.writeConsole(b),
    drained: () => vm.consoleDrained(),
    quit: () => void vm.kill('quit from the console'),
    stats: printStats,
  });
  const onUsr1 = () => printStats();
  process.on('SIGUSR1', onUsr1);
  let end;
  try {
    vm.start();
    end = await vm.finished;
  } finally {
    detach();
    process.off('SIGUSR1', onUsr1);
    if (o.stats) process.stderr.write(`${formatStats(vm.statsNow())}\n`);
  }
  switch (end.kind) {
    case 'poweroff':
      return 0;
    case 'exit':
      return end.code;
    case 'reset':
      process.stderr.write('\r\ntypevisor: the guest reset the machine; exiting (--no-reboot)\r\n');
      return 0;
    case 'killed':
      process.stderr.write(`\r\ntypevisor: ${end.reason}\r\n`);
      return 0;
    case 'fault':
      throw new UserError(`hypervisor fault: ${end.message}`);
    case 'reset-loop':
    case 'stuck':
      throw new UserError(end.message);
    case 'error':
      throw end.error ?? new Error(end.message);
  }
}

/** --check-jit: interpreter and translator side by side; exit status 1 and both states at the first divergence. */
async function checkJit(o: RunOptions, description: MachineDescription): Promise<number> {
  if ((o.disk ?? []).length || (o.nic ?? []).length || (o.network ?? []).length || (o.share ?? []).length)
    throw new UserError('--check-jit runs without disks, NICs and shares (their timing is not deterministic)');
  const pending: Uint8Array[] = [];
  const quit = new AbortController();
  const detach = attachConsole({
    write: (b) => {
      pending.push(b);
      return true;
    },
    drained: () => Promise.resolve(),
    quit: () => quit.abort(),
    stats: () => undefined,
  });
  try {
    const { checkDescription } = await import('../vmm/check-jit.js');
    let r;
    try {
      r = await checkDescription(description, {
        log,
        mirror: o.mirror,
        console: (b) => {
          process.stdout.write(b);
        },
        input: () => {
          if (quit.signal.aborted) throw new UserError('quit from the console');
          return pending.length ? Uint8Array.from(pending.splice(0).flatMap((b) => [...b])) : undefined;
        },
      });
    } catch (e) {
      if (e instanceof VmConfigError) throw new UserError(e.message);
      throw e;
    }
    if (r.kind === 'diverged') {
      process.stderr.write(`\ntypevisor: --check-jit: ${r.report}\n`);
      return 1;
    }
    process.stderr.write(
      `\ntypevisor: --check-jit: no divergence in ${r.instructions.toLocaleString('en-US')} instructions (${r.kind})\n`,
    );
    return r.kind === 'exit' ? (r.code ?? 0) : 0;
  } finally {
    detach();
  }
}
