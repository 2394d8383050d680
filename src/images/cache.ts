// The image cache: ${XDG_CACHE_HOME:-~/.cache}/typevisor/images/<name>/ with Image, initrd.img and manifest.json.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileMatches } from './download.js';

export const MANIFEST = 'manifest.json';
export const KERNEL_FILE = 'Image';
export const INITRD_FILE = 'initrd.img';

export interface FileRecord {
  sha256: string;
  size: number;
}

export interface PackageRecord {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
}

export interface ImageManifest {
  format: 1;
  name: string;
  distribution: 'debian';
  suite: string;
  architecture: 'riscv64';
  mirror: string;
  kernelVersion: string;
  /** How the package stored the kernel before we unpacked it to a raw Image. */
  kernelPackaging: string;
  cmdline: string;
  /** The initramfs recipe it was built from (INITRAMFS_VERSION in initramfs.ts); absent means 1. */
  initramfs?: number;
  /** agent: qemu-guest-agent and the packages its libraries come from (recipe 5 on). */
  packages: { kernel: PackageRecord; busybox: PackageRecord; agent?: PackageRecord[] };
  files: { kernel: FileRecord; initrd: FileRecord };
  virtio: { builtin: string[]; modules: string[] };
  /** Modules in the initramfs, in the order /init loads them. */
  modules: string[];
  signature: string;
  created: string;
}

/** ${XDG_CACHE_HOME:-~/.cache}/typevisor/images */
export function defaultImagesRoot(env: Record<string, string | undefined> = process.env): string {
  const base =
    env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'].startsWith('/') ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'typevisor', 'images');
}

export function debianImageName(suite: string): string {
  return `debian-${suite}-riscv64`;
}

export function readManifest(dir: string): ImageManifest | null {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return null;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as ImageManifest;
    return m.format === 1 && m.files?.kernel && m.files?.initrd ? m : null;
  } catch {
    return null;
  }
}

/** The manifest if the image's files are all present and match it, else null. */
export async function validImage(dir: string): Promise<ImageManifest | null> {
  const m = readManifest(dir);
  if (!m) return null;
  const ok =
    (await fileMatches(join(dir, KERNEL_FILE), m.files.kernel.sha256, m.files.kernel.size)) &&
    (await fileMatches(join(dir, INITRD_FILE), m.files.initrd.sha256, m.files.initrd.size));
  return ok ? m : null;
}
