// Ethernet, ARP, IPv4, UDP and ICMP: the few header layouts the switch's gateway reads and writes.
export const ETH_HEADER = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
export function macText(b, at = 0) {
    let s = '';
    for (let i = 0; i < 6; i++)
        s += (i ? ':' : '') + b[at + i].toString(16).padStart(2, '0');
    return s;
}
export function parseMacText(text) {
    return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}
/** An IPv4 address as an unsigned 32-bit number. */
export function ipText(n) {
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
/** Dotted-quad text to a number, or null when it is not one. */
export function parseIp(text) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (!m)
        return null;
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255))
        return null;
    return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}
/** The Internet checksum (RFC 1071) of bytes, starting from a partial sum. */
export function checksum(b, start = 0, end = b.length, initial = 0) {
    let sum = initial;
    for (let i = start; i + 1 < end; i += 2)
        sum += (b[i] << 8) | b[i + 1];
    if ((end - start) & 1)
        sum += b[end - 1] << 8;
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >>> 16);
    return ~sum & 0xffff;
}
/** The IPv4 packet in an Ethernet frame, or null for anything else, a fragment or a malformed header. */
export function parseIpv4(frame) {
    if (frame.length < ETH_HEADER + 20 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_IPV4)
        return null;
    const ip = frame.subarray(ETH_HEADER);
    if (ip[0] >> 4 !== 4)
        return null;
    const ihl = (ip[0] & 15) * 4;
    const total = (ip[2] << 8) | ip[3];
    if (ihl < 20 || total < ihl || total > ip.length)
        return null;
    // Fragments are not reassembled: the gateway's services fit one packet.
    if ((ip[6] & 0x3f) !== 0 || ip[7] !== 0)
        return null;
    const dv = new DataView(ip.buffer, ip.byteOffset);
    return {
        src: dv.getUint32(12),
        dst: dv.getUint32(16),
        protocol: ip[9],
        ttl: ip[8],
        payload: ip.subarray(ihl, total),
    };
}
let ipId = 0;
/** An Ethernet frame carrying one IPv4 packet. */
export function buildIpv4(dstMac, srcMac, src, dst, protocol, payload) {
    const f = new Uint8Array(ETH_HEADER + 20 + payload.length);
    f.set(dstMac, 0);
    f.set(srcMac, 6);
    f[12] = ETHERTYPE_IPV4 >> 8;
    f[13] = ETHERTYPE_IPV4 & 255;
    const dv = new DataView(f.buffer, ETH_HEADER);
    dv.setUint8(0, 0x45);
    dv.setUint16(2, 20 + payload.length);
    dv.setUint16(4, (ipId = (ipId + 1) & 0xffff));
    dv.setUint8(8, 64);
    dv.setUint8(9, protocol);
    dv.setUint32(12, src);
    dv.setUint32(16, dst);
    dv.setUint16(10, checksum(f, ETH_HEADER, ETH_HEADER + 20));
    f.set(payload, ETH_HEADER + 20);
    return f;
}
/** The sum of the IPv4 pseudo-header, the start of UDP and TCP checksums. */
function pseudoSum(src, dst, protocol, length) {
    return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
export function parseUdp(payload) {
    if (payload.length < 8)
        return null;
    const len = (payload[4] << 8) | payload[5];
    if (len < 8 || len > payload.length)
        return null;
    return {
        srcPort: (payload[0] << 8) | payload[1],
        dstPort: (payload[2] << 8) | payload[3],
        data: payload.subarray(8, len),
    };
}
export function buildUdp(src, dst, srcPort, dstPort, data) {
    const u = new Uint8Array(8 + data.length);
    const dv = new DataView(u.buffer);
    dv.setUint16(0, srcPort);
    dv.setUint16(2, dstPort);
    dv.setUint16(4, u.length);
    u.set(data, 8);
    const sum = checksum(u, 0, u.length, pseudoSum(src, dst, IPPROTO_UDP, u.length));
    dv.setUint16(6, sum === 0 ? 0xffff : sum);
    return u;
}
/** An Ethernet/IPv4 ARP packet, or null. */
export function parseArp(frame) {
    if (frame.length < ETH_HEADER + 28 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_ARP)
        return null;
    const a = frame.subarray(ETH_HEADER);
    const dv = new DataView(a.buffer, a.byteOffset);
    if (dv.getUint16(0) !== 1 || dv.getUint16(2) !== ETHERTYPE_IPV4 || a[4] !== 6 || a[5] !== 4)
        return null;
    return { op: dv.getUint16(6), senderMac: a.slice(8, 14), senderIp: dv.getUint32(14), targetIp: dv.getUint32(24) };
}
export function buildArpReply(mac, ip, toMac, toIp) {
    const f = new Uint8Array(ETH_HEADER + 28);
    f.set(toMac, 0);
    f.set(mac, 6);
    f[12] = ETHERTYPE_ARP >> 8;
    f[13] = ETHERTYPE_ARP & 255;
    const dv = new DataView(f.buffer, ETH_HEADER);
    dv.setUint16(0, 1);
    dv.setUint16(2, ETHERTYPE_IPV4);
    dv.setUint8(4, 6);
    dv.setUint8(5, 4);
    dv.setUint16(6, 2);
    f.set(mac, ETH_HEADER + 8);
    dv.setUint32(14, ip);
    f.set(toMac, ETH_HEADER + 18);
    dv.setUint32(24, toIp);
    return f;
}
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export function parseTcp(payload) {
    if (payload.length < 20)
        return null;
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const off = (payload[12] >> 4) * 4;
    if (off < 20 || off > payload.length)
        return null;
    let mss;
    for (let i = 20; i < off;) {
        const kind = payload[i];
        if (kind === 0)
            break;
        if (kind === 1) {
            i++;
            continue;
        }
        const len = i + 1 < off ? payload[i + 1] : 0;
        if (len < 2 || i + len > off)
            break;
        if (kind === 2 && len === 4)
            mss = dv.getUint16(i + 2);
        i += len;
    }
    return {
        srcPort: dv.getUint16(0),
        dstPort: dv.getUint16(2),
        seq: dv.getUint32(4),
        ack: dv.getUint32(8),
        flags: payload[13],
        window: dv.getUint16(14),
        mss,
        data: payload.subarray(off),
    };
}
/** A TCP segment (with an MSS option when `mss` is given) and its checksum. */
export function buildTcp(src, dst, t, data = new Uint8Array(0)) {
    const hdr = t.mss !== undefined ? 24 : 20;
    const s = new Uint8Array(hdr + data.length);
    const dv = new DataView(s.buffer);
    dv.setUint16(0, t.srcPort);
    dv.setUint16(2, t.dstPort);
    dv.setUint32(4, t.seq >>> 0);
    dv.setUint32(8, t.ack >>> 0);
    s[12] = (hdr / 4) << 4;
    s[13] = t.flags;
    dv.setUint16(14, t.window);
    if (t.mss !== undefined) {
        s[20] = 2;
        s[21] = 4;
        dv.setUint16(22, t.mss);
    }
    s.set(data, hdr);
    dv.setUint16(16, checksum(s, 0, s.length, pseudoSum(src, dst, IPPROTO_TCP, s.length)));
    return s;
}
//# sourceMappingURL=packet.js.map