// The one builder: a plain, serializable machine description in, a ready-to-start Vm out (every entry point uses it).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { VirtMachine, type EngineKind, type VirtMachineConfig } from '../boards/virt/virt-machine.js';
import { MAX_RAM_BYTES } from '../memory/guest-memory.js';
import { openDisk } from '../disk/open.js';
import type { BlockBackend, DiskFormat } from '../disk/backend.js';
import {
  VirtioBlk,
  VirtioConsole,
  VirtioInput,
  VirtioNet,
  VirtioNineP,
  VirtioRng,
  type NetBackend,
  type VirtioDevice,
} from '../devices/virtio/index.js';
import { StreamNetBackend } from '../net/stream-backend.js';
import { openNicBackend } from '../net/open-nic.js';
import { HostShareFs } from '../share/host-fs.js';
import { checkDistinctTags, tagProblem } from '../share/spec.js';
import { GuestAgent, GUEST_AGENT_PORT } from '../agent/client.js';
import { ConsoleHub } from './console-hub.js';
import { GuestClock, Vm } from './vm.js';
import type { RunLoopOptions } from './run-loop.js';

const MiB = 1024 * 1024;

/** A disk image attached as virtio-blk. */
export interface DiskDescription {
  path: string;
  /** The image format; probed from the file when absent. */
  format?: DiskFormat;
  readOnly?: boolean;
}

/**
 * A virtio-net card: no link, a UNIX-socket link to another typevisor (`listen` or `connect` at `path`), or a port
 * on the named network's switch (`network`, with an optional pinned `ip`).
 */
export interface NicDescription {
  kind: 'null' | 'listen' | 'connect' | 'network';
  path?: string;
  network?: string;
  ip?: string;
  /** `52:54:00:12:34:56`; a random locally administered address when absent. */
  mac?: string;
}

/** A host directory shared with the guest as virtio-9p; the default image mounts it at /mnt/TAG. */
export interface ShareDescription {
  path: string;
  tag: string;
  readOnly?: boolean;
}

/** What the guest boots: a kernel of the user's, or the default Debian image (pulled into the cache on first use). */
export type BootDescription =
  | { kernel: string; initrd?: string; cmdline?: string }
  /**
   * Boot from the disks through a boot loader in S-mode, as QEMU's virt board does after OpenSBI: `u-boot` (Debian's
   * u-boot-qemu, pulled into the cache on first use) or the path of a raw S-mode binary. It finds the kernel itself
   * (extlinux.conf, or GRUB through UEFI) on the VM's disks.
   */
  | { firmware: string }
  | {
      image: 'debian';
      /** Replaces the image's initramfs or command line. */
      initrd?: string;
      cmdline?: string;
      /**
       * Boot the image's root disk, when one was built, through a copy-on-write overlay (created if absent; default
       * `root-overlay.qcow2` in the image's folder), added as the first disk.
       */
      rootDisk?: { overlay?: string };
    };

/** A machine, as a VM definition or the `run` command line states it. JSON-friendly: no functions, no buffers. */
export interface MachineDescription {
  /** The VM's name: its guest host name (`systemd.hostname=` on the kernel command line) unless `hostname` says else. */
  name?: string;
  hostname?: string;
  memoryBytes: number;
  cpus: number;
  boot: BootDescription;
  disks?: DiskDescription[];
  nics?: NicDescription[];
  shares?: ShareDescription[];
  engine?: {
    kind?: EngineKind;
    /** Interpreted instructions on a page before it is translated (default: the engine's). */
    jitThreshold?: number;
    /** Time translated code, interpreter and translation separately (for the stats; small overhead). */
    profile?: boolean;
  };
  /** What a guest reset does: boot again (default) or stop the VM. */
  onReset?: 'reboot' | 'stop';
}

/** A description that cannot be built: a one-line message naming the field. */
export class VmConfigError extends Error {
  override name = 'VmConfigError';
}

