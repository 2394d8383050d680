// Tests the root-disk pieces with small inputs: mkfs.ext4 -d (e2fsprogs as oracle), raw->qcow2 (qemu-img as oracle),
// the first stage's caching with a stand-in debootstrap, the generated shell scripts (dash/bash syntax), the initrd upgrade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { makeExt4, treeBytes } from '../src/images/rootfs/ext4.js';
import { rawToQcow2 } from '../src/images/rootfs/qcow2-image.js';
import { runFirstStage, debootstrapArgs, fixContainerSymlinks } from '../src/images/rootfs/first-stage.js';
import { requireTool, MissingToolError } from '../src/images/rootfs/host-tools.js';
import { secondStageScript, STAGE2_OK } from '../src/images/rootfs/second-stage-script.js';
import { initrdHasRootSupport, upgradeInitrd } from '../src/images/rootfs/initrd-upgrade.js';
import { buildInitramfs, initScript, ROOT_MOUNT_MARKER } from '../src/images/initramfs.js';
import { createRootOverlay } from '../src/images/rootfs/root-disk.js';
import { CpioWriter } from '../src/images/cpio.js';

const isRoot = process.getuid?.() === 0;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tv-rootfs-'));
const debugfs = (image: string, request: string): string =>
  execFileSync('/usr/sbin/debugfs', ['-R', request, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

test('mkfs.ext4 -d image: e2fsck finds it clean and debugfs reads back contents, modes, owners and links', () => {
  const dir = tmp();
  try {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'etc/deep/er'), { recursive: true });
    const blob = randomBytes(300_000);
    writeFileSync(join(tree, 'etc/deep/er/blob.bin'), blob);
    writeFileSync(join(tree, 'script.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(tree, 'script.sh'), 0o755);
    symlinkSync('usr/bin', join(tree, 'bin'));
    if (isRoot) {
      execFileSync('chown', ['1234:2345', join(tree, 'script.sh')]);
      execFileSync('mknod', ['-m', '0600', join(tree, 'console'), 'c', '5', '1']);
    }
    const image = join(dir, 'fs.raw');
    makeExt4(tree, image, { size: 64 * 1024 * 1024, label: 'tvtest' });
    assert.equal(statSync(image).size, 64 * 1024 * 1024);
    const fsck = spawnSync('/usr/sbin/e2fsck', ['-f', '-n', image], { encoding: 'utf8' });
    assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
    const blobOut = execFileSync('/usr/sbin/debugfs', ['-R', 'cat /etc/deep/er/blob.bin', image], {
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 24,
    });
    assert.ok(blobOut.equals(blob), 'file contents differ');
    const st = debugfs(image, 'stat /script.sh');
    assert.match(st, /Mode:\s+0755/);
    if (isRoot) assert.match(st, /User:\s+1234\s+Group:\s+2345/);
    assert.match(debugfs(image, 'stat /bin'), /Fast link dest: "usr\/bin"/);
    if (isRoot)
      assert.match(debugfs(image, 'stat /console'), /Type: character special[\s\S]*Device major\/minor number: 05:01/);
    const dumpe2fs = execFileSync('/usr/sbin/dumpe2fs', ['-h', image], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    assert.match(dumpe2fs, /Filesystem volume name:\s+tvtest/);
    assert.match(dumpe2fs, /Block size:\s+4096/);
    assert.match(dumpe2fs, /Filesystem features:.*extent/);
    assert.ok(treeBytes(tree) >= blob.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mkfs.ext4 failure is reported with its message and leaves no image', () => {
  const dir = tmp();
  try {
    const image = join(dir, 'fs.raw');
    assert.throws(() => makeExt4(join(dir, 'no-such-tree'), image, { size: 16 * 1024 * 1024 }), /mkfs\.ext4 failed/);
    assert.equal(existsSync(image), false);
    assert.throws(() => makeExt4(dir, image, { size: 4096 }), /too small/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('raw -> qcow2: qemu-img finds the images identical and the qcow2 consistent and sparse', async () => {
  const dir = tmp();
  try {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'a.bin'), randomBytes(1_000_003));
    const raw = join(dir, 'fs.raw');
    makeExt4(tree, raw, { size: 256 * 1024 * 1024 });
    const qcow = join(dir, 'fs.qcow2');
    const clusters = await rawToQcow2(raw, qcow);
    assert.ok(clusters > 15, `only ${clusters} clusters written`);
    const cmp = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', raw, qcow], { encoding: 'utf8' });
    assert.equal(cmp.status, 0, cmp.stdout + cmp.stderr);
    const check = spawnSync('qemu-img', ['check', qcow], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', qcow], { encoding: 'utf8' })) as {
      'virtual-size': number;
      format: string;
    };
    assert.equal(info.format, 'qcow2');
    assert.equal(info['virtual-size'], 256 * 1024 * 1024);
    assert.ok(statSync(qcow).size < 64 * 1024 * 1024, `qcow2 is ${statSync(qcow).size} bytes`);
    // An overlay on it reads the same, and leaves the base alone.
    const overlay = join(dir, 'overlay.qcow2');
    await createRootOverlay(qcow, overlay);
    const info2 = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', overlay], { encoding: 'utf8' })) as {
      'backing-filename': string;
      'virtual-size': number;
    };
    assert.equal(info2['backing-filename'], qcow);
    assert.equal(info2['virtual-size'], 256 * 1024 * 1024);
    const cmp2 = spawnSync('qemu-img', ['compare', '-F', 'qcow2', raw, overlay], { encoding: 'utf8' });
    assert.equal(cmp2.status, 0, cmp2.stdout + cmp2.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A stand-in debootstrap that logs its arguments and makes the tree a container-side debootstrap makes (proc -> /proc). */
function fakeDebootstrap(dir: string): { bin: string; calls: () => string[] } {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const calls = join(dir, 'calls');
  writeFileSync(
    join(bin, 'debootstrap'),
    `#!/bin/sh
echo "$*" >> ${calls}
for last; do :; done
target=$(eval echo \\\${$(($# - 1))})
mkdir -p "$target/debootstrap" "$target/usr/bin" "$target/sys" "$target/var/lib/apt/lists"
ln -s /proc "$target/proc"
echo "libc6 dpkg" > "$target/debootstrap/required"
echo "systemd" > "$target/debootstrap/base"
printf 'Package: zsh\\nVersion: 1\\n\\nPackage: libc6\\nVersion: 2.41\\nDepends: libgcc-s1\\n\\nPackage: dpkg\\nVersion: 1.22\\n\\nPackage: vim\\nVersion: 9\\n\\nPackage: systemd\\nVersion: 257\\n' > "$target/var/lib/apt/lists/m_dists_trixie_main_binary-riscv64_Packages"
echo "I: fake first stage into $target"
`,
  );
  chmodSync(join(bin, 'debootstrap'), 0o755);
  return { bin, calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []) };
}

test(
  'first stage: debootstrap arguments, container /proc link fixed, cached on the second run, redone when the packages change',
  { skip: !isRoot && 'needs root or fakeroot semantics' },
  async () => {
    const dir = tmp();
    try {
      const fake = fakeDebootstrap(dir);
      const env = { PATH: `${fake.bin}:${process.env['PATH']}` };
      const lines: string[] = [];
      const opts = {
        dir: join(dir, 'stage1'),
        suite: 'trixie',
        mirror: 'http://mirror.invalid/debian',
        keyring: null,
        fakerootState: join(dir, 'fr'),
        log: (l: string) => lines.push(l),
        env,
      };
      const r1 = await runFirstStage(opts);
      assert.equal(r1.cached, false);
      assert.deepEqual(fake.calls(), [debootstrapArgs(opts).join(' ')]);
      assert.match(
        fake.calls()[0]!,
        new RegExp(
          `^--foreign --arch=riscv64 --variant=minbase --include=systemd-sysv,\\S+ --no-check-gpg trixie ${opts.dir} http://mirror\\.invalid/debian$`,
        ),
      );
      assert.ok(
        lines.some((l) => l.includes('fake first stage')),
        'debootstrap output is logged',
      );
      assert.ok(lstatSync(join(opts.dir, 'proc')).isDirectory(), 'proc is a directory again');
      assert.equal(lstatSync(join(opts.dir, 'proc')).mode & 0o777, 0o555);
      // The index keeps only what the second stage installs, stanzas intact.
      assert.equal(
        readFileSync(join(opts.dir, 'var/lib/apt/lists/m_dists_trixie_main_binary-riscv64_Packages'), 'utf8'),
        'Package: libc6\nVersion: 2.41\nDepends: libgcc-s1\n\nPackage: dpkg\nVersion: 1.22\n\nPackage: systemd\nVersion: 257\n',
      );
      const r2 = await runFirstStage(opts);
      assert.equal(r2.cached, true);
      assert.equal(fake.calls().length, 1, 'the cached tree is reused');
      const r3 = await runFirstStage({ ...opts, include: ['systemd-sysv', 'vim-tiny'] });
      assert.equal(r3.cached, false);
      assert.equal(fake.calls().length, 2);
      assert.match(fake.calls()[1]!, /--include=systemd-sysv,vim-tiny /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'first stage: a failing debootstrap is reported with its output and not cached',
  { skip: !isRoot && 'needs root' },
  async () => {
    const dir = tmp();
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'debootstrap'), '#!/bin/sh\necho "E: Couldn\'t download release file" >&2\nexit 1\n');
      chmodSync(join(bin, 'debootstrap'), 0o755);
      const opts = {
        dir: join(dir, 'stage1'),
        suite: 'trixie',
        mirror: 'http://mirror.invalid/debian',
        keyring: '/k.gpg',
        fakerootState: join(dir, 'fr'),
        log: () => undefined,
        env: { PATH: `${bin}:${process.env['PATH']}` },
      };
      await assert.rejects(runFirstStage(opts), /failed \(1\):\nE: Couldn't download release file/);
      assert.equal(existsSync(join(opts.dir, '.typevisor-first-stage.json')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('fixContainerSymlinks leaves real directories alone', () => {
  const dir = tmp();
  try {
    mkdirSync(join(dir, 'proc'), { mode: 0o700 });
    symlinkSync('/sys', join(dir, 'sys'));
    fixContainerSymlinks(dir, null);
    assert.equal(lstatSync(join(dir, 'proc')).mode & 0o777, 0o700);
    assert.ok(lstatSync(join(dir, 'sys')).isDirectory());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing host tool is one line naming the package to install', () => {
  assert.throws(
    () => requireTool('typevisor-no-such-tool', 'some-package', { PATH: '/nonexistent' }),
    (e: unknown) => {
      assert.ok(e instanceof MissingToolError);
      assert.equal(e.message.includes('\n'), false);
      assert.match(e.message, /^typevisor-no-such-tool is needed .* \(apt-get install some-package\)$/);
      return true;
    },
  );
  assert.equal(
    requireTool('mkfs.ext4', 'e2fsprogs', { PATH: '/nonexistent' }),
    '/usr/sbin/mkfs.ext4',
    'the sbin directories are searched without PATH',
  );
});

function shellSyntax(script: string): void {
  for (const sh of ['dash', 'bash']) {
    const r = spawnSync(sh, ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, `${sh} -n: ${r.stderr}`);
  }
}

test('the second-stage script is valid shell, quotes its inputs and refuses bad host names', () => {
  const s = secondStageScript({
    hostname: 'tv-1',
    mirror: "http://m.invalid/it's",
    suite: 'trixie',
    rootDevice: '/dev/vda',
  });
  shellSyntax(s);
  assert.ok(s.startsWith('#!/bin/sh\n'));
  assert.match(s, /\/debootstrap\/debootstrap --second-stage/);
  assert.ok(s.includes(`'http://m.invalid/it'\\''s'`));
  assert.ok(s.includes(STAGE2_OK));
  assert.throws(
    () => secondStageScript({ hostname: 'a b;rm', mirror: 'x', suite: 'trixie', rootDevice: '/dev/vda' }),
    /invalid host name/,
  );
});

test('the second-stage script writes the configuration files when run against a scratch tree', () => {
  // Run with / replaced by a scratch directory and the privileged commands stubbed: checks what lands in the files.
  const dir = tmp();
  try {
    for (const d of ['etc/apt', 'proc', 'stub', 'var/lib/apt/lists/partial'])
      mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'proc/uptime'), '12.5 3.0\n');
    const lists = join(dir, 'var/lib/apt/lists');
    for (const f of ['m_dists_trixie_main_binary-riscv64_Packages', 'm_dists_trixie_InRelease', 'lock'])
      writeFileSync(join(lists, f), 'trimmed');
    for (const cmd of ['mountpoint', 'mount', 'passwd', 'apt-get', 'fstrim', 'sync', 'systemctl', 'sleep']) {
      writeFileSync(join(dir, 'stub', cmd), `#!/bin/sh\necho "${cmd} $*" >> ${dir}/stub.log\n`);
      chmodSync(join(dir, 'stub', cmd), 0o755);
    }
    let s = secondStageScript({
      hostname: 'guest7',
      mirror: 'http://m.invalid/debian',
      suite: 'trixie',
      rootDevice: '/dev/vda',
    });
    s = s
      .replace(/export PATH=\S+/, `export PATH=${dir}/stub:/usr/bin:/bin`)
      .replace(
        / (\/(?:etc|proc|debootstrap|lib\/systemd|usr\/local|var\/lib\/apt|dev\/null|second-stage))/g,
        ` ${dir}$1`,
      );
    const r = spawnSync('sh', ['-c', s], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /TYPEVISOR-SECOND-STAGE: ok \(guest seconds: 12\.5 -> 12\.5\)/);
    assert.equal(readFileSync(join(dir, 'etc/hostname'), 'utf8'), 'guest7\n');
    assert.match(readFileSync(join(dir, 'etc/hosts'), 'utf8'), /^127\.0\.1\.1\tguest7$/m);
    assert.match(readFileSync(join(dir, 'etc/fstab'), 'utf8'), /^\/dev\/vda \/ ext4 rw,errors=remount-ro 0 1$/m);
    assert.equal(readFileSync(join(dir, 'etc/apt/sources.list'), 'utf8'), 'deb http://m.invalid/debian trixie main\n');
    assert.equal(readFileSync(join(dir, 'proc/sysrq-trigger'), 'utf8'), 'o\n');
    // The trimmed package lists are gone, so the installed system's first apt-get update fetches whole ones.
    assert.deepEqual(readdirSync(lists).sort(), ['lock', 'partial']);
    assert.match(readFileSync(join(dir, 'stub.log'), 'utf8'), /^passwd -d root$/m);
    const logind = readFileSync(join(dir, 'etc/systemd/logind.conf.d/typevisor-power-button.conf'), 'utf8');
    assert.match(logind, /^\[Login\]\nHandlePowerKey=poweroff$/m);
    const helper = readFileSync(join(dir, 'usr/local/sbin/typevisor-console-size'), 'utf8');
    shellSyntax(helper);
    assert.ok(helper.startsWith('#!/bin/sh\n') && helper.includes('trap copy WINCH'));
    assert.match(
      readFileSync(join(dir, 'etc/systemd/system/typevisor-console-size.service'), 'utf8'),
      /^TTYPath=\/dev\/hvc0$/m,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the initramfs /init with root= support is valid shell', () => {
  const s = initScript("banner with 'quotes'");
  shellSyntax(s);
  assert.ok(s.includes(ROOT_MOUNT_MARKER));
  assert.match(s, /exec switch_root -c \/dev\/console \/newroot "\$rinit"/);
  // Root handling comes after the modules are loaded and before the rescue shell.
  assert.ok(s.indexOf('load-order') < s.indexOf(ROOT_MOUNT_MARKER));
  assert.ok(s.indexOf(ROOT_MOUNT_MARKER) < s.indexOf('setsid cttyhack sh'));
});

test('an old initramfs gets the new /init appended as a second gzip member; a current one is left alone', () => {
  const w = new CpioWriter();
  w.addFile('init', Buffer.from('#!/bin/sh\necho old\n'), 0o755);
  w.addFile('bin/busybox', Buffer.from('not really'), 0o755);
  const old = Buffer.from(require_gzip(w.finish()));
  assert.equal(initrdHasRootSupport(old), false);
  const up = upgradeInitrd(old, 'the banner');
  assert.ok(up.subarray(0, old.length).equals(old), 'the original archive is kept byte for byte');
  assert.equal(initrdHasRootSupport(up), true);
  // gzip (not our code) decompresses both members; GNU cpio lists the appended archive.
  const all = execFileSync('gzip', ['-dc'], { input: up });
  assert.ok(all.equals(gunzipSync(up)));
  const second = execFileSync('gzip', ['-dc'], { input: up.subarray(old.length) });
  const listing = execFileSync('cpio', ['-t', '--quiet'], { input: second, encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listing, ['init']);
  assert.ok(second.includes(Buffer.from(initScript('the banner'))));
  assert.ok(upgradeInitrd(up, 'x').equals(up));
  const fresh = buildInitramfs({
    busybox: Buffer.from('bb'),
    applets: ['sh'],
    kernelVersion: '6.1',
    modules: [],
    modulesDep: '',
    banner: 'b',
  });
  assert.equal(initrdHasRootSupport(fresh), true);
});

function require_gzip(b: Buffer): Buffer {
  return execFileSync('gzip', ['-9', '-c'], { input: b });
}
