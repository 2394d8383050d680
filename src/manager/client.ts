// The VM manager's library: everything a client (the CLI, the local API) does with VMs, with no terminal I/O.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { wrongStateMessage, type VmAction, type VmEvent, type VmState } from '../vmm/actions.js';
import { createQcow2 } from '../disk/qcow2/create.js';
import { openDisk, probeFormat } from '../disk/open.js';
import { DiskError } from '../disk/backend.js';
import { admit, memoryBudget, type MemoryBudget } from './admission.js';
import { readConfig } from './config.js';
import { controlRequest, NotServing, subscribeEvents, type Subscription } from './control-client.js';
import { checkDefinition, checkName, DEFINITION_VERSION, type Definition } from './definition.js';
import { ManagerError } from './errors.js';
import { withLock } from './lock.js';
import { checkPinnedIp, existingNetwork } from './networks.js';
import { SEED_DISK, writeSeed } from './cloud-init-seed.js';
import { typevisorHome, type VmPaths } from './paths.js';
import { processRssBytes } from './proc.js';
import { observeState, type ObservedState } from './runtime-state.js';
import { isSuspended, suspendedStatePath } from './suspend.js';
import {
  createFolder,
  diskPath,
  existingVm,
  listNames,
  readDefinition,
  removeFolder,
  writeDefinition,
} from './store.js';

export { ManagerError } from './errors.js';
export type { ManagerErrorKind } from './errors.js';
export type { Definition } from './definition.js';
export type { Subscription } from './control-client.js';

/** The process log is capped at start: past this size it moves to vm.log.1. */
const PROCESS_LOG_CAP = 1024 * 1024;
/** How long `start` waits for the VM process to report `running` (it reads and checks kernel and disks first). */
const START_WAIT_MS = 120_000;
/** Extra time `stop` waits after the guest's shutdown timeout for the process to end. */
const END_WAIT_MS = 15_000;

/** One VM at a glance: `list` shows these. */
export interface VmSummary {
  name: string;
  state: VmState;
  /** Why a stopped or crashed VM ended. */
  reason?: string;
  /** The VM process while it runs. */
  pid?: number;
  startedAt?: string;
  memoryBytes?: number;
  cpus?: number;
  /** Host memory the VM process uses (VmRSS). */
  rssBytes?: number;
  /** Set when the definition does not parse: the VM is listed with the error instead of its figures. */
  error?: string;
  /** Stopped with its machine state saved (`suspend`): the next start resumes it where it was. */
  suspended?: boolean;
}

/** `info`: the summary, the definition and where the VM's files are. */
export interface VmDetails extends VmSummary {
  definition?: Definition;
  files: {
    folder: string;
    definition: string;
    consoleLog: string;
    processLog: string;
    controlSocket: string;
    consoleSocket: string;
  };
  disks: { path: string; format: string; readonly: boolean; owned: boolean }[];
}

export interface CreateOptions {
  name: string;
  memoryBytes?: number;
  cpus?: number;
  /** A cached guest image (the default when no kernel is given). */
  image?: 'debian';
  /** Boot the Debian root disk (systemd) from a copy-on-write overlay in the VM's folder, on the cached root disk. */
  rootDisk?: boolean;
  kernel?: string;
  /** Boot from the disks through a boot loader: "u-boot" or a raw S-mode binary's path. */
  firmware?: string;
  initrd?: string;
  cmdline?: string;
  /** Existing images to attach; the format is probed now, recorded, and never probed again. */
  disks?: { path: string; readonly?: boolean; format?: 'raw' | 'qcow2' }[];
  /** New qcow2 disks of these sizes, created in the VM's folder. */
  newDiskBytes?: number[];
  /** Install media (ISO or disk images), attached read-only. */
  cdroms?: { path: string; format?: 'raw' | 'qcow2' }[];
  /** Which the boot loader tries first: the disks (default) or the install media. */
  bootOrder?: 'disk' | 'cdrom';
  /** cloud-init's user-data: a NoCloud seed volume (cidata.iso in the VM's folder) is attached read-only. */
  cloudInit?: { userData: string };
  nics?: {
    mode: 'null' | 'listen' | 'connect' | 'network';
    socket?: string;
    network?: string;
    ip?: string;
    mac?: string;
  }[];
  /** Host directories shared with the guest. */
  shares?: { path: string; tag: string; readonly?: boolean }[];
  autostart?: boolean;
}

export interface EditOptions {
  memoryBytes?: number;
  cpus?: number;
  cmdline?: string;
  autostart?: boolean;
}

