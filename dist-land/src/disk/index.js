export { DiskError } from './backend.js';
export { openDisk, probeFormat, chainFiles } from './open.js';
export { lockingAvailable } from './lock.js';
export { RawBackend } from './raw.js';
export { Qcow2Backend } from './qcow2/qcow2.js';
export { createQcow2 } from './qcow2/create.js';
//# sourceMappingURL=index.js.map