// NAT in the gateway: guest TCP connections and UDP flows ended here and opened as host sockets, like QEMU's slirp.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  buildIpv4,
  buildTcp,
  buildUdp,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipText,
  parseTcp,
  parseUdp,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type Ipv4,
  type Tcp,
} from './packet.js';

/** Flows of each protocol at once; a new one beyond this replaces the least recently used. */
export const MAX_FLOWS = 512;
/** Host bytes read for a guest but not yet sent to it, past which the host socket is paused (backpressure). */
const MAX_PENDING = 256 * 1024;
/** The window the gateway offers the guest (no window scaling): at most this, and no more than HOST_BUFFER has room for. */
const WINDOW = 65535;
/**
 * Guest bytes the host socket may have queued: the window offered shrinks as it fills, to 0 (a window update
 * follows when it drains); data beyond it is dropped (the guest sends it again).
 */
const HOST_BUFFER = 128 * 1024;
const MSS = 1460;
/** Unacknowledged segments are sent again after this long (the link to the guest only loses what it drops). */
const RTO_MS = 500;
const UDP_IDLE_MS = 60_000;
/** A TCP flow nothing happens on for this long is reset (a guest that vanished mid-connection). */
const TCP_IDLE_MS = 10 * 60_000;

export interface NatOptions {
  gatewayIp: number;
  gatewayMac: Uint8Array;
  /** Which destinations the guests may reach: every address, or the host (the gateway's address) only. */
  scope: 'all' | 'host';
  output: (frame: Uint8Array) => void;
  log: (line: string) => void;
  /** The host address a guest reaches through the gateway's address (default 127.0.0.1). */
  hostLoopback?: string;
  /** The host's name server, for names the network does not know (scope 'all' only). */
  hostDns?: string;
}

const lt = (a: number, b: number) => ((a - b) | 0) < 0;

/** Bytes as the chunks they arrived in: taking from the front copies only a segment that straddles two chunks. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  length = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }

  /** Up to `n` bytes from the front, left in the queue. */
  peek(n: number): Buffer {
    n = Math.min(n, this.length);
    const first = this.chunks[this.head];
    if (!first || first.length >= n) return first ? first.subarray(0, n) : Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (let i = this.head, got = 0; got < n; i++) {
      const c = this.chunks[i].subarray(0, n - got);
      parts.push(c);
      got += c.length;
    }
    return Buffer.concat(parts, n);
  }

  /** Removes `n` bytes (at most all) from the front. */
  drop(n: number): void {
    n = Math.min(n, this.length);
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[this.head];
      if (c.length <= n) {
        n -= c.length;
        this.head++;
      } else {
        this.chunks[this.head] = c.subarray(n);
        n = 0;
      }
    }
    // Forget consumed chunks now and then, not on every call.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  take(n: number): Buffer {
    const b = this.peek(n);
    this.drop(b.length);
    return b;
  }
}

class TcpFlow {
  sock: Socket | undefined;
  established = false;
  /** Next sequence number expected from the guest. */
  rcvNxt = 0;
  /** Oldest unacknowledged and next sequence number towards the guest. */
  /** Our initial sequence number: the SYN-ACK's. */
  readonly iss: number;
  sndUna: number;
  sndNxt: number;
  /** The guest's window and MSS. */
  wnd = 0;
  mss = MSS;
  /** Bytes sent to the guest and not yet acknowledged, starting at sndUna (after the SYN). */
  unacked = new ByteQueue();
  /** Bytes from the host not yet sent. */
  pending = new ByteQueue();
  hostEnded = false;
  /** Opened by us towards the guest (a port forward), not by the guest's SYN. */
  synSent = false;
  finSent = false;
  guestFin = false;
  /** A zero window was offered: the host socket's queue is full; its drain sends a window update. */
  blocked = false;
  timer: NodeJS.Timeout | undefined;
  lastActive = Date.now();

  constructor(
    readonly key: string,
    readonly guestMac: Uint8Array,
    readonly guestIp: number,
    readonly guestPort: number,
    readonly remoteIp: number,
    readonly remotePort: number,
  ) {
    this.iss = randomBytes(4).readUInt32BE(0);
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
  }
}

/** A host peer of a UDP port forward: its datagrams go to the guest from one gateway port, the guest's answers back. */
interface UdpForwardFlow {
  server: UdpSocket;
  peerKey: string;
  peerAddr: string;
  peerPort: number;
  timer: NodeJS.Timeout;
}

