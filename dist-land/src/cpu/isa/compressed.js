// The RV64C table: every compressed form with its encoding and the 32-bit instruction (an ISA table row) it expands to.
import { ISA_TABLE } from './table.js';
/** Operands in one object shape (the expansion of all 64K parcels stays monomorphic). */
const o = (rd, rs1, rs2, imm) => ({ rd, rs1, rs2, imm });
const bit = (v, hi, lo) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v, bits) => (v << (32 - bits)) >> (32 - bits);
// Register fields: full (rd/rs1 at 11..7, rs2 at 6..2) and the x8..x15 ones (rd' at 4..2, rs1' at 9..7).
const rd = (c) => bit(c, 11, 7);
const rs2 = (c) => bit(c, 6, 2);
const rdp = (c) => bit(c, 4, 2) + 8;
const rs1p = (c) => bit(c, 9, 7) + 8;
// Immediates.
const imm6 = (c) => sext((bit(c, 12, 12) << 5) | bit(c, 6, 2), 6);
const shamt = (c) => (bit(c, 12, 12) << 5) | bit(c, 6, 2);
const uimmW = (c) => (bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6);
const uimmD = (c) => (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6);
const addi4spn = (c) => (bit(c, 12, 11) << 4) | (bit(c, 10, 7) << 6) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 3);
const addi16sp = (c) => sext((bit(c, 12, 12) << 9) | (bit(c, 6, 6) << 4) | (bit(c, 5, 5) << 6) | (bit(c, 4, 3) << 7) | (bit(c, 2, 2) << 5), 10);
const jImm = (c) => sext((bit(c, 12, 12) << 11) |
    (bit(c, 11, 11) << 4) |
    (bit(c, 10, 9) << 8) |
    (bit(c, 8, 8) << 10) |
    (bit(c, 7, 7) << 6) |
    (bit(c, 6, 6) << 7) |
    (bit(c, 5, 3) << 1) |
    (bit(c, 2, 2) << 5), 12);
const bImm = (c) => sext((bit(c, 12, 12) << 8) | (bit(c, 11, 10) << 3) | (bit(c, 6, 5) << 6) | (bit(c, 4, 3) << 1) | (bit(c, 2, 2) << 5), 9);
const lwsp = (c) => (bit(c, 12, 12) << 5) | (bit(c, 6, 4) << 2) | (bit(c, 3, 2) << 6);
const ldsp = (c) => (bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6);
const swsp = (c) => (bit(c, 12, 9) << 2) | (bit(c, 8, 7) << 6);
const sdsp = (c) => (bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6);
const rowByName = new Map();
for (const e of ISA_TABLE)
    if (e.print && !rowByName.has(e.name))
        rowByName.set(e.name, e);
const forms = [];
function form(name, match, mask, expands, operands, reserved) {
    const row = rowByName.get(expands);
    if (row === undefined)
        throw new Error(`${name}: no ISA table row ${expands}`);
    forms.push({ name, match, mask, expands: row, operands, ...(reserved ? { reserved } : {}) });
}
const Q = 0xe003; // quadrant and funct3
// Quadrant 0.
form('c.addi4spn', 0x0000, Q, 'addi', (c) => o(rdp(c), 2, 0, addi4spn(c)), (c) => addi4spn(c) === 0);
form('c.fld', 0x2000, Q, 'fld', (c) => o(rdp(c), rs1p(c), 0, uimmD(c)));
form('c.lw', 0x4000, Q, 'lw', (c) => o(rdp(c), rs1p(c), 0, uimmW(c)));
form('c.ld', 0x6000, Q, 'ld', (c) => o(rdp(c), rs1p(c), 0, uimmD(c)));
form('c.fsd', 0xa000, Q, 'fsd', (c) => o(0, rs1p(c), rdp(c), uimmD(c)));
form('c.sw', 0xc000, Q, 'sw', (c) => o(0, rs1p(c), rdp(c), uimmW(c)));
form('c.sd', 0xe000, Q, 'sd', (c) => o(0, rs1p(c), rdp(c), uimmD(c)));
// Quadrant 1.
form('c.addi', 0x0001, Q, 'addi', (c) => o(rd(c), rd(c), 0, imm6(c))); // rd = 0: C.NOP and hints
form('c.addiw', 0x2001, Q, 'addiw', (c) => o(rd(c), rd(c), 0, imm6(c)), (c) => rd(c) === 0);
form('c.li', 0x4001, Q, 'addi', (c) => o(rd(c), 0, 0, imm6(c)));
form('c.addi16sp', 0x6101, 0xef83, 'addi', (c) => o(2, 2, 0, addi16sp(c)), (c) => addi16sp(c) === 0);
form('c.lui', 0x6001, Q, 'lui', (c) => o(rd(c), 0, 0, imm6(c) << 12), (c) => imm6(c) === 0);
form('c.srli', 0x8001, 0xec03, 'srli', (c) => o(rs1p(c), rs1p(c), 0, shamt(c)));
form('c.srai', 0x8401, 0xec03, 'srai', (c) => o(rs1p(c), rs1p(c), 0, shamt(c)));
form('c.andi', 0x8801, 0xec03, 'andi', (c) => o(rs1p(c), rs1p(c), 0, imm6(c)));
for (const [name, match, expands] of [
    ['c.sub', 0x8c01, 'sub'],
    ['c.xor', 0x8c21, 'xor'],
    ['c.or', 0x8c41, 'or'],
    ['c.and', 0x8c61, 'and'],
    ['c.subw', 0x9c01, 'subw'],
    ['c.addw', 0x9c21, 'addw'],
])
    form(name, match, 0xfc63, expands, (c) => o(rs1p(c), rs1p(c), rdp(c), 0));
