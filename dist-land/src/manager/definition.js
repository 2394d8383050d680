// A VM's definition: the small versioned JSON document (vm.json) that says what machine it is, checked with zod.
import { z } from 'zod';
import { ManagerError } from './errors.js';
import { checkDistinctTags, tagProblem } from '../share/spec.js';
export const DEFINITION_VERSION = 1;
/** Definitions are small: anything bigger is not one (and is never read whole into memory). */
export const MAX_DEFINITION_BYTES = 64 * 1024;
/** The virt board's 8 virtio slots hold the disks, NICs and shares, then an entropy source and a console. */
export const MAX_DISKS_AND_NICS = 6;
export const MIN_MEMORY_MIB = 16;
/** One wasm32 memory holds guest RAM and the harts' state. */
export const MAX_MEMORY_MIB = 4093;
export const MAX_CPUS = 8;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const MAX_NAME_LENGTH = 63;
const MAC_PATTERN = /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
/** Why `name` cannot name a VM, or null: letters, digits, '-' and '_', starting with a letter or digit, at most 63. */
export function nameProblem(name) {
    if (name.length === 0)
        return 'a VM name cannot be empty';
    if (name.length > MAX_NAME_LENGTH)
        return `a VM name has at most ${MAX_NAME_LENGTH} characters`;
    if (!NAME_PATTERN.test(name))
        return 'a VM name has only letters, digits, "-" and "_", and starts with a letter or digit';
    return null;
}
export function checkName(name) {
    const problem = nameProblem(name);
    if (problem)
        throw new ManagerError('bad-input', `bad VM name ${JSON.stringify(name)}: ${problem}`);
}
const DiskSchema = z
    .strictObject({
    /** Relative paths are relative to the VM's folder (disks created for the VM live there). */
    path: z.string().min(1).max(4096),
    /** Recorded when the disk is attached, so the image's contents never choose its format. */
    format: z.enum(['raw', 'qcow2']),
    readonly: z.boolean().default(false),
    /** Created with the VM (in its folder): deleted with it unless --keep-disks. */
    owned: z.boolean().default(false),
    /** cdrom: install media (read-only), listed by `info` as such; absent means a disk. */
    media: z.enum(['disk', 'cdrom']).optional(),
})
    .refine((d) => d.media !== 'cdrom' || d.readonly, { message: 'install media ("cdrom") are read-only' });
const NicSchema = z
    .strictObject({
    /** null: a card with no link; listen/connect: a UNIX socket shared with another typevisor; network: a named network. */
    mode: z.enum(['null', 'listen', 'connect', 'network']),
    socket: z.string().min(1).max(4096).optional(),
    /** The network's name (network mode). */
    network: z.string().min(1).max(63).optional(),
    /** A pinned address on the network (network mode; else DHCP gives a stable one). */
    ip: z
        .string()
        .regex(/^\d{1,3}(?:\.\d{1,3}){3}$/, 'an IPv4 address')
        .optional(),
    mac: z.string().regex(MAC_PATTERN, 'a MAC address is six hex pairs separated by ":"'),
})
    .refine((n) => (n.mode === 'listen' || n.mode === 'connect') === (n.socket !== undefined), {
    message: 'listen and connect NICs need "socket"; other NICs have none',
})
    .refine((n) => (n.mode === 'network') === (n.network !== undefined) && (n.ip === undefined || n.mode === 'network'), {
    message: 'network NICs need "network" (and only they have "network" or "ip")',
});
const ShareSchema = z.strictObject({
    /** An absolute host directory. */
    path: z.string().min(1).max(4096).startsWith('/', 'a share path is absolute'),
    tag: z.string().refine((t) => tagProblem(t) === null, { error: (i) => tagProblem(String(i.input)) ?? '' }),
    readonly: z.boolean().default(false),
});
const BootSchema = z
    .strictObject({
    /** A guest image from the cache (`typevisor image pull`): its kernel, initrd and command line. */
    image: z.enum(['debian']).optional(),
    kernel: z.string().min(1).max(4096).optional(),
    /** Boot from the disks through a boot loader: "u-boot" (cached) or a raw S-mode binary's path. */
    firmware: z.string().min(1).max(4096).optional(),
    initrd: z.string().min(1).max(4096).optional(),
    /** The kernel command line; the image's or "console=ttyS0" when absent. */
    cmdline: z.string().max(4096).optional(),
})
    .refine((b) => [b.image, b.kernel, b.firmware].filter((x) => x !== undefined).length === 1, {
    message: 'give one of "image", "kernel" or "firmware"',
})
    .refine((b) => b.firmware === undefined || (b.initrd === undefined && b.cmdline === undefined), {
    message: 'a boot loader ("firmware") finds its kernel on the disks: no "initrd" or "cmdline"',
});
export const DefinitionSchema = z
    .strictObject({
    version: z.literal(DEFINITION_VERSION),
    name: z.string().refine((n) => nameProblem(n) === null, { error: (i) => nameProblem(String(i.input)) ?? '' }),
    memoryMiB: z.int().min(MIN_MEMORY_MIB).max(MAX_MEMORY_MIB),
    cpus: z.int().min(1).max(MAX_CPUS),
    boot: BootSchema,
    disks: z.array(DiskSchema).default([]),
    nics: z.array(NicSchema).default([]),
    /** Host directories shared with the guest (virtio-9p). */
    shares: z.array(ShareSchema).default([]),
    autostart: z.boolean().default(false),
    createdAt: z.string().max(64).optional(),
})
    .refine((d) => d.disks.length + d.nics.length + d.shares.length <= MAX_DISKS_AND_NICS, {
    message: `at most ${MAX_DISKS_AND_NICS} disks, NICs and shares together (the board has 8 virtio slots)`,
    path: ['disks'],
})
    .refine((d) => checkDistinctTags(d.shares) === null, {
    error: (i) => checkDistinctTags(i.input.shares) ?? '',
    path: ['shares'],
});
/** `disks[0].format` from a zod issue path. */
function fieldName(path) {
    let out = '';
    for (const p of path)
        out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
    return out;
}
/** Checks a definition's JSON text; errors name the file and the field. */
export function parseDefinition(text, file) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (e) {
        throw new ManagerError('bad-input', `${file}: not valid JSON: ${e.message}`);
    }
    return checkDefinition(json, file);
}
export function checkDefinition(value, where) {
    const r = DefinitionSchema.safeParse(value);
    if (r.success)
        return r.data;
    const first = r.error.issues[0];
    const field = fieldName(first.path);
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
    throw new ManagerError('bad-input', `${where}: ${field ? `field "${field}": ` : ''}${first.message}${more}`);
}
export function serializeDefinition(def) {
    return `${JSON.stringify(def, null, 2)}\n`;
}
//# sourceMappingURL=definition.js.map