interface UdpFlow {
  sock: UdpSocket;
  guestMac: Uint8Array;
  guestIp: number;
  guestPort: number;
  remoteIp: number;
  remotePort: number;
  timer: NodeJS.Timeout;
}

export class Nat {
  private readonly tcp = new Map<string, TcpFlow>();
  private readonly udp = new Map<string, UdpFlow>();
  /** UDP port-forward flows by the guest's side: `guestIp:guestPort>gatewayPort`. */
  private readonly udpForwards = new Map<string, UdpForwardFlow>();
  /** The same flows by the host peer's side: `forwardSocket|peer:port>guestIp:guestPort`, to the gateway port. */
  private readonly udpForwardPorts = new Map<string, number>();
  readonly stats = { tcpFlows: 0, udpFlows: 0, refused: 0, resets: 0, retransmits: 0 };
  /** The gateway's source port of the last port-forward connection. */
  private nextPort = 32768;

  constructor(private readonly o: NatOptions) {}

  /** TCP connections open through the gateway: a suspended guest's wait here for it to come back. */
  get openTcpFlows(): number {
    return this.tcp.size;
  }

  /** Where a guest's destination goes on the host, or null when this network does not reach it. */
  private target(dst: number): string | null {
    if (dst === this.o.gatewayIp) return this.o.hostLoopback ?? '127.0.0.1';
    return this.o.scope === 'all' ? ipText(dst) : null;
  }

  /** Takes a guest's TCP or UDP packet addressed beyond the gateway's own services; false when it is not for NAT. */
  handle(ip: Ipv4, srcMac: Uint8Array): boolean {
    if (ip.protocol === IPPROTO_TCP) {
      const t = parseTcp(ip.payload);
      if (t) this.tcpIn(ip, t, srcMac);
      return true;
    }
    if (ip.protocol === IPPROTO_UDP) {
      const u = parseUdp(ip.payload);
      if (u) this.udpIn(ip, u.srcPort, u.dstPort, u.data, srcMac);
      return true;
    }
    return false;
  }

  close(): void {
    for (const f of this.udpForwards.values()) clearTimeout(f.timer);
    for (const f of this.tcp.values()) this.dropTcp(f);
    for (const f of this.udp.values()) this.dropUdp(f);
  }

  /** Sends a guest's DNS query (to the gateway) on to the host's name server; false when there is none to ask. */
  forwardDns(ip: Ipv4, srcPort: number, data: Uint8Array, srcMac: Uint8Array): boolean {
    if (this.o.scope !== 'all' || !this.o.hostDns) return false;
    this.udpIn(ip, srcPort, 53, data, srcMac, this.o.hostDns);
    return true;
  }

  // --- UDP ---

  private udpIn(ip: Ipv4, srcPort: number, dstPort: number, data: Uint8Array, srcMac: Uint8Array, to?: string): void {
    // A guest's answer to a UDP port forward goes back to the host peer that asked.
    const back = ip.dst === this.o.gatewayIp ? this.udpForwards.get(`${ip.src}:${srcPort}>${dstPort}`) : undefined;
    if (back) {
      back.timer.refresh();
      back.server.send(data, back.peerPort, back.peerAddr);
      return;
    }
    const host = to ?? this.target(ip.dst);
    if (host === null || dstPort === 0) return;
    const key = `${ip.src}:${srcPort}>${ip.dst}:${dstPort}`;
    let f = this.udp.get(key);
    if (!f) {
      if (this.udp.size >= MAX_FLOWS) this.dropUdp(this.udp.values().next().value!);
      const sock = createSocket('udp4');
      const flow: UdpFlow = {
        sock,
        guestMac: srcMac,
        guestIp: ip.src,
        guestPort: srcPort,
        remoteIp: ip.dst,
        remotePort: dstPort,
        timer: setTimeout(() => this.dropUdp(flow), UDP_IDLE_MS),
      };
      sock.on('error', () => this.dropUdp(flow));
      sock.on('message', (msg) => {
        flow.timer.refresh();
        const u = buildUdp(flow.remoteIp, flow.guestIp, flow.remotePort, flow.guestPort, msg);
        this.o.output(buildIpv4(flow.guestMac, this.o.gatewayMac, flow.remoteIp, flow.guestIp, IPPROTO_UDP, u));
      });
      sock.unref();
      f = flow;
      this.udp.set(key, f);
      this.stats.udpFlows++;
    } else {
      this.udp.delete(key);
      this.udp.set(key, f); // most recently used last
      f.timer.refresh();
    }
    f.sock.send(data, dstPort, host);
  }

