// Disk boot benchmark: power-on to the shell of a system on a disk (MBR + ext4, extlinux.conf, Debian's kernel and the
// busybox initramfs) booted by Debian's U-Boot, typevisor (its own SBI) vs QEMU with OpenSBI and the same U-Boot.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { findCachedUboot, pullUboot } from '../src/images/firmware.js';
import { makeExtlinuxDisk } from '../src/images/installer-medium.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');

interface DiskBootTimes {
  ubootMs: number;
  kernelMs: number;
  promptMs: number;
}

async function timeDiskBoot(cmd: string, args: string[]): Promise<DiskBootTimes> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  const con = new GuestConsole(child);
  try {
    await con.waitFor(/U-Boot 20\d\d/, 'the U-Boot banner');
    const ubootMs = performance.now() - t0;
    await con.waitFor(/Starting kernel/, "U-Boot's hand-over to the kernel");
    const kernelMs = performance.now() - t0;
    await con.waitFor(GUEST_PROMPT, 'the shell prompt');
    const promptMs = performance.now() - t0;
    await con.exitAfter('poweroff -f');
    return { ubootMs, kernelMs, promptMs };
  } catch (e) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw new Error(`${cmd}: ${(e as Error).message}\n${con.output.slice(-2000)}\n${con.stderr.slice(-1000)}`);
  }
}

export async function benchDiskBoot(): Promise<void> {
  const img = (await findCachedDebian()) ?? (await pullDebian({}));
  const uboot = findCachedUboot() ?? (await pullUboot({}));
  const dir = mkdtempSync(join(tmpdir(), 'typevisor-bench-diskboot-'));
  try {
    const disk = join(dir, 'boot.raw');
    makeExtlinuxDisk(disk, {
      kernel: img.kernel,
      initrd: readFileSync(img.initrd),
      append: 'console=ttyS0',
      label: 'debian',
    });
    console.log(
      `\ndisk boot: U-Boot ${uboot.version} → extlinux.conf → Debian kernel + busybox initramfs, -m 512M, 1 hart`,
    );
    const ourArgs = [bin, 'run', '--firmware', 'u-boot', '--disk', `${disk},format=raw`, '-m', '512M'];
    const qemuArgs = ['-M', 'virt', '-m', '512M', '-nographic', '-bios', 'default', '-kernel', uboot.path];
    qemuArgs.push('-drive', `file=${disk},format=raw,if=virtio`);
    const rounds = Math.max(1, Number(process.env.BENCH_BOOTS ?? 3));
    const ours: DiskBootTimes[] = [],
      qemu: DiskBootTimes[] = [];
    for (let i = 0; i < rounds; i++) {
      ours.push(await timeDiskBoot(process.execPath, ourArgs));
      qemu.push(await timeDiskBoot('qemu-system-riscv64', qemuArgs));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const secs = (ms: number): string => (ms / 1000).toFixed(1);
    const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(13))).join('');
    console.log(row(['milestone', 'typevisor s', 'qemu s', 'ratio']) + `   (median of ${rounds} boots each)`);
    for (const [label, key] of [
      ['U-Boot banner', 'ubootMs'],
      ['"Starting kernel"', 'kernelMs'],
      ['shell prompt', 'promptMs'],
    ] as const) {
      const o = median(ours.map((t) => t[key])),
        q = median(qemu.map((t) => t[key]));
      console.log(row([label, secs(o), secs(q), `${(o / q).toFixed(1)}x`]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchDiskBoot();
