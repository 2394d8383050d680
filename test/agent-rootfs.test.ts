// Opt-in (TYPEVISOR_ROOTFS_TESTS=1): the guest agent on the Debian root disk, where systemd starts Debian's
// qemu-guest-agent from its udev rule once /dev/virtio-ports/org.qemu.guest_agent.0 appears: exec and stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian } from '../src/images/debian.js';
import { createRootOverlay, findRootDisk } from '../src/images/rootfs/root-disk.js';
import { ManagerHome } from './harness/manager-cli.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 20 * 60_000;

test(
  'root disk: exec through the agent systemd started, stop through the agent',
  { timeout: 40 * 60_000 },
  async (t) => {
    if (process.env['TYPEVISOR_ROOTFS_TESTS'] !== '1') {
      t.skip('set TYPEVISOR_ROOTFS_TESTS=1 (boots the Debian root disk: several minutes)');
      return;
    }
    const img = await findCachedDebian();
    const root = img && findRootDisk(img.dir);
    if (!root) {
      t.skip('no root disk cached (typevisor image pull debian-full builds it)');
      return;
    }
    const h = new ManagerHome('tv-agent-root-');
    try {
      const overlay = await createRootOverlay(root.disk, join(h.dir, 'root-overlay.qcow2'));
      let r = await h.tv('create', 'rd', '-m', '512M', '--disk', `${overlay},format=qcow2`, '--append', root.cmdline);
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('start', 'rd');
      assert.equal(r.code, 0, r.stderr);
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        r = await h.tv('exec', 'rd', '--', 'sh', '-c', 'systemctl is-active qemu-guest-agent; exit 5');
        if (r.code !== 125 || Date.now() > deadline) break;
        await sleep(2000);
      }
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stdout, 'active\n');
      r = await h.tv('info', 'rd');
      assert.match(r.stdout, /guest OS\s+Debian GNU\/Linux 13/);
      r = await h.tv('stop', 'rd', '--timeout', '300');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /rd stopped: the guest powered off/);
      assert.match(h.consoleLog('rd'), /reboot: Power down|Powering off|System is powering down|Reached target/);
    } finally {
      await h.tv('kill', 'rd');
      h.cleanup();
    }
  },
);