  /**
   * A UDP port forward: a datagram a host peer sent to the forward's socket goes to the guest from a gateway port kept
   * per peer (60 s after its last datagram), so the guest's answers find their way back.
   */
  forwardUdpToGuest(
    server: UdpSocket,
    peer: { address: string; port: number },
    guestMac: Uint8Array,
    guestIp: number,
    guestPort: number,
    data: Uint8Array,
  ): void {
    let serverId = this.socketIds.get(server);
    if (serverId === undefined) this.socketIds.set(server, (serverId = ++this.lastSocketId));
    const peerKey = `${serverId}|${peer.address}:${peer.port}>${guestIp}:${guestPort}`;
    let gwPort = this.udpForwardPorts.get(peerKey);
    let flow = gwPort === undefined ? undefined : this.udpForwards.get(`${guestIp}:${guestPort}>${gwPort}`);
    if (!flow || gwPort === undefined) {
      if (this.udpForwards.size >= MAX_FLOWS) this.dropUdpForward(this.udpForwards.keys().next().value!);
      this.nextPort = this.nextPort >= 60999 ? 32768 : this.nextPort + 1;
      const port = this.nextPort;
      const key = `${guestIp}:${guestPort}>${port}`;
      this.dropUdpForward(key);
      flow = {
        server,
        peerKey,
        peerAddr: peer.address,
        peerPort: peer.port,
        timer: setTimeout(() => this.dropUdpForward(key), UDP_IDLE_MS),
      };
      flow.timer.unref();
      this.udpForwards.set(key, flow);
      this.udpForwardPorts.set(peerKey, port);
      this.stats.udpFlows++;
      gwPort = port;
    } else flow.timer.refresh();
    const u = buildUdp(this.o.gatewayIp, guestIp, gwPort, guestPort, data);
    this.o.output(buildIpv4(guestMac, this.o.gatewayMac, this.o.gatewayIp, guestIp, IPPROTO_UDP, u));
  }

  /** Forward sockets told apart in flow keys. */
  private readonly socketIds = new WeakMap<UdpSocket, number>();
  private lastSocketId = 0;

  private dropUdpForward(key: string): void {
    const f = this.udpForwards.get(key);
    if (!f) return;
    clearTimeout(f.timer);
    this.udpForwards.delete(key);
    this.udpForwardPorts.delete(f.peerKey);
  }

  private dropUdp(f: UdpFlow): void {
    clearTimeout(f.timer);
    f.sock.close();
    for (const [k, v] of this.udp) if (v === f) this.udp.delete(k);
  }

  // --- TCP ---

  private send(f: TcpFlow, flags: number, seq: number, data?: Uint8Array, mss?: number): void {
    const queued = f.sock?.writableLength ?? 0;
    const window = Math.max(0, Math.min(WINDOW, HOST_BUFFER - queued));
    f.blocked = window === 0;
    const seg = buildTcp(
      f.remoteIp,
      f.guestIp,
      { srcPort: f.remotePort, dstPort: f.guestPort, seq, ack: f.rcvNxt, flags, window, mss },
      data,
    );
    this.o.output(buildIpv4(f.guestMac, this.o.gatewayMac, f.remoteIp, f.guestIp, IPPROTO_TCP, seg));
  }

  /** A reset for a segment that belongs to no flow (RFC 793's rules for the closed state). */
  private resetFor(ip: Ipv4, t: Tcp, srcMac: Uint8Array): void {
    if (t.flags & TCP_RST) return;
    const hasAck = (t.flags & TCP_ACK) !== 0;
    const len = t.data.length + (t.flags & TCP_SYN ? 1 : 0) + (t.flags & TCP_FIN ? 1 : 0);
    const seg = buildTcp(ip.dst, ip.src, {
      srcPort: t.dstPort,
      dstPort: t.srcPort,
      seq: hasAck ? t.ack : 0,
      ack: (t.seq + len) >>> 0,
      flags: hasAck ? TCP_RST : TCP_RST | TCP_ACK,
      window: 0,
    });
    this.stats.resets++;
    this.o.output(buildIpv4(srcMac, this.o.gatewayMac, ip.dst, ip.src, IPPROTO_TCP, seg));
  }

