// The API's access token: 32 random bytes in $TYPEVISOR_HOME/serve.token (mode 0600), compared in constant time.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
/** base64url of 32 bytes. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export function tokenPath(home) {
    return join(home, 'serve.token');
}
export function newToken() {
    return randomBytes(32).toString('base64url');
}
/** Reads the token file; null when there is none. Refuses a file others can read or that is not ours. */
function readToken(file) {
    let fd;
    try {
        fd = openSync(file, 'r');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return null;
        throw e;
    }
    try {
        const st = fstatSync(fd);
        const uid = process.getuid?.();
        if (!st.isFile() || (uid !== undefined && st.uid !== uid))
            throw new UserError(`${file} is not a file of this user: remove it`);
        if ((st.mode & 0o077) !== 0)
            throw new UserError(`${file} can be read by others (mode ${(st.mode & 0o777).toString(8)}): run \`typevisor serve --new-token\``);
        const buf = Buffer.alloc(128);
        const n = readSync(fd, buf, 0, buf.length, 0);
        const token = buf.subarray(0, n).toString('latin1').trim();
        if (!TOKEN_PATTERN.test(token))
            throw new UserError(`${file} does not hold a token: run \`typevisor serve --new-token\``);
        return token;
    }
    finally {
        closeSync(fd);
    }
}
/** Writes a new token: a private temporary file renamed over the old one, so no reader sees a partial token. */
function writeToken(file, token) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
        writeSync(fd, `${token}\n`);
    }
    catch (e) {
        closeSync(fd);
        unlinkSync(tmp);
        throw e;
    }
    closeSync(fd);
    renameSync(tmp, file);
}
/** The token of `home`: the file's while it exists, a new one when it does not or when `rotate` asks. */
export function loadOrCreateToken(home, rotate = false) {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const file = tokenPath(home);
    if (!rotate) {
        const existing = readToken(file);
        if (existing)
            return existing;
    }
    const token = newToken();
    writeToken(file, token);
    return token;
}
/** Equal in time that does not depend on where the strings differ (both hashed to the same length first). */
export function sameSecret(given, expected) {
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    return timingSafeEqual(a, b);
}
/** The browser cookie's value: derived from the token, so it changes when the token is rotated. */
export function cookieSecret(token) {
    return createHmac('sha256', token).update('typevisor serve cookie').digest('base64url');
}
//# sourceMappingURL=token.js.map