// Public API of guest images for the CLI: pulling and finding the Debian riscv64 guest.
export {
  pullDebian,
  findCachedDebian,
  DEFAULT_SUITE,
  DEFAULT_CMDLINE,
  type PullOptions,
  type PulledImage,
  type CachedImage,
} from './debian.js';
export { findMirror, type MirrorChoice } from './apt-sources.js';
export { defaultImagesRoot, type ImageManifest } from './cache.js';
