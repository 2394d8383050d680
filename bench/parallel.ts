// Parallel benchmark: one sha256sum + awk job pinned to each vCPU in the Debian guest, typevisor --cpus N vs qemu-system-riscv64 -smp N (MTTCG).
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GUEST_PROMPT, spawnDefaultGuest, type GuestConsole } from '../test/harness/guest-console.js';
import { parallelJobsCommand, parseParallelJobs, spawnQemuGuest } from '../test/harness/parallel-work.js';

const CMDLINE = 'console=ttyS0';
/** Per job: sha256 of 16 MiB and 1,000,000 awk steps. */
const MB = 16;
const AWK_ITER = 1_000_000;

async function timeJobs(con: GuestConsole, cpus: number): Promise<number> {
  await con.waitFor(GUEST_PROMPT, 'the shell prompt');
  const { seconds } = parseParallelJobs(await con.run(parallelJobsCommand(cpus, MB, AWK_ITER)), cpus);
  await con.exitAfter('poweroff -f');
  return seconds;
}

async function measureOurs(cpus: number): Promise<number> {
  const g = await spawnDefaultGuest(['--cpus', String(cpus)], { name: 'typevisor', stats: false });
  try {
    return await timeJobs(g.con, cpus);
  } catch (e) {
    throw g.fail(e);
  }
}

async function measureQemu(kernel: string, initrd: string, cpus: number): Promise<number> {
  const q = spawnQemuGuest(kernel, initrd, CMDLINE, cpus);
  try {
    return await timeJobs(q.con, cpus);
  } catch (e) {
    throw new Error(`qemu-system-riscv64 -smp ${cpus}: ${(e as Error).message}\n${q.con.output.slice(-2000)}`);
  } finally {
    if (q.child.exitCode === null) q.child.kill('SIGKILL');
  }
}

export async function benchParallel(): Promise<void> {
  const img = (await findCachedDebian()) ?? (await pullDebian({}));
  console.log(
    `\nparallel: one job per vCPU (sha256 of ${MB} MiB + ${AWK_ITER} awk steps, pinned with taskset), guest seconds from /proc/uptime`,
  );
  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(14))).join('');
  console.log(row(['vCPUs', 'typevisor s', 'qemu s', 'ours/qemu']));
  const ours: number[] = [];
  const qemu: number[] = [];
  for (const cpus of [1, 2]) {
    ours.push(await measureOurs(cpus));
    qemu.push(await measureQemu(img.kernel, img.initrd, cpus));
    const i = ours.length - 1;
    console.log(row([String(cpus), ours[i].toFixed(2), qemu[i].toFixed(2), `${(ours[i] / qemu[i]).toFixed(2)}x`]));
  }
  // Twice the work with two vCPUs: the speed-up is throughput, 2 * t1 / t2.
  console.log(
    `speed-up 1 -> 2 vCPUs (2 x t1 / t2): typevisor ${((2 * ours[0]) / ours[1]).toFixed(2)}x, qemu ${((2 * qemu[0]) / qemu[1]).toFixed(2)}x`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchParallel();
