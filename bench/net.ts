// Network benchmark: VM-to-VM through a typevisor network's switch, guest-to-host through its NAT and host-to-guest through a port forward, each against QEMU (-netdev stream, -netdev user with hostfwd) on the same busybox Debian guests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, get, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { addForward, createNetwork, networkPaths, switchRequest } from '../src/manager/networks.js';
import { GuestConsole } from '../test/harness/guest-console.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
/** Size of each bulk transfer: large enough that neither the guest's clock steps nor the console's round trip matter. */
const MIB = Math.max(1, Number(process.env.BENCH_NET_MIB ?? 8));
const REPS = Math.max(1, Number(process.env.BENCH_NET_REPS ?? 3));
const PINGS = Math.max(2, Number(process.env.BENCH_NET_PINGS ?? 10));
const PROMPT = /root@\S+:[^#]*# /;
const SUBNET = '10.0.77';

interface Guest {
  name: string;
  child: ChildProcessWithoutNullStreams;
  con: GuestConsole;
}

function start(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Guest {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env }) as ChildProcessWithoutNullStreams;
  return { name, child, con: new GuestConsole(child) };
}

/** Figures of one system (typevisor or QEMU): lists of samples, summarized as min and median. */
interface Figures {
  vmPingMs: number[];
  vmMiBs: number[];
  gwPingMs: number[];
  natMiBs: number[];
  fwdMiBs: number[];
  fwdRequestMs: number[];
}
const emptyFigures = (): Figures => ({
  vmPingMs: [],
  vmMiBs: [],
  gwPingMs: [],
  natMiBs: [],
  fwdMiBs: [],
  fwdRequestMs: [],
});

const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The round trips busybox ping printed, one per reply. */
async function pings(g: Guest, to: string): Promise<number[]> {
  const out = await g.con.run(`ping -c ${PINGS} -i 0.2 -W 5 ${to}`);
  const times = [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (!times.length) console.log(`  ${g.name}: ping ${to} gave no replies:\n  ${out.trim().split('\n').join('\n  ')}`);
  return times;
}

/** Wall time (host side) of a console command, less the console's own round trip (`rtt`, measured with `true`). */
async function timedRun(g: Guest, cmd: string, rtt: number): Promise<{ out: string; s: number }> {
  const t0 = performance.now();
  const out = await g.con.run(cmd);
  return { out, s: Math.max(performance.now() - t0 - rtt, 1) / 1000 };
}

async function consoleRtt(g: Guest): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await g.con.run('true');
    t.push(performance.now() - t0);
  }
  return Math.min(...t);
}

