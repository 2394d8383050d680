// Network benchmark: two guests on one link, ping round trip and an HTTP transfer (busybox httpd/wget, timed by guest uptime), typevisor (--nic listen/connect) vs qemu-system-riscv64 (-netdev socket).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const KIB = Math.max(1, Number(process.env.BENCH_NET_KIB ?? 1024));
const CMDLINE = 'console=ttyS0';
function start(cmd, args) {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    return { child, con: new GuestConsole(child) };
}
async function measure(label, a, b) {
    try {
        await Promise.all([
            a.con.waitFor(GUEST_PROMPT, 'the shell prompt'),
            b.con.waitFor(GUEST_PROMPT, 'the shell prompt'),
        ]);
        await a.con.run('ip addr add 192.0.2.1/24 dev eth0; ip link set eth0 up');
        await b.con.run(`ip addr add 192.0.2.2/24 dev eth0; ip link set eth0 up; mkdir -p /tmp/www; dd if=/dev/urandom of=/tmp/www/blob bs=1k count=${KIB} 2>/dev/null; httpd -p 8080 -h /tmp/www`);
        // An untimed fetch first: resolves ARP and warms B's page cache.
        await a.con.run('wget -q -O /dev/null http://192.0.2.2:8080/blob');
        const ping = await a.con.run('ping -c 5 192.0.2.2');
        const rtt = /min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(ping);
        if (!rtt)
            console.log(`  ${label}: ping gave no round-trip summary:\n  ${ping.trim().split('\n').slice(0, 3).join('\n  ')}`);
        // Timed by guest /proc/uptime (kernel time): busybox `time` reads the clock in U-mode.
        const get = await a.con.run("s=$(cut -d' ' -f1 /proc/uptime); wget -q -O /dev/null http://192.0.2.2:8080/blob; echo rc=$?; e=$(cut -d' ' -f1 /proc/uptime); echo uptime $s $e");
        const up = /^uptime ([\d.]+) ([\d.]+)$/m.exec(get);
        if (!/^rc=0$/m.test(get) || !up)
            throw new Error(`wget failed:\n${get}`);
        await a.con.exitAfter('poweroff -f');
        await b.con.exitAfter('poweroff -f');
        return { rttMs: rtt ? Number(rtt[1]) : NaN, transferS: Math.max(Number(up[2]) - Number(up[1]), 0.01) };
    }
    catch (e) {
        for (const g of [a, b])
            if (g.child.exitCode === null)
                g.child.kill('SIGKILL');
        throw new Error(`${e.message}\n--- A ---\n${a.con.output.slice(-1500)}\n--- B ---\n${b.con.output.slice(-1500)}`);
    }
}
async function waitForSocket(path, g) {
    for (let i = 0; i < 600 && !existsSync(path); i++) {
        if (g.child.exitCode !== null)
            throw new Error('the listening typevisor exited');
        await new Promise((r) => setTimeout(r, 100));
    }
}
/** A TCP port that was free a moment ago, for QEMU's socket netdev. */
async function freePort() {
    const s = createServer();
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise((r) => s.close(r));
    return port;
}
export async function benchNet() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    const dir = mkdtempSync(join(tmpdir(), 'tv-benchnet-'));
    try {
        console.log(`\nnet: two guests on one link; ping -c 5 average RTT, wget of ${KIB} KiB from busybox httpd (time in the guest)`);
        const sock = join(dir, 'link.sock');
        const ours = (nic, mac) => [
            bin,
            'run',
            '--kernel',
            img.kernel,
            '--initrd',
            img.initrd,
            '--append',
            CMDLINE,
            '-m',
            '512M',
            '--nic',
            `${nic},mac=${mac}`,
        ];
        const a = start(process.execPath, ours(`listen=${sock}`, '52:54:00:c0:00:01'));
        await waitForSocket(sock, a);
        const b = start(process.execPath, ours(`connect=${sock}`, '52:54:00:c0:00:02'));
        const r1 = await measure('typevisor', a, b);
        const port = await freePort();
        const q = (netdev, mac) => [
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
            CMDLINE,
            '-netdev',
            `socket,id=n0,${netdev}`,
            '-device',
            `virtio-net-device,netdev=n0,mac=${mac}`,
        ];
        const qa = start('qemu-system-riscv64', q(`listen=127.0.0.1:${port}`, '52:54:00:c0:00:01'));
        await new Promise((r) => setTimeout(r, 1000)); // QEMU listens before it starts the guest
        const qb = start('qemu-system-riscv64', q(`connect=127.0.0.1:${port}`, '52:54:00:c0:00:02'));
        const r2 = await measure('qemu', qa, qb);
        const row = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(14))).join('');
        console.log(row(['', 'typevisor', 'qemu', 'ratio']));
        const ms = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));
        console.log(row([
            'ping avg RTT ms',
            ms(r1.rttMs),
            ms(r2.rttMs),
            Number.isNaN(r1.rttMs / r2.rttMs) ? 'n/a' : `${(r1.rttMs / r2.rttMs).toFixed(1)}x`,
        ]));
        console.log(row([
            'HTTP KiB/s',
            (KIB / r1.transferS).toFixed(0),
            (KIB / r2.transferS).toFixed(0),
            `${(r2.transferS / r1.transferS).toFixed(2)}`,
        ]));
        console.log("ratio: typevisor/qemu for RTT, typevisor speed as a fraction of qemu's for HTTP.");
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
if (process.argv[1] === fileURLToPath(import.meta.url))
    await benchNet();
//# sourceMappingURL=net.js.map