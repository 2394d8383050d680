// Shared-folder benchmark: write and read a large file and create many small files on a 9p share inside the guest, typevisor (--share) vs qemu-system-riscv64 (-virtfs).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MIB = Math.max(1, Number(process.env.BENCH_SHARE_MIB ?? 100));
const FILES = Math.max(1, Number(process.env.BENCH_SHARE_FILES ?? 1000));
const CMDLINE = 'console=ttyS0';
/** Guest seconds of `cmd`, from /proc/uptime before and after (busybox has no timing dd output). */
async function guestSeconds(con, cmd) {
    const out = await con.run(`a=$(cut -d' ' -f1 /proc/uptime); ${cmd}; echo rc=$?; b=$(cut -d' ' -f1 /proc/uptime); echo uptime $a $b`);
    const m = /^uptime ([\d.]+) ([\d.]+)$/m.exec(out);
    if (!m || !/^rc=0$/m.test(out))
        throw new Error(`"${cmd}" failed:\n${out}`);
    return Math.max(Number(m[2]) - Number(m[1]), 0.01);
}
async function measure(cmd, args, hostDir) {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        const write = await guestSeconds(con, `dd if=/dev/zero of=/mnt/data/big bs=1M count=${MIB} conv=fsync 2>/dev/null`);
        await con.run('sync; echo 3 > /proc/sys/vm/drop_caches');
        const read = await guestSeconds(con, 'dd if=/mnt/data/big of=/dev/null bs=1M 2>/dev/null');
        const files = await guestSeconds(con, `mkdir /mnt/data/small && cd /mnt/data/small && i=0; while [ $i -lt ${FILES} ]; do echo $i > f$i; i=$((i+1)); done; cd /`);
        await con.exitAfter('poweroff -f');
        if (statSync(join(hostDir, 'big')).size !== MIB * 1024 * 1024)
            throw new Error('the big file has the wrong size');
        if (readdirSync(join(hostDir, 'small')).length !== FILES)
            throw new Error('small files are missing');
        return { write, read, files };
    }
    catch (e) {
        if (child.exitCode === null)
            child.kill('SIGKILL');
        throw new Error(`${cmd}: ${e.message}\n${con.output.slice(-2000)}\n${con.stderr.slice(-1000)}`);
    }
}
export async function benchShare() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-benchshare-'));
    try {
        const ourDir = join(dir, 'ours');
        const qemuDir = join(dir, 'qemu');
        mkdirSync(ourDir);
        mkdirSync(qemuDir);
        console.log(`\nshare: 9p (msize 262144) — dd of ${MIB} MiB bs=1M (write conv=fsync; read after drop_caches), ${FILES} small files made by a shell loop`);
        const boot = (dash) => [`${dash}kernel`, img.kernel, `${dash}initrd`, img.initrd, `${dash}append`, CMDLINE];
        const ours = await measure(process.execPath, [bin, 'run', ...boot('--'), '-m', '512M', '--share', `${ourDir}:data`], ourDir);
        const qemu = await measure('qemu-system-riscv64', [
            ...['-M', 'virt', '-m', '512M', '-nographic', '-bios', 'default', ...boot('-')],
            ...['-virtfs', `local,path=${qemuDir},mount_tag=data,security_model=none`],
        ], qemuDir);
        const row = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(16))).join('');
        console.log(row(['', 'typevisor', 'qemu', 'typevisor/qemu']));
        const rate = (s) => `${(MIB / s).toFixed(2)} MiB/s`;
        console.log(row(['write', rate(ours.write), rate(qemu.write), `${(qemu.write / ours.write).toFixed(2)}`]));
        console.log(row(['read', rate(ours.read), rate(qemu.read), `${(qemu.read / ours.read).toFixed(2)}`]));
        const fps = (s) => `${(FILES / s).toFixed(0)} files/s`;
        console.log(row(['small files', fps(ours.files), fps(qemu.files), `${(qemu.files / ours.files).toFixed(2)}`]));
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
//# sourceMappingURL=share.js.map