// `image pull debian-full`: the debian image, then the root disk built from it (debootstrap, second stage in a VM).
import { existsSync } from 'node:fs';
import { findMirror } from './apt-sources.js';
import { readManifest } from './cache.js';
import { DEFAULT_SUITE, pullDebian, type PulledImage, type PullOptions } from './debian.js';
import { buildRootDisk, checkRootDiskTools } from './rootfs/build.js';
import { findRootDisk, type RootDisk } from './rootfs/root-disk.js';
import { DEBIAN_KEYRING } from './signature.js';

export interface DebianFullOptions extends PullOptions {
  /** Guest console output of the second stage (default: only its log file). */
  console?: (bytes: Uint8Array) => void;
}

/** The debian image and its root disk, building what is missing (the root disk takes long). */
export async function pullDebianFull(opts: DebianFullOptions = {}): Promise<PulledImage & { root: RootDisk }> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Missing host tools fail before any download.
  checkRootDiskTools(opts.env);
  const image = await pullDebian({ ...opts, log });
  const found = findRootDisk(image.dir);
  if (found) {
    log(`root disk: ${found.disk}`);
    return { ...image, root: found };
  }
  const mirror =
    readManifest(image.dir)?.mirror ?? findMirror({ mirror: opts.mirror, env: opts.env, aptDir: opts.aptDir }).url;
  const keyring = opts.keyring === undefined ? DEBIAN_KEYRING : opts.keyring;
  const root = await buildRootDisk({
    dir: image.dir,
    suite: opts.suite ?? DEFAULT_SUITE,
    mirror,
    keyring: keyring && existsSync(keyring) ? keyring : null,
    log,
    console: opts.console,
    env: opts.env,
  });
  return { ...image, root };
}
