// Snapshots of a running 1 GiB Debian guest: a marker written to its disk, snapshot, overwritten, snapshot, restore —
// the old marker is back on the disk (read by qemu-img) and the guest resumes at the snapshot with its shell's
// state; deleting a snapshot leaves the other intact; QEMU lists the disk's internal snapshots, and qemu-img check is
// clean whenever the VM is not running. Then the suspended VM is exported, imported into a second home, and resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { ManagerHome } from './harness/manager-cli.js';
import { GuestConsole } from './harness/guest-console.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const PROMPT = /root@v:[^#]*# /;

function consoleLog(h: ManagerHome): string {
  const file = join(h.dir, 'vms', 'v', 'console.log');
  return existsSync(file) ? readFileSync(file, 'latin1') : '';
}

async function waitForLog(h: ManagerHome, re: RegExp, from = 0): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!re.test(consoleLog(h).slice(from))) {
    if (Date.now() > deadline) throw new Error(`no ${re} in the console log`);
    await sleep(250);
  }
}

/** Runs a command on the VM's console and returns its output. */
async function guest(h: ManagerHome, cmd: string): Promise<string> {
  const child = h.spawn('console', 'v', '--settle', '0.5');
  const con = new GuestConsole(child);
  const out = await con.run(cmd);
  child.stdin.end();
  await new Promise((done) => child.on('exit', done));
  return out;
}

/** The first bytes of a qcow2 disk, read by QEMU's tools. */
function diskHead(h: ManagerHome, file: string): string {
  const raw = join(h.dir, 'head.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', file, raw]);
  return readFileSync(raw).toString('latin1', 0, 32).replace(/\0.*$/s, '');
}

/** qemu-img check on every disk file of the stopped VM. */
function checkAll(h: ManagerHome): void {
  const dir = join(h.dir, 'vms', 'v');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (e) => e.isFile() && e.name.endsWith('.qcow2'),
  );
  for (const f of files) execFileSync('qemu-img', ['check', join(f.parentPath, f.name)], { stdio: 'pipe' });
}

/** The internal snapshots QEMU lists in the disk (-U: the running VM holds its lock; the guest is idle meanwhile). */
function qemuSnapshots(h: ManagerHome): string[] {
  const out = execFileSync('qemu-img', ['snapshot', '-l', '-U', join(h.dir, 'vms', 'v', 'disk0.qcow2')], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/)[1]);
}

test(
  'snapshots of a running Debian VM bring back its disk and its running state',
  { timeout: 40 * 60_000 },
  async () => {
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-snapdeb-');
    const h2 = new ManagerHome('tv-snapdeb2-');
    const vmDir = join(h.dir, 'vms', 'v');
    try {
      assert.equal((await h.tv('create', 'v', '--memory', '1G', '--disk-size', '16M')).code, 0);
      assert.equal((await h.tv('start', 'v')).code, 0);
      await waitForLog(h, PROMPT);
      await guest(h, 'X=shell-state-1; echo first-marker | dd of=/dev/vda conv=fsync 2>/dev/null');

      let r = await h.tv('snapshot', 'create', 'v', 's1');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /snapshot s1 taken \(disks and machine state; the guest was paused for \d+ ms\)/);
      process.stderr.write(`1 GiB guest at the prompt: ${r.stderr}`);
      // The VM runs on after the snapshot, in the same shell.
      assert.equal((await guest(h, 'echo $X')).trim(), 'shell-state-1');
      await guest(h, 'X=shell-state-2; echo second-marker | dd of=/dev/vda conv=fsync 2>/dev/null');
      r = await h.tv('snapshot', 'create', 'v', 's2', '--description', 'after the second marker');
      assert.equal(r.code, 0, r.stderr);
      const dup = await h.tv('snapshot', 'create', 'v', 's2');
      assert.equal(dup.code, 2, dup.stderr);
      assert.match(dup.stderr, /already has a snapshot named "s2"/);

      r = await h.tv('snapshot', 'list', 'v', '--format', 'json');
      const index = JSON.parse(r.stdout) as { current: string; snapshots: { name: string; parent: string | null }[] };
      assert.equal(index.current, 's2');
      assert.deepEqual(
        index.snapshots.map((s) => [s.name, s.parent]),
        [
          ['s1', null],
          ['s2', 's1'],
        ],
      );
      assert.equal(
        (await h.tv('snapshot', 'list', 'v')).stdout.split('\n')[0].split(/\s+/)[0],
        's1',
        'the tree starts at its root',
      );
      assert.deepEqual(qemuSnapshots(h), ['s1', 's2']);

      // Back to s1: the VM is powered off, its disk holds the first marker, and start resumes the guest at s1.
      r = await h.tv('snapshot', 'restore', 'v', 's1');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /restored snapshot s1 \(suspended there: start resumes it\)/);
      assert.equal(diskHead(h, join(vmDir, 'disk0.qcow2')), 'first-marker\n');
      checkAll(h);
      assert.equal((await h.tv('start', 'v')).code, 0);
      assert.equal((await guest(h, 'echo $X')).trim(), 'shell-state-1');
      assert.equal((await guest(h, 'dd if=/dev/vda bs=13 count=1 2>/dev/null')).trim(), 'first-marker');

      // Deleting s1 (while the VM runs) leaves s2 and moves the present state to the root.
      r = await h.tv('snapshot', 'delete', 'v', 's1');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(join(vmDir, 'snapshots', 's1')), "the snapshot's files are gone");
      const missing = await h.tv('snapshot', 'restore', 'v', 's1');
      assert.equal(missing.code, 3, missing.stderr);
      assert.deepEqual(qemuSnapshots(h), ['s2']);
      r = await h.tv('snapshot', 'restore', 'v', 's2');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(diskHead(h, join(vmDir, 'disk0.qcow2')), 'second-marker\n');
      assert.equal((await h.tv('start', 'v')).code, 0);
      assert.equal((await guest(h, 'echo $X')).trim(), 'shell-state-2');

      // Cold migration: suspend, export, import into a second home, start there: the same shell resumes.
      assert.equal((await h.tv('suspend', 'v')).code, 0);
      checkAll(h);
      const archive = join(h.dir, 'v.tar');
      r = await h.tv('export', 'v', archive);
      assert.equal(r.code, 0, r.stderr);
      r = await h2.tv('import', archive);
      assert.equal(r.code, 0, r.stderr);
      r = await h2.tv('start', 'v');
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await guest(h2, 'echo $X')).trim(), 'shell-state-2');
      assert.equal((await guest(h2, 'dd if=/dev/vda bs=14 count=1 2>/dev/null')).trim(), 'second-marker');
    } catch (e) {
      const tail = (p: string) =>
        existsSync(join(vmDir, p)) ? readFileSync(join(vmDir, p), 'latin1').slice(-2500) : '';
      throw new Error(
        `${(e as Error).message}\n--- console.log ---\n${tail('console.log')}\n--- vm.log ---\n${tail('vm.log')}`,
        { cause: e },
      );
    } finally {
      await h.tv('kill', 'v');
      await h2.tv('kill', 'v');
      h.cleanup();
      h2.cleanup();
    }
  },
);
