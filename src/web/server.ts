// The local API server: fastify on loopback, every request checked by the guard, routes from the route table.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { isIP } from 'node:net';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { ACTION_STATES, wrongStateMessage } from '../vmm/actions.js';
import { BackendError, backendErrorKind, LIVE, type BackendErrorKind, type VmBackend } from './backend.js';
import { bridgeConsole } from './console-ws.js';
import { streamStats } from './stats-ws.js';
import { EventHub, type HubMessage } from './events.js';
import { allowedHosts, checkRequest, sessionCookie } from './guard.js';
import { INDEX_HTML, NO_BUNDLE_HTML } from './index-page.js';
import { openApiDocument } from './openapi.js';
import { netHandlers } from './net-routes.js';
import { ROUTES, type RouteId } from './routes.js';
import {
  ActionBody,
  AssetParams,
  CloneBody,
  ConsoleLogQuery,
  CreateBody,
  DeleteQuery,
  EditBody,
  ForwardBody,
  ForwardParams,
  issueMessage,
  NameParams,
  NetworkParams,
  SnapshotBody,
  SnapshotParams,
  StartBody,
} from './schemas.js';
import { loadUiAssets } from './ui-assets.js';

export interface ServeOptions {
  backend: VmBackend;
  token: string;
  /** The address to listen on: 127.0.0.1 unless the user says otherwise. */
  listen?: string;
  /** 0 (the default): a free port. */
  port?: number;
  log?: (line: string) => void;
  /** The web console's bundle folder; default dist/ui. */
  uiDir?: string;
}

export interface ApiServer {
  port: number;
  listen: string;
  /** The server's base URL, `http://127.0.0.1:PORT/`. */
  url: string;
  /** The URL to open in a browser: the base URL with `?token=`. */
  pageUrl: string;
  /** Every route fastify registered (method and URL), as the server really serves them. */
  routes: { method: string; url: string }[];
  close(): Promise<void>;
}

/** An error the API answers with its own status and code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KIND_STATUS: Record<BackendErrorKind, number> = {
  'bad-input': 400,
  'not-found': 404,
  exists: 409,
  'wrong-state': 409,
  'no-memory': 409,
  failed: 500,
};

/**
 * Only the server's own files: no inline script or style (the page has none; xterm's generated CSS goes through
 * constructed style sheets), no plugins, no framing, no other origin for fetch or WebSocket.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The console log bytes a scrollback request gets by default and at most. */
const CONSOLE_LOG_DEFAULT = 256 * 1024;
const CONSOLE_LOG_MAX = 2 * 1024 * 1024;

/** Bytes queued for one events client before it is dropped as too slow (it reconnects and gets the list again). */
const EVENTS_HIGH_WATER = 4 * 1024 * 1024;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiFailure(400, 'bad-input', issueMessage(r.error));
  return r.data;
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return isIP(address) === 6 ? `[${address}]` : address;
}

