// Sv39/Sv48 page-table walk with permission checks and hardware A/D-bit update.
import type { Hart } from './hart.js';
import { MSTATUS_MXR, MSTATUS_SUM, PRIV_S, PRIV_U } from './constants.js';

const KIND_FETCH = 0, KIND_STORE = 2;
const TWO32 = 4294967296;

/** Walks the page table for a virtual address. Returns the guest-physical address, -1 for a page fault;
 *  raises an access fault itself when a page-table entry lies outside RAM. */
export function walk(h: Hart, vlo: number, vhi: number, kind: number, priv: number): number {
  const mode = h.satpHi >>> 28;
  const levels = mode === 8 ? 3 : 4;
  const vaBits = 12 + 9 * levels; // 39 or 48
  // The address must be sign-extended from its top valid bit.
  const top = vhi >> (vaBits - 1 - 32);
  if (top !== 0 && top !== -1) return -1;
  const va = (vhi & ((1 << (vaBits - 32)) - 1)) * TWO32 + (vlo >>> 0); // exact: < 2^48
  let table = ((h.satpHi & 0xfff) * TWO32 + (h.satpLo >>> 0)) * 4096;
  const mstatus = h.mstatus;
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = Math.floor(va / 2 ** (12 + 9 * level)) % 512;
    const pteAddr = table + vpn * 8;
    const host = h.mem.ramHostOffset(pteAddr, 8);
    if (host < 0) return h.accessFault(kind, vlo, vhi);
    const dv = h.dv;
    const lo = dv.getInt32(host, true), hi = dv.getInt32(host + 4, true);
    if ((lo & 1) === 0) return -1; // V
    if ((hi >>> 22) !== 0) return -1; // reserved bits 63:54 (no Svpbmt/Svnapot)
    const r = (lo & 2) !== 0, w = (lo & 4) !== 0, xp = (lo & 8) !== 0, u = (lo & 16) !== 0;
    if (!r && w) return -1;
    const ppn = (hi & 0x3fffff) * 4194304 + (lo >>> 10); // bits 53:10
    if (!r && !xp) { // pointer to the next level
      if ((lo & (16 | 64 | 128)) !== 0) return -1; // U, A, D are reserved on non-leaf PTEs
      table = ppn * 4096;
      continue;
    }
    // Leaf: permissions.
    if (priv === PRIV_U && !u) return -1;
    if (priv === PRIV_S && u && (kind === KIND_FETCH || (mstatus & MSTATUS_SUM) === 0)) return -1;
    if (kind === KIND_FETCH) { if (!xp) return -1; }
    else if (kind === KIND_STORE) { if (!w) return -1; }
    else if (!r && !((mstatus & MSTATUS_MXR) !== 0 && xp)) return -1;
    // Superpage alignment: the low PPN fields must be zero.
    const span = 2 ** (9 * level);
    if (ppn % span !== 0) return -1;
    // Hardware A/D update.
    const need = kind === KIND_STORE ? 64 | 128 : 64;
    if ((lo & need) !== need) dv.setInt32(host, lo | need, true);
    const pageOff = va % (span * 4096);
    return ppn * 4096 + pageOff;
  }
  return -1;
}
