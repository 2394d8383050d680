// A network's firewall: ordered allow/deny/reject rules, a default policy, connection tracking and hit counters.
import { z } from 'zod';
import { buildIpv4, buildTcp, checksum, ETH_HEADER, ETHERTYPE_ARP, ETHERTYPE_IPV4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, parseIp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, } from './packet.js';
export const RULE_ACTIONS = ['allow', 'deny', 'reject'];
export const RULE_PROTOS = ['any', 'tcp', 'udp', 'icmp', 'arp'];
/** Rules one network holds. */
export const MAX_RULES = 256;
/** Connections tracked at once; past this the least recently seen is forgotten (its next packet is judged anew). */
export const MAX_TRACKED = 8192;
const IDLE_MS = { [IPPROTO_TCP]: 10 * 60_000, [IPPROTO_UDP]: 120_000, [IPPROTO_ICMP]: 30_000 };
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ADDRESS_TEXT = 'any, a VM name, an IPv4 address or a CIDR such as 10.0.10.0/24';
/** An address as a rule names it: `any`, a VM's name (resolved through the network's DNS), an address or a CIDR. */
const Address = z.string().max(64);
/** A port or an inclusive range `LOW-HIGH`. */
const Ports = z.string().regex(/^\d{1,5}(?:-\d{1,5})?$/);
export const RuleSchema = z.strictObject({
    id: z.int().min(1).max(1_000_000),
    action: z.enum(RULE_ACTIONS),
    proto: z.enum(RULE_PROTOS),
    from: Address,
    to: Address,
    fromPorts: Ports.optional(),
    toPorts: Ports.optional(),
});
/** A rule that does not parse: the message says what was expected. */
export class RuleSyntaxError extends Error {
    name = 'RuleSyntaxError';
}
function checkAddress(text) {
    const t = text.toLowerCase();
    if (t === 'any' || HOST_NAME.test(t) || parseIp(t) !== null)
        return t;
    const m = /^([0-9.]+)\/(\d{1,2})$/.exec(t);
    const ip = m ? parseIp(m[1]) : null;
    const prefix = m ? Number(m[2]) : NaN;
    if (ip === null || !(prefix >= 0 && prefix <= 32))
        throw new RuleSyntaxError(`bad address "${text}": give ${ADDRESS_TEXT}`);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((ip & mask) >>> 0 !== ip)
        throw new RuleSyntaxError(`bad address "${text}": the host part of a CIDR is not zero`);
    return t;
}
function checkPorts(text) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!(lo >= 1 && hi <= 65535 && lo <= hi))
        throw new RuleSyntaxError(`bad port "${text}": give a port from 1 to 65535 or a range LOW-HIGH`);
    return text;
}
export const RULE_SYNTAX = 'ACTION [PROTO] [from ADDRESS [port PORTS]] [to ADDRESS [port PORTS]]';
/**
 * The words of a rule: `ACTION [PROTO] [from ADDRESS [port PORTS]] [to ADDRESS [port PORTS]]`, ACTION one of allow,
 * deny, reject; PROTO one of tcp, udp, icmp, arp, any (the default); ADDRESS `any` (the default), a VM name, an
 * address or a CIDR; PORTS a port or LOW-HIGH (tcp and udp only).
 */
