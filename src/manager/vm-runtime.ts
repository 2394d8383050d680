// One VM's machine inside its VM process: built from the definition, driven through the action union's lifecycle.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { HypervisorFault, VirtMachine } from '../boards/virt/virt-machine.js';
import { buildVirtioDevices } from '../cli/devices.js';
import { runMachine, Waker } from '../vmm/run-loop.js';
import { collectStats, formatStats } from '../vmm/stats.js';
import { ACTION_STATES, wrongStateMessage, type VmAction, type VmState } from '../vmm/actions.js';
import type { Definition } from './definition.js';
import { ManagerError } from './errors.js';

/** Resets closer together than this, this many times in a row, are a reset loop: the VM crashes. */
const RESET_LOOP_COUNT = 5;
const RESET_LOOP_WINDOW_MS = 10_000;
/** How long `stop` waits for the guest to power off after the shutdown request, unless told. */
export const DEFAULT_STOP_TIMEOUT_MS = 60_000;

export interface VmRuntimeHooks {
  consoleOut(bytes: Uint8Array): void;
  onState(state: VmState, reason?: string): void;
  /** Messages about the VM (not guest output) for the process log. */
  log(line: string): void;
}

export interface VmEnd {
  state: 'stopped' | 'crashed';
  reason: string;
}

/** An action that ended the run loop, and what the lifecycle does next. */
type Interruption = 'pause' | 'poweroff' | 'kill' | 'reset';

/** Where the definition's boot files are: the cached image's, or its own. */
async function resolveBoot(def: Definition): Promise<{ kernel: string; initrd?: string; cmdline: string }> {
  if (def.boot.image) {
    const { findCachedDebian } = await import('../images/debian.js');
    const img = await findCachedDebian();
    if (!img)
      throw new ManagerError('failed', 'the debian image is not in the cache: run `typevisor image pull debian`');
    return { kernel: img.kernel, initrd: def.boot.initrd ?? img.initrd, cmdline: def.boot.cmdline ?? img.cmdline };
  }
  return { kernel: def.boot.kernel!, initrd: def.boot.initrd, cmdline: def.boot.cmdline ?? 'console=ttyS0' };
}

export class VmRuntime {
  state: VmState = 'created';
  private readonly waker = new Waker();
  private abort = new AbortController();
  private interruption: Interruption | null = null;
  private resumed: ((i: Interruption | null) => void) | null = null;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly startedMs = performance.now();
  private endReason = '';

  private constructor(
    readonly def: Definition,
    private readonly machine: VirtMachine,
    private readonly closers: (() => Promise<void> | void)[],
    private readonly hooks: VmRuntimeHooks,
  ) {
    machine.onInterrupt = () => this.waker.notify();
  }

  static async build(def: Definition, vmDir: string, hooks: VmRuntimeHooks): Promise<VmRuntime> {
    const boot = await resolveBoot(def);
    const read = async (path: string, what: string) => {
      try {
        return new Uint8Array(await readFile(path));
      } catch (e) {
        throw new ManagerError('failed', `cannot read the ${what} ${path}: ${(e as Error).message}`);
      }
    };
    const kernel = await read(boot.kernel, 'kernel');
    const initrd = boot.initrd ? await read(boot.initrd, 'initrd') : undefined;
    const disks = def.disks.map((d) => ({
      path: isAbsolute(d.path) ? d.path : join(vmDir, d.path),
      readOnly: d.readonly,
      format: d.format,
    }));
    const nics = def.nics.map((n) => ({
      kind: n.mode,
      path: n.socket,
      mac: Uint8Array.from(n.mac.split(':').map((h) => parseInt(h, 16))),
    }));
    const built = await buildVirtioDevices(disks, nics, (b) => hooks.consoleOut(b));
    try {
      const machine = new VirtMachine({
        memoryBytes: def.memoryMiB * 1024 * 1024,
        cpus: def.cpus,
        kernel,
        kernelName: boot.kernel,
        initrd,
        cmdline: boot.cmdline,
        consoleOut: (b) => hooks.consoleOut(b),
        virtio: built.devices,
      });
      return new VmRuntime(def, machine, built.closers, hooks);
    } catch (e) {
      for (const c of built.closers) await c();
      throw e;
    }
  }

  input(bytes: Uint8Array): void {
    this.machine.input(bytes);
    this.waker.notify();
  }

  private stateWaiters: (() => void)[] = [];

  private setState(state: VmState, reason?: string): void {
    this.state = state;
    this.hooks.onState(state, reason);
    this.wakeStateWaiters();
  }

