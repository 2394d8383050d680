// Discovery of a Debian archive mirror: explicit option, TYPEVISOR_MIRROR, or the host's apt sources.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseStanzas } from './control.js';
/** Parses one-line-style sources ("deb [opt=val ...] uri suite comp..."). Comments and deb-src are kept as types. */
export function parseOneLineSources(text, file = 'sources.list') {
    const out = [];
    for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*$/, '').trim();
        if (!line)
            continue;
        const m = /^(\S+)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (!m)
            continue;
        const options = {};
        for (const opt of (m[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
            const eq = opt.indexOf('=');
            if (eq > 0)
                options[opt.slice(0, eq).toLowerCase()] = opt.slice(eq + 1);
        }
        out.push({
            types: [m[1]],
            uris: [m[3]],
            suites: [m[4]],
            components: m[5].split(/\s+/).filter(Boolean),
            options,
            enabled: true,
            file,
        });
    }
    return out;
}
/** Parses deb822-style sources (*.sources files). */
export function parseDeb822Sources(text, file = 'x.sources') {
    const words = (v) => (v ?? '').split(/\s+/).filter(Boolean);
    return parseStanzas(text).map((s) => {
        const options = {};
        for (const [k, v] of Object.entries(s)) {
            if (!['types', 'uris', 'suites', 'components', 'enabled'].includes(k))
                options[k] = v;
        }
        return {
            types: words(s['types']),
            uris: words(s['uris']),
            suites: words(s['suites']),
            components: words(s['components']),
            options,
            enabled: !/^(no|false|0)$/i.test((s['enabled'] ?? 'yes').trim()),
            file,
        };
    });
}
/** Reads every apt sources file under an apt configuration directory (normally /etc/apt). */
export function readAptSources(aptDir = '/etc/apt') {
    const sources = [];
    const main = join(aptDir, 'sources.list');
    if (existsSync(main))
        sources.push(...parseOneLineSources(readFileSync(main, 'utf8'), main));
    const dir = join(aptDir, 'sources.list.d');
    if (existsSync(dir)) {
        for (const name of readdirSync(dir).sort()) {
            const path = join(dir, name);
            try {
                if (name.endsWith('.list'))
                    sources.push(...parseOneLineSources(readFileSync(path, 'utf8'), path));
                else if (name.endsWith('.sources'))
                    sources.push(...parseDeb822Sources(readFileSync(path, 'utf8'), path));
            }
            catch {
                // An unreadable or malformed file elsewhere must not stop us finding the Debian one.
            }
        }
    }
    return sources;
}
// Release codenames and suite names of the Debian archive proper (not derivatives).
const DEBIAN_SUITES = new Set([
    'stable',
    'testing',
    'unstable',
    'oldstable',
    'oldoldstable',
    'experimental',
    'sid',
    'buster',
    'bullseye',
    'bookworm',
    'trixie',
    'forky',
    'duke',
]);
/** Whether an entry points at the main Debian archive (not security, updates, backports or a third party). */
export function isDebianArchive(uri, suite, source) {
    if (!/^https?:\/\//i.test(uri))
        return false;
    if (/debian-(security|ports|debug|archive)/i.test(uri))
        return false;
    if (suite.includes('-') || suite.includes('/'))
        return false; // bookworm-updates, trixie-security, trixie-backports
    if (!source.components.includes('main'))
        return false;
    const path = uri.replace(/^https?:\/\/[^/]+/i, '').replace(/\/+$/, '');
    const signedBy = source.options['signed-by'] ?? '';
    return DEBIAN_SUITES.has(suite) || /\/debian$/.test(path) || /debian-archive-keyring/.test(signedBy);
}
/** The first enabled `deb` entry for the Debian archive, as a URL without a trailing slash. */
export function mirrorFromSources(sources) {
    for (const s of sources) {
        if (!s.enabled || !s.types.includes('deb'))
            continue;
        for (const uri of s.uris) {
            for (const suite of s.suites) {
                if (isDebianArchive(uri, suite, s))
                    return uri.replace(/\/+$/, '');
            }
        }
    }
    return null;
}
/** Picks the mirror: the explicit option, then $TYPEVISOR_MIRROR, then the host's apt sources. */
export function findMirror(opts = {}) {
    const env = opts.env ?? process.env;
    const check = (url, from) => {
        if (!/^https?:\/\/[^/]+/i.test(url))
            throw new Error(`${from}: mirror must be an http:// or https:// URL, got "${url}"`);
        return { url: url.replace(/\/+$/, ''), from };
    };
    if (opts.mirror)
        return check(opts.mirror, '--mirror');
    if (env['TYPEVISOR_MIRROR'])
        return check(env['TYPEVISOR_MIRROR'], 'TYPEVISOR_MIRROR');
    const aptDir = opts.aptDir ?? '/etc/apt';
    const sources = readAptSources(aptDir);
    const url = mirrorFromSources(sources);
    if (!url) {
        throw new Error(`no Debian mirror found in ${aptDir}/sources.list or ${aptDir}/sources.list.d/; pass --mirror URL or set TYPEVISOR_MIRROR`);
    }
    const from = sources.find((s) => s.uris.some((u) => u.replace(/\/+$/, '') === url))?.file ?? aptDir;
    return { url, from };
}
//# sourceMappingURL=apt-sources.js.map