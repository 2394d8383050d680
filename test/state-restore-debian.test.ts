// Save and restore of a running Debian guest at random points: the restored machine equals the saved one (every hart
// field, every device, RAM), and the guest continues there — a counting loop and a checksum of data in its memory
// finish correctly — through the translator and the interpreter, with its clock continuing where it stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { buildVm, type MachineDescription } from '../src/vmm/builder.js';
import type { Vm } from '../src/vmm/vm.js';
import { compareMachines } from '../src/state/index.js';
import { withTempDir } from './harness/temp-dir.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const PROMPT = /root@[a-z0-9-]+:[^#]*# /;
/**
 * Save points: 4 in CI. The soak of 100 is opt-in (about 15 minutes on a shared machine):
 * TYPEVISOR_STATE_ROUNDS=100 node --test dist/test/state-restore-debian.test.js
 */
const ROUNDS = Math.max(2, Math.floor(Number(process.env.TYPEVISOR_STATE_ROUNDS ?? 4)) || 4);
/** The guest's loop runs across all the points: longer with more of them. */
const COUNT = 25_000 * ROUNDS;

/** The console as text, with a wait for a pattern after a given offset. */
class Console {
  text = '';
  private waiters: (() => void)[] = [];
  attach(vm: Vm): void {
    vm.attachConsole((b) => {
      this.text += Buffer.from(b).toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async waitFor(re: RegExp, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = re.exec(this.text.slice(from));
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${re} on the console:\n${this.text.slice(-2000)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000);
      });
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  'a running Debian guest saved at random points continues exactly, through the translator and the interpreter',
  { timeout: (30 + ROUNDS / 2) * 60_000 },
  withTempDir('tv-state-debian-', async (dir) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const d = (kind: 'jit' | 'interp'): MachineDescription => ({
      name: 'saved',
      memoryBytes: 256 * 1024 * 1024,
      cpus: 1,
      boot: { kernel: img.kernel, initrd: img.initrd, cmdline: img.cmdline },
      engine: { kind },
    });
    const con = new Console();
    // The machines that ran (killed at the end); a restored machine that never runs is dropped with its RAM.
    const vms: Vm[] = [];
    // A machine built to be restored skips loading the kernel: the state replaces its RAM.
    const build = (kind: 'jit' | 'interp', restoring = false) => buildVm(d(kind), { restoring });
    try {
      let vm = await build('jit');
      vms.push(vm);
      con.attach(vm);
      vm.start();
      await con.waitFor(PROMPT);
      // Data in the guest's memory (tmpfs) and its checksum, then a loop that runs across the saves.
      const setup = con.text.length;
      vm.writeConsole(
        Buffer.from(
          'dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null; md5sum /tmp/blob > /tmp/sum; cat /proc/uptime; echo setup-done\n',
        ),
      );
      const before = await con.waitFor(/\n(\d+\.\d+) [\d.]+\r?\nsetup-done/, setup);
      const uptimeBefore = Number(before[1]);
      const hostBefore = performance.now();
      const loop = con.text.length;
      vm.writeConsole(
        Buffer.from(
          `i=0; while [ $i -lt ${COUNT} ]; do i=$((i+1)); done; echo counted-$i; md5sum -c /tmp/sum; cat /proc/uptime; echo loop-done\n`,
        ),
      );
      // Each point: pause at a random moment, save, restore into a machine of the other engine or the same, compare.
      // The last machine is the translator's: the loop's rest runs there at speed.
      const engines = Array.from({ length: ROUNDS }, (_, i): 'jit' | 'interp' => ((ROUNDS - i) % 2 ? 'jit' : 'interp'));
      let hostGapMs = 0;
      for (const [i, kind] of engines.entries()) {
        await sleep(200 + Math.floor(Math.random() * 1500));
        await vm.pause();
        const path = join(dir, `point-${i}.tvstate`);
        const saveStart = performance.now();
        const info = await vm.save(path);
        const saveMs = performance.now() - saveStart;
        assert.ok(info.storedPages < info.ramPages, 'zero pages are left out');
        const next = await build(kind, true);
        const t0 = performance.now();
        // The saved guest stands still for a while: its clock must not count that time.
        await sleep(1000);
        const restoreStart = performance.now();
        next.restore(path);
        const restoreMs = performance.now() - restoreStart;
        hostGapMs += performance.now() - t0;
        // Figures for docs/state.md (not assertions).
        process.stderr.write(
          `point ${i}: ${info.storedPages} of ${info.ramPages} pages stored, ${info.bytes} bytes, save ${saveMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms\n`,
        );
        assert.deepEqual(compareMachines(vm.board, next.board), [], `point ${i}: the restored machine differs`);
        // Points alternate in pairs: two continue in the saved machine, the next two in the restored one (the last
        // always does), so both engines run restored machines.
        if (i % 4 < 2 && i < ROUNDS - 1) {
          vm.resume();
          continue;
        }
        await vm.kill();
        vms.splice(vms.indexOf(vm), 1);
        con.attach(next);
        next.start();
        vms.push(next);
        vm = next;
      }
      // Each line on its own: on a loaded host the kernel may print between them ("hrtimer: interrupt took ...").
      await con.waitFor(/^loop-done\r?$/m, loop);
      const out = con.text.slice(loop);
      const done = [
        '',
        /^counted-(\d+)\r?$/m.exec(out)?.[1],
        /^\/tmp\/blob: (\w+)\r?$/m.exec(out)?.[1],
        /^(\d+\.\d+) [\d.]+\r?$/m.exec(out)?.[1],
      ];
      const hostSeconds = (performance.now() - hostBefore) / 1000;
      assert.equal(done[1], String(COUNT));
      assert.equal(done[2], 'OK');
      // Guest time went on (no jump backwards) and did not count the times the saved guest stood still.
      const uptimeAfter = Number(done[3]);
      assert.ok(uptimeAfter > uptimeBefore, `uptime ${uptimeBefore} then ${uptimeAfter}`);
      // (The guest clock cannot run faster than the host's; one second covers when the two readings reached the host.)
      assert.ok(
        uptimeAfter - uptimeBefore <= hostSeconds - hostGapMs / 1000 + 1,
        `guest time ${uptimeAfter - uptimeBefore} s, host time ${hostSeconds} s of which the saved guest stood still ${hostGapMs / 1000} s`,
      );
      const shown = con.text.length;
      vm.writeConsole(Buffer.from('echo alive-$((6 * 7))\n'));
      await con.waitFor(/\nalive-42/, shown);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- console ---\n${con.text.slice(-3000)}`, { cause: e });
    } finally {
      for (const v of vms) if (v.state === 'running' || v.state === 'paused') await v.kill();
    }
  }),
);
