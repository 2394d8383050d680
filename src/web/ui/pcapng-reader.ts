// Reads the capture route's pcapng stream in the page: whole blocks out of a byte stream, and each Ethernet frame in
// one line (source, destination, protocol, summary) with the firewall's packet comment.

const SHB = 0x0a0d0d0a;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_COMMENT = 1;
/** Larger blocks are not the server's (a frame is at most 64 KiB + 4 KiB). */
const MAX_BLOCK = 65536 + 8192;

export interface Frame {
  /** Microseconds since the epoch. */
  timeMicros: number;
  source: string;
  destination: string;
  protocol: string;
  summary: string;
  length: number;
  /** The firewall's packet comment: "dropped by the firewall: rule 2 (deny)", or "sent by the firewall: ...". */
  comment?: string;
}

const mac = (b: Uint8Array, at: number) =>
  Array.from(b.subarray(at, at + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Uint8Array, at: number) => Array.from(b.subarray(at, at + 4)).join('.');
const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];

const TCP_FLAGS: [number, string][] = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
];
const UDP_NAMES: Record<number, string> = { 53: 'DNS', 67: 'DHCP', 68: 'DHCP' };
const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  8: 'echo request',
  11: 'time exceeded',
};

/** One frame as a capture list shows it; anything it does not know is named by its EtherType or IP protocol. */
export function describeFrame(f: Uint8Array): Omit<Frame, 'timeMicros' | 'comment'> {
  const base = { length: f.length, source: '?', destination: '?', protocol: 'Ethernet', summary: 'short frame' };
  if (f.length < 14) return base;
  let type = u16(f, 12);
  let at = 14;
  if (type === 0x8100 && f.length >= 18) {
    type = u16(f, 16);
    at = 18;
  }
  const eth = { ...base, source: mac(f, 6), destination: mac(f, 0), summary: `EtherType 0x${type.toString(16)}` };
  if (type === 0x0806 && f.length >= at + 28) {
    const op = u16(f, at + 6);
    const sender = ip4(f, at + 14);
    const target = ip4(f, at + 24);
    const summary =
      op === 1 ? `who has ${target}? tell ${sender}` : op === 2 ? `${sender} is at ${mac(f, at + 8)}` : `op ${op}`;
    return { ...eth, protocol: 'ARP', summary };
  }
  if (type === 0x86dd) return { ...eth, protocol: 'IPv6', summary: 'IPv6' };
  if (type !== 0x0800 || f.length < at + 20) return eth;
  const ihl = (f[at] & 0x0f) * 4;
  const proto = f[at + 9];
  const ip = { ...eth, source: ip4(f, at + 12), destination: ip4(f, at + 16), protocol: 'IPv4' };
  const l4 = at + ihl;
  if (proto === 1 && f.length >= l4 + 2) {
    const name = ICMP_NAMES[f[l4]] ?? `type ${f[l4]}`;
    const seq = f[l4] === 0 || f[l4] === 8 ? ` seq ${u16(f, l4 + 6)}` : '';
    return { ...ip, protocol: 'ICMP', summary: `${name}${seq}` };
  }
  if ((proto === 6 || proto === 17) && f.length >= l4 + 4) {
    const sport = u16(f, l4);
    const dport = u16(f, l4 + 2);
    const ports = `${sport} → ${dport}`;
    if (proto === 17) return { ...ip, protocol: UDP_NAMES[sport] ?? UDP_NAMES[dport] ?? 'UDP', summary: ports };
    const flags = f.length >= l4 + 14 ? TCP_FLAGS.filter(([bit]) => f[l4 + 13] & bit).map(([, n]) => n) : [];
    return { ...ip, protocol: 'TCP', summary: `${ports}${flags.length ? ` [${flags.join(', ')}]` : ''}` };
  }
  return { ...ip, summary: `IP protocol ${proto}` };
}

/** Bytes in, frames out: blocks are taken whole as they complete; a stream that is not pcapng is an error. */
export class PcapngReader {
  private buf = new Uint8Array(0);
  private sawHeader = false;

  push(data: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.buf.length + data.length);
    joined.set(this.buf);
    joined.set(data, this.buf.length);
    const view = new DataView(joined.buffer);
    const out: Frame[] = [];
    let at = 0;
    while (joined.length - at >= 12) {
      const type = view.getUint32(at, true);
      const len = view.getUint32(at + 4, true);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) throw new Error(`not a pcapng stream (block length ${len})`);
      if (!this.sawHeader) {
        if (type !== SHB || view.getUint32(at + 8, true) !== BYTE_ORDER_MAGIC)
          throw new Error('not a little-endian pcapng stream');
        this.sawHeader = true;
      }
      if (joined.length - at < len) break;
      if (type === EPB && len >= 32) out.push(this.packet(joined, view, at, len));
      at += len;
    }
    this.buf = joined.slice(at);
    return out;
  }

  private packet(b: Uint8Array, view: DataView, at: number, len: number): Frame {
    const timeMicros = view.getUint32(at + 12, true) * 2 ** 32 + view.getUint32(at + 16, true);
    const captured = Math.min(view.getUint32(at + 20, true), len - 32);
    const frame = b.subarray(at + 28, at + 28 + captured);
    let opt = at + 28 + ((captured + 3) & ~3);
    let comment: string | undefined;
    const end = at + len - 4;
    while (opt + 4 <= end) {
      const code = view.getUint16(opt, true);
      const size = view.getUint16(opt + 2, true);
      if (code === 0 || opt + 4 + size > end) break;
      if (code === OPT_COMMENT) comment = new TextDecoder().decode(b.subarray(opt + 4, opt + 4 + size));
      opt += 4 + ((size + 3) & ~3);
    }
    return { timeMicros, comment, ...describeFrame(frame) };
  }
}
