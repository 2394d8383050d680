// Kernel module selection for the initramfs: .modinfo dependencies, modules.dep, and load order.
import { basename } from 'node:path';
/** Module name as the kernel knows it: file name without .ko[.xz|.zst|.gz], dashes as underscores. */
export function moduleName(path) {
    return basename(path)
        .replace(/\.ko(\.(xz|zst|gz))?$/, '')
        .replace(/-/g, '_');
}
/** Reads the NUL-separated key=value strings of an ELF64 little-endian module's .modinfo section. */
export function readModinfo(ko) {
    const b = Buffer.from(ko.buffer, ko.byteOffset, ko.byteLength);
    if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) {
        throw new Error('not an ELF64 little-endian kernel module');
    }
    const shoff = Number(b.readBigUInt64LE(0x28));
    const shentsize = b.readUInt16LE(0x3a);
    const shnum = b.readUInt16LE(0x3c);
    const shstrndx = b.readUInt16LE(0x3e);
    if (shoff + shnum * shentsize > b.length || shstrndx >= shnum)
        throw new Error('module section table out of range');
    const section = (i) => {
        const h = shoff + i * shentsize;
        return {
            name: b.readUInt32LE(h),
            offset: Number(b.readBigUInt64LE(h + 0x18)),
            size: Number(b.readBigUInt64LE(h + 0x20)),
        };
    };
    const strtab = section(shstrndx);
    const info = { depends: [], softPre: [], aliases: [] };
    for (let i = 0; i < shnum; i++) {
        const s = section(i);
        const nameStart = strtab.offset + s.name;
        const nameEnd = b.indexOf(0, nameStart);
        if (b.toString('latin1', nameStart, nameEnd) !== '.modinfo')
            continue;
        for (const entry of b.toString('latin1', s.offset, s.offset + s.size).split('\0')) {
            const eq = entry.indexOf('=');
            if (eq < 0)
                continue;
            const key = entry.slice(0, eq);
            const value = entry.slice(eq + 1);
            if (key === 'depends')
                info.depends.push(...value
                    .split(',')
                    .filter(Boolean)
                    .map((n) => n.replace(/-/g, '_')));
            else if (key === 'alias')
                info.aliases.push(value);
            else if (key === 'softdep') {
                const pre = /pre:\s*([^:]*?)(?:\s+post:.*)?$/.exec(value);
                if (pre)
                    info.softPre.push(...pre[1].trim().split(/\s+/).filter(Boolean));
            }
        }
        return info;
    }
    return info;
}
/** Parses modules.dep ("kernel/a.ko: kernel/b.ko kernel/c.ko") into module name → dependency names. */
export function parseModulesDep(text) {
    const out = new Map();
    for (const line of text.split('\n')) {
        const colon = line.indexOf(':');
        if (colon < 0)
            continue;
        out.set(moduleName(line.slice(0, colon).trim()), line
            .slice(colon + 1)
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map(moduleName));
    }
    return out;
}
/** Modules a soft dependency may mean: the name itself, or for a crypto alias ("crypto-crc32c")
 *  the algorithm's module and its generic implementation (crc32c, crc32c_generic). */
function softCandidates(soft) {
    const n = soft.replace(/-/g, '_').replace(/^crypto_/, '');
    return [soft.replace(/-/g, '_'), n, `${n}_generic`];
}
/** The modules named by `roots` plus everything they need, dependencies before dependants.
 *  Roots that do not exist (built in, or absent) are skipped; `deps` (from modules.dep) wins over .modinfo. */
export function loadOrder(available, roots, deps) {
    const order = [];
    const seen = new Set();
    const visit = (name) => {
        const m = available.get(name);
        if (!m || seen.has(name))
            return; // built in, absent, done, or a cycle (the kernel refuses cycles anyway)
        seen.add(name);
        const info = m.info();
        for (const soft of info.softPre) {
            const target = softCandidates(soft).find((c) => available.has(c));
            if (target)
                visit(target);
        }
        for (const d of deps?.get(name) ?? info.depends)
            visit(d);
        order.push(name);
    };
    for (const r of roots)
        visit(r.replace(/-/g, '_'));
    return order;
}
/** modules.dep text for the chosen modules (for busybox modprobe inside the guest). */
export function formatModulesDep(available, chosen) {
    const chosenSet = new Set(chosen);
    const lines = chosen.map((name) => {
        const m = available.get(name);
        // modules.dep lists the whole closure, nearest dependency first.
        const closure = loadOrder(available, [name])
            .filter((d) => d !== name && chosenSet.has(d))
            .reverse();
        return `${m.path}:${closure.map((d) => ` ${available.get(d).path}`).join('')}`;
    });
    return `${lines.join('\n')}\n`;
}
//# sourceMappingURL=modules.js.map