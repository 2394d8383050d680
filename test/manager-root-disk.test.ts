// Opt-in (TYPEVISOR_ROOTFS_TESTS=1, needs `typevisor image pull debian-full`, which takes long): a managed VM on
// the Debian root disk boots systemd to a login prompt, and `typevisor stop` shuts it down cleanly: through the guest
// agent, and — with the agent stopped — through the power key, which systemd-logind turns into a power-off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian } from '../src/images/debian.js';
import { findRootDisk } from '../src/images/rootfs/root-disk.js';
import { ManagerHome } from './harness/manager-cli.js';

const enabled = process.env['TYPEVISOR_ROOTFS_TESTS'] === '1';
/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 20 * 60_000;

test(
  'a VM on the Debian root disk boots systemd to a login prompt and stops cleanly',
  {
    skip: !enabled && 'set TYPEVISOR_ROOTFS_TESTS=1 (needs the root disk: image pull debian-full)',
    timeout: 40 * 60_000,
  },
  async () => {
    const img = await findCachedDebian();
    assert.ok(img && findRootDisk(img.dir), 'build the root disk first: typevisor image pull debian-full');
    const h = new ManagerHome('tv-rootdisk-');
    const read = (file: string) => {
      const f = join(h.dir, 'vms', 'r', file);
      return existsSync(f) ? readFileSync(f, 'latin1') : '';
    };
    const log = () => read('console.log');
    const vmLog = () => read('vm.log');
    try {
      let r = await h.tv('create', 'r', '--image', 'debian-full', '--memory', '1G');
      assert.equal(r.code, 0, r.stderr);
      const overlay = join(h.dir, 'vms', 'r', 'root.qcow2');
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', overlay], { encoding: 'utf8' }));
      assert.equal(info['backing-filename'], findRootDisk(img.dir)!.disk, 'an overlay on the cached root disk');
      r = await h.tv('start', 'r');
      assert.equal(r.code, 0, r.stderr);
      const deadline = Date.now() + WAIT_MS;
      while (!/\br login: $/m.test(log())) {
        if (Date.now() > deadline) throw new Error('no login prompt');
        await sleep(1000);
      }
      let before = log().length;
      r = await h.tv('stop', 'r');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /r stopped: the guest powered off/);
      assert.match(log().slice(before), /reboot: Power down/);
      assert.doesNotMatch(vmLog(), /power key/, 'the agent shut it down');

      // Without an agent: the power key, as on a guest that has none.
      r = await h.tv('start', 'r');
      assert.equal(r.code, 0, r.stderr);
      await h.waitForLog('r', /\br login: $/m, before, WAIT_MS);
      before = log().length;
      const con = h.spawn('console', 'r', '--settle', '3');
      con.stdin.write('root\n');
      await h.waitForLog('r', /root@r:~# $/m, before, WAIT_MS);
      con.stdin.end('systemctl stop qemu-guest-agent; echo AGENT-$(systemctl is-active qemu-guest-agent)\n');
      await new Promise((done) => con.on('exit', done));
      await h.waitForLog('r', /AGENT-inactive/, before, WAIT_MS);
      before = log().length;
      r = await h.tv('stop', 'r');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /r stopped: the guest powered off/);
      assert.match(vmLog(), /shutdown requested \(power key\)/);
      assert.match(log().slice(before), /reboot: Power down/);
      execFileSync('qemu-img', ['check', overlay]);
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n--- console.log ---\n${log().slice(-3000)}\n--- vm.log ---\n${vmLog()}`,
        {
          cause: e,
        },
      );
    } finally {
      await h.tv('kill', 'r');
      h.cleanup();
    }
  },
);
