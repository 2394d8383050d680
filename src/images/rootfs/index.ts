// The Debian root disk: what the CLI needs to build one and to boot it.
export {
  buildRootDisk,
  findRootDisk,
  createRootOverlay,
  checkRootDiskTools,
  ROOT_DISK_CMDLINE,
  NO_HVC_GETTY,
  ROOT_DISK_FILE,
  type RootDisk,
  type RootDiskOptions,
  type RootDiskManifest,
} from './build.js';
export { bootHeadless, type HeadlessBootOptions, type HeadlessBootResult } from './headless-boot.js';
export { MissingToolError } from './host-tools.js';
