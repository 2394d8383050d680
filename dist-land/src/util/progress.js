// A one-line terminal progress bar for downloads; does nothing when disabled (e.g. output is not a TTY).
export function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
/** The text of one bar, for a given width in columns (exported for tests and non-TTY callers). */
export function renderBar(label, done, total, columns) {
    const amount = total ? `${formatBytes(done)}/${formatBytes(total)}` : formatBytes(done);
    if (!total)
        return `${label} ${amount}`.slice(0, columns - 1);
    const fraction = Math.min(1, done / total);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const room = columns - 1 - label.length - amount.length - percent.length - 5;
    if (room < 10)
        return `${label} ${percent} ${amount}`.slice(0, columns - 1);
    const width = Math.min(room, 40);
    const filled = Math.round(fraction * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${amount}`;
}
const NO_PROGRESS = { update() { }, finish() { } };
export function progressBar(opts) {
    const stream = opts.stream ?? process.stderr;
    if (!(opts.enabled ?? stream.isTTY))
        return NO_PROGRESS;
    let lastDrawn = -1;
    let lastTime = 0;
    let done = 0;
    const draw = () => {
        stream.write(`\r${renderBar(opts.label, done, opts.total, stream.columns || 80)}\x1b[K`);
        lastDrawn = done;
        lastTime = Date.now();
    };
    return {
        update(n) {
            done = n;
            // Redraw at most ~10 times a second: a fast mirror would otherwise flood the terminal.
            if (n !== lastDrawn && Date.now() - lastTime >= 100)
                draw();
        },
        finish() {
            draw();
            stream.write('\n');
        },
    };
}
//# sourceMappingURL=progress.js.map