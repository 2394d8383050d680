// A virtual machine with a lifecycle: the board, its run loop, reset policy, console attachments and the closing of disks.
import { HypervisorFault, type VirtMachine } from '../boards/virt/virt-machine.js';
import {
  ACTION_STATES,
  wrongStateMessage,
  type ControlErrorCode,
  type VmAction,
  type VmActionName,
  type VmLocalActionName,
  type VmEvent,
  type VmInfo,
  type VmState,
} from './actions.js';
import { ConsoleHub, type ConsoleSink } from './console-hub.js';
import { runMachine, Waker, type RunLoopOptions } from './run-loop.js';
import { collectStats, type VmStats } from './stats.js';
import {
  loadMachineState,
  saveMachine,
  captureMachineState,
  prepareCapture,
  saveMachineState,
  writeCapturedState,
  type CapturedState,
  setMachineState,
  waitForDevices,
  type MachineState,
  type StateFileInfo,
} from '../state/index.js';
import type { BlockBackend } from '../disk/backend.js';
import { Qcow2Backend } from '../disk/qcow2/qcow2.js';
import { AgentError, type GuestAgent } from '../agent/client.js';
import { freezeFileSystems, syncGuestClock } from '../agent/commands.js';

/** Guest resets closer together than RESET_LOOP_WINDOW_MS, RESET_LOOP_COUNT times in a row, are a reset loop. */
export const RESET_LOOP_COUNT = 5;
export const RESET_LOOP_WINDOW_MS = 10_000;
/** How long `stop` waits for the guest to power off after pressing the power key. */
export const DEFAULT_STOP_TIMEOUT_MS = 60_000;

/** An action that does not fit the VM's state, or a malformed one: `code` is the control protocol's error code. */
export class VmError extends Error {
  override name = 'VmError';
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The guest's timer clock (10 MHz ticks): it stands still while the VM is paused, so a resumed guest does not see the
 * pause as a stall (no RCU stall or soft-lockup reports, no burst of expired timers).
 */
export class GuestClock {
  private base = performance.now();
  private pausedAt: number | undefined;
  readonly now = (): number => Math.floor(((this.pausedAt ?? performance.now()) - this.base) * 10000);
  pause(): void {
    this.pausedAt ??= performance.now();
  }
  resume(): void {
    if (this.pausedAt === undefined) return;
    this.base += performance.now() - this.pausedAt;
    this.pausedAt = undefined;
  }
  /** Continues from `ticks` (a restored machine's clock): no jump backwards, no burst of missed timers. */
  set(ticks: number): void {
    this.base = (this.pausedAt ?? performance.now()) - ticks / 10000;
  }
}

/** How a VM's run ended. */
export type VmEnd =
  | { kind: 'poweroff' }
  /** The guest wrote an exit status to the test device. */
  | { kind: 'exit'; code: number }
  /** The guest reset the machine and the VM was built not to reboot. */
  | { kind: 'reset' }
  /** The host powered it off (kill, stop --force, the stop timeout, a VM without a power key). */
  | { kind: 'killed'; reason: string }
  | { kind: 'fault'; message: string }
  | { kind: 'reset-loop'; message: string }
  /** The guest can never go on: a hart's trap handler faults at its own first instruction. */
  | { kind: 'stuck'; message: string }
  /** A bug: an exception from the machine or the loop. */
  | { kind: 'error'; message: string; error: unknown };

export interface VmParts {
  name: string;
  board: VirtMachine;
  /** The console hub the board's console devices write to. */
  console: ConsoleHub;
  /** The clock the board was built with. */
  clock: GuestClock;
  cmdline: string;
  /** Closes disks and backends; run once, whatever ends the VM. */
  closers: (() => Promise<void> | void)[];
  /** Presses the guest's power key (a shutdown request); absent when the board has no such device. */
  powerButton?: () => void;
  /** The guest agent's host end (docs/guest-tools.md); absent when the board has no agent port. */
  agent?: GuestAgent;
  /** Tells the guest the console's terminal size, where a device can. */
  resizeConsole?: (cols: number, rows: number) => void;
  /** The disks in the definition's order, for internal snapshots of the writable qcow2 ones. */
  disks?: { path: string; backend: BlockBackend }[];
  /** On a guest reset: boot again (default) or end the VM. */
  reboot?: boolean;
  runLoop?: Omit<RunLoopOptions, 'signal' | 'pump'>;
}

export class Vm {
  readonly name: string;
  readonly board: VirtMachine;
  readonly console: ConsoleHub;
  private readonly clock: GuestClock;
  private readonly parts: VmParts;
  private readonly waker = new Waker();
  private readonly listeners = new Set<(e: VmEvent) => void>();
  private _state: VmState = 'created';
  private reason: string | undefined;
  private startedAt: number | undefined;
  private exitCode: number | undefined;
  /** Ends the current stretch of guest execution at the loop's next turn. */
  private segment: AbortController | undefined;
  /** Resolves the loop's wait while paused. */
  private unpark: (() => void) | undefined;
  /** Resolves pause() once the loop is parked. */
  private parkedWaiters: (() => void)[] = [];
  private parked = false;
  private resetRequested = false;
  private killReason: string | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly resets: number[] = [];
  /** Disks and backends being closed (once, whatever closes them first). */
  private closing: Promise<string[]> | undefined;
  private resolveFinished!: (end: VmEnd) => void;
  /** Resolves when the VM is stopped or crashed and its disks are closed. */
  readonly finished: Promise<VmEnd>;

