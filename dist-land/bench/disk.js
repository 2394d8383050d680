// Disk benchmark: sequential dd write (conv=fsync) and read (caches dropped) of a virtio-blk qcow2 disk inside the guest, typevisor vs qemu-system-riscv64.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MIB = Math.max(1, Number(process.env.BENCH_DISK_MIB ?? 32));
const CMDLINE = 'console=ttyS0';
/**
 * Runs a dd command between two reads of /proc/uptime (kernel time, 10 ms steps): Debian's busybox dd prints no
 * timing line, and busybox `time` reads the clock through the vDSO.
 */
async function timed(con, dd) {
    const t0 = performance.now();
    const out = await con.run(`a=$(cut -d' ' -f1 /proc/uptime); ${dd} 2>&1; echo rc=$?; b=$(cut -d' ' -f1 /proc/uptime); echo uptime $a $b`);
    const hostS = (performance.now() - t0) / 1000;
    const m = /^uptime ([\d.]+) ([\d.]+)$/m.exec(out);
    if (!m || !/^rc=0$/m.test(out) || !new RegExp(`^${MIB}\\+0 records out$`, 'm').test(out))
        throw new Error(`unexpected dd output:\n${out}`);
    return { guestS: Math.max(Number(m[2]) - Number(m[1]), 0.01), hostS };
}
async function measure(cmd, args) {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        // The only virtio disk is the one under test; wait for its driver in case the prompt came first.
        await con.run('while [ ! -b /dev/vda ]; do sleep 1; done');
        const write = await timed(con, `dd if=/dev/zero of=/dev/vda bs=1M count=${MIB} conv=fsync`);
        await con.run('sync; echo 3 > /proc/sys/vm/drop_caches');
        const read = await timed(con, `dd if=/dev/vda of=/dev/null bs=1M count=${MIB}`);
        await con.exitAfter('poweroff -f');
        return { write, read };
    }
    catch (e) {
        if (child.exitCode === null)
            child.kill('SIGKILL');
        throw new Error(`${cmd}: ${e.message}\n${con.output.slice(-2000)}\n${con.stderr.slice(-1000)}`);
    }
}
export async function benchDisk() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-benchdisk-'));
    try {
        // Each emulator gets its own fresh qcow2 (made by qemu-img), so both start from the same empty image.
        const mk = (name) => {
            const p = join(dir, name);
            execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', p, `${MIB * 2}M`]);
            return p;
        };
        const oursImg = mk('ours.qcow2'), qemuImg = mk('qemu.qcow2');
        console.log(`\ndisk: dd of ${MIB} MiB, bs=1M, on a fresh qcow2 virtio-blk disk (write conv=fsync; read after drop_caches)`);
        const ours = await measure(process.execPath, [
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
            '--disk',
            oursImg,
        ]);
        const qemu = await measure('qemu-system-riscv64', [
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
            '-drive',
            `file=${qemuImg},if=none,id=d0,format=qcow2`,
            '-device',
            'virtio-blk-device,drive=d0',
        ]);
        const row = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(16))).join('');
        const mbs = (s) => (MIB / s).toFixed(2);
        console.log(row(['', 'typevisor MiB/s', 'qemu MiB/s', 'qemu/typevisor', 'host s (ours)', 'host s (qemu)']));
        for (const k of ['write', 'read']) {
            console.log(row([
                k,
                mbs(ours[k].guestS),
                mbs(qemu[k].guestS),
                `${(ours[k].guestS / qemu[k].guestS).toFixed(1)}x`,
                ours[k].hostS.toFixed(2),
                qemu[k].hostS.toFixed(2),
            ]));
        }
        console.log('MiB/s from guest /proc/uptime around dd; host s: wall time of the whole command typed on the console.');
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
if (process.argv[1] === fileURLToPath(import.meta.url))
    await benchDisk();
//# sourceMappingURL=disk.js.map