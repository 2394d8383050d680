// What the local API needs from the VM manager: the narrow set of calls the server makes, and the errors it maps to HTTP.
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import type { VmAction, VmEvent, VmState } from '../vmm/actions.js';
import type {
  CloneBody,
  CreateBody,
  EditBody,
  ForwardBody,
  HostInfo,
  NetworkList,
  Snapshot,
  SnapshotTree,
  Vm,
} from './schemas.js';

/** One VM as the API shows it (the `Vm` schema): its definition's figures and what its process reports. */
export type VmView = z.infer<typeof Vm>;
export type CreateRequest = z.infer<typeof CreateBody>;
export type EditRequest = z.infer<typeof EditBody>;
export type HostView = z.infer<typeof HostInfo>;
export type NetworkView = z.infer<typeof NetworkList>['networks'][number];
export type CloneRequest = z.infer<typeof CloneBody>;
export type SnapshotView = z.infer<typeof Snapshot>;
export type SnapshotTreeView = z.infer<typeof SnapshotTree>;
export type ForwardRequest = z.infer<typeof ForwardBody>;

/** The manager calls the server makes. Every error a caller caused carries a `kind` (see `BackendErrorKind`). */
export interface VmBackend {
  /** The manager's home: the network routes (net-routes.ts) work on its networks. */
  readonly home: string;
  list(): Promise<VmView[]>;
  get(name: string): Promise<VmView>;
  create(request: CreateRequest): Promise<VmView>;
  edit(name: string, request: EditRequest): Promise<VmView>;
  delete(name: string, options: { keepDisks: boolean }): Promise<void>;
  start(name: string, options: { forceMemory: boolean }): Promise<VmView>;
  /** Saves a live VM's machine state in its folder and ends its process; the next start resumes it. */
  suspend(name: string): Promise<VmView>;
  /** One action of the union on the VM's control socket: its result. */
  action(name: string, action: VmAction): Promise<unknown>;
  /** A new connection to the VM's console socket: raw bytes both ways. */
  console(name: string): Promise<Duplex>;
  /** The VM's events until the connection ends (`onEnd`: the VM process went away or the stream broke). */
  subscribe(name: string, onEvent: (event: VmEvent) => void, onEnd: () => void): Promise<() => void>;
  /** The host's memory budget and whether the default image is cached. */
  host(): Promise<HostView>;
  /** The named networks and the VMs on each. */
  networks(): Promise<NetworkView[]>;
  /** The newest `maxBytes` (at most) of the VM's console output, from its console log. */
  consoleLog(name: string, maxBytes: number): Promise<Buffer>;
  /** A new VM from another's disks (now, or at one of its snapshots); it is not started. */
  clone(source: string, request: CloneRequest): Promise<VmView>;
  /** The VM's snapshot tree. */
  snapshots(name: string): Promise<SnapshotTreeView>;
  /** Takes a snapshot (a running VM pauses for the copy and runs on). */
  takeSnapshot(name: string, snapshot: string, description?: string): Promise<SnapshotView>;
  /** Goes back to a snapshot: a running VM is powered off first; one with machine state is left suspended there. */
  restoreSnapshot(name: string, snapshot: string): Promise<VmView>;
  deleteSnapshot(name: string, snapshot: string): Promise<void>;
  addForward(network: string, request: ForwardRequest): Promise<void>;
  removeForward(network: string, forward: string): Promise<void>;
  /** Calls `onChange` when some VM may have been created, deleted or changed state on disk (by any client). */
  watch(onChange: () => void): () => void;
}

/** The manager's error kinds; the server maps each to an HTTP status. */
export type BackendErrorKind = 'bad-input' | 'not-found' | 'exists' | 'wrong-state' | 'no-memory' | 'failed';

const KINDS: readonly string[] = ['bad-input', 'not-found', 'exists', 'wrong-state', 'no-memory', 'failed'];

/** An error the manager raised on purpose (its ManagerError, or anything else with one of its kinds). */
export function backendErrorKind(e: unknown): BackendErrorKind | null {
  const kind = (e as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && KINDS.includes(kind) ? (kind as BackendErrorKind) : null;
}

export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    readonly kind: BackendErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The states in which a VM has a live process (and so a console and a control socket). */
export const LIVE: readonly VmState[] = ['running', 'paused', 'stopping'];
