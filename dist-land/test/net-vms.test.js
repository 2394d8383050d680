// Debian VMs on a named network: addresses by DHCP, ping by address and by name, HTTP between them; a QEMU guest joins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, get } from 'node:http';
import { PassThrough } from 'node:stream';
import { Manager } from '../src/manager/client.js';
import { networkPaths } from '../src/manager/networks.js';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole } from './harness/guest-console.js';
import { ManagerHome } from './harness/manager-cli.js';
/** A managed VM's console socket, driven like a child process's stdio. */
async function managedConsole(m, name) {
    const s = await m.console(name);
    const child = Object.assign(new EventEmitter(), { stdout: s, stdin: s, stderr: new PassThrough() });
    s.on('close', () => child.emit('exit', null));
    const con = new GuestConsole(child);
    // The prompt again, should the console have attached after the guest printed it.
    s.write('\n');
    return con;
}
/** Waits for the shell, then for DHCP to have given eth0 an address; returns it. */
async function dhcpAddress(con, host) {
    await con.waitFor(new RegExp(`root@${host}:[^#]*# `), `${host}'s shell prompt`);
    for (;;) {
        const out = await con.run('ip -o -4 addr show dev eth0');
        const m = /inet (\d+\.\d+\.\d+\.\d+)\/24/.exec(out);
        if (m)
            return m[1];
        await new Promise((r) => setTimeout(r, 1000));
    }
}
function pingOk(out, count) {
    assert.doesNotMatch(out, /bad address|unknown host/i, out);
    assert.match(out, /^rc=0$/m, out);
    assert.match(out, new RegExp(`${count} packets transmitted, [1-${count}] packets received`), out);
}
const hasQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
test('two Debian VMs and a QEMU guest on one network: DHCP, ping by address and by name, HTTP between them and to the host through NAT', { timeout: 40 * 60_000 }, async (t) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => t.diagnostic(l) }));
    const home = new ManagerHome('tv-netvm-');
    const m = new Manager(home.dir);
    let qemu;
    const cons = {};
    try {
        for (const args of [
            ['net', 'create', 'lab', '--subnet', '10.0.10.0/24'],
            ['create', 'vm1', '-m', '256M', '--network', 'lab'],
            ['create', 'vm2', '-m', '256M', '--network', 'lab', '--ip', '10.0.10.50'],
        ]) {
            const r = await home.tv(...args);
            assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        }
        for (const vm of ['vm1', 'vm2']) {
            const r = await home.tv('start', vm);
            assert.equal(r.code, 0, r.stderr);
            cons[vm] = await managedConsole(m, vm);
        }
        const ip1 = await dhcpAddress(cons.vm1, 'vm1');
        const ip2 = await dhcpAddress(cons.vm2, 'vm2');
        t.diagnostic(`vm1 ${ip1}, vm2 ${ip2}`);
        assert.match(ip1, /^10\.0\.10\.\d+$/);
        assert.equal(ip2, '10.0.10.50', 'the pinned address');
        const resolv = await cons.vm1.run('cat /etc/resolv.conf; ip route');
        assert.match(resolv, /^search lab$/m);
        assert.match(resolv, /^nameserver 10\.0\.10\.1$/m);
        assert.match(resolv, /default via 10\.0\.10\.1/);
        pingOk(await cons.vm1.run(`ping -c 2 -W 20 ${ip2}; echo rc=$?`), 2);
        pingOk(await cons.vm1.run('ping -c 2 -W 20 vm2; echo rc=$?'), 2);
        pingOk(await cons.vm2.run('ping -c 2 -W 20 vm1.lab; echo rc=$?'), 2);
        pingOk(await cons.vm2.run('ping -c 1 -W 20 10.0.10.1; echo rc=$?'), 1);
        const served = await cons.vm2.run('mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1k count=256 2>/dev/null && httpd -p 8080 -h /tmp/www; echo rc=$?; sha256sum /tmp/www/blob');
        const sum = /^([0-9a-f]{64})\s/m.exec(served)?.[1];
        assert.ok(sum, served);
        const got = await cons.vm1.run('wget -q -O /tmp/blob http://vm2:8080/blob; echo rc=$?; sha256sum /tmp/blob');
        assert.match(got, /^rc=0$/m, got);
        assert.equal(/^([0-9a-f]{64})\s/m.exec(got)?.[1], sum, 'vm1 fetched other bytes than vm2 served');
        // A port forward: the host fetches vm2's file through 127.0.0.1.
        const probe = createServer();
        await new Promise((r) => probe.listen(0, '127.0.0.1', r));
        const fwdPort = probe.address().port;
        await new Promise((r) => probe.close(r));
        const fa = await home.tv('net', 'forward', 'add', 'lab', `tcp:${fwdPort}`, 'vm2:8080');
        assert.equal(fa.code, 0, fa.stderr);
        const viaForward = await new Promise((ok, fail) => get(`http://127.0.0.1:${fwdPort}/blob`, (res) => {
            const parts = [];
            res.on('data', (d) => parts.push(d));
            res.on('end', () => ok(Buffer.concat(parts)));
            res.on('error', fail);
        }).on('error', fail));
        assert.equal(createHash('sha256').update(viaForward).digest('hex'), sum, 'the forward gave other bytes');
        // NAT: the host's loopback through the gateway's address, both ways, one large and several parallel transfers.
        const blob = randomBytes(1 << 20);
        const small = [1, 2, 3, 4, 5, 6].map(() => randomBytes(96 * 1024));
        const server = createServer((req, res) => {
            if (req.method === 'POST') {
                const h = createHash('sha256');
                req.on('data', (d) => h.update(d));
                req.on('end', () => res.end(`${h.digest('hex')}\n`));
                return;
            }
            const m = /^\/small(\d)$/.exec(req.url ?? '');
            res.end(m ? small[Number(m[1]) - 1] : blob);
        });
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        try {
            const port = server.address().port;
            const sha = (b) => createHash('sha256').update(b).digest('hex');
            const big = await cons.vm1.run(`wget -q -O /tmp/h http://10.0.10.1:${port}/blob; echo rc=$?; sha256sum /tmp/h`);
            assert.match(big, /^rc=0$/m, big);
            assert.equal(/^([0-9a-f]{64})\s/m.exec(big)?.[1], sha(blob), 'the guest fetched other bytes through NAT');
            const par = await cons.vm1.run(`for i in 1 2 3 4 5 6; do wget -q -O /tmp/p$i http://10.0.10.1:${port}/small$i & done; wait; sha256sum /tmp/p1 /tmp/p2 /tmp/p3 /tmp/p4 /tmp/p5 /tmp/p6`);
            for (const [i, b] of small.entries())
                assert.match(par, new RegExp(`^${sha(b)}\\s+/tmp/p${i + 1}$`, 'm'), `parallel fetch ${i + 1}: ${par}`);
            // busybox wget posts a file as a string (up to a NUL byte): 784 KiB of hex text.
            const up = await cons.vm2.run(`od -An -tx1 -v /tmp/www/blob > /tmp/up.txt; sha256sum /tmp/up.txt; wget -q -O - --post-file=/tmp/up.txt http://10.0.10.1:${port}/up; echo rc=$?`);
            const upSum = /^([0-9a-f]{64})\s+\/tmp\/up\.txt$/m.exec(up)?.[1];
            assert.ok(upSum, up);
            assert.match(up, new RegExp(`^${upSum}$`, 'm'), `the host received other bytes than vm2 sent: ${up}`);
            const refused = await cons.vm1.run(`wget -q -O /dev/null http://10.0.10.1:${port === 1 ? 2 : 1}/; echo rc=$?`);
            assert.match(refused, /^rc=1$/m, 'a closed host port is refused');
        }
        finally {
            server.close();
        }
        if (!hasQemu)
            t.diagnostic('qemu-system-riscv64 is not installed: the QEMU guest was not checked');
        else {
            // QEMU joins through its own -netdev stream on the switch's ports socket.
            const ports = networkPaths(home.dir, 'lab').portsSocket;
            qemu = spawn('qemu-system-riscv64', [
                '-M',
                'virt',
                '-m',
                '256',
                '-nographic',
                '-kernel',
                img.kernel,
                '-initrd',
                img.initrd,
                '-append',
                `${img.cmdline} systemd.hostname=qemu1`,
                '-netdev',
                `stream,id=n0,server=off,addr.type=unix,addr.path=${ports}`,
                '-device',
                'virtio-net-device,netdev=n0,mac=52:54:00:12:34:99',
            ]);
            const q = new GuestConsole(qemu);
            const ipq = await dhcpAddress(q, 'qemu1');
            t.diagnostic(`qemu1 ${ipq}`);
            pingOk(await q.run('ping -c 2 -W 20 vm1; echo rc=$?'), 2);
            pingOk(await cons.vm2.run('ping -c 2 -W 20 qemu1.lab; echo rc=$?'), 2);
            const fetched = await q.run('wget -q -O /tmp/blob http://vm2.lab:8080/blob; echo rc=$?; sha256sum /tmp/blob');
            assert.equal(/^([0-9a-f]{64})\s/m.exec(fetched)?.[1], sum, 'the QEMU guest fetched other bytes');
        }
        const info = await home.tv('net', 'info', 'lab');
        t.diagnostic(info.stdout);
        assert.match(info.stdout, /lease\s+10\.0\.10\.50 \S+ vm2 \(pinned\)/);
        assert.match(info.stdout, new RegExp(`lease\\s+${ip1.replace(/\./g, '\\.')} \\S+ vm1`));
    }
    catch (e) {
        for (const [n, c] of Object.entries(cons))
            t.diagnostic(`--- ${n} console ---\n${c.output.slice(-3000)}`);
        throw e;
    }
    finally {
        qemu?.kill('SIGKILL');
        for (const vm of ['vm1', 'vm2'])
            await m.kill(vm).catch(() => undefined);
        home.cleanup();
    }
});
//# sourceMappingURL=net-vms.test.js.map