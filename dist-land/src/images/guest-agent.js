// Debian's qemu-guest-agent for the busybox initramfs: the package and the shared libraries it needs, resolved from the
// archive index (Depends followed to the end) and taken from Debian's own packages.
import { posix } from 'node:path';
import { parseDepends, requirePackage } from './packages-index.js';
export const AGENT_PACKAGE = 'qemu-guest-agent';
/** Where the agent and its libraries go in the initramfs (/init sets LD_LIBRARY_PATH to it). */
export const AGENT_LIB_DIR = 'lib/riscv64-linux-gnu';
/** Packages in the Depends closure reached in at most this many steps; Debian's closure has 16. */
const MAX_PACKAGES = 40;
/** qemu-guest-agent and every package its Depends and Pre-Depends reach (first alternative of each). */
export function agentPackages(index) {
    const seen = new Map();
    const todo = [AGENT_PACKAGE];
    while (todo.length) {
        const name = todo.shift();
        if (seen.has(name))
            continue;
        if (seen.size >= MAX_PACKAGES)
            throw new Error(`${AGENT_PACKAGE} depends on more than ${MAX_PACKAGES} packages`);
        const s = requirePackage(index, name);
        seen.set(name, s);
        for (const alternatives of [...parseDepends(s['pre-depends']), ...parseDepends(s['depends'])]) {
            const pick = alternatives.find((a) => index.has(a));
            if (pick)
                todo.push(pick);
        }
    }
    return [...seen.values()];
}
/** The dynamic loader's name on riscv64 (the ELF interpreter of every Debian riscv64 program). */
const LOADER = 'ld-linux-riscv64-lp64d.so.1';
const LIBRARY = /^(?:usr\/)?lib\/(?:riscv64-linux-gnu\/)?([^/]+\.so(?:\.[0-9.]+)?)$/;
/**
 * From the packages' data: /usr/sbin/qemu-ga as bin/qemu-ga, and every shared library (files and their symlinks,
 * directly in a library directory; no plug-in subdirectories) in lib/riscv64-linux-gnu, with the loader's usual name
 * lib/ld-linux-riscv64-lp64d.so.1 linked to it. Symlink targets stay inside that directory.
 */
export function agentFiles(entries) {
    const out = new Map();
    let agent = false;
    for (const e of entries) {
        if (e.path === 'usr/sbin/qemu-ga' && e.type === 'file' && e.data) {
            out.set('bin/qemu-ga', { path: 'bin/qemu-ga', data: e.data, mode: 0o755 });
            agent = true;
            continue;
        }
        const m = LIBRARY.exec(e.path);
        if (!m)
            continue;
        const path = `${AGENT_LIB_DIR}/${m[1]}`;
        if (e.type === 'file' && e.data)
            out.set(path, { path, data: e.data, mode: 0o755 });
        else if (e.type === 'symlink' && e.linkname && !out.get(path)?.data) {
            const target = posix.basename(e.linkname);
            if (target !== m[1])
                out.set(path, { path, target, mode: 0o777 });
        }
    }
    if (!agent)
        throw new Error(`the ${AGENT_PACKAGE} package has no usr/sbin/qemu-ga`);
    if (!out.has(`${AGENT_LIB_DIR}/${LOADER}`))
        throw new Error(`no ${LOADER} among ${AGENT_PACKAGE}'s dependencies`);
    // The ELF interpreter the programs name.
    out.set(`lib/${LOADER}`, { path: `lib/${LOADER}`, target: `riscv64-linux-gnu/${LOADER}`, mode: 0o777 });
    // Only links whose target is there: a dangling one would only confuse the loader.
    return [...out.values()].filter((f) => f.target === undefined || out.has(posix.join(posix.dirname(f.path), f.target)));
}
/** Which entries agentFiles may use: extract only these from the packages. */
export function isAgentPath(path) {
    return path === 'usr/sbin/qemu-ga' || LIBRARY.test(path);
}
//# sourceMappingURL=guest-agent.js.map