// Flattened device tree (DTB) writer: devicetree-specification chapter 5, version 17 blobs.
const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;
const VERSION = 17;
const LAST_COMP_VERSION = 16;
/** Grows a big-endian byte buffer; only used while building, never on a guest hot path. */
class ByteSink {
    buf = new Uint8Array(4096);
    length = 0;
    ensure(extra) {
        if (this.length + extra <= this.buf.length)
            return;
        let cap = this.buf.length * 2;
        while (cap < this.length + extra)
            cap *= 2;
        const next = new Uint8Array(cap);
        next.set(this.buf.subarray(0, this.length));
        this.buf = next;
    }
    u32(v) {
        this.ensure(4);
        const b = this.buf;
        const i = this.length;
        b[i] = v >>> 24;
        b[i + 1] = (v >>> 16) & 0xff;
        b[i + 2] = (v >>> 8) & 0xff;
        b[i + 3] = v & 0xff;
        this.length += 4;
    }
    bytes(data) {
        this.ensure(data.length);
        this.buf.set(data, this.length);
        this.length += data.length;
    }
    /** Pads with zero bytes to the next multiple of `align`. */
    pad(align) {
        const extra = (align - (this.length % align)) % align;
        this.ensure(extra);
        this.buf.fill(0, this.length, this.length + extra);
        this.length += extra;
    }
    take() {
        return this.buf.slice(0, this.length);
    }
}
const encoder = new TextEncoder();
function cstring(s) {
    if (s.includes('\0'))
        throw new Error(`FDT string must not contain NUL: ${JSON.stringify(s)}`);
    const body = encoder.encode(s);
    const out = new Uint8Array(body.length + 1);
    out.set(body);
    return out;
}
function checkU32(v, what) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
        throw new Error(`${what}: ${v} is not a u32`);
}
function checkU64(v, what) {
    if (!Number.isSafeInteger(v) || v < 0)
        throw new Error(`${what}: ${v} is not a safe non-negative integer`);
}
/** Splits a non-negative safe integer into its high and low 32-bit cells. */
function u64Cells(v) {
    const hi = Math.floor(v / 0x1_0000_0000);
    return [hi, v - hi * 0x1_0000_0000];
}
/**
 * Builds a DTB node by node: beginNode/props/endNode in document order. Property names go into
 * a deduplicated strings block. Phandles come from allocPhandle() so that a node can be pointed
 * at before it is written (the syscon-poweroff node refers to the test device, for instance).
 */
