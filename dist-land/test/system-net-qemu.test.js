// System test: a typevisor guest and a qemu-system-riscv64 guest share one Ethernet link (QEMU's stream netdev frames like --nic: 4-byte big-endian lengths).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT, spawnDefaultGuest } from './harness/guest-console.js';
const MAC_OURS = '52:54:00:c0:00:11', MAC_QEMU = '52:54:00:c0:00:12';
test('typevisor and QEMU guests on one link: QEMU pings ours, each fetches a file from the other', { timeout: 25 * 60_000 }, async (t) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const dir = mkdtempSync(join(tmpdir(), 'tv-netq-'));
    const sock = join(dir, 'link.sock');
    let qemu, ours;
    try {
        qemu = spawn('qemu-system-riscv64', [
            '-M',
            'virt',
            '-m',
            '512M',
            '-nographic',
            '-bios',
            'default',
            '-kernel',
            img.kernel,
            '-initrd',
            img.initrd,
            '-append',
            'console=ttyS0',
            '-netdev',
            `stream,id=n0,server=on,addr.type=unix,addr.path=${sock}`,
            '-device',
            `virtio-net-device,netdev=n0,mac=${MAC_QEMU}`,
        ], { stdio: ['pipe', 'pipe', 'pipe'] });
        const Q = new GuestConsole(qemu);
        for (let i = 0; i < 300 && !existsSync(sock); i++)
            await new Promise((r) => setTimeout(r, 100));
        assert.ok(existsSync(sock), `QEMU made no socket:\n${Q.stderr}`);
        ours = await spawnDefaultGuest(['--nic', `connect=${sock},mac=${MAC_OURS}`], { name: 'typevisor guest' });
        const g = ours;
        try {
            await Q.waitFor(GUEST_PROMPT, "the QEMU guest's prompt");
            await g.waitPrompt();
            const O = g.con;
            const upQ = await Q.run('ip addr add 192.0.2.2/24 dev eth0 && ip link set eth0 up; echo rc=$?');
            assert.match(upQ, /^rc=0$/m);
            const upO = await O.run('ip addr add 192.0.2.1/24 dev eth0 && ip link set eth0 up; echo rc=$?');
            assert.match(upO, /^rc=0$/m);
            // ICMP echo is answered by our guest's kernel alone.
            const ping = await Q.run('ping -c 3 -W 20 192.0.2.1; echo rc=$?');
            t.diagnostic(`QEMU guest: ${ping.trim().split('\n').slice(-3).join(' | ')}`);
            assert.match(ping, /^rc=0$/m);
            assert.match(ping, /bytes from 192\.0\.2\.1: seq=\d+ ttl=64/);
            const big = await Q.run('ping -c 2 -s 1400 -W 20 192.0.2.1; echo rc=$?');
            assert.match(big, /1408 bytes from 192\.0\.2\.1/);
            // TCP both ways: each guest serves random bytes, the other fetches them.
            const serve = 'mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1k count=384 2>/dev/null && httpd -p 8080 -h /tmp/www; echo rc=$?; sha256sum /tmp/www/blob';
            const fetch = (ip) => `wget -q -O /tmp/got http://${ip}:8080/blob; echo rc=$?; sha256sum /tmp/got; wc -c < /tmp/got`;
            const sum = (out) => /^([0-9a-f]{64})\s/m.exec(out)?.[1];
            const servedQ = await Q.run(serve), servedO = await O.run(serve);
            assert.match(servedQ, /^rc=0$/m);
            assert.match(servedO, /^rc=0$/m);
            const gotO = await O.run(fetch('192.0.2.2'));
            assert.match(gotO, /^rc=0$/m);
            assert.match(gotO, /^393216$/m);
            assert.equal(sum(gotO), sum(servedQ), 'our guest received other bytes than the QEMU guest served');
            const gotQ = await Q.run(fetch('192.0.2.1'));
            assert.match(gotQ, /^rc=0$/m);
            assert.equal(sum(gotQ), sum(servedO), 'the QEMU guest received other bytes than ours served');
            const neigh = await O.run('ip neigh show dev eth0');
            assert.match(neigh, new RegExp(`^192\\.0\\.2\\.2 .*lladdr ${MAC_QEMU}`, 'm'));
            assert.equal(await O.exitAfter('poweroff -f'), 0);
            await Q.exitAfter('poweroff -f');
            for (const l of O.stderr.trim().split('\n'))
                t.diagnostic(`typevisor: ${l}`);
        }
        catch (e) {
            throw g.fail(new Error(`${e.message}\n--- QEMU console (last 2000 bytes) ---\n${Q.output.slice(-2000)}\n${Q.stderr.slice(-500)}`));
        }
    }
    finally {
        if (qemu && qemu.exitCode === null)
            qemu.kill('SIGKILL');
        if (ours && ours.child.exitCode === null)
            ours.child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=system-net-qemu.test.js.map