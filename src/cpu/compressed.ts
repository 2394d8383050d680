// The C extension: a 64K-entry table expanding each 16-bit RV64C parcel to its 32-bit equivalent (0 = illegal).

const bit = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

function iType(op: number, rd: number, f3: number, rs1: number, imm: number): number {
  return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
function sType(op: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op;
}
function rType(op: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
function bType(f3: number, rs1: number, rs2: number, imm: number): number {
  return (
    (((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63
  );
}
function jType(rd: number, imm: number): number {
  return (
    (((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 0x3ff) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f
  );
}
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

/** Expands one compressed parcel (low two bits != 3) to a 32-bit instruction, or 0 if it is illegal/reserved. */
export function expandCompressed(c: number): number {
  const op = c & 3,
    f3 = bit(c, 15, 13);
  const rdp = bit(c, 4, 2) + 8,
    rs1p = bit(c, 9, 7) + 8;
  const rd = bit(c, 11, 7),
    rs2 = bit(c, 6, 2);
  if (op === 0) {
    switch (f3) {
      case 0: {
        // C.ADDI4SPN
        const imm = (bit(c, 12, 11) << 4) | (bit(c, 10, 7) << 6) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 3);
        return imm === 0 ? 0 : iType(0x13, rdp, 0, 2, imm);
      }
      case 1:
        return iType(0x07, rdp, 3, rs1p, (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6)); // C.FLD
      case 2:
        return iType(0x03, rdp, 2, rs1p, (bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6)); // C.LW
      case 3:
        return iType(0x03, rdp, 3, rs1p, (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6)); // C.LD
      case 5:
        return sType(0x27, 3, rs1p, rdp, (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6)); // C.FSD
      case 6:
        return sType(0x23, 2, rs1p, rdp, (bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6)); // C.SW
      case 7:
        return sType(0x23, 3, rs1p, rdp, (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6)); // C.SD
      default:
        return 0;
    }
  }
  if (op === 1) {
    const imm6 = sext((bit(c, 12, 12) << 5) | bit(c, 6, 2), 6);
    switch (f3) {
      case 0:
        return iType(0x13, rd, 0, rd, imm6); // C.ADDI / C.NOP
      case 1:
        return rd === 0 ? 0 : iType(0x1b, rd, 0, rd, imm6); // C.ADDIW
      case 2:
        return iType(0x13, rd, 0, 0, imm6); // C.LI
      case 3:
        if (rd === 2) {
          // C.ADDI16SP
          const imm = sext(
            (bit(c, 12, 12) << 9) |
              (bit(c, 6, 6) << 4) |
              (bit(c, 5, 5) << 6) |
              (bit(c, 4, 3) << 7) |
              (bit(c, 2, 2) << 5),
            10,
          );
          return imm === 0 ? 0 : iType(0x13, 2, 0, 2, imm);
        } else {
          // C.LUI
          if (imm6 === 0) return 0;
          return ((imm6 << 12) & 0xfffff000) | (rd << 7) | 0x37;
        }
      case 4: {
        const f2 = bit(c, 11, 10);
        const shamt = (bit(c, 12, 12) << 5) | bit(c, 6, 2);
        if (f2 === 0) return iType(0x13, rs1p, 5, rs1p, shamt); // C.SRLI
        if (f2 === 1) return iType(0x13, rs1p, 5, rs1p, 0x400 | shamt); // C.SRAI
        if (f2 === 2) return iType(0x13, rs1p, 7, rs1p, imm6); // C.ANDI
        const f = bit(c, 6, 5);
        if (bit(c, 12, 12) === 0) {
          if (f === 0) return rType(0x33, rs1p, 0, rs1p, rdp, 0x20); // C.SUB
          if (f === 1) return rType(0x33, rs1p, 4, rs1p, rdp, 0); // C.XOR
          if (f === 2) return rType(0x33, rs1p, 6, rs1p, rdp, 0); // C.OR
          return rType(0x33, rs1p, 7, rs1p, rdp, 0); // C.AND
        }
        if (f === 0) return rType(0x3b, rs1p, 0, rs1p, rdp, 0x20); // C.SUBW
        if (f === 1) return rType(0x3b, rs1p, 0, rs1p, rdp, 0); // C.ADDW
        return 0;
      }
      case 5: {
        // C.J
        const imm = sext(
          (bit(c, 12, 12) << 11) |
            (bit(c, 11, 11) << 4) |
            (bit(c, 10, 9) << 8) |
            (bit(c, 8, 8) << 10) |
            (bit(c, 7, 7) << 6) |
            (bit(c, 6, 6) << 7) |
            (bit(c, 5, 3) << 1) |
            (bit(c, 2, 2) << 5),
          12,
        );
        return jType(0, imm);
      }
      default: {
        // 6 C.BEQZ, 7 C.BNEZ
        const imm = sext(
          (bit(c, 12, 12) << 8) |
            (bit(c, 11, 10) << 3) |
            (bit(c, 6, 5) << 6) |
            (bit(c, 4, 3) << 1) |
            (bit(c, 2, 2) << 5),
          9,
        );
        return bType(f3 === 6 ? 0 : 1, rs1p, 0, imm);
      }
    }
  }
  if (op === 2) {
    switch (f3) {
      case 0:
        return iType(0x13, rd, 1, rd, (bit(c, 12, 12) << 5) | rs2); // C.SLLI
      case 1:
        return iType(0x07, rd, 3, 2, (bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6)); // C.FLDSP
      case 2:
        return rd === 0 ? 0 : iType(0x03, rd, 2, 2, (bit(c, 12, 12) << 5) | (bit(c, 6, 4) << 2) | (bit(c, 3, 2) << 6)); // C.LWSP
      case 3:
        return rd === 0 ? 0 : iType(0x03, rd, 3, 2, (bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6)); // C.LDSP
      case 4:
        if (bit(c, 12, 12) === 0) {
          if (rs2 === 0) return rd === 0 ? 0 : iType(0x67, 0, 0, rd, 0); // C.JR
          return rType(0x33, rd, 0, 0, rs2, 0); // C.MV
        }
        if (rs2 === 0) {
          if (rd === 0) return 0x00100073; // C.EBREAK
          return iType(0x67, 1, 0, rd, 0); // C.JALR
        }
        return rType(0x33, rd, 0, rd, rs2, 0); // C.ADD
      case 5:
        return sType(0x27, 3, 2, rs2, (bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6)); // C.FSDSP
      case 6:
        return sType(0x23, 2, 2, rs2, (bit(c, 12, 9) << 2) | (bit(c, 8, 7) << 6)); // C.SWSP
      default:
        return sType(0x23, 3, 2, rs2, (bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6)); // C.SDSP
    }
  }
  return 0;
}

let table: Int32Array | undefined;
/** The expansion table for every 16-bit parcel, built once. */
export function compressedTable(): Int32Array {
  if (!table) {
    table = new Int32Array(65536);
    for (let c = 0; c < 65536; c++) if ((c & 3) !== 3) table[c] = expandCompressed(c);
  }
  return table;
}