  private tcpIn(ip: Ipv4, t: Tcp, srcMac: Uint8Array): void {
    const key = `${ip.src}:${t.srcPort}>${ip.dst}:${t.dstPort}`;
    let f = this.tcp.get(key);
    if (!f) {
      const host = this.target(ip.dst);
      if ((t.flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN || host === null) return this.resetFor(ip, t, srcMac);
      if (this.tcp.size >= MAX_FLOWS) this.dropTcp(this.tcp.values().next().value!, true);
      f = new TcpFlow(key, srcMac, ip.src, t.srcPort, ip.dst, t.dstPort);
      f.rcvNxt = (t.seq + 1) >>> 0;
      f.wnd = t.window;
      f.mss = Math.max(536, Math.min(MSS, t.mss ?? 536));
      this.tcp.set(key, f);
      this.stats.tcpFlows++;
      this.connect(f, host);
      return;
    }
    f.lastActive = Date.now();
    if (t.flags & TCP_RST) return this.dropTcp(f);
    if (t.flags & TCP_SYN && f.synSent && !f.established) {
      // The guest answers a port forward's SYN.
      if (!(t.flags & TCP_ACK) || t.ack !== (f.iss + 1) >>> 0) return;
      f.established = true;
      f.rcvNxt = (t.seq + 1) >>> 0;
      f.sndUna = t.ack;
      f.wnd = t.window;
      f.mss = Math.max(536, Math.min(MSS, t.mss ?? 536));
      clearTimeout(f.timer);
      this.send(f, TCP_ACK, f.sndNxt);
      this.pump(f);
      return;
    }
    if (t.flags & TCP_SYN) {
      // The guest sent its SYN again: our SYN-ACK was lost (or is still to come while the host connects).
      if (f.established && f.sndUna === f.iss) this.send(f, TCP_SYN | TCP_ACK, f.iss, undefined, MSS);
      return;
    }
    if (!(t.flags & TCP_ACK) || !f.established) return;
    // What the guest acknowledges of ours.
    if (lt(f.sndUna, t.ack) && !lt(f.sndNxt, t.ack)) {
      let acked = (t.ack - f.sndUna) >>> 0;
      if (f.sndUna === f.iss) acked--; // the SYN's sequence number
      const dataAcked = Math.min(acked, f.unacked.length);
      f.unacked.drop(dataAcked);
      f.sndUna = t.ack;
      if (f.sndUna === f.sndNxt) clearTimeout(f.timer);
      if (f.sock?.isPaused() && f.pending.length < MAX_PENDING / 2) f.sock.resume();
    }
    f.wnd = t.window;
    // The guest's data, in order only (a gap is dropped: the guest sends it again).
    if (t.data.length > 0) {
      if (t.seq === f.rcvNxt && f.sock!.writableLength < HOST_BUFFER && !f.guestFin) {
        f.rcvNxt = (f.rcvNxt + t.data.length) >>> 0;
        f.sock!.write(Buffer.from(t.data));
      }
      this.send(f, TCP_ACK, f.sndNxt);
    }
    if (t.flags & TCP_FIN && (t.seq + t.data.length) >>> 0 === f.rcvNxt && !f.guestFin) {
      f.guestFin = true;
      f.rcvNxt = (f.rcvNxt + 1) >>> 0;
      f.sock!.end();
      this.send(f, TCP_ACK, f.sndNxt);
    }
    this.pump(f);
    if (f.guestFin && f.finSent && f.sndUna === f.sndNxt) this.dropTcp(f, false, true);
  }

  private connect(f: TcpFlow, host: string): void {
    const sock = createConnection({ host, port: f.remotePort, allowHalfOpen: true });
    sock.on('connect', () => {
      f.established = true;
      // SYN-ACK: our SYN takes one sequence number.
      this.send(f, TCP_SYN | TCP_ACK, f.sndNxt, undefined, MSS);
      f.sndNxt = (f.sndNxt + 1) >>> 0;
      this.arm(f);
    });
    this.attach(f, sock);
  }

  /**
   * A port forward: a host connection accepted on the forward's socket, opened towards the guest (our SYN; the
   * guest's SYN-ACK establishes it). The guest sees it come from the gateway's address.
   */
  forwardToGuest(sock: Socket, guestMac: Uint8Array, guestIp: number, guestPort: number): void {
    this.nextPort = this.nextPort >= 60999 ? 32768 : this.nextPort + 1;
    const key = `${guestIp}:${guestPort}>${this.o.gatewayIp}:${this.nextPort}`;
    if (this.tcp.size >= MAX_FLOWS) this.dropTcp(this.tcp.values().next().value!, true);
    const f = new TcpFlow(key, guestMac, guestIp, guestPort, this.o.gatewayIp, this.nextPort);
    f.synSent = true;
    this.tcp.set(key, f);
    this.stats.tcpFlows++;
    this.attach(f, sock);
    this.send(f, TCP_SYN, f.iss, undefined, MSS);
    f.sndNxt = (f.iss + 1) >>> 0;
    this.arm(f);
  }

  private attach(f: TcpFlow, sock: Socket): void {
    f.sock = sock;
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      f.pending.push(d);
      if (f.pending.length >= MAX_PENDING) sock.pause();
      this.pump(f);
    });
    sock.on('drain', () => {
      if (!f.blocked) return;
      f.blocked = false;
      this.send(f, TCP_ACK, f.sndNxt); // a window update
    });
    sock.on('end', () => {
      f.hostEnded = true;
      this.pump(f);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (f.synSent && !f.established) {
        this.tcp.delete(f.key);
        clearTimeout(f.timer);
      } else if (!f.established) {
        // Refused or unreachable: the guest's connect fails at once.
        this.stats.refused++;
        const seg = buildTcp(f.remoteIp, f.guestIp, {
          srcPort: f.remotePort,
          dstPort: f.guestPort,
          seq: 0,
          ack: f.rcvNxt,
          flags: TCP_RST | TCP_ACK,
          window: 0,
        });
        this.o.output(buildIpv4(f.guestMac, this.o.gatewayMac, f.remoteIp, f.guestIp, IPPROTO_TCP, seg));
        this.tcp.delete(f.key);
      } else if (!f.hostEnded) {
        f.hostEnded = true;
        this.pump(f);
      }
    });
    sock.unref();
  }

  /** Sends what the guest's window allows of the host's data, then the FIN once the host ended and all is sent. */
  private pump(f: TcpFlow): void {
    if (!f.established) return;
    while (f.pending.length > 0) {
      const inFlight = f.unacked.length;
      const room = Math.min(f.wnd, WINDOW) - inFlight;
      if (room <= 0) break;
      const n = Math.min(room, f.mss, f.pending.length);
      const chunk = f.pending.take(n);
      this.send(f, TCP_ACK | TCP_PSH, f.sndNxt, chunk);
      f.unacked.push(chunk);
      f.sndNxt = (f.sndNxt + n) >>> 0;
      this.arm(f);
    }
    if (f.sock?.isPaused() && f.pending.length < MAX_PENDING / 2) f.sock.resume();
    if (f.hostEnded && !f.finSent && f.pending.length === 0) {
      f.finSent = true;
      this.send(f, TCP_FIN | TCP_ACK, f.sndNxt);
      f.sndNxt = (f.sndNxt + 1) >>> 0;
      this.arm(f);
    }
  }

  /** The retransmission timer: what the guest has not acknowledged goes again (one segment; the guest then catches up). */
  private arm(f: TcpFlow): void {
    clearTimeout(f.timer);
    f.timer = setTimeout(() => {
      if (!this.tcp.has(f.key)) return;
      if (Date.now() - f.lastActive > TCP_IDLE_MS) return this.dropTcp(f, true);
      if (f.sndUna === f.sndNxt) return;
      this.stats.retransmits++;
      if (f.sndUna === f.iss) {
        this.send(f, f.synSent ? TCP_SYN : TCP_SYN | TCP_ACK, f.iss, undefined, MSS);
      } else if (f.unacked.length > 0) {
        this.send(f, TCP_ACK | TCP_PSH, f.sndUna, f.unacked.peek(f.mss));
      } else if (f.finSent) {
        this.send(f, TCP_FIN | TCP_ACK, (f.sndNxt - 1) >>> 0);
      }
      this.arm(f);
    }, RTO_MS);
    f.timer.unref();
  }

  /** Forgets a flow; `graceful` (both sides ended) lets the host socket send what it still holds before it closes. */
  private dropTcp(f: TcpFlow, reset = false, graceful = false): void {
    clearTimeout(f.timer);
    if (reset && f.established) this.send(f, TCP_RST | TCP_ACK, f.sndNxt);
    if (graceful) f.sock?.end();
    else f.sock?.destroy();
    this.tcp.delete(f.key);
  }
}
