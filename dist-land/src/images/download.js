// HTTP(S) downloads with SHA-256 verification, written to a temp file and renamed only once verified.
import { createHash } from 'node:crypto';
import { openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, existsSync, statSync, createReadStream, } from 'node:fs';
import { progressBar } from '../util/progress.js';
export class HttpNotFound extends Error {
}
async function get(url) {
    let res;
    try {
        res = await fetch(url, { redirect: 'follow' });
    }
    catch (e) {
        const cause = e.cause?.message;
        throw new Error(`cannot fetch ${url}: ${cause ?? e.message}`);
    }
    if (res.status === 404 || res.status === 410)
        throw new HttpNotFound(`${url}: not found (HTTP ${res.status})`);
    if (!res.ok || !res.body)
        throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
    return res;
}
function lengthOf(res) {
    const n = Number(res.headers.get('content-length'));
    return Number.isFinite(n) && n > 0 ? n : undefined;
}
/** Fetches a (small or medium) file into memory. */
export async function fetchBytes(url, opts = {}) {
    const res = await get(url);
    const total = lengthOf(res);
    const bar = progressBar({ label: opts.label ?? url, total, enabled: opts.progress });
    const parts = [];
    let done = 0;
    for await (const chunk of res.body) {
        parts.push(Buffer.from(chunk));
        done += chunk.length;
        bar.update(done);
    }
    bar.finish();
    return Buffer.concat(parts);
}
export async function sha256File(path) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path))
        hash.update(chunk);
    return hash.digest('hex');
}
/** Whether `path` exists with the given size and SHA-256. */
export async function fileMatches(path, sha256, size) {
    if (!existsSync(path))
        return false;
    if (size !== undefined && statSync(path).size !== size)
        return false;
    return (await sha256File(path)) === sha256.toLowerCase();
}
/** Downloads `url` to `dest`, verifying size and SHA-256 before the file appears under its name. */
export async function downloadVerified(url, dest, want, opts = {}) {
    const res = await get(url);
    const total = lengthOf(res) ?? want.size;
    const bar = progressBar({ label: opts.label ?? url, total, enabled: opts.progress });
    const temp = `${dest}.${process.pid}.part`;
    const fd = openSync(temp, 'w');
    const hash = createHash('sha256');
    let done = 0;
    try {
        for await (const chunk of res.body) {
            hash.update(chunk);
            writeSync(fd, chunk);
            done += chunk.length;
            bar.update(done);
        }
        fsyncSync(fd);
    }
    catch (e) {
        closeSync(fd);
        rmSync(temp, { force: true });
        throw new Error(`download of ${url} failed: ${e.message}`);
    }
    finally {
        bar.finish();
    }
    closeSync(fd);
    const got = hash.digest('hex');
    if ((want.size !== undefined && done !== want.size) || got !== want.sha256.toLowerCase()) {
        rmSync(temp, { force: true });
        throw new Error(`${url}: got ${done} bytes with SHA-256 ${got}, expected ${want.size ?? '?'} bytes with ${want.sha256}`);
    }
    renameSync(temp, dest);
}
/** Writes a file atomically: temp file, fsync, rename. */
export function writeFileAtomic(dest, data) {
    const temp = `${dest}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w');
    try {
        writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
        fsyncSync(fd);
    }
    finally {
        closeSync(fd);
    }
    renameSync(temp, dest);
}
//# sourceMappingURL=download.js.map