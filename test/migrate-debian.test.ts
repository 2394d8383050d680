// Live migration of a running Debian guest between two $TYPEVISOR_HOMEs on this machine, while a guest program writes
// memory and prints a count: garbage and a wrong token are refused and a connection killed mid-migration leaves the
// source running; then the VM moves, its count goes on on the receiver without a gap or a repeat, the receiver's RAM
// matched the source's CRC-32 at stop-and-copy, the guest agent set the clock on arrival, and the guest's data is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { Msg, Wire } from '../src/migrate/wire.js';
import { ManagerHome } from './harness/manager-cli.js';
import { GuestConsole } from './harness/guest-console.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const PROMPT = /root@v:[^#]*# /;

function readLog(h: ManagerHome, file: string): string {
  const p = join(h.dir, 'vms', 'v', file);
  return existsSync(p) ? readFileSync(p, 'latin1') : '';
}

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Runs a command on the VM's console and returns its output. */
async function guest(h: ManagerHome, cmd: string): Promise<string> {
  const child = h.spawn('console', 'v', '--settle', '0.5');
  const con = new GuestConsole(child);
  const out = await con.run(cmd);
  child.stdin.end();
  await new Promise((done) => child.on('exit', done));
  return out;
}

/** The counts the guest loop printed ("tick N HASH" lines), in order. */
const ticks = (text: string) => [...text.matchAll(/tick (\d+) [0-9a-f]{8}\r?\n/g)].map((m) => Number(m[1]));

/** A receiver that authenticates, takes a few pages and then drops the connection: a migration cut off midway. */
async function cuttingReceiver(token: string): Promise<{ address: string; cut: Promise<void> }> {
  const server = createServer();
  let done!: () => void;
  const cut = new Promise<void>((r) => (done = r));
  server.on('connection', (sock) => {
    void (async () => {
      const wire = new Wire(sock, 'receiver');
      await wire.acceptPeer(token);
      await wire.expect(Msg.Definition, 'a definition');
      await wire.sendJson(Msg.Accept, {});
      await wire.expect(Msg.Pages, 'pages');
      sock.destroy();
      server.close();
      done();
    })().catch(() => sock.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `tcp:127.0.0.1:${(server.address() as AddressInfo).port}`, cut };
}

test('a running Debian VM migrates live between two homes', { timeout: 40 * 60_000 }, async () => {
  if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
  const a = new ManagerHome('tv-mig-a-');
  const b = new ManagerHome('tv-mig-b-');
  let receiver: ReturnType<ManagerHome['spawn']> | undefined;
  try {
    assert.equal((await a.tv('create', 'v', '--memory', '256M')).code, 0);
    assert.equal((await a.tv('start', 'v')).code, 0);
    await waitFor('the shell prompt', () => PROMPT.test(readLog(a, 'console.log')));
    // Data with its checksum, and a loop that writes 2 MiB of memory per turn and prints a count.
    await guest(a, 'head -c 4000000 /dev/urandom > /tmp/data; md5sum /tmp/data > /tmp/data.md5');
    await guest(
      a,
      'i=0; while :; do i=$((i+1)); dd if=/dev/urandom of=/tmp/blob bs=64k count=32 2>/dev/null; echo "tick $i $(md5sum </tmp/blob | cut -c1-8)"; sleep 0.2; done & :',
    );
    await waitFor('the loop', () => ticks(readLog(a, 'console.log')).length >= 3);

    receiver = b.spawn('receive', '--listen', 'tcp:127.0.0.1:0');
    let out = '',
      err = '';
    receiver.stdout.on('data', (d: Buffer) => (out += d.toString()));
    receiver.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ended = new Promise<number | null>((r) => receiver!.on('exit', r));
    await waitFor('the token', () => /^token [0-9a-f]{32}$/m.test(out));
    const address = /^listening on (tcp:127\.0\.0\.1:\d+)$/m.exec(out)![1];
    const token = /^token ([0-9a-f]{32})$/m.exec(out)![1];

    // Garbage on the port is refused; the receiver goes on listening.
    const junk = createConnection({ host: '127.0.0.1', port: Number(address.split(':')[2]) });
    junk.on('error', () => undefined);
    junk.write(Buffer.from('GET / HTTP/1.0\r\n\r\n\xff\xff\xff\xff\xff\xff', 'latin1'));
    await waitFor('the refusal of garbage', () => /refused the connection from .*not a typevisor migration/.test(err));
    junk.destroy();

    // A wrong token is refused, and the source runs on untouched.
    let r = await a.tv('migrate', 'v', address, '--token', '0'.repeat(32));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /wrong token/);
    assert.match(err, /the source gave a wrong token/);
    // A connection cut off during the RAM transfer: the source runs on.
    const cutter = await cuttingReceiver('t0ken');
    r = await a.tv('migrate', 'v', cutter.address, '--token', 't0ken');
    await cutter.cut;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /migrate: /);
    assert.match((await a.tv('list')).stdout, /^v\s+running/m);
    const before = ticks(readLog(a, 'console.log')).length;
    await waitFor(
      'the loop on the source after the failures',
      () => ticks(readLog(a, 'console.log')).length > before + 2,
    );

    // The migration.
    r = await a.tv('migrate', 'v', address, '--token', token);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^v migrated to tcp:127\.0\.0\.1:\d+: downtime \d+ ms, total \d+ ms, \d+ pre-copy rounds/m);
    process.stderr.write(`migrate: ${r.stdout}`);
    assert.equal(await ended, 0, err);
    assert.match(err, /v arrived and is running/);
    assert.match((await a.tv('list')).stdout, /^v\s+stopped.*migrated to tcp:127\.0\.0\.1/m);
    assert.match((await b.tv('list')).stdout, /^v\s+running/m);
    // The receiver compared its RAM with the source's CRC-32 at stop-and-copy.
    assert.match(readLog(b, 'vm.log'), /CRC-32 [0-9a-f]+ matches/);
    // The guest's clock stood still while it moved: its agent set it on arrival.
    await waitFor('the guest clock set on arrival', () =>
      /guest clock set through the guest agent/.test(readLog(b, 'vm.log')),
    );

    // The count goes on on the receiver: the two consoles together count 1, 2, 3, ... with no gap and no repeat.
    const last = ticks(readLog(a, 'console.log')).at(-1)!;
    await waitFor('the loop on the receiver', () => ticks(readLog(b, 'console.log')).some((n) => n > last + 2));
    const all = ticks(readLog(a, 'console.log') + readLog(b, 'console.log'));
    assert.deepEqual(
      all,
      all.map((_, i) => i + 1),
    );
    assert.match(await guest(b, 'md5sum -c /tmp/data.md5'), /\/tmp\/data: OK/);
    assert.equal((await b.tv('kill', 'v')).code, 0);
  } finally {
    receiver?.kill();
    a.cleanup();
    b.cleanup();
  }
});
