// Guest CPU benchmark: sha256sum, gzip -9, busybox awk float loop and shell arithmetic loop timed inside the Debian guest, typevisor vs qemu-system-riscv64.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT, spawnDefaultGuest } from '../test/harness/guest-console.js';
const CMDLINE = 'console=ttyS0';
/** Each command must print its last line as given in `expect` so a silently failing workload is not timed as fast. */
const WORKLOADS = [
    { name: 'sha256 32M', cmd: 'dd if=/dev/zero bs=1M count=32 2>/dev/null | sha256sum', expect: /^[0-9a-f]{64}\s+-$/m },
    {
        name: 'gzip -9 4M',
        cmd: 'dd if=/dev/urandom bs=1M count=4 2>/dev/null | gzip -9 > /dev/null; echo gz=$?',
        expect: /^gz=0$/m,
    },
    // Debian's busybox awk is built without libm, so only + - * / are available.
    {
        name: 'awk fp 2M',
        cmd: 'awk \'BEGIN { s = 0; for (i = 1; i <= 2000000; i++) s += 1.0 / i * 0.5 - 0.25 / i; print "s=" s }\'',
        expect: /^s=[\d.e+-]+$/m,
    },
    { name: 'sh loop 200k', cmd: 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo i=$i', expect: /^i=200000$/m },
];
/**
 * Guest seconds from two reads of /proc/uptime (kernel time, 10 ms steps) around the command: busybox `time`
 * reads the clock through the vDSO and is unreliable here.
 */
async function timed(con, cmd, expect) {
    const out = await con.run(`a=$(cut -d' ' -f1 /proc/uptime); ${cmd}; b=$(cut -d' ' -f1 /proc/uptime); echo uptime $a $b`);
    const m = /^uptime ([\d.]+) ([\d.]+)$/m.exec(out);
    if (!m || !expect.test(out))
        throw new Error(`unexpected output of "${cmd}":\n${out}`);
    return Math.max(Number(m[2]) - Number(m[1]), 0.01);
}
async function runAll(child, con) {
    await con.waitFor(GUEST_PROMPT, 'the shell prompt');
    const secs = [];
    for (const w of WORKLOADS)
        secs.push(await timed(con, w.cmd, w.expect));
    await con.exitAfter('poweroff -f');
    if (child.exitCode === null)
        child.kill('SIGKILL');
    return secs;
}
async function measureOurs() {
    // Timed as users run it, without --stats (its clock reads around calls into translated code cost 10 % or more here).
    const g = await spawnDefaultGuest([], { name: 'typevisor', stats: false });
    try {
        return await runAll(g.child, g.con);
    }
    catch (e) {
        throw g.fail(e);
    }
}
async function measureQemu(kernel, initrd) {
    const child = spawn('qemu-system-riscv64', ['-M', 'virt', '-m', '512M', '-nographic', '-kernel', kernel, '-initrd', initrd, '-append', CMDLINE], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    try {
        return await runAll(child, con);
    }
    catch (e) {
        if (child.exitCode === null)
            child.kill('SIGKILL');
        throw new Error(`qemu-system-riscv64: ${e.message}\n${con.output.slice(-2000)}\n${con.stderr.slice(-1000)}`);
    }
}
export async function benchGuestWork() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    console.log('\nwork: CPU-bound commands in the Debian guest, seconds from guest /proc/uptime before/after');
    const ours = await measureOurs();
    const qemu = await measureQemu(img.kernel, img.initrd);
    const row = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(14))).join('');
    console.log(row(['workload', 'typevisor s', 'qemu s', 'ours/qemu']));
    WORKLOADS.forEach((w, i) => console.log(row([w.name, ours[i].toFixed(2), qemu[i].toFixed(2), `${(ours[i] / qemu[i]).toFixed(1)}x`])));
    console.log('uptime has 10 ms steps; times under 0.1 s are coarse.');
}
if (process.argv[1] === fileURLToPath(import.meta.url))
    await benchGuestWork();
//# sourceMappingURL=guest-work.js.map