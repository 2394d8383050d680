// The switch process of one network: its learning switch, gateway (DHCP, DNS), ports socket and control socket.
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { LineSplitter } from './lines.js';
import {
  gatewayOf,
  networkPaths,
  parseSubnet,
  readLeases,
  readNetwork,
  type Forward,
  type SwitchStatus,
} from './networks.js';
import { DhcpServer } from '../net/dhcp.js';
import { Gateway, GATEWAY_MAC } from '../net/gateway.js';
import { Firewall } from '../net/firewall.js';
import { Nat } from '../net/nat.js';
import { pcapngHeader, pcapngPacket } from '../net/pcapng.js';
import { ETH_HEADER, ETHERTYPE_ARP, ETHERTYPE_IPV4, ipText, macText, parseIp, parseMacText } from '../net/packet.js';
import { Peer, encodeFrame, MAX_FRAME } from '../net/stream-backend.js';
import { isLive, listenOn } from '../net/socket-path.js';
import { EthernetSwitch, newPortStats, type SwitchPort } from '../net/switch.js';

/** Bytes queued towards a port that does not read before its frames are dropped. */
const MAX_QUEUED = 1 << 20;
/**
 * Bytes queued towards a port past which the port whose frame it was is read no more until that queue drains
 * (or HOLD_MS pass: a port that never reads slows its senders, it does not stop them), so a fast sender waits for a
 * slow receiver instead of losing frames.
 */
const PORT_HIGH_WATER = 128 * 1024;
const HOLD_MS = 250;
/** Ports one switch accepts; more connections are closed at once. */
const MAX_PORTS = 64;
/** Control clients at once (captures included). */
const MAX_CONTROL = 32;
/** Capture bytes queued towards a reader that does not keep up before frames are left out of its capture. */
const MAX_CAPTURE_QUEUED = 8 << 20;
/** With no port attached for this long, the switch ends (it starts again when a VM needs it). */
const IDLE_MS = 5_000;
/** A freshly started switch waits this long for its first port. */
const FIRST_PORT_MS = 60_000;

