// Turns --disk / --nic options into virtio devices (blk over raw/qcow2 images, net over a link backend), plus rng and console.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { openDisk } from '../disk/open.js';
import type { BlockBackend, DiskFormat } from '../disk/backend.js';
import {
  VirtioBlk,
  VirtioConsole,
  VirtioInput,
  VirtioNet,
  VirtioRng,
  type VirtioDevice,
  type NetBackend,
} from '../devices/virtio/index.js';
import { StreamNetBackend } from '../net/stream-backend.js';
import { checkSocketPathSyntax } from '../net/socket-path.js';
import { openNicBackend } from '../net/open-nic.js';
import { UserError } from './errors.js';

export interface DiskSpec {
  path: string;
  readOnly: boolean;
  /** The format the user stated; without it the image is probed (docs/disk-safety.md). */
  format?: DiskFormat;
}
export interface NicSpec {
  kind: 'null' | 'listen' | 'connect';
  path?: string;
  mac?: Uint8Array;
}

/** `FILE[,readonly][,format=raw|qcow2]` (`ro` for readonly). */
export function parseDiskSpec(text: string): DiskSpec {
  const parts = text.split(',');
  const path = parts[0];
  if (!path) throw new UserError(`--disk needs a file name: --disk FILE[,readonly][,format=raw|qcow2]`);
  const spec: DiskSpec = { path, readOnly: false };
  for (const opt of parts.slice(1)) {
    if (opt === 'readonly' || opt === 'ro') spec.readOnly = true;
    else if (opt.startsWith('format=')) {
      const f = opt.slice(7);
      if (f !== 'raw' && f !== 'qcow2')
        throw new UserError(`--disk ${path}: unknown format "${f}" (known: raw, qcow2)`);
      spec.format = f;
    } else throw new UserError(`unknown --disk option "${opt}" (known: readonly, format=raw|qcow2)`);
  }
  return spec;
}

/** `null`, `listen=PATH` or `connect=PATH` (a UNIX socket shared with another typevisor), each with an optional `,mac=52:54:..`. */
export function parseNicSpec(text: string): NicSpec {
  const parts = text.split(',');
  let spec: NicSpec;
  const [head, ...opts] = parts;
  if (head === 'null' || head === '') spec = { kind: 'null' };
  else if (head.startsWith('listen=')) spec = { kind: 'listen', path: head.slice(7) };
  else if (head.startsWith('connect=')) spec = { kind: 'connect', path: head.slice(8) };
  else throw new UserError(`unknown --nic "${text}" (use null, listen=SOCKET or connect=SOCKET)`);
  if (spec.path !== undefined) checkNicPath(spec.path, spec.kind);
  for (const o of opts) {
    const m = /^mac=((?:[0-9a-f]{2}:){5}[0-9a-f]{2})$/i.exec(o);
    if (!m) throw new UserError(`unknown --nic option "${o}" (known: mac=xx:xx:xx:xx:xx:xx)`);
    spec.mac = Uint8Array.from(m[1].split(':').map((h) => parseInt(h, 16)));
  }
  return spec;
}

/** A socket path's length and form, checked before anything touches the file system. */
export function checkNicPath(path: string, kind: string): void {
  try {
    checkSocketPathSyntax(path, `--nic ${kind}=`);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

/** A locally administered unicast MAC address, random per NIC unless given. */
function randomMac(): Uint8Array {
  const mac = randomBytes(6);
  mac[0] = (mac[0] & 0xfe) | 0x02;
  return new Uint8Array(mac);
}

export interface BuiltDevices {
  devices: { device: VirtioDevice; name: string }[];
  disks: BlockBackend[];
  closers: (() => Promise<void> | void)[];
  /** hvc0: the terminal's size goes to its setSize. */
  console: VirtioConsole;
  /** pressPowerButton() asks the guest to shut down. */
  powerButton: VirtioInput;
}

export async function buildVirtioDevices(
  disks: DiskSpec[],
  nics: NicSpec[],
  consoleOut: (b: Uint8Array) => void,
): Promise<BuiltDevices> {
  const console = new VirtioConsole({ write: consoleOut });
  const powerButton = new VirtioInput();
  const out: BuiltDevices = { devices: [], disks: [], closers: [], console, powerButton };
  // Everything that can be checked without touching the file system is checked first.
  const slots = disks.length + nics.length + 3;
  if (slots > 8)
    throw new UserError(
      `too many devices: the virt board has 8 virtio slots (disks + NICs + rng + console + power button = ${slots})`,
    );
  for (const n of nics) if (n.kind !== 'null') checkNicPath(n.path!, n.kind);
  for (const d of disks) {
    if (!existsSync(d.path)) throw new UserError(`disk image not found: ${d.path}`);
    let backend: BlockBackend;
    try {
      backend = await openDisk(d.path, {
        readOnly: d.readOnly,
        format: d.format,
        warn: (msg) => process.stderr.write(`typevisor: warning: ${msg}\n`),
      });
    } catch (e) {
      throw new UserError(`cannot open disk ${d.path}: ${(e as Error).message}`);
    }
    out.disks.push(backend);
    out.closers.push(() => backend.close());
    out.devices.push({ device: new VirtioBlk(backend), name: `virtio-blk ${d.path}` });
  }
  for (const [i, n] of nics.entries()) {
    let backend: NetBackend;
    try {
      backend = await openNicBackend(n, (msg) => process.stderr.write(`typevisor: nic ${i}: ${msg}\r\n`));
    } catch (e) {
      for (const c of out.closers) await c();
      throw new UserError((e as Error).message);
    }
    if (backend instanceof StreamNetBackend) out.closers.push(() => backend.close());
    out.devices.push({ device: new VirtioNet(backend, { mac: n.mac ?? randomMac() }), name: `virtio-net ${i}` });
  }
  out.devices.push({ device: new VirtioRng(), name: 'virtio-rng' });
  out.devices.push({ device: console, name: 'virtio-console' });
  out.devices.push({ device: powerButton, name: 'virtio-input power button' });
  return out;
}
