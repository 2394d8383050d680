// A network's firewall and capture through foreign socket peers: rules from the CLI, deny/reject/allow with
// connection tracking, hit counters, changes at once, garbage frames, and a pcapng capture that tshark reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { request } from 'node:http';
import { ManagerHome } from './harness/manager-cli.js';
import { apiCall } from './harness/api-client.js';
import { FakeVmBackend } from './harness/fake-vm-backend.js';
import { startServer } from '../src/web/server.js';
import { RawPort, tick, until } from './harness/raw-port.js';
import { createNetwork, ensureSwitch, listRules, networkPaths, switchRequest, switchStatus, } from '../src/manager/networks.js';
import { openCapture } from '../src/manager/net-capture.js';
import { buildIpv4, buildTcp, checksum, IPPROTO_ICMP, IPPROTO_TCP, parseIpv4, parseMacText, parseTcp, TCP_ACK, TCP_RST, TCP_SYN, } from '../src/net/packet.js';
const MAC = ['52:54:00:00:00:0a', '52:54:00:00:00:0b', '52:54:00:00:00:0c'];
const IP = [0x0a000a0b, 0x0a000a0c, 0x0a000a0d]; // 10.0.10.11-13, pinned for vm1-vm3
function ping(from, to, id, reply = false) {
    const icmp = new Uint8Array(16);
    icmp[0] = reply ? 0 : 8;
    icmp[4] = id >> 8;
    icmp[5] = id & 255;
    const sum = checksum(icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 255;
    return buildIpv4(parseMacText(MAC[to]), parseMacText(MAC[from]), IP[from], IP[to], IPPROTO_ICMP, icmp);
}
function tcp(from, to, sport, dport, flags, seq = 1000, ack = 0) {
    const seg = buildTcp(IP[from], IP[to], { srcPort: sport, dstPort: dport, seq, ack, flags, window: 8192 });
    return buildIpv4(parseMacText(MAC[to]), parseMacText(MAC[from]), IP[from], IP[to], IPPROTO_TCP, seg);
}
/** A frame of the local experimental EtherType carrying a tag: a marker that everything sent before it arrived. */
function marker(from, to, tag) {
    const f = new Uint8Array(60);
    f.set(parseMacText(MAC[to]), 0);
    f.set(parseMacText(MAC[from]), 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    f.set(Buffer.from(tag), 14);
    return f;
}
const tagOf = (f) => f[12] === 0x88 && f[13] === 0xb5 ? Buffer.from(f.subarray(14)).toString().replace(/\0+$/, '') : undefined;
test('net rule from the command line: bad rules are one-line errors with exit 2, add/move/delete/default keep the definition', { timeout: 60_000 }, async () => {
    const home = new ManagerHome('tv-fw-');
    try {
        await createNetwork(home.dir, { name: 'lab', subnet: '10.0.10.0/24' });
        for (const [args, re, code] of [
            [['permit', 'tcp'], /a rule starts with allow, deny or reject, got "permit"/, 2],
            [['deny', 'tcp', 'from', 'vm1', 'port', '99999'], /bad port "99999"/, 2],
            [['deny', 'tcp', 'to', 'vm1', 'port', '90-80'], /bad port "90-80"/, 2],
            [['deny', 'icmp', 'to', 'vm2', 'port', '80'], /ports need the protocol tcp or udp/, 2],
            [['deny', 'from', '10.0.0.1/33'], /bad address "10\.0\.0\.1\/33"/, 2],
            [['deny', 'from', '10.0.10.1/24'], /host part of a CIDR is not zero/, 2],
            [['deny', 'from'], /"from" needs an address/, 2],
            [['deny', 'tcp', 'sideways'], /unexpected "sideways"/, 2],
            [['deny', 'from', 'vm_1'], /bad address "vm_1"/, 2],
        ]) {
            const r = await home.tvIn('net', 'rule', 'add', 'lab', ...args);
            assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
            assert.match(r.stderr, re);
            assert.match(r.stderr, /^typevisor: bad rule: /);
            assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        }
        assert.equal((await home.tvIn('net', 'rule', 'add', 'nope', 'deny')).code, 3);
        const add = async (...w) => {
            const r = await home.tvIn('net', 'rule', 'add', 'lab', ...w);
            assert.equal(r.code, 0, r.stderr);
            return r.stdout;
        };
        assert.equal(await add('deny', 'icmp', 'from', 'vm1', 'to', 'vm2'), 'rule 1: deny icmp from vm1 to vm2\n');
        assert.equal(await add('allow', 'TCP', 'to', '10.0.10.0/24', 'port', '22'), 'rule 2: allow tcp from any to 10.0.10.0/24 port 22\n');
        assert.match(await add('reject', 'udp', '--position', '1'), /^rule 3: reject udp from any to any/);
        for (const [args, re, code] of [
            [['delete', 'lab', '9'], /network lab has no rule 9/, 3],
            [['move', 'lab', '1', '5'], /position 5 is not from 1 to 3/, 2],
            [['move', 'lab', 'x', '1'], /a rule id must be a whole number/, 2],
            [['default', 'lab', 'maybe'], /bad policy "maybe"/, 2],
            [['add', 'lab', 'deny', '--position', '0'], /--position must be a whole number from 1/, 2],
        ]) {
            const r = await home.tvIn('net', 'rule', ...args);
            assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
            assert.match(r.stderr, re);
        }
        assert.equal((await home.tvIn('net', 'rule', 'move', 'lab', '1', '3')).code, 0);
        assert.equal((await home.tvIn('net', 'rule', 'delete', 'lab', '2')).code, 0);
        assert.equal((await home.tvIn('net', 'rule', 'default', 'lab', 'reject')).code, 0);
        const list = JSON.parse((await home.tvIn('net', 'rule', 'list', 'lab', '--format', 'json')).stdout);
        assert.equal(list.policy, 'reject');
        assert.deepEqual(list.rules.map((r) => [r.position, r.id, r.packets]), [
            [1, 3, 0],
            [2, 1, 0],
        ]);
        const def = JSON.parse(readFileSync(join(home.dir, 'networks', 'lab', 'network.json'), 'utf8'));
        assert.deepEqual(def.rules.map((r) => r.id), [3, 1]);
        assert.equal(def.policy, 'reject');
        const table = await home.tvIn('net', 'rule', 'list', 'lab');
        assert.match(table.stdout, /^2\s+1\s+deny\s+icmp\s+vm1\s+vm2\s+0\s+0$/m);
        assert.match(table.stdout, /^-\s+-\s+reject\s+any/m);
    }
    finally {
        home.cleanup();
    }
});
test('the firewall between three peers: deny and reject stop one pair while others pass, replies of allowed flows pass, counters count, rule changes act at once, garbage is survived; the capture is pcapng that tshark reads with drops marked', { timeout: 120_000 }, async () => {
    const home = new ManagerHome('tv-fw-');
    const paths = networkPaths(home.dir, 'lab');
    try {
        await createNetwork(home.dir, { name: 'lab', subnet: '10.0.10.0/24' });
        // Rules are kept in the definition: the switch reads them when it starts.
        for (const r of [
            ['deny', 'icmp', 'from', 'vm1', 'to', 'vm2'],
            ['reject', 'tcp', 'from', 'vm1', 'to', 'vm2', 'port', '80'],
            ['deny', 'tcp', 'from', 'vm2', 'to', 'vm1'],
        ])
            assert.equal((await home.tvIn('net', 'rule', 'add', 'lab', ...r)).code, 0);
        await ensureSwitch(paths);
        for (let i = 0; i < 3; i++)
            await switchRequest(paths.controlSocket, {
                op: 'register',
                mac: MAC[i],
                name: `vm${i + 1}`,
                ip: `10.0.10.${11 + i}`,
            });
        const badVm = await openCapture(home.dir, 'lab', { vm: 'vm9' }).catch((e) => e);
        assert.match(String(badVm), /network lab: no VM named vm9$/);
        const file = join(home.dir, 'lab.pcapng');
        const cap = await openCapture(home.dir, 'lab');
        const out = createWriteStream(file);
        cap.stream.pipe(out);
        const cliFile = join(home.dir, 'vm3.pcap');
        const cli = home.tv('net', 'capture', 'lab', '--vm', 'vm3', '-w', cliFile, '-c', '2');
        await until(async () => (await switchStatus(paths))?.stats.captures === 2);
        const ports = await Promise.all(MAC.map(() => RawPort.open(paths.portsSocket)));
        const [a, b, c] = ports;
        // Each peer says hello so the switch learns where its MAC is.
        for (let i = 0; i < 3; i++)
            ports[i].send(marker(i, (i + 1) % 3, `hello${i}`));
        for (let i = 0; i < 3; i++)
            await ports[(i + 1) % 3].next((f) => (tagOf(f) === `hello${i}` ? 1 : undefined));
        /** The IPv4 packets `to` got from `from` until a marker sent after them. */
        const received = async (from, to, tag) => {
            ports[from].send(marker(from, to, tag));
            // next() looks at the same frames again on each turn: a set keeps each once, in order.
            const got = new Set();
            await ports[to].next((f) => {
                if (tagOf(f) === tag)
                    return true;
                if (parseIpv4(f))
                    got.add(f);
                return undefined;
            });
            return [...got].map((f) => parseIpv4(f));
        };
        // Deny: vm1's ping to vm2 never arrives; vm3's does, and vm2's reply reaches vm3.
        a.send(ping(0, 1, 1));
        assert.equal((await received(0, 1, 'm1')).length, 0, 'a denied ping arrived');
        c.send(ping(2, 1, 2));
        assert.equal((await received(2, 1, 'm2'))[0]?.protocol, IPPROTO_ICMP);
        b.send(ping(1, 2, 2, true));
        assert.equal((await received(1, 2, 'm3'))[0]?.protocol, IPPROTO_ICMP);
        // Reject: vm1's SYN to vm2:80 is answered with a reset from vm2's address, and vm2 never sees it.
        a.send(tcp(0, 1, 40000, 80, TCP_SYN, 7000));
        const rst = await a.next((f) => {
            const ip = parseIpv4(f);
            return ip && ip.protocol === IPPROTO_TCP && ip.src === IP[1] ? parseTcp(ip.payload) : undefined;
        });
        assert.equal(rst.flags, TCP_RST | TCP_ACK);
        assert.equal(rst.ack, 7001);
        assert.deepEqual([rst.srcPort, rst.dstPort], [80, 40000]);
        assert.equal((await received(0, 1, 'm4')).length, 0, 'a rejected SYN arrived');
        // Tracking: vm1 may open TCP to vm2:22 and vm2's answers pass, though vm2 may not open TCP towards vm1.
        a.send(tcp(0, 1, 40001, 22, TCP_SYN, 100));
        assert.equal(parseTcp((await received(0, 1, 'm5'))[0].payload)?.flags, TCP_SYN);
        b.send(tcp(1, 0, 22, 40001, TCP_SYN | TCP_ACK, 500, 101));
        assert.equal(parseTcp((await received(1, 0, 'm6'))[0].payload)?.flags, TCP_SYN | TCP_ACK);
        b.send(tcp(1, 0, 40002, 22, TCP_SYN, 900));
        assert.equal((await received(1, 0, 'm7')).length, 0, 'vm2 opened a connection to vm1');
        const counts = async () => Object.fromEntries((await listRules(home.dir, 'lab')).rules.map((r) => [r.id, r.packets]));
        assert.deepEqual(await counts(), { 1: 1, 2: 1, 3: 1 });
        const list = await listRules(home.dir, 'lab');
        assert.ok(list.tracked >= 2, `tracked ${list.tracked}`);
        assert.ok(list.policyHits.packets >= 2, 'the default policy counted vm3 and vm1 to :22');
        // A change acts at once: without rule 1, vm1's ping reaches vm2.
        assert.equal((await home.tvIn('net', 'rule', 'delete', 'lab', '1')).code, 0);
        a.send(ping(0, 1, 3));
        assert.equal((await received(0, 1, 'm8'))[0]?.protocol, IPPROTO_ICMP);
        // A default policy of deny stops what no rule allows (markers too, so the policy's counter tells when both
        // frames were judged); the tracked vm1 -> vm2:22 flow is forgotten, as the new rules would not open it.
        assert.equal((await home.tvIn('net', 'rule', 'default', 'lab', 'deny')).code, 0);
        const before = (await listRules(home.dir, 'lab')).policyHits.packets;
        c.send(ping(2, 1, 4));
        a.send(tcp(0, 1, 40001, 22, TCP_ACK, 101, 501));
        await until(async () => (await listRules(home.dir, 'lab')).policyHits.packets === before + 2);
        assert.equal((await home.tvIn('net', 'rule', 'default', 'lab', 'allow')).code, 0);
        assert.equal((await received(2, 1, 'm9')).length, 0, 'a frame the default policy denies arrived');
        // Garbage from a foreign peer: random bytes behind IPv4 and ARP EtherTypes, truncated headers.
        for (let i = 0; i < 500; i++) {
            const f = randomBytes(14 + (i % 90));
            f.set(parseMacText(MAC[1]), 0);
            f.set(parseMacText(MAC[2]), 6);
            f[12] = 0x08;
            f[13] = i & 1 ? 0x00 : 0x06;
            if (i % 3 === 0 && f.length > 14)
                f[14] = 0x45;
            c.send(f);
        }
        c.send(ping(2, 1, 5));
        assert.equal((await received(2, 1, 'm11')).at(-1)?.protocol, IPPROTO_ICMP, 'the switch survives garbage');
        assert.ok(await switchStatus(paths));
        // The CLI's capture of vm3 ends after two frames; ours is stopped now.
        c.send(marker(2, 0, 'end'));
        const r = await cli;
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /2 frames captured/);
        cap.stop();
        await finished(out);
        await tick(50);
        // The oracle: tshark reads both files; the dropped frames carry the firewall's comment.
        const fields = execFileSync('tshark', [
            '-r',
            file,
            '-T',
            'fields',
            '-E',
            'separator=|',
            '-e',
            'ip.src',
            '-e',
            'ip.dst',
            '-e',
            '_ws.col.Protocol',
            '-e',
            'tcp.flags.reset',
            '-e',
            'frame.comment',
        ], { encoding: 'utf8' })
            .trim()
            .split('\n')
            .map((l) => l.split('|'));
        const dropped = fields.filter((f) => /dropped by the firewall/.test(f[4]));
        assert.ok(dropped.some((f) => f[0] === '10.0.10.11' && f[1] === '10.0.10.12' && f[2] === 'ICMP' && /rule 1 \(deny\)/.test(f[4])), `no dropped ping in ${JSON.stringify(dropped)}`);
        assert.ok(dropped.some((f) => f[0] === '10.0.10.12' && f[1] === '10.0.10.11' && /rule 3 \(deny\)/.test(f[4])));
        assert.ok(dropped.some((f) => /policy \(deny\)/.test(f[4])));
        assert.ok(fields.some((f) => f[0] === '10.0.10.12' &&
            f[1] === '10.0.10.11' &&
            /^(1|True)$/.test(f[3]) &&
            /sent by the firewall/.test(f[4])), 'the reset is in the capture');
        assert.ok(fields.some((f) => f[2] === 'ICMP' && f[4] === ''), 'a passed ping without a comment');
        const vm3 = execFileSync('tshark', ['-r', cliFile, '-T', 'fields', '-e', 'eth.src'], { encoding: 'utf8' });
        assert.equal(vm3.trim().split('\n').length, 2);
        for (const p of ports)
            p.sock.destroy();
    }
    finally {
        await switchRequest(paths.controlSocket, { op: 'stop' }).catch(() => undefined);
        home.cleanup();
    }
});
test('the API: rules listed, added (words or fields), moved, deleted, the policy set, bad rules 400; a capture download tshark reads; the routes in the OpenAPI document', { timeout: 60_000 }, async () => {
    const home = new ManagerHome('tv-fw-');
    const paths = networkPaths(home.dir, 'lab');
    const server = await startServer({ backend: new FakeVmBackend(home.dir), token: 'k'.repeat(43) });
    const call = (method, path, body) => apiCall(server.port, method, path, { token: 'k'.repeat(43), body });
    const ids = (r) => r.json.rules.map((x) => x.id);
    try {
        await createNetwork(home.dir, { name: 'lab', subnet: '10.0.10.0/24' });
        const base = '/api/networks/lab/rules';
        const a = await call('POST', base, { text: 'deny icmp from vm1 to vm2' });
        assert.equal(a.status, 201, a.text);
        assert.equal(a.json.rules[0].text, 'deny icmp from vm1 to vm2');
        const b = await call('POST', base, { action: 'reject', proto: 'tcp', to: 'vm2', toPorts: '80', position: 1 });
        assert.equal(b.status, 201, b.text);
        assert.deepEqual(ids(b), [2, 1]);
        assert.equal(b.json.rules[0].text, 'reject tcp from any to vm2 port 80');
        for (const [body, re] of [
            [{ text: 'permit all' }, /bad rule: a rule starts with allow, deny or reject/],
            [{ text: 'deny', action: 'deny' }, /as text or as fields, not both/],
            [{ action: 'deny', from: 'a b' }, /holds spaces/],
            [{ action: 'deny', proto: 'icmp', toPorts: '80' }, /ports need the protocol tcp or udp/],
            [{ action: 'maybe' }, /action/],
            [{}, /needs "action"/],
        ]) {
            const r = await call('POST', base, body);
            assert.equal(r.status, 400, JSON.stringify(body));
            assert.match(r.json.error.message, re);
        }
        const pol = await call('PATCH', base, { policy: 'deny' });
        assert.equal(pol.json.policy, 'deny');
        assert.deepEqual(ids(await call('POST', `${base}/1/move`, { position: 1 })), [1, 2]);
        assert.equal((await call('POST', `${base}/1/move`, { position: 9 })).status, 400);
        assert.equal((await call('DELETE', `${base}/9`)).status, 404);
        assert.equal((await call('DELETE', `${base}/x`)).status, 400);
        assert.deepEqual(ids(await call('DELETE', `${base}/2`)), [1]);
        assert.equal((await call('GET', '/api/networks/nope/rules')).status, 404);
        assert.deepEqual(ids(await call('GET', base)), [1]);
        assert.equal((await apiCall(server.port, 'GET', base)).status, 401);
        const doc = (await call('GET', '/api/openapi.json')).json;
        for (const path of ['/api/networks/{network}/rules', '/api/networks/{network}/rules/{id}/move'])
            assert.ok(doc.paths[path], path);
        assert.match(JSON.stringify(doc.paths['/api/networks/{network}/capture']), /application\/x-pcapng/);
        // A capture download of three frames, all dropped by the default policy of deny.
        await ensureSwitch(paths);
        await switchRequest(paths.controlSocket, { op: 'register', mac: MAC[0], name: 'vm1', ip: '10.0.10.11' });
        const bad = await call('GET', '/api/networks/lab/capture?vm=vm9');
        assert.equal(bad.status, 400);
        const body = new Promise((ok, fail) => {
            const req = request({
                host: '127.0.0.1',
                port: server.port,
                path: '/api/networks/lab/capture?count=3&vm=vm1',
                headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${'k'.repeat(43)}` },
            }, (res) => {
                assert.equal(res.headers['content-type'], 'application/x-pcapng');
                const parts = [];
                res.on('data', (d) => parts.push(d));
                res.on('end', () => ok(Buffer.concat(parts)));
            });
            req.on('error', fail);
            req.end();
        });
        await until(async () => (await switchStatus(paths))?.stats.captures === 1);
        const port = await RawPort.open(paths.portsSocket);
        for (let i = 0; i < 3; i++)
            port.send(marker(0, 1, `f${i}`));
        const file = join(home.dir, 'api.pcapng');
        writeFileSync(file, await body);
        const lines = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'eth.src', '-e', 'frame.comment'], {
            encoding: 'utf8',
        })
            .trim()
            .split('\n');
        assert.deepEqual(lines, Array(3).fill(`${MAC[0]}\tdropped by the firewall: policy (deny)`));
        port.sock.destroy();
    }
    finally {
        await server.close();
        await switchRequest(paths.controlSocket, { op: 'stop' }).catch(() => undefined);
        home.cleanup();
    }
});
//# sourceMappingURL=net-firewall.test.js.map