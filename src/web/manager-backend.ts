// The API's backend on the VM manager's library: the definitions and VM processes the CLI uses, and a watch on their files.
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parseSize } from '../cli/size.js';
import { Manager, type VmDetails, type VmSummary } from '../manager/client.js';
import { vmsDir } from '../manager/paths.js';
import type { VmAction, VmEvent } from '../vmm/actions.js';
import { BackendError, type CreateRequest, type EditRequest, type VmBackend, type VmView } from './backend.js';

const MiB = 1024 * 1024;
/** The files of a VM folder whose change can mean a new state (the console log is not one). */
const STATE_FILES = new Set(['vm.json', 'state.json', 'exit-status']);

function view(s: VmSummary | VmDetails): VmView {
  const v: VmView = { name: s.name, state: s.state };
  if (s.reason !== undefined) v.reason = s.reason;
  if (s.cpus !== undefined) v.cpus = s.cpus;
  if (s.memoryBytes !== undefined) v.memoryMiB = Math.round(s.memoryBytes / MiB);
  if (s.rssBytes !== undefined) v.rssBytes = s.rssBytes;
  if (s.pid !== undefined) v.pid = s.pid;
  if (s.startedAt !== undefined) {
    v.startedAt = s.startedAt;
    const t = Date.parse(s.startedAt);
    if (s.pid !== undefined && Number.isFinite(t)) v.uptimeMs = Math.max(0, Date.now() - t);
  }
  if (s.error !== undefined) v.error = s.error;
  if ('definition' in s && s.definition) v.definition = s.definition as Record<string, unknown>;
  if ('disks' in s) v.disks = s.disks;
  return v;
}

function bytes(size: number | string, what: string): number {
  if (typeof size === 'number') return size;
  try {
    return parseSize(size, what);
  } catch (e) {
    throw new BackendError('bad-input', (e as Error).message);
  }
}

export class ManagerBackend implements VmBackend {
  constructor(readonly manager: Manager) {}

  async list(): Promise<VmView[]> {
    return this.manager.list().map(view);
  }

  async get(name: string): Promise<VmView> {
    return view(this.manager.get(name));
  }

  async create(r: CreateRequest): Promise<VmView> {
    const vm = await this.manager.create({
      name: r.name,
      memoryBytes: r.memoryMiB !== undefined ? r.memoryMiB * MiB : undefined,
      cpus: r.cpus,
      image: r.image,
      kernel: r.kernel,
      initrd: r.initrd,
      cmdline: r.cmdline,
      disks: r.disks,
      newDiskBytes: r.newDisks?.map((s) => bytes(s, 'disk size')),
      nics: r.nics,
      autostart: r.autostart,
    });
    return view(vm);
  }

  async edit(name: string, r: EditRequest): Promise<VmView> {
    const vm = await this.manager.edit(name, {
      memoryBytes: r.memoryMiB !== undefined ? r.memoryMiB * MiB : undefined,
      cpus: r.cpus,
      cmdline: r.cmdline,
      autostart: r.autostart,
    });
    return view(vm);
  }

  async delete(name: string, options: { keepDisks: boolean }): Promise<void> {
    await this.manager.delete(name, options);
  }

  async start(name: string, options: { forceMemory: boolean }): Promise<VmView> {
    await this.manager.start(name, options);
    return this.get(name);
  }

  async action(name: string, action: VmAction): Promise<unknown> {
    // kill also ends a process that no longer answers its control socket.
    if (action.action === 'kill') return this.manager.kill(name);
    return this.manager.act(name, action);
  }

  console(name: string) {
    return this.manager.console(name);
  }

  async subscribe(name: string, onEvent: (e: VmEvent) => void, onEnd: () => void): Promise<() => void> {
    const sub = await this.manager.subscribe(name, onEvent);
    void sub.closed.then(onEnd);
    return () => sub.close();
  }

  /** inotify on $TYPEVISOR_HOME, its vms folder and each VM's folder (state files only). */
  watch(onChange: () => void): () => void {
    const home = this.manager.home;
    const root = vmsDir(home);
    const watchers = new Map<string, FSWatcher>();
    let closed = false;
    const add = (dir: string, relevant: (file: string) => boolean) => {
      if (watchers.has(dir)) return;
      try {
        const w = watch(dir, { persistent: false }, (_event, file) => {
          if (file === null || relevant(String(file))) changed();
        });
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
          changed();
        });
        watchers.set(dir, w);
      } catch {
        // not there (yet): the watch on its parent sees it appear
      }
    };
    const sync = () => {
      if (closed) return;
      add(home, (f) => f === 'vms');
      add(root, () => true);
      let names: string[] = [];
      try {
        names = readdirSync(root).filter((n) => !n.startsWith('.'));
      } catch {
        names = [];
      }
      const dirs = new Set(names.map((n) => join(root, n)));
      for (const d of dirs) add(d, (f) => STATE_FILES.has(f));
      for (const [d, w] of watchers)
        if (d !== home && d !== root && !dirs.has(d)) {
          w.close();
          watchers.delete(d);
        }
    };
    const changed = () => {
      sync();
      if (!closed) onChange();
    };
    sync();
    return () => {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    };
  }
}
