// RVC (C extension, RV64): expands a 16-bit parcel into the equivalent 32-bit instruction word.

const enc = {
  r: (op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number) =>
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op,
  i: (op: number, f3: number, rd: number, rs1: number, imm: number) =>
    ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op,
  s: (op: number, f3: number, rs1: number, rs2: number, imm: number) =>
    (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op,
  b: (f3: number, rs1: number, rs2: number, imm: number) =>
    (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63,
  j: (rd: number, imm: number) =>
    (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (imm & 0xff000) | (rd << 7) | 0x6f,
};

const bit = (p: number, from: number, to = from) => (p >> to) & ((1 << (from - to + 1)) - 1);
/** Sign-extends the low `bits` bits of v. */
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

/** 6-bit signed immediate of CI formats: imm[5] = p[12], imm[4:0] = p[6:2]. */
const ciImm = (p: number) => sext((bit(p, 12) << 5) | bit(p, 6, 2), 6);
const ciShamt = (p: number) => (bit(p, 12) << 5) | bit(p, 6, 2);
/** Offset of 8-byte loads/stores (c.ld, c.fld, c.sd, c.fsd): uimm[5:3] = p[12:10], uimm[7:6] = p[6:5]. */
const clOff8 = (p: number) => (bit(p, 12, 10) << 3) | (bit(p, 6, 5) << 6);
/** Offset of 4-byte loads/stores (c.lw, c.sw): uimm[5:3] = p[12:10], uimm[2] = p[6], uimm[6] = p[5]. */
const clOff4 = (p: number) => (bit(p, 12, 10) << 3) | (bit(p, 6) << 2) | (bit(p, 5) << 6);
const cjOff = (p: number) =>
  sext(
    (bit(p, 12) << 11) | (bit(p, 11) << 4) | (bit(p, 10, 9) << 8) | (bit(p, 8) << 10) |
      (bit(p, 7) << 6) | (bit(p, 6) << 7) | (bit(p, 5, 3) << 1) | (bit(p, 2) << 5),
    12,
  );
const cbOff = (p: number) =>
  sext((bit(p, 12) << 8) | (bit(p, 11, 10) << 3) | (bit(p, 6, 5) << 6) | (bit(p, 4, 3) << 1) | (bit(p, 2) << 5), 9);

/**
 * The 32-bit instruction a compressed parcel stands for, or 0 when the parcel is
 * illegal or reserved in RV64C. HINT encodings (e.g. c.addi x0, c.li x0, c.slli x0)
 * expand to their 32-bit counterparts, which are themselves hints.
 */
export function expandCompressed(parcel: number): number {
  const p = parcel & 0xffff;
  const rdp = bit(p, 4, 2) + 8; // rd' / rs2'
  const rs1p = bit(p, 9, 7) + 8; // rs1' / rd'
  const rd = bit(p, 11, 7);
  const rs2 = bit(p, 6, 2);
  const f3 = bit(p, 15, 13);
  switch (p & 3) {
    case 0:
      switch (f3) {
        case 0: {
          const imm = (bit(p, 12, 11) << 4) | (bit(p, 10, 7) << 6) | (bit(p, 6) << 2) | (bit(p, 5) << 3);
          return imm === 0 ? 0 : enc.i(0x13, 0, rdp, 2, imm); // c.addi4spn
        }
        case 1: return enc.i(0x07, 3, rdp, rs1p, clOff8(p)); // c.fld
        case 2: return enc.i(0x03, 2, rdp, rs1p, clOff4(p)); // c.lw
        case 3: return enc.i(0x03, 3, rdp, rs1p, clOff8(p)); // c.ld
        case 5: return enc.s(0x27, 3, rs1p, rdp, clOff8(p)); // c.fsd
        case 6: return enc.s(0x23, 2, rs1p, rdp, clOff4(p)); // c.sw
        case 7: return enc.s(0x23, 3, rs1p, rdp, clOff8(p)); // c.sd
        default: return 0;
      }
    case 1:
      switch (f3) {
        case 0: return enc.i(0x13, 0, rd, rd, ciImm(p)); // c.addi (c.nop)
        case 1: return rd === 0 ? 0 : enc.i(0x1b, 0, rd, rd, ciImm(p)); // c.addiw
        case 2: return enc.i(0x13, 0, rd, 0, ciImm(p)); // c.li
        case 3: {
          if (rd === 2) {
            const imm = sext(
              (bit(p, 12) << 9) | (bit(p, 6) << 4) | (bit(p, 5) << 6) | (bit(p, 4, 3) << 7) | (bit(p, 2) << 5),
              10,
            );
            return imm === 0 ? 0 : enc.i(0x13, 0, 2, 2, imm); // c.addi16sp
          }
          const imm = ciImm(p);
          return imm === 0 ? 0 : ((imm & 0xfffff) << 12) | (rd << 7) | 0x37; // c.lui
        }
        case 4: {
          const f2 = bit(p, 11, 10);
          if (f2 === 0) return enc.i(0x13, 5, rs1p, rs1p, ciShamt(p)); // c.srli
          if (f2 === 1) return enc.i(0x13, 5, rs1p, rs1p, 0x400 | ciShamt(p)); // c.srai
          if (f2 === 2) return enc.i(0x13, 7, rs1p, rs1p, ciImm(p)); // c.andi
          const f = bit(p, 6, 5);
          if (bit(p, 12) === 0) {
            if (f === 0) return enc.r(0x33, 0, 0x20, rs1p, rs1p, rdp); // c.sub
            if (f === 1) return enc.r(0x33, 4, 0, rs1p, rs1p, rdp); // c.xor
            if (f === 2) return enc.r(0x33, 6, 0, rs1p, rs1p, rdp); // c.or
            return enc.r(0x33, 7, 0, rs1p, rs1p, rdp); // c.and
          }
          if (f === 0) return enc.r(0x3b, 0, 0x20, rs1p, rs1p, rdp); // c.subw
          if (f === 1) return enc.r(0x3b, 0, 0, rs1p, rs1p, rdp); // c.addw
          return 0;
        }
        case 5: return enc.j(0, cjOff(p)); // c.j
        case 6: return enc.b(0, rs1p, 0, cbOff(p)); // c.beqz
        default: return enc.b(1, rs1p, 0, cbOff(p)); // c.bnez
      }
    case 2:
      switch (f3) {
        case 0: return enc.i(0x13, 1, rd, rd, ciShamt(p)); // c.slli
        case 1: return enc.i(0x07, 3, rd, 2, (bit(p, 12) << 5) | (bit(p, 6, 5) << 3) | (bit(p, 4, 2) << 6)); // c.fldsp
        case 2:
          return rd === 0 ? 0 : enc.i(0x03, 2, rd, 2, (bit(p, 12) << 5) | (bit(p, 6, 4) << 2) | (bit(p, 3, 2) << 6)); // c.lwsp
        case 3:
          return rd === 0 ? 0 : enc.i(0x03, 3, rd, 2, (bit(p, 12) << 5) | (bit(p, 6, 5) << 3) | (bit(p, 4, 2) << 6)); // c.ldsp
        case 4:
          if (bit(p, 12) === 0) {
            if (rs2 === 0) return rd === 0 ? 0 : enc.i(0x67, 0, 0, rd, 0); // c.jr
            return enc.r(0x33, 0, 0, rd, 0, rs2); // c.mv
          }
          if (rs2 === 0) return rd === 0 ? 0x00100073 : enc.i(0x67, 0, 1, rd, 0); // c.ebreak, c.jalr
          return enc.r(0x33, 0, 0, rd, rd, rs2); // c.add
        case 5: return enc.s(0x27, 3, 2, rs2, (bit(p, 12, 10) << 3) | (bit(p, 9, 7) << 6)); // c.fsdsp
        case 6: return enc.s(0x23, 2, 2, rs2, (bit(p, 12, 9) << 2) | (bit(p, 8, 7) << 6)); // c.swsp
        default: return enc.s(0x23, 3, 2, rs2, (bit(p, 12, 10) << 3) | (bit(p, 9, 7) << 6)); // c.sdsp
      }
    default:
      return 0; // not a compressed parcel
  }
}
