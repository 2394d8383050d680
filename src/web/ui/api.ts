// The web console's calls to the local API (docs/api.md): same origin, the session cookie, JSON in and out.
import type { z } from 'zod';
import type {
  CloneBody,
  CreateBody,
  EventMessage,
  ForwardBody,
  HostInfo,
  NetworkList,
  SnapshotTree as SnapshotTreeSchema,
  StatsMessage as StatsMessageSchema,
  Vm as VmSchema,
} from '../schemas.js';
import type { AddRuleBody, RuleList as RuleListSchema } from '../net-routes.js';

export type Vm = z.infer<typeof VmSchema>;
export type VmState = Vm['state'];
export type CreateRequest = z.infer<typeof CreateBody>;
export type Host = z.infer<typeof HostInfo>;
export type Network = z.infer<typeof NetworkList>['networks'][number];
export type ApiEvent = z.infer<typeof EventMessage>;
export type CloneRequest = z.infer<typeof CloneBody>;
export type SnapshotTree = z.infer<typeof SnapshotTreeSchema>;
export type SnapshotInfo = SnapshotTree['snapshots'][number];
export type ForwardRequest = z.infer<typeof ForwardBody>;
export type Forward = Network['forwards'][number];
export type RuleList = z.infer<typeof RuleListSchema>;
export type Rule = RuleList['rules'][number];
export type RuleAction = RuleList['policy'];
export type AddRule = z.infer<typeof AddRuleBody>;
export type StatsMessage = z.infer<typeof StatsMessageSchema>;
/** The actions the machine list sends (POST /api/vms/{name}/actions), plus start, suspend and delete. */
export type VmCommand = 'start' | 'stop' | 'pause' | 'resume' | 'reset' | 'kill' | 'suspend' | 'delete' | 'clone';

/** The states in which a VM has a process, hence a console and a control socket. */
export const LIVE: readonly VmState[] = ['running', 'paused', 'stopping'];

/** An API error: its code (bad-input, no-memory, wrong-state, ...) and one-line message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(path, init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'failed', e?.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

const wsBase = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
const vmPath = (name: string) => `/api/vms/${encodeURIComponent(name)}`;
const snapPath = (vm: string, snapshot: string) => `${vmPath(vm)}/snapshots/${encodeURIComponent(snapshot)}`;
const netPath = (network: string) => `/api/networks/${encodeURIComponent(network)}`;
const forwardsPath = (network: string) => `${netPath(network)}/forwards`;

export const api = {
  list: () => call<{ vms: Vm[] }>('GET', '/api/vms').then((r) => r.vms),
  host: () => call<Host>('GET', '/api/host'),
  networks: () => call<{ networks: Network[] }>('GET', '/api/networks').then((r) => r.networks),
  create: (body: CreateRequest) => call<Vm>('POST', '/api/vms', body),
  start: (name: string, forceMemory = false) =>
    call<Vm>('POST', `${vmPath(name)}/start`, forceMemory ? { forceMemory: true } : {}),
  suspend: (name: string) => call<Vm>('POST', `${vmPath(name)}/suspend`),
  remove: (name: string) => call<void>('DELETE', vmPath(name)),
  action: (name: string, action: 'stop' | 'pause' | 'resume' | 'reset' | 'kill') =>
    call<{ result: unknown }>('POST', `${vmPath(name)}/actions`, { action }),
  clone: (name: string, body: CloneRequest) => call<Vm>('POST', `${vmPath(name)}/clone`, body),
  snapshots: (name: string) => call<SnapshotTree>('GET', `${vmPath(name)}/snapshots`),
  takeSnapshot: (name: string, snapshot: string, description?: string) =>
    call<SnapshotInfo>('POST', `${vmPath(name)}/snapshots`, {
      name: snapshot,
      ...(description ? { description } : {}),
    }),
  restoreSnapshot: (name: string, snapshot: string) => call<Vm>('POST', `${snapPath(name, snapshot)}/restore`),
  deleteSnapshot: (name: string, snapshot: string) => call<void>('DELETE', snapPath(name, snapshot)),
  addForward: (network: string, body: ForwardRequest) => call<void>('POST', forwardsPath(network), body),
  removeForward: (network: string, forward: string) =>
    call<void>('DELETE', `${forwardsPath(network)}/${encodeURIComponent(forward)}`),
  rules: (network: string) => call<RuleList>('GET', `${netPath(network)}/rules`),
  addRule: (network: string, body: AddRule) => call<RuleList>('POST', `${netPath(network)}/rules`, body),
  moveRule: (network: string, id: number, position: number) =>
    call<RuleList>('POST', `${netPath(network)}/rules/${id}/move`, { position }),
  deleteRule: (network: string, id: number) => call<RuleList>('DELETE', `${netPath(network)}/rules/${id}`),
  setPolicy: (network: string, policy: RuleAction) => call<RuleList>('PATCH', `${netPath(network)}/rules`, { policy }),
  /** A live capture: the pcapng stream of the network's frames (`vm`: only that VM's). */
  captureUrl: (network: string, vm?: string) =>
    `${netPath(network)}/capture${vm ? `?vm=${encodeURIComponent(vm)}` : ''}`,
  /** The newest bytes of the console log: a terminal's scrollback. */
  consoleLog: async (name: string, bytes: number): Promise<Uint8Array> => {
    const res = await fetch(`${vmPath(name)}/console-log?bytes=${bytes}`, { credentials: 'same-origin' });
    if (!res.ok) throw new ApiError(res.status, 'failed', `console log: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  consoleUrl: (name: string) => `${wsBase()}${vmPath(name)}/console`,
  /** The VM's statistics, sampled by the server once a second. */
  statsUrl: (name: string) => `${wsBase()}${vmPath(name)}/stats`,
  eventsUrl: () => `${wsBase()}/api/events`,
};

/** Runs one command of the machine list against the API (clone asks for a name first: see the page). */
export function runCommand(name: string, command: Exclude<VmCommand, 'clone'>): Promise<unknown> {
  if (command === 'start') return api.start(name);
  if (command === 'delete') return api.remove(name);
  if (command === 'suspend') return api.suspend(name);
  return api.action(name, command);
}