function memoryMiB(bytes: number, what: string): number {
  if (bytes % (1024 * 1024) !== 0) throw new ManagerError('bad-input', `${what} must be a whole number of MiB`);
  return bytes / (1024 * 1024);
}

export function randomMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

function isLive(o: ObservedState): boolean {
  return o.pid !== undefined;
}

const VM_PROCESS = fileURLToPath(new URL('./vm-process.js', import.meta.url));
/** The shell that waits for the VM process and records its exit status (128 + N when signal N killed it). */
const WAIT_SCRIPT =
  '"$@"; s=$?; printf "%s\\n" "$s" > "$TYPEVISOR_EXIT_FILE.tmp" && mv -f "$TYPEVISOR_EXIT_FILE.tmp" "$TYPEVISOR_EXIT_FILE"; exit $s';

/** What `startAutostart` did with one VM marked autostart. */
export interface AutostartResult {
  name: string;
  outcome: 'started' | 'running' | 'failed';
  pid?: number;
  error?: string;
}

/** One line per VM marked autostart: started, already running, or why it did not start. */
export function autostartLine(r: AutostartResult): string {
  if (r.outcome === 'started') return `started ${r.name} (pid ${r.pid})`;
  if (r.outcome === 'running') return `${r.name} is already running`;
  return `${r.name} did not start: ${r.error}`;
}

/** Freezes the guest's file systems through its agent (before a suspend or a snapshot). */
const FREEZE_FILE_SYSTEMS: VmAction = { action: 'agent', command: 'guest-fsfreeze-freeze', timeoutMs: 20_000 };

export class Manager {
  readonly home: string;

  constructor(home?: string) {
    this.home = home ?? typevisorHome();
  }

  private lockPath(): string {
    return resolve(this.home, '.lock');
  }

  /** Every VM, sorted by name, with its state and host memory. A broken definition is listed with its error. */
  list(): VmSummary[] {
    return listNames(this.home).map((name) => this.summary(existingVm(this.home, name)));
  }

  private summary(paths: VmPaths): VmSummary {
    const obs = observeState(paths);
    const s: VmSummary = { name: paths.name, state: obs.state };
    if (obs.reason) s.reason = obs.reason;
    if (!isLive(obs) && isSuspended(paths)) {
      s.suspended = true;
      s.reason = 'suspended: start resumes it';
    }
    if (obs.pid !== undefined) {
      s.pid = obs.pid;
      s.startedAt = obs.startedAt;
      const rss = processRssBytes(obs.pid);
      if (rss !== null) s.rssBytes = rss;
    }
    try {
      const def = readDefinition(paths);
      s.memoryBytes = def.memoryMiB * 1024 * 1024;
      s.cpus = def.cpus;
    } catch (e) {
      s.error = (e as Error).message;
    }
    return s;
  }

  get(name: string): VmDetails {
    const paths = existingVm(this.home, name);
    const def = readDefinition(paths);
    return {
      ...this.summary(paths),
      definition: def,
      files: {
        folder: paths.dir,
        definition: paths.definition,
        consoleLog: paths.consoleLog,
        processLog: paths.processLog,
        controlSocket: paths.controlSocket,
        consoleSocket: paths.consoleSocket,
      },
      disks: def.disks.map((d) => ({
        path: diskPath(paths, d),
        format: d.format,
        readonly: d.readonly,
        owned: d.owned,
      })),
    };
  }

  /** The paths of a VM's files (logs, sockets) for a client that reads them itself. */
  paths(name: string): VmPaths {
    return existingVm(this.home, name);
  }

