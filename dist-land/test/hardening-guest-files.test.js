// Class: a guest never reaches host files through its disks — format probing, the sector-0 guard, backing-file trust.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from './harness/temp-dir.js';
import { openDisk } from '../src/disk/open.js';
import { createQcow2 } from '../src/disk/qcow2/create.js';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { bootDefaultGuest } from './harness/guest-console.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
const withDir = (fn) => withTempDir('tv-hardening-files-', fn);
/** A qcow2 header naming `backing` (raw), made by qemu-img: what a hostile guest would write into its raw disk. */
function evilHeader(dir, backing) {
    const p = join(dir, 'evil-src.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'raw', p, '1M']);
    const head = readFileSync(p).subarray(0, 65536);
    rmSync(p);
    return head;
}
test('a probed raw image refuses writes that would make sector 0 probe as another format; a stated raw one does not', withDir(async (dir) => {
    const path = join(dir, 'disk.img');
    writeFileSync(path, Buffer.alloc(MiB));
    const warnings = [];
    const disk = await openDisk(path, { warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /probing guessed raw/);
    const head = evilHeader(dir, '/etc/passwd');
    await assert.rejects(disk.write(0, head), /sector 0 refused.*qcow2/);
    // The magic put together from two writes, and a magic at its offset other than 0 (vdi's at 64), are refused too.
    await disk.write(0, QCOW2_MAGIC.subarray(0, 2));
    await assert.rejects(disk.write(2, QCOW2_MAGIC.subarray(2)), /sector 0 refused/);
    await assert.rejects(disk.write(64, Buffer.from([0x7f, 0x10, 0xda, 0xbe])), /probe as vdi/);
    // Sector 0 may change in every other way, and the rest of the disk is the guest's.
    await disk.write(0, Buffer.alloc(512, 0xaa));
    await disk.write(512, head);
    await disk.close();
    assert.equal(readFileSync(path).subarray(0, 512).toString('hex'), Buffer.alloc(512, 0xaa).toString('hex'));
    const stated = await openDisk(path, { format: 'raw', warn: (m) => warnings.push(m) });
    await stated.write(0, head);
    await stated.close();
    assert.equal(warnings.length, 1, 'no warning when the format is stated');
    assert.ok(readFileSync(path).subarray(0, 4).equals(QCOW2_MAGIC));
}));
test('a probed image naming a backing file is refused; a stated format, a recorded backing format or trustBacking open it', withDir(async (dir) => {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'host secret\n'.repeat(100));
    const top = join(dir, 'top.img');
    writeFileSync(top, evilHeader(dir, secret));
    truncateSync(top, 196 * 1024);
    await assert.rejects(openDisk(top), /probed as qcow2 and names the backing file ".*secret".*format=qcow2/);
    await assert.rejects(openDisk(top, { readOnly: true }), /not trusted/);
    for (const opts of [{ format: 'qcow2' }, { trustBacking: true }]) {
        const d = await openDisk(top, { ...opts, readOnly: true });
        const buf = new Uint8Array(12);
        await d.read(0, buf);
        assert.equal(Buffer.from(buf).toString(), 'host secret\n');
        await d.close();
    }
    // Below a stated top image, a backing image whose format its overlay did not record is probed: the same rule.
    const mid = join(dir, 'mid.qcow2');
    await createQcow2(mid, MiB, { backingFile: 'top.img' }); // no backing format recorded
    const upper = join(dir, 'upper.qcow2');
    await createQcow2(upper, MiB, { backingFile: 'mid.qcow2', backingFormat: 'qcow2' });
    await assert.rejects(openDisk(upper, { format: 'qcow2' }), /top\.img was probed.*mid\.qcow2 does not record/);
}));
test('`img create -b` records the backing format it probed; a probed qcow2 with a backing file of its own needs -F', withDir(async (dir) => {
    writeFileSync(join(dir, 'base.img'), Buffer.alloc(MiB));
    const run = (...args) => spawnSync(process.execPath, [bin, 'img', ...args], { cwd: dir, encoding: 'utf8' });
    assert.equal(run('create', '-b', 'base.img', 'a.qcow2').status, 0);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(dir, 'a.qcow2')], { encoding: 'utf8' }));
    assert.equal(info['backing-filename-format'], 'raw');
    const r = run('create', '-b', 'a.qcow2', 'b.qcow2');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /a\.qcow2 was probed as qcow2 and names the backing file/);
    assert.equal(run('create', '-b', 'a.qcow2', '-F', 'qcow2', 'b.qcow2').status, 0);
    const empty = run('create', '-b', '', 'c.qcow2');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /backing file name is empty/);
}));
test('a Debian guest writing a qcow2 header into its probed raw disk gets an I/O error; into a stated raw disk, the next probed run refuses it', { timeout: 25 * 60_000 }, withDir(async (dir) => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'HOST-SECRET-CONTENT\n'.repeat(1000));
    const evil = join(dir, 'evil.raw');
    writeFileSync(evil, evilHeader(dir, secret));
    truncateSync(evil, MiB);
    const probed = join(dir, 'probed.img'), stated = join(dir, 'stated.img');
    writeFileSync(probed, Buffer.alloc(8 * MiB));
    writeFileSync(stated, Buffer.alloc(12 * MiB));
    const g = await bootDefaultGuest(['--disk', `${evil},readonly,format=raw`, '--disk', probed, '--disk', `${stated},format=raw`], { name: 'sector-0 guest' });
    try {
        const devs = await g.con.run('for d in /sys/block/vd*; do echo ${d##*/} $(cat $d/size); done');
        const dev = (bytes) => {
            const m = new RegExp(`^(vd[a-z]) ${bytes / 512}$`, 'm').exec(devs);
            assert.ok(m, `no virtio disk of ${bytes} bytes in:\n${devs}`);
            return m[1];
        };
        const [vEvil, vProbed, vStated] = [dev(MiB), dev(8 * MiB), dev(12 * MiB)];
        const w1 = await g.con.run(`dd if=/dev/${vEvil} of=/dev/${vProbed} bs=65536 count=1 conv=fsync 2>&1; echo rc=$?`);
        assert.match(w1, /^rc=[1-9]\d*$/m, `the write into the probed disk succeeded:\n${w1}`);
        const w2 = await g.con.run(`dd if=/dev/${vEvil} of=/dev/${vStated} bs=65536 count=1 conv=fsync 2>&1; echo rc=$?`);
        assert.match(w2, /^rc=0$/m, w2);
        assert.equal(await g.con.exitAfter('poweroff -f'), 0);
    }
    catch (e) {
        throw g.fail(e);
    }
    assert.equal((g.con.stderr.match(/probing guessed raw/g) ?? []).length, 1, g.con.stderr);
    assert.ok(readFileSync(probed).subarray(0, 512).equals(Buffer.alloc(512)), 'sector 0 of the probed disk changed');
    assert.ok(readFileSync(stated).subarray(0, 4).equals(QCOW2_MAGIC), 'the stated raw disk did not take the write');
    // The next run, probing the disk the guest wrote, must refuse it rather than open the host file it names.
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: () => undefined }));
    const again = spawnSync(process.execPath, [bin, 'run', '--kernel', img.kernel, '--initrd', img.initrd, '-m', '256M', '--disk', stated], { encoding: 'utf8', input: '', timeout: 120_000 });
    assert.equal(again.status, 2, again.stderr);
    assert.match(again.stderr, /probed as qcow2 and names the backing file ".*secret\.txt".*format=qcow2/);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.doesNotMatch(again.stdout, /HOST-SECRET/);
}));
//# sourceMappingURL=hardening-guest-files.test.js.map