// typevisor suspend and start in the middle of a network transfer: a Debian guest on a NAT network fetches a file
// from an HTTP server on the host's loopback, paced so that the suspend lands mid-way; after start the same TCP
// connection carries on and the file's SHA-256 in the guest is the host's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { ManagerHome } from './harness/manager-cli.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const SIZE = 4 << 20;
const CHUNK = 32 << 10;

test(
  'suspend in the middle of a download through NAT: start resumes the same connection and nothing is lost',
  { timeout: 40 * 60_000 },
  async () => {
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const blob = randomBytes(SIZE);
    const sum = createHash('sha256').update(blob).digest('hex');
    // Paced: a chunk every 40 ms (about 0.8 MiB/s), so the transfer is still under way when the suspend comes.
    let sent = 0;
    let connections = 0;
    const server: Server = createServer((_req, res) => {
      connections++;
      res.writeHead(200, { 'content-length': String(SIZE), 'content-type': 'application/octet-stream' });
      let off = 0;
      const pump = () => {
        if (off >= SIZE) return void res.end();
        const piece = blob.subarray(off, off + CHUNK);
        off += piece.length;
        sent = off;
        if (res.write(piece)) setTimeout(pump, 40);
        else res.once('drain', () => setTimeout(pump, 40));
      };
      pump();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const h = new ManagerHome('tv-suspend-net-');
    try {
      let r = await h.tv('net', 'create', 'lab', '--nat');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('create', 'n', '--memory', '256M', '--network', 'lab');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('start', 'n');
      assert.equal(r.code, 0, r.stderr);
      await h.waitForLog('n', /root@n:[^#]*# /, 0, WAIT_MS);
      const from = h.consoleLog('n').length;
      // The host's loopback is the gateway's address on a NAT network (docs/networks.md).
      const con = h.spawn('console', 'n', '--settle', '0.5');
      con.stdin.end(
        `(wget -q -O /tmp/blob http://10.0.10.1:${port}/blob; echo "wget-status-$?"; sha256sum /tmp/blob | sed 's/^/sum-/') &\n`,
      );
      await new Promise((done) => con.on('exit', done));
      const deadline = Date.now() + WAIT_MS;
      while (sent < SIZE / 4) {
        if (Date.now() > deadline) throw new Error(`the transfer did not start (${sent} bytes sent)`);
        await sleep(100);
      }
      r = await h.tv('suspend', 'n');
      assert.equal(r.code, 0, r.stderr);
      const atSuspend = h.consoleLog('n').length;
      assert.ok(sent < SIZE, `the transfer was under way when suspended (${sent} of ${SIZE} bytes sent)`);
      assert.doesNotMatch(h.consoleLog('n').slice(from), /wget-status-\d/, 'wget was still running');
      // Suspended for longer than a switch with no ports lingers (5 s): the open connection keeps it, and the host
      // side of the connection waits in the network's NAT meanwhile.
      await sleep(8000);
      r = await h.tv('start', 'n');
      assert.equal(r.code, 0, r.stderr);
      await h.waitForLog('n', /sum-[0-9a-f]{64}/, atSuspend, WAIT_MS);
      const out = h.consoleLog('n').slice(from);
      assert.match(out, /wget-status-0/);
      assert.equal(/sum-([0-9a-f]{64})/.exec(out)![1], sum, 'the file arrived whole');
      assert.equal(connections, 1, 'one connection, carried on after the resume');
      assert.doesNotMatch(h.consoleLog('n').slice(atSuspend), /Linux version/, 'resumed, not booted again');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- console.log ---\n${h.consoleLog('n').slice(-2500)}`, { cause: e });
    } finally {
      await h.tv('kill', 'n');
      server.close();
      h.cleanup();
    }
  },
);
