// Giving an already-cached initramfs the root= support of the current /init, without rebuilding it from the kernel package.
import { gunzipSync, gzipSync } from 'node:zlib';
import { CpioWriter } from '../cpio.js';
import { initScript, ROOT_MOUNT_MARKER } from '../initramfs.js';
/** Whether the initramfs' /init can mount a root disk. */
export function initrdHasRootSupport(initrd) {
    // Concatenated gzip members (as upgradeInitrd makes) are decompressed as one stream.
    return gunzipSync(initrd).includes(Buffer.from(ROOT_MOUNT_MARKER));
}
/** The initramfs with a second archive appended that replaces /init: the kernel unpacks concatenated
 *  archives in order, and a later file overwrites an earlier one of the same name. */
export function upgradeInitrd(initrd, banner) {
    if (initrdHasRootSupport(initrd))
        return Buffer.from(initrd);
    const w = new CpioWriter();
    w.addFile('init', Buffer.from(initScript(banner)), 0o755);
    return Buffer.concat([initrd, gzipSync(w.finish(), { level: 9 })]);
}
//# sourceMappingURL=initrd-upgrade.js.map