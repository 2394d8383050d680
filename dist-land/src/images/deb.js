// Extraction of Debian binary packages (.deb = ar archive of debian-binary, control.tar.*, data.tar.*).
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { readAr } from './ar.js';
import { compressionOfName, decompressChunks } from './decompress.js';
import { parseStanzas } from './control.js';
function member(deb, prefix) {
    const members = readAr(deb);
    if (members[0]?.name !== 'debian-binary')
        throw new Error('not a Debian package: first ar member is not debian-binary');
    const version = Buffer.from(members[0].data).toString('latin1').trim();
    if (!version.startsWith('2.'))
        throw new Error(`unsupported .deb format version ${version}`);
    const found = members.find((m) => m.name === prefix || m.name.startsWith(`${prefix}.`));
    if (!found)
        throw new Error(`Debian package has no ${prefix} member`);
    return found;
}
function normalisePath(name) {
    let p = name.replace(/^\.?\/+/, '');
    if (p.endsWith('/'))
        p = p.slice(0, -1);
    return p;
}
function entryType(t) {
    if (t === 'file' || t === 'contiguous-file' || t == null)
        return 'file';
    if (t === 'directory' || t === 'symlink' || t === 'link')
        return t;
    return 'other';
}
/** Streams through one tar member, listing every entry and keeping the data of those `want` accepts. */
async function readTarMember(m, want) {
    const extract = tar.extract();
    const input = Readable.from(decompressChunks(m.data, compressionOfName(m.name)));
    input.on('error', (e) => extract.destroy(e));
    input.pipe(extract);
    const entries = [];
    for await (const e of extract) {
        const h = e.header;
        const entry = {
            path: normalisePath(h.name),
            type: entryType(h.type),
            mode: h.mode ?? 0,
            size: h.size ?? 0,
        };
        if (h.linkname)
            entry.linkname = h.linkname;
        if (entry.type === 'link' && entry.linkname)
            entry.linkname = normalisePath(entry.linkname);
        if (entry.type === 'file' && want(entry.path)) {
            const parts = [];
            for await (const chunk of e)
                parts.push(chunk);
            entry.data = Buffer.concat(parts);
        }
        else {
            e.resume();
        }
        entries.push(entry);
    }
    return entries;
}
/** Lists the files of a .deb's data.tar; regular files accepted by `want` come with their contents. */
export async function extractDebData(deb, want = () => false) {
    return readTarMember(member(deb, 'data.tar'), want);
}
/** The package's DEBIAN/control paragraph (fields lower-cased). */
export async function readDebControl(deb) {
    const entries = await readTarMember(member(deb, 'control.tar'), (p) => p === 'control');
    const control = entries.find((e) => e.path === 'control')?.data;
    if (!control)
        throw new Error('Debian package has no control file');
    const [stanza] = parseStanzas(control.toString('utf8'));
    if (!stanza)
        throw new Error('empty control file');
    return stanza;
}
//# sourceMappingURL=deb.js.map