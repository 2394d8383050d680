// A VM backend for the API server's tests: VMs as folders with a vm.json, a "guest" that echoes its console in upper case.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { VmStats } from '../../src/vmm/stats.js';
import { ACTION_STATES, wrongStateMessage, type VmAction, type VmEvent, type VmState } from '../../src/vmm/actions.js';
import {
  BackendError,
  type CloneRequest,
  type CreateRequest,
  type ForwardRequest,
  type SnapshotTreeView,
  type SnapshotView,
  type EditRequest,
  type HostView,
  type NetworkView,
  type VmBackend,
  type VmView,
} from '../../src/web/backend.js';

const GiB = 1024 ** 3;

interface FakeVm {
  name: string;
  state: VmState;
  cpus: number;
  memoryMiB: number;
  startedAt?: number;
  consoles: Set<Duplex>;
  listeners: Set<{ onEvent: (e: VmEvent) => void; onEnd: () => void }>;
  resizes: { cols: number; rows: number }[];
  suspended?: boolean;
  /** The network its first card joins. */
  network?: string;
  /** Everything the fake guest wrote to its console: the console log. */
  output: Buffer[];
  snapshots: SnapshotTreeView;
  shares?: CreateRequest['shares'];
  /** What a clone request asked for. */
  clonedFrom?: { source: string; snapshot?: string; linked: boolean };
}

/**
 * A VM process's `stats` answer after `ms` of running, at steady rates: 50 million instructions a second, 90% of
 * them translated, 20% of the time in U and 50% in S, 100 timer interrupts and 300 page faults, 100 set_timer calls,
 * 1000 UART accesses, 64 KiB read from disk and 1500 bytes received a second.
 */
export function fakeStats(ms: number): VmStats {
  const s = ms / 1000;
  return {
    wallMs: ms,
    harts: 1,
    instructions: 50e6 * s,
    instructionsByMode: { U: 10e6 * s, S: 40e6 * s },
    msByMode: { U: 0.2 * ms, S: 0.5 * ms },
    hypervisorMs: 0.01 * ms,
    translator: { translatedInstructions: 45e6 * s, interpretedInstructions: 5e6 * s },
    exceptions: [{ cause: 13, name: 'load page fault', count: 300 * s }],
    interrupts: [{ cause: 5, name: 'supervisor timer', count: 100 * s }],
    hypercalls: [{ name: 'TIME.set_timer', count: 100 * s }],
    mmioExits: [{ device: 'uart0', count: 1000 * s }],
    disks: [{ device: 'virtio-blk /tmp/disk.qcow2', reads: 16 * s, writes: 0, readBytes: 65536 * s, writtenBytes: 0 }],
    nics: [{ device: 'virtio-net 0', rxFrames: s, txFrames: 0, rxBytes: 1500 * s, txBytes: 0 }],
  } as VmStats;
}

export class FakeVmBackend implements VmBackend {
  readonly vms = new Map<string, FakeVm>();
  /** The forwards of the one network, "lab". */
  readonly forwards: NetworkView['forwards'] = [];
  private watchers = new Set<() => void>();

  constructor(readonly home: string) {
    mkdirSync(join(home, 'vms'), { recursive: true });
  }

  /** Every file under the home folder: what "nothing changed on disk" compares. */
  files(): string[] {
    return readdirSync(this.home, { recursive: true }).map(String).sort();
  }

  private find(name: string): FakeVm {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new BackendError('bad-input', `bad VM name "${name}"`);
    const vm = this.vms.get(name);
    if (!vm) throw new BackendError('not-found', `no VM named "${name}"`);
    return vm;
  }

  private view(vm: FakeVm): VmView {
    const live = vm.state === 'running' || vm.state === 'paused';
    return {
      name: vm.name,
      state: vm.state,
      cpus: vm.cpus,
      memoryMiB: vm.memoryMiB,
      ...(live ? { rssBytes: 50 << 20, uptimeMs: Date.now() - (vm.startedAt ?? 0), pid: 4242 } : {}),
      diskBytes: 3 << 20,
      nics: vm.network ? [{ mode: 'network', network: vm.network, mac: '52:54:00:00:00:01' }] : [],
      ...(vm.suspended ? { suspended: true, reason: 'suspended: start resumes it' } : {}),
      definition: { version: 1, name: vm.name, memoryMiB: vm.memoryMiB, cpus: vm.cpus },
    };
  }

  private setState(vm: FakeVm, state: VmState): void {
    vm.state = state;
    const at = new Date().toISOString();
    for (const l of vm.listeners) l.onEvent({ event: 'state', state, at });
    if (state === 'stopped') {
      for (const l of vm.listeners) l.onEnd();
      vm.listeners.clear();
      for (const c of vm.consoles) c.push(null);
      vm.consoles.clear();
    }
  }

