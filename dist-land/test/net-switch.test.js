// The network switch process on its own, through foreign socket peers: learning, DHCP, DNS, bad input, reconnects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { ManagerHome } from './harness/manager-cli.js';
import { RawPort, until } from './harness/raw-port.js';
import { createNetwork, ensureSwitch, networkPaths, openNetworkNic, switchRequest, switchStatus, } from '../src/manager/networks.js';
import { BROADCAST_MAC, buildIpv4, buildTcp, IPPROTO_TCP, parseTcp, TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN, buildUdp, IPPROTO_UDP, ipText, macText, parseIpv4, parseMacText, parseUdp, } from '../src/net/packet.js';
function ether(dst, src, payload) {
    const f = new Uint8Array(14 + 46);
    f.set(typeof dst === 'string' ? parseMacText(dst) : dst, 0);
    f.set(parseMacText(src), 6);
    f[12] = 0x88;
    f[13] = 0xb5; // the local experimental EtherType
    f.set(Buffer.from(payload), 14);
    return f;
}
const tagOf = (f) => f[12] === 0x88 && f[13] === 0xb5 ? Buffer.from(f.subarray(14)).toString().replace(/\0+$/, '') : undefined;
/** A DHCP client message (RFC 2131) from `mac`. */
function dhcp(mac, type, opts = []) {
    const m = new Uint8Array(240 + 3 + opts.length + 1);
    m[0] = 1;
    m[1] = 1;
    m[2] = 6;
    m.set([0x12, 0x34, 0x56, 0x78], 4);
    m.set(parseMacText(mac), 28);
    m.set([99, 130, 83, 99], 236);
    m.set([53, 1, type, ...opts, 255], 240);
    const u = buildUdp(0, 0xffffffff, 68, 67, m);
    return buildIpv4(BROADCAST_MAC, parseMacText(mac), 0, 0xffffffff, IPPROTO_UDP, u);
}
/** The DHCP reply's type and offered address, when f is one (replies are broadcast: `forMac` picks the client's). */
const dhcpReply = (forMac) => (f) => {
    const r = anyDhcpReply(f);
    return r && r.chaddr === forMac ? r : undefined;
};
function anyDhcpReply(f) {
    const ip = parseIpv4(f);
    const udp = ip && ip.protocol === IPPROTO_UDP ? parseUdp(ip.payload) : null;
    if (!udp || udp.srcPort !== 67)
        return undefined;
    const d = udp.data;
    const opts = new Map();
    for (let i = 240; i < d.length && d[i] !== 255;) {
        if (d[i] === 0) {
            i++;
            continue;
        }
        opts.set(d[i], d.subarray(i + 2, i + 2 + d[i + 1]));
        i += 2 + d[i + 1];
    }
    return {
        type: opts.get(53)[0],
        yiaddr: ipText(new DataView(d.buffer, d.byteOffset).getUint32(16)),
        chaddr: macText(d, 28),
        opts,
    };
}
function dnsQuery(name, id) {
    const labels = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]);
    return Uint8Array.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}