export function parseRule(words) {
    const w = words.flatMap((x) => x.split(/\s+/)).filter(Boolean);
    let i = 0;
    const action = w[i++]?.toLowerCase();
    if (!RULE_ACTIONS.includes(action))
        throw new RuleSyntaxError(`a rule starts with allow, deny or reject, got "${action ?? ''}" (${RULE_SYNTAX})`);
    const spec = { action: action, proto: 'any', from: 'any', to: 'any' };
    if (w[i] && RULE_PROTOS.includes(w[i].toLowerCase()))
        spec.proto = w[i++].toLowerCase();
    for (const side of ['from', 'to']) {
        if (w[i]?.toLowerCase() !== side)
            continue;
        i++;
        if (w[i] === undefined)
            throw new RuleSyntaxError(`"${side}" needs an address: ${ADDRESS_TEXT}`);
        spec[side] = checkAddress(w[i++]);
        if (w[i]?.toLowerCase() === 'port') {
            i++;
            if (w[i] === undefined)
                throw new RuleSyntaxError('"port" needs a port or a range LOW-HIGH');
            spec[side === 'from' ? 'fromPorts' : 'toPorts'] = checkPorts(w[i++]);
        }
    }
    if (i < w.length)
        throw new RuleSyntaxError(`unexpected "${w[i]}" in the rule (${RULE_SYNTAX})`);
    if ((spec.fromPorts || spec.toPorts) && spec.proto !== 'tcp' && spec.proto !== 'udp')
        throw new RuleSyntaxError('ports need the protocol tcp or udp');
    return spec;
}
/** A rule as the words `parseRule` reads. */
export function ruleText(r) {
    const side = (s, p) => `${s}${p ? ` port ${p}` : ''}`;
    return `${r.action} ${r.proto} from ${side(r.from, r.fromPorts)} to ${side(r.to, r.toPorts)}`;
}
const ARP = 0;
function classify(f) {
    const type = (f[12] << 8) | f[13];
    const none = { proto: -1, src: 0, dst: 0, sport: 0, dport: 0, flags: 0 };
    const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
    if (type === ETHERTYPE_ARP) {
        if (f.length < ETH_HEADER + 28)
            return none;
        return { ...none, proto: ARP, src: dv.getUint32(ETH_HEADER + 14), dst: dv.getUint32(ETH_HEADER + 24) };
    }
    if (type !== ETHERTYPE_IPV4 || f.length < ETH_HEADER + 20 || f[ETH_HEADER] >> 4 !== 4)
        return none;
    const ihl = (f[ETH_HEADER] & 15) * 4;
    const p = {
        ...none,
        proto: f[ETH_HEADER + 9],
        src: dv.getUint32(ETH_HEADER + 12),
        dst: dv.getUint32(ETH_HEADER + 16),
        ip: f.subarray(ETH_HEADER),
    };
    const l4 = ETH_HEADER + ihl;
    // Ports and types only from a whole header in the first fragment; a later fragment matches by address alone.
    const firstFragment = (dv.getUint16(ETH_HEADER + 6) & 0x1fff) === 0;
    if (ihl < 20 || !firstFragment)
        return p;
    if ((p.proto === IPPROTO_TCP && f.length >= l4 + 20) || (p.proto === IPPROTO_UDP && f.length >= l4 + 8)) {
        p.sport = dv.getUint16(l4);
        p.dport = dv.getUint16(l4 + 2);
        if (p.proto === IPPROTO_TCP)
            p.flags = f[l4 + 13];
    }
    else if (p.proto === IPPROTO_ICMP && f.length >= l4 + 8) {
        p.flags = f[l4];
        // An echo's identifier stands in for both ports, so a reply is the request's reverse.
        p.sport = p.dport = dv.getUint16(l4 + 4);
    }
    return p;
}
const tupleKey = (proto, src, sport, dst, dport) => `${proto}|${src}|${sport}|${dst}|${dport}`;
export class Firewall {
    o;
    rules = [];
    policy = 'allow';
    /** Hits per rule id (0: the default policy), kept while the rule exists. */
    counters = new Map();
    stats = { tracked: 0, established: 0, rejected: 0, dropped: 0 };
    table = new Map();
    now;
    constructor(o) {
        this.o = o;
        this.now = o.now ?? Date.now;
        this.counters.set(0, { packets: 0, bytes: 0 });
    }
    /** Takes a new rule list and policy; connections the new rules would not open again are forgotten. */
    load(rules, policy) {
        this.rules = rules.map((r) => ({ ...r, fromMatch: this.matcher(r.from), toMatch: this.matcher(r.to) }));
        this.policy = policy;
        for (const id of this.counters.keys())
            if (id !== 0 && !rules.some((r) => r.id === id))
                this.counters.delete(id);
        for (const r of rules)
            if (!this.counters.has(r.id))
                this.counters.set(r.id, { packets: 0, bytes: 0 });
        for (const [k, t] of this.table)
            if (this.decide(t.first).action !== 'allow')
                this.table.delete(k);
    }
    get ruleCount() {
        return this.rules.length;
    }
    matcher(addr) {
        if (addr === 'any')
            return () => true;
        const ip = parseIp(addr);
        if (ip !== null)
            return (x) => x === ip;
        const cidr = /^([0-9.]+)\/(\d{1,2})$/.exec(addr);
        if (cidr) {
            const prefix = Number(cidr[2]);
            const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
            const net = parseIp(cidr[1]);
            return (x) => (x & mask) >>> 0 === net;
        }
        // A VM name: resolved at each use, so a VM that gets a new address keeps its rules.
        return (x) => this.o.resolve(addr) === x;
    }
    /** The first rule matching the packet, else the default policy. */
    decide(p) {
        for (const r of this.rules) {
            if (r.proto !== 'any') {
                const want = r.proto === 'tcp' ? IPPROTO_TCP : r.proto === 'udp' ? IPPROTO_UDP : r.proto === 'icmp' ? 1 : ARP;
                if (p.proto !== want)
                    continue;
            }
            if (r.from !== 'any' || r.to !== 'any') {
                if (p.proto < 0 || !r.fromMatch(p.src) || !r.toMatch(p.dst))
                    continue;
            }
            if (r.fromPorts && !inRange(p.sport, r.fromPorts))
                continue;
            if (r.toPorts && !inRange(p.dport, r.toPorts))
                continue;
            return { rule: r.id, action: r.action };
        }
        return { rule: 0, action: this.policy };
    }
    /** Judges one frame entering the switch. */
    judge(frame) {
        const p = classify(frame);
        // DHCP is the network's own plumbing: a VM without an address could not be named by any rule.
        if (p.proto === IPPROTO_UDP && ((p.sport === 68 && p.dport === 67) || (p.sport === 67 && p.dport === 68)))
            return { pass: true };
        const tracks = p.proto === IPPROTO_TCP ||
            p.proto === IPPROTO_UDP ||
            (p.proto === IPPROTO_ICMP && (p.flags === 8 || p.flags === 0));
        const now = this.now();
        if (tracks) {
            const key = tupleKey(p.proto, p.src, p.sport, p.dst, p.dport);
            const t = this.table.get(key) ?? this.table.get(tupleKey(p.proto, p.dst, p.dport, p.src, p.sport));
            if (t && now - t.lastSeen <= IDLE_MS[t.proto]) {
                t.lastSeen = now;
                this.stats.established++;
                if (p.proto === IPPROTO_TCP && p.flags & TCP_RST)
                    this.forget(t);
                return { pass: true };
            }
            if (t)
                this.forget(t);
        }
        const { rule, action } = this.decide(p);
        const c = this.counters.get(rule);
        if (c) {
            c.packets++;
            c.bytes += frame.length;
        }
        if (action === 'allow') {
            // Only a request opens a connection: an echo reply or a reset alone does not.
            if (tracks && !(p.proto === IPPROTO_ICMP && p.flags === 0) && !(p.proto === IPPROTO_TCP && p.flags & TCP_RST))
                this.track(p, now);
            return { pass: true, rule, action };
        }
        this.stats.dropped++;
        const reply = action === 'reject' ? rejection(frame, p) : undefined;
        if (reply)
            this.stats.rejected++;
        return { pass: false, rule, action, reply };
    }
    track(p, now) {
        const key = tupleKey(p.proto, p.src, p.sport, p.dst, p.dport);
        if (this.table.size >= MAX_TRACKED)
            this.table.delete(this.table.keys().next().value);
        this.table.set(key, { lastSeen: now, proto: p.proto, first: { ...p, ip: undefined } });
        this.stats.tracked = this.table.size;
    }
    forget(t) {
        const p = t.first;
        this.table.delete(tupleKey(p.proto, p.src, p.sport, p.dst, p.dport));
        this.stats.tracked = this.table.size;
    }
    /** Connections tracked now. */
    trackedCount() {
        return this.table.size;
    }
}
function inRange(port, range) {
    const [lo, hi = lo] = range.split('-').map(Number);
    return port >= lo && port <= hi;
}
/** A reject's answer: a reset for TCP, an ICMP unreachable for other IPv4; none for ARP, resets or ICMP errors. */
function rejection(frame, p) {
    if (!p.ip)
        return undefined;
    const dstMac = frame.subarray(6, 12);
    const srcMac = frame.subarray(0, 6);
    // A broadcast or multicast destination never answers.
    if (srcMac[0] & 1 || dstMac[0] & 1)
        return undefined;
    const ihl = (p.ip[0] & 15) * 4;
    if (p.proto === IPPROTO_TCP) {
        if (p.flags & TCP_RST || p.ip.length < ihl + 20)
            return undefined;
        const seg = p.ip.subarray(ihl);
        const dv = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
        const total = (p.ip[2] << 8) | p.ip[3];
        const dataLen = Math.max(0, Math.min(total, p.ip.length) - ihl - (seg[12] >> 4) * 4);
        const ackd = p.flags & TCP_ACK;
        const rst = buildTcp(p.dst, p.src, {
            srcPort: p.dport,
            dstPort: p.sport,
            seq: ackd ? dv.getUint32(8) : 0,
            ack: (dv.getUint32(4) + dataLen + (p.flags & TCP_SYN ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0)) >>> 0,
            flags: ackd ? TCP_RST : TCP_RST | TCP_ACK,
            window: 0,
        });
        return buildIpv4(dstMac, srcMac, p.dst, p.src, IPPROTO_TCP, rst);
    }
    // ICMP errors are not answered with errors (RFC 1122); echo and other queries are.
    if (p.proto === IPPROTO_ICMP && ![0, 8, 13, 15, 17].includes(p.flags))
        return undefined;
    // Port unreachable for UDP, as a host without a listener says; "administratively prohibited" for the rest.
    const code = p.proto === IPPROTO_UDP ? 3 : 13;
    const quoted = p.ip.subarray(0, Math.min(p.ip.length, ihl + 8));
    const icmp = new Uint8Array(8 + quoted.length);
    icmp[0] = 3;
    icmp[1] = code;
    icmp.set(quoted, 8);
    const sum = checksum(icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 255;
    return buildIpv4(dstMac, srcMac, p.dst, p.src, IPPROTO_ICMP, icmp);
}
//# sourceMappingURL=firewall.js.map