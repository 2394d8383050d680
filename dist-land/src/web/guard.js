// Who may talk to the API: the Host header (DNS rebinding), the Origin header (other sites), and the token.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { cookieSecret, sameSecret } from './token.js';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
export function isLoopback(address) {
    return address === '::1' || address.startsWith('127.') || address === 'localhost';
}
function hostPart(address) {
    return isIP(address) === 6 ? `[${address}]` : address;
}
/** `host:port` values a request's Host header may carry: the listen address, and the loopback names when it is one. */
export function allowedHosts(listen, port) {
    const names = new Set([hostPart(listen)]);
    if (isLoopback(listen))
        for (const n of LOOPBACK_NAMES)
            names.add(n);
    if (listen === '0.0.0.0' || listen === '::') {
        for (const n of LOOPBACK_NAMES)
            names.add(n);
        names.add(hostname().toLowerCase());
        for (const list of Object.values(networkInterfaces()))
            for (const a of list ?? [])
                names.add(hostPart(a.address.replace(/%.*$/, '')));
    }
    return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}
export function cookieName(port) {
    return `typevisor-${port}`;
}
function cookieValue(header, name) {
    if (!header)
        return undefined;
    for (const part of header.split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === name)
            return part.slice(eq + 1).trim();
    }
    return undefined;
}
/** The Set-Cookie header that replaces a page URL's ?token=. */
export function sessionCookie(token, port) {
    return `${cookieName(port)}=${cookieSecret(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
function header(req, name) {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
}
const forbidden = (message) => ({ status: 403, code: 'forbidden', message });
const unauthorized = (message) => ({ status: 401, code: 'unauthorized', message });
/** Checks one request (plain or WebSocket upgrade) against the token and the allowed hosts. */
export function checkRequest(req, token, hosts, port) {
    const host = header(req, 'host')?.toLowerCase();
    if (!host || !hosts.has(host))
        return forbidden(`Host ${JSON.stringify(host ?? '')} is not this server`);
    const origin = header(req, 'origin');
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
        return forbidden(`requests from ${JSON.stringify(origin.slice(0, 200))} are not accepted`);
    const upgrade = header(req, 'upgrade')?.toLowerCase() === 'websocket';
    const auth = header(req, 'authorization');
    if (auth !== undefined) {
        const m = /^Bearer ([^\s]+)$/i.exec(auth);
        if (!m || !sameSecret(m[1], token))
            return unauthorized('wrong token');
        return { via: 'bearer' };
    }
    const cookie = cookieValue(header(req, 'cookie'), cookieName(port));
    if (cookie !== undefined) {
        if (!sameSecret(cookie, cookieSecret(token)))
            return unauthorized('wrong or outdated session cookie');
        // A browser always sends Origin on these; a cookie without it is not a request our page made.
        if ((STATE_CHANGING.has(req.method) || upgrade) && origin === undefined)
            return forbidden('a request authenticated by cookie must carry an Origin header');
        return { via: 'cookie' };
    }
    const url = new URL(req.url, 'http://host');
    const given = url.searchParams.get('token');
    if (given !== null && req.method === 'GET' && !upgrade && !url.pathname.startsWith('/api/')) {
        if (!sameSecret(given, token))
            return unauthorized('wrong token');
        url.searchParams.delete('token');
        return { via: 'exchange', location: `${url.pathname}${url.search}` };
    }
    return unauthorized('this API needs its token: "Authorization: Bearer TOKEN" (the token is in $TYPEVISOR_HOME/serve.token), or open the URL that `typevisor serve` printed');
}
//# sourceMappingURL=guard.js.map