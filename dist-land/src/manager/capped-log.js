// An append-only log file with a size cap: past the cap the file becomes FILE.1 (replacing the older one) and a new one starts.
import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
/** The console log's cap: the newest 1-2 MiB of output are kept, in two files. */
export const CONSOLE_LOG_CAP = 1024 * 1024;
export class CappedLog {
    path;
    cap;
    fd;
    size;
    constructor(path, cap = CONSOLE_LOG_CAP) {
        this.path = path;
        this.cap = cap;
        this.fd = openSync(path, 'a', 0o600);
        this.size = fstatSync(this.fd).size;
    }
    write(bytes) {
        if (this.size > 0 && this.size + bytes.length > this.cap)
            this.rotate();
        let done = 0;
        while (done < bytes.length)
            done += writeSync(this.fd, bytes, done);
        this.size += bytes.length;
    }
    rotate() {
        closeSync(this.fd);
        renameSync(this.path, `${this.path}.1`);
        this.fd = openSync(this.path, 'a', 0o600);
        this.size = 0;
    }
    close() {
        closeSync(this.fd);
    }
}
//# sourceMappingURL=capped-log.js.map