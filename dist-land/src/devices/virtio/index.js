// virtio devices and their MMIO transport: what the board and the CLI import.
export * from './constants.js';
export { Chain, SplitQueue, VirtqueueError, MAX_CHAIN_BYTES } from './queue.js';
export { VirtioMmio, TRANSPORT_FEATURES } from './mmio.js';
export { VirtioBlk } from './blk.js';
export { VirtioNet } from './net.js';
export { VirtioConsole, VIRTIO_CONSOLE_F_SIZE } from './console.js';
export { VirtioRng } from './rng.js';
export { VirtioInput, KEY_POWER, EV_KEY, EV_SYN, } from './input.js';
export { VirtioNineP, VIRTIO_9P_F_MOUNT_TAG, MOUNT_TAG_PATTERN } from './9p.js';
//# sourceMappingURL=index.js.map