/** Serves MIB random bytes on 127.0.0.1. */
async function hostServer(): Promise<{ server: Server; port: number }> {
  const blob = randomBytes(MIB << 20);
  const server = createHttpServer((_req, res) => {
    res.setHeader('content-length', blob.length);
    res.end(blob);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Fetches a URL on the host; resolves to the byte count and seconds from the request to the last byte. */
function hostFetch(url: string): Promise<{ bytes: number; s: number }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    let bytes = 0;
    get(url, { agent: false }, (res) => {
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => ok({ bytes, s: (performance.now() - t0) / 1000 }));
      res.on('error', fail);
    }).on('error', fail);
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const serveBlob = `mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1M count=${MIB} 2>/dev/null && echo x > /tmp/www/small && httpd -p 8080 -h /tmp/www; echo rc=$?`;

/**
 * A guest fetches `url` REPS times (after one untimed fetch); MiB/s per fetch, timed on the host from typing the command
 * to its output (less the console's round trip): a host server's own timing would stop when its last bytes entered
 * the host's socket buffer, megabytes before the guest has them.
 */
async function guestFetches(g: Guest, url: string): Promise<number[]> {
  const rtt = await consoleRtt(g);
  await g.con.run(`wget -q -O /dev/null ${url}`);
  const speeds: number[] = [];
  progress(`${g.name}: fetching ${url}`);
  for (let i = 0; i < REPS; i++) {
    const { out, s } = await timedRun(g, `wget -q -O /dev/null ${url}; echo rc=$?`, rtt);
    if (!/^rc=0$/m.test(out)) throw new Error(`${g.name}: wget ${url} failed:\n${out}`);
    speeds.push(MIB / s);
  }
  return speeds;
}

/** The host fetches the guest's blob through a forwarded port REPS times, and its small file PINGS times. */
async function forwardFetches(port: number, f: Figures): Promise<void> {
  await hostFetch(`http://127.0.0.1:${port}/blob`);
  for (let i = 0; i < REPS; i++) {
    const r = await hostFetch(`http://127.0.0.1:${port}/blob`);
    if (r.bytes !== MIB << 20) throw new Error(`the forward gave ${r.bytes} bytes, not ${MIB << 20}`);
    f.fwdMiBs.push(MIB / r.s);
  }
  for (let i = 0; i < PINGS; i++) f.fwdRequestMs.push((await hostFetch(`http://127.0.0.1:${port}/small`)).s * 1000);
}

const progress = (line: string): void => {
  if (process.env.BENCH_NET_VERBOSE) process.stderr.write(`net: ${line}\n`);
};

async function withGuests<T>(guests: Guest[], body: () => Promise<T>): Promise<T> {
  try {
    progress(`booting ${guests.map((g) => g.name).join(', ')}`);
    await Promise.all(guests.map((g) => g.con.waitFor(PROMPT, `${g.name}'s shell prompt`)));
    progress('at the prompt');
    const r = await body();
    for (const g of guests) await g.con.exitAfter('poweroff -f');
    return r;
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\n${guests.map((g) => `--- ${g.name} ---\n${g.con.output.slice(-1500)}\n${g.con.stderr.slice(-800)}`).join('\n')}`,
    );
  } finally {
    for (const g of guests) if (g.child.exitCode === null) g.child.kill('SIGKILL');
  }
}

async function benchTypevisor(img: { kernel: string; initrd: string }, dir: string): Promise<Figures> {
  const f = emptyFigures();
  const home = join(dir, 'home');
  const env = { ...process.env, TYPEVISOR_HOME: home };
  await createNetwork(home, { name: 'bench', subnet: `${SUBNET}.0/24`, mode: 'nat' });
  const vm = (name: string, ip: string) =>
    start(
      name,
      process.execPath,
      [
        bin,
        'run',
        '--kernel',
        img.kernel,
        '--initrd',
        img.initrd,
        '--append',
        `console=ttyS0 systemd.hostname=${name}`,
        '-m',
        '256M',
        '--network',
        `bench,ip=${ip}`,
      ],
      env,
    );
  const a = vm('tva', `${SUBNET}.21`);
  const b = vm('tvb', `${SUBNET}.22`);
  const host = await hostServer();
  try {
    await withGuests([a, b], async () => {
      // DHCP gave the pinned addresses (and the names the forward needs) before the prompt.
      const served = await b.con.run(serveBlob);
      if (!/^rc=0$/m.test(served)) throw new Error(`tvb: httpd did not start:\n${served}`);
      f.vmMiBs = await guestFetches(a, `http://${SUBNET}.22:8080/blob`);
      f.vmPingMs = await pings(a, `${SUBNET}.22`);
      f.natMiBs = await guestFetches(a, `http://${SUBNET}.1:${host.port}/blob`);
      f.gwPingMs = await pings(a, `${SUBNET}.1`);
      const port = await freePort();
      await addForward(home, 'bench', {
        name: 'bench',
        proto: 'tcp',
        hostAddr: '127.0.0.1',
        hostPort: port,
        vm: 'tvb',
        guestPort: 8080,
      });
      await forwardFetches(port, f);
    });
  } finally {
    host.server.close();
    await switchRequest(networkPaths(home, 'bench').controlSocket, { op: 'stop' }).catch(() => undefined);
  }
  return f;
}

