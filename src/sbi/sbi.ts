// SBI hypercall dispatch: an ECALL from S-mode traps into the hypervisor, which handles it here in TypeScript.
import type { Hart } from '../cpu/hart.js';

export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;
export const SBI_ERR_NO_SHMEM = -9;

/** HSM hart states (SBI spec chapter 9). */
export const HART_STARTED = 0,
  HART_STOPPED = 1,
  HART_START_PENDING = 2,
  HART_STOP_PENDING = 3;
export const HART_SUSPENDED = 4,
  HART_SUSPEND_PENDING = 5,
  HART_RESUME_PENDING = 6;

/** What the hypercalls may ask of the machine around the hart. */
export interface SbiPlatform {
  readonly harts: readonly Hart[];
  hartStatus(hartId: number): number;
  /** Start a stopped hart in S-mode at addr with a0 = hartId, a1 = opaque. */
  startHart(hartId: number, addrLo: number, addrHi: number, opaqueLo: number, opaqueHi: number): void;
  /** Stop the calling hart. */
  stopHart(hartId: number): void;
  /** Retentive suspend: the hart sleeps like WFI and resumes after the ECALL. */
  suspendHart(hartId: number): void;
  consoleWrite(bytes: Uint8Array): void;
  /** Up to max bytes of pending console input (possibly none). */
  consoleRead(max: number): Uint8Array;
  /** SRST: type 0 shutdown, 1 cold reboot, 2 warm reboot; reason 0 none, 1 system failure. */
  systemReset(type: number, reason: number): void;
  /** Steal-time bookkeeping: nanoseconds this hart was runnable but not running. */
  stealTimeNs(hartId: number): number;
}

/** One hypercall in flight: arguments from a0..a5, the function id from a6, results to a0/a1. */
export class SbiCall {
  constructor(
    readonly hart: Hart,
    readonly platform: SbiPlatform,
  ) {}
  get eid(): number {
    return this.hart.x[34];
  }
  get fid(): number {
    return this.hart.x[32];
  }
  /** Low 32 bits of argument i (a0..a5). */
  lo(i: number): number {
    return this.hart.x[20 + 2 * i];
  }
  hi(i: number): number {
    return this.hart.x[21 + 2 * i];
  }
  /** Argument i as an unsigned number (exact below 2^53; larger values come back as >= 2^53). */
  num(i: number): number {
    return (this.hi(i) >>> 0) * 4294967296 + (this.lo(i) >>> 0);
  }
  /** Argument i as a signed long that fits in a JS number. */
  long(i: number): number {
    return this.hi(i) * 4294967296 + (this.lo(i) >>> 0);
  }
  ok(valueLo = 0, valueHi = valueLo < 0 ? -1 : 0): void {
    this.ret(SBI_SUCCESS, valueLo, valueHi);
  }
  fail(error: number): void {
    this.ret(error, 0, 0);
  }
  ret(error: number, valueLo: number, valueHi: number): void {
    const x = this.hart.x;
    x[20] = error;
    x[21] = error < 0 ? -1 : 0;
    x[22] = valueLo;
    x[23] = valueHi;
  }
  /** Legacy (v0.1) calls return one value in a0 and leave a1 alone. */
  legacy(value: number): void {
    const x = this.hart.x;
    x[20] = value;
    x[21] = value < 0 ? -1 : 0;
  }
}

export interface SbiExtension {
  readonly eid: number;
  readonly name: string;
  /** Function names by fid, for statistics. */
  readonly functions: Readonly<Record<number, string>>;
  handle(call: SbiCall): void;
}

/** Iterate the harts selected by an SBI hart mask (hart_mask, hart_mask_base); base -1 means all harts.
 *  Returns false if the mask names a hart that does not exist. */
export function forEachMaskedHart(
  call: SbiCall,
  maskArg: number,
  baseArg: number,
  fn: (hartId: number) => void,
): boolean {
  const harts = call.platform.harts.length;
  if (call.lo(baseArg) === -1 && call.hi(baseArg) === -1) {
    for (let h = 0; h < harts; h++) fn(h);
    return true;
  }
  const base = call.num(baseArg);
  const maskLo = call.lo(maskArg) >>> 0,
    maskHi = call.hi(maskArg) >>> 0;
  const selected: number[] = [];
  for (let bit = 0; bit < 64; bit++) {
    const set = bit < 32 ? (maskLo >>> bit) & 1 : (maskHi >>> (bit - 32)) & 1;
    if (!set) continue;
    const id = base + bit;
    if (id >= harts) return false;
    selected.push(id);
  }
  for (const id of selected) fn(id);
  return true;
}
