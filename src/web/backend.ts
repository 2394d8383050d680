// What the local API needs from the VM manager: the narrow set of calls the server makes, and the errors it maps to HTTP.
import type { Duplex } from 'node:stream';
import type { VmAction, VmEvent, VmState } from '../vmm/actions.js';

/** One VM as the API shows it: its definition's figures and what its process reports. */
export interface VmView {
  name: string;
  state: VmState;
  /** Why the VM is stopped or crashed, when known. */
  reason?: string;
  cpus: number;
  memoryMiB: number;
  /** Host memory the VM process uses (resident set), while it runs. */
  rssBytes?: number;
  /** Milliseconds since the VM process started, while it runs. */
  uptimeMs?: number;
  pid?: number;
  /** The VM's definition document (vm.json). */
  definition: unknown;
}

/** What `POST /api/vms` asks for; checked by the server's schema first, then by the manager. */
export interface CreateRequest {
  name: string;
  memory?: string;
  cpus?: number;
  image?: 'debian';
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  diskSizes?: string[];
  disks?: string[];
}

export interface EditRequest {
  memory?: string;
  cpus?: number;
  cmdline?: string;
}

/** The manager calls the server makes. Every error a caller caused carries a `kind` (see `BackendErrorKind`). */
export interface VmBackend {
  list(): Promise<VmView[]>;
  get(name: string): Promise<VmView>;
  create(request: CreateRequest): Promise<VmView>;
  edit(name: string, request: EditRequest): Promise<VmView>;
  delete(name: string, options: { keepDisks: boolean }): Promise<void>;
  start(name: string, options: { forceMemory: boolean }): Promise<VmView>;
  /** One action of the union on the VM's control socket: its result. */
  action(name: string, action: VmAction): Promise<unknown>;
  /** A new connection to the VM's console socket: raw bytes both ways. */
  console(name: string): Promise<Duplex>;
  /** The VM's events until the connection ends (`onEnd`: the VM process went away or the stream broke). */
  subscribe(name: string, onEvent: (event: VmEvent) => void, onEnd: () => void): Promise<() => void>;
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
