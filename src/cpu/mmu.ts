// Sv39/Sv48 page-table walk with permission checks and hardware A/D-bit update.
import type { Hart } from './hart.js';
import { MSTATUS_MXR, MSTATUS_SUM, PRIV_S, PRIV_U } from './constants.js';

const KIND_FETCH = 0,
  KIND_STORE = 2;
const TWO32 = 4294967296;

// Physical addresses here go up to 2^56, so they are doubles; but every field extraction is done with int32 bit
// operations on (lo, hi) halves, because `%` and Math.floor on doubles are slow in V8 (Float64Mod is a C call).

/** Walks the page table for a virtual address. Returns the guest-physical address, -1 for a page fault;
 *  raises an access fault itself when a page-table entry lies outside RAM. */
export function walk(h: Hart, vlo: number, vhi: number, kind: number, priv: number): number {
  const mode = h.satpHi >>> 28;
  const levels = mode === 8 ? 3 : 4;
  // The address must be sign-extended from its top valid bit (38 for Sv39, 47 for Sv48).
  const top = vhi >> (levels === 3 ? 6 : 15);
  if (top !== 0 && top !== -1) return -1;
  let table = ((h.satpHi & 0xfff) * TWO32 + (h.satpLo >>> 0)) * 4096;
  const mstatus = h.mstatus;
  const dv = h.dv;
  for (let level = levels - 1; level >= 0; level--) {
    // VPN[level] is bits 12+9*level .. +8 of the address.
    const vpn =
      level === 0
        ? (vlo >>> 12) & 511
        : level === 1
          ? (vlo >>> 21) & 511
          : level === 2
            ? ((vlo >>> 30) | (vhi << 2)) & 511
            : (vhi >>> 7) & 511;
    const pteAddr = table + vpn * 8;
    const host = h.mem.ramHostOffset(pteAddr, 8);
    if (host < 0) return h.accessFault(kind, vlo, vhi);
    const lo = dv.getInt32(host, true),
      hi = dv.getInt32(host + 4, true);
    if ((lo & 1) === 0) return -1; // V
    if (hi >>> 22 !== 0) return -1; // reserved bits 63:54 (no Svpbmt/Svnapot)
    const r = (lo & 2) !== 0,
      w = (lo & 4) !== 0,
      xp = (lo & 8) !== 0,
      u = (lo & 16) !== 0;
    if (!r && w) return -1;
    const ppn = (hi & 0x3fffff) * 4194304 + (lo >>> 10); // bits 53:10
    if (!r && !xp) {
      // pointer to the next level
      if ((lo & (16 | 64 | 128)) !== 0) return -1; // U, A, D are reserved on non-leaf PTEs
      table = ppn * 4096;
      continue;
    }
    // Leaf: permissions.
    if (priv === PRIV_U && !u) return -1;
    if (priv === PRIV_S && u && (kind === KIND_FETCH || (mstatus & MSTATUS_SUM) === 0)) return -1;
    if (kind === KIND_FETCH) {
      if (!xp) return -1;
    } else if (kind === KIND_STORE) {
      if (!w) return -1;
    } else if (!r && !((mstatus & MSTATUS_MXR) !== 0 && xp)) return -1;
    // Superpage alignment: the low 9*level bits of the PPN must be zero.
    if (level > 0) {
      h.noteSuperpage(vlo, vhi, level);
      const low =
        level === 3 ? ((lo >>> 10) | ((hi & 0x1f) << 22)) & 0x7ffffff : (lo >>> 10) & ((1 << (9 * level)) - 1);
      if (low !== 0) return -1;
    }
    // Hardware A/D update.
    const need = kind === KIND_STORE ? 64 | 128 : 64;
    if ((lo & need) !== need) {
      dv.setInt32(host, lo | need, true);
      h.mem.markDirty(host, 4);
    }
    // Page offset: the low 12+9*level bits of the address.
    const pageOff =
      level === 0
        ? vlo & 4095
        : level === 1
          ? vlo & 0x1fffff
          : level === 2
            ? vlo & 0x3fffffff
            : (vhi & 0x7f) * TWO32 + (vlo >>> 0);
    return ppn * 4096 + pageOff;
  }
  return -1;
}
