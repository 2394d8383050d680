// The finished Debian root disk in an image directory: its files, its manifest, and the overlays VMs boot it through.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDisk } from '../../disk/open.js';
import { createQcow2 } from '../../disk/qcow2/create.js';

export const ROOT_DISK_FILE = 'root.qcow2';
export const ROOT_DISK_MANIFEST = 'root.json';
/** Virtual size of the root disk; the qcow2 only stores what is used. */
export const DEFAULT_ROOT_SIZE = 4 * 1024 ** 3;
/**
 * systemd starts a login prompt on every virtualization console it finds, so a second one would appear on hvc0 (the
 * virtio console, whose output shares the terminal but which gets no keyboard input): mask it.
 */
export const NO_HVC_GETTY = 'systemd.mask=serial-getty@hvc0.service';
/** Kernel command line for booting the root disk (nosoftlockup: signature checks of big modules look like lockups under the interpreter). */
export const ROOT_DISK_CMDLINE = `console=ttyS0 earlycon=sbi root=/dev/vda rw nosoftlockup ${NO_HVC_GETTY}`;

export interface RootDiskManifest {
  format: 1;
  file: string;
  suite: string;
  mirror: string;
  include: string[];
  size: number;
  cmdline: string;
  kernelVersion?: string;
  firstStageSeconds: number;
  secondStageSeconds: number;
  secondStageInstructions: number;
  created: string;
}

export interface RootDisk {
  /** The base image: boot it through an overlay (createRootOverlay) to keep it pristine. */
  disk: string;
  cmdline: string;
  manifest: RootDiskManifest;
}

/** The finished root disk of an image directory, or null. */
export function findRootDisk(dir: string): RootDisk | null {
  const disk = join(dir, ROOT_DISK_FILE);
  const mpath = join(dir, ROOT_DISK_MANIFEST);
  if (!existsSync(disk) || !existsSync(mpath)) return null;
  try {
    const manifest = JSON.parse(readFileSync(mpath, 'utf8')) as RootDiskManifest;
    if (manifest.format !== 1) return null;
    return { disk, cmdline: manifest.cmdline, manifest };
  } catch {
    return null;
  }
}

/** A qcow2 overlay on the root disk, so a VM can write without touching the base image (created only if absent). */
export async function createRootOverlay(base: string, overlay: string): Promise<string> {
  if (existsSync(overlay)) return overlay;
  const src = await openDisk(base, { readOnly: true });
  const size = src.size;
  await src.close();
  await createQcow2(overlay, size, { backingFile: resolve(base), backingFormat: 'qcow2' });
  return overlay;
}
