// `typevisor img create|info|check|convert`: disk image tools in the manner of qemu-img.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { UserError } from './errors.js';
import { parseSize } from './size.js';
import { DiskError } from '../disk/backend.js';
import { chainFiles, openDisk, parseFormat, probeFormat, resolveBacking } from '../disk/open.js';
import { RawBackend } from '../disk/raw.js';
import { createQcow2 } from '../disk/qcow2/create.js';
import { checkQcow2 } from '../disk/qcow2/check.js';
import { repairQcow2 } from '../disk/qcow2/repair.js';
import { imageInfo } from '../disk/info.js';
/** Sizes as qemu-img reads them: a bare number is bytes; 512M, 10G, 64k otherwise. */
export function parseImageSize(text) {
    if (/^\s*\d+\s*$/.test(text)) {
        const n = Number(text);
        if (!Number.isSafeInteger(n) || n <= 0)
            throw new UserError(`bad size "${text}"`);
        return n;
    }
    try {
        return parseSize(text, 'image size');
    }
    catch (e) {
        throw new UserError(e.message);
    }
}
function formatOf(name, where) {
    if (name === undefined)
        return undefined;
    try {
        return parseFormat(name, where);
    }
    catch (e) {
        throw new UserError(e.message);
    }
}
/** -o cluster_size=64k,refcount_bits=16 */
function parseCreateOptions(text) {
    const out = {};
    if (!text)
        return out;
    for (const item of text.split(',')) {
        const [key, value] = item.split('=');
        if (key === 'cluster_size' && value)
            out.clusterSize = parseImageSize(value);
        else if (key === 'refcount_bits' && value)
            out.refcountBits = Number(value);
        else
            throw new UserError(`unknown image option "${item}" (known: cluster_size, refcount_bits)`);
    }
    return out;
}
/** Turns disk-layer errors into one-line user errors. */
async function userErrors(fn) {
    try {
        return await fn();
    }
    catch (e) {
        if (e instanceof DiskError)
            throw new UserError(e.message, 1);
        throw e;
    }
}
function human(bytes) {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return i === 0 ? `${bytes} bytes` : `${Number.isInteger(v) ? v : v.toFixed(3).replace(/0+$/, '')} ${units[i]}`;
}
function printInfo(info, out) {
    out.push(`image: ${info.filename}`);
    out.push(`file format: ${info.format}`);
    out.push(`virtual size: ${human(info.virtualSize)} (${info.virtualSize} bytes)`);
    out.push(`disk size: ${human(info.actualSize)}`);
    if (info.clusterSize !== undefined)
        out.push(`cluster_size: ${info.clusterSize}`);
    if (info.backingFilename !== undefined) {
        out.push(`backing file: ${info.backingFilename} (actual path: ${info.fullBackingFilename})`);
        if (info.backingFormat !== undefined)
            out.push(`backing file format: ${info.backingFormat}`);
    }
    if (info.qcow2) {
        out.push(`qcow2 version: ${info.qcow2.version}, refcount bits: ${info.qcow2.refcountBits}, compression: ${info.qcow2.compressionType}${info.qcow2.dirty ? ', dirty' : ''}`);
    }
    if (info.backing) {
        out.push('');
        printInfo(info.backing, out);
    }
}
function infoJson(info) {
    const o = {
        filename: info.filename,
        format: info.format,
        'virtual-size': info.virtualSize,
        'actual-size': info.actualSize,
    };
    if (info.clusterSize !== undefined)
        o['cluster-size'] = info.clusterSize;
    if (info.qcow2)
        o['dirty-flag'] = info.qcow2.dirty;
    if (info.backingFilename !== undefined) {
        o['backing-filename'] = info.backingFilename;
        o['full-backing-filename'] = info.fullBackingFilename;
        if (info.backingFormat !== undefined)
            o['backing-filename-format'] = info.backingFormat;
    }
    if (info.qcow2)
        o['format-specific'] = {
            type: 'qcow2',
            data: {
                compat: info.qcow2.version === 3 ? '1.1' : '0.10',
                'refcount-bits': info.qcow2.refcountBits,
                'compression-type': info.qcow2.compressionType,
            },
        };
    if (info.backing)
        o['backing-image'] = infoJson(info.backing);
    return o;
}
async function create(file, sizeText, opts) {
    const fmt = formatOf(opts.format, 'create');
    const qopts = parseCreateOptions(opts.options);
    let size = sizeText !== undefined ? parseImageSize(sizeText) : undefined;
    if (opts.backing !== undefined) {
        if (fmt !== 'qcow2')
            throw new UserError(`format ${fmt} does not support backing files`);
        if (opts.backing === '')
            throw new UserError('-b: the backing file name is empty');
        const bpath = resolveBacking(resolve(file), opts.backing);
        if (bpath === resolve(file))
            throw new UserError(`backing file loop: ${file} would be its own backing file`);
        if (!existsSync(bpath))
            throw new UserError(`${opts.backing}: backing file not found (looked at ${bpath})`);
        // The backing format is always recorded, so opening the overlay never probes its backing file. Without -F it is
        // probed now, under the rules of a probed image (a probed qcow2 naming a backing file of its own is refused).
        const given = formatOf(opts.backingFormat, 'backing format');
        const backing = await userErrors(() => openDisk(bpath, { readOnly: true, format: given }));
        const bfmt = given ?? (backing instanceof RawBackend ? 'raw' : 'qcow2');
        size ??= backing.size;
        await backing.close();
        qopts.backingFile = opts.backing;
        qopts.backingFormat = bfmt;
    }
    else if (opts.backingFormat !== undefined) {
        throw new UserError('-F needs -b');
    }
    if (size === undefined)
        throw new UserError('missing image size');
    const finalSize = size;
    if (fmt === 'raw')
        await userErrors(() => RawBackend.create(file, finalSize));
    else
        await userErrors(() => createQcow2(file, finalSize, qopts));
    process.stdout.write(`Formatting '${file}', fmt=${fmt} size=${finalSize}${qopts.backingFile ? ` backing_file=${qopts.backingFile} backing_fmt=${qopts.backingFormat}` : ''}\n`);
}
/** The report qemu-img check prints for a result (without the exit status). */
function checkReport(r) {
    const lines = [];
    if (r.corruptions === 0 && r.leaks === 0)
        lines.push('No errors were found on the image.');
    if (r.corruptions)
        lines.push(`${r.corruptions} errors were found on the image.`, 'Data may be corrupted, or further writes to the image may corrupt it.');
    if (r.leaks)
        lines.push(`${r.leaks} leaked clusters were found on the image.`, 'This means waste of disk space, but no harm to data.');
    lines.push(`${r.allocatedClusters}/${r.totalClusters} = ${((100 * r.allocatedClusters) / Math.max(1, r.totalClusters)).toFixed(2)}% allocated`);
    lines.push(`Image end offset: ${r.imageEndOffset}`);
    return lines;
}
/** qemu-img check's exit statuses: 0 clean, 1 check not completed, 2 corruptions, 3 leaked clusters only. */
async function check(file, opts) {
    if (opts.repair !== undefined && opts.repair !== 'leaks' && opts.repair !== 'all')
        throw new UserError(`unknown repair mode "${opts.repair}" (leaks, all)`, 1);
    const fmt = formatOf(opts.format, 'check') ?? (await userErrors(() => probeFormat(file)));
    if (fmt !== 'qcow2')
        throw new UserError(`${file}: ${fmt} images have no metadata to check`, 63);
    let r;
    const lines = [];
    if (opts.repair !== undefined) {
        const mode = opts.repair;
        const repaired = await userErrors(() => repairQcow2(file, mode));
        r = repaired.after;
        lines.push(...repaired.before.messages, ...repaired.messages);
        if (repaired.leaksFixed || repaired.corruptionsFixed)
            lines.push('The following inconsistencies were found and repaired:', '', `    ${repaired.leaksFixed} leaked clusters`, `    ${repaired.corruptionsFixed} corruptions`, '', 'Double checking the fixed image now...');
        lines.push(...r.messages);
    }
    else {
        r = await userErrors(() => checkQcow2(file));
        lines.push(...r.messages);
    }
    if (opts.output === 'json') {
        process.stdout.write(`${JSON.stringify({ filename: file, format: fmt, 'check-errors': 0, corruptions: r.corruptions, leaks: r.leaks, 'allocated-clusters': r.allocatedClusters, 'total-clusters': r.totalClusters, 'image-end-offset': r.imageEndOffset }, null, 4)}\n`);
    }
    else {
        process.stdout.write(`${[...lines, ...checkReport(r)].join('\n')}\n`);
    }
    if (r.corruptions)
        throw new UserError(`${file}: ${r.corruptions} errors found`, 2);
    if (r.leaks)
        throw new UserError(`${file}: ${r.leaks} leaked clusters found`, 3);
}
/** Copies every byte of src (its backing chain flattened) into a new image; all-zero clusters are left unallocated. */
async function convert(srcPath, dstPath, opts) {
    const inFmt = formatOf(opts.format, 'source format');
    const outFmt = formatOf(opts.outputFormat, 'output format');
    const qopts = parseCreateOptions(opts.options);
    if (resolve(srcPath) === resolve(dstPath))
        throw new UserError('source and destination are the same file');
    await userErrors(async () => {
        const src = await openDisk(srcPath, { readOnly: true, format: inFmt });
        let dst;
        try {
            refuseChainMember(src, dstPath);
            if (outFmt === 'raw')
                await RawBackend.create(dstPath, src.size);
            else
                await createQcow2(dstPath, src.size, qopts);
            dst = await openDisk(dstPath, { format: outFmt });
            const grain = qopts.clusterSize ?? 65536;
            const chunk = grain * Math.max(1, Math.floor((4 << 20) / grain));
            const buf = new Uint8Array(chunk);
            for (let pos = 0, len = 0; pos < src.size; pos += len) {
                len = Math.min(chunk, src.size - pos);
                // Ranges the source does not store (holes, unallocated clusters) are not read at all.
                const status = await src.blockStatus?.(pos, len);
                if (status) {
                    len = status.length;
                    if (status.zero)
                        continue;
                }
                const part = buf.subarray(0, len);
                await src.read(pos, part);
                let runStart = -1;
                for (let g = 0; g <= len; g += grain) {
                    const nonZero = g < len && !isZero(part.subarray(g, Math.min(len, g + grain)));
                    if (nonZero && runStart < 0)
                        runStart = g;
                    if (!nonZero && runStart >= 0) {
                        await dst.write(pos + runStart, part.subarray(runStart, g));
                        runStart = -1;
                    }
                }
                if (runStart >= 0)
                    await dst.write(pos + runStart, part.subarray(runStart, len));
            }
            await dst.flush();
        }
        finally {
            await src.close();
            await dst?.close();
        }
    });
}
/** The destination must not be the source or an image of its backing chain, whichever links name it. */
function refuseChainMember(src, dstPath) {
    let st;
    try {
        st = statSync(dstPath);
    }
    catch {
        return; // does not exist yet
    }
    const chain = chainFiles(src);
    const i = chain.findIndex((f) => f.dev === st.dev && f.ino === st.ino);
    if (i >= 0)
        throw new UserError(`${dstPath} is ${i === 0 ? 'the source image' : `${chain[i].path}, in the source's backing chain`}: refusing to overwrite it`);
}
function isZero(b) {
    const words = b.length >>> 2;
    if ((b.byteOffset & 3) === 0) {
        const w = new Uint32Array(b.buffer, b.byteOffset, words);
        for (let i = 0; i < words; i++)
            if (w[i] !== 0)
                return false;
    }
    else {
        for (let i = 0; i < words * 4; i++)
            if (b[i] !== 0)
                return false;
    }
    for (let i = words * 4; i < b.length; i++)
        if (b[i] !== 0)
            return false;
    return true;
}
export function imgCommand(program) {
    const img = program
        .command('img')
        .description('disk images: create, inspect, check and convert raw and qcow2 images');
    img
        .command('create')
        .description('create a disk image (qcow2 overlays with -b)')
        .option('-f, --format <fmt>', 'image format: raw or qcow2', 'qcow2')
        .option('-b, --backing <file>', 'backing file (relative names are relative to the new image)')
        .option('-F, --backing-format <fmt>', 'format of the backing file (probed and recorded if omitted)')
        .option('-o, --options <opts>', 'qcow2 options: cluster_size=64k,refcount_bits=16')
        .argument('<file>', 'image file to create')
        .argument('[size]', "virtual size: 10G, 512M, bytes (default with -b: the backing file's)")
        .action(async (file, size, opts) => create(file, size, opts));
    img
        .command('info')
        .description('show format, sizes and backing chain of an image')
        .option('-f, --format <fmt>', 'image format (probed if omitted)')
        .option('--output <fmt>', 'human or json', 'human')
        .argument('<file>')
        .action(async (file, opts) => {
        if (opts.output !== 'human' && opts.output !== 'json')
            throw new UserError(`unknown output format "${opts.output}" (human, json)`);
        const info = await userErrors(() => imageInfo(file, formatOf(opts.format, 'info')));
        if (opts.output === 'json')
            process.stdout.write(`${JSON.stringify(infoJson(info), null, 4)}\n`);
        else {
            const out = [];
            printInfo(info, out);
            process.stdout.write(`${out.join('\n')}\n`);
        }
    });
    img
        .command('check')
        .description('check qcow2 metadata (and repair it with -r); exit status 0 clean, 1 check not completed, 2 corruptions, 3 leaked clusters only')
        .option('-f, --format <fmt>', 'image format (probed if omitted)')
        .option('-r, --repair <mode>', 'repair: leaks (leaked clusters only) or all (also refcount errors)')
        .option('--output <fmt>', 'human or json', 'human')
        .argument('<file>')
        .action(async (file, opts) => check(file, opts));
    img
        .command('convert')
        .description('copy an image into a new one, flattening its backing chain')
        .option('-f, --format <fmt>', 'source format (probed if omitted)')
        .option('-O, --output-format <fmt>', 'destination format: raw or qcow2', 'raw')
        .option('-o, --options <opts>', 'qcow2 options: cluster_size=64k,refcount_bits=16')
        .argument('<src>')
        .argument('<dst>')
        .action(async (src, dst, opts) => convert(src, dst, opts));
}
/** Runs `img ...` on its own (for tests and scripts), with the CLI's error conventions. */
export async function runImg(argv) {
    const program = new Command().name('typevisor').exitOverride();
    imgCommand(program);
    try {
        await program.parseAsync(['img', ...argv], { from: 'user' });
        return 0;
    }
    catch (e) {
        const err = e;
        if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')
            return 0;
        if (err.code?.startsWith('commander.'))
            return err.exitCode ?? 2;
        process.stderr.write(`typevisor: ${e.message}\n`);
        return e instanceof UserError ? e.exitCode : 1;
    }
}
//# sourceMappingURL=img.js.map