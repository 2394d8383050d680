// Booting from disk through a boot loader: Debian's U-Boot finds extlinux.conf on the VM's disk and boots the kernel
// there, under typevisor and under QEMU with OpenSBI (the oracle); a disk with nothing to boot and a corrupt boot
// loader end in clear messages, not hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { findCachedUboot, pullUboot } from '../src/images/firmware.js';
import { GuestConsole, GUEST_PROMPT } from './harness/guest-console.js';
import { withTempDir } from './harness/temp-dir.js';
import { ManagerHome } from './harness/manager-cli.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const withDir = (fn) => withTempDir('tv-boot-firmware-', fn);
/** A disk with an MBR whose one partition (from 1 MiB) is an ext4 file system holding `tree`, made by mkfs.ext4 -d. */
function diskWith(dir, tree, name) {
    const fs = join(dir, `${name}.ext4`);
    execFileSync('truncate', ['-s', '60M', fs]);
    execFileSync('mkfs.ext4', ['-q', '-F', '-d', tree, fs]);
    const mbr = Buffer.alloc(512);
    const sectors = readFileSync(fs).length / 512;
    mbr.writeUInt8(0x80, 446); // bootable
    mbr.writeUInt8(0x83, 446 + 4); // Linux
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt32LE(sectors, 446 + 12);
    mbr.writeUInt16LE(0xaa55, 510);
    const disk = join(dir, `${name}.raw`);
    writeFileSync(disk, Buffer.concat([mbr, Buffer.alloc(MiB - 512), readFileSync(fs)]));
    return disk;
}
async function bootFiles() {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: () => undefined }));
    const uboot = findCachedUboot() ?? (await pullUboot({ log: () => undefined }));
    return { kernel: img.kernel, initrd: img.initrd, uboot: uboot.path };
}
/** Boots the disk and checks that the kernel came from it, with extlinux's command line. */
async function bootsToShell(cmd, args, marker) {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(/U-Boot 20\d\d/, 'the U-Boot banner');
        await con.waitFor(/Retrieving file: \/boot\/extlinux\/extlinux\.conf/, 'U-Boot reading extlinux.conf');
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        const cmdline = await con.run('cat /proc/cmdline');
        assert.match(cmdline, new RegExp(marker), 'the kernel command line comes from extlinux.conf');
        await con.exitAfter('poweroff -f');
        return con.output;
    }
    catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${cmd}: ${e.message}\n${con.output.slice(-3000)}\n${con.stderr.slice(-1000)}`);
    }
}
test('a disk with an extlinux configuration boots through U-Boot to a shell under typevisor and under QEMU with OpenSBI', { timeout: 30 * 60_000 }, withDir(async (dir) => {
    const f = await bootFiles();
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'boot', 'extlinux'), { recursive: true });
    copyFileSync(f.kernel, join(tree, 'boot', 'Image'));
    copyFileSync(f.initrd, join(tree, 'boot', 'initrd.img'));
    const marker = `fromdisk=${randomBytes(4).toString('hex')}`;
    writeFileSync(join(tree, 'boot', 'extlinux', 'extlinux.conf'), `default debian\ntimeout 1\nlabel debian\n    kernel /boot/Image\n    initrd /boot/initrd.img\n    append console=ttyS0 ${marker}\n`);
    const disk = diskWith(dir, tree, 'boot');
    const ours = await bootsToShell(process.execPath, [bin, 'run', '--firmware', 'u-boot', '--disk', `${disk},format=raw`, '-m', '512M'], marker);
    assert.match(ours, /Scanning virtio 0:1/);
    await bootsToShell('qemu-system-riscv64', [
        ...['-M', 'virt', '-m', '512M', '-nographic', '-bios', 'default', '-kernel', f.uboot],
        ...['-drive', `file=${disk},format=raw,if=virtio`],
    ], marker);
}));
test('nothing to boot on the disk leaves U-Boot at its prompt; a corrupt boot loader and a missing one are clear errors', { timeout: 10 * 60_000 }, withDir(async (dir) => {
    await bootFiles();
    const tree = join(dir, 'empty');
    mkdirSync(tree);
    writeFileSync(join(tree, 'README'), 'no boot configuration here\n');
    const disk = diskWith(dir, tree, 'empty');
    const child = spawn(process.execPath, [bin, 'run', '--firmware', 'u-boot', '--disk', `${disk},format=raw`], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(/Scanning virtio 0:1/, 'U-Boot scanning the disk');
        await con.waitFor(/\n=> $/, "U-Boot's prompt");
        assert.doesNotMatch(con.output, /Starting kernel/);
        // U-Boot's own poweroff goes through the SBI system reset extension.
        assert.equal(await con.exitAfter('poweroff'), 0);
    }
    catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${e.message}\n${con.output.slice(-3000)}\n${con.stderr.slice(-1000)}`);
    }
    // A zeroed boot loader (an interrupted copy): 0x0000 is an illegal instruction, and no trap handler is set up.
    const garbage = join(dir, 'zeroed.bin');
    writeFileSync(garbage, Buffer.alloc(65536));
    const corrupt = spawnSync(process.execPath, [bin, 'run', '--firmware', garbage, '--disk', `${disk},format=raw`], {
        encoding: 'utf8',
        input: '',
        timeout: 5 * 60_000,
    });
    assert.equal(corrupt.status, 2, corrupt.stderr);
    assert.match(corrupt.stderr, /is stuck: its trap handler at 0x[0-9a-f]+ faults at once/);
    const missing = spawnSync(process.execPath, [bin, 'run', '--firmware', join(dir, 'none.bin'), '--disk', disk], {
        encoding: 'utf8',
        input: '',
    });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^typevisor: boot loader file not found: .*none\.bin\n$/);
    // A VM definition records the boot loader; boot from disk takes no kernel and needs a disk.
    const h = new ManagerHome('tv-boot-firmware-home-');
    try {
        const made = await h.tv('create', 'fromdisk', '--boot', 'disk', '--disk', `${disk},format=raw`, '--format', 'json');
        assert.equal(made.code, 0, made.stderr);
        assert.deepEqual(JSON.parse(made.stdout).definition.boot, {
            firmware: 'u-boot',
        });
        assert.match((await h.tv('info', 'fromdisk')).stdout, /disk, through U-Boot/);
        const bad = await h.tv('create', 'bad', '--boot', 'disk', '--kernel', disk, '--disk', disk);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /--boot disk finds the kernel on the disks/);
        const none = await h.tv('create', 'none', '--boot', 'disk');
        assert.equal(none.code, 2);
        assert.match(none.stderr, /booting from disk needs a disk/);
    }
    finally {
        h.cleanup();
    }
    const noDisk = spawnSync(process.execPath, [bin, 'run', '--firmware', 'u-boot'], { encoding: 'utf8', input: '' });
    assert.equal(noDisk.status, 2);
    assert.match(noDisk.stderr, /--firmware boots from the disks: give at least one --disk/);
}));
//# sourceMappingURL=boot-firmware.test.js.map