/** Whether a frame is from or to a VM: by its MAC, or by its address in IPv4 and ARP. */
function concerns(f: Uint8Array, mac: string, ip: number): boolean {
  if (macText(f, 0) === mac || macText(f, 6) === mac) return true;
  const type = (f[12] << 8) | f[13];
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
  if (type === ETHERTYPE_IPV4 && f.length >= ETH_HEADER + 20)
    return dv.getUint32(ETH_HEADER + 12) === ip || dv.getUint32(ETH_HEADER + 16) === ip;
  if (type === ETHERTYPE_ARP && f.length >= ETH_HEADER + 28)
    return dv.getUint32(ETH_HEADER + 14) === ip || dv.getUint32(ETH_HEADER + 24) === ip;
  return false;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** The first name server of the host's /etc/resolv.conf (IPv4), for names a NAT network forwards. */
function hostNameServer(): string | undefined {
  try {
    const m = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/m.exec(readFileSync('/etc/resolv.conf', 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

async function main(dir: string): Promise<number> {
  process.umask(0o077);
  const paths = networkPaths(resolve(dir, '..', '..'), basename(dir));
  if (await isLive(paths.controlSocket)) {
    log(`another switch serves ${paths.controlSocket}: not starting a second one`);
    return 0;
  }
  const def = readNetwork(paths);
  const { network, prefix } = parseSubnet(def.subnet);
  const gatewayIp = gatewayOf(def.subnet);
  const startedAt = new Date().toISOString();

  let saving = false,
    again = false;
  const saveLeases = () => {
    if (saving) return void (again = true);
    saving = true;
    writeFileAtomic(paths.leases, `${JSON.stringify(dhcp.leases(), null, 1)}\n`)
      .catch((e: Error) => log(`cannot save leases: ${e.message}`))
      .finally(() => {
        saving = false;
        if (again) {
          again = false;
          saveLeases();
        }
      });
  };
  const dhcp = new DhcpServer({
    network,
    prefix,
    gateway: gatewayIp,
    domain: def.name.toLowerCase(),
    leases: readLeases(paths),
    changed: saveLeases,
  });
  const sw = new EthernetSwitch();
  const firewall = new Firewall({ resolve: (n) => (n === 'gateway' ? gatewayIp : dhcp.resolve(n)) });
  firewall.load(def.rules, def.policy);
  sw.filter = firewall;
  const gatewayPort: SwitchPort = {
    id: 0,
    label: 'gateway',
    stats: newPortStats(),
    // A bug in a service must not end the network: the error is logged (a few times) and the frame dropped.
    deliver: (f) => {
      try {
        gateway.receive(f);
      } catch (e) {
        if (gatewayErrors++ < 10) log(`gateway: ${(e as Error).stack ?? String(e)}`);
      }
    },
  };
  let gatewayErrors = 0;
  const nat =
    def.mode === 'internal'
      ? undefined
      : new Nat({
          gatewayIp,
          gatewayMac: GATEWAY_MAC,
          scope: def.mode === 'nat' ? 'all' : 'host',
          hostDns: hostNameServer(),
          output: (f) => queueMicrotask(() => sw.input(gatewayPort, f)),
          log,
        });
  const gateway = new Gateway({
    nat,
    ip: gatewayIp,
    domain: def.name.toLowerCase(),
    dhcp,
    // Replies go into the switch on a later turn: a port's frame is never answered from inside its own delivery.
    output: (f) => queueMicrotask(() => sw.input(gatewayPort, f)),
    log,
  });
  sw.attach(gatewayPort);

  const portSockets = new Map<number, Socket>();
  /** The port socket whose frames are being switched, so that a congested destination can hold it. */
  let inputFrom: Socket | undefined;
  const holdSource = (src: Socket, dst: Socket) => {
    if (src === dst || src.isPaused()) return;
    src.pause();
    const go = () => {
      clearTimeout(timer);
      dst.off('drain', go);
      dst.off('close', go);
      if (!src.destroyed) src.resume();
    };
    const timer = setTimeout(go, HOLD_MS);
    dst.once('drain', go);
    dst.once('close', go);
  };
  let nextId = 1;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (ms: number) => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (portSockets.size !== 0) return;
      // A suspended VM's connections through the NAT live on until it resumes (or the NAT's idle limit ends them).
      if (nat && nat.openTcpFlows > 0) armIdle(ms);
      else void shutdown('no ports attached');
    }, ms);
  };

  const ports = createServer((s) => {
    if (portSockets.size >= MAX_PORTS) {
      log(`refusing a port: ${MAX_PORTS} are attached`);
      s.destroy();
      return;
    }
    const id = nextId++;
    const port: SwitchPort = {
      id,
      label: `port ${id}`,
      stats: newPortStats(),
      deliver: (f) => {
        if (s.destroyed || s.writableLength + f.length + 4 > MAX_QUEUED) port.stats.dropped++;
        else {
          s.write(encodeFrame(f));
          if (inputFrom && s.writableLength > PORT_HIGH_WATER) holdSource(inputFrom, s);
        }
      },
    };
    const peer = new Peer(
      s,
      (f) => sw.input(port, f),
      (len) => {
        log(`${port.label}: frame length ${len} (at most ${MAX_FRAME}): disconnecting it`);
        sw.stats.malformed++;
        s.destroy();
      },
    );
    portSockets.set(id, s);
    sw.attach(port);
    clearTimeout(idleTimer);
    log(`${port.label} attached`);
    s.on('data', (d: Buffer) => {
      inputFrom = s;
      try {
        peer.onData(d);
      } finally {
        inputFrom = undefined;
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      portSockets.delete(id);
      sw.detach(port);
      log(
        `${port.label} left (${port.stats.rxFrames} frames in, ${port.stats.txFrames} out, ${port.stats.dropped} dropped)`,
      );
      if (portSockets.size === 0) armIdle(IDLE_MS);
    });
  });

  const status = (): SwitchStatus => {
    const table = sw.macTable();
    const leases = dhcp.leases();
    return {
      pid: process.pid,
      startedAt,
      ports: sw
        .portList()
        .filter((p) => p.id !== 0)
        .map((p) => {
          const macs = table.filter((t) => t.port === p.id).map((t) => t.mac);
          const names = leases.filter((l) => l.name && macs.includes(l.mac)).map((l) => l.name);
          return {
            id: p.id,
            label: names.length ? names.join(',') : p.label,
            macs,
            rxFrames: p.stats.rxFrames,
            txFrames: p.stats.txFrames,
            dropped: p.stats.dropped,
          };
        }),
      leases: dhcp.leases().map(({ mac, ip, name, pinned }) => ({ mac, ip, name, pinned })),
      forwards: [...forwards.values()].map((f) => ({ ...f.fwd, listening: f.listening, error: f.error })),
      stats: {
        ...sw.stats,
        ...gateway.stats,
        ...dhcp.stats,
        ...(nat?.stats ?? {}),
        ...captureStats,
        captures: captures.size,
      },
      firewall: { counters: Object.fromEntries(firewall.counters), tracked: firewall.trackedCount() },
    };
  };

  const controlClients = new Set<Socket>();
  const control = createServer((s) => {
    if (controlClients.size >= MAX_CONTROL) return void s.destroy();
    controlClients.add(s);
    s.on('close', () => controlClients.delete(s));
    s.on('error', () => undefined);
    // After a capture request the connection carries pcapng; further lines are ignored.
    let capturing = false;
    const reply = (msg: unknown) => {
      if (s.writableLength > MAX_QUEUED) s.destroy();
      else s.write(`${JSON.stringify(msg)}\n`);
    };
    const lines = new LineSplitter(
      (line) => {
        if (!line.trim()) return;
        let req: { id?: unknown; op?: unknown; mac?: unknown; name?: unknown; ip?: unknown };
        try {
          req = JSON.parse(line) as typeof req;
          if (typeof req !== 'object' || req === null) throw new Error('not an object');
        } catch {
          return reply({ id: null, ok: false, error: { message: 'a request is one JSON object per line' } });
        }
        const id = typeof req.id === 'number' ? req.id : null;
        if (capturing) return;
        if (req.op === 'capture') {
          try {
            startCapture(s, req as { vm?: unknown });
            capturing = true;
            reply({ id, ok: true, result: {} });
            s.write(pcapngHeader(`typevisor network ${def.name}`));
          } catch (e) {
            reply({ id, ok: false, error: { message: (e as Error).message } });
          }
          return;
        }
        try {
          reply({ id, ok: true, result: handle(req) });
        } catch (e) {
          reply({ id, ok: false, error: { message: (e as Error).message } });
        }
      },
      () => {
        reply({ id: null, ok: false, error: { message: 'request line too long' } });
        s.end();
      },
    );
    s.on('data', (d: Buffer) => lines.push(d));
  });

  // Captures: each control connection that asked for one gets every frame (or a VM's frames) as pcapng blocks.
  const captureStats = { captured: 0, captureSkipped: 0 };
  const captures = new Map<Socket, ((f: Uint8Array) => boolean) | undefined>();
  const startCapture = (s: Socket, req: { vm?: unknown }) => {
    let only: ((f: Uint8Array) => boolean) | undefined;
    if (req.vm !== undefined && req.vm !== null) {
      if (typeof req.vm !== 'string') throw new Error('"vm" is a VM name');
      const name = req.vm.toLowerCase();
      const lease = dhcp.leases().find((l) => l.name === name);
      if (!lease) throw new Error(`no VM named ${req.vm}`);
      only = (f) => concerns(f, lease.mac, parseIp(lease.ip)!);
    }
    captures.set(s, only);
    s.on('close', () => {
      captures.delete(s);
      if (!captures.size) sw.tap = undefined;
    });
    sw.tap = (frame, _from, note) => {
      const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
      let block: Buffer | undefined;
      for (const [c, want] of captures) {
        if (want && !want(frame)) continue;
        if (c.destroyed || c.writableLength > MAX_CAPTURE_QUEUED) {
          captureStats.captureSkipped++;
          continue;
        }
        block ??= pcapngPacket(frame, now, note);
        c.write(block);
        captureStats.captured++;
      }
    };
  };

  // Port forwards: a listener per forward on the host; a connection is opened towards the VM's address.
  interface ForwardEntry {
    fwd: Forward;
    listening: boolean;
    error?: string;
    close(): void;
  }
  const forwards = new Map<string, ForwardEntry>();
  /** The VM a forward names, as DHCP and DNS know it, or undefined (logged) when it has no address yet. */
  const forwardTarget = (fwd: Forward) => {
    const ip = dhcp.resolve(fwd.vm);
    const lease = dhcp.leases().find((l) => l.name === fwd.vm);
    if (ip !== undefined && lease) return { ip, mac: parseMacText(lease.mac) };
    log(`forward ${fwd.name}: no VM named ${fwd.vm} on this network yet`);
    return undefined;
  };
  const openForward = (fwd: Forward): ForwardEntry => {
    const failed = (e: Error) => {
      entry.error = e.message;
      log(`forward ${fwd.name}: ${e.message}`);
    };
    if (fwd.proto === 'udp') {
      const sock = createSocket('udp4');
      const entry: ForwardEntry = { fwd, listening: false, close: () => sock.close() };
      sock.on('error', failed);
      sock.on('listening', () => (entry.listening = true));
      sock.on('message', (msg, rinfo) => {
        const to = forwardTarget(fwd);
        if (to) nat!.forwardUdpToGuest(sock, rinfo, to.mac, to.ip, fwd.guestPort, msg);
      });
      sock.bind(fwd.hostPort, fwd.hostAddr);
      return entry;
    }
    // Half-open: a host that ends its side may still read what the guest sends.
    const server: Server = createServer({ allowHalfOpen: true }, (sock) => {
      const to = forwardTarget(fwd);
      if (!to) return void sock.destroy();
      nat!.forwardToGuest(sock, to.mac, to.ip, fwd.guestPort);
    });
    const entry: ForwardEntry = { fwd, listening: false, close: () => server.close() };
    server.on('error', failed);
    server.on('listening', () => (entry.listening = true));
    server.listen(fwd.hostPort, fwd.hostAddr);
    return entry;
  };
  const applyForwards = () => {
    const want = nat ? readNetwork(paths).forwards : [];
    const keyOf = (f: Forward) => JSON.stringify(f);
    for (const [k, f] of forwards)
      if (!want.some((w) => keyOf(w) === k)) {
        f.close();
        forwards.delete(k);
      }
    for (const fwd of want) if (!forwards.has(keyOf(fwd))) forwards.set(keyOf(fwd), openForward(fwd));
  };

  const handle = (req: { op?: unknown; mac?: unknown; name?: unknown; ip?: unknown }): unknown => {
    switch (req.op) {
      case 'status':
        return status();
      case 'register': {
        if (typeof req.mac !== 'string' || !/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(req.mac))
          throw new Error('register needs "mac": six hex pairs separated by ":"');
        const name = req.name === undefined || req.name === null ? undefined : req.name;
        if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)))
          throw new Error('"name" is a host name: a-z, 0-9 and "-", at most 63 characters');
        let ip: number | undefined;
        if (req.ip !== undefined && req.ip !== null) {
          const parsed = typeof req.ip === 'string' ? parseIp(req.ip) : null;
          if (parsed === null) throw new Error('"ip" is an IPv4 address');
          ip = parsed;
        }
        const lease = dhcp.register(req.mac, name, ip);
        return { mac: lease.mac, ip: lease.ip, name: lease.name, gateway: ipText(gatewayIp) };
      }
      case 'reload': {
        applyForwards();
        const d = readNetwork(paths);
        firewall.load(d.rules, d.policy);
        return { forwards: forwards.size, rules: firewall.ruleCount };
      }
      case 'stop':
        setImmediate(() => void shutdown('asked to stop'));
        return {};
      default:
        throw new Error(`unknown op ${JSON.stringify(req.op)} (status, register, reload, capture, stop)`);
    }
  };

  let ending = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((r) => (finish = r));
  const shutdown = async (why: string) => {
    if (ending) return;
    ending = true;
    log(`stopping: ${why}`);
    control.close();
    ports.close();
    for (const s of [...portSockets.values(), ...controlClients]) s.destroy();
    nat?.close();
    for (const f of forwards.values()) f.close();
    rmSync(paths.controlSocket, { force: true });
    rmSync(paths.portsSocket, { force: true });
    rmSync(paths.pid, { force: true });
    finish(0);
  };

  // Sockets of a switch that died are stale: nothing answered on the control socket above.
  rmSync(paths.controlSocket, { force: true });
  rmSync(paths.portsSocket, { force: true });
  await listenOn(ports, paths.portsSocket);
  await listenOn(control, paths.controlSocket);
  writeFileSync(paths.pid, `${process.pid}\n`);
  log(
    `switch of ${def.name} (${def.subnet}, gateway ${ipText(gatewayIp)}, ${def.mode}) listening on ${paths.portsSocket}`,
  );
  applyForwards();
  armIdle(FIRST_PORT_MS);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => undefined);
  return finished;
}

const dir = process.argv[2];
if (!dir || basename(dirname(resolve(dir))) !== 'networks') {
  process.stderr.write('usage: net-process.js $TYPEVISOR_HOME/networks/NAME (started when a VM joins the network)\n');
  process.exit(2);
}
process.on('uncaughtException', (e) => {
  log(`fatal: ${e.stack ?? String(e)}`);
  process.exit(1);
});
main(resolve(dir)).then(
  (code) => process.exit(code),
  (e: Error) => {
    log(`fatal: ${e.stack ?? String(e)}`);
    process.exit(1);
  },
);
