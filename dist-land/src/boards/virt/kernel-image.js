// Linux RISC-V kernel Image loading: header validation (Documentation/arch/riscv/boot-image-header.rst).
import { gunzipSync } from 'node:zlib';
function gunzipBounded(data, name, maxBytes) {
    try {
        return new Uint8Array(gunzipSync(data, { maxOutputLength: maxBytes }));
    }
    catch (e) {
        if (e.code === 'ERR_BUFFER_TOO_LARGE')
            throw new Error(`${name}: the gzip-compressed kernel expands to more than ${Math.floor(maxBytes / 2 ** 20)} MiB, more than fits in guest RAM`);
        throw new Error(`${name}: bad gzip data: ${e.message}`);
    }
}
const MAGIC2 = 0x05435352; // "RSC\x05" little-endian
/** Largest kernel Image accepted when the caller names no bound (a Debian riscv64 Image is about 30 MiB). */
export const DEFAULT_MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/**
 * Parses a RISC-V Linux Image (raw or gzip-compressed); throws with a one-line reason otherwise. A gzip kernel is
 * expanded to at most maxImageBytes (the board passes its RAM size: a larger Image could not be loaded anyway), so a
 * small file cannot make us allocate without limit.
 */
export function parseKernelImage(file, name = 'kernel', maxImageBytes = DEFAULT_MAX_IMAGE_BYTES) {
    let data = file;
    if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b)
        data = gunzipBounded(data, name, maxImageBytes);
    if (data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) {
        throw new Error(`${name} is an ELF file; typevisor boots the Linux RISC-V "Image" format (arch/riscv/boot/Image)`);
    }
    if (data.length < 64)
        throw new Error(`${name} is not a RISC-V kernel image (too small)`);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (dv.getUint32(0x38, true) !== MAGIC2)
        throw new Error(`${name} is not a RISC-V kernel image (no "RSC\\x05" magic at 0x38)`);
    const textOffset = Number(dv.getBigUint64(0x08, true));
    const imageSize = Number(dv.getBigUint64(0x10, true));
    if (textOffset % 4096 !== 0 || textOffset > 0x4000_0000)
        throw new Error(`${name}: implausible text_offset 0x${textOffset.toString(16)}`);
    return { data, textOffset, imageSize: Math.max(imageSize, data.length) };
}
/** Where a raw S-mode payload goes: RAM + 2 MiB, OpenSBI's next-stage address on QEMU's virt board. */
export const RAW_PAYLOAD_OFFSET = 0x20_0000;
/** A raw S-mode binary (a boot loader such as U-Boot), entered at its first byte. */
export function rawPayload(data, name = 'boot loader') {
    if (data.length === 0)
        throw new Error(`${name} is empty`);
    return { data, textOffset: RAW_PAYLOAD_OFFSET, imageSize: data.length };
}
//# sourceMappingURL=kernel-image.js.map