  async create(o: CreateOptions): Promise<VmDetails> {
    checkName(o.name);
    if (o.image && o.kernel) throw new ManagerError('bad-input', 'give either an image or a kernel, not both');
    if (o.initrd && !o.kernel && !o.image) throw new ManagerError('bad-input', 'an initrd needs a kernel');
    if (o.firmware !== undefined) {
      if (o.image || o.kernel || o.initrd || o.cmdline !== undefined)
        throw new ManagerError('bad-input', 'booting from disk takes no image, kernel, initrd or kernel command line');
      if (!o.disks?.length && !o.newDiskBytes?.length && !o.cdroms?.length)
        throw new ManagerError('bad-input', 'booting from disk needs a disk');
    }
    const root = o.rootDisk ? await cachedRootDisk(o) : undefined;
    const file = (p: string, what: string) => {
      const abs = resolve(p);
      if (!existsSync(abs) || !statSync(abs).isFile()) throw new ManagerError('bad-input', `${what} not found: ${p}`);
      return abs;
    };
    const disks: Definition['disks'] = [];
    const cdroms: Definition['disks'] = [];
    const attach = [
      ...(o.disks ?? []).map((d) => ({ ...d, to: disks })),
      ...(o.cdroms ?? []).map((d) => ({ ...d, readonly: true, to: cdroms })),
    ];
    for (const d of attach) {
      const path = file(d.path, d.to === cdroms ? 'install medium' : 'disk image');
      // Probed once, here, under the rules of a probed open (a probed qcow2 naming a backing file is refused); the
      // format is recorded and stated at every start, so what the guest writes never changes it.
      try {
        const format = d.format ?? (await probeFormat(path));
        await (await openDisk(path, { readOnly: true, format: d.format })).close();
        d.to.push({
          path,
          format,
          readonly: d.readonly ?? false,
          owned: false,
          ...(d.to === cdroms ? { media: 'cdrom' as const } : {}),
        });
      } catch (e) {
        if (e instanceof DiskError) throw new ManagerError('bad-input', `disk ${d.path}: ${e.message}`);
        throw e;
      }
    }
    const newDisks = (o.newDiskBytes ?? []).map((bytes, i) => {
      if (!Number.isSafeInteger(bytes) || bytes < 1024 * 1024)
        throw new ManagerError('bad-input', 'a new disk needs at least 1M');
      return { bytes, entry: { path: `disk${i}.qcow2`, format: 'qcow2' as const, readonly: false, owned: true } };
    });
    const def: Definition = {
      version: DEFINITION_VERSION,
      name: o.name,
      memoryMiB: memoryMiB(o.memoryBytes ?? 1024 ** 3, 'memory'),
      cpus: o.cpus ?? 1,
      boot: o.firmware
        ? { firmware: o.firmware === 'u-boot' ? o.firmware : file(o.firmware, 'boot loader') }
        : o.kernel
          ? {
              kernel: file(o.kernel, 'kernel'),
              ...(o.initrd ? { initrd: file(o.initrd, 'initrd') } : {}),
              ...(o.cmdline !== undefined ? { cmdline: o.cmdline } : {}),
            }
          : {
              image: o.image ?? 'debian',
              ...(o.cmdline !== undefined ? { cmdline: o.cmdline } : root ? { cmdline: root.cmdline } : {}),
            },
      // U-Boot tries the disks in this order: the boot order.
      disks:
        o.bootOrder === 'cdrom'
          ? [...cdroms, ...newDisks.map((d) => d.entry), ...disks]
          : [...(root ? [ROOT_OVERLAY] : []), ...newDisks.map((d) => d.entry), ...disks, ...cdroms],
      nics: (o.nics ?? []).map((n) => ({
        mode: n.mode,
        ...(n.socket !== undefined ? { socket: isAbsolute(n.socket) ? n.socket : resolve(n.socket) } : {}),
        ...(n.network !== undefined ? { network: n.network } : {}),
        ...(n.ip !== undefined ? { ip: n.ip } : {}),
        mac: n.mac ?? randomMac(),
      })),
      shares: (o.shares ?? []).map((s) => {
        const path = resolve(s.path);
        if (!existsSync(path) || !statSync(path).isDirectory())
          throw new ManagerError('bad-input', `shared directory not found: ${s.path}`);
        return { path, tag: s.tag, readonly: s.readonly ?? false };
      }),
      autostart: o.autostart ?? false,
      createdAt: new Date().toISOString(),
    };
    if (o.cloudInit) def.disks.push(SEED_DISK);
    checkDefinition(def, `VM ${o.name}`);
    for (const n of def.nics)
      if (n.network !== undefined) {
        existingNetwork(this.home, n.network);
        if (n.ip !== undefined) checkPinnedIp(this.home, n.network, n.ip);
      }
    await createFolder(this.home, def, async (paths) => {
      if (root)
        await (
          await import('../images/rootfs/root-disk.js')
        ).createRootOverlay(root.disk, diskPath(paths, ROOT_OVERLAY));
      for (const d of newDisks) await createQcow2(diskPath(paths, d.entry), d.bytes);
      if (o.cloudInit) await writeSeed(diskPath(paths, SEED_DISK), o.name, o.cloudInit.userData);
      return def;
    });
    return this.get(o.name);
  }

