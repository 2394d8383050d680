// Public API of guest images for the CLI: pulling and finding the Debian riscv64 guest.
export { pullDebian, findCachedDebian, DEFAULT_SUITE, DEFAULT_CMDLINE, } from './debian.js';
export { findMirror } from './apt-sources.js';
export { defaultImagesRoot } from './cache.js';
//# sourceMappingURL=index.js.map