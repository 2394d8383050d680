// The Debian root disk: what the CLI needs to build one and to boot it.
export { buildRootDisk, findRootDisk, createRootOverlay, checkRootDiskTools, ROOT_DISK_CMDLINE, NO_HVC_GETTY, ROOT_DISK_FILE, } from './build.js';
export { bootHeadless } from './headless-boot.js';
export { MissingToolError } from './host-tools.js';
//# sourceMappingURL=index.js.map