// Debian (busybox initramfs) with 2 vCPUs runs one sha256sum + awk job pinned to each CPU; the results equal QEMU -smp 2's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GUEST_PROMPT, spawnDefaultGuest } from './harness/guest-console.js';
import { parallelJobsCommand, parseParallelJobs, spawnQemuGuest } from './harness/parallel-work.js';

const CPUS = 2;
const COMMAND = parallelJobsCommand(CPUS, 8, 100_000);

test(
  'two vCPUs: parallel sha256sum + awk jobs give the same output as on QEMU -smp 2',
  { timeout: 15 * 60_000 },
  async () => {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    const q = spawnQemuGuest(img.kernel, img.initrd, 'console=ttyS0', CPUS);
    let want: string[];
    try {
      await q.con.waitFor(GUEST_PROMPT, 'the QEMU guest prompt');
      want = parseParallelJobs(await q.con.run(COMMAND), CPUS).jobs;
      await q.con.exitAfter('poweroff -f');
    } finally {
      if (q.child.exitCode === null) q.child.kill('SIGKILL');
    }
    const g = await spawnDefaultGuest(['--cpus', String(CPUS)], { name: 'typevisor --cpus 2', stats: false });
    try {
      await g.con.waitFor(GUEST_PROMPT, 'the shell prompt');
      const got = parseParallelJobs(await g.con.run(COMMAND), CPUS).jobs;
      assert.deepEqual(got, want);
      await g.con.exitAfter('poweroff -f');
    } catch (e) {
      throw g.fail(e);
    }
  },
);
