// Parsing of a Debian suite's Release/InRelease file and checking index files against its SHA256 list.
import { createHash } from 'node:crypto';
import { parseStanzas } from './control.js';
export function sha256Hex(data) {
    return createHash('sha256').update(data).digest('hex');
}
/** The signed text of an OpenPGP clear-signed message (or the input unchanged if it is not one). */
export function clearsignedBody(text) {
    const lines = text.split(/\r?\n/);
    if (lines[0] !== '-----BEGIN PGP SIGNED MESSAGE-----')
        return text;
    let i = 1;
    while (i < lines.length && lines[i] !== '')
        i++; // armor headers ("Hash: SHA512")
    const body = [];
    for (i++; i < lines.length; i++) {
        const line = lines[i];
        if (line === '-----BEGIN PGP SIGNATURE-----')
            return `${body.join('\n')}\n`;
        body.push(line.startsWith('- ') ? line.slice(2) : line);
    }
    throw new Error('clear-signed message has no signature block');
}
export function parseRelease(text) {
    const [fields] = parseStanzas(clearsignedBody(text));
    if (!fields)
        throw new Error('empty Release file');
    const sha256 = new Map();
    for (const line of (fields['sha256'] ?? '').split('\n')) {
        const m = /^\s*([0-9a-f]{64})\s+(\d+)\s+(\S+)\s*$/i.exec(line);
        if (m)
            sha256.set(m[3], { sha256: m[1].toLowerCase(), size: Number(m[2]) });
    }
    if (sha256.size === 0)
        throw new Error('Release file has no SHA256 entries');
    return { fields, sha256 };
}
/** Throws unless `data` is the file the Release lists at `path`. */
export function verifyIndexFile(release, path, data) {
    const want = release.sha256.get(path);
    if (!want)
        throw new Error(`Release does not list ${path}`);
    if (data.length !== want.size)
        throw new Error(`${path}: size ${data.length} differs from the Release's ${want.size}`);
    const got = sha256Hex(data);
    if (got !== want.sha256)
        throw new Error(`${path}: SHA-256 ${got} differs from the Release's ${want.sha256}`);
}
//# sourceMappingURL=release.js.map