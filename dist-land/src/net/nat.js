// NAT in the gateway: guest TCP connections and UDP flows ended here and opened as host sockets, like QEMU's slirp.
import { createSocket } from 'node:dgram';
import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildIpv4, buildTcp, buildUdp, IPPROTO_TCP, IPPROTO_UDP, ipText, parseTcp, parseUdp, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, } from './packet.js';
/** Flows of each protocol at once; a new one beyond this replaces the least recently used. */
export const MAX_FLOWS = 512;
/** Host bytes read for a guest but not yet sent to it, past which the host socket is paused (backpressure). */
const MAX_PENDING = 256 * 1024;
/** The window the gateway offers the guest; 0 while the host socket's write buffer is full. */
const WINDOW = 65535;
const MSS = 1460;
/** Unacknowledged segments are sent again after this long (the link to the guest only loses what it drops). */
const RTO_MS = 500;
const UDP_IDLE_MS = 60_000;
/** A TCP flow nothing happens on for this long is reset (a guest that vanished mid-connection). */
const TCP_IDLE_MS = 10 * 60_000;
const lt = (a, b) => ((a - b) | 0) < 0;
class TcpFlow {
    key;
    guestMac;
    guestIp;
    guestPort;
    remoteIp;
    remotePort;
    sock;
    established = false;
    /** Next sequence number expected from the guest. */
    rcvNxt = 0;
    /** Oldest unacknowledged and next sequence number towards the guest. */
    /** Our initial sequence number: the SYN-ACK's. */
    iss;
    sndUna;
    sndNxt;
    /** The guest's window and MSS. */
    wnd = 0;
    mss = MSS;
    /** Bytes sent to the guest and not yet acknowledged, starting at sndUna (after the SYN). */
    unacked = Buffer.alloc(0);
    /** Bytes from the host not yet sent. */
    pending = Buffer.alloc(0);
    hostEnded = false;
    /** Opened by us towards the guest (a port forward), not by the guest's SYN. */
    synSent = false;
    finSent = false;
    guestFin = false;
    /** Guest data is not taken while the host socket cannot take more. */
    blocked = false;
    timer;
    lastActive = Date.now();
    constructor(key, guestMac, guestIp, guestPort, remoteIp, remotePort) {
        this.key = key;
        this.guestMac = guestMac;
        this.guestIp = guestIp;
        this.guestPort = guestPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.iss = randomBytes(4).readUInt32BE(0);
        this.sndUna = this.iss;
        this.sndNxt = this.iss;
    }
}
export class Nat {
    o;
    tcp = new Map();
    udp = new Map();
    stats = { tcpFlows: 0, udpFlows: 0, refused: 0, resets: 0, retransmits: 0 };
    /** The gateway's source port of the last port-forward connection. */
    nextPort = 32768;
    constructor(o) {
        this.o = o;
    }
    /** Where a guest's destination goes on the host, or null when this network does not reach it. */
    target(dst) {
        if (dst === this.o.gatewayIp)
            return this.o.hostLoopback ?? '127.0.0.1';
        return this.o.scope === 'all' ? ipText(dst) : null;
    }
    /** Takes a guest's TCP or UDP packet addressed beyond the gateway's own services; false when it is not for NAT. */
    handle(ip, srcMac) {
        if (ip.protocol === IPPROTO_TCP) {
            const t = parseTcp(ip.payload);
            if (t)
                this.tcpIn(ip, t, srcMac);
            return true;
        }
        if (ip.protocol === IPPROTO_UDP) {
            const u = parseUdp(ip.payload);
            if (u)
                this.udpIn(ip, u.srcPort, u.dstPort, u.data, srcMac);
            return true;
        }
        return false;
    }
    close() {
        for (const f of this.tcp.values())
            this.dropTcp(f);
        for (const f of this.udp.values())
            this.dropUdp(f);
    }
    /** Sends a guest's DNS query (to the gateway) on to the host's name server; false when there is none to ask. */
    forwardDns(ip, srcPort, data, srcMac) {
        if (this.o.scope !== 'all' || !this.o.hostDns)
            return false;
        this.udpIn(ip, srcPort, 53, data, srcMac, this.o.hostDns);
        return true;
    }
    // --- UDP ---
    udpIn(ip, srcPort, dstPort, data, srcMac, to) {
        const host = to ?? this.target(ip.dst);
        if (host === null || dstPort === 0)
            return;
        const key = `${ip.src}:${srcPort}>${ip.dst}:${dstPort}`;
        let f = this.udp.get(key);
        if (!f) {
            if (this.udp.size >= MAX_FLOWS)
                this.dropUdp(this.udp.values().next().value);
            const sock = createSocket('udp4');
            const flow = {
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
        }
        else {
            this.udp.delete(key);
            this.udp.set(key, f); // most recently used last
            f.timer.refresh();
        }
        f.sock.send(data, dstPort, host);
    }
    dropUdp(f) {
        clearTimeout(f.timer);
        f.sock.close();
        for (const [k, v] of this.udp)
            if (v === f)
                this.udp.delete(k);
    }
    // --- TCP ---
    send(f, flags, seq, data, mss) {
        const window = f.blocked ? 0 : WINDOW;
        const seg = buildTcp(f.remoteIp, f.guestIp, { srcPort: f.remotePort, dstPort: f.guestPort, seq, ack: f.rcvNxt, flags, window, mss }, data);
        this.o.output(buildIpv4(f.guestMac, this.o.gatewayMac, f.remoteIp, f.guestIp, IPPROTO_TCP, seg));
    }
    /** A reset for a segment that belongs to no flow (RFC 793's rules for the closed state). */
    resetFor(ip, t, srcMac) {
        if (t.flags & TCP_RST)
            return;
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
    tcpIn(ip, t, srcMac) {
        const key = `${ip.src}:${t.srcPort}>${ip.dst}:${t.dstPort}`;
        let f = this.tcp.get(key);
        if (!f) {
            const host = this.target(ip.dst);
            if ((t.flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN || host === null)
                return this.resetFor(ip, t, srcMac);
            if (this.tcp.size >= MAX_FLOWS)
                this.dropTcp(this.tcp.values().next().value, true);
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
        if (t.flags & TCP_RST)
            return this.dropTcp(f);
        if (t.flags & TCP_SYN && f.synSent && !f.established) {
            // The guest answers a port forward's SYN.
            if (!(t.flags & TCP_ACK) || t.ack !== (f.iss + 1) >>> 0)
                return;
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
            if (f.established && f.sndUna === f.iss)
                this.send(f, TCP_SYN | TCP_ACK, f.iss, undefined, MSS);
            return;
        }
        if (!(t.flags & TCP_ACK) || !f.established)
            return;
        // What the guest acknowledges of ours.
        if (lt(f.sndUna, t.ack) && !lt(f.sndNxt, t.ack)) {
            let acked = (t.ack - f.sndUna) >>> 0;
            if (f.sndUna === f.iss)
                acked--; // the SYN's sequence number
            const dataAcked = Math.min(acked, f.unacked.length);
            f.unacked = f.unacked.subarray(dataAcked);
            f.sndUna = t.ack;
            if (f.sndUna === f.sndNxt)
                clearTimeout(f.timer);
            if (f.sock?.isPaused() && f.pending.length < MAX_PENDING / 2)
                f.sock.resume();
        }
        f.wnd = t.window;
        // The guest's data, in order only (a gap is dropped: the guest sends it again).
        if (t.data.length > 0) {
            if (t.seq === f.rcvNxt && !f.blocked && !f.guestFin) {
                f.rcvNxt = (f.rcvNxt + t.data.length) >>> 0;
                if (!f.sock.write(Buffer.from(t.data)))
                    f.blocked = true;
            }
            this.send(f, TCP_ACK, f.sndNxt);
        }
        if (t.flags & TCP_FIN && (t.seq + t.data.length) >>> 0 === f.rcvNxt && !f.guestFin) {
            f.guestFin = true;
            f.rcvNxt = (f.rcvNxt + 1) >>> 0;
            f.sock.end();
            this.send(f, TCP_ACK, f.sndNxt);
        }
        this.pump(f);
        if (f.guestFin && f.finSent && f.sndUna === f.sndNxt)
            this.dropTcp(f);
    }
    connect(f, host) {
        const sock = createConnection({ host, port: f.remotePort });
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
    forwardToGuest(sock, guestMac, guestIp, guestPort) {
        this.nextPort = this.nextPort >= 60999 ? 32768 : this.nextPort + 1;
        const key = `${guestIp}:${guestPort}>${this.o.gatewayIp}:${this.nextPort}`;
        if (this.tcp.size >= MAX_FLOWS)
            this.dropTcp(this.tcp.values().next().value, true);
        const f = new TcpFlow(key, guestMac, guestIp, guestPort, this.o.gatewayIp, this.nextPort);
        f.synSent = true;
        this.tcp.set(key, f);
        this.stats.tcpFlows++;
        this.attach(f, sock);
        this.send(f, TCP_SYN, f.iss, undefined, MSS);
        f.sndNxt = (f.iss + 1) >>> 0;
        this.arm(f);
    }
    attach(f, sock) {
        f.sock = sock;
        sock.setNoDelay(true);
        sock.on('data', (d) => {
            f.pending = f.pending.length ? Buffer.concat([f.pending, d]) : d;
            if (f.pending.length >= MAX_PENDING)
                sock.pause();
            this.pump(f);
        });
        sock.on('drain', () => {
            if (!f.blocked)
                return;
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
            }
            else if (!f.established) {
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
            }
            else if (!f.hostEnded) {
                f.hostEnded = true;
                this.pump(f);
            }
        });
        sock.unref();
    }
    /** Sends what the guest's window allows of the host's data, then the FIN once the host ended and all is sent. */
    pump(f) {
        if (!f.established)
            return;
        while (f.pending.length > 0) {
            const inFlight = f.unacked.length;
            const room = Math.min(f.wnd, WINDOW) - inFlight;
            if (room <= 0)
                break;
            const n = Math.min(room, f.mss, f.pending.length);
            const chunk = f.pending.subarray(0, n);
            f.pending = f.pending.subarray(n);
            this.send(f, TCP_ACK | TCP_PSH, f.sndNxt, chunk);
            f.unacked = f.unacked.length ? Buffer.concat([f.unacked, chunk]) : Buffer.from(chunk);
            f.sndNxt = (f.sndNxt + n) >>> 0;
            this.arm(f);
        }
        if (f.sock?.isPaused() && f.pending.length < MAX_PENDING / 2)
            f.sock.resume();
        if (f.hostEnded && !f.finSent && f.pending.length === 0) {
            f.finSent = true;
            this.send(f, TCP_FIN | TCP_ACK, f.sndNxt);
            f.sndNxt = (f.sndNxt + 1) >>> 0;
            this.arm(f);
        }
    }
    /** The retransmission timer: what the guest has not acknowledged goes again (one segment; the guest then catches up). */
    arm(f) {
        clearTimeout(f.timer);
        f.timer = setTimeout(() => {
            if (!this.tcp.has(f.key))
                return;
            if (Date.now() - f.lastActive > TCP_IDLE_MS)
                return this.dropTcp(f, true);
            if (f.sndUna === f.sndNxt)
                return;
            this.stats.retransmits++;
            if (f.sndUna === f.iss) {
                this.send(f, f.synSent ? TCP_SYN : TCP_SYN | TCP_ACK, f.iss, undefined, MSS);
            }
            else if (f.unacked.length > 0) {
                this.send(f, TCP_ACK | TCP_PSH, f.sndUna, f.unacked.subarray(0, Math.min(f.mss, f.unacked.length)));
            }
            else if (f.finSent) {
                this.send(f, TCP_FIN | TCP_ACK, (f.sndNxt - 1) >>> 0);
            }
            this.arm(f);
        }, RTO_MS);
        f.timer.unref();
    }
    dropTcp(f, reset = false) {
        clearTimeout(f.timer);
        if (reset && f.established)
            this.send(f, TCP_RST | TCP_ACK, f.sndNxt);
        f.sock?.destroy();
        this.tcp.delete(f.key);
    }
}
//# sourceMappingURL=nat.js.map