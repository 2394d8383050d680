// Reader for Unix `ar` archives (the outer container of a Debian .deb).
const GLOBAL_MAGIC = '!<arch>\n';
const HEADER_SIZE = 60;
function field(buf, start, len) {
    return Buffer.from(buf.buffer, buf.byteOffset + start, len)
        .toString('latin1')
        .trimEnd();
}
/** Lists the members of an ar archive. Throws on anything that is not a well-formed archive. */
export function readAr(archive) {
    if (archive.length < 8 || field(archive, 0, 8) !== GLOBAL_MAGIC.trimEnd()) {
        throw new Error('not an ar archive (bad global header)');
    }
    const members = [];
    let pos = 8;
    while (pos < archive.length) {
        // A lone newline may pad the archive's end.
        if (archive.length - pos < HEADER_SIZE) {
            if (archive.subarray(pos).every((b) => b === 0x0a))
                break;
            throw new Error(`truncated ar header at offset ${pos}`);
        }
        if (archive[pos + 58] !== 0x60 || archive[pos + 59] !== 0x0a) {
            throw new Error(`bad ar member magic at offset ${pos}`);
        }
        // GNU ar ends names with '/'; BSD-style long names ("#1/len") are not used by dpkg.
        let name = field(archive, pos, 16);
        if (name.endsWith('/') && name !== '/' && name !== '//')
            name = name.slice(0, -1);
        const sizeText = field(archive, pos + 48, 10);
        if (!/^\d+$/.test(sizeText))
            throw new Error(`bad ar member size "${sizeText}" at offset ${pos}`);
        const size = Number(sizeText);
        const start = pos + HEADER_SIZE;
        if (start + size > archive.length)
            throw new Error(`ar member ${name} runs past the end of the archive`);
        members.push({ name, data: archive.subarray(start, start + size) });
        pos = start + size + (size & 1);
    }
    return members;
}
//# sourceMappingURL=ar.js.map