// Every route of the local API as data: method, path, what it takes and returns. The server and the OpenAPI document read this one table.
import type { z } from 'zod';
import {
  ActionBody,
  ActionResult,
  ApiError,
  AssetParams,
  CloneBody,
  ConsoleControl,
  ConsoleLogQuery,
  CreateBody,
  DeleteQuery,
  EditBody,
  EventMessage,
  ForwardBody,
  ForwardParams,
  HostInfo,
  NameParams,
  NetworkList,
  NetworkParams,
  Snapshot,
  SnapshotBody,
  SnapshotParams,
  SnapshotTree,
  StartBody,
  StatsMessage,
  Vm,
  VmList,
} from './schemas.js';
import { NET_ROUTES } from './net-routes.js';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** The body's media type when it is not JSON. */
  mediaType?: string;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** In fastify's syntax (`:name`); the OpenAPI document writes `{name}`. */
  url: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (an empty object is assumed). */
  bodyOptional?: boolean;
  /** A WebSocket: the GET is an upgrade request. */
  websocket?: { clientMessages: string; serverMessages: string; schema?: z.ZodType };
  responses: Record<number, ResponseSpec>;
}

const err = (description: string): ResponseSpec => ({ description, schema: ApiError });
const UNKNOWN_VM = err('no VM of that name');
const BAD_INPUT = err('the request does not fit the schema, or the manager refused the values');
const WRONG_STATE = err('the VM is not in a state that allows this (the message names the states that do)');

