// Parsing of a Debian Packages index, version comparison, and resolving the kernel metapackage.
import { parseStanzas } from './control.js';
export function parsePackages(text) {
    const index = new Map();
    for (const s of parseStanzas(text)) {
        const name = s['package'];
        if (!name || !s['version'])
            continue;
        const prev = index.get(name);
        if (!prev || compareVersions(s['version'], prev['version']) > 0)
            index.set(name, s);
    }
    return index;
}
// dpkg's ordering of one version part: '~' sorts before everything, letters before other symbols.
function order(c) {
    if (c === undefined)
        return 0;
    if (c === '~')
        return -1;
    if (/[0-9]/.test(c))
        return 0;
    if (/[A-Za-z]/.test(c))
        return c.charCodeAt(0);
    return c.charCodeAt(0) + 256;
}
function compareFragment(a, b) {
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        let diff = 0;
        while ((i < a.length && !/[0-9]/.test(a[i])) || (j < b.length && !/[0-9]/.test(b[j]))) {
            const ac = order(a[i]);
            const bc = order(b[j]);
            if (ac !== bc)
                return ac - bc;
            i++;
            j++;
        }
        while (a[i] === '0')
            i++;
        while (b[j] === '0')
            j++;
        while (i < a.length && /[0-9]/.test(a[i]) && j < b.length && /[0-9]/.test(b[j])) {
            if (!diff)
                diff = a.charCodeAt(i) - b.charCodeAt(j);
            i++;
            j++;
        }
        if (i < a.length && /[0-9]/.test(a[i]))
            return 1;
        if (j < b.length && /[0-9]/.test(b[j]))
            return -1;
        if (diff)
            return diff;
    }
    return 0;
}
/** Compares two Debian versions ([epoch:]upstream[-revision]) the way dpkg does. */
export function compareVersions(a, b) {
    const split = (v) => {
        const colon = v.indexOf(':');
        const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
        const rest = colon >= 0 ? v.slice(colon + 1) : v;
        const dash = rest.lastIndexOf('-');
        return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
    };
    const [ea, ua, ra] = split(a);
    const [eb, ub, rb] = split(b);
    if (ea !== eb)
        return ea - eb;
    return compareFragment(ua, ub) || compareFragment(ra, rb);
}
/** A Depends field as a list of alternatives, each a list of package names (versions and arch qualifiers dropped). */
export function parseDepends(field) {
    if (!field)
        return [];
    return field
        .split(',')
        .map((group) => group
        .split('|')
        .map((alt) => alt.trim().split(/[\s(:[]/)[0])
        .filter(Boolean))
        .filter((g) => g.length > 0);
}
export function requirePackage(index, name) {
    const s = index.get(name);
    if (!s)
        throw new Error(`package ${name} is not in the archive index`);
    if (!s['filename'] || !s['sha256'])
        throw new Error(`package ${name} has no Filename or SHA256 in the index`);
    return s;
}
/** Follows the kernel metapackage's Depends (possibly through further metapackages) to the
 *  package that ships the kernel, named linux-image-<version>-<flavour>[-unsigned]. */
export function resolveKernelPackage(index, meta = 'linux-image-riscv64') {
    let current = requirePackage(index, meta);
    for (let depth = 0; depth < 5; depth++) {
        const next = parseDepends(current['depends'])
            .flat()
            .find((n) => n.startsWith('linux-image-') && index.has(n));
        if (!next) {
            if (current['package'] === meta)
                throw new Error(`${meta} depends on no linux-image package in the index`);
            return current;
        }
        const stanza = requirePackage(index, next);
        // A real kernel package carries a version in its name; a further metapackage does not.
        if (/^linux-image-\d/.test(next))
            return stanza;
        current = stanza;
    }
    throw new Error(`could not resolve ${meta} to a kernel package`);
}
//# sourceMappingURL=packages-index.js.map