// Booting through U-Boot's UEFI: an EFI system partition whose EFI/BOOT/BOOTRISCV64.EFI is Debian's kernel (an EFI
// application through its EFI stub) is started by U-Boot's distro boot under typevisor as under QEMU with OpenSBI and
// the same U-Boot. This is the path of GRUB for UEFI, which Debian's installer installs when started through UEFI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { findCachedUboot, pullUboot } from '../src/images/firmware.js';
import { GuestConsole } from './harness/guest-console.js';
import { withTempDir } from './harness/temp-dir.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
const MiB = 1 << 20;
const haveTools = ['mkfs.vfat', 'mcopy'].every(
  (t) => spawnSync('sh', ['-c', `command -v ${t} || test -x /usr/sbin/${t} || test -x /sbin/${t}`]).status === 0,
);

/** An MBR disk whose one partition (type EF, from 1 MiB) is a FAT file system made by mkfs.vfat and filled by mtools. */
function espDisk(dir: string, efiApp: string): string {
  const fs = join(dir, 'esp.fat');
  const path = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;
  execFileSync('mkfs.vfat', ['-C', '-n', 'ESP', fs, String(64 * 1024)], { env: { ...process.env, PATH: path } });
  execFileSync('mmd', ['-i', fs, '::/EFI', '::/EFI/BOOT']);
  execFileSync('mcopy', ['-i', fs, efiApp, '::/EFI/BOOT/BOOTRISCV64.EFI']);
  const data = readFileSync(fs);
  const mbr = Buffer.alloc(512);
  mbr.writeUInt8(0x80, 446);
  mbr.writeUInt8(0xef, 446 + 4); // EFI system partition
  mbr.writeUInt32LE(2048, 446 + 8);
  mbr.writeUInt32LE(data.length / 512, 446 + 12);
  mbr.writeUInt16LE(0xaa55, 510);
  const disk = join(dir, 'esp.raw');
  writeFileSync(disk, Buffer.concat([mbr, Buffer.alloc(MiB - 512), data]));
  return disk;
}

/** Boots until the kernel, started as an EFI application, stops for want of a root file system (no initrd). */
async function bootsThroughUefi(cmd: string, args: string[]): Promise<string> {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  const con = new GuestConsole(child);
  try {
    await con.waitFor(/Scanning virtio 0:1/, 'U-Boot scanning the disk');
    await con.waitFor(/EFI stub: Booting Linux Kernel/, "the kernel's EFI stub");
    await con.waitFor(/efi: EFI v[\d.]+ by Das U-Boot/, "the kernel finding U-Boot's UEFI");
    await con.waitFor(/Remapping and enabling EFI services/, 'UEFI runtime services');
    await con.waitFor(/VFS: Unable to mount root fs/, 'the kernel looking for its root');
    return con.output;
  } catch (e) {
    throw new Error(`${cmd}: ${(e as Error).message}\n${con.output.slice(-3000)}\n${con.stderr.slice(-1000)}`);
  } finally {
    // The kernel waits forever after its panic; the disk is free once the process is gone.
    const gone = new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r),
    );
    child.kill('SIGKILL');
    await gone;
  }
}

test(
  "U-Boot's distro boot starts EFI/BOOT/BOOTRISCV64.EFI from an EFI system partition under typevisor and under QEMU",
  { timeout: 20 * 60_000, skip: haveTools ? false : 'needs mkfs.vfat and mtools (apt-get install dosfstools mtools)' },
  withTempDir('tv-boot-efi-', async (dir) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: () => undefined }));
    const uboot = findCachedUboot() ?? (await pullUboot({ log: () => undefined }));
    const disk = espDisk(dir, img.kernel);
    const ours = await bootsThroughUefi(process.execPath, [
      bin,
      'run',
      '--firmware',
      'u-boot',
      '--disk',
      `${disk},format=raw`,
      '-m',
      '512M',
    ]);
    assert.doesNotMatch(ours, /extlinux/);
    await bootsThroughUefi('qemu-system-riscv64', [
      ...['-M', 'virt', '-m', '512M', '-nographic', '-bios', 'default', '-kernel', uboot.path],
      ...['-drive', `file=${disk},format=raw,if=virtio`],
    ]);
  }),
);
