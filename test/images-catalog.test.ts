// Named images: `image list` and `image remove` over a cache laid out as pulls leave it, with qemu-img making the VM
// overlays that rest on the root disk and qemu-io holding it open (QEMU's own image locks); the second stage's
// progress lines; `run --image` refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecondStageProgress } from '../src/images/rootfs/progress.js';
import { BIN, type CliResult } from './harness/manager-cli.js';

function tv(env: NodeJS.ProcessEnv, ...args: string[]): CliResult {
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A cache as pulls leave it: debian (kernel, initrd, manifest), debian-full (root disk + manifest), u-boot. */
function makeCache(root: string): { images: string; rootDisk: string } {
  const images = join(root, 'typevisor', 'images');
  const deb = join(images, 'debian-trixie-riscv64');
  mkdirSync(deb, { recursive: true });
  writeFileSync(join(deb, 'Image'), Buffer.alloc(200_000, 1));
  writeFileSync(join(deb, 'initrd.img'), Buffer.alloc(100_000, 2));
  writeFileSync(
    join(deb, 'manifest.json'),
    JSON.stringify({ format: 1, kernelVersion: '6.12.0-test-riscv64', created: '2026-01-02T03:04:05.000Z' }),
  );
  const rootDisk = join(deb, 'root.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', rootDisk, '64M']);
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 7 0 1M', rootDisk], { stdio: 'ignore' });
  writeFileSync(
    join(deb, 'root.json'),
    JSON.stringify({ format: 1, file: 'root.qcow2', cmdline: 'root=/dev/vda', created: '2026-01-03T00:00:00.000Z' }),
  );
  mkdirSync(join(deb, 'rootfs-work', 'stage1'), { recursive: true });
  writeFileSync(join(deb, 'rootfs-work', 'stage1', 'x'), 'tree');
  const ub = join(images, 'u-boot-trixie-riscv64');
  mkdirSync(ub);
  writeFileSync(join(ub, 'u-boot.bin'), Buffer.alloc(5000, 3));
  writeFileSync(join(ub, 'manifest.json'), JSON.stringify({ format: 1, package: { version: '2025.01-3' } }));
  // Not an image: left alone by list and remove.
  mkdirSync(join(images, 'something-else'));
  return { images, rootDisk };
}

test('image list and remove: sizes, refusals while a VM disk rests on the root disk or QEMU holds it, then removal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tv-catalog-'));
  try {
    const { images, rootDisk } = makeCache(join(dir, 'cache'));
    const home = join(dir, 'home');
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), TYPEVISOR_HOME: home };

    const listed = tv(env, 'image', 'list', '--format', 'json');
    assert.equal(listed.code, 0, listed.stderr);
    const all = JSON.parse(listed.stdout) as { name: string; suite: string; bytes: number; version?: string }[];
    assert.deepEqual(
      all.map((e) => `${e.name}/${e.suite}`),
      ['debian/trixie', 'debian-full/trixie', 'u-boot/trixie'],
    );
    assert.equal(all[0]!.version, '6.12.0-test-riscv64');
    assert.ok(all[0]!.bytes >= 300_000, `debian takes ${all[0]!.bytes} bytes`);
    assert.ok(all[1]!.bytes >= 1 << 20, 'the root disk counts the cluster written into it');
    const table = tv(env, 'image', 'ls');
    assert.match(table.stdout, /^NAME +SUITE +SIZE/);
    assert.match(table.stdout, /^debian-full +trixie +\d/m);

    // A VM's overlay on the root disk (as create --image debian-full makes it) keeps the image.
    const vm = join(home, 'vms', 'box');
    mkdirSync(vm, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', rootDisk, '-F', 'qcow2', join(vm, 'root.qcow2')]);
    let r = tv(env, 'image', 'remove', 'debian-full');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^typevisor: cannot remove debian-full: VM disks rest on it \(box\/root\.qcow2\)/);
    rmSync(vm, { recursive: true });

    // The kernel of debian is what debian-full boots with.
    r = tv(env, 'image', 'rm', 'debian');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /remove debian-full first/);

    // A running QEMU holding the root disk (its image locks) keeps it too.
    const holder = spawn('qemu-io', ['-f', 'qcow2', rootDisk], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((ok) => holder.stdout.once('data', () => ok()));
      r = tv(env, 'image', 'rm', 'debian-full');
      assert.equal(r.code, 4);
      assert.match(r.stderr, /root\.qcow2 is in use/);
    } finally {
      holder.stdin.end('quit\n');
      await new Promise((ok) => holder.once('exit', ok));
    }

    r = tv(env, 'image', 'rm', 'debian-full');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed debian-full \(trixie\): [\d.]+ [KM]iB freed$/m);
    const deb = join(images, 'debian-trixie-riscv64');
    assert.deepEqual(readdirSync(deb).sort(), ['Image', 'initrd.img', 'manifest.json']);
    r = tv(env, 'image', 'rm', 'debian');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(deb), false, 'the emptied folder goes too');
    assert.equal(existsSync(join(images, 'something-else')), true);

    r = tv(env, 'image', 'rm', 'debian');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no image debian \(trixie\)/);
    r = tv(env, 'image', 'rm', 'ubuntu');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown image "ubuntu" \(available: debian, debian-full, u-boot, debian-installer\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run --image: debian-full not built, or mixed with --kernel, is a one-line error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tv-catalog-'));
  try {
    const { images } = makeCache(join(dir, 'cache'));
    rmSync(join(images, 'debian-trixie-riscv64', 'root.json'));
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), TYPEVISOR_HOME: join(dir, 'home') };
    let r = tv(env, 'run', '--image', 'debian-full', '--kernel', '/nonexistent');
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'typevisor: --image boots a named image: it takes no --kernel or --firmware\n');
    r = tv(env, 'create', 'full', '--image', 'debian-full');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the image debian-full is not built yet: `typevisor image pull debian-full` builds it/);
    r = tv(env, 'run', '--image', 'ubuntu');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are debian, debian-full/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("second stage progress: debootstrap's lines, split anywhere, give one line per tenth and per minute", () => {
  const lines: string[] = [];
  let now = 0;
  const p = new SecondStageProgress(
    10,
    (l) => lines.push(l),
    () => now,
  );
  const out =
    Array.from({ length: 10 }, (_, i) => `I: Unpacking pkg${i}:riscv64...\r\n`).join('') +
    'W: something else\r\nI: Installing core packages...\r\n' +
    Array.from({ length: 10 }, (_, i) => `I: Configuring pkg${i}:riscv64...\r\n`).join('');
  const bytes = Buffer.from(out);
  for (let i = 0; i < bytes.length; i += 7) {
    now += 1000;
    p.feed(bytes.subarray(i, i + 7));
  }
  assert.equal(lines.length, 10);
  assert.equal(lines[0], 'second stage: unpacking pkg1:riscv64 (2 of 20 steps, 10 %), 0 min so far');
  assert.match(lines[9]!, /^second stage: configuring pkg9:riscv64 \(20 of 20 steps, 100 %\), \d+ min so far$/);
  // A slow stretch with no new tenth still reports once a minute.
  const slow: string[] = [];
  now = 0;
  const q = new SecondStageProgress(
    1000,
    (l) => slow.push(l),
    () => now,
  );
  for (let i = 0; i < 5; i++) {
    now += 61_000;
    q.feed(Buffer.from(`I: Unpacking p${i}...\n`));
  }
  assert.equal(slow.length, 5);
  assert.match(slow[4]!, /p4 \(5 of 2000 steps, 0 %\), 5 min so far/);
});
