import { checkSocketPathSyntax } from '../net/socket-path.js';
import { UserError } from './errors.js';
/** `FILE[,readonly][,format=raw|qcow2]` (`ro` for readonly). */
export function parseDiskSpec(text) {
    const parts = text.split(',');
    const path = parts[0];
    if (!path)
        throw new UserError(`--disk needs a file name: --disk FILE[,readonly][,format=raw|qcow2]`);
    const spec = { path, readOnly: false };
    for (const opt of parts.slice(1)) {
        if (opt === 'readonly' || opt === 'ro')
            spec.readOnly = true;
        else if (opt.startsWith('format=')) {
            const f = opt.slice(7);
            if (f !== 'raw' && f !== 'qcow2')
                throw new UserError(`--disk ${path}: unknown format "${f}" (known: raw, qcow2)`);
            spec.format = f;
        }
        else
            throw new UserError(`unknown --disk option "${opt}" (known: readonly, format=raw|qcow2)`);
    }
    return spec;
}
/** `null`, `listen=PATH` or `connect=PATH` (a UNIX socket shared with another typevisor), each with an optional `,mac=52:54:..`. */
export function parseNicSpec(text) {
    const parts = text.split(',');
    let spec;
    const [head, ...opts] = parts;
    if (head === 'null' || head === '')
        spec = { kind: 'null' };
    else if (head.startsWith('listen='))
        spec = { kind: 'listen', path: head.slice(7) };
    else if (head.startsWith('connect='))
        spec = { kind: 'connect', path: head.slice(8) };
    else
        throw new UserError(`unknown --nic "${text}" (use null, listen=SOCKET or connect=SOCKET)`);
    if (spec.path !== undefined)
        checkNicPath(spec.path, spec.kind);
    for (const o of opts) {
        const m = /^mac=((?:[0-9a-f]{2}:){5}[0-9a-f]{2})$/i.exec(o);
        if (!m)
            throw new UserError(`unknown --nic option "${o}" (known: mac=xx:xx:xx:xx:xx:xx)`);
        spec.mac = Uint8Array.from(m[1].split(':').map((h) => parseInt(h, 16)));
    }
    return spec;
}
/** A socket path's length and form, checked before anything touches the file system. */
export function checkNicPath(path, kind) {
    try {
        checkSocketPathSyntax(path, `--nic ${kind}=`);
    }
    catch (e) {
        throw new UserError(e.message);
    }
}
//# sourceMappingURL=devices.js.map