  private wakeStateWaiters(): void {
    const w = this.stateWaiters;
    this.stateWaiters = [];
    for (const f of w) f();
  }

  /** Resolves once the lifecycle reaches `state` (or the VM ends). */
  private async reach(state: VmState): Promise<void> {
    while (this.state !== state && !this.ended) await new Promise<void>((r) => this.stateWaiters.push(r));
  }
  private ended = false;

  /** Ends the run loop (or the pause) so the lifecycle can act on `what`. */
  private interrupt(what: Interruption): void {
    if (this.resumed) {
      const r = this.resumed;
      this.resumed = null;
      r(what);
      return;
    }
    this.interruption = what;
    this.abort.abort();
    this.waker.notify();
  }

  /** Performs one action of the union; an action that does not fit the state is a `wrong-state` error. */
  async act(a: VmAction): Promise<unknown> {
    if (!ACTION_STATES[a.action].includes(this.state))
      throw new ManagerError('wrong-state', wrongStateMessage(a.action, this.state));
    switch (a.action) {
      case 'info':
        return {
          name: this.def.name,
          state: this.state,
          pid: process.pid,
          uptimeMs: Math.round(performance.now() - this.startedMs),
          memoryBytes: this.def.memoryMiB * 1024 * 1024,
          cpus: this.def.cpus,
        };
      case 'stats':
        return { report: formatStats(collectStats(this.machine, performance.now() - this.startedMs)) };
      case 'pause':
        this.interrupt('pause');
        await this.reach('paused');
        return { state: this.state };
      case 'resume':
        this.interrupt('pause'); // the pause wait returns; the loop runs again
        await this.reach('running');
        return { state: this.state };
      case 'stop':
        return this.stop(a.force === true, a.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
      case 'kill':
        this.endReason = 'killed (kill action)';
        this.interrupt('kill');
        return { state: 'stopped' };
      case 'reset':
        this.interrupt('reset');
        return { state: this.state };
      case 'console-size':
        // The stock kernel's consoles (ttyS0, hvc0 without VIRTIO_CONSOLE_F_SIZE) do not learn a size: nothing to do.
        return { cols: a.cols, rows: a.rows };
      case 'subscribe':
        return { state: this.state };
    }
  }

  private stop(force: boolean, timeoutMs: number): unknown {
    // The guest has no shutdown request to receive yet (no power key on this board): stop powers off at once.
    void timeoutMs;
    this.endReason = force
      ? 'powered off (stop --force)'
      : 'powered off (stop; the guest cannot be asked to shut down)';
    this.interrupt('poweroff');
    return { state: 'stopped' };
  }

  /** Boots and runs until the VM stops for good; never throws (a fault is a crash with its reason). */
  async run(): Promise<VmEnd> {
    try {
      this.machine.boot();
      this.setState('running');
      return await this.loop();
    } catch (e) {
      const reason = e instanceof HypervisorFault ? `hypervisor fault: ${e.message}` : `error: ${(e as Error).message}`;
      this.hooks.log(reason);
      return { state: 'crashed', reason: reason.split('\n')[0] };
    } finally {
      this.ended = true;
      this.wakeStateWaiters();
      clearTimeout(this.stopTimer);
      for (const c of this.closers) await Promise.resolve(c()).catch((e: Error) => this.hooks.log(e.message));
    }
  }

  private async loop(): Promise<VmEnd> {
    const resets: number[] = [];
    for (;;) {
      const outcome = await runMachine(this.machine, this.waker, { signal: this.abort.signal });
      if (outcome.kind === 'quit') {
        let what = this.interruption;
        this.interruption = null;
        this.abort = new AbortController();
        if (what === 'pause') {
          this.setState('paused');
          what = await new Promise<Interruption | null>((r) => (this.resumed = r));
          if (what === 'pause') {
            this.setState('running');
            continue;
          }
        }
        if (what === 'reset') {
          this.machine.boot();
          this.setState('running');
          continue;
        }
        return { state: 'stopped', reason: this.endReason || 'stopped' };
      }
      if (outcome.kind === 'reset') {
        const now = performance.now();
        resets.push(now);
        while (resets.length && now - resets[0] > RESET_LOOP_WINDOW_MS) resets.shift();
        if (resets.length >= RESET_LOOP_COUNT)
          return {
            state: 'crashed',
            reason: `the guest reset ${resets.length} times within ${RESET_LOOP_WINDOW_MS / 1000} s (reset loop)`,
          };
        this.machine.boot();
        continue;
      }
      if (outcome.kind === 'exit') return { state: 'stopped', reason: `the guest exited with code ${outcome.code}` };
      return { state: 'stopped', reason: 'the guest powered off' };
    }
  }
}
