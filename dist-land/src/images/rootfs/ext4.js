// An ext4 file system image made from a directory tree with mkfs.ext4 -d (no loop mount, no kernel help).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { requireTool } from './host-tools.js';
/** Bytes used by a directory tree, as du counts them (apparent sizes would miss block rounding). */
export function treeBytes(dir) {
    const out = execFileSync('du', ['-s', '--block-size=1', '-x', dir], { encoding: 'utf8' });
    return Number(out.split(/\s/)[0]);
}
/** Writes a raw ext4 image at `image` holding a copy of `dir` (owners, modes, device nodes, symlinks kept). */
export function makeExt4(dir, image, o) {
    const mkfs = requireTool('mkfs.ext4', 'e2fsprogs', o.env);
    if (!Number.isSafeInteger(o.size) || o.size < 8 * 1024 * 1024)
        throw new Error(`ext4 image size too small: ${o.size}`);
    rmSync(image, { force: true });
    const fd = openSync(image, 'w');
    try {
        ftruncateSync(fd, o.size);
    }
    finally {
        closeSync(fd);
    }
    // 4 KiB blocks; no lazy init so the guest never runs the background zeroing thread (slow under the interpreter).
    const args = ['-F', '-q', '-t', 'ext4', '-b', '4096', '-E', 'lazy_itable_init=0,lazy_journal_init=0', '-d', dir];
    if (o.label)
        args.push('-L', o.label);
    args.push(image);
    const r = o.fakerootState
        ? spawnSync(requireTool('fakeroot', 'fakeroot', o.env), ['-i', o.fakerootState, '--', mkfs, ...args], {
            encoding: 'utf8',
        })
        : spawnSync(mkfs, args, { encoding: 'utf8' });
    if (r.status !== 0) {
        rmSync(image, { force: true });
        throw new Error(`mkfs.ext4 failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
    }
}
//# sourceMappingURL=ext4.js.map