export async function startServer(options: ServeOptions): Promise<ApiServer> {
  const { backend, token } = options;
  const listen = options.listen ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, exposeHeadRoutes: false, forceCloseConnections: true });
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  let port = 0;
  let hosts = new Set<string>();
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', CSP);
    const verdict = checkRequest(req.raw as Parameters<typeof checkRequest>[0], token, hosts, port);
    if ('status' in verdict) return reply.code(verdict.status).send(errorBody(verdict.code, verdict.message));
    if (verdict.via === 'exchange')
      return reply
        .code(303)
        .header('set-cookie', sessionCookie(token, port))
        .header('location', verdict.location)
        .send();
  });

  app.setErrorHandler((e: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (e instanceof ApiFailure) return reply.code(e.status).send(errorBody(e.code, e.message));
    const kind = backendErrorKind(e);
    if (kind) return reply.code(KIND_STATUS[kind]).send(errorBody(kind, e.message));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      return reply.code(e.statusCode).send(errorBody(e.statusCode === 400 ? 'bad-input' : 'bad-request', e.message));
    log(`error: ${e.stack ?? e.message}`);
    return reply.code(500).send(errorBody('failed', e.message));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody('no-route', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );

  const assets = loadUiAssets(options.uiDir);
  const hub = new EventHub(backend, log);
  await hub.start();
  const changed = () => void hub.refresh();

  const name = (req: FastifyRequest) => parse(NameParams, req.params).name;

  type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** A WebSocket's check before the upgrade: the VM's process must live. */
  const liveOnly =
    (what: string): Handler =>
    async (req) => {
      const n = name(req);
      const vm = await backend.get(n);
      if (!LIVE.includes(vm.state))
        throw new BackendError('wrong-state', `VM "${n}" is ${vm.state}: ${what} only while it runs`);
      return undefined;
    };
  type WsHandler = (socket: WebSocket, req: FastifyRequest) => void;
  const handlers: Record<RouteId, Handler | { ws: WsHandler; check?: Handler }> = {
    index: async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(assets.has('app.js') ? INDEX_HTML : NO_BUNDLE_HTML),
    asset: async (req, reply) => {
      const file = parse(AssetParams, req.params).file;
      const asset = assets.get(file);
      if (!asset) throw new ApiFailure(404, 'not-found', `no file "${file}" in the web console's bundle`);
      return reply.type(asset.type).send(asset.body);
    },
    host: async () => backend.host(),
    listNetworks: async () => ({ networks: await backend.networks() }),
    consoleLog: async (req, reply) => {
      const n = name(req);
      const query = parse(ConsoleLogQuery, req.query);
      const max = Math.min(query.bytes === undefined ? CONSOLE_LOG_DEFAULT : Number(query.bytes), CONSOLE_LOG_MAX);
      return reply.type('application/octet-stream').send(await backend.consoleLog(n, max));
    },
    openapi: async (req) => openApiDocument(`http://${req.headers.host}`),
    listVms: async () => ({ vms: await backend.list() }),
    getVm: async (req) => backend.get(name(req)),
    createVm: async (req, reply) => {
      const body = parse(CreateBody, req.body);
      const vm = await backend.create(body);
      changed();
      return reply
        .code(201)
        .header('location', `/api/vms/${encodeURIComponent(vm.name)}`)
        .send(vm);
    },
    editVm: async (req) => {
      const n = name(req);
      const body = parse(EditBody, req.body);
      const vm = await backend.edit(n, body);
      changed();
      return vm;
    },
    deleteVm: async (req, reply) => {
      const n = name(req);
      const query = parse(DeleteQuery, req.query);
      await backend.delete(n, { keepDisks: query.keepDisks === 'true' });
      changed();
      return reply.code(204).send();
    },
    startVm: async (req) => {
      const n = name(req);
      const body = parse(StartBody, req.body ?? {});
      const vm = await backend.start(n, { forceMemory: body.forceMemory === true });
      changed();
      return vm;
    },
    suspendVm: async (req) => {
      const vm = await backend.suspend(name(req));
      changed();
      return vm;
    },
    cloneVm: async (req, reply) => {
      const n = name(req);
      const body = parse(CloneBody, req.body);
      const vm = await backend.clone(n, body);
      changed();
      return reply
        .code(201)
        .header('location', `/api/vms/${encodeURIComponent(vm.name)}`)
        .send(vm);
    },
    listSnapshots: async (req) => backend.snapshots(name(req)),
    takeSnapshot: async (req, reply) => {
      const n = name(req);
      const body = parse(SnapshotBody, req.body);
      const snap = await backend.takeSnapshot(n, body.name, body.description);
      changed();
      return reply.code(201).send(snap);
    },
    restoreSnapshot: async (req) => {
      const p = parse(SnapshotParams, req.params);
      const vm = await backend.restoreSnapshot(p.name, p.snapshot);
      changed();
      return vm;
    },
    deleteSnapshot: async (req, reply) => {
      const p = parse(SnapshotParams, req.params);
      await backend.deleteSnapshot(p.name, p.snapshot);
      changed();
      return reply.code(204).send();
    },
    addForward: async (req, reply) => {
      const p = parse(NetworkParams, req.params);
      await backend.addForward(p.network, parse(ForwardBody, req.body));
      changed();
      return reply.code(204).send();
    },
    removeForward: async (req, reply) => {
      const p = parse(ForwardParams, req.params);
      await backend.removeForward(p.network, p.forward);
      changed();
      return reply.code(204).send();
    },
    ...netHandlers(() => backend.home),
    vmAction: async (req) => {
      const n = name(req);
      const action = parse(ActionBody, req.body);
      const vm = await backend.get(n);
      if (!ACTION_STATES[action.action].includes(vm.state))
        throw new BackendError('wrong-state', wrongStateMessage(action.action, vm.state));
      if (action.action === 'info' && !LIVE.includes(vm.state)) return { result: vm };
      const result = await backend.action(n, action);
      changed();
      return { result };
    },
    events: {
      ws: (socket) => {
        let remove: (() => void) | null = null;
        const send = (m: HubMessage) => {
          if (socket.bufferedAmount > EVENTS_HIGH_WATER) return socket.close(1013, 'too slow: reconnect');
          socket.send(JSON.stringify(m));
        };
        hub.add(send).then(
          (r) => (socket.readyState === socket.OPEN ? (remove = r) : r()),
          (e: Error) => socket.close(1011, e.message.slice(0, 120)),
        );
        socket.on('close', () => remove?.());
      },
    },
    console: {
      check: liveOnly('its console exists'),
      ws: (socket, req) => {
        const n = name(req);
        backend.console(n).then(
          (stream) => {
            if (socket.readyState !== socket.OPEN) return stream.destroy();
            bridgeConsole(socket, stream, async (cols, rows) => {
              await backend.action(n, { action: 'console-size', cols, rows });
            });
          },
          (e: Error) => socket.close(1011, e.message.slice(0, 120)),
        );
      },
    },
    vmStats: {
      check: liveOnly('its statistics exist'),
      ws: (socket, req) => {
        const n = name(req);
        streamStats(socket, n, () => backend.action(n, { action: 'stats' }));
      },
    },
  };

  for (const [id, route] of Object.entries(ROUTES) as [RouteId, (typeof ROUTES)[RouteId]][]) {
    const h = handlers[id];
    if (typeof h === 'function') app.route({ method: route.method, url: route.url, handler: h });
    else
      app.route({
        method: 'GET',
        url: route.url,
        websocket: true,
        ...(h.check ? { preHandler: h.check } : {}),
        handler: h.ws as never,
      });
  }

  await app.listen({ host: listen, port: options.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  hosts = allowedHosts(listen, port);
  const url = `http://${urlHost(listen)}:${port}/`;
  return {
    port,
    listen,
    url,
    pageUrl: `${url}?token=${token}`,
    routes,
    close: async () => {
      await hub.close();
      await app.close();
    },
  };
}
