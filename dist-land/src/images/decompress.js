// Decompression of gzip, xz and zstd data (whole buffers or streamed chunks), chosen by file suffix or magic.
import { createGunzip, gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
// xz-decompress is a CommonJS bundle whose exports Node's ESM loader cannot name statically.
import xzDecompress from 'xz-decompress';
import { Decompress as ZstdDecompress } from 'fzstd';
/** The compression named by a file's suffix (".gz", ".xz", ".zst"), or 'none'. */
export function compressionOfName(name) {
    if (name.endsWith('.gz'))
        return 'gzip';
    if (name.endsWith('.xz'))
        return 'xz';
    if (name.endsWith('.zst'))
        return 'zstd';
    return 'none';
}
/** The compression recognised from the data's first bytes, or 'none'. */
export function compressionOfData(data) {
    if (data[0] === 0x1f && data[1] === 0x8b)
        return 'gzip';
    if (data[0] === 0xfd &&
        data[1] === 0x37 &&
        data[2] === 0x7a &&
        data[3] === 0x58 &&
        data[4] === 0x5a &&
        data[5] === 0x00)
        return 'xz';
    if (data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd)
        return 'zstd';
    return 'none';
}
/** Decompresses a whole buffer into chunks, without holding the whole output in memory. */
export async function* decompressChunks(data, kind) {
    switch (kind) {
        case 'none':
            yield data;
            return;
        case 'gzip': {
            const gunzip = createGunzip();
            Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]).pipe(gunzip);
            for await (const chunk of gunzip)
                yield chunk;
            return;
        }
        case 'xz': {
            // The xz decoder reads a web stream; a copy keeps it from seeing a view's neighbouring bytes.
            const source = new Blob([data.slice()]).stream();
            const xz = new xzDecompress.XzReadableStream(source);
            const reader = xz.getReader();
            for (;;) {
                const { done, value } = await reader.read();
                if (done)
                    return;
                yield value;
            }
        }
        case 'zstd': {
            const out = [];
            const decoder = new ZstdDecompress((chunk) => {
                out.push(chunk);
            });
            const step = 1 << 20;
            for (let i = 0; i < data.length; i += step) {
                decoder.push(data.subarray(i, Math.min(i + step, data.length)), i + step >= data.length);
                while (out.length)
                    yield out.shift();
            }
            if (data.length === 0)
                throw new Error('empty zstd stream');
            return;
        }
    }
}
/** The default bound on decompress()'s output: more than any index or kernel the image builder reads. */
export const DEFAULT_MAX_DECOMPRESSED = 1 << 30;
/** Decompresses a whole buffer into one buffer of at most maxBytes; more is an error, found before it is allocated. */
export async function decompress(data, kind, maxBytes = DEFAULT_MAX_DECOMPRESSED) {
    const tooLarge = () => new Error(`compressed data (${kind}) expands to more than ${maxBytes} bytes`);
    if (kind === 'none')
        return Buffer.from(data);
    if (kind === 'gzip') {
        try {
            return gunzipSync(data, { maxOutputLength: maxBytes });
        }
        catch (e) {
            if (e.code === 'ERR_BUFFER_TOO_LARGE')
                throw tooLarge();
            throw e;
        }
    }
    const parts = [];
    let total = 0;
    for await (const chunk of decompressChunks(data, kind)) {
        total += chunk.length;
        if (total > maxBytes)
            throw tooLarge();
        parts.push(chunk);
    }
    return Buffer.concat(parts);
}
//# sourceMappingURL=decompress.js.map