// System test: two Debian guests share an Ethernet link (--nic listen/connect): an HTTP transfer, ARP and ping between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDefaultGuest } from './harness/guest-console.js';
const MAC_A = '52:54:00:c0:00:01', MAC_B = '52:54:00:c0:00:02';
async function waitForFile(path, g) {
    for (let i = 0; i < 600 && !existsSync(path); i++) {
        if (g.child.exitCode !== null)
            throw g.fail(new Error('the listening typevisor exited before creating its socket'));
        await new Promise((r) => setTimeout(r, 100));
    }
    if (!existsSync(path))
        throw g.fail(new Error(`no socket at ${path}`));
}
test('two guests on one link: 512 KiB over HTTP, ARP learns the MACs, ping both ways', { timeout: 25 * 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tv-net-'));
    const sock = join(dir, 'link.sock');
    let a, b;
    try {
        a = await spawnDefaultGuest(['--nic', `listen=${sock},mac=${MAC_A}`], { name: 'guest A' });
        await waitForFile(sock, a);
        b = await spawnDefaultGuest(['--nic', `connect=${sock},mac=${MAC_B}`], { name: 'guest B' });
        await Promise.all([a.waitPrompt(), b.waitPrompt()]);
        const A = a.con, B = b.con;
        try {
            for (const [con, ip, mac] of [
                [A, '192.0.2.1', MAC_A],
                [B, '192.0.2.2', MAC_B],
            ]) {
                const up = await con.run(`ip addr add ${ip}/24 dev eth0 && ip link set eth0 up; echo rc=$?; cat /sys/class/net/eth0/address; ip -o addr show dev eth0`);
                assert.match(up, /^rc=0$/m);
                assert.match(up, new RegExp(`^${mac}$`, 'm'), 'the guest sees the MAC given on the command line');
                assert.match(up, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24`));
            }
            // A TCP stream: B serves random bytes over busybox httpd, A fetches them; the checksums must agree.
            const served = await B.run('mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1k count=512 2>/dev/null && httpd -p 8080 -h /tmp/www; echo rc=$?; sha256sum /tmp/www/blob');
            assert.match(served, /^rc=0$/m);
            const sumB = /^([0-9a-f]{64})\s/m.exec(served)?.[1];
            assert.ok(sumB, served);
            const got = await A.run('wget -q -O /tmp/blob http://192.0.2.2:8080/blob; echo rc=$?; sha256sum /tmp/blob; wc -c < /tmp/blob');
            assert.match(got, /^rc=0$/m);
            assert.match(got, /^524288$/m);
            assert.equal(/^([0-9a-f]{64})\s/m.exec(got)?.[1], sumB, 'A received other bytes than B served');
            // The TCP exchange resolved addresses both ways.
            const neighA = await A.run('ip neigh show dev eth0');
            assert.match(neighA, new RegExp(`^192\\.0\\.2\\.2 .*lladdr ${MAC_B}`, 'm'), "A learned B's MAC through ARP");
            const neighB = await B.run('ip neigh show dev eth0');
            assert.match(neighB, new RegExp(`^192\\.0\\.2\\.1 .*lladdr ${MAC_A}`, 'm'), "B learned A's MAC through ARP");
            // ping last: it reads the clock from U-mode (rdtime in the vDSO), which the checks above do not need.
            const ping = await A.run('ping -c 3 -W 20 192.0.2.2; echo rc=$?');
            t.diagnostic(`A: ${ping.trim().split('\n').slice(-3).join(' | ')}`);
            assert.doesNotMatch(ping, /Illegal instruction|unhandled signal/, 'ping crashed in the guest');
            assert.match(ping, /^rc=0$/m);
            assert.match(ping, /3 packets transmitted, [1-3] packets received/);
            assert.match(ping, /bytes from 192\.0\.2\.2: seq=\d+ ttl=64/);
            // Frames near the MTU, the other way round.
            const big = await B.run('ping -c 2 -s 1400 -W 20 192.0.2.1; echo rc=$?');
            assert.match(big, /^rc=0$/m);
            assert.match(big, /1408 bytes from 192\.0\.2\.1/);
            const codeA = await A.exitAfter('poweroff -f');
            const codeB = await B.exitAfter('poweroff -f');
            assert.equal(codeA, 0);
            assert.equal(codeB, 0);
            for (const [name, con] of [
                ['A', A],
                ['B', B],
            ]) {
                for (const l of con.stderr.trim().split('\n'))
                    t.diagnostic(`guest ${name}: ${l}`);
                assert.match(con.stderr, /virtio-net 0\s+[\d,]+/);
            }
        }
        catch (e) {
            throw b.fail(a.fail(e)); // both consoles
        }
    }
    finally {
        if (a?.child.exitCode === null)
            a.child.kill('SIGKILL');
        if (b?.child.exitCode === null)
            b.child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=system-net.test.js.map