  constructor(parts: VmParts) {
    this.parts = parts;
    this.name = parts.name;
    this.board = parts.board;
    this.console = parts.console;
    this.clock = parts.clock;
    this.finished = new Promise((r) => (this.resolveFinished = r));
    this.board.onInterrupt = () => this.waker.notify();
    this.board.onInputSpace = () => void this.pumpInput();
  }

  get state(): VmState {
    return this._state;
  }

  /** Adds an event listener; returns the function that removes it. Listeners must not throw. */
  subscribe(listener: (e: VmEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A message about the guest (from the board's devices), as a `guest` event. */
  guestMessage(message: string): void {
    this.emit({ event: 'guest', message, at: new Date().toISOString() });
  }

  /** A host-side problem of this VM (a failed network backend), as a `log` event. */
  hostMessage(message: string): void {
    this.emit({ event: 'log', message, at: new Date().toISOString() });
  }

  /** Performs one action of the union; a `VmError` with code 'wrong-state' if it does not fit the state. */
  async act(a: VmAction): Promise<unknown> {
    switch (a.action) {
      case 'start':
        return this.start();
      case 'info':
        return this.info();
      case 'stats':
        return this.stats();
      case 'pause':
        return this.pause();
      case 'resume':
        return this.resume();
      case 'stop':
        return this.stop({ force: a.force, timeoutMs: a.timeoutMs });
      case 'kill':
        return this.kill();
      case 'reset':
        return this.reset();
      case 'console-size':
        return this.consoleSize(a.cols, a.rows);
      case 'save':
        return this.save(a.path);
      case 'snapshot':
        return this.snapshot(a.op, a.name, a.statePath);
      case 'agent':
        return this.agentCommand(a.command, a.arguments, a.timeoutMs);
      case 'migrate':
        // The VM's process does it (it has the definition and the manager's folders): src/migrate.
        throw new VmError('failed', 'migrate: only a VM process under the manager can migrate its VM');
      case 'subscribe':
        // The subscription itself belongs to the caller's connection (subscribe()); the reply is the current state.
        this.check('subscribe');
        return { state: this._state, reason: this.reason };
      default:
        throw new VmError('unknown-action', `unknown action "${(a as { action?: unknown }).action}"`);
    }
  }

  /** Powers the VM on: the run loop starts. */
  start(): void {
    this.check('start');
    this.startedAt = performance.now();
    this.setState('running', 'started');
    void this.loop();
  }

  /** Stops guest execution (the process then uses no CPU for it) and the guest's clock; resolves once it stopped. */
  pause(): Promise<void> {
    this.check('pause');
    this.clock.pause();
    this.setState('paused', 'paused by the host');
    this.interrupt();
    return this.parked ? Promise.resolve() : new Promise((r) => this.parkedWaiters.push(r));
  }

  resume(): void {
    this.check('resume');
    this.clock.resume();
    this.setState('running', 'resumed by the host');
    this.unparkLoop();
    // The guest's clock stood still while it was paused.
    this.syncGuestClock();
  }

  /** Runs one guest agent command (docs/guest-tools.md); an AgentError's message becomes a 'failed' VmError. */
  async agentCommand(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<unknown> {
    this.check('agent');
    const agent = this.parts.agent;
    if (!agent) throw new VmError('failed', `${this.name} has no guest agent port`);
    try {
      return await agent.call(command, args, timeoutMs);
    } catch (e) {
      throw e instanceof AgentError ? new VmError('failed', e.message) : e;
    }
  }

  /** Freezes the guest's file systems through its agent, when it has one that answers (docs/guest-tools.md). */
  async freezeGuestFileSystems(): Promise<void> {
    const agent = this.parts.agent;
    if (!agent?.present) return;
    await freezeFileSystems((c, a, t) => agent.call(c, a, t)).then(
      (n) => this.hostMessage(`guest agent froze ${n} file systems`),
      (e: unknown) => this.hostMessage(`could not freeze the guest's file systems: ${(e as Error).message}`),
    );
  }

  /**
   * Sets the guest's clock to the host's through the agent (after a resume or a restore) and thaws file systems a
   * snapshot froze; without an agent the guest keeps its own clock. Runs in the background; problems are logged.
   */
  syncGuestClock(): void {
    const agent = this.parts.agent;
    if (!agent?.present) return;
    syncGuestClock((c, a, t) => agent.call(c, a, t)).then(
      () => this.hostMessage('guest clock set through the guest agent'),
      (e: unknown) => this.hostMessage(`could not set the guest clock: ${(e as Error).message}`),
    );
  }

  /** A hardware reset: the guest boots again from the kernel. A paused VM stays paused. */
  reset(): void {
    this.check('reset');
    this.resetRequested = true;
    if (this._state === 'paused') {
      this.resetRequested = false;
      this.board.boot();
      this.emit({ event: 'state', state: this._state, reason: 'reset by the host', at: new Date().toISOString() });
    } else {
      this.interrupt();
    }
  }

  /**
   * Asks the guest to shut down (its power key) and powers it off if it has not after `timeoutMs`; `force`, or a board
   * without a power key: powers off at once. Resolves when the VM has stopped.
   */
  stop(o: { force?: boolean; timeoutMs?: number } = {}): Promise<VmEnd> {
    this.check('stop');
    const timeoutMs = o.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
      throw new VmError('bad-request', `stop: timeoutMs must be a number of milliseconds, got ${o.timeoutMs}`);
    if (o.force) return this.powerOff('powered off by the host (stop --force)');
    const agent = this.parts.agent;
    if (!this.parts.powerButton && !agent?.present)
      return this.powerOff('powered off by the host (the board has no power key)');
    if (this._state === 'stopping') return this.finished;
    if (this._state === 'paused') {
      this.clock.resume();
      this.unparkLoop();
    }
    if (agent?.present) {
      // The agent runs the guest's own shutdown; if it does not take the request, the power key asks instead.
      this.setState('stopping', 'shutdown requested (guest agent)');
      agent.call('guest-shutdown', { mode: 'powerdown' }, 5000).catch((e: unknown) => {
        if (this._state !== 'stopping') return;
        this.hostMessage(`guest agent shutdown failed (${(e as Error).message}); pressing the power key`);
        this.pressPowerKey();
      });
    } else {
      this.setState('stopping', 'shutdown requested (power key)');
      this.pressPowerKey();
    }
    this.stopTimer = setTimeout(
      () => void this.powerOff(`powered off by the host: the guest did not shut down within ${timeoutMs / 1000} s`),
      timeoutMs,
    );
    return this.finished;
  }

  private pressPowerKey(): void {
    if (!this.parts.powerButton) {
      void this.powerOff('powered off by the host (the board has no power key)');
      return;
    }
    this.parts.powerButton();
    this.waker.notify();
  }

  /** Powers off at once: no shutdown request; disks are flushed and closed. Resolves when the VM has stopped. */
  kill(reason = 'killed by the host'): Promise<VmEnd> {
    this.check('kill');
    return this.powerOff(reason);
  }

  /**
   * Saves the machine's state to `path` (docs/state.md): a running VM pauses while disk requests in flight complete
   * and its state and RAM in use are copied, and runs on while the file is written. Resolves with the file's figures.
   */
  async save(path: string): Promise<StateFileInfo> {
    this.check('save');
    if (typeof path !== 'string' || path === '') throw new VmError('bad-request', 'save: path must be a file name');
    // A paused VM stays paused: its file is written straight from RAM.
    if (this._state !== 'running')
      return saveMachineState(this.board, this.clock.now(), path).catch((e: Error) => {
        throw new VmError('failed', `save: ${e.message}`);
      });
    // Host memory for the copy is mapped while the guest still runs.
    const spare = await prepareCapture(this.board);
    // (The state may have changed while the memory was mapped.)
    const state = (): VmState => this._state;
    const wasRunning = state() === 'running';
    if (wasRunning) await this.pause();
    try {
      let captured: CapturedState;
      try {
        captured = await captureMachineState(this.board, this.clock.now(), spare);
      } finally {
        if (wasRunning && state() === 'paused') this.resume();
      }
      return await writeCapturedState(path, captured);
    } catch (e) {
      throw new VmError('failed', `save: ${(e as Error).message}`);
    }
  }

  /**
   * Internal snapshots of the writable qcow2 disks while the VM runs (docs/snapshots.md). `create` pauses a running
   * VM, captures the machine state once disk requests in flight completed, snapshots every such disk, runs on, and
   * writes the state to `statePath`: state and disks are of one moment. A failure takes back what was done. `delete`
   * needs no pause: the disk runs it between guest requests.
   */
  async snapshot(
    op: 'create' | 'delete',
    name: string,
    statePath?: string,
  ): Promise<{ disks: string[]; stateBytes?: number; pausedMs?: number }> {
    this.check('snapshot');
    const disks = (this.parts.disks ?? []).filter((d) => d.backend instanceof Qcow2Backend && !d.backend.readOnly);
    const backend = (d: (typeof disks)[number]) => d.backend as Qcow2Backend;
    const paths = disks.map((d) => d.path);
    if (op === 'delete') {
      for (const d of disks)
        if ((await backend(d).listSnapshots()).some((s) => s.name === name)) await backend(d).deleteSnapshot(name);
      return { disks: paths };
    }
    if (typeof statePath !== 'string' || statePath === '')
      throw new VmError('bad-request', 'snapshot create: statePath must be a file name');
    // The guest's file systems are consistent on the disks at the snapshot; resume() thaws them.
    if (this._state === 'running') await this.freezeGuestFileSystems();
    // Host memory for the copy of RAM is mapped while the guest still runs.
    const spare = this._state === 'running' ? await prepareCapture(this.board) : [];
    const wasRunning = this._state === 'running';
    const t0 = performance.now();
    if (wasRunning) await this.pause();
    const done: Qcow2Backend[] = [];
    try {
      let captured: CapturedState;
      let pausedMs: number;
      try {
        captured = await captureMachineState(this.board, this.clock.now(), spare);
        for (const d of disks) {
          await backend(d).flush();
          await backend(d).createSnapshot(name, Math.round(this.clock.now() * 100));
          done.push(backend(d));
        }
      } finally {
        pausedMs = Math.round(performance.now() - t0);
        if (wasRunning && this._state === 'paused') this.resume();
      }
      const info = await writeCapturedState(statePath, captured);
      return { disks: paths, stateBytes: info.bytes, pausedMs };
    } catch (e) {
      for (const b of done) await b.deleteSnapshot(name).catch(() => undefined);
      throw new VmError('failed', `snapshot: ${(e as Error).message}`);
    }
  }

  /**
   * Before start: sets the machine to the state saved in `path`. The whole file is checked before anything changes;
   * a file that fits but fails while it is applied leaves the machine unusable (the caller discards the VM).
   */
  restore(path: string): void {
    this.check('restore');
    loadMachineState(this.board, path, (ticks) => this.clock.set(ticks));
  }

  /**
   * Before start: sets the machine to a state and RAM received whole (a live migration's arrival); `present` has a bit
   * set for each page that arrived, the others are zero.
   */
  restoreState(state: MachineState, ram: Uint8Array, present: Uint8Array): void {
    this.check('restore');
    setMachineState(this.board, state, ram, present, (ticks) => this.clock.set(ticks));
  }

  /**
   * The machine's state (RAM apart) once it is paused and its devices have no request in flight: what a live
   * migration sends at stop-and-copy.
   */
  async captureState(): Promise<MachineState> {
    if (this._state !== 'paused')
      throw new VmError('wrong-state', `capturing the state needs a paused VM, not ${this._state}`);
    await waitForDevices(this.board);
    return saveMachine(this.board, this.clock.now());
  }

  /**
   * Closes disks and host backends ahead of the end, so that another process may open them (a migration hands the
   * disks over). The VM is paused and must never run again: only kill or save follow.
   */
  closeDevices(): Promise<string[]> {
    this.closing ??= (async () => {
      const errors: string[] = [];
      for (const c of this.parts.closers) {
        try {
          await c();
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      return errors;
    })();
    return this.closing;
  }

  /** The console's terminal size changed. */
  consoleSize(cols: number, rows: number): void {
    this.check('console-size');
    const ok = (v: number) => Number.isInteger(v) && v > 0 && v <= 0xffff;
    if (!ok(cols) || !ok(rows))
      throw new VmError('bad-request', `console-size: cols and rows must be whole numbers from 1 to 65535`);
    this.parts.resizeConsole?.(cols, rows);
  }

  info(): VmInfo {
    this.check('info');
    const info: VmInfo = {
      name: this.name,
      state: this._state,
      reason: this.reason,
      uptimeMs: this.startedAt === undefined ? null : Math.round(performance.now() - this.startedAt),
      memoryBytes: this.board.mem.ramSize,
      cpus: this.board.harts.length,
      hostRssBytes: process.memoryUsage().rss,
      devices: this.board.deviceNames(),
      cmdline: this.parts.cmdline,
      console: { attached: this.console.attached, pendingInput: this.console.pendingInput },
    };
    if (this.exitCode !== undefined) info.exitCode = this.exitCode;
    return info;
  }

  stats(): VmStats {
    this.check('stats');
    return this.statsNow();
  }

  /** The statistics whatever the state (the --stats report after the VM stopped). */
  statsNow(): VmStats {
    return collectStats(this.board, this.startedAt === undefined ? 0 : performance.now() - this.startedAt);
  }

  /** Attaches a console output listener; returns the function that detaches it. */
  attachConsole(sink: ConsoleSink): () => void {
    return this.console.attach(sink);
  }

  /**
   * Queues console input; it reaches the guest as the console device takes it (none is lost while the guest is not
   * reading). False: the queue is over its high-water mark, wait for consoleDrained() before writing more.
   */
  writeConsole(bytes: Uint8Array): boolean {
    const below = this.console.write(bytes);
    if (this._state === 'running' || this._state === 'stopping') {
      this.pumpInput();
      this.waker.notify();
    }
    return below;
  }

  consoleDrained(): Promise<void> {
    return this.console.drained();
  }

  private readonly inputPort = {
    room: () => this.board.inputRoom(),
    push: (b: Uint8Array) => this.board.input(b),
  };

  private readonly pumpInput = (): boolean => this.console.pendingInput > 0 && this.console.feed(this.inputPort) > 0;

  private check(action: VmActionName | VmLocalActionName): void {
    if (!ACTION_STATES[action].includes(this._state))
      throw new VmError('wrong-state', wrongStateMessage(action, this._state));
  }

  private setState(state: VmState, reason: string): void {
    this._state = state;
    this.reason = reason;
    this.emit({ event: 'state', state, reason, at: new Date().toISOString() });
  }

  private emit(e: VmEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Ends the current stretch of execution at the next turn of the run loop (or its idle sleep). */
  private interrupt(): void {
    this.segment?.abort();
    this.waker.notify();
  }

  private unparkLoop(): void {
    const u = this.unpark;
    this.unpark = undefined;
    u?.();
  }

  private powerOff(reason: string): Promise<VmEnd> {
    this.killReason ??= reason;
    this.interrupt();
    this.unparkLoop();
    return this.finished;
  }

  private async loop(): Promise<void> {
    let end: VmEnd;
    try {
      end = await this.runUntilEnd();
    } catch (e) {
      end =
        e instanceof HypervisorFault
          ? { kind: 'fault', message: e.message }
          : { kind: 'error', message: (e as Error).message ?? String(e), error: e };
    }
    clearTimeout(this.stopTimer);
    this.parked = false;
    for (const w of this.parkedWaiters.splice(0)) w();
    this.console.discardInput();
    // Disk images are flushed and closed whatever ended the run, so they stay consistent.
    const closeErrors = await this.closeDevices();
    if (closeErrors.length && end.kind !== 'error')
      end = { kind: 'error', message: `closing devices failed: ${closeErrors.join('; ')}`, error: undefined };
    if (end.kind === 'exit') this.exitCode = end.code;
    const crashed = end.kind === 'fault' || end.kind === 'reset-loop' || end.kind === 'stuck' || end.kind === 'error';
    this.setState(crashed ? 'crashed' : 'stopped', describeEnd(end));
    this.resolveFinished(end);
  }

  private async runUntilEnd(): Promise<VmEnd> {
    for (;;) {
      if (this.killReason !== undefined) return { kind: 'killed', reason: this.killReason };
      if (this._state === 'paused') {
        await this.park();
        continue;
      }
      if (this.resetRequested) {
        this.resetRequested = false;
        this.board.boot();
        this.emit({ event: 'state', state: this._state, reason: 'reset by the host', at: new Date().toISOString() });
      }
      this.segment = new AbortController();
      const outcome = await runMachine(this.board, this.waker, {
        ...this.parts.runLoop,
        signal: this.segment.signal,
        pump: this.pumpInput,
      });
      this.segment = undefined;
      if (outcome.kind === 'quit') continue; // a host request: handled above
      if (outcome.kind === 'exit') return { kind: 'exit', code: outcome.code };
      if (outcome.kind === 'poweroff') return { kind: 'poweroff' };
      if (outcome.kind === 'stuck') return { kind: 'stuck', message: outcome.message };
      // The guest reset the machine.
      if (this.parts.reboot === false) return { kind: 'reset' };
      const now = performance.now();
      this.resets.push(now);
      while (this.resets.length && now - this.resets[0] > RESET_LOOP_WINDOW_MS) this.resets.shift();
      if (this.resets.length >= RESET_LOOP_COUNT)
        return {
          kind: 'reset-loop',
          message: `the guest reset ${this.resets.length} times within ${RESET_LOOP_WINDOW_MS / 1000} s: reset loop, giving up`,
        };
      this.board.boot();
      this.emit({ event: 'state', state: this._state, reason: 'the guest rebooted', at: new Date().toISOString() });
    }
  }

  /** Waits, without timers or polling, until resume, stop or kill. */
  private park(): Promise<void> {
    this.parked = true;
    for (const w of this.parkedWaiters.splice(0)) w();
    return new Promise<void>((r) => {
      this.unpark = () => {
        this.parked = false;
        r();
      };
    });
  }
}

/** The reason text of the final state. */
export function describeEnd(end: VmEnd): string {
  switch (end.kind) {
    case 'poweroff':
      return 'the guest powered off';
    case 'exit':
      return `the guest exited with status ${end.code}`;
    case 'reset':
      return 'the guest reset the machine (reboot disabled)';
    case 'killed':
      return end.reason;
    case 'fault':
      return `hypervisor fault: ${end.message}`;
    case 'reset-loop':
    case 'stuck':
    case 'error':
      return end.message;
  }
}
