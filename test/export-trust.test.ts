// Archives from someone else, made with GNU tar: a disk naming a host file as its backing file, boot files outside
// the archive and stray boot members are refused with nothing left behind; shares and socket links are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manager, ManagerError } from '../src/manager/client.js';
import { importVm } from '../src/manager/export.js';
import { withTempDir } from './harness/temp-dir.js';

const MAC = '52:54:00:12:34:56';

/** A ustar archive as `export` lays it out (members, then the manifest with their SHA-256s), written by GNU tar. */
function archive(dir: string, name: string, members: Record<string, Buffer | string>): string {
  const src = join(dir, `${name}.d`);
  const manifest = [];
  for (const [path, data] of Object.entries(members)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    writeFileSync(join(src, path), bytes);
    manifest.push({ path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  writeFileSync(
    join(src, 'typevisor-export.json'),
    JSON.stringify({ format: 'typevisor-export', version: 1, name: 'vm', files: manifest }),
  );
  const file = join(dir, `${name}.tar`);
  execFileSync('tar', ['--format=ustar', '-C', src, '-cf', file, ...Object.keys(members), 'typevisor-export.json']);
  return file;
}

function definition(extra: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    name: 'vm',
    memoryMiB: 256,
    cpus: 1,
    boot: { image: 'debian' },
    disks: [{ path: 'disk0.qcow2', format: 'qcow2', readonly: false, owned: true }],
    nics: [],
    shares: [],
    ...extra,
  });
}

test(
  'import refuses what would reach host files and leaves out host grants',
  withTempDir('tv-export-trust-', async (dir) => {
    const m = new Manager(join(dir, 'home'));
    const qcow = (name: string, backing?: string) => {
      const p = join(dir, name);
      const b = backing ? ['-b', backing, '-F', 'raw'] : [];
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...b, p, '16M']);
      return readFileSync(p);
    };
    const clean = qcow('clean.qcow2');
    const secret = join(dir, 'secret.raw');
    writeFileSync(secret, Buffer.alloc(16 << 20, 0x5a));
    const refused = async (file: string, re: RegExp) => {
      await assert.rejects(importVm(m, file), (e: ManagerError) => {
        assert.equal(e.kind, 'bad-input', e.message);
        assert.match(e.message, re);
        return true;
      });
      let left: string[] = [];
      try {
        left = readdirSync(join(m.home, 'vms'));
      } catch {
        // no vms folder: nothing left either
      }
      assert.deepEqual(left, [], 'nothing half-imported');
    };

    // Sanity: the format the test writes is the one export writes (the real VM imports).
    const own = archive(dir, 'own', { 'vm.json': definition({}), 'disk0.qcow2': clean });
    const probe = new Manager(join(dir, 'probe'));
    await importVm(probe, own);
    assert.equal(probe.get('vm').definition!.boot.image, 'debian');

    await refused(
      archive(dir, 'backing', { 'vm.json': definition({}), 'disk0.qcow2': qcow('backed.qcow2', secret) }),
      /disk0\.qcow2 names a backing file \(".*secret\.raw"\): an archive's disks stand alone/,
    );
    await refused(
      archive(dir, 'kernel', {
        'vm.json': definition({ boot: { kernel: '/etc/hostname', initrd: secret } }),
        'disk0.qcow2': clean,
      }),
      /its VM boots from \/etc\/hostname, a host file the archive does not carry/,
    );
    await refused(
      archive(dir, 'stray', { 'vm.json': definition({}), 'disk0.qcow2': clean, 'boot/initrd': 'x' }),
      /boot\/initrd is in the archive but its vm\.json does not boot it/,
    );

    // Shares and socket links are grants on the author's host: the VM comes without them, the same card kept.
    const granted = archive(dir, 'grants', {
      'vm.json': definition({
        shares: [{ path: '/', tag: 'root', readonly: false }],
        nics: [{ mode: 'connect', socket: '/run/some-daemon.sock', mac: MAC }],
        boot: { kernel: '/boot/not-here', cmdline: 'console=ttyS0' },
      }),
      'disk0.qcow2': clean,
      'boot/kernel': 'kernel bytes',
    });
    const r = await importVm(m, granted);
    assert.deepEqual(r.leftOut, ['share / (tag root)', `the link of NIC ${MAC} (connect /run/some-daemon.sock)`]);
    const def = m.get('vm').definition!;
    assert.deepEqual(def.shares, []);
    assert.deepEqual(def.nics, [{ mode: 'null', mac: MAC }]);
    assert.equal(def.boot.kernel, join(m.paths('vm').dir, 'boot', 'kernel'));
    assert.equal(readFileSync(def.boot.kernel, 'utf8'), 'kernel bytes');
    assert.equal(statSync(join(m.paths('vm').dir, 'disk0.qcow2')).size, clean.length);
  }),
);
