// The definitions on disk: one folder per VM under $TYPEVISOR_HOME/vms, created, read, changed and removed safely.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { checkDefinition, checkName, MAX_DEFINITION_BYTES, parseDefinition, serializeDefinition, } from './definition.js';
import { ManagerError } from './errors.js';
import { vmPaths, vmsDir } from './paths.js';
/** The names of every VM with a definition, sorted. */
export function listNames(home) {
    let entries;
    try {
        entries = readdirSync(vmsDir(home));
    }
    catch {
        return [];
    }
    return entries.filter((n) => !n.startsWith('.') && existsSync(join(vmsDir(home), n, 'vm.json'))).sort();
}
/** The paths of an existing VM; a bad name or an unknown VM is an error. */
export function existingVm(home, name) {
    checkName(name);
    const paths = vmPaths(home, name);
    if (!existsSync(paths.definition))
        throw new ManagerError('not-found', `no VM named "${name}"`);
    return paths;
}
export function readDefinition(paths) {
    let text;
    try {
        if (statSync(paths.definition).size > MAX_DEFINITION_BYTES)
            throw new ManagerError('bad-input', `${paths.definition}: larger than ${MAX_DEFINITION_BYTES} bytes`);
        text = readFileSync(paths.definition, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            throw new ManagerError('not-found', `no VM named "${paths.name}"`);
        throw e;
    }
    const def = parseDefinition(text, paths.definition);
    if (def.name !== paths.name)
        throw new ManagerError('bad-input', `${paths.definition}: field "name": "${def.name}" does not match its folder "${paths.name}"`);
    return def;
}
export async function writeDefinition(paths, def) {
    checkDefinition(def, paths.definition);
    await writeFileAtomic(paths.definition, serializeDefinition(def));
}
/** Where a disk of the definition is: relative paths are in the VM's folder. */
export function diskPath(paths, disk) {
    return isAbsolute(disk.path) ? disk.path : join(paths.dir, disk.path);
}
/**
 * Makes the VM's folder, runs `fill` in it (creating disks) and writes the definition last, so a half-made VM never
 * has a definition; on any error the folder is removed. The name must be free, also ignoring case.
 */
export async function createFolder(home, def, fill) {
    checkName(def.name);
    const paths = vmPaths(home, def.name);
    checkDefinition(def, `the definition of ${def.name}`);
    const clash = listNames(home).find((n) => n.toLowerCase() === def.name.toLowerCase());
    if (clash)
        throw new ManagerError('exists', `a VM named "${clash}" already exists`);
    await mkdir(vmsDir(home), { recursive: true, mode: 0o700 });
    try {
        await mkdir(paths.dir, { mode: 0o700 });
    }
    catch (e) {
        if (e.code === 'EEXIST')
            throw new ManagerError('exists', `${paths.dir} already exists (without a definition): move it away first`);
        throw e;
    }
    try {
        const filled = await fill(paths);
        await writeDefinition(paths, filled);
    }
    catch (e) {
        await rm(paths.dir, { recursive: true, force: true });
        throw e;
    }
    return paths;
}
/**
 * Removes a VM's folder: it first moves to a hidden name (the VM is gone at once, even if removal stops halfway).
 * `keepDisks` moves the disks created for it to $TYPEVISOR_HOME/kept-disks/ first; returns their new paths.
 */
export async function removeFolder(home, paths, def, keepDisks) {
    const kept = [];
    if (keepDisks) {
        const keepDir = join(home, 'kept-disks');
        await mkdir(keepDir, { recursive: true, mode: 0o700 });
        const existing = new Set(await readdir(keepDir));
        for (const d of def.disks.filter((x) => x.owned)) {
            const src = diskPath(paths, d);
            if (!existsSync(src))
                continue;
            let target = `${def.name}-${d.path.replace(/[/\\]/g, '_')}`;
            for (let i = 2; existing.has(target); i++)
                target = `${def.name}-${i}-${d.path.replace(/[/\\]/g, '_')}`;
            existing.add(target);
            await rename(src, join(keepDir, target));
            kept.push(join(keepDir, target));
        }
    }
    const trash = join(vmsDir(home), `.deleting-${def.name}-${randomBytes(4).toString('hex')}`);
    await rename(paths.dir, trash);
    await rm(trash, { recursive: true, force: true });
    const sockets = join(paths.controlSocket, '..');
    if (sockets !== paths.dir)
        await rm(sockets, { recursive: true, force: true });
    return kept;
}
//# sourceMappingURL=store.js.map