// Parses sizes as people write them: 512M, 1G, 1024M, 2GiB, 65536K; a bare number means MiB (as QEMU's -m).
const UNITS = { '': 1024 ** 2, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
export function parseSize(text, what = 'size') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtb]?)(?:i?b)?\s*$/i.exec(text);
    if (!m)
        throw new Error(`cannot parse ${what} "${text}" (examples: 512M, 1G, 2048M)`);
    const bytes = Math.round(parseFloat(m[1]) * UNITS[m[2].toLowerCase()]);
    if (!Number.isFinite(bytes) || bytes <= 0)
        throw new Error(`${what} must be positive, got "${text}"`);
    return bytes;
}
export function formatSize(bytes) {
    if (bytes % 1024 ** 3 === 0)
        return `${bytes / 1024 ** 3}G`;
    if (bytes % 1024 ** 2 === 0)
        return `${bytes / 1024 ** 2}M`;
    return `${bytes}B`;
}
//# sourceMappingURL=size.js.map