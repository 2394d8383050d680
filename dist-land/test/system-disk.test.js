// System test: Debian mounts ext4 on virtio-blk disks (qcow2 overlays over raw bases, a plain raw image, a read-only image); the host checks them with e2fsprogs and qemu-img.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootDefaultGuest } from './harness/guest-console.js';
const MiB = 1 << 20;
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
/** Distinct sizes, so the guest can tell the disks apart whatever order they are probed in. */
const SIZES = { overlay: 64 * MiB, raw: 48 * MiB, ro: 16 * MiB, ours: 32 * MiB };
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const fileSha = (p) => sha256(readFileSync(p));
/** Runs a host tool; returns status and output (e2fsck and qemu-img report problems through their status). */
function tool(cmd, args) {
    const r = spawnSync(cmd, args, { encoding: 'latin1' });
    if (r.error)
        throw r.error;
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
function mkfs(path, size, label) {
    writeFileSync(path, '');
    truncateSync(path, size);
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', label, path]);
}
/** Copies a host file into an ext4 image without mounting it (debugfs works on image files). */
function putFile(image, hostPath, name) {
    execFileSync('debugfs', ['-w', '-R', `write ${hostPath} ${name}`, image], { stdio: 'pipe' });
}
/** A file's contents as the host's ext4 implementation (debugfs) reads them from an image. */
function catFile(image, name) {
    return execFileSync('debugfs', ['-R', `cat /${name}`, image], {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * MiB,
    });
}
/** The sha256sum line printed by the guest for `path`, as a hex string. */
function guestSha(out, path) {
    const m = new RegExp(`^([0-9a-f]{64})\\s+${path.replace(/\//g, '\\/')}$`, 'm').exec(out);
    assert.ok(m, `no sha256sum of ${path} in:\n${out}`);
    return m[1];
}
test('ext4 on qcow2 overlays, a raw disk and a read-only disk: guest writes, host verifies', { timeout: 25 * 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-sysdisk-'));
    try {
        const base = join(dir, 'base.img'), overlay = join(dir, 'overlay.qcow2'), raw = join(dir, 'raw.img'), ro = join(dir, 'ro.img');
        mkfs(base, SIZES.overlay, 'base');
        mkfs(raw, SIZES.raw, 'raw');
        mkfs(ro, SIZES.ro, 'ro');
        // Host-written files the guest must read: through the overlay's backing chain and from the read-only disk.
        const seedBase = randomBytes(300_000), seedRo = randomBytes(200_000);
        writeFileSync(join(dir, 'seed-base'), seedBase);
        writeFileSync(join(dir, 'seed-ro'), seedRo);
        putFile(base, join(dir, 'seed-base'), 'seed');
        putFile(ro, join(dir, 'seed-ro'), 'seed');
        // The overlay is made by qemu-img (an oracle we did not write), with a relative backing path as users do.
        execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', overlay], { cwd: dir });
        // A second overlay made by our own `img create`, so qemu-img judges an image we wrote from the first byte.
        const base2 = join(dir, 'base2.img'), ours = join(dir, 'ours.qcow2');
        mkfs(base2, SIZES.ours, 'base2');
        execFileSync(process.execPath, [bin, 'img', 'create', '-f', 'qcow2', '-b', 'base2.img', '-F', 'raw', ours, `${SIZES.ours / MiB}M`], { cwd: dir, stdio: 'pipe' });
        const baseBefore = fileSha(base), base2Before = fileSha(base2), roBefore = fileSha(ro);
        const g = await bootDefaultGuest([
            '--disk',
            `${overlay},format=qcow2`,
            '--disk',
            raw,
            '--disk',
            `${ro},readonly`,
            '--disk',
            `${ours},format=qcow2`,
        ], {
            name: 'disk guest',
        });
        const { con } = g;
        let written;
        try {
            // Name the disks by their size in 512-byte sectors.
            const devs = await con.run('for d in /sys/block/vd*; do echo ${d##*/} $(cat $d/size) $(cat $d/ro); done');
            const dev = (bytes) => {
                const m = new RegExp(`^(vd[a-z]) ${bytes / 512} ([01])$`, 'm').exec(devs);
                assert.ok(m, `no virtio disk of ${bytes} bytes in:\n${devs}`);
                return m[1];
            };
            const vOv = dev(SIZES.overlay), vRaw = dev(SIZES.raw), vRo = dev(SIZES.ro), vOurs = dev(SIZES.ours);
            assert.match(devs, new RegExp(`^${vRo} \\d+ 1$`, 'm'), 'the readonly disk is read-only in the guest');
            assert.match(devs, new RegExp(`^${vRaw} \\d+ 0$`, 'm'));
            const mounted = await con.run(`mkdir -p /mnt/ov /mnt/raw /mnt/ro /mnt/ours && mount -t ext4 /dev/${vOurs} /mnt/ours && mount -t ext4 /dev/${vOv} /mnt/ov && mount -t ext4 /dev/${vRaw} /mnt/raw && mount -t ext4 -o ro /dev/${vRo} /mnt/ro; echo rc=$?; grep /mnt/ /proc/mounts`);
            assert.match(mounted, /^rc=0$/m);
            assert.match(mounted, new RegExp(`/dev/${vOv} /mnt/ov ext4 rw`));
            assert.match(mounted, new RegExp(`/dev/${vRo} /mnt/ro ext4 ro`));
            // Host files read through the qcow2 backing chain and from the read-only disk.
            const seeds = await con.run('sha256sum /mnt/ov/seed /mnt/ro/seed');
            assert.equal(guestSha(seeds, '/mnt/ov/seed'), sha256(seedBase));
            assert.equal(guestSha(seeds, '/mnt/ro/seed'), sha256(seedRo));
            // Several MiB of random data per disk, written in different block sizes, checksummed in the guest.
            const dd = await con.run('dd if=/dev/urandom of=/mnt/ov/f bs=1M count=5 2>&1 && dd if=/dev/urandom of=/mnt/raw/f bs=64k count=50 2>&1 && cp /mnt/raw/f /mnt/ours/f && sync; echo rc=$?; sha256sum /mnt/ov/f /mnt/raw/f /mnt/ours/f; md5sum /mnt/ov/f /mnt/raw/f');
            assert.match(dd, /^rc=0$/m);
            written = { ov: guestSha(dd, '/mnt/ov/f'), raw: guestSha(dd, '/mnt/raw/f'), ours: guestSha(dd, '/mnt/ours/f') };
            assert.equal(written.ours, written.raw, 'cp between disks');
            assert.notEqual(written.ov, written.raw);
            // Read back from the disks, not the page cache: unmount, remount and checksum again.
            const back = await con.run(`umount /mnt/ov /mnt/raw && echo 3 > /proc/sys/vm/drop_caches && mount -t ext4 /dev/${vOv} /mnt/ov && mount -t ext4 /dev/${vRaw} /mnt/raw; echo rc=$?; sha256sum /mnt/ov/f /mnt/raw/f /mnt/ov/seed; ls -l /mnt/ov/f /mnt/raw/f`);
            assert.match(back, /^rc=0$/m);
            assert.equal(guestSha(back, '/mnt/ov/f'), written.ov);
            assert.equal(guestSha(back, '/mnt/raw/f'), written.raw);
            assert.equal(guestSha(back, '/mnt/ov/seed'), sha256(seedBase));
            // The read-only disk: the file system refuses writes and so does the block device itself.
            const roWrite = await con.run(`touch /mnt/ro/x; echo touch=$?; umount /mnt/ro; dd if=/dev/zero of=/dev/${vRo} bs=4096 count=1 2>&1; echo dd=$?; blockdev --getro /dev/${vRo}`);
            assert.match(roWrite, /^touch=[1-9]\d*$/m);
            assert.match(roWrite, /^dd=[1-9]\d*$/m);
            assert.match(roWrite, /^1$/m);
            const um = await con.run('umount /mnt/ov /mnt/raw /mnt/ours; echo rc=$?; sync');
            assert.match(um, /^rc=0$/m);
            const code = await con.exitAfter('poweroff -f');
            assert.equal(code, 0, `typevisor exited with ${code}`);
        }
        catch (e) {
            throw g.fail(e);
        }
        // On the host, with tools we did not write.
        const fsckRaw = tool('e2fsck', ['-fn', raw]);
        assert.equal(fsckRaw.status, 0, `e2fsck on the raw disk:\n${fsckRaw.out}`);
        const check = tool('qemu-img', ['check', overlay]);
        assert.equal(check.status, 0, `qemu-img check on the overlay:\n${check.out}`);
        const flat = join(dir, 'overlay-flat.img');
        execFileSync('qemu-img', ['convert', '-O', 'raw', overlay, flat]);
        const fsckOv = tool('e2fsck', ['-fn', flat]);
        assert.equal(fsckOv.status, 0, `e2fsck on the converted overlay:\n${fsckOv.out}`);
        const check2 = tool('qemu-img', ['check', ours]);
        assert.equal(check2.status, 0, `qemu-img check on the overlay from img create:\n${check2.out}`);
        const flat2 = join(dir, 'ours-flat.img');
        execFileSync('qemu-img', ['convert', '-O', 'raw', ours, flat2]);
        const fsckOurs = tool('e2fsck', ['-fn', flat2]);
        assert.equal(fsckOurs.status, 0, `e2fsck on the converted img-create overlay:\n${fsckOurs.out}`);
        assert.equal(sha256(catFile(flat2, 'f')), written.raw, 'img-create overlay: host reads other bytes than the guest copied');
        assert.equal(fileSha(base2), base2Before, 'the second backing file was modified');
        assert.equal(fileSha(base), baseBefore, 'the backing file was modified');
        assert.equal(fileSha(ro), roBefore, 'the read-only disk was modified');
        assert.equal(sha256(catFile(raw, 'f')), written.raw, 'raw disk: host reads other bytes than the guest wrote');
        assert.equal(sha256(catFile(flat, 'f')), written.ov, 'overlay: host reads other bytes than the guest wrote');
        assert.equal(catFile(flat, 'f').length, 5 * MiB);
        assert.equal(catFile(raw, 'f').length, 50 * 64 * 1024);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=system-disk.test.js.map