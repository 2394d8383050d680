// The installer's boot disk: an MBR disk whose one ext4 partition holds the installer's kernel and preseeded initrd
// and an extlinux.conf naming them, which U-Boot's distro boot finds like a USB stick's.
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync, } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExt4, treeBytes } from './rootfs/ext4.js';
import { builtinPreseed, combinedPreseed, mediumKey, preseededInitrd } from './installer.js';
const MiB = 1024 * 1024;
/** The partition starts at 1 MiB, as partitioning tools place it. */
const PARTITION_START = MiB;
/** A master boot record with one bootable Linux partition of `sectors` 512-byte sectors from 1 MiB. */
export function mbrWithOnePartition(sectors) {
    if (!Number.isSafeInteger(sectors) || sectors <= 0 || sectors > 0xffffffff - 2048)
        throw new RangeError(`partition size out of range: ${sectors} sectors`);
    const mbr = Buffer.alloc(512);
    const entry = 446;
    mbr.writeUInt8(0x80, entry); // bootable: U-Boot's distro boot prefers such partitions
    mbr.writeUInt8(0x83, entry + 4); // Linux
    mbr.writeUInt32LE(PARTITION_START / 512, entry + 8);
    mbr.writeUInt32LE(sectors, entry + 12);
    mbr.writeUInt16LE(0xaa55, 510);
    return mbr;
}
/** Writes a raw disk at `dest`: the MBR, then the ext4 image `fs` at 1 MiB, copied in chunks. */
function writeDisk(fs, dest) {
    const size = statSync(fs).size;
    const fd = openSync(dest, 'w');
    const src = openSync(fs, 'r');
    try {
        writeSync(fd, mbrWithOnePartition(size / 512), 0, 512, 0);
        const buf = Buffer.alloc(4 * MiB);
        for (let pos = 0; pos < size;) {
            const n = readSync(src, buf, 0, buf.length, pos);
            if (n === 0)
                break;
            writeSync(fd, buf, 0, n, PARTITION_START + pos);
            pos += n;
        }
    }
    finally {
        closeSync(src);
        closeSync(fd);
    }
}
/** The extlinux.conf of a boot disk with one entry. */
export function extlinuxConf(label, kernel, initrd, append) {
    return `default ${label}\ntimeout 1\nlabel ${label}\n    kernel ${kernel}\n    initrd ${initrd}\n    append ${append}\n`;
}
/** A bootable MBR+ext4 disk holding `kernel` and `initrd` under /boot with an extlinux.conf; written atomically. */
export function makeExtlinuxDisk(dest, o) {
    const work = mkdtempSync(join(tmpdir(), 'typevisor-medium-'));
    try {
        const tree = join(work, 'tree');
        mkdirSync(join(tree, 'boot', 'extlinux'), { recursive: true });
        copyFileSync(o.kernel, join(tree, 'boot', 'linux'));
        writeFileSync(join(tree, 'boot', 'initrd.gz'), o.initrd);
        writeFileSync(join(tree, 'boot', 'extlinux', 'extlinux.conf'), extlinuxConf(o.label, '/boot/linux', '/boot/initrd.gz', o.append));
        const fsSize = Math.ceil((treeBytes(tree) * 1.1 + 16 * MiB) / MiB) * MiB;
        const fs = join(work, 'fs.ext4');
        makeExt4(tree, fs, { size: fsSize, label: o.label });
        const temp = `${dest}.${process.pid}.tmp`;
        writeDisk(fs, temp);
        renameSync(temp, dest);
    }
    finally {
        rmSync(work, { recursive: true, force: true });
    }
}
/** The kernel command line of the installer: its console on the UART. */
export const INSTALLER_APPEND = 'console=ttyS0';
/**
 * The installer disk for a preseed (the built-in answers, then the user's file), built once per content under the
 * installer's cache folder and shared read-only by the VMs that install from it.
 */
export function installerMedium(installer, userPreseed) {
    const preseed = combinedPreseed(builtinPreseed(installer.mirror, installer.suite), userPreseed);
    const initrd = readFileSync(installer.initrd);
    const key = mediumKey([readFileSync(installer.kernel), initrd, preseed, INSTALLER_APPEND]).slice(0, 16);
    const dir = join(installer.dir, 'media');
    const dest = join(dir, `installer-${key}.raw`);
    if (existsSync(dest))
        return dest;
    mkdirSync(dir, { recursive: true });
    makeExtlinuxDisk(dest, {
        kernel: installer.kernel,
        initrd: preseededInitrd(initrd, preseed),
        append: INSTALLER_APPEND,
        label: 'debian-installer',
    });
    return dest;
}
//# sourceMappingURL=installer-medium.js.map