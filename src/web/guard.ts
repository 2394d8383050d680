// Who may talk to the API: the Host header (DNS rebinding), the Origin header (other sites), and the token.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { cookieSecret, sameSecret } from './token.js';

/** A refusal: the status and the error body the server sends. */
export interface Refusal {
  status: 401 | 403;
  code: 'unauthorized' | 'forbidden';
  message: string;
}

/** How a request proved it holds the token; `exchange`: a page URL's ?token=, to be swapped for a cookie. */
export type Admission = { via: 'bearer' | 'cookie' } | { via: 'exchange'; location: string };

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === 'localhost';
}

function hostPart(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** `host:port` values a request's Host header may carry: the listen address, and the loopback names when it is one. */
export function allowedHosts(listen: string, port: number): Set<string> {
  const names = new Set<string>([hostPart(listen)]);
  if (isLoopback(listen)) for (const n of LOOPBACK_NAMES) names.add(n);
  if (listen === '0.0.0.0' || listen === '::') {
    for (const n of LOOPBACK_NAMES) names.add(n);
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(hostPart(a.address.replace(/%.*$/, '')));
  }
  return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}

export function cookieName(port: number): string {
  return `typevisor-${port}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header that replaces a page URL's ?token=. */
export function sessionCookie(token: string, port: number): string {
  return `${cookieName(port)}=${cookieSecret(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface GuardRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

function header(req: GuardRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const forbidden = (message: string): Refusal => ({ status: 403, code: 'forbidden', message });
const unauthorized = (message: string): Refusal => ({ status: 401, code: 'unauthorized', message });

/** Checks one request (plain or WebSocket upgrade) against the token and the allowed hosts. */
export function checkRequest(req: GuardRequest, token: string, hosts: Set<string>, port: number): Refusal | Admission {
  const host = header(req, 'host')?.toLowerCase();
  if (!host || !hosts.has(host)) return forbidden(`Host ${JSON.stringify(host ?? '')} is not this server`);
  const origin = header(req, 'origin');
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
    return forbidden(`requests from ${JSON.stringify(origin.slice(0, 200))} are not accepted`);

  const upgrade = header(req, 'upgrade')?.toLowerCase() === 'websocket';
  const auth = header(req, 'authorization');
  if (auth !== undefined) {
    const m = /^Bearer ([^\s]+)$/i.exec(auth);
    if (!m || !sameSecret(m[1], token)) return unauthorized('wrong token');
    return { via: 'bearer' };
  }
  const cookie = cookieValue(header(req, 'cookie'), cookieName(port));
  if (cookie !== undefined) {
    if (!sameSecret(cookie, cookieSecret(token))) return unauthorized('wrong or outdated session cookie');
    // A browser always sends Origin on these; a cookie without it is not a request our page made.
    if ((STATE_CHANGING.has(req.method) || upgrade) && origin === undefined)
      return forbidden('a request authenticated by cookie must carry an Origin header');
    return { via: 'cookie' };
  }
  const url = new URL(req.url, 'http://host');
  const given = url.searchParams.get('token');
  if (given !== null && req.method === 'GET' && !upgrade && !url.pathname.startsWith('/api/')) {
    if (!sameSecret(given, token)) return unauthorized('wrong token');
    url.searchParams.delete('token');
    return { via: 'exchange', location: `${url.pathname}${url.search}` };
  }
  return unauthorized(
    'this API needs its token: "Authorization: Bearer TOKEN" (the token is in $TYPEVISOR_HOME/serve.token), or open the URL that `typevisor serve` printed',
  );
}
