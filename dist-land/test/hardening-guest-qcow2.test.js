// Class: a Debian guest writing into qcow2 damage made while it runs gets an I/O error while the image is marked corrupt
// and left as it was; the VM, the host process and the data elsewhere survive, and the next start refuses the image.
// (Damage present before the start is refused by the check every read-write open runs: test/disk-qcow2-damage.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from './harness/temp-dir.js';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { bootDefaultGuest } from './harness/guest-console.js';
import { corruptBit, l2Tables, layout, refcountBlocks, setU32, setU64 } from './harness/qcow2-image.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const withDir = (fn) => withTempDir('tv-hardening-qcow2-', fn);
function qemuCheckStatus(path) {
    return spawnSync('qemu-img', ['check', path], { stdio: 'ignore' }).status;
}
/** The guest-visible contents of the image, through qemu-img. */
function qemuRaw(path, dir) {
    const out = join(dir, 'contents.raw');
    execFileSync('qemu-img', ['convert', '-U', '-O', 'raw', path, out]);
    return readFileSync(out);
}
test('a Debian guest writing where its qcow2 disk was damaged under it gets an I/O error; the image is marked corrupt, not written, and refused next time', { timeout: 25 * 60_000 }, withDir(async (dir) => {
    // 4 KiB clusters: one L2 table maps 2 MiB, so the guest's reads at the start never load the table for 10 MiB.
    const disk = join(dir, 'data.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', disk, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 1M', '-c', 'write -P 0x66 10M 64k', disk], {
        stdio: 'ignore',
    });
    const g = await bootDefaultGuest(['--disk', `${disk},format=qcow2`], { name: 'damaged qcow2 guest' });
    let damaged;
    try {
        const dev = /^(vd[a-z])$/m.exec(await g.con.run('for d in /sys/block/vd*; do echo ${d##*/}; done'))[1];
        const sum = async () => (await g.con.run(`dd if=/dev/${dev} bs=65536 count=16 iflag=direct 2>/dev/null | md5sum`)).slice(0, 32);
        const expected = execFileSync('md5sum', { input: Buffer.alloc(MiB, 0x5a) })
            .toString()
            .slice(0, 32);
        assert.equal(await sum(), expected, 'the guest reads the data qemu-io wrote');
        // Another program, ignoring the image's locks, points the L2 entry of guest offset 10 MiB at the refcount
        // block (with the "copied" flag, so a write would go there in place).
        const image = readFileSync(disk);
        const l = layout(image);
        const l2 = l2Tables(image, l)[(10 * MiB) / (l.clusterSize * (l.clusterSize / 8))];
        assert.ok(l2 > 0);
        const entry = Buffer.alloc(8);
        setU64(entry, 0, refcountBlocks(image, l)[0]);
        setU32(entry, 0, 0x8000_0000);
        const fd = openSync(disk, 'r+');
        writeSync(fd, entry, 0, 8, l2);
        closeSync(fd);
        damaged = readFileSync(disk);
        const w = await g.con.run(`dd if=/dev/urandom of=/dev/${dev} bs=4096 seek=2560 count=1 oflag=direct 2>&1; echo rc=$?`);
        assert.match(w, /^rc=[1-9]\d*$/m, `the write over the refcount block succeeded:\n${w}`);
        // The VM goes on: its shell answers, and the data elsewhere on the disk still reads back.
        assert.equal(await sum(), expected, 'the data on the disk reads back after the failed write');
        assert.equal(await g.con.exitAfter('poweroff -f'), 0);
    }
    catch (e) {
        throw g.fail(e);
    }
    assert.equal((g.con.stderr.match(/Marking image as corrupt/g) ?? []).length, 1, g.con.stderr);
    const after = readFileSync(disk);
    assert.ok(corruptBit(after), 'the corrupt bit is set');
    // Since the damage, nothing but the incompatible-feature field (where the corrupt bit lives) changed.
    assert.ok(after.subarray(0, 72).equals(damaged.subarray(0, 72)) && after.subarray(80).equals(damaged.subarray(80)), 'the image was written after the damage was found');
    // The next start refuses the image in one line instead of writing to it.
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: () => undefined }));
    const again = spawnSync(process.execPath, [bin, 'run', '--kernel', img.kernel, '--initrd', img.initrd, '-m', '256M', '--disk', `${disk},format=qcow2`], { encoding: 'utf8', input: '', timeout: 120_000 });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /corrupt/);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.ok(readFileSync(disk).equals(after), 'the refused start wrote to the image');
    // Repair drops the bad entry; the data written before the damage is all there.
    assert.equal(spawnSync(process.execPath, [bin, 'img', 'check', '-r', 'all', disk]).status, 0);
    assert.equal(qemuCheckStatus(disk), 0);
    const contents = qemuRaw(disk, dir);
    assert.ok(contents.subarray(0, MiB).equals(Buffer.alloc(MiB, 0x5a)), 'the data before the damage survived');
}));
//# sourceMappingURL=hardening-guest-qcow2.test.js.map