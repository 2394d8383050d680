// export/import of a stopped VM with snapshots into a second $TYPEVISOR_HOME: the same definition (MACs kept), disk
// data and internal snapshots (read by qemu-img), GNU tar reads the archive; clashes, truncated, damaged, foreign
// and wrong-version archives are refused and leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDisk } from '../src/disk/open.js';
import { Manager, ManagerError } from '../src/manager/client.js';
import { exportVm, importVm } from '../src/manager/export.js';
import { createSnapshot, readIndex } from '../src/manager/snapshots.js';
import { withTempDir } from './harness/temp-dir.js';

async function writeMarker(path: string, text: string): Promise<void> {
  const d = await openDisk(path, { format: 'qcow2' });
  try {
    await d.write(0, Buffer.from(text.padEnd(512, '\0')));
  } finally {
    await d.close();
  }
}

function qemuHead(path: string, dir: string, snapshot?: string): string {
  const out = join(dir, 'head.raw');
  const l = snapshot ? ['-l', `snapshot.name=${snapshot}`] : [];
  execFileSync('qemu-img', ['convert', ...l, '-O', 'raw', path, out]);
  return readFileSync(out).toString('latin1', 0, 512).replace(/\0+$/, '');
}

/** Nothing of a failed import is left: no VM, no hidden staging folder. */
function vmFolders(m: Manager): string[] {
  try {
    return readdirSync(join(m.home, 'vms'));
  } catch {
    return [];
  }
}

test(
  'export and import move a VM with its snapshots; bad archives are refused with nothing half-imported',
  { timeout: 5 * 60_000 },
  withTempDir('tv-export-', async (dir) => {
    const kernel = join(dir, 'kernel');
    writeFileSync(kernel, 'not booted in this test');
    const a = new Manager(join(dir, 'a'));
    const b = new Manager(join(dir, 'b'));
    await a.create({ name: 'vm', kernel, newDiskBytes: [4 * 1024 * 1024], nics: [{ mode: 'null' }] });
    const diskA = join(a.paths('vm').dir, 'disk0.qcow2');
    await writeMarker(diskA, 'first');
    await createSnapshot(a, 'vm', 'one', { description: 'before' });
    await writeMarker(diskA, 'second');
    const archive = join(dir, 'vm.tar');
    const r = await exportVm(a, 'vm', archive);
    assert.ok(r.files >= 3, `${r.files} files`);
    const members = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(members.sort(), [
      'boot/kernel',
      'disk0.qcow2',
      'snapshots/index.json',
      'typevisor-export.json',
      'vm.json',
    ]);

    await importVm(b, archive);
    const diskB = join(b.paths('vm').dir, 'disk0.qcow2');
    // The same machine (definition and MAC kept); its kernel travelled with it into its folder.
    const kernelB = join(b.paths('vm').dir, 'boot', 'kernel');
    const defA = a.get('vm').definition!;
    assert.deepEqual(b.get('vm').definition, { ...defA, boot: { ...defA.boot, kernel: kernelB } });
    assert.equal(readFileSync(kernelB, 'utf8'), 'not booted in this test');
    assert.equal(qemuHead(diskB, dir), 'second');
    assert.equal(qemuHead(diskB, dir, 'one'), 'first');
    execFileSync('qemu-img', ['check', diskB], { stdio: 'pipe' });
    assert.deepEqual(
      readIndex(b.paths('vm')).snapshots.map((s) => [s.name, s.description]),
      [['one', 'before']],
    );

    const refused = async (file: string, kind: string, re: RegExp, name?: string) => {
      const before = vmFolders(b);
      await assert.rejects(importVm(b, file, name ? { name } : {}), (e: ManagerError) => {
        assert.equal(e.kind, kind, e.message);
        assert.match(e.message, re);
        return true;
      });
      assert.deepEqual(vmFolders(b), before, 'nothing half-imported');
    };
    await refused(archive, 'exists', /a VM named "vm" already exists: import it under another name \(--name\)/);
    await importVm(b, archive, { name: 'copy' });
    assert.equal(b.get('copy').definition!.nics[0].mac, a.get('vm').definition!.nics[0].mac);

    const bytes = readFileSync(archive);
    const variant = (name: string, f: (x: Buffer) => Buffer) => {
      const p = join(dir, name);
      writeFileSync(p, f(Buffer.from(bytes)));
      return p;
    };
    await refused(
      variant('cut.tar', (x) => x.subarray(0, 70_000)),
      'bad-input',
      /truncated archive/,
      'n1',
    );
    // One byte of the disk's data changed: its SHA-256 no longer matches the manifest.
    const damaged = variant('damaged.tar', (x) => {
      x[512 * 3 + 100] ^= 0xff;
      return x;
    });
    await refused(damaged, 'bad-input', /damaged|not a typevisor export/, 'n2');
    const text = bytes.toString('latin1');
    const at = text.lastIndexOf('"version": 1');
    assert.ok(at > 0);
    const v9 = variant('v9.tar', (x) => {
      x.write('"version": 9', at, 'latin1');
      return x;
    });
    await refused(v9, 'bad-input', /export format version 9; this typevisor reads version 1/, 'n3');
    await refused(
      variant('foreign.bin', () => Buffer.alloc(4096, 0x41)),
      'bad-input',
      /not a typevisor export/,
      'n4',
    );
    // A real tar archive of other files.
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    execFileSync('tar', ['-cf', join(dir, 'other.tar'), '-C', dir, 'notes.txt']);
    await refused(join(dir, 'other.tar'), 'bad-input', /unexpected member "notes.txt"/, 'n5');
    await refused(join(dir, 'missing.tar'), 'not-found', /cannot read/, 'n6');
  }),
);