export class FdtBuilder {
    struct = new ByteSink();
    strings = new ByteSink();
    stringOffsets = new Map();
    depth = 0;
    nextPhandle = 1;
    finished = false;
    reservations = [];
    /** Returns a fresh phandle (1, 2, 3, ...); write it into its node with prop u32 "phandle". */
    allocPhandle() {
        return this.nextPhandle++;
    }
    /** Adds a memory reservation block entry. */
    reserve(address, size) {
        checkU64(address, 'reservation address');
        checkU64(size, 'reservation size');
        this.reservations.push({ address, size });
    }
    /** Opens a node; the root node's name is the empty string. */
    beginNode(name) {
        this.checkOpen();
        if (this.depth === 0 && name !== '')
            throw new Error('the first node must be the root (empty name)');
        if (this.depth > 0 && name === '')
            throw new Error('only the root node has an empty name');
        if (this.depth === 0 && this.struct.length > 0)
            throw new Error('only one root node');
        this.struct.u32(FDT_BEGIN_NODE);
        this.struct.bytes(cstring(name));
        this.struct.pad(4);
        this.depth++;
        return this;
    }
    endNode() {
        this.checkOpen();
        if (this.depth === 0)
            throw new Error('endNode without beginNode');
        this.struct.u32(FDT_END_NODE);
        this.depth--;
        return this;
    }
    /** A property with raw bytes as its value. */
    propBytes(name, value) {
        this.checkOpen();
        if (this.depth === 0)
            throw new Error(`property ${name} outside any node`);
        this.struct.u32(FDT_PROP);
        this.struct.u32(value.length);
        this.struct.u32(this.nameOffset(name));
        this.struct.bytes(value);
        this.struct.pad(4);
        return this;
    }
    /** A property with no value (e.g. `interrupt-controller`, `ranges`). */
    propEmpty(name) {
        return this.propBytes(name, new Uint8Array(0));
    }
    /** One or more big-endian 32-bit cells. */
    propU32(name, ...cells) {
        return this.propCells(name, cells);
    }
    /** A list of big-endian 32-bit cells. */
    propCells(name, cells) {
        const out = new Uint8Array(cells.length * 4);
        const dv = new DataView(out.buffer);
        cells.forEach((c, i) => {
            checkU32(c, `${name}[${i}]`);
            dv.setUint32(i * 4, c, false);
        });
        return this.propBytes(name, out);
    }
    /** One or more 64-bit values, each as two cells (high first). */
    propU64(name, ...values) {
        const cells = [];
        for (const v of values) {
            checkU64(v, name);
            cells.push(...u64Cells(v));
        }
        return this.propCells(name, cells);
    }
    /** `reg` (or similar) with #address-cells = #size-cells = 2: pairs of (address, size). */
    propReg(name, ...addressSizePairs) {
        if (addressSizePairs.length % 2 !== 0)
            throw new Error(`${name}: address/size pairs expected`);
        return this.propU64(name, ...addressSizePairs);
    }
    propString(name, value) {
        return this.propBytes(name, cstring(value));
    }
    /** A string list: each string NUL-terminated, concatenated. */
    propStrings(name, values) {
        const parts = values.map(cstring);
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
            out.set(p, at);
            at += p.length;
        }
        return this.propBytes(name, out);
    }
    /**
     * Assembles header, reservation block, structure block and strings block, followed by `freeSpace` zero bytes that
     * the header's total size includes (room for a boot loader that edits the tree in place).
     */
    finish(bootCpuId = 0, freeSpace = 0) {
        this.checkOpen();
        if (this.depth !== 0)
            throw new Error(`${this.depth} node(s) still open`);
        if (this.struct.length === 0)
            throw new Error('no root node');
        checkU32(bootCpuId, 'boot cpu id');
        this.struct.u32(FDT_END);
        this.finished = true;
        const rsvOffset = HEADER_SIZE; // already 8-byte aligned
        const rsvSize = (this.reservations.length + 1) * 16;
        const structOffset = rsvOffset + rsvSize;
        const structBytes = this.struct.take();
        const stringsOffset = structOffset + structBytes.length;
        const stringBytes = this.strings.take();
        checkU32(freeSpace, 'free space');
        const total = stringsOffset + stringBytes.length + freeSpace;
        const out = new ByteSink();
        for (const v of [
            FDT_MAGIC,
            total,
            structOffset,
            stringsOffset,
            rsvOffset,
            VERSION,
            LAST_COMP_VERSION,
            bootCpuId,
            stringBytes.length,
            structBytes.length,
        ]) {
            out.u32(v);
        }
        for (const r of this.reservations) {
            const [ah, al] = u64Cells(r.address);
            const [sh, sl] = u64Cells(r.size);
            out.u32(ah);
            out.u32(al);
            out.u32(sh);
            out.u32(sl);
        }
        for (let i = 0; i < 4; i++)
            out.u32(0);
        out.bytes(structBytes);
        out.bytes(stringBytes);
        out.bytes(new Uint8Array(freeSpace));
        return out.take();
    }
    nameOffset(name) {
        let off = this.stringOffsets.get(name);
        if (off === undefined) {
            off = this.strings.length;
            this.strings.bytes(cstring(name));
            this.stringOffsets.set(name, off);
        }
        return off;
    }
    checkOpen() {
        if (this.finished)
            throw new Error('FdtBuilder already finished');
    }
}
//# sourceMappingURL=fdt.js.map