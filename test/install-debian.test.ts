// `create --install debian`: the netboot installer is fetched through the signed Release → SHA256SUMS chain (from a
// local archive here: the real one's installer files are not reachable from CI), its preseed rides in an extra cpio
// the kernel unpacks, U-Boot boots it from its read-only disk while the VM's own disk is empty, and boots the disk
// once a system is on it. Debian's kernel and the busybox initramfs stand in for the installer's kernel and initrd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { findCachedUboot, pullUboot } from '../src/images/firmware.js';
import { defaultImagesRoot } from '../src/images/cache.js';
import { sha256Hex } from '../src/images/release.js';
import {
  builtinPreseed,
  combinedPreseed,
  INSTALLER_SUMS,
  parseSha256Sums,
  preseededInitrd,
  pullInstaller,
} from '../src/images/installer.js';
import { makeExtlinuxDisk } from '../src/images/installer-medium.js';
import { GuestConsole } from './harness/guest-console.js';
import { BIN, ManagerHome } from './harness/manager-cli.js';
import { withTempDir } from './harness/temp-dir.js';

const IMAGES = 'main/installer-riscv64/current/images';
const NETBOOT = 'netboot/debian-installer/riscv64';

/** A Debian-shaped archive on 127.0.0.1 whose InRelease is clear-signed by a key made here (when gpg exists). */
class LocalArchive {
  readonly files = new Map<string, Buffer>();
  private server: Server | undefined;
  keyring: string | null = null;
  url = '';

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const body = this.files.get(decodeURIComponent((req.url ?? '').split('?')[0]!));
      if (!body) res.writeHead(404).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/debian`;
  }

  stop(): void {
    this.server?.close();
  }

  /** Publishes the installer's kernel and initrd, their SHA256SUMS, and a Release listing it (signed if possible). */
  publish(kernel: Buffer, initrd: Buffer, o: { listSums?: boolean } = {}): void {
    const base = '/debian/dists/trixie';
    this.files.set(`${base}/${IMAGES}/${NETBOOT}/linux`, kernel);
    this.files.set(`${base}/${IMAGES}/${NETBOOT}/initrd.gz`, initrd);
    const sums = Buffer.from(
      `${sha256Hex(randomBytes(8))}  ./MANIFEST\n` +
        `${sha256Hex(kernel)}  ./${NETBOOT}/linux\n${sha256Hex(initrd)}  ./${NETBOOT}/initrd.gz\n`,
    );
    this.files.set(`${base}/${INSTALLER_SUMS}`, sums);
    const listed = o.listSums === false ? [] : [` ${sha256Hex(sums)} ${sums.length} ${INSTALLER_SUMS}`];
    const release = [
      'Origin: Debian',
      'Suite: trixie',
      'Codename: trixie',
      'Architectures: amd64 riscv64',
      'Components: main',
      'SHA256:',
      ` ${sha256Hex(Buffer.from('x'))} 1 main/binary-riscv64/Release`,
      ...listed,
      '',
    ].join('\n');
    this.files.set(`${base}/InRelease`, this.sign(release));
  }

  private sign(text: string): Buffer {
    if (spawnSync('gpg', ['--version']).status !== 0 || spawnSync('gpgv', ['--version']).status !== 0)
      return Buffer.from(text);
    const home = join(this.dir, 'gnupg');
    const gpg = (args: string[], input?: string): Buffer =>
      execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
        input,
        stdio: ['pipe', 'pipe', 'ignore'],
      });
    if (this.keyring === null) {
      mkdirSync(home, { recursive: true, mode: 0o700 });
      gpg(['--quick-gen-key', 'Test Archive <archive@archive.invalid>', 'ed25519', 'sign', 'never']);
      this.keyring = join(this.dir, 'archive.gpg');
      writeFileSync(this.keyring, gpg(['--export']));
    }
    return gpg(['--clearsign'], text);
  }
}

test(
  'the installer is fetched through the signed Release and SHA256SUMS, cached, and refused when anything differs',
  { timeout: 5 * 60_000 },
  withTempDir('tv-install-pull-', async (dir) => {
    const archive = new LocalArchive(dir);
    await archive.start();
    try {
      const kernel = randomBytes(64 * 1024);
      const initrd = randomBytes(32 * 1024);
      archive.publish(kernel, initrd);
      const cacheDir = join(dir, 'cache');
      const opts = { mirror: archive.url, cacheDir, keyring: archive.keyring, progress: false };
      const lines: string[] = [];
      const got = await pullInstaller({ ...opts, log: (l) => lines.push(l) });
      assert.deepEqual(readFileSync(got.kernel), kernel);
      assert.deepEqual(readFileSync(got.initrd), initrd);
      assert.equal(got.mirror, archive.url);
      if (archive.keyring)
        assert.ok(
          lines.some((l) => /signature verified with gpgv/.test(l)),
          lines.join('\n'),
        );
      // Cached: nothing is asked of the archive.
      archive.stop();
      assert.equal((await pullInstaller({ ...opts, log: () => undefined })).initrd, got.initrd);
      await archive.start();

      // A file that differs from SHA256SUMS, a SHA256SUMS that differs from the Release, none listed at all.
      archive.publish(kernel, initrd);
      const served = archive.files.get(`/debian/dists/trixie/${IMAGES}/${NETBOOT}/initrd.gz`)!;
      served[100] ^= 1;
      const fresh = { ...opts, mirror: archive.url, keyring: archive.keyring, cacheDir: join(dir, 'c2') };
      await assert.rejects(pullInstaller({ ...fresh, log: () => undefined }), /SHA-256/);
      archive.publish(kernel, initrd);
      archive.files.get(`/debian/dists/trixie/${INSTALLER_SUMS}`)![0] ^= 1;
      await assert.rejects(pullInstaller({ ...fresh, log: () => undefined }), /SHA-256 .* differs from the Release/);
      archive.publish(kernel, initrd, { listSums: false });
      await assert.rejects(pullInstaller({ ...fresh, log: () => undefined }), /has no riscv64 installer/);
      if (archive.keyring) {
        // A Release signed by a key the keyring does not hold.
        archive.publish(kernel, initrd);
        const otherDir = join(dir, 'other');
        mkdirSync(otherDir);
        const other = new LocalArchive(otherDir);
        other.publish(kernel, initrd);
        await assert.rejects(
          pullInstaller({ ...fresh, keyring: other.keyring, log: () => undefined }),
          /signature check failed/,
        );
      }
      assert.equal(parseSha256Sums(`${'a'.repeat(64)}  ./x\nnot a line\n`).get('./x'), 'a'.repeat(64));
    } finally {
      archive.stop();
    }
  }),
);

/** `typevisor start NAME --console` with the test's cache folder, driven like a person at the console. */
function startWithConsole(
  h: ManagerHome,
  cache: string,
  name: string,
): { child: ChildProcessWithoutNullStreams; con: GuestConsole } {
  const child = spawn(process.execPath, [BIN, 'start', name, '--console'], {
    env: { ...h.env(), XDG_CACHE_HOME: cache },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  return { child, con: new GuestConsole(child) };
}

const PROMPT = /root@[\w-]+:[^#]*# /;

test(
  'create --install debian boots the preseeded installer from its read-only disk through U-Boot, then the installed disk',
  { timeout: 30 * 60_000 },
  withTempDir('tv-install-boot-', async (dir) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: () => undefined }));
    const uboot = findCachedUboot() ?? (await pullUboot({ log: () => undefined }));
    // The test's own cache: U-Boot copied from the real one, the stand-in installer fetched from the local archive.
    const cache = join(dir, 'xdg');
    const images = defaultImagesRoot({ XDG_CACHE_HOME: cache });
    cpSync(join(uboot.path, '..'), join(images, 'u-boot-trixie-riscv64'), { recursive: true });
    const archive = new LocalArchive(dir);
    await archive.start();
    try {
      archive.publish(readFileSync(img.kernel), readFileSync(img.initrd));
      await pullInstaller({
        mirror: archive.url,
        cacheDir: images,
        keyring: archive.keyring,
        progress: false,
        log: () => undefined,
      });
    } finally {
      archive.stop();
    }
    const marker = `answer-${randomBytes(4).toString('hex')}`;
    const preseed = join(dir, 'preseed.cfg');
    writeFileSync(preseed, `d-i passwd/root-password string ${marker}\n`);

    const h = new ManagerHome('tv-install-home-');
    const tv = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        const c = spawn(process.execPath, [BIN, ...args], { env: { ...h.env(), XDG_CACHE_HOME: cache } });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        c.on('exit', (code) => done({ code: code ?? 1, stdout, stderr }));
      });
    try {
      const noNet = await tv('create', 'x', '--install', 'debian');
      assert.equal(noNet.code, 2);
      assert.match(noNet.stderr, /--install debian fetches the system from a Debian mirror: give the VM a --network/);
      const made = await tv(
        ...['create', 'inst', '--install', 'debian', '--preseed', preseed, '--disk-size', '64M'],
        ...['--nic', 'null', '-m', '512M', '--format', 'json'],
      );
      assert.equal(made.code, 0, made.stderr);
      const def = (
        JSON.parse(made.stdout) as {
          definition: { boot: unknown; disks: { path: string; readonly: boolean; media?: string }[] };
        }
      ).definition;
      assert.deepEqual(def.boot, { firmware: 'u-boot' });
      assert.equal(def.disks.length, 2);
      assert.equal(def.disks[0]!.path, 'disk0.qcow2');
      assert.equal(def.disks[1]!.media, 'cdrom');
      assert.equal(def.disks[1]!.readonly, true);
      assert.match((await tv('info', 'inst')).stdout, /disk 1 .*\(cdrom, raw, readonly\)/);

      // First boot: the empty disk has nothing, so U-Boot boots the installer disk.
      let { child, con } = startWithConsole(h, cache, 'inst');
      try {
        await con.waitFor(/U-Boot 20\d\d/, 'the U-Boot banner');
        await con.waitFor(/Retrieving file: \/boot\/extlinux\/extlinux\.conf/, 'U-Boot reading the installer disk');
        await con.waitFor(PROMPT, "the stand-in installer's shell");
        // The preseed archive after the initrd was unpacked by the kernel: the built-in answers, then the user's.
        const seeded = await con.run('cat /preseed.cfg');
        assert.match(seeded, /^d-i pkgsel\/include string u-boot-menu$/m);
        assert.match(seeded, new RegExp(`^d-i mirror/http/hostname string 127\\.0\\.0\\.1:\\d+$`, 'm'));
        assert.match(seeded, new RegExp(`^d-i passwd/root-password string ${marker}$`, 'm'));
        assert.match(await con.run('cat /proc/cmdline'), /console=ttyS0/);
        // The installer disk is read-only to the guest (virtio-blk's read-only feature); the VM's own disk is not.
        assert.match(await con.run('cat /sys/block/vda/ro /sys/block/vdb/ro | tr "\\n" " "'), /^0 1 $/m);
        await con.exitAfter('poweroff -f');
      } catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${(e as Error).message}\n${con.output.slice(-3000)}\n${con.stderr.slice(-1000)}`);
      }
      await waitStopped(tv, 'inst');

      // What an installer leaves: a partitioned disk with extlinux.conf (u-boot-menu's). U-Boot now boots it first.
      const installed = join(dir, 'installed.raw');
      const done = `installed=${randomBytes(4).toString('hex')}`;
      makeExtlinuxDisk(installed, {
        kernel: img.kernel,
        initrd: readFileSync(img.initrd),
        append: `console=ttyS0 ${done}`,
        label: 'debian',
      });
      const disk0 = join(h.dir, 'vms', 'inst', 'disk0.qcow2');
      execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', installed, disk0]);
      ({ child, con } = startWithConsole(h, cache, 'inst'));
      try {
        await con.waitFor(PROMPT, 'the installed system');
        assert.match(await con.run('cat /proc/cmdline'), new RegExp(done));
        await con.exitAfter('poweroff -f');
      } catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${(e as Error).message}\n${con.output.slice(-3000)}\n${con.stderr.slice(-1000)}`);
      }
      // The VM process writes its final state after the guest powers off: the folder is removed only after that.
      await waitStopped(tv, 'inst');
    } finally {
      h.cleanup();
    }
  }),
);

async function waitStopped(
  tv: (...a: string[]) => Promise<{ code: number; stdout: string }>,
  name: string,
): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await tv('info', name, '--format', 'json');
    if ((JSON.parse(r.stdout) as { state: string }).state !== 'running') return;
    await new Promise((r2) => setTimeout(r2, 500));
  }
  throw new Error(`${name} did not stop`);
}

test('the preseed archive follows the initrd on a 4-byte boundary and holds preseed.cfg (GNU cpio lists it)', () => {
  const joined = preseededInitrd(Buffer.alloc(1001, 7), 'd-i x string y\n');
  assert.equal(
    joined.subarray(0, 1001).every((b) => b === 7),
    true,
  );
  assert.deepEqual([...joined.subarray(1001, 1004)], [0, 0, 0]);
  const cpio = spawnSync('sh', ['-c', 'gunzip | cpio -t --quiet'], { input: joined.subarray(1004) });
  assert.equal(cpio.status, 0, cpio.stderr.toString());
  assert.equal(cpio.stdout.toString(), 'preseed.cfg\n');
  assert.throws(() => preseededInitrd(Buffer.alloc(0), 'x'.repeat((1 << 20) + 1)), /at most 1 MiB/);
});

/** Answers to every question Debian's installer asks on a VM: root password only, one ext4 partition, no tasks. */
function unattendedPreseed(password: string): string {
  return [
    'd-i debian-installer/locale string en_US.UTF-8',
    'd-i keyboard-configuration/xkb-keymap select us',
    'd-i netcfg/choose_interface select auto',
    'd-i netcfg/get_hostname string installed',
    'd-i netcfg/get_domain string',
    'd-i hw-detect/load_firmware boolean false',
    'd-i passwd/root-login boolean true',
    `d-i passwd/root-password password ${password}`,
    `d-i passwd/root-password-again password ${password}`,
    'd-i passwd/make-user boolean false',
    'd-i clock-setup/utc boolean true',
    'd-i time/zone string UTC',
    'd-i clock-setup/ntp boolean false',
    'd-i partman-auto/method string regular',
    'd-i partman-auto/choose_recipe select atomic',
    'd-i partman-partitioning/confirm_write_new_label boolean true',
    'd-i partman/choose_partition select finish',
    'd-i partman/confirm boolean true',
    'd-i partman/confirm_nooverwrite boolean true',
    'd-i apt-setup/non-free-firmware boolean false',
    'd-i apt-setup/services-select multiselect',
    'tasksel tasksel/first multiselect',
    'popularity-contest popularity-contest/participate boolean false',
    'd-i nobootloader/confirmation_common note',
    'd-i finish-install/reboot_in_progress note',
    '',
  ].join('\n');
}

test(
  'the real Debian installer installs unattended over the NAT network and the installed system boots from its disk',
  {
    // Hours under the interpreter, and it needs the archive's installer files and riscv64 udebs.
    skip:
      process.env['TYPEVISOR_INSTALL_TESTS'] === '1'
        ? false
        : 'a full Debian install takes hours: set TYPEVISOR_INSTALL_TESTS=1',
    timeout: 12 * 60 * 60_000,
  },
  withTempDir('tv-install-full-', async (dir) => {
    const h = new ManagerHome('tv-install-full-home-');
    try {
      const password = `pw${randomBytes(6).toString('hex')}`;
      const preseed = join(dir, 'preseed.cfg');
      writeFileSync(preseed, unattendedPreseed(password));
      assert.equal((await h.tv('net', 'create', 'instnet', '--nat')).code, 0);
      const made = await h.tv(
        ...['create', 'full', '--install', 'debian', '--preseed', preseed, '--network', 'instnet'],
        ...['-m', '1G', '--disk-size', '8G'],
      );
      assert.equal(made.code, 0, made.stderr);
      const child = h.spawn('start', 'full', '--console');
      const con = new GuestConsole(child);
      try {
        await con.waitFor(/Retrieving file: \/boot\/extlinux\/extlinux\.conf/, 'U-Boot booting the installer');
        // The installer's last step reboots; U-Boot then boots the disk, and the installed system asks for a login.
        const login = await con.waitFor(/\binstalled login: $/, 'the installed system');
        child.stdin.write('root\n');
        await con.waitFor(/Password: $/, 'the password prompt', login.index);
        child.stdin.write(`${password}\n`);
        await con.waitFor(/root@installed:~# $/, 'the shell', login.index);
        assert.match(await con.run('cat /etc/debian_version; ls /boot/extlinux'), /^13\.\d+\nextlinux\.conf$/m);
        await con.exitAfter('poweroff');
      } catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${(e as Error).message}\n${con.output.slice(-5000)}\n${con.stderr.slice(-1000)}`);
      }
    } finally {
      h.cleanup();
    }
  }),
);

test("a user's pkgsel/include keeps u-boot-menu; other answers follow the built-in ones", () => {
  const builtin = builtinPreseed('http://mirror.invalid/debian', 'trixie');
  assert.match(builtin, /^d-i mirror\/http\/directory string \/debian$/m);
  const user = 'd-i pkgsel/include string openssh-server curl\nd-i time/zone string UTC\n';
  const both = combinedPreseed(builtin, user);
  assert.ok(both.startsWith(builtin));
  assert.match(both, /^d-i pkgsel\/include string openssh-server curl u-boot-menu$/m);
  assert.match(both, /^d-i time\/zone string UTC$/m);
  assert.equal(
    combinedPreseed(builtin, 'd-i pkgsel/include string u-boot-menu sudo\n'),
    `${builtin}\nd-i pkgsel/include string u-boot-menu sudo\n`,
  );
});
