// Opt-in (TYPEVISOR_ROOTFS_TESTS=1 and TYPEVISOR_NETWORK_TESTS=1: boots the debian-full image and reaches the host's
// Debian mirror): a VM on a NAT network runs apt-get update and apt-get install through the gateway's NAT and DNS,
// with the commands run through the guest agent, and the installed program runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian } from '../src/images/debian.js';
import { findRootDisk } from '../src/images/rootfs/root-disk.js';
import { ManagerHome } from './harness/manager-cli.js';

const WAIT_MS = 30 * 60_000;
const enabled = process.env['TYPEVISOR_ROOTFS_TESTS'] === '1' && process.env['TYPEVISOR_NETWORK_TESTS'] === '1';

test(
  'debian-full on a NAT network: apt-get update and apt-get install hello from the host’s mirror',
  {
    skip:
      !enabled &&
      'set TYPEVISOR_ROOTFS_TESTS=1 and TYPEVISOR_NETWORK_TESTS=1 (boots debian-full, downloads from the Debian mirror)',
    timeout: 60 * 60_000,
  },
  async () => {
    const img = await findCachedDebian();
    assert.ok(img && findRootDisk(img.dir), 'build the image first: typevisor image pull debian-full');
    const h = new ManagerHome('tv-apt-');
    try {
      let r = await h.tv('net', 'create', 'lab', '--nat');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('create', 'r', '--image', 'debian-full', '--memory', '1G', '--network', 'lab');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('start', 'r');
      assert.equal(r.code, 0, r.stderr);
      await h.waitForLog('r', /\br login: $/m, 0, WAIT_MS);
      // The agent starts with systemd; give it the time to open its port.
      const deadline = Date.now() + WAIT_MS;
      while ((r = await h.tv('exec', 'r', '--', 'true')).code !== 0) {
        if (Date.now() > deadline) throw new Error(`no guest agent: ${r.stderr}`);
        await sleep(2000);
      }
      // Disks built before the second stage removed its trimmed package lists still hold them (images-rootfs checks
      // the removal): without them, whenever the disk was built, apt fetches the whole list.
      r = await h.tv('exec', 'r', '--', 'sh', '-c', 'rm -f /var/lib/apt/lists/*_Packages');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('exec', 'r', '--timeout', '1800', '--', 'apt-get', 'update');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /trixie\/main riscv64 Packages/, 'the whole package list, not the trimmed one');
      r = await h.tv('exec', 'r', '--timeout', '1800', '--', 'apt-get', 'install', '-y', 'hello');
      assert.equal(r.code, 0, r.stderr);
      r = await h.tv('exec', 'r', '--', 'hello');
      assert.equal(r.stdout, 'Hello, world!\n');
      r = await h.tv('stop', 'r');
      assert.equal(r.code, 0, r.stderr);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- console.log ---\n${h.consoleLog('r').slice(-3000)}`, { cause: e });
    } finally {
      await h.tv('kill', 'r');
      h.cleanup();
    }
  },
);