async function benchQemu(img: { kernel: string; initrd: string }, dir: string): Promise<Figures> {
  const f = emptyFigures();
  const q = (name: string, netdev: string, mac: string, dhcp: boolean) =>
    start(name, 'qemu-system-riscv64', [
      '-M',
      'virt',
      '-m',
      '256M',
      '-nographic',
      '-kernel',
      img.kernel,
      '-initrd',
      img.initrd,
      '-append',
      `console=ttyS0 systemd.hostname=${name}${dhcp ? '' : ' typevisor.dhcp=0'}`,
      '-netdev',
      `${netdev},id=n0`,
      '-device',
      `virtio-net-device,netdev=n0,mac=${mac}`,
    ]);
  // VM to VM: two guests joined by -netdev stream on a UNIX socket, addresses set by hand.
  const sock = join(dir, 'qemu-link.sock');
  const a = q('qa', `stream,server=on,addr.type=unix,addr.path=${sock}`, '52:54:00:c0:00:01', false);
  await new Promise((r) => setTimeout(r, 1000)); // the server's socket exists before the client connects
  const b = q('qb', `stream,server=off,addr.type=unix,addr.path=${sock}`, '52:54:00:c0:00:02', false);
  await withGuests([a, b], async () => {
    await a.con.run(`ip addr add ${SUBNET}.21/24 dev eth0; ip link set eth0 up`);
    const served = await b.con.run(`ip addr add ${SUBNET}.22/24 dev eth0; ip link set eth0 up; ${serveBlob}`);
    if (!/^rc=0$/m.test(served)) throw new Error(`qb: httpd did not start:\n${served}`);
    f.vmMiBs = await guestFetches(a, `http://${SUBNET}.22:8080/blob`);
    f.vmPingMs = await pings(a, `${SUBNET}.22`);
  });
  // NAT and a forward: one guest on user networking (slirp's DHCP; the host is 10.0.2.2).
  const port = await freePort();
  const u = q('qu', `user,hostfwd=tcp:127.0.0.1:${port}-:8080`, '52:54:00:c0:00:03', true);
  const host = await hostServer();
  try {
    await withGuests([u], async () => {
      const served = await u.con.run(serveBlob);
      if (!/^rc=0$/m.test(served)) throw new Error(`qu: httpd did not start:\n${served}`);
      f.natMiBs = await guestFetches(u, `http://10.0.2.2:${host.port}/blob`);
      f.gwPingMs = await pings(u, '10.0.2.2');
      await forwardFetches(port, f);
    });
  } finally {
    host.server.close();
  }
  return f;
}

export async function benchNet(): Promise<void> {
  const img = (await findCachedDebian()) ?? (await pullDebian({}));
  const dir = mkdtempSync(join(tmpdir(), 'tv-benchnet-'));
  try {
    console.log(
      `\nnet: typevisor network (switch process, NAT, port forward) vs QEMU (-netdev stream, -netdev user with hostfwd), busybox Debian guests of 256 MiB;\n` +
        `${MIB} MiB HTTP transfers x ${REPS} (wget in a guest, timed on the host), ${PINGS} pings; min / median`,
    );
    const ours = await benchTypevisor(img, dir);
    const qemu = await benchQemu(img, dir);
    const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(32) : c.padStart(16))).join('');
    const num = (x: number, d: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(d));
    console.log(row(['', 'typevisor', 'qemu', 'ratio (median)']));
    const line = (label: string, a: number[], b: number[], higherBetter: boolean) => {
      const best = (xs: number[]) => (xs.length ? (higherBetter ? Math.max(...xs) : Math.min(...xs)) : NaN);
      const d = higherBetter ? 1 : 2;
      const ratio = median(a) / median(b);
      console.log(
        row([
          label,
          `${num(best(a), d)} / ${num(median(a), d)}`,
          `${num(best(b), d)} / ${num(median(b), d)}`,
          Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}${higherBetter ? '' : 'x'}`,
        ]),
      );
    };
    line('VM-to-VM ping ms', ours.vmPingMs, qemu.vmPingMs, false);
    line('VM-to-VM HTTP MiB/s', ours.vmMiBs, qemu.vmMiBs, true);
    line('guest to gateway ping ms', ours.gwPingMs, qemu.gwPingMs, false);
    line('NAT guest-to-host HTTP MiB/s', ours.natMiBs, qemu.natMiBs, true);
    line('forward host-to-guest MiB/s', ours.fwdMiBs, qemu.fwdMiBs, true);
    line('forward small request ms', ours.fwdRequestMs, qemu.fwdRequestMs, false);
    console.log(
      'MiB/s: best / median; ms: min / median. ratio: typevisor / qemu of the medians (speed: above 1 is faster; time: below 1x is faster).',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchNet();
