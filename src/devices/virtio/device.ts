// The interface every virtio device implements; the transport (mmio.ts) drives it and devices never see the transport.
import type { GuestMemory } from '../../memory/guest-memory.js';
import { VirtqueueError, type Chain, type SplitQueue } from './queue.js';

/** What the transport hands a device when the driver sets DRIVER_OK. */
export interface VirtioContext {
  readonly mem: GuestMemory;
  /** One entry per queue the device declared; a queue the driver did not enable has `enabled === false`. */
  readonly queues: readonly SplitQueue[];
  /** Features both sides agreed on. */
  readonly features: bigint;
  /** Raises the used-buffer interrupt if the queue's suppression state (flags or event index) asks for one. */
  interrupt(queue: SplitQueue): void;
  /** The device found the driver's data unusable: set DEVICE_NEEDS_RESET and raise a configuration interrupt. */
  needsReset(reason: string): void;
  /** Device configuration changed: bump ConfigGeneration and raise a configuration interrupt. */
  configChanged(): void;
}

export interface VirtioDevice {
  /** Virtio device id (1 net, 2 block, 3 console, 4 entropy, ...). */
  readonly deviceId: number;
  /** Device-specific feature bits; the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX. */
  readonly features: bigint;
  /** Maximum size of each queue; the array length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  /** Size in bytes of the device configuration space. */
  readonly configSize: number;
  /** Reads `size` (1, 2 or 4) bytes of configuration at `offset` (< configSize); little-endian. */
  readConfig(offset: number, size: number): number;
  writeConfig(offset: number, size: number, value: number): void;
  /** The driver set DRIVER_OK: the device may now use its queues. */
  activate(ctx: VirtioContext): void;
  /** The driver notified queue `queueIndex` (already checked to exist and be enabled). May throw VirtqueueError. */
  notify(queueIndex: number): void;
  /** Back to the power-on state; work still in flight must not touch guest memory or the queues afterwards. */
  reset(): void;
  /** Device-specific snapshot state (JSON-serialisable); absent when the device keeps none beyond its queues. */
  saveState?(): unknown;
  /** Called before activation on restore, with what saveState returned. */
  restoreState?(state: unknown): void;
  /** Resolves once no request is in flight (a state save waits for it); absent when the device never has any. */
  idle?(): Promise<void>;
  /** Why the device's state cannot be saved now (host resources the guest holds), or undefined when it can. */
  saveBlocker?(): string | undefined;
}

/** Reads `size` bytes little-endian from a configuration byte image; bytes past its end read as 0. */
export function readConfigBytes(bytes: Uint8Array, offset: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = (v << 8) | (offset + i < bytes.length ? bytes[offset + i] : 0);
  return v >>> 0;
}

/**
 * Host-originated data into the driver's buffers on queue `q`: while `more()` and a chain is available, `fill` writes
 * one chain and returns the bytes written for the used ring; one interrupt covers the batch. A chain `fill` finds
 * unusable (it throws VirtqueueError) or a broken ring puts the device in DEVICE_NEEDS_RESET: this runs on host events
 * as well, outside the transport's notify handler.
 */
export function deliverToQueue(
  ctx: VirtioContext,
  q: SplitQueue,
  more: () => boolean,
  fill: (chain: Chain) => number,
): void {
  try {
    let delivered = false;
    while (more()) {
      const chain = q.pop();
      if (!chain) break;
      q.pushUsed(chain.head, fill(chain));
      delivered = true;
    }
    q.publishAvailEvent();
    if (delivered) ctx.interrupt(q);
  } catch (e) {
    if (e instanceof VirtqueueError) ctx.needsReset(e.message);
    else throw e;
  }
}
