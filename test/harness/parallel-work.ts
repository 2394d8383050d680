// A parallel guest workload (one sha256sum + awk job pinned to each vCPU) and a QEMU -smp N run of the default guest, for the SMP test and benchmark.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GuestConsole } from './guest-console.js';

/**
 * One job per CPU, pinned with taskset, all started together: sha256 of `mb` MiB that depend on the job's number, then
 * an awk loop of `awkIter` float steps. Prints "job<c> <hash> <awk sum>" per job in job order, after all finished, and
 * "uptime <before> <after>" (guest seconds, 10 ms steps) around the parallel part.
 */
export function parallelJobsCommand(cpus: number, mb: number, awkIter: number): string {
  const job =
    `(yes job$0 | head -c ${mb * 1048576} | sha256sum | cut -d" " -f1; ` +
    `awk "BEGIN { s = 0; for (i = 1; i <= ${awkIter}; i++) s += 1.0 / i * 0.5; print s }") | tr "\\n" " " > /tmp/job$0`;
  return (
    `a=$(cut -d' ' -f1 /proc/uptime); ` +
    `for c in $(seq 0 ${cpus - 1}); do taskset -c $c sh -c '${job}' $c & done; wait; ` +
    `b=$(cut -d' ' -f1 /proc/uptime); ` +
    `for c in $(seq 0 ${cpus - 1}); do echo "job$c $(cat /tmp/job$c)"; done; echo uptime $a $b`
  );
}

/** The job lines and the guest seconds the parallel part took. */
export function parseParallelJobs(out: string, cpus: number): { jobs: string[]; seconds: number } {
  const jobs = out
    .split(/\r?\n/)
    .filter((l) => /^job\d+ [0-9a-f]{64} [\d.e+-]+ ?$/.test(l))
    .map((l) => l.trimEnd());
  const m = /^uptime ([\d.]+) ([\d.]+)\r?$/m.exec(out);
  if (!m || jobs.length !== cpus) throw new Error(`unexpected output of the parallel jobs:\n${out}`);
  return { jobs, seconds: Math.max(Number(m[2]) - Number(m[1]), 0.01) };
}

/** qemu-system-riscv64 -M virt -smp `cpus` (MTTCG) on the default guest's kernel and initramfs. */
export function spawnQemuGuest(
  kernel: string,
  initrd: string,
  cmdline: string,
  cpus: number,
): { child: ChildProcessWithoutNullStreams; con: GuestConsole } {
  const child = spawn(
    'qemu-system-riscv64',
    [
      '-M',
      'virt',
      '-smp',
      String(cpus),
      '-m',
      '512M',
      '-nographic',
      '-kernel',
      kernel,
      '-initrd',
      initrd,
      '-append',
      cmdline,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  ) as ChildProcessWithoutNullStreams;
  return { child, con: new GuestConsole(child) };
}
