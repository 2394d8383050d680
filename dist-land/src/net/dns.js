// The network gateway's DNS responder: A records for the network's VMs, as NAME and NAME.NETWORK; nothing else.
const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE_FORMERR = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
/** Short: a VM that gets another address is found again within a minute. */
const TTL_SECONDS = 60;
/** Why a DNS message got no answer at all (too short for a header, or itself a response). */
export class DnsIgnored extends Error {
    name = 'DnsIgnored';
}
/** The first question of a query; null when it is malformed (compression in a question, labels past the end). */
export function parseQuestion(m) {
    const labels = [];
    let i = 12;
    let total = 0;
    for (;;) {
        if (i >= m.length)
            return null;
        const len = m[i++];
        if (len === 0)
            break;
        if (len > 63 || i + len > m.length)
            return null; // compression pointers (0xc0) land here too
        total += len + 1;
        if (total > 255)
            return null;
        labels.push(Buffer.from(m.subarray(i, i + len))
            .toString('latin1')
            .toLowerCase());
        i += len;
    }
    if (i + 4 > m.length)
        return null;
    const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
    return { name: labels.join('.'), type: dv.getUint16(i), cls: dv.getUint16(i + 2), end: i + 4 };
}
/**
 * Answers one query (the UDP payload). `lookup` maps a host name (no domain) to its IPv4 address. Throws DnsIgnored
 * for what gets no reply; everything else gets one (FORMERR, NOTIMP, NXDOMAIN, or the address).
 */
export function answerDns(q, domain, lookup) {
    if (q.length < 12)
        throw new DnsIgnored('shorter than a DNS header');
    if (q[2] & 0x80)
        throw new DnsIgnored('a response, not a query');
    const opcode = (q[2] >> 3) & 15;
    const qdcount = (q[4] << 8) | q[5];
    const header = (rcode, ancount, qd) => {
        const h = new Uint8Array(12);
        h[0] = q[0];
        h[1] = q[1];
        h[2] = 0x80 | (opcode << 3) | 0x04 | (q[2] & 0x01); // QR, AA, RD copied
        h[3] = rcode;
        h[5] = qd;
        h[7] = ancount;
        return h;
    };
    const question = opcode === 0 && qdcount === 1 ? parseQuestion(q) : null;
    if (!question)
        return header(opcode !== 0 ? RCODE_NOTIMP : RCODE_FORMERR, 0, 0);
    const suffix = `.${domain.toLowerCase()}`;
    const host = question.name.endsWith(suffix) ? question.name.slice(0, -suffix.length) : question.name;
    const ip = host.includes('.') ? undefined : lookup(host);
    const qsection = q.subarray(12, question.end);
    if (ip === undefined || question.cls !== CLASS_IN) {
        return concat(header(RCODE_NXDOMAIN, 0, 1), qsection);
    }
    if (question.type !== TYPE_A)
        return concat(header(0, 0, 1), qsection); // the name exists, with no such record
    const answer = new Uint8Array(16);
    const dv = new DataView(answer.buffer);
    dv.setUint16(0, 0xc00c); // the name: a pointer to the question's
    dv.setUint16(2, TYPE_A);
    dv.setUint16(4, CLASS_IN);
    dv.setUint32(6, TTL_SECONDS);
    dv.setUint16(10, 4);
    dv.setUint32(12, ip);
    return concat(header(0, 1, 1), qsection, answer);
}
function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}
//# sourceMappingURL=dns.js.map