  /** Changes a stopped VM's definition. */
  async edit(name: string, o: EditOptions): Promise<VmDetails> {
    const paths = existingVm(this.home, name);
    await withLock(this.lockPath(), async () => {
      const obs = observeState(paths);
      if (isLive(obs))
        throw new ManagerError('wrong-state', `cannot edit ${name} while it is ${obs.state}: stop it first`);
      if (isSuspended(paths))
        throw new ManagerError(
          'wrong-state',
          `cannot edit ${name} while it is suspended: start and stop it first (or remove ${suspendedStatePath(paths)})`,
        );
      const def = readDefinition(paths);
      const next: Definition = { ...def, boot: { ...def.boot } };
      if (o.memoryBytes !== undefined) next.memoryMiB = memoryMiB(o.memoryBytes, 'memory');
      if (o.cpus !== undefined) next.cpus = o.cpus;
      if (o.cmdline !== undefined) next.boot.cmdline = o.cmdline;
      if (o.autostart !== undefined) next.autostart = o.autostart;
      checkDefinition(next, `VM ${name}`);
      await writeDefinition(paths, next);
    });
    return this.get(name);
  }

  /** Removes a stopped VM: its folder, with the disks created for it unless `keepDisks` (then their new paths). */
  async delete(name: string, o: { keepDisks?: boolean } = {}): Promise<{ keptDisks: string[] }> {
    const paths = existingVm(this.home, name);
    return withLock(this.lockPath(), async () => {
      const obs = observeState(paths);
      if (isLive(obs))
        throw new ManagerError('wrong-state', `cannot delete ${name} while it is ${obs.state}: stop it first`);
      let def: Definition;
      try {
        def = readDefinition(paths);
      } catch (e) {
        if (o.keepDisks) throw e;
        // A definition that does not parse does not keep its VM from being deleted.
        def = { name, disks: [] } as unknown as Definition;
      }
      return { keptDisks: await removeFolder(this.home, paths, def, o.keepDisks ?? false) };
    });
  }

  /** The memory budget and what the running VMs take of it. */
  memory(): { budget: MemoryBudget; running: { name: string; memoryBytes: number }[] } {
    const budget = memoryBudget(readConfig(this.home));
    const running = this.list()
      .filter((v) => v.pid !== undefined && v.memoryBytes !== undefined)
      .map((v) => ({ name: v.name, memoryBytes: v.memoryBytes! }));
    return { budget, running };
  }

  /**
   * Starts a VM in its own detached process and resolves once it runs. Admission control refuses it when its memory
   * does not fit the budget beside the running VMs, unless `forceMemory`. A missing guest image is pulled first.
   */
  async start(name: string, o: { forceMemory?: boolean; log?: (line: string) => void } = {}): Promise<VmSummary> {
    const paths = existingVm(this.home, name);
    const def = readDefinition(paths);
    if (def.boot.firmware === 'u-boot') {
      const { findCachedUboot, pullUboot } = await import('../images/firmware.js');
      if (!findCachedUboot()) await pullUboot({ log: o.log ?? (() => undefined) });
    }
    if (def.boot.image) {
      const { findCachedDebian, pullDebian } = await import('../images/debian.js');
      if (!(await findCachedDebian())) await pullDebian({ log: o.log ?? (() => undefined) });
    }
    return withLock(this.lockPath(), async () => {
      const obs = observeState(paths);
      if (isLive(obs)) throw new ManagerError('wrong-state', `${name} is already ${obs.state}`);
      if (!o.forceMemory) {
        const { budget, running } = this.memory();
        admit(
          name,
          def.memoryMiB * 1024 * 1024,
          running.filter((v) => v.name !== name),
          budget,
        );
      }
      return this.spawnVm(paths);
    });
  }

  /**
   * Starts the process of a VM whose machine arrives over `socket` (a live migration, src/migrate: the process gets
   * the connection as its file descriptor 3 and `env`), under admission control. Returns once it is spawned; the
   * caller follows its state.
   */
  async spawnIncoming(name: string, socket: Socket, env: Record<string, string>): Promise<void> {
    const paths = existingVm(this.home, name);
    const def = readDefinition(paths);
    await withLock(this.lockPath(), async () => {
      const { budget, running } = this.memory();
      admit(name, def.memoryMiB * 1024 * 1024, running, budget);
      await this.spawnVm(paths, { socket, env });
    });
  }