form('c.j', 0xa001, Q, 'jal', (c) => o(0, 0, 0, jImm(c)));
form('c.beqz', 0xc001, Q, 'beq', (c) => o(0, rs1p(c), 0, bImm(c)));
form('c.bnez', 0xe001, Q, 'bne', (c) => o(0, rs1p(c), 0, bImm(c)));
// Quadrant 2.
form('c.slli', 0x0002, Q, 'slli', (c) => o(rd(c), rd(c), 0, shamt(c)));
form('c.fldsp', 0x2002, Q, 'fld', (c) => o(rd(c), 2, 0, ldsp(c)));
form('c.lwsp', 0x4002, Q, 'lw', (c) => o(rd(c), 2, 0, lwsp(c)), (c) => rd(c) === 0);
form('c.ldsp', 0x6002, Q, 'ld', (c) => o(rd(c), 2, 0, ldsp(c)), (c) => rd(c) === 0);
form('c.jr', 0x8002, 0xf07f, 'jalr', (c) => o(0, rd(c), 0, 0), (c) => rd(c) === 0);
form('c.mv', 0x8002, 0xf003, 'add', (c) => o(rd(c), 0, rs2(c), 0));
form('c.ebreak', 0x9002, 0xffff, 'ebreak', () => o(0, 0, 0, 0));
form('c.jalr', 0x9002, 0xf07f, 'jalr', (c) => o(1, rd(c), 0, 0));
form('c.add', 0x9002, 0xf003, 'add', (c) => o(rd(c), rd(c), rs2(c), 0));
form('c.fsdsp', 0xa002, Q, 'fsd', (c) => o(0, 2, rs2(c), sdsp(c)));
form('c.swsp', 0xc002, Q, 'sw', (c) => o(0, 2, rs2(c), swsp(c)));
form('c.sdsp', 0xe002, Q, 'sd', (c) => o(0, 2, rs2(c), sdsp(c)));
/** Every RV64C form, in lookup order. */
export const COMPRESSED_FORMS = forms;
/** The letters of a row's template that place an operand, computed once per row. */
const letters = [];
function operandLetters(e) {
    return (letters[e.index] ??= [...e.format].filter((ch) => 'dDsStTi>qubj'.includes(ch)));
}
/** The 32-bit word of table row `e` with the given operands, placed as its operand template says. */
export function encode(e, ops) {
    let w = e.match;
    const imm = ops.imm;
    for (const ch of operandLetters(e)) {
        switch (ch) {
            case 'd':
            case 'D':
                w |= ops.rd << 7;
                break;
            case 's':
            case 'S':
                w |= ops.rs1 << 15;
                break;
            case 't':
            case 'T':
                w |= ops.rs2 << 20;
                break;
            case 'i':
                w |= (imm & 0xfff) << 20;
                break;
            case '>':
                w |= (imm & 0x3f) << 20;
                break;
            case 'q':
                w |= (((imm >> 5) & 0x7f) << 25) | ((imm & 0x1f) << 7);
                break;
            case 'u':
                w |= imm & 0xfffff000;
                break;
            case 'b':
                w |=
                    (((imm >> 12) & 1) << 31) |
                        (((imm >> 5) & 0x3f) << 25) |
                        (((imm >> 1) & 0xf) << 8) |
                        (((imm >> 11) & 1) << 7);
                break;
            case 'j':
                w |=
                    (((imm >> 20) & 1) << 31) |
                        (((imm >> 1) & 0x3ff) << 21) |
                        (((imm >> 11) & 1) << 20) |
                        (((imm >> 12) & 0xff) << 12);
                break;
        }
    }
    return w | 0;
}
/** The forms by quadrant and funct3 (c >> 13 << 2 | c & 3), for lookup. */
const bySlot = Array.from({ length: 32 }, () => []);
for (const f of forms)
    bySlot[((f.match >>> 13) << 2) | (f.match & 3)].push(f);
/** The form of a 16-bit parcel (low two bits != 3), or undefined (no form: illegal). Reserved parcels give their form. */
export function findCompressed(c) {
    for (const f of bySlot[((c >>> 13) << 2) | (c & 3)])
        if ((c & f.mask) === f.match)
            return f;
    return undefined;
}
/** Expands one compressed parcel (low two bits != 3) to a 32-bit instruction, or 0 if it is illegal/reserved. */
export function expandCompressed(c) {
    const f = findCompressed(c & 0xffff);
    if (f === undefined || f.reserved?.(c))
        return 0;
    return encode(f.expands, f.operands(c));
}
//# sourceMappingURL=compressed.js.map