// `typevisor run`: boot a kernel (or the default Debian guest) on the virt machine with the terminal as its console.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { VirtMachine, HypervisorFault } from '../boards/virt/virt-machine.js';
import { MAX_RAM_BYTES } from '../memory/guest-memory.js';
import { runMachine, Waker } from '../vmm/run-loop.js';
import { formatStats } from '../vmm/stats.js';
import { attachConsole } from './console.js';
import { formatSize, parseSize } from './size.js';
import { UserError } from './errors.js';
import { buildVirtioDevices, parseDiskSpec, parseNicSpec } from './devices.js';
import type { runLockstep } from '../vmm/check-jit.js';
import { join } from 'node:path';

export interface RunOptions {
  kernel?: string;
  initrd?: string;
  append?: string;
  memory: string;
  cpus: string;
  stats?: boolean;
  reboot: boolean;
  mirror?: string;
  disk?: string[];
  nic?: string[];
  engine: string;
  checkJit?: boolean;
  jitThreshold?: string;
}

/** Resets closer together than this, this many times in a row, are a reset loop. */
const RESET_LOOP_COUNT = 5;
const RESET_LOOP_WINDOW_MS = 10_000;

function readInput(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new UserError(`${what} file not found: ${path}`);
  if (!statSync(path).isFile()) throw new UserError(`${what} is not a regular file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

export function checkMemory(bytes: number): void {
  if (bytes < 16 * 1024 * 1024)
    throw new UserError(`--memory ${formatSize(bytes)} is too small: the virt machine needs at least 16M`);
  if (bytes % 4096 !== 0) throw new UserError(`--memory must be a multiple of 4 KiB, got ${bytes} bytes`);
  if (bytes > MAX_RAM_BYTES)
    throw new UserError(
      `--memory ${formatSize(bytes)} is more than one VM can have (at most ${formatSize(Math.floor(MAX_RAM_BYTES / 2 ** 20) * 2 ** 20)})`,
    );
  const host = totalmem();
  if (bytes > host * 0.9)
    throw new UserError(
      `--memory ${formatSize(bytes)} is more than this host can give (${(host / 2 ** 30).toFixed(1)} GiB RAM in total)`,
    );
}

export async function runCommand(o: RunOptions): Promise<number> {
  let memoryBytes: number;
  try {
    memoryBytes = parseSize(o.memory, '--memory');
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  checkMemory(memoryBytes);
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

  let kernelPath = o.kernel,
    initrdPath = o.initrd,
    cmdline = o.append;
  if (!kernelPath) {
    // The default guest: Debian's stock kernel and a busybox initramfs, pulled on first use. The image code is loaded
    // only here: importing it took 60 of the 140 ms before a VM given --kernel could start.
    const { findCachedDebian, pullDebian } = await import('../images/debian.js');
    const { createRootOverlay, findRootDisk, NO_HVC_GETTY } = await import('../images/rootfs/index.js');
    let img = await findCachedDebian();
    if (!img) {
      process.stderr.write('typevisor: the default Debian image is not cached yet; pulling it now\n');
      const pulled = await pullDebian({ mirror: o.mirror, log: (l) => process.stderr.write(`${l}\n`) });
      img = { ...pulled, manifest: undefined as never };
    }
    kernelPath = img.kernel;
    initrdPath = initrdPath ?? img.initrd;
    // With a root disk built (image pull debian --root-disk) and no disks given, boot Debian from it through a
    // copy-on-write overlay next to it, so the pristine disk stays as built.
    const root = (o.disk ?? []).length === 0 ? findRootDisk(img.dir) : null;
    if (root) {
      const overlay = await createRootOverlay(root.disk, join(img.dir, 'root-overlay.qcow2'));
      o.disk = [`${overlay},format=qcow2`];
      // Disks built before the mask was part of the command line get it here.
      cmdline = cmdline ?? (root.cmdline.includes(NO_HVC_GETTY) ? root.cmdline : `${root.cmdline} ${NO_HVC_GETTY}`);
      process.stderr.write(`typevisor: booting the Debian root disk (changes go to ${overlay})\n`);
    }
    cmdline = cmdline ?? img.cmdline;
  }
  const kernel = readInput(kernelPath, 'kernel');
  const initrd = initrdPath ? readInput(initrdPath, 'initrd') : undefined;

  const out = (b: Uint8Array) => {
    process.stdout.write(b);
  };
  if (o.checkJit)
    return checkJit(o, {
      memoryBytes,
      cpus,
      kernel,
      kernelName: kernelPath,
      initrd,
      cmdline: cmdline ?? 'console=ttyS0',
      consoleOut: out,
    });
  const diskSpecs = (o.disk ?? []).map(parseDiskSpec);
  const nicSpecs = (o.nic ?? []).map(parseNicSpec);
  const built = await buildVirtioDevices(diskSpecs, nicSpecs, out);
  const closeDevices = async () => {
    for (const c of built.closers) await c();
  };
  let machine: VirtMachine;
  try {
    machine = new VirtMachine({
      memoryBytes,
      cpus,
      kernel,
      kernelName: kernelPath,
      initrd,
      cmdline: cmdline ?? 'console=ttyS0',
      consoleOut: out,
      virtio: built.devices,
      engine: o.engine as 'interp' | 'jit',
      jitProfile: o.stats === true,
      jitThreshold,
    });
    machine.boot();
  } catch (e) {
    await closeDevices();
    if (e instanceof RangeError)
      throw new UserError(`cannot allocate ${formatSize(memoryBytes)} of guest RAM: ${e.message}`);
    throw new UserError((e as Error).message);
  }

  const waker = new Waker();
  machine.onInterrupt = () => waker.notify();
  const quit = new AbortController();
  const started = performance.now();
  const printStats = () =>
    process.stderr.write(`\r\n${formatStats(machine, performance.now() - started).replace(/\n/g, '\r\n')}\r\n`);
  const detach = attachConsole(
    {
      input: (b) => machine.input(b),
      quit: () => {
        quit.abort();
        waker.notify();
      },
      stats: printStats,
    },
    waker,
  );
  const onUsr1 = () => printStats();
  process.on('SIGUSR1', onUsr1);
  const resets: number[] = [];
  try {
    for (;;) {
      const outcome = await runMachine(machine, waker, { signal: quit.signal });
      if (outcome.kind === 'reset') {
        if (!o.reboot) {
          process.stderr.write('\r\ntypevisor: the guest reset the machine; exiting (--no-reboot)\r\n');
          return 0;
        }
        const now = performance.now();
        resets.push(now);
        while (resets.length && now - resets[0] > RESET_LOOP_WINDOW_MS) resets.shift();
        if (resets.length >= RESET_LOOP_COUNT)
          throw new UserError(
            `the guest reset ${resets.length} times within ${RESET_LOOP_WINDOW_MS / 1000} s: reset loop, giving up`,
          );
        machine.boot();
        continue;
      }
      if (outcome.kind === 'quit') {
        process.stderr.write('\r\ntypevisor: quit from the console\r\n');
        return 0;
      }
      if (outcome.kind === 'exit') return outcome.code;
      return 0; // poweroff
    }
  } catch (e) {
    if (e instanceof HypervisorFault) throw new UserError(`hypervisor fault: ${e.message}`);
    throw e;
  } finally {
    detach();
    process.off('SIGUSR1', onUsr1);
    // Disk images are flushed and closed whatever ended the run, so they stay consistent.
    await closeDevices();
    if (o.stats) process.stderr.write(`${formatStats(machine, performance.now() - started)}\n`);
  }
}

/** --check-jit: interpreter and translator side by side; exit status 1 and both states at the first divergence. */
async function checkJit(o: RunOptions, cfg: Parameters<typeof runLockstep>[0]): Promise<number> {
  if ((o.disk ?? []).length || (o.nic ?? []).length)
    throw new UserError('--check-jit runs without disks and NICs (their timing is not deterministic)');
  const pending: Uint8Array[] = [];
  const waker = new Waker();
  const quit = new AbortController();
  const detach = attachConsole(
    { input: (b) => pending.push(b), quit: () => quit.abort(), stats: () => undefined },
    waker,
  );
  try {
    const { runLockstep } = await import('../vmm/check-jit.js');
    const r = await runLockstep(cfg, {
      input: () => {
        if (quit.signal.aborted) throw new UserError('quit from the console');
        return pending.length ? Uint8Array.from(pending.splice(0).flatMap((b) => [...b])) : undefined;
      },
    });
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
