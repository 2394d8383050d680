// The network gateway's DHCP server (RFC 2131): one address per MAC, kept across restarts, pinned addresses honoured.
import { ipText } from './packet.js';
const BOOTP_FIXED = 236;
const MAGIC = 0x63825363;
const DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;
/** Leases are renewed at half their time: an hour keeps renewals rare and a stopped VM's lease current for a day. */
export const LEASE_SECONDS = 3600;
/** Why a DHCP message was ignored; counted, never thrown past the gateway. */
export class DhcpIgnored extends Error {
    name = 'DhcpIgnored';
}
/** A host name a client sent, made safe for DNS and logs: lower case letters, digits and '-', at most 63. */
export function cleanHostname(raw) {
    const h = raw
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
    return h ? h : undefined;
}
function parse(b) {
    if (b.length < BOOTP_FIXED + 4)
        throw new DhcpIgnored('shorter than a BOOTP message');
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (b[1] !== 1 || b[2] !== 6)
        throw new DhcpIgnored('not Ethernet hardware addresses');
    if (dv.getUint32(BOOTP_FIXED) !== MAGIC)
        throw new DhcpIgnored('no DHCP magic cookie');
    const p = {
        op: b[0],
        xid: dv.getUint32(4),
        flags: dv.getUint16(10),
        ciaddr: dv.getUint32(12),
        chaddr: b.slice(28, 34),
        type: 0,
    };
    for (let i = BOOTP_FIXED + 4; i < b.length;) {
        const code = b[i++];
        if (code === 0)
            continue;
        if (code === 255)
            break;
        if (i >= b.length)
            throw new DhcpIgnored('option runs past the end');
        const len = b[i++];
        if (i + len > b.length)
            throw new DhcpIgnored('option runs past the end');
        const v = b.subarray(i, i + len);
        if (code === 53 && len === 1)
            p.type = v[0];
        else if (code === 50 && len === 4)
            p.requested = new DataView(v.buffer, v.byteOffset).getUint32(0);
        else if (code === 54 && len === 4)
            p.server = new DataView(v.buffer, v.byteOffset).getUint32(0);
        else if (code === 12 && len > 0)
            p.hostname = cleanHostname(Buffer.from(v).toString('latin1'));
        i += len;
    }
    if (p.op !== 1)
        throw new DhcpIgnored('not a request (op 1)');
    if (p.type === 0)
        throw new DhcpIgnored('no message type (option 53)');
    return p;
}
const ipv4 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
export class DhcpServer {
    cfg;
    byMac = new Map();
    mask;
    broadcast;
    /** Counters for `net info`. */
    stats = { offers: 0, acks: 0, naks: 0 };
    constructor(cfg) {
        this.cfg = cfg;
        this.mask = cfg.prefix === 0 ? 0 : (0xffffffff << (32 - cfg.prefix)) >>> 0;
        this.broadcast = (cfg.network | (~this.mask >>> 0)) >>> 0;
        for (const l of cfg.leases)
            this.byMac.set(l.mac.toLowerCase(), { ...l, mac: l.mac.toLowerCase() });
    }
    leases() {
        return [...this.byMac.values()];
    }
    /** Whether ip is a host address of the subnet that is not the gateway's. */
    usable(ip) {
        return ((ip & this.mask) >>> 0 === this.cfg.network &&
            ip !== this.cfg.network &&
            ip !== this.broadcast &&
            ip !== this.cfg.gateway);
    }
    owner(ip) {
        const t = ipText(ip);
        for (const l of this.byMac.values())
            if (l.ip === t)
                return l;
        return undefined;
    }
    /**
     * Records a client before it asks (the VM process registers its NIC): its name for DNS and, with `ip`, a pinned
     * address. Throws when the pinned address is outside the subnet or pinned by another MAC.
     */
    register(mac, name, ip) {
        const key = mac.toLowerCase();
        let lease = this.byMac.get(key);
        if (ip !== undefined) {
            if (!this.usable(ip))
                throw new Error(`${ipText(ip)} is not a host address of this network (or is its gateway)`);
            const other = this.owner(ip);
            if (other && other.mac !== key) {
                if (other.pinned)
                    throw new Error(`${ipText(ip)} is pinned by ${other.mac}${other.name ? ` (${other.name})` : ''}`);
                this.byMac.delete(other.mac);
            }
            lease = { ...(lease ?? {}), mac: key, ip: ipText(ip), pinned: true };
        }
        else if (lease?.pinned) {
            lease = { ...lease, pinned: undefined };
        }
        if (!lease)
            lease = { mac: key, ip: ipText(this.allocate(key)) };
        if (name) {
            // A name points at one address: an older holder of the name loses it.
            for (const l of this.byMac.values())
                if (l.name === name && l.mac !== key)
                    delete l.name;
            lease.name = name;
        }
        this.byMac.set(key, lease);
        this.cfg.changed();
        return lease;
    }
    /** The address of a name the network knows, or undefined. */
    resolve(name) {
        for (const l of this.byMac.values())
            if (l.name === name)
                return parseIpOrThrow(l.ip);
        return undefined;
    }
    /** A free address, the same one for the same MAC while it is free: the search starts at a hash of the MAC. */
    allocate(mac) {
        const first = (this.cfg.network + 1) >>> 0;
        const size = this.broadcast - first; // first .. broadcast-1
        let h = 2166136261;
        for (const c of mac)
            h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
        for (let i = 0; i < size; i++) {
            const ip = (first + ((h + i) % size)) >>> 0;
            if (this.usable(ip) && !this.owner(ip))
                return ip;
        }
        // Full: the unpinned lease asked for least recently goes.
        const oldest = [...this.byMac.values()]
            .filter((l) => !l.pinned)
            .sort((a, b) => (a.seen ?? '').localeCompare(b.seen ?? ''))[0];
        if (!oldest)
            throw new DhcpIgnored('no free address: every address of the network is pinned');
        this.byMac.delete(oldest.mac);
        return parseIpOrThrow(oldest.ip);
    }
    /** Answers one DHCP message (the UDP payload); null when there is nothing to send. Throws DhcpIgnored on bad input. */
    handle(data) {
        const p = parse(data);
        const mac = [...p.chaddr].map((x) => x.toString(16).padStart(2, '0')).join(':');
        if (p.server !== undefined && p.server !== this.cfg.gateway)
            return null; // the client chose another server
        if (p.type === RELEASE || p.type === DECLINE)
            return null; // the address stays reserved for this MAC
        let lease = this.byMac.get(mac);
        if (!lease) {
            const want = p.requested ?? (p.ciaddr || undefined);
            const ip = want !== undefined && this.usable(want) && !this.owner(want) ? want : this.allocate(mac);
            lease = { mac, ip: ipText(ip) };
            this.byMac.set(mac, lease);
        }
        if (p.hostname && !lease.name) {
            for (const l of this.byMac.values())
                if (l.name === p.hostname && l.mac !== mac && !l.pinned)
                    delete l.name;
            if (![...this.byMac.values()].some((l) => l.name === p.hostname))
                lease.name = p.hostname;
        }
        lease.seen = new Date().toISOString();
        this.cfg.changed();
        const ip = parseIpOrThrow(lease.ip);
        if (p.type === DISCOVER) {
            this.stats.offers++;
            return { message: this.reply(p, OFFER, ip), type: 'offer', ip };
        }
        if (p.type === REQUEST) {
            const asked = p.requested ?? p.ciaddr;
            if (asked !== ip) {
                this.stats.naks++;
                return { message: this.reply(p, NAK, 0), type: 'nak' };
            }
            this.stats.acks++;
            return { message: this.reply(p, ACK, ip), type: 'ack', ip };
        }
        if (p.type === INFORM) {
            this.stats.acks++;
            return { message: this.reply(p, ACK, 0), type: 'ack' };
        }
        throw new DhcpIgnored(`message type ${p.type} is not one a server answers`);
    }
    reply(p, type, yiaddr) {
        const opts = [53, 1, type, 54, 4, ...ipv4(this.cfg.gateway)];
        if (type !== NAK) {
            if (yiaddr)
                opts.push(51, 4, ...ipv4(LEASE_SECONDS));
            opts.push(1, 4, ...ipv4(this.mask), 3, 4, ...ipv4(this.cfg.gateway), 6, 4, ...ipv4(this.cfg.gateway));
            const domain = Buffer.from(this.cfg.domain, 'latin1');
            opts.push(15, domain.length, ...domain);
        }
        opts.push(255);
        // BOOTP messages are at least 300 bytes; some clients drop shorter ones.
        const m = new Uint8Array(Math.max(300, BOOTP_FIXED + 4 + opts.length));
        const dv = new DataView(m.buffer);
        m[0] = 2;
        m[1] = 1;
        m[2] = 6;
        dv.setUint32(4, p.xid);
        dv.setUint16(10, p.flags);
        if (type === ACK && !yiaddr)
            dv.setUint32(12, p.ciaddr);
        dv.setUint32(16, yiaddr);
        dv.setUint32(20, type === NAK ? 0 : this.cfg.gateway);
        m.set(p.chaddr, 28);
        dv.setUint32(BOOTP_FIXED, MAGIC);
        m.set(opts, BOOTP_FIXED + 4);
        return m;
    }
}
function parseIpOrThrow(text) {
    const m = text.split('.').map(Number);
    return ((m[0] << 24) | (m[1] << 16) | (m[2] << 8) | m[3]) >>> 0;
}
//# sourceMappingURL=dhcp.js.map