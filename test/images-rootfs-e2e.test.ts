// Opt-in (TYPEVISOR_ROOTFS_TESTS=1) end to end: build the Debian root disk (debootstrap on the host, second stage in a
// typevisor VM), then boot it through a qcow2 overlay with systemd to a console login, log in as root and use apt.
// Takes a long time (the second stage runs under the interpreter). TYPEVISOR_ROOTFS_TEST_DIR keeps the work for resuming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedDebian, initramfsBanner } from '../src/images/debian.js';
import { findMirror } from '../src/images/apt-sources.js';
import { DEBIAN_KEYRING } from '../src/images/signature.js';
import { buildRootDisk } from '../src/images/rootfs/build.js';
import { createRootOverlay } from '../src/images/rootfs/root-disk.js';
import { bootHeadless } from '../src/images/rootfs/headless-boot.js';
import { upgradeInitrd } from '../src/images/rootfs/initrd-upgrade.js';
import { writeFileAtomic } from '../src/images/download.js';

const enabled = process.env['TYPEVISOR_ROOTFS_TESTS'] === '1';

test(
  'root disk: build, then boot with systemd to a login prompt, log in and run apt',
  { skip: !enabled && 'set TYPEVISOR_ROOTFS_TESTS=1', timeout: 6 * 3600_000 },
  async () => {
    const img = await findCachedDebian();
    assert.ok(img, 'the Debian image must be pulled first (typevisor image pull debian)');
    const keep = process.env['TYPEVISOR_ROOTFS_TEST_DIR'];
    const dir = keep ?? mkdtempSync(join(tmpdir(), 'tv-rootfs-e2e-'));
    mkdirSync(dir, { recursive: true });
    try {
      // A private image directory: the kernel and (root-capable) initramfs of the cached image.
      copyFileSync(img.kernel, join(dir, 'Image'));
      const m = img.manifest;
      writeFileAtomic(
        join(dir, 'initrd.img'),
        upgradeInitrd(readFileSync(img.initrd), initramfsBanner(m.suite, m.kernelVersion, m.packages.busybox.version)),
      );
      const log = (l: string) => process.stderr.write(`[rootfs] ${l}\n`);
      const mirror = findMirror().url;
      const root = existsSync(join(dir, 'root.json'))
        ? {
            disk: join(dir, 'root.qcow2'),
            cmdline: JSON.parse(readFileSync(join(dir, 'root.json'), 'utf8')).cmdline as string,
          }
        : await buildRootDisk({
            dir,
            suite: m.suite,
            mirror,
            keyring: existsSync(DEBIAN_KEYRING) ? DEBIAN_KEYRING : null,
            log,
          });
      const check = spawnSync('qemu-img', ['check', root.disk], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);

      const overlay = join(dir, 'overlay.qcow2');
      rmSync(overlay, { force: true });
      await createRootOverlay(root.disk, overlay);
      let text = '';
      let type: (b: Uint8Array) => void = () => undefined;
      // Console script: wait for each pattern (searched after the previous match), then type the line.
      const steps: [RegExp, string][] = [
        [/typevisor login: $/m, 'root\n'],
        [
          /root@typevisor:~# $/,
          'cat /etc/debian_version; apt-get --version | head -n1; systemctl is-system-running; echo DONE-$((6*7))\n',
        ],
        [/DONE-42\r?\n[\s\S]*# $/, 'systemctl poweroff\n'],
      ];
      let from = 0;
      const r = await bootHeadless({
        kernel: readFileSync(join(dir, 'Image')),
        initrd: readFileSync(join(dir, 'initrd.img')),
        cmdline: root.cmdline,
        disk: overlay,
        memoryBytes: 1024 * 1024 * 1024,
        onStart: (f) => {
          type = f;
        },
        console: (b) => {
          const s = Buffer.from(b).toString('latin1');
          process.stderr.write(s);
          text += s;
          const step = steps[0];
          if (step) {
            const rest = text.slice(from);
            const hit = step[0].exec(rest);
            if (hit) {
              from += hit.index + hit[0].length;
              steps.shift();
              type(Buffer.from(step[1]));
            }
          }
        },
      });
      assert.equal(steps.length, 0, `console script stopped at ${steps[0]?.[0]}`);
      assert.equal(r.outcome, 'poweroff');
      assert.match(text, /^\d+\.\d+/m, 'debian_version');
      assert.match(text, /^apt \d+\.\d+/m);
      assert.match(text, /^(running|degraded)\r?$/m);
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
);
