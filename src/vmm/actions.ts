// The one union of VM actions, the states each is valid in, and what a VM reports: shared by the Vm object, its
// process's control socket, the CLI and the local API.

/** Where a VM is in its life. `crashed` is a stopped VM whose process or machine ended abnormally. */
export type VmState = 'created' | 'running' | 'paused' | 'stopping' | 'stopped' | 'crashed';

/** Every action a running VM (its process) accepts on its control socket, and the `Vm` object accepts in process. */
export type VmAction =
  /** Power on a VM that was built but not started (a VM process started paused-at-birth, a test). */
  | { action: 'start' }
  /** Definition, state, uptime, host memory (RSS) and guest RAM: a `VmInfo`. */
  | { action: 'info' }
  /** The virtualization statistics of `--stats` (instructions, traps, hypercalls, MMIO exits, ...). */
  | { action: 'stats' }
  | { action: 'pause' }
  | { action: 'resume' }
  /** Ask the guest to shut down (power key); power off after `timeoutMs`; `force`: power off at once. */
  | { action: 'stop'; force?: boolean; timeoutMs?: number }
  /** End the VM at once: no shutdown request, disks flushed and closed, process exits. */
  | { action: 'kill' }
  /** Hardware reset: the guest reboots from the kernel (or firmware). */
  | { action: 'reset' }
  /** The console's terminal size changed (the guest learns it where its driver supports it). */
  | { action: 'console-size'; cols: number; rows: number }
  /** Subscribe this control connection to events (state changes, guest messages). */
  | { action: 'subscribe' }
  /** Save the machine's state to the file `path` (docs/state.md); a running VM runs on afterwards. */
  | { action: 'save'; path: string }
  /**
   * Internal snapshots of the writable qcow2 disks (docs/snapshots.md). `create` pauses the guest, saves its machine
   * state to `statePath` and snapshots every disk at that moment, then runs on; `delete` removes one from each disk.
   */
  | { action: 'snapshot'; op: 'create' | 'delete'; name: string; statePath?: string }
  /** One QEMU guest agent command (docs/guest-tools.md); the result is the agent's `return` value. */
  | { action: 'agent'; command: string; arguments?: Record<string, unknown>; timeoutMs?: number }
  /** Live-migrate to a `typevisor receive` at `target` (tcp:HOST:PORT) with its token (docs/migration.md). */
  | { action: 'migrate'; target: string; token: string };

/** Actions the Vm object offers in process only (not on the control socket). */
export type VmLocalActionName = 'restore';

export type VmActionName = VmAction['action'];

/** The states in which each action is valid; any other state is an error naming the action and the state. */
export const ACTION_STATES: Record<VmActionName | VmLocalActionName, readonly VmState[]> = {
  start: ['created'],
  info: ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'],
  stats: ['running', 'paused', 'stopping'],
  pause: ['running'],
  resume: ['paused'],
  stop: ['running', 'paused', 'stopping'],
  kill: ['running', 'paused', 'stopping'],
  reset: ['running', 'paused'],
  'console-size': ['running', 'paused', 'stopping'],
  subscribe: ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'],
  save: ['running', 'paused'],
  snapshot: ['running', 'paused'],
  agent: ['running'],
  migrate: ['running', 'paused'],
  restore: ['created'],
};

/** A request on a control socket: one JSON object per line, `id` echoed in the reply. */
export type ControlRequest = { id: number | string } & VmAction;

/** A reply: `ok` with the action's result, or an error with a stable code and a one-line message. */
export type ControlReply =
  | { id: number | string; ok: true; result: unknown }
  | { id: number | string; ok: false; error: { code: ControlErrorCode; message: string } };

export type ControlErrorCode = 'bad-request' | 'unknown-action' | 'wrong-state' | 'failed';

/**
 * Events pushed to subscribed connections, one JSON object per line (no `id`). `guest`: something the guest did that
 * the host should know (a driver error that needs a device reset); `log`: a host-side problem of the VM (a network
 * backend that failed).
 */
export type VmEvent =
  | { event: 'state'; state: VmState; reason?: string; at: string }
  | { event: 'guest'; message: string; at: string }
  | { event: 'log'; message: string; at: string };

/** What `info` returns. */
export interface VmInfo {
  name: string;
  state: VmState;
  /** Why the VM is in its state (the last state change's reason). */
  reason?: string;
  /** Milliseconds since start (paused time included); null before start. */
  uptimeMs: number | null;
  memoryBytes: number;
  cpus: number;
  /** Resident memory of the process that runs the VM (guest RAM the guest touched, plus the hypervisor). */
  hostRssBytes: number;
  /** Devices on the board, in address order. */
  devices: string[];
  /** The kernel command line the guest booted with. */
  cmdline: string;
  /** Console clients attached and input bytes waiting for the guest. */
  console: { attached: number; pendingInput: number };
  /** The guest's exit status through the test device, once it exited that way. */
  exitCode?: number;
}

/** Why a VM is in `wrongState`: the message every client shows. */
export function wrongStateMessage(action: VmActionName | VmLocalActionName, state: VmState): string {
  const valid = ACTION_STATES[action].join(', ');
  return `cannot ${action} a VM that is ${state} (${action} needs a VM that is ${valid})`;
}
