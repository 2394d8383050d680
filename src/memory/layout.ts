// Byte offsets inside the one WebAssembly.Memory shared by the interpreter, the translator and devices.
//
// [0, 64 KiB)                scratch (never guest-visible; keeps host offset 0 unused)
// [HARTS_BASE, +MAX_HARTS*HART_STRIDE)   per-hart state blocks (registers, pc, soft TLB)
// [0x190000, RAM_OFFSET)     unused (RAM's host offset is kept where it has always been)
// [RAM_OFFSET, +ramSize)     guest RAM (guest-physical RAM_BASE maps here)

export const SCRATCH_SIZE = 0x10000;
export const MAX_HARTS = 8;
export const HARTS_BASE = 0x10000;
export const HART_STRIDE = 0x30000;
export const RAM_OFFSET = 0x210000; // 64 KiB aligned, after the hart blocks (which end at 0x190000)
/** Guest-physical address where RAM starts on the virt board. */
export const RAM_BASE = 0x8000_0000;

// Inside one hart block (byte offsets from the block start). 64-bit values are little-endian i64,
// so generated WebAssembly can i64.load them directly and TypeScript reads them as (lo, hi) i32 pairs.
export const HS_X = 0x000; // x0..x31, 8 bytes each
export const HS_F = 0x100; // f0..f31, 8 bytes each (raw bits; single values NaN-boxed)
export const HS_PC = 0x200; // pc, i64
export const HS_FCSR = 0x208; // fcsr: frm << 5 | fflags (i32)
export const HS_PRIV = 0x20c; // current privilege (i32): 0 U, 1 S, 3 M
export const HS_INSTRET = 0x210; // retired instruction count (i64)
/**
 * 1 only while mstatus.FS is Dirty (0 is always safe): translated code runs FP instructions inline only then, and calls
 * out otherwise (the call-out traps when FS is Off and sets FS Dirty). The engine sets it on every entry into translated
 * code, and its FP call-outs set it when they make FS Dirty; anything that changes mstatus inside translated code stops it.
 */
export const HS_FS_DIRTY = 0x218;
/** 1 while mstatus.FS is not Off (0 is always safe): FP stores, which read FP registers but leave FS as it is, run inline. Set like HS_FS_DIRTY. */
export const HS_FS_ON = 0x21c;
/** LR/SC reservation: the host offset of the reserved word in RAM (i32), or -1 for none. */
export const HS_RESERVATION = 0x220;
/**
 * The value the last LR read (i64; for LR.W its low 32 bits are what counts). SC is a compare-and-swap against it, so a
 * reservation holds across threads as on QEMU: an SC fails when another hart changed the word (docs/threads.md).
 */
export const HS_RESERVATION_VAL = 0x228;
/** Scratch owned by the translator (src/cpu/jit): instructions retired before a call-out, call-out results. */
export const HS_JIT = 0x800;
export const HS_JIT_END = 0x920;

/** Soft TLB: 3 translation regimes (M-bare, S, U) x 3 access kinds (fetch, load, store), direct-mapped. */
export const HS_TLB = 0x1000;
/** 1024 entries: with 256, a shell loop in busybox missed the fetch TLB 770,000 times in 200,000 iterations (12,000 now). */
export const TLB_ENTRIES = 1024;
export const TLB_ENTRY_BYTES = 16; // tagLo, tagHi, hostOffsetOfPage, unused
export const TLB_TABLE_BYTES = TLB_ENTRIES * TLB_ENTRY_BYTES;
export const TLB_KIND_FETCH = 0;
export const TLB_KIND_LOAD = 1;
export const TLB_KIND_STORE = 2;
export const TLB_REGIME_M = 0;
export const TLB_REGIME_S = 1;
export const TLB_REGIME_U = 2;
/** Byte offset of one TLB table inside the hart block. */
export function tlbTableOffset(regime: number, kind: number): number {
  return HS_TLB + (regime * 3 + kind) * TLB_TABLE_BYTES;
}
export const HS_TLB_END = HS_TLB + 9 * TLB_TABLE_BYTES; // 0x1000 + 0x24000 = 0x25000 < HART_STRIDE
if (HS_TLB_END > HART_STRIDE || HARTS_BASE + MAX_HARTS * HART_STRIDE > RAM_OFFSET)
  throw new Error('memory layout overlaps');

export function hartBlockOffset(hartId: number): number {
  return HARTS_BASE + hartId * HART_STRIDE;
}
