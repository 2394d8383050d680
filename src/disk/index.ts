// Disk images: the block backend interface, opening images (stated or probed formats, backing chains, locks), creating them.
export type { BlockBackend, OpenDiskOptions, DiskFormat } from './backend.js';
export { DiskError } from './backend.js';
export { openDisk, probeFormat, chainFiles, type ImageIdentity } from './open.js';
export { lockingAvailable } from './lock.js';
export { RawBackend } from './raw.js';
export { Qcow2Backend } from './qcow2/qcow2.js';
export { createQcow2 } from './qcow2/create.js';
