// `--share HOSTDIR[:TAG][,readonly]`: a host directory shared with the guest, as the builder and definitions record it.
import { basename, resolve } from 'node:path';
import { MOUNT_TAG_PATTERN } from '../devices/virtio/9p.js';
export const SHARE_SYNTAX = '--share HOSTDIR[:TAG][,readonly]';
/** The tag a directory gets when none is given: its name, with characters a tag cannot have turned into '_'. */
export function defaultTag(dir) {
    const t = basename(resolve(dir))
        .replace(/[^A-Za-z0-9_.-]/g, '_')
        .replace(/^\.+/, '_')
        .slice(0, 31);
    return MOUNT_TAG_PATTERN.test(t) ? t : 'share';
}
/** Why `tag` cannot be a mount tag, or null. */
export function tagProblem(tag) {
    return MOUNT_TAG_PATTERN.test(tag)
        ? null
        : `mount tag "${tag}" is not valid (1 to 31 letters, digits, '_', '.' and '-', not starting with '.' or '-')`;
}
/**
 * Parses the option's text; throws Error with a one-line message. The tag follows the last ':' (a directory whose
 * name has a ':' needs an explicit tag); options follow the first ','.
 */
export function parseShareSpec(text) {
    const [head, ...opts] = text.split(',');
    let readOnly = false;
    for (const o of opts) {
        if (o === 'readonly' || o === 'ro')
            readOnly = true;
        else
            throw new Error(`unknown --share option "${o}" (known: readonly)`);
    }
    const colon = head.lastIndexOf(':');
    const dir = colon >= 0 ? head.slice(0, colon) : head;
    if (!dir)
        throw new Error(`--share needs a host directory: ${SHARE_SYNTAX}`);
    const tag = colon >= 0 ? head.slice(colon + 1) : defaultTag(dir);
    const problem = tagProblem(tag);
    if (problem)
        throw new Error(`--share ${text}: ${problem}`);
    return { path: resolve(dir), tag, readOnly };
}
/** Two shares with one tag could not both be mounted: the second is refused. */
export function checkDistinctTags(shares) {
    const seen = new Set();
    for (const s of shares) {
        if (seen.has(s.tag))
            return `two shares have the mount tag "${s.tag}" (give one another with :TAG)`;
        seen.add(s.tag);
    }
    return null;
}
//# sourceMappingURL=spec.js.map