// The Debian root disk pipeline: debootstrap first stage on the host, ext4 image, second stage inside a typevisor VM, qcow2.
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runFirstStage, DEFAULT_INCLUDE } from './first-stage.js';
import { makeExt4, treeBytes } from './ext4.js';
import { bootHeadless } from './headless-boot.js';
import { rawToQcow2 } from './qcow2-image.js';
import { secondStageScript, SECOND_STAGE_PATH, STAGE2_OK } from './second-stage-script.js';
import { initrdHasRootSupport } from './initrd-upgrade.js';
import { SecondStageProgress, secondStagePackages } from './progress.js';
import { findTool, requireTool } from './host-tools.js';
import { writeFileAtomic } from '../download.js';
import {
  DEFAULT_ROOT_SIZE,
  ROOT_DISK_CMDLINE,
  ROOT_DISK_FILE,
  ROOT_DISK_MANIFEST,
  type RootDisk,
  type RootDiskManifest,
} from './root-disk.js';

const WORK_DIR = 'rootfs-work';

export interface RootDiskOptions {
  /** The image directory (debian-<suite>-riscv64) holding Image and initrd.img. */
  dir: string;
  suite: string;
  mirror: string;
  keyring: string | null;
  include?: string[];
  size?: number;
  hostname?: string;
  memoryBytes?: number;
  log: (line: string) => void;
  /** The guest console during the second stage (it is always also written to rootfs-work/second-stage-console.log). */
  console?: (bytes: Uint8Array) => void;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Checks for every host tool up front, so a missing one fails in a second rather than after the download. */
export function checkRootDiskTools(env?: Record<string, string | undefined>): void {
  requireTool('debootstrap', 'debootstrap', env);
  requireTool('mkfs.ext4', 'e2fsprogs', env);
  if (!(typeof process.getuid === 'function' && process.getuid() === 0)) requireTool('fakeroot', 'fakeroot', env);
}

/** Builds <dir>/root.qcow2. Resumable: the first stage is cached in <dir>/rootfs-work; the second stage restarts from it. */
export async function buildRootDisk(o: RootDiskOptions): Promise<RootDisk> {
  checkRootDiskTools(o.env);
  const kernelPath = join(o.dir, 'Image');
  const initrdPath = join(o.dir, 'initrd.img');
  const kernel = readFileSync(kernelPath);
  const initrd = readFileSync(initrdPath);
  if (!initrdHasRootSupport(initrd))
    throw new Error(`${initrdPath} cannot mount a root disk (built by an older typevisor); pull the image again`);
  const work = join(o.dir, WORK_DIR);
  mkdirSync(work, { recursive: true });
  const include = o.include ?? DEFAULT_INCLUDE;

  const first = await runFirstStage({
    dir: join(work, 'stage1'),
    suite: o.suite,
    mirror: o.mirror,
    include,
    keyring: o.keyring,
    fakerootState: join(work, 'fakeroot.state'),
    log: o.log,
    env: o.env,
  });
  if (!first.cached) o.log(`first stage took ${first.seconds.toFixed(0)} s`);

  // The script goes into the tree (it is rewritten every time, so the cached tree stays reusable).
  const script = secondStageScript({
    hostname: o.hostname ?? 'typevisor',
    mirror: o.mirror,
    suite: o.suite,
    rootDevice: '/dev/vda',
  });
  writeTreeFile(join(first.dir, SECOND_STAGE_PATH), script, first.fakerootState);

  const size = o.size ?? DEFAULT_ROOT_SIZE;
  const used = treeBytes(first.dir);
  // Unpacking the .debs in the tree roughly triples it.
  if (used * 4 > size) throw new Error(`root disk size ${size} is too small for a ${used}-byte first-stage tree`);
  const raw = join(work, 'second-stage.raw');
  o.log(`making a ${(size / 1024 ** 3).toFixed(1)} GiB ext4 image from the ${(used / 1024 ** 2).toFixed(0)} MiB tree`);
  makeExt4(first.dir, raw, { size, label: 'debian-root', env: o.env, fakerootState: first.fakerootState ?? undefined });

  const logPath = join(work, 'second-stage-console.log');
  const logFile = createWriteStream(logPath);
  // The verdict line, once seen; a failure stops the guest at once (it would power off anyway, but slowly).
  let verdict: string | null = null;
  let tail = '';
  const abort = new AbortController();
  const onOuter = () => abort.abort();
  o.signal?.addEventListener('abort', onOuter);
  o.log(`second stage: booting the image under typevisor (console in ${logPath}); this takes a long time`);
  const progress = new SecondStageProgress(secondStagePackages(join(first.dir, 'debootstrap', 'debpaths')), o.log);
  let result;
  try {
    result = await bootHeadless({
      kernel,
      initrd,
      disk: raw,
      memoryBytes: o.memoryBytes,
      // panic=5: if the script dies, the kernel resets instead of hanging, and the reset ends the run.
      cmdline: `${ROOT_DISK_CMDLINE} init=${SECOND_STAGE_PATH} panic=5`,
      signal: abort.signal,
      console: (b) => {
        logFile.write(b);
        o.console?.(b);
        progress.feed(b);
        if (verdict) return;
        tail = (tail + Buffer.from(b).toString('latin1')).slice(-4096);
        const m = /TYPEVISOR-SECOND-STAGE: (ok|failed)[^\r\n]*\r?\n/.exec(tail);
        if (m) {
          verdict = m[0].trim();
          if (m[1] === 'failed') abort.abort();
        }
      },
    });
  } finally {
    o.signal?.removeEventListener('abort', onOuter);
    await new Promise<void>((r) => logFile.end(() => r()));
  }
  if (!verdict || !(verdict as string).startsWith(STAGE2_OK)) {
    throw new Error(
      `second stage did not finish (${verdict ?? `guest ${result.outcome} without a verdict`}); see ${logPath}`,
    );
  }
  o.log(
    `second stage took ${result.seconds.toFixed(0)} s (${(result.instructions / 1e9).toFixed(1)} G guest instructions)`,
  );
  finishExt4(raw, o.log, o.env);

  const dest = join(o.dir, ROOT_DISK_FILE);
  const temp = `${dest}.tmp`;
  rmSync(temp, { force: true });
  await rawToQcow2(raw, temp);
  rmSync(join(o.dir, ROOT_DISK_MANIFEST), { force: true });
  renameSync(temp, dest);
  const manifest: RootDiskManifest = {
    format: 1,
    file: ROOT_DISK_FILE,
    suite: o.suite,
    mirror: o.mirror,
    include,
    size,
    cmdline: ROOT_DISK_CMDLINE,
    firstStageSeconds: Math.round(first.seconds),
    secondStageSeconds: Math.round(result.seconds),
    secondStageInstructions: result.instructions,
    created: new Date().toISOString(),
  };
  writeFileAtomic(join(o.dir, ROOT_DISK_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(raw, { force: true });
  o.log(`root disk ready: ${dest} (${(statSync(dest).size / 1024 ** 2).toFixed(0)} MiB)`);
  return { disk: dest, cmdline: ROOT_DISK_CMDLINE, manifest };
}

/** Writes a root-owned file into the tree (under fakeroot when the tree's owners live there). */
function writeTreeFile(path: string, text: string, fakerootState: string | null): void {
  if (!fakerootState) {
    writeFileAtomic(path, text);
    spawnSync('chmod', ['0755', path]);
    return;
  }
  const r = spawnSync(
    findTool('fakeroot')!,
    [
      '-i',
      fakerootState,
      '-s',
      fakerootState,
      '--',
      'sh',
      '-c',
      'cat > "$1" && chown 0:0 "$1" && chmod 0755 "$1"',
      'sh',
      path,
    ],
    { input: text },
  );
  if (r.status !== 0) throw new Error(`cannot write ${path}: ${r.stderr}`);
}

/**
 * Removes the second-stage script from the image (debugfs) and checks the file system with e2fsck -fn. If the guest
 * powered off with its journal not yet checkpointed, the journal is replayed first (e2fsck -p, what the next mount would
 * do): the result must then check clean.
 */
function finishExt4(image: string, log: (line: string) => void, env?: Record<string, string | undefined>): void {
  const fsck = requireTool('e2fsck', 'e2fsprogs', env);
  const check = (): ReturnType<typeof spawnSync> => spawnSync(fsck, ['-f', '-n', image], { encoding: 'utf8' });
  let r = check();
  if (r.status !== 0) {
    const said = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('Pass ') && !l.startsWith('e2fsck '))
      .slice(0, 6);
    log(
      `e2fsck -fn found work for a repair (${said.join('; ')}): running e2fsck -p on the image, as the next mount would`,
    );
    const fix = spawnSync(fsck, ['-f', '-p', image], { encoding: 'utf8' });
    if ((fix.status ?? 8) > 1)
      throw new Error(
        `the second stage left a file system e2fsck cannot repair (exit ${fix.status}):\n${fix.stdout}${fix.stderr}`,
      );
    r = check();
  }
  if (r.status !== 0)
    throw new Error(
      `the second stage left an inconsistent file system (e2fsck exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
  const debugfs = requireTool('debugfs', 'e2fsprogs', env);
  const rm = spawnSync(debugfs, ['-w', '-R', `rm ${SECOND_STAGE_PATH}`, image], { encoding: 'utf8' });
  if (rm.status !== 0) throw new Error(`cannot remove ${SECOND_STAGE_PATH} from the image: ${rm.stderr}`);
  r = check();
  if (r.status !== 0)
    throw new Error(
      `the root disk is inconsistent after removing ${SECOND_STAGE_PATH} (e2fsck exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
}