/** Host-side hooks of the build; none of them is part of the description. */
export interface BuildHost {
  /** Progress and notices (pulling the image, the root disk's overlay). */
  log?: (line: string) => void;
  /** Debian mirror for pulling the default image. */
  mirror?: string;
  /** Run-loop tuning (benchmarks). */
  runLoop?: Omit<RunLoopOptions, 'signal' | 'pump'>;
  /**
   * A saved or migrated state replaces the machine's RAM and harts before it runs: the kernel, initrd and device tree
   * are not loaded into RAM (a reboot loads them).
   */
  restoring?: boolean;
  /** The kernel (and initrd) already in memory, used instead of reading the description's files (in-process callers). */
  bootFiles?: { kernel: Uint8Array; initrd?: Uint8Array };
  /** Joins a NIC to a named network (the manager's switch); needed by `network` NICs. Rejects with a one-line reason. */
  openNetwork?: (
    nic: { network: string; mac: string; ip?: string; vm?: string },
    log: (m: string) => void,
  ) => Promise<NetBackend & { close(): void }>;
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The guest host name a VM name gives: lower case, characters a host name cannot have turned into '-'. */
export function hostnameFor(name: string): string | undefined {
  const h = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return HOSTNAME.test(h) ? h : undefined;
}

/** Checks what can be checked without touching files. */
export function validateDescription(d: MachineDescription): void {
  checkMemory(d.memoryBytes);
  if (!Number.isInteger(d.cpus) || d.cpus < 1 || d.cpus > 8)
    throw new VmConfigError(`cpus must be a whole number from 1 to 8, got ${d.cpus}`);
  const kind = d.engine?.kind ?? 'jit';
  if (kind !== 'jit' && kind !== 'interp') throw new VmConfigError(`engine must be interp or jit, got "${kind}"`);
  const th = d.engine?.jitThreshold;
  if (th !== undefined && !(Number.isInteger(th) && th >= 0))
    throw new VmConfigError(`the JIT threshold must be a whole number of instructions, got ${th}`);
  if (d.hostname !== undefined && !HOSTNAME.test(d.hostname))
    throw new VmConfigError(`host name "${d.hostname}" is not valid (a-z, 0-9 and '-', at most 63 characters)`);
  for (const disk of d.disks ?? []) {
    if (!disk.path) throw new VmConfigError('a disk needs a file name');
    if (disk.format !== undefined && disk.format !== 'raw' && disk.format !== 'qcow2')
      throw new VmConfigError(`disk ${disk.path}: unknown format "${disk.format}" (known: raw, qcow2)`);
  }
  for (const [i, n] of (d.nics ?? []).entries()) {
    if (n.kind !== 'null' && n.kind !== 'listen' && n.kind !== 'connect' && n.kind !== 'network')
      throw new VmConfigError(`nic ${i}: unknown kind "${n.kind}" (null, listen, connect or network)`);
    if (n.kind === 'network') {
      if (!n.network) throw new VmConfigError(`nic ${i}: a network NIC needs the network's name`);
    } else if (n.kind !== 'null' && !n.path) throw new VmConfigError(`nic ${i}: ${n.kind} needs a socket path`);
    if (n.mac !== undefined) parseMac(n.mac, i);
  }
  for (const s of d.shares ?? []) {
    if (!s.path) throw new VmConfigError('a share needs a host directory');
    const problem = tagProblem(s.tag);
    if (problem) throw new VmConfigError(`share ${s.path}: ${problem}`);
  }
  const dup = checkDistinctTags(d.shares ?? []);
  if (dup) throw new VmConfigError(dup);
  const slots = (d.disks?.length ?? 0) + (d.nics?.length ?? 0) + (d.shares?.length ?? 0) + 3;
  if (slots > 8)
    throw new VmConfigError(
      `too many devices: the virt board has 8 virtio slots (disks + NICs + shares + rng + console + power button = ${slots})`,
    );
}

function mib(bytes: number): string {
  return `${Math.floor(bytes / MiB)} MiB`;
}

export function checkMemory(bytes: number): void {
  if (!Number.isSafeInteger(bytes)) throw new VmConfigError(`memory must be a whole number of bytes, got ${bytes}`);
  if (bytes < 16 * MiB)
    throw new VmConfigError(`memory ${mib(bytes)} is too small: the virt machine needs at least 16 MiB`);
  if (bytes % 4096 !== 0) throw new VmConfigError(`memory must be a multiple of 4 KiB, got ${bytes} bytes`);
  if (bytes > MAX_RAM_BYTES)
    throw new VmConfigError(`memory ${mib(bytes)} is more than one VM can have (at most ${mib(MAX_RAM_BYTES)})`);
  const host = totalmem();
  if (bytes > host * 0.9)
    throw new VmConfigError(
      `memory ${mib(bytes)} is more than this host can give (${(host / 2 ** 30).toFixed(1)} GiB RAM in total)`,
    );
}

function parseMac(text: string, i: number): Uint8Array {
  if (!/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text))
    throw new VmConfigError(`nic ${i}: MAC address "${text}" is not of the form 52:54:00:12:34:56`);
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** A locally administered unicast MAC address, random per NIC. */
function randomMac(): Uint8Array {
  const mac = randomBytes(6);
  mac[0] = (mac[0] & 0xfe) | 0x02;
  return new Uint8Array(mac);
}

function readInput(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new VmConfigError(`${what} file not found: ${path}`);
  if (!statSync(path).isFile()) throw new VmConfigError(`${what} is not a regular file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/** The boot files, read, with the final command line and disks (the default image's root overlay first). */
export interface ResolvedBoot {
  kernel: Uint8Array;
  kernelName: string;
  /** `raw`: the kernel is a boot loader entered at its first byte (see VirtMachineConfig.kernelFormat). */
  kernelFormat?: 'linux' | 'raw';
  initrd?: Uint8Array;
  cmdline: string;
  disks: DiskDescription[];
}

/** Reads the kernel and initrd (pulling the default image if needed) and completes the command line. */
export async function resolveBoot(d: MachineDescription, host: BuildHost = {}): Promise<ResolvedBoot> {
  const log = host.log ?? (() => undefined);
  const b = d.boot;
  const disks = [...(d.disks ?? [])];
  if ('firmware' in b) return resolveFirmware(b.firmware, disks, host);
  let kernelPath: string,
    initrdPath: string | undefined,
    cmdline: string | undefined = b.cmdline;
  if ('kernel' in b) {
    kernelPath = b.kernel;
    initrdPath = b.initrd;
  } else {
    if (b.image !== 'debian') throw new VmConfigError(`unknown image "${String(b.image)}" (available: debian)`);
    // The image code is loaded only here: importing it takes a third of the start-up of a VM given its own kernel.
    const { findCachedDebian, pullDebian } = await import('../images/debian.js');
    let img: { kernel: string; initrd: string; cmdline: string; dir: string } | null = await findCachedDebian();
    if (!img) {
      log('the default Debian image is not cached yet; pulling it now');
      img = await pullDebian({ mirror: host.mirror, log });
    }
    kernelPath = img.kernel;
    initrdPath = b.initrd ?? img.initrd;
    if (b.rootDisk !== undefined) {
      const { createRootOverlay, findRootDisk, NO_HVC_GETTY } = await import('../images/rootfs/root-disk.js');
      const root = findRootDisk(img.dir);
      if (!root)
        throw new VmConfigError(
          'the image debian-full is not built yet: `typevisor image pull debian-full` builds it (it takes a while)',
        );
      const overlay = await createRootOverlay(root.disk, b.rootDisk.overlay ?? join(img.dir, 'root-overlay.qcow2'));
      disks.unshift({ path: overlay, format: 'qcow2' });
      // Disks built before the mask was part of the command line get it here.
      cmdline ??= root.cmdline.includes(NO_HVC_GETTY) ? root.cmdline : `${root.cmdline} ${NO_HVC_GETTY}`;
      log(`booting the Debian root disk (changes go to ${overlay})`);
    }
    cmdline ??= img.cmdline;
  }
  cmdline ??= 'console=ttyS0';
  const hostname = d.hostname ?? (d.name !== undefined ? hostnameFor(d.name) : undefined);
  if (hostname && !/(^|\s)systemd\.hostname=/.test(cmdline)) cmdline = `${cmdline} systemd.hostname=${hostname}`;
  const kernel = host.bootFiles?.kernel ?? readInput(kernelPath, 'kernel');
  const initrd = host.bootFiles ? host.bootFiles.initrd : initrdPath ? readInput(initrdPath, 'initrd') : undefined;
  return { kernel, kernelName: kernelPath, initrd, cmdline, disks };
}

/** A boot loader for booting from the disks: the cached U-Boot (pulled if needed) or the user's file. */
async function resolveFirmware(firmware: string, disks: DiskDescription[], host: BuildHost): Promise<ResolvedBoot> {
  let path = firmware;
  if (firmware === 'u-boot') {
    const { findCachedUboot, pullUboot } = await import('../images/firmware.js');
    const log = host.log ?? (() => undefined);
    path = (
      findCachedUboot() ??
      (log('U-Boot is not cached yet; pulling it now'), await pullUboot({ mirror: host.mirror, log }))
    ).path;
  }
  if (disks.length === 0) throw new VmConfigError('booting from disk (a boot loader) needs at least one disk');
  return { kernel: readInput(path, 'boot loader'), kernelName: path, kernelFormat: 'raw', cmdline: '', disks };
}

/** The board's configuration for a resolved boot, before devices (the lockstep checker builds its boards from it). */
export function boardConfig(
  d: MachineDescription,
  boot: ResolvedBoot,
  consoleOut: (b: Uint8Array) => void,
): VirtMachineConfig {
  return {
    memoryBytes: d.memoryBytes,
    cpus: d.cpus,
    kernel: boot.kernel,
    kernelName: boot.kernelName,
    kernelFormat: boot.kernelFormat,
    initrd: boot.initrd,
    cmdline: boot.cmdline,
    consoleOut,
    engine: d.engine?.kind ?? 'jit',
    jitProfile: d.engine?.profile ?? false,
    jitThreshold: d.engine?.jitThreshold,
  };
}

interface BuiltDevices {
  devices: { device: VirtioDevice; name: string }[];
  /** The disks' backends in order, for snapshots. */
  disks: { path: string; backend: BlockBackend }[];
  closers: (() => Promise<void> | void)[];
  /** hvc0: the terminal's size goes to its setSize. */
  console: VirtioConsole;
  /** pressPowerButton() asks the guest to shut down. */
  powerButton: VirtioInput;
  /** The host end of the console's port org.qemu.guest_agent.0. */
  agent: GuestAgent;
}

/** virtio-blk per disk, virtio-net per NIC, virtio-9p per share, then rng, console and the power button. On failure, what was opened is closed. */
async function buildDevices(
  disks: DiskDescription[],
  nics: NicDescription[],
  shares: ShareDescription[],
  consoleOut: (b: Uint8Array) => void,
  hostMessage: (m: string) => void,
  host: BuildHost & { vm?: string },
): Promise<BuiltDevices> {
  const agent = new GuestAgent(host.vm ?? 'the VM');
  const console = new VirtioConsole({ write: consoleOut }, { ports: [{ name: GUEST_AGENT_PORT, host: agent }] });
  const agentPort = console.port(GUEST_AGENT_PORT)!;
  agent.attach({
    get open() {
      return agentPort.guestOpen;
    },
    send: (d) => agentPort.send(d),
  });
  const out: BuiltDevices = { devices: [], disks: [], closers: [], console, powerButton: new VirtioInput(), agent };
  try {
    for (const d of disks) {
      if (!existsSync(d.path)) throw new VmConfigError(`disk image not found: ${d.path}`);
      let backend: BlockBackend;
      try {
        backend = await openDisk(d.path, {
          readOnly: d.readOnly ?? false,
          format: d.format,
          warn: (m) => hostMessage(`warning: ${m}`),
        });
      } catch (e) {
        throw new VmConfigError(`cannot open disk ${d.path}: ${(e as Error).message}`);
      }
      out.closers.push(() => backend.close());
      out.disks.push({ path: d.path, backend });
      out.devices.push({ device: new VirtioBlk(backend), name: `virtio-blk ${d.path}` });
    }
    for (const [i, n] of nics.entries()) {
      let backend: NetBackend;
      const mac = n.mac !== undefined ? parseMac(n.mac, i) : randomMac();
      const nicLog = (msg: string) => hostMessage(`nic ${i}: ${msg}`);
      try {
        if (n.kind === 'network') {
          if (!host.openNetwork) throw new Error(`nic ${i}: network NICs need the VM manager (its networks)`);
          const link = await host.openNetwork(
            {
              network: n.network!,
              mac: [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'),
              ip: n.ip,
              vm: host.vm,
            },
            nicLog,
          );
          out.closers.push(() => link.close());
          backend = link;
        } else {
          backend = await openNicBackend(n as Parameters<typeof openNicBackend>[0], nicLog);
        }
      } catch (e) {
        throw new VmConfigError((e as Error).message);
      }
      if (backend instanceof StreamNetBackend) out.closers.push(() => backend.close());
      out.devices.push({ device: new VirtioNet(backend, { mac }), name: `virtio-net ${i}` });
    }
    for (const s of shares) {
      let st;
      try {
        st = statSync(s.path);
      } catch {
        throw new VmConfigError(`shared directory not found: ${s.path}`);
      }
      if (!st.isDirectory()) throw new VmConfigError(`a share must be a directory: ${s.path}`);
      let fs: HostShareFs;
      try {
        fs = new HostShareFs(s.path, { readOnly: s.readOnly ?? false });
      } catch (e) {
        throw new VmConfigError(`cannot open shared directory ${s.path}: ${(e as Error).message}`);
      }
      out.closers.push(() => fs.closeAll());
      out.devices.push({ device: new VirtioNineP(fs, s.tag), name: `virtio-9p ${s.tag}` });
    }
  } catch (e) {
    for (const c of out.closers) await c();
    throw e;
  }
  out.devices.push({ device: new VirtioRng(), name: 'virtio-rng' });
  out.devices.push({ device: out.console, name: 'virtio-console' });
  out.devices.push({ device: out.powerButton, name: 'virtio-input power button' });
  return out;
}

/** Builds the VM a description states: files read, disks opened, the board wired and booted. Start it with start(). */
export async function buildVm(d: MachineDescription, host: BuildHost = {}): Promise<Vm> {
  validateDescription(d);
  const boot = await resolveBoot(d, host);
  const hub = new ConsoleHub();
  const clock = new GuestClock();
  // Devices report to the VM once it exists, to the build's log before.
  const to: { vm?: Vm } = {};
  const report = (m: string) => (to.vm ? to.vm.hostMessage(m) : host.log?.(m));
  const vmHost = d.hostname ?? (d.name !== undefined ? hostnameFor(d.name) : undefined);
  const built = await buildDevices(boot.disks, d.nics ?? [], d.shares ?? [], hub.output, report, {
    ...host,
    vm: vmHost,
  });
  let board: VirtMachine;
  try {
    board = new VirtMachine({
      ...boardConfig(d, boot, hub.output),
      clock: clock.now,
      virtio: built.devices,
      log: (m) => to.vm?.guestMessage(m),
    });
    if (!host.restoring) board.boot();
  } catch (e) {
    for (const c of built.closers) await c();
    if (e instanceof RangeError)
      throw new VmConfigError(`cannot allocate ${mib(d.memoryBytes)} of guest RAM: ${e.message}`);
    throw new VmConfigError((e as Error).message);
  }
  const { console: virtioConsole, powerButton, agent } = built;
  const vm = new Vm({
    name: d.name ?? 'typevisor',
    board,
    console: hub,
    clock,
    cmdline: boot.cmdline,
    closers: built.closers,
    disks: built.disks,
    resizeConsole: (cols, rows) => virtioConsole.setSize(cols, rows),
    powerButton: () => powerButton.pressPowerButton(),
    agent,
    reboot: d.onReset !== 'stop',
    runLoop: host.runLoop,
  });
  to.vm = vm;
  return vm;
}
