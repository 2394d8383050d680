// Parser for Debian control-file syntax (deb822): Packages, Release, .deb control and *.sources files.
/** Splits deb822 text into paragraphs. Lines starting with '#' are comments (as in *.sources files). */
export function parseStanzas(text) {
    const stanzas = [];
    let current = null;
    let lastKey = null;
    for (const rawLine of text.split('\n')) {
        const line = rawLine.replace(/\r$/, '');
        if (line.trim() === '') {
            if (current)
                stanzas.push(current);
            current = null;
            lastKey = null;
            continue;
        }
        if (line.startsWith('#'))
            continue;
        if (line[0] === ' ' || line[0] === '\t') {
            if (!current || lastKey === null)
                throw new Error(`continuation line without a field: "${line}"`);
            const cont = line.slice(1);
            current[lastKey] = current[lastKey] === '' ? cont : `${current[lastKey]}\n${cont === '.' ? '' : cont}`;
            continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0)
            throw new Error(`malformed control line: "${line}"`);
        current ??= {};
        lastKey = line.slice(0, colon).trim().toLowerCase();
        current[lastKey] = line.slice(colon + 1).trim();
    }
    if (current)
        stanzas.push(current);
    return stanzas;
}
//# sourceMappingURL=control.js.map