export const ROUTES = {
  index: {
    method: 'GET',
    url: '/',
    summary: 'The web console (docs/ui.md); ?token=TOKEN is exchanged for a session cookie',
    responses: {
      200: { description: 'the page', mediaType: 'text/html' },
      303: { description: 'the page URL carried ?token=: a session cookie is set and the URL without it follows' },
    },
  },
  asset: {
    method: 'GET',
    url: '/ui/:file',
    summary: "The web console's bundle: its script, its style sheet and their source maps",
    params: AssetParams,
    responses: {
      200: { description: 'the file, with its content type', mediaType: 'text/javascript' },
      404: err('no such file in the bundle'),
    },
  },
  openapi: {
    method: 'GET',
    url: '/api/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'the OpenAPI 3.1 document' } },
  },
  host: {
    method: 'GET',
    url: '/api/host',
    summary: "The host's memory, the VMs' memory budget (admission control) and whether the default image is cached",
    responses: { 200: { description: 'the figures', schema: HostInfo } },
  },
  listNetworks: {
    method: 'GET',
    url: '/api/networks',
    summary: 'The named networks (typevisor net), whether their switch runs, and the VMs on each with their addresses',
    responses: { 200: { description: 'the networks, by name', schema: NetworkList } },
  },
  addForward: {
    method: 'POST',
    url: '/api/networks/:network/forwards',
    summary: 'Forward a host port to a VM port on a network; a running switch listens at once',
    params: NetworkParams,
    body: ForwardBody,
    responses: {
      204: { description: 'added' },
      400: BAD_INPUT,
      404: err('no network of that name'),
      409: err('a forward of that name, or of that host port, exists'),
    },
  },
  removeForward: {
    method: 'DELETE',
    url: '/api/networks/:network/forwards/:forward',
    summary: "Remove one of a network's port forwards by name",
    params: ForwardParams,
    responses: { 204: { description: 'removed' }, 400: BAD_INPUT, 404: err('no network or forward of that name') },
  },
  ...NET_ROUTES,
  listVms: {
    method: 'GET',
    url: '/api/vms',
    summary: 'Every VM with its state, vCPUs, memory, host memory (RSS) and uptime',
    responses: { 200: { description: 'the VMs, by name', schema: VmList } },
  },
  getVm: {
    method: 'GET',
    url: '/api/vms/:name',
    summary: 'One VM',
    params: NameParams,
    responses: { 200: { description: 'the VM', schema: Vm }, 400: BAD_INPUT, 404: UNKNOWN_VM },
  },
  createVm: {
    method: 'POST',
    url: '/api/vms',
    summary: 'Create a VM (a definition on disk and the disks asked for); it is not started',
    body: CreateBody,
    responses: {
      201: { description: 'the new VM; Location names it', schema: Vm },
      400: BAD_INPUT,
      409: err('a VM of that name exists'),
    },
  },
  editVm: {
    method: 'PATCH',
    url: '/api/vms/:name',
    summary: "Change a stopped VM's memory, vCPUs or kernel command line",
    params: NameParams,
    body: EditBody,
    responses: {
      200: { description: 'the changed VM', schema: Vm },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
      409: WRONG_STATE,
    },
  },
  deleteVm: {
    method: 'DELETE',
    url: '/api/vms/:name',
    summary: 'Delete a VM that does not run, and the disks created for it unless ?keepDisks=true',
    params: NameParams,
    query: DeleteQuery,
    responses: { 204: { description: 'deleted' }, 400: BAD_INPUT, 404: UNKNOWN_VM, 409: WRONG_STATE },
  },
  consoleLog: {
    method: 'GET',
    url: '/api/vms/:name/console-log',
    summary: "The newest bytes of a VM's console output, from its console log (a terminal's scrollback)",
    params: NameParams,
    query: ConsoleLogQuery,
    responses: {
      200: { description: 'raw console bytes', mediaType: 'application/octet-stream' },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
    },
  },
  startVm: {
    method: 'POST',
    url: '/api/vms/:name/start',
    summary: 'Start a VM in its own process, in the background',
    params: NameParams,
    body: StartBody,
    bodyOptional: true,
    responses: {
      200: { description: 'the VM, running', schema: Vm },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
      409: err('the VM runs already (wrong-state), or its memory does not fit beside the running VMs (no-memory)'),
      500: err('the VM process did not start'),
    },
  },
  suspendVm: {
    method: 'POST',
    url: '/api/vms/:name/suspend',
    summary:
      'Suspend a running or paused VM: its machine state is saved in its folder and its process ends; the next start resumes it',
    params: NameParams,
    responses: {
      200: { description: 'the VM, stopped and suspended', schema: Vm },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
      409: WRONG_STATE,
      500: err('the state could not be saved (the VM runs on)'),
    },
  },
  cloneVm: {
    method: 'POST',
    url: '/api/vms/:name/clone',
    summary:
      "Clone a VM: a new VM with copies of its disks (of a stopped VM's, or a snapshot's), or linked overlays on a snapshot's; new MACs, not started",
    params: NameParams,
    body: CloneBody,
    responses: {
      201: { description: 'the clone; Location names it', schema: Vm },
      400: BAD_INPUT,
      404: err('no VM or snapshot of that name'),
      409: err('a VM of the new name exists (exists), or the source runs and no snapshot was named (wrong-state)'),
    },
  },
  listSnapshots: {
    method: 'GET',
    url: '/api/vms/:name/snapshots',
    summary: "A VM's snapshot tree: every snapshot with its parent, and the one its present state descends from",
    params: NameParams,
    responses: { 200: { description: 'the tree', schema: SnapshotTree }, 400: BAD_INPUT, 404: UNKNOWN_VM },
  },
  takeSnapshot: {
    method: 'POST',
    url: '/api/vms/:name/snapshots',
    summary:
      "Take a snapshot: the VM's disks and, when it runs, its machine state; a running VM pauses for the copy and runs on",
    params: NameParams,
    body: SnapshotBody,
    responses: {
      201: { description: 'the snapshot, now the current position', schema: Snapshot },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
      409: err('a snapshot of that name exists'),
    },
  },
  restoreSnapshot: {
    method: 'POST',
    url: '/api/vms/:name/snapshots/:snapshot/restore',
    summary:
      'Go back to a snapshot: a running VM is powered off (its present state is lost), its disks are replaced; with machine state it is left suspended there',
    params: SnapshotParams,
    responses: {
      200: { description: 'the VM, stopped (suspended when the snapshot holds machine state)', schema: Vm },
      400: BAD_INPUT,
      404: err('no VM or snapshot of that name'),
      409: WRONG_STATE,
    },
  },
  deleteSnapshot: {
    method: 'DELETE',
    url: '/api/vms/:name/snapshots/:snapshot',
    summary: 'Delete a snapshot and its files; its children hang from its parent from then on',
    params: SnapshotParams,
    responses: {
      204: { description: 'deleted' },
      400: BAD_INPUT,
      404: err('no VM or snapshot of that name'),
      409: err('a linked clone rests on it (wrong-state)'),
    },
  },
  vmAction: {
    method: 'POST',
    url: '/api/vms/:name/actions',
    summary: 'Send one action of the union (pause, resume, stop, kill, reset, info, stats, console-size) to a VM',
    params: NameParams,
    body: ActionBody,
    responses: {
      200: { description: "the action's result", schema: ActionResult },
      400: BAD_INPUT,
      404: UNKNOWN_VM,
      409: WRONG_STATE,
    },
  },
  events: {
    method: 'GET',
    url: '/api/events',
    summary: 'WebSocket: the VM list, then state changes of every VM as they happen',
    websocket: {
      clientMessages: 'none (anything sent is ignored)',
      serverMessages:
        'JSON text frames (Event): first {"event":"list"} with every VM, then "state", "created", "deleted", "guest" and "log" events',
      schema: EventMessage,
    },
    responses: { 101: { description: 'switching to the WebSocket protocol' } },
  },
  console: {
    method: 'GET',
    url: '/api/vms/:name/console',
    summary: "WebSocket: a running VM's serial console",
    params: NameParams,
    websocket: {
      clientMessages:
        'binary frames: bytes typed into the console; text frames: JSON control messages (ConsoleControl), {"type":"resize","cols":80,"rows":24}',
      serverMessages:
        'binary frames: what the guest writes to its console; text frames: {"type":"error","message":...}',
      schema: ConsoleControl,
    },
    responses: { 101: { description: 'switching to the WebSocket protocol' }, 404: UNKNOWN_VM, 409: WRONG_STATE },
  },
  vmStats: {
    method: 'GET',
    url: '/api/vms/:name/stats',
    summary: "WebSocket: a running VM's virtualization statistics, sampled by the server once a second",
    params: NameParams,
    websocket: {
      clientMessages: 'none (anything sent is ignored)',
      serverMessages:
        'JSON text frames (StatsMessage): {"type":"sample"} with the VM\'s stats action answer (VmStats, counts since its process started) once a second; {"type":"end"} with the reason when the VM process ends, then the socket closes',
      schema: StatsMessage,
    },
    responses: { 101: { description: 'switching to the WebSocket protocol' }, 404: UNKNOWN_VM, 409: WRONG_STATE },
  },
} satisfies Record<string, RouteSpec>;

export type RouteId = keyof typeof ROUTES;