  async list(): Promise<VmView[]> {
    return [...this.vms.values()].sort((a, b) => a.name.localeCompare(b.name)).map((v) => this.view(v));
  }

  async get(name: string): Promise<VmView> {
    return this.view(this.find(name));
  }

  async create(r: CreateRequest): Promise<VmView> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(r.name)) throw new BackendError('bad-input', `bad VM name "${r.name}"`);
    if (this.vms.has(r.name)) throw new BackendError('exists', `a VM named "${r.name}" exists`);
    const vm: FakeVm = {
      name: r.name,
      state: 'created',
      cpus: r.cpus ?? 1,
      memoryMiB: r.memoryMiB ?? 1024,
      consoles: new Set(),
      listeners: new Set(),
      resizes: [],
      output: [],
      network: r.nics?.find((n) => n.mode === 'network')?.network,
      ...(r.shares ? { shares: r.shares } : {}),
      snapshots: { current: null, snapshots: [] },
    };
    mkdirSync(join(this.home, 'vms', r.name));
    writeFileSync(join(this.home, 'vms', r.name, 'vm.json'), JSON.stringify({ name: r.name }));
    this.vms.set(r.name, vm);
    return this.view(vm);
  }

  async edit(name: string, r: EditRequest): Promise<VmView> {
    const vm = this.find(name);
    if (vm.state === 'running' || vm.state === 'paused') throw new BackendError('wrong-state', `VM "${name}" runs`);
    if (r.cpus) vm.cpus = r.cpus;
    if (r.memoryMiB) vm.memoryMiB = r.memoryMiB;
    return this.view(vm);
  }

  async delete(name: string): Promise<void> {
    const vm = this.find(name);
    if (vm.state === 'running' || vm.state === 'paused') throw new BackendError('wrong-state', `VM "${name}" runs`);
    this.vms.delete(name);
    rmSync(join(this.home, 'vms', name), { recursive: true });
  }

  async start(name: string): Promise<VmView> {
    const vm = this.find(name);
    if (vm.state === 'running' || vm.state === 'paused')
      throw new BackendError('wrong-state', `VM "${name}" runs already`);
    vm.startedAt = Date.now();
    vm.suspended = false;
    this.setState(vm, 'running');
    return this.view(vm);
  }

  async suspend(name: string): Promise<VmView> {
    const vm = this.find(name);
    if (vm.state !== 'running' && vm.state !== 'paused')
      throw new BackendError('wrong-state', `VM "${name}" does not run`);
    this.setState(vm, 'stopped');
    vm.suspended = true;
    return this.view(vm);
  }

  async action(name: string, a: VmAction): Promise<unknown> {
    const vm = this.find(name);
    if (!ACTION_STATES[a.action].includes(vm.state))
      throw new BackendError('wrong-state', wrongStateMessage(a.action, vm.state));
    switch (a.action) {
      case 'pause':
        this.setState(vm, 'paused');
        break;
      case 'resume':
        this.setState(vm, 'running');
        break;
      case 'stop':
      case 'kill':
        this.setState(vm, 'stopped');
        break;
      case 'console-size':
        vm.resizes.push({ cols: a.cols, rows: a.rows });
        break;
      case 'stats':
        return fakeStats(Date.now() - (vm.startedAt ?? Date.now()));
      default:
        break;
    }
    return { state: vm.state };
  }

  async console(name: string): Promise<Duplex> {
    const vm = this.find(name);
    const consoles = vm.consoles;
    const stream: Duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        const echo = Buffer.from(chunk.toString('latin1').toUpperCase(), 'latin1');
        vm.output.push(echo);
        // Every viewer sees the guest's output, as with a real console socket.
        for (const c of consoles) c.push(echo);
        done();
      },
      destroy(err, done) {
        consoles.delete(stream);
        done(err);
      },
    });
    consoles.add(stream);
    return stream;
  }

  async subscribe(name: string, onEvent: (e: VmEvent) => void, onEnd: () => void): Promise<() => void> {
    const vm = this.find(name);
    const l = { onEvent, onEnd };
    vm.listeners.add(l);
    return () => vm.listeners.delete(l);
  }

  async host(): Promise<HostView> {
    const used = [...this.vms.values()].filter((v) => v.state === 'running' || v.state === 'paused');
    return {
      memory: {
        totalBytes: 8 * GiB,
        availableBytes: 5 * GiB,
        budgetBytes: 6 * GiB,
        reserveBytes: 2 * GiB,
        usedBytes: used.reduce((sum, v) => sum + v.memoryMiB * (1 << 20), 0),
        rule: 'host 8G minus 2G kept for the host',
      },
      imageCached: true,
    };
  }

  /** One network, "lab", with the VMs whose create request named it. */
  async networks(): Promise<NetworkView[]> {
    const vms = [...this.vms.values()].filter((v) => v.network === 'lab');
    return [
      {
        name: 'lab',
        mode: 'nat',
        subnet: '10.0.10.0/24',
        gateway: '10.0.10.1',
        running: vms.length > 0,
        vms: vms.map((v, i) => ({ name: v.name, mac: `52:54:00:00:00:0${i + 1}`, ip: `10.0.10.${i + 10}` })),
        forwards: this.forwards,
      },
    ];
  }

  async consoleLog(name: string, maxBytes: number): Promise<Buffer> {
    const all = Buffer.concat(this.find(name).output);
    return all.subarray(Math.max(0, all.length - maxBytes));
  }

  async clone(source: string, r: CloneRequest): Promise<VmView> {
    const from = this.find(source);
    if (r.snapshot === undefined && (from.state === 'running' || from.state === 'paused'))
      throw new BackendError('wrong-state', `cannot clone ${source} while it is ${from.state}`);
    if (r.snapshot !== undefined) this.snapshot(from, r.snapshot);
    await this.create({ name: r.name, cpus: from.cpus, memoryMiB: from.memoryMiB });
    const vm = this.find(r.name);
    vm.network = from.network;
    vm.clonedFrom = { source, ...(r.snapshot !== undefined ? { snapshot: r.snapshot } : {}), linked: !!r.linked };
    return this.view(vm);
  }

  private snapshot(vm: FakeVm, name: string): SnapshotView {
    const s = vm.snapshots.snapshots.find((x) => x.name === name);
    if (!s) throw new BackendError('not-found', `${vm.name} has no snapshot named "${name}"`);
    return s;
  }

  async snapshots(name: string): Promise<SnapshotTreeView> {
    return structuredClone(this.find(name).snapshots);
  }

  async takeSnapshot(name: string, snapshot: string, description?: string): Promise<SnapshotView> {
    const vm = this.find(name);
    if (vm.snapshots.snapshots.some((s) => s.name === snapshot))
      throw new BackendError('exists', `${name} already has a snapshot named "${snapshot}"`);
    const s: SnapshotView = {
      name: snapshot,
      parent: vm.snapshots.current,
      createdAt: new Date().toISOString(),
      withState: vm.state === 'running' || vm.state === 'paused' || !!vm.suspended,
      ...(description !== undefined ? { description } : {}),
    };
    vm.snapshots.snapshots.push(s);
    vm.snapshots.current = snapshot;
    return s;
  }

  async restoreSnapshot(name: string, snapshot: string): Promise<VmView> {
    const vm = this.find(name);
    const s = this.snapshot(vm, snapshot);
    if (vm.state === 'running' || vm.state === 'paused') this.setState(vm, 'stopped');
    vm.suspended = s.withState;
    vm.snapshots.current = snapshot;
    for (const w of this.watchers) w();
    return this.view(vm);
  }

  async deleteSnapshot(name: string, snapshot: string): Promise<void> {
    const vm = this.find(name);
    const s = this.snapshot(vm, snapshot);
    for (const x of vm.snapshots.snapshots) if (x.parent === snapshot) x.parent = s.parent;
    vm.snapshots.snapshots = vm.snapshots.snapshots.filter((x) => x !== s);
    if (vm.snapshots.current === snapshot) vm.snapshots.current = s.parent;
  }

  async addForward(network: string, r: ForwardRequest): Promise<void> {
    if (network !== 'lab') throw new BackendError('not-found', `no network named ${network}`);
    const name = r.name ?? `tcp-${r.hostPort}`;
    if (this.forwards.some((f) => f.name === name))
      throw new BackendError('exists', `network ${network} already has a forward named ${name}`);
    const { hostAddr = '127.0.0.1', hostPort, vm, guestPort } = r;
    this.forwards.push({ name, proto: 'tcp', hostAddr, hostPort, vm, guestPort, status: 'listening' });
  }

  async removeForward(network: string, forward: string): Promise<void> {
    const i = this.forwards.findIndex((f) => f.name === forward);
    if (network !== 'lab' || i < 0) throw new BackendError('not-found', `network ${network} has no forward ${forward}`);
    this.forwards.splice(i, 1);
  }

  watch(onChange: () => void): () => void {
    this.watchers.add(onChange);
    return () => this.watchers.delete(onChange);
  }

  /** Changes a VM's state behind the server's back, as another client would. */
  crash(name: string): void {
    const vm = this.find(name);
    vm.state = 'crashed';
    for (const l of vm.listeners) l.onEnd();
    vm.listeners.clear();
    for (const w of this.watchers) w();
  }
}