async function withNetwork(fn) {
    const home = new ManagerHome('tv-net-');
    const paths = networkPaths(home.dir, 'lab');
    try {
        await createNetwork(home.dir, { name: 'lab', subnet: '10.0.10.0/24' });
        await fn(home, paths);
    }
    finally {
        await switchRequest(paths.controlSocket, { op: 'stop' }).catch(() => undefined);
        home.cleanup();
    }
}
test('net create, list, info, delete from the command line; bad input is a one-line error', { timeout: 60_000 }, async () => {
    const home = new ManagerHome('tv-net-');
    try {
        const c = await home.tvIn('net', 'create', 'lab', '--subnet', '10.0.20.0/24', '--internal');
        assert.equal(c.code, 0, c.stderr);
        assert.match(c.stdout, /created network lab \(10\.0\.20\.0\/24, gateway 10\.0\.20\.1, internal\)/);
        const d = await home.tvIn('net', 'create', 'other');
        assert.match(d.stdout, /10\.0\.10\.0\/24, gateway 10\.0\.10\.1, nat/);
        for (const [args, re, code] of [
            [['net', 'create', 'lab'], /already exists/, 2],
            [
                ['net', 'create', 'x', '--subnet', '10.0.10.5/24'],
                /host part is not zero \(did you mean 10\.0\.10\.0\/24\?\)/,
                2,
            ],
            [['net', 'create', 'x', '--subnet', '10.0.0.0/31'], /prefix 8 to 29/, 2],
            [['net', 'create', 'bad/name'], /bad network name/, 2],
            [['net', 'info', 'nope'], /no network named "nope"/, 3],
            [['create', 'vm1', '--network', 'nope'], /no network named "nope"/, 3],
            [['create', 'vm1', '--network', 'lab', '--ip', '10.0.99.5'], /not a host address of network lab/, 2],
            [['create', 'vm1', '--network', 'lab,speed=9'], /unknown --network option/, 2],
        ]) {
            const r = await home.tvIn(...args);
            assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
            assert.match(r.stderr, re);
            assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        }
        const usage = await home.tvIn('net', 'create', 'x', '--nat', '--internal');
        assert.equal(usage.code, 2);
        assert.match(usage.stderr, /^error: option '--nat' cannot be used with option '--internal'/);
        const v = await home.tvIn('create', 'vm1', '--network', 'lab', '--ip', '10.0.20.7');
        assert.equal(v.code, 0, v.stderr);
        const info = await home.tvIn('info', 'vm1');
        assert.match(info.stdout, /nic 0\s+network lab ip 10\.0\.20\.7 mac/);
        const list = await home.tvIn('net', 'list', '--format', 'json');
        const nets = JSON.parse(list.stdout);
        assert.deepEqual(nets.map((n) => [n.name, n.running]), [
            ['lab', false],
            ['other', false],
        ]);
        assert.equal((await home.tvIn('net', 'delete', 'other')).code, 0);
        assert.match((await home.tvIn('net', 'list')).stdout, /^lab\s+internal\s+10\.0\.20\.0\/24/m);
    }
    finally {
        home.cleanup();
    }
});
test('foreign peers on the ports socket: learning, flooding, DHCP with stable addresses, DNS by name, garbage never kills the switch', { timeout: 120_000 }, () => withNetwork(async (home, paths) => {
    await ensureSwitch(paths);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => RawPort.open(paths.portsSocket)));
    // Connected is not yet accepted: the switch lists a port once it has it.
    await until(async () => (await switchStatus(paths))?.ports.length === 3);
    const A = '52:54:00:00:00:0a', B = '52:54:00:00:00:0b';
    // A broadcast reaches every other port; a unicast to a learned MAC reaches its port only.
    a.send(ether('ff:ff:ff:ff:ff:ff', A, 'hello'));
    assert.equal(await b.next(tagOf), 'hello');
    assert.equal(await c.next(tagOf), 'hello');
    b.send(ether(A, B, 'to-a'));
    assert.equal(await a.next(tagOf), 'to-a');
    b.send(ether('ff:ff:ff:ff:ff:ff', B, 'marker'));
    assert.equal(await c.next(tagOf), 'marker', 'C saw the unicast to A');
    // DHCP: offer, ack, and the same address again for the same MAC.
    a.send(dhcp(A, 1));
    const offer = await a.next(dhcpReply(A));
    assert.equal(offer.type, 2);
    assert.match(offer.yiaddr, /^10\.0\.10\.\d+$/);
    assert.deepEqual([...offer.opts.get(3)], [10, 0, 10, 1], 'the router is the gateway');
    assert.deepEqual([...offer.opts.get(6)], [10, 0, 10, 1], 'the DNS server is the gateway');
    assert.equal(Buffer.from(offer.opts.get(15)).toString(), 'lab');
    a.send(dhcp(A, 3, [50, 4, ...offer.yiaddr.split('.').map(Number), 54, 4, 10, 0, 10, 1, 12, 4, ...Buffer.from('Alfa')]));
    const ack = await a.next(dhcpReply(A));
    assert.equal(ack.type, 5);
    assert.equal(ack.yiaddr, offer.yiaddr);
    a.send(dhcp(A, 3, [50, 4, 10, 0, 10, 250]));
    assert.equal((await a.next(dhcpReply(A))).type, 6, 'a request for another address is refused (NAK)');
    // A pinned address by registration.
    const reg = (await switchRequest(paths.controlSocket, {
        op: 'register',
        mac: B,
        name: 'vm-b',
        ip: '10.0.10.77',
    }));
    assert.equal(reg.ip, '10.0.10.77');
    b.send(dhcp(B, 1));
    assert.equal((await b.next(dhcpReply(B))).yiaddr, '10.0.10.77');
    // DNS: the name the client sent (cleaned up) and the registered one, short and with the network's domain.
    const ask = async (name, id) => {
        const q = buildUdp(0x0a000a4d, 0x0a000a01, 5353, 53, dnsQuery(name, id));
        b.send(buildIpv4(parseMacText('02:74:76:00:00:01'), parseMacText(B), 0x0a000a4d, 0x0a000a01, IPPROTO_UDP, q));
        return b.next((f) => {
            const ip = parseIpv4(f);
            const u = ip ? parseUdp(ip.payload) : null;
            return u && u.srcPort === 53 && ((u.data[0] << 8) | u.data[1]) === id ? u.data : undefined;
        });
    };
    const r1 = await ask('alfa', 1);
    assert.equal(r1[3] & 15, 0, 'NOERROR');
    assert.equal(ipText(new DataView(r1.buffer, r1.byteOffset).getUint32(r1.length - 4)), offer.yiaddr);
    const r2 = await ask('vm-b.lab', 2);
    assert.equal(ipText(new DataView(r2.buffer, r2.byteOffset).getUint32(r2.length - 4)), '10.0.10.77');
    assert.equal((await ask('nobody.lab', 3))[3] & 15, 3, 'NXDOMAIN');
    // Garbage: runts, random frames, broken DHCP and DNS, a compression pointer in a question, then an oversized
    // length from a peer, which loses its connection while the others go on.
    const junk = await RawPort.open(paths.portsSocket);
    junk.send(new Uint8Array(3));
    for (let i = 0; i < 200; i++)
        junk.send(Uint8Array.from({ length: 20 + ((i * 37) % 1500) }, (_, k) => (k * 131 + i) & 255));
    const broken = dhcp('52:54:00:00:00:0c', 1);
    junk.send(broken.subarray(0, broken.length - 200));
    const badOpts = dhcp('52:54:00:00:00:0c', 1, [12, 200, 1, 2]);
    junk.send(badOpts);
    const loop = Uint8Array.from([0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    junk.send(buildIpv4(parseMacText('02:74:76:00:00:01'), parseMacText(B), 1, 0x0a000a01, IPPROTO_UDP, buildUdp(1, 0x0a000a01, 9, 53, loop)));
    junk.sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await until(() => junk.closed);
    const control = createConnection(paths.controlSocket);
    control.write('not json\n{"op":"dance"}\n' + 'x'.repeat(70_000) + '\n');
    let controlOut = '';
    control.on('data', (d) => (controlOut += d.toString()));
    await until(() => control.destroyed || controlOut.includes('too long'));
    control.destroy();
    assert.match(controlOut, /one JSON object per line/);
    assert.match(controlOut, /unknown op \\"dance\\"/);
    a.send(ether(B, A, 'still-here'));
    assert.equal(await b.next(tagOf), 'still-here');
    const st = (await switchStatus(paths));
    assert.ok(st.stats.malformed >= 2, JSON.stringify(st.stats));
    assert.ok(st.stats.ignored >= 1, JSON.stringify(st.stats));
    assert.equal(st.ports.length, 3);
    const info = await home.tvIn('net', 'info', 'lab');
    assert.match(info.stdout, /switch\s+running/);
    assert.match(info.stdout, new RegExp(`lease\\s+${offer.yiaddr.replace(/\./g, '\\.')} ${A} alfa`));
    assert.match(info.stdout, /lease\s+10\.0\.10\.77 52:54:00:00:00:0b vm-b \(pinned\)/);
    const del = await home.tvIn('net', 'delete', 'lab');
    assert.equal(del.code, 4, del.stderr);
    assert.match(del.stderr, /3 attached ports: stop its VMs first/);
    // The leases outlive the switch: it ends once its last port leaves and hands out the same address next time.
    for (const p of [a, b, c])
        p.sock.destroy();
    await until(async () => (await switchStatus(paths)) === undefined);
    const saved = JSON.parse(readFileSync(paths.leases, 'utf8'));
    assert.equal(saved.find((l) => l.mac === A)?.ip, offer.yiaddr);
    await ensureSwitch(paths);
    const again = await RawPort.open(paths.portsSocket);
    again.send(dhcp(A, 1));
    assert.equal((await again.next(dhcpReply(A))).yiaddr, offer.yiaddr);
    again.sock.destroy();
}));
test('a NIC link comes back when its switch is killed, and an unreachable network is a clear error', { timeout: 120_000 }, () => withNetwork(async (home, paths) => {
    await assert.rejects(openNetworkNic(home.dir, { network: 'missing', mac: '52:54:00:00:00:01' }, () => undefined), /no network named "missing"/);
    const logs = [];
    const link = await openNetworkNic(home.dir, { network: 'lab', mac: '52:54:00:00:00:01', vm: 'vm1' }, (m) => logs.push(m));
    const got = [];
    link.onReceive((f) => {
        const t = tagOf(f);
        if (t)
            got.push(t);
    });
    try {
        const peer = await RawPort.open(paths.portsSocket);
        await until(async () => (await switchStatus(paths))?.ports.length === 2);
        peer.send(ether('ff:ff:ff:ff:ff:ff', '52:54:00:00:00:02', 'one'));
        await until(() => got.includes('one'));
        const pid = (await switchStatus(paths)).pid;
        process.kill(pid, 'SIGKILL');
        await until(() => peer.closed);
        // The link starts the switch again by itself.
        await until(() => logs.some((l) => /link to the switch is back/.test(l)));
        assert.notEqual((await switchStatus(paths)).pid, pid);
        const peer2 = await RawPort.open(paths.portsSocket);
        await until(async () => (await switchStatus(paths))?.ports.length === 2);
        peer2.send(ether('ff:ff:ff:ff:ff:ff', '52:54:00:00:00:02', 'two'));
        await until(() => got.includes('two'));
        link.send(ether('52:54:00:00:00:02', '52:54:00:00:00:01', 'back'));
        assert.equal(await peer2.next(tagOf), 'back');
        peer2.sock.destroy();
    }
    finally {
        link.close();
    }
}));
test('NAT through foreign frames: a TCP handshake and data both ways with a host server, resets for closed ports and scopes, malformed TCP ignored', { timeout: 120_000 }, async () => {
    const home = new ManagerHome('tv-net-');
    const echo = createServer((s) => s.on('data', (d) => s.write(`echo:${d.toString()}`)));
    await new Promise((r) => echo.listen(0, '127.0.0.1', r));
    const port = echo.address().port;
    const GW = parseMacText('02:74:76:00:00:01');
    const G = '52:54:00:00:00:0a';
    const gip = 0x0a000a05, gw = 0x0a000a01;
    const seg = (dst, flags, seq, ack, data, dport = port) => buildIpv4(GW, parseMacText(G), gip, dst, IPPROTO_TCP, buildTcp(gip, dst, { srcPort: 40000, dstPort: dport, seq, ack, flags, window: 65535 }, data));
    const tcpFrom = (f) => {
        const ip = parseIpv4(f);
        return ip && ip.protocol === IPPROTO_TCP ? (parseTcp(ip.payload) ?? undefined) : undefined;
    };
    try {
        for (const [name, mode] of [
            ['natlab', 'nat'],
            ['hostlab', 'host-only'],
        ]) {
            await createNetwork(home.dir, { name, subnet: '10.0.10.0/24', mode });
            const paths = networkPaths(home.dir, name);
            await ensureSwitch(paths);
            const p = await RawPort.open(paths.portsSocket);
            await until(async () => (await switchStatus(paths))?.ports.length === 1);
            // Malformed TCP (a data offset past the end) is dropped without a word.
            const bad = seg(gw, TCP_SYN, 1, 0);
            bad[14 + 20 + 12] = 0xf0;
            p.send(bad);
            // The handshake: SYN, then SYN-ACK once the host connection stands.
            p.send(seg(gw, TCP_SYN, 1000, 0));
            const synack = await p.next(tcpFrom);
            assert.equal(synack.flags & (TCP_SYN | TCP_ACK), TCP_SYN | TCP_ACK);
            assert.equal(synack.ack, 1001);
            p.send(seg(gw, TCP_ACK | TCP_PSH, 1001, synack.seq + 1, Buffer.from('hi')));
            let got = '';
            while (!got.includes('echo:hi')) {
                const t = await p.next(tcpFrom);
                got += Buffer.from(t.data).toString();
            }
            // A closed port on the host: reset at once.
            p.send(seg(gw, TCP_SYN, 5000, 0, undefined, 1));
            const rst = await p.next((f) => {
                const t = tcpFrom(f);
                return t && t.dstPort === 40000 && t.flags & TCP_RST ? t : undefined;
            });
            assert.equal(rst.ack, 5001);
            // Beyond the host: a host-only network resets (a NAT network would try to connect, which tests do not do).
            if (mode === 'host-only') {
                p.send(seg(0xc0000201, TCP_SYN, 7000, 0, undefined, 80));
                const r2 = await p.next((f) => {
                    const t = tcpFrom(f);
                    return t && t.flags & TCP_RST ? t : undefined;
                });
                assert.equal(r2.ack, 7001);
            }
            const st = (await switchStatus(paths));
            assert.ok(st.stats.tcpFlows >= 1, JSON.stringify(st.stats));
            p.sock.destroy();
            await switchRequest(paths.controlSocket, { op: 'stop' }).catch(() => undefined);
        }
    }
    finally {
        echo.close();
        home.cleanup();
    }
});
test('a port forward: a host connection to 127.0.0.1 is opened towards the VM (our SYN, its SYN-ACK), data both ways; bad forwards are refused', { timeout: 120_000 }, () => withNetwork(async (home, paths) => {
    for (const [args, re, code] of [
        [['net', 'forward', 'add', 'lab', 'udp:9', 'vm1:80'], /bad host side/, 2],
        [['net', 'forward', 'add', 'lab', 'tcp:1.2.3:80', 'vm1:80'], /bad host side/, 2],
        [['net', 'forward', 'add', 'lab', 'tcp:8080', 'vm_1:80'], /bad guest side/, 2],
        [['net', 'forward', 'add', 'lab', 'tcp:70000', 'vm1:80'], /not from 1 to 65535/, 2],
        [['net', 'forward', 'remove', 'lab', 'nope'], /no forward named nope/, 3],
    ]) {
        const r = await home.tvIn(...args);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re);
    }
    // A free port for the host side: bind, note, release.
    const probe = createServer();
    await new Promise((r) => probe.listen(0, '127.0.0.1', r));
    const hostPort = probe.address().port;
    await new Promise((r) => probe.close(r));
    const add = await home.tvIn('net', 'forward', 'add', 'lab', `tcp:${hostPort}`, 'vm1:80');
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await home.tvIn('net', 'forward', 'add', 'lab', `tcp:${hostPort}`, 'vm1:81', '--name', 'x')).code, 2);
    await ensureSwitch(paths);
    const G = '52:54:00:00:00:0a';
    await switchRequest(paths.controlSocket, { op: 'register', mac: G, name: 'vm1', ip: '10.0.10.5' });
    const p = await RawPort.open(paths.portsSocket);
    await until(async () => (await switchStatus(paths))?.forwards[0]?.listening === true);
    const tcpTo = (f) => {
        const ip = parseIpv4(f);
        const t = ip && ip.protocol === IPPROTO_TCP && ip.dst === 0x0a000a05 ? parseTcp(ip.payload) : null;
        return t && t.dstPort === 80 ? t : undefined;
    };
    const client = createConnection({ host: '127.0.0.1', port: hostPort });
    let reply = '';
    client.on('data', (d) => (reply += d.toString()));
    client.write('ping');
    const syn = await p.next(tcpTo);
    assert.equal(syn.flags & (TCP_SYN | TCP_ACK), TCP_SYN);
    const out = (flags, seq, ack, data) => p.send(buildIpv4(parseMacText('02:74:76:00:00:01'), parseMacText(G), 0x0a000a05, 0x0a000a01, IPPROTO_TCP, buildTcp(0x0a000a05, 0x0a000a01, { srcPort: 80, dstPort: syn.srcPort, seq, ack, flags, window: 65535 }, data)));
    out(TCP_SYN | TCP_ACK, 9000, syn.seq + 1);
    let got = '';
    let last = syn;
    while (got !== 'ping') {
        last = await p.next(tcpTo);
        got += Buffer.from(last.data).toString();
    }
    out(TCP_ACK | TCP_PSH, 9001, last.seq + last.data.length, Buffer.from('pong'));
    await until(() => reply === 'pong');
    client.destroy();
    p.sock.destroy();
    const rm = await home.tvIn('net', 'forward', 'remove', 'lab', `tcp-${hostPort}`);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match((await home.tvIn('net', 'forward', 'list', 'lab')).stdout, /no forwards on lab/);
}));
//# sourceMappingURL=net-switch.test.js.map