  private async spawnVm(paths: VmPaths, handoff?: { socket: Socket; env: Record<string, string> }): Promise<VmSummary> {
    rmSync(paths.state, { force: true });
    rmSync(paths.exitStatus, { force: true });
    if (existsSync(paths.processLog) && statSync(paths.processLog).size > PROCESS_LOG_CAP)
      renameSync(paths.processLog, `${paths.processLog}.1`);
    const logFd = openSync(paths.processLog, 'a', 0o600);
    let exited: string | null = null;
    try {
      const child = spawn('/bin/sh', ['-c', WAIT_SCRIPT, 'typevisor-vm', process.execPath, VM_PROCESS, paths.dir], {
        detached: true,
        stdio: handoff ? ['ignore', logFd, logFd, handoff.socket] : ['ignore', logFd, logFd],
        env: { ...process.env, ...handoff?.env, TYPEVISOR_EXIT_FILE: paths.exitStatus },
      });
      child.on('exit', (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with status ${code}`));
      child.on('error', (e) => (exited = e.message));
      child.unref();
    } finally {
      closeSync(logFd);
    }
    if (handoff) return this.summary(paths);
    const deadline = Date.now() + START_WAIT_MS;
    for (;;) {
      const obs = observeState(paths);
      if (obs.state === 'running' || obs.state === 'paused') return this.summary(paths);
      if (obs.state === 'stopped' || obs.state === 'crashed')
        throw new ManagerError(
          'failed',
          `${paths.name} did not start: ${obs.reason ?? obs.state} (see ${paths.processLog})`,
        );
      if (exited !== null && obs.pid === undefined)
        throw new ManagerError(
          'failed',
          `${paths.name} did not start: its process ${exited} (see ${paths.processLog})`,
        );
      if (Date.now() > deadline)
        throw new ManagerError('failed', `${paths.name} did not report running within ${START_WAIT_MS / 1000} s`);
      await sleep(50);
    }
  }

  /**
   * Starts every VM marked autostart that is not running, one after the other so that admission control counts each
   * one started before. One VM's failure (memory, a broken definition) does not stop the others.
   */
  async startAutostart(o: { log?: (line: string) => void } = {}): Promise<AutostartResult[]> {
    const out: AutostartResult[] = [];
    for (const name of listNames(this.home)) {
      const paths = existingVm(this.home, name);
      try {
        if (!readDefinition(paths).autostart) continue;
        if (isLive(observeState(paths))) {
          out.push({ name, outcome: 'running' });
          continue;
        }
        const v = await this.start(name, { log: o.log });
        out.push({ name, outcome: 'started', pid: v.pid });
      } catch (e) {
        out.push({ name, outcome: 'failed', error: (e as Error).message });
      }
    }
    return out;
  }

  /** Sends one action of the union to a running VM; the VM's refusal (wrong state) is a ManagerError. */
  async act(name: string, action: VmAction): Promise<unknown> {
    const paths = existingVm(this.home, name);
    const obs = observeState(paths);
    if (!isLive(obs)) throw new ManagerError('wrong-state', wrongStateMessage(action.action, obs.state));
    try {
      return await controlRequest(paths.controlSocket, action);
    } catch (e) {
      if (!(e instanceof NotServing)) throw e;
      const now = observeState(paths);
      throw new ManagerError('wrong-state', wrongStateMessage(action.action, now.state));
    }
  }

  /** Waits until the VM process has ended; resolves to its final state. */
  async waitForEnd(name: string, timeoutMs: number): Promise<ObservedState> {
    const paths = existingVm(this.home, name);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const obs = observeState(paths);
      if (!isLive(obs)) return obs;
      if (Date.now() > deadline)
        throw new ManagerError('failed', `${name} is still ${obs.state} after ${Math.round(timeoutMs / 1000)} s`);
      await sleep(100);
    }
  }

  /** Stops a VM: asks the guest to shut down, powers off after `timeoutMs` (at once with `force`); waits for the end. */
  async stop(name: string, o: { force?: boolean; timeoutMs?: number } = {}): Promise<ObservedState> {
    const timeoutMs = o.timeoutMs ?? 60_000;
    await this.endingAction(name, { action: 'stop', force: o.force ?? false, timeoutMs });
    return this.waitForEnd(name, timeoutMs + END_WAIT_MS);
  }

  /** An action that ends the VM: a process that closes the connection before replying has done it. */
  private async endingAction(name: string, action: VmAction, timeoutMs?: number): Promise<void> {
    const paths = existingVm(this.home, name);
    const obs = observeState(paths);
    if (!isLive(obs)) throw new ManagerError('wrong-state', wrongStateMessage(action.action, obs.state));
    try {
      await controlRequest(paths.controlSocket, action, timeoutMs);
    } catch (e) {
      if (!(e instanceof NotServing)) throw e;
    }
  }

  /**
   * Saves a running or paused VM's machine state in its folder and ends its process; the next start resumes it where
   * it was. The guest is paused first, so nothing it does after the save reaches its disks.
   */
  async suspend(name: string): Promise<{ stateFile: string; bytes: number }> {
    const paths = existingVm(this.home, name);
    return withLock(this.lockPath(), async () => {
      const obs = observeState(paths);
      if (!isLive(obs)) throw new ManagerError('wrong-state', wrongStateMessage('save', obs.state));
      // A guest agent freezes the guest's file systems first, so its disks are consistent in the saved state; the
      // resumed VM thaws them (docs/guest-tools.md). Without an agent the guest is paused as it is.
      if (obs.state === 'running') await this.act(name, FREEZE_FILE_SYSTEMS).catch(() => undefined);
      if (obs.state === 'running') await this.act(name, { action: 'pause' });
      const file = suspendedStatePath(paths);
      let info: { bytes: number };
      try {
        info = (await this.act(name, { action: 'save', path: file })) as { bytes: number };
      } catch (e) {
        // Resuming thaws what the freeze froze.
        if (obs.state === 'running') await this.act(name, { action: 'resume' }).catch(() => undefined);
        throw new ManagerError('failed', `cannot suspend ${name}: ${(e as Error).message}`);
      }
      await this.endingAction(name, { action: 'kill' }, 5000);
      await this.waitForEnd(name, END_WAIT_MS);
      return { stateFile: file, bytes: info.bytes };
    });
  }

  /** Ends a VM at once; a process that does not answer its control socket is killed (SIGKILL). */
  async kill(name: string): Promise<ObservedState> {
    const paths = existingVm(this.home, name);
    const pid = observeState(paths).pid;
    try {
      await this.endingAction(name, { action: 'kill' }, 5000);
    } catch (e) {
      if ((e instanceof ManagerError && e.kind === 'wrong-state') || pid === undefined) throw e;
      process.kill(pid, 'SIGKILL');
    }
    return this.waitForEnd(name, END_WAIT_MS);
  }

  /** Connects to a running VM's console: bytes written go to the guest, the guest's output arrives as data. */
  async console(name: string): Promise<Socket> {
    const paths = existingVm(this.home, name);
    const obs = observeState(paths);
    if (!isLive(obs)) throw new ManagerError('wrong-state', `${name} is ${obs.state}: its console needs it running`);
    return new Promise((ok, fail) => {
      const s = createConnection(paths.consoleSocket);
      s.once('connect', () => ok(s));
      s.once('error', (e) => fail(new ManagerError('failed', `${name}'s console: ${e.message}`)));
    });
  }

  /** Subscribes to a running VM's events (state changes); the subscription closes when the VM ends. */
  async subscribe(name: string, onEvent: (e: VmEvent) => void): Promise<Subscription> {
    const paths = existingVm(this.home, name);
    const obs = observeState(paths);
    if (!isLive(obs)) throw new ManagerError('wrong-state', wrongStateMessage('subscribe', obs.state));
    return subscribeEvents(paths.controlSocket, onEvent);
  }
}

/** The root disk overlay of a VM made with `rootDisk`: /dev/vda, backed by the cached root disk. */
const ROOT_OVERLAY = { path: 'root.qcow2', format: 'qcow2' as const, readonly: false, owned: true };

/** The cached Debian root disk and the command line that boots it, or a bad-input error saying how to build it. */
async function cachedRootDisk(o: CreateOptions): Promise<{ disk: string; cmdline: string }> {
  if (o.kernel || o.firmware || o.initrd)
    throw new ManagerError('bad-input', 'the root disk boots with the Debian image: no kernel, initrd or boot loader');
  const { findCachedDebian } = await import('../images/debian.js');
  const { findRootDisk, NO_HVC_GETTY } = await import('../images/rootfs/root-disk.js');
  const img = await findCachedDebian();
  const root = img ? findRootDisk(img.dir) : null;
  if (!root)
    throw new ManagerError(
      'bad-input',
      'the image debian-full is not built yet: `typevisor image pull debian-full` builds it (it takes a while)',
    );
  const cmdline = root.cmdline.includes(NO_HVC_GETTY) ? root.cmdline : `${root.cmdline} ${NO_HVC_GETTY}`;
  return { disk: root.disk, cmdline };
}
