// Figures as people read them (sizes, durations) and the command line that does what the create form does.
import type { CreateRequest } from './api.js';

const UNITS: [number, string][] = [
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

export function size(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  for (const [unit, name] of UNITS)
    if (bytes >= unit) return `${(bytes / unit).toFixed(bytes >= 10 * unit ? 0 : 1)} ${name}`;
  return `${bytes} B`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A word for the shell: quoted when it holds anything but safe characters. */
function word(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `typevisor create ...` (and `&& typevisor start NAME`) for a create request, as the CLI spells it. */
export function createCommand(r: CreateRequest, start: boolean): string {
  const args = ['typevisor', 'create', word(r.name || 'NAME')];
  if (r.memoryMiB !== undefined) args.push('-m', `${r.memoryMiB}M`);
  if (r.cpus !== undefined) args.push('--cpus', String(r.cpus));
  for (const d of r.newDisks ?? []) args.push('--disk-size', word(String(d)));
  for (const d of r.disks ?? []) args.push('--disk', word(d.path + (d.readonly ? ',readonly' : '')));
  for (const n of r.nics ?? []) if (n.mode === 'network' && n.network) args.push('--network', word(n.network));
  for (const sh of r.shares ?? []) args.push('--share', word(`${sh.path}:${sh.tag}${sh.readonly ? ',readonly' : ''}`));
  if (r.kernel) args.push('--kernel', word(r.kernel));
  if (r.initrd) args.push('--initrd', word(r.initrd));
  if (r.cmdline) args.push('--append', word(r.cmdline));
  const create = args.join(' ');
  return start ? `${create} && typevisor start ${word(r.name || 'NAME')}` : create;
}

/** The size strings the API and the CLI take: 512M, 8G, 1.5G, or bytes. */
export function validSize(s: string): boolean {
  return /^\d+(\.\d+)?\s*[KMGT]?i?B?$/i.test(s.trim());
}

type Share = NonNullable<CreateRequest['shares']>[number];

/**
 * `HOSTDIR[:TAG][,readonly]`, as the CLI's --share takes it: the tag defaults to the folder's name. Returns the share,
 * or a one-line reason it is not one.
 */
export function parseShare(text: string): Share | string {
  const [head, ...opts] = text.trim().split(',');
  let readonly = false;
  for (const o of opts) {
    if (o === 'readonly' || o === 'ro') readonly = true;
    else return `unknown option "${o}" (known: readonly)`;
  }
  const colon = head.lastIndexOf(':');
  const path = colon >= 0 ? head.slice(0, colon) : head;
  if (!path.startsWith('/')) return 'an absolute folder path on the host, e.g. /srv/data';
  const name = path.replace(/\/+$/, '').split('/').pop() ?? '';
  const tag =
    colon >= 0
      ? head.slice(colon + 1)
      : name
          .replace(/[^A-Za-z0-9_.-]/g, '_')
          .replace(/^[.-]+/, '_')
          .slice(0, 31) || 'share';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/.test(tag))
    return `mount tag "${tag}": 1 to 31 letters, digits, "_", "." and "-", not starting with "." or "-"`;
  return { path, tag, ...(readonly ? { readonly } : {}) };
}
