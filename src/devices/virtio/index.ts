// virtio devices and their MMIO transport: what the board and the CLI import.
export * from './constants.js';
export type { VirtioContext, VirtioDevice } from './device.js';
export { Chain, SplitQueue, VirtqueueError, MAX_CHAIN_BYTES, type Segment, type QueueConfig } from './queue.js';
export { VirtioMmio, TRANSPORT_FEATURES, type VirtioMmioEvents, type VirtioMmioState } from './mmio.js';
export { VirtioBlk, type BlkBackend, type VirtioBlkOptions } from './blk.js';
export { VirtioNet, type NetBackend, type VirtioNetOptions } from './net.js';
export { VirtioConsole, VIRTIO_CONSOLE_F_SIZE, type ConsoleSink, type VirtioConsoleOptions } from './console.js';
export { VirtioRng } from './rng.js';
export {
  VirtioInput,
  KEY_POWER,
  EV_KEY,
  EV_SYN,
  type InputEvent,
  type VirtioInputOptions,
  type VirtioInputState,
} from './input.js';
export { VirtioNineP, VIRTIO_9P_F_MOUNT_TAG, MOUNT_TAG_PATTERN } from './9p.js';
export type { NineFs } from './9p-fs.js';
