// The events of every VM for /api/events: per-VM control subscriptions plus the manager's files, merged into one stream.
import type { VmEvent, VmState } from '../vmm/actions.js';
import { LIVE, type VmBackend, type VmView } from './backend.js';

export type HubMessage =
  | { event: 'list'; vms: VmView[]; at: string }
  | { event: 'state'; vm: string; state: VmState; reason?: string; at: string }
  | { event: 'created' | 'deleted'; vm: string; at: string }
  | { event: 'guest' | 'log'; vm: string; message: string; at: string };

/** How long to wait before subscribing again to a VM whose control socket refused. */
const RETRY_MS = 500;

type Listener = (message: HubMessage) => void;

interface Known {
  state: VmState;
  reason?: string;
}

export class EventHub {
  private readonly known = new Map<string, Known>();
  /** Open control-socket subscriptions, by VM name: their cancel functions. */
  private readonly subscriptions = new Map<string, Promise<(() => void) | null>>();
  private readonly listeners = new Set<Listener>();
  private unwatch: (() => void) | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly backend: VmBackend,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.unwatch = this.backend.watch(() => void this.refresh());
    await this.refresh();
  }

  /** Adds a listener; it first receives the current list. */
  async add(listener: Listener): Promise<() => void> {
    const vms = await this.backend.list();
    listener({ event: 'list', vms, at: new Date().toISOString() });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(message: HubMessage): void {
    for (const l of this.listeners) l(message);
  }

  /** Reads every VM's state again and tells what changed; calls made meanwhile run once more after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcile();
        } catch (e) {
          this.log(`events: cannot read the VMs: ${(e as Error).message}`);
        }
      } while (this.again && !this.closed);
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async reconcile(): Promise<void> {
    const vms = await this.backend.list();
    // A change reported while the list was read is newer than the list: announcing the list would step a VM back
    // to its old state for a moment. The loop in refresh() reads again instead.
    if (this.closed || this.again) return;
    const at = new Date().toISOString();
    const seen = new Set<string>();
    for (const vm of vms) {
      seen.add(vm.name);
      const before = this.known.get(vm.name);
      if (!before) this.emit({ event: 'created', vm: vm.name, at });
      // A state is announced once: the state file and the control socket report the same change, with or without
      // a reason, and clients want one event per change.
      if (!before || before.state !== vm.state) {
        this.known.set(vm.name, { state: vm.state, reason: vm.reason });
        this.emit({ event: 'state', vm: vm.name, state: vm.state, ...(vm.reason ? { reason: vm.reason } : {}), at });
      }
      if (LIVE.includes(vm.state)) this.follow(vm.name);
    }
    for (const name of [...this.known.keys()])
      if (!seen.has(name)) {
        this.known.delete(name);
        this.emit({ event: 'deleted', vm: name, at });
      }
  }

  /** Subscribes to a live VM's control socket (once); when it ends, the VM's state is read again. */
  private follow(name: string): void {
    if (this.subscriptions.has(name)) return;
    const ended = () => {
      this.subscriptions.delete(name);
      if (!this.closed) void this.refresh();
    };
    const onEvent = (e: VmEvent) => {
      if (e.event !== 'state') return this.emit({ event: e.event, vm: name, message: e.message, at: e.at });
      if (this.refreshing) this.again = true;
      const before = this.known.get(name);
      if (before && before.state === e.state) return;
      this.known.set(name, { state: e.state, reason: e.reason });
      this.emit({ event: 'state', vm: name, state: e.state, ...(e.reason ? { reason: e.reason } : {}), at: e.at });
    };
    const sub = this.backend.subscribe(name, onEvent, ended).catch(() => {
      // The process went away between the listing and the connection (its state on disk tells why), or has not
      // opened its socket yet: look again in a moment rather than at once.
      const t = setTimeout(ended, RETRY_MS);
      t.unref();
      return null;
    });
    this.subscriptions.set(name, sub);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    this.listeners.clear();
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    for (const cancel of await Promise.all(subs)) cancel?.();
    await this.refreshing;
  }
}
