// Guest-physical RAM and hart state in one linear WebAssembly.Memory, with typed views over it.
import { RAM_BASE, RAM_OFFSET } from './layout.js';
const WASM_PAGE = 0x10000;
/** wasm32 memories top out at 4 GiB; keep room for the state blocks below RAM. */
export const MAX_RAM_BYTES = 4 * 1024 * 1024 * 1024 - RAM_OFFSET - WASM_PAGE;
export class GuestMemory {
    ramSize;
    memory;
    buffer;
    u8;
    u16;
    i32;
    f64;
    dv;
    /** Guest-physical base of RAM. */
    ramBase = RAM_BASE;
    /** Byte offset of guest RAM inside `buffer`. */
    ramOffset = RAM_OFFSET;
    /** Called after a device wrote guest RAM directly (DMA), with the host byte offset and length, so caches
     *  of RAM contents — the translator's code cache — can drop what the write made stale. */
    dmaWriteHook = null;
    constructor(ramSize) {
        this.ramSize = ramSize;
        if (!Number.isInteger(ramSize) || ramSize <= 0 || ramSize % 4096 !== 0) {
            throw new RangeError(`guest RAM size must be a positive multiple of 4 KiB, got ${ramSize}`);
        }
        if (ramSize > MAX_RAM_BYTES)
            throw new RangeError(`guest RAM size ${ramSize} exceeds the ${MAX_RAM_BYTES}-byte limit of one WebAssembly memory`);
        const pages = Math.ceil((RAM_OFFSET + ramSize) / WASM_PAGE);
        this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
        this.buffer = this.memory.buffer;
        this.u8 = new Uint8Array(this.buffer);
        this.u16 = new Uint16Array(this.buffer);
        this.i32 = new Int32Array(this.buffer);
        this.f64 = new Float64Array(this.buffer);
        this.dv = new DataView(this.buffer);
    }
    /** Host byte offset of a guest-physical address, or -1 when [pa, pa+len) is not entirely RAM. pa is a plain number (exact below 2^53). */
    ramHostOffset(pa, len = 1) {
        const off = pa - this.ramBase;
        if (off < 0 || off + len > this.ramSize)
            return -1;
        return this.ramOffset + off;
    }
    /** Copy bytes into guest RAM at a guest-physical address; throws if outside RAM (host-side loaders only). */
    writeBytes(pa, data) {
        const host = this.ramHostOffset(pa, data.length);
        if (host < 0)
            throw new RangeError(`write of ${data.length} bytes at 0x${pa.toString(16)} is outside guest RAM`);
        this.u8.set(data, host);
    }
    /** Copy bytes out of guest RAM; throws if outside RAM (host-side use only). */
    readBytes(pa, len) {
        const host = this.ramHostOffset(pa, len);
        if (host < 0)
            throw new RangeError(`read of ${len} bytes at 0x${pa.toString(16)} is outside guest RAM`);
        return this.u8.slice(host, host + len);
    }
}
//# sourceMappingURL=guest-memory.js.map