// Splits a byte stream into newline-terminated lines, each bounded in length (a peer cannot make us buffer without end).
export const MAX_LINE_BYTES = 64 * 1024;
export class LineSplitter {
    onLine;
    onOverflow;
    maxBytes;
    parts = [];
    size = 0;
    constructor(onLine, 
    /** Called once a line grows past the bound; the splitter then drops everything. */
    onOverflow, maxBytes = MAX_LINE_BYTES) {
        this.onLine = onLine;
        this.onOverflow = onOverflow;
        this.maxBytes = maxBytes;
    }
    push(chunk) {
        let start = 0;
        for (;;) {
            const nl = chunk.indexOf(0x0a, start);
            if (nl < 0)
                break;
            const piece = chunk.subarray(start, nl);
            if (this.size + piece.length > this.maxBytes)
                return this.overflow();
            const line = this.size ? Buffer.concat([...this.parts, piece]) : piece;
            this.parts = [];
            this.size = 0;
            this.onLine(line.toString('utf8'));
            start = nl + 1;
        }
        const rest = chunk.subarray(start);
        if (this.size + rest.length > this.maxBytes)
            return this.overflow();
        if (rest.length) {
            this.parts.push(Buffer.from(rest));
            this.size += rest.length;
        }
    }
    overflow() {
        this.parts = [];
        this.size = 0;
        this.push = () => undefined;
        this.onOverflow();
    }
}
//# sourceMappingURL=lines.js.map