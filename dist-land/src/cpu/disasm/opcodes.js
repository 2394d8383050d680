// The disassembler's view of the ISA table: the instruction rows of src/cpu/isa/table.ts behind the aliases objdump prints.
import { ISA_TABLE } from '../isa/table.js';
// Field masks.
const OP = 0x7f;
const F3 = 0x7000;
const F7 = 0xfe000000 | 0;
const RD = 0xf80;
const RS1 = 0xf8000;
const RS2 = 0x1f00000;
const IMM12 = 0xfff00000 | 0;
const CSR = IMM12;
const f3 = (v) => v << 12;
const f7 = (v) => (v << 25) | 0;
const rs1v = (v) => v << 15;
const rdv = (v) => v << 7;
const i12 = (v) => (v << 20) | 0;
const rs1EqRs2 = (w) => ((w >> 15) & 31) === ((w >> 20) & 31);
const aliases = [];
function alias(name, match, mask, operands, when) {
    aliases.push({ name, match: match | 0, mask: mask | 0, operands, alias: true, ...(when ? { when } : {}) });
}
// --- RV64I ---------------------------------------------------------------
alias('j', 0x6f, OP | RD, 'j');
alias('jal', 0x6f | rdv(1), OP | RD, 'j');
alias('ret', 0x67 | rs1v(1), OP | F3 | RD | RS1 | IMM12, '');
alias('jr', 0x67, OP | F3 | RD | IMM12, 's');
alias('jr', 0x67, OP | F3 | RD, 'i(s)');
alias('jalr', 0x67 | rdv(1), OP | F3 | RD | IMM12, 's');
alias('jalr', 0x67 | rdv(1), OP | F3 | RD, 'i(s)');
alias('beqz', 0x63, OP | F3 | RS2, 's,b');
alias('bnez', 0x63 | f3(1), OP | F3 | RS2, 's,b');
alias('bltz', 0x63 | f3(4), OP | F3 | RS2, 's,b');
alias('bgtz', 0x63 | f3(4), OP | F3 | RS1, 't,b');
alias('blez', 0x63 | f3(5), OP | F3 | RS1, 't,b');
alias('bgez', 0x63 | f3(5), OP | F3 | RS2, 's,b');
alias('nop', 0x13, OP | F3 | RD | RS1 | IMM12, '');
alias('li', 0x13, OP | F3 | RS1, 'd,i');
alias('mv', 0x13, OP | F3 | IMM12, 'd,s');
alias('add', 0x13, OP | F3, 'd,s,i');
alias('seqz', 0x13 | f3(3) | i12(1), OP | F3 | IMM12, 'd,s');
alias('not', 0x13 | f3(4) | i12(-1), OP | F3 | IMM12, 'd,s');
alias('xor', 0x13 | f3(4), OP | F3, 'd,s,i');
alias('or', 0x13 | f3(6), OP | F3, 'd,s,i');
alias('zext.b', 0x13 | f3(7) | i12(255), OP | F3 | IMM12, 'd,s');
alias('and', 0x13 | f3(7), OP | F3, 'd,s,i');
alias('sll', 0x13 | f3(1), OP | F3 | 0xfc000000, 'd,s,>');
alias('srl', 0x13 | f3(5), OP | F3 | 0xfc000000, 'd,s,>');
alias('sra', 0x13 | f3(5) | 0x40000000, OP | F3 | 0xfc000000, 'd,s,>');
alias('neg', 0x33 | f7(0x20), OP | F3 | F7 | RS1, 'd,t');
alias('snez', 0x33 | f3(3), OP | F3 | F7 | RS1, 'd,t');
alias('sltz', 0x33 | f3(2), OP | F3 | F7 | RS2, 'd,s');
alias('sgtz', 0x33 | f3(2), OP | F3 | F7 | RS1, 'd,t');
alias('sext.w', 0x1b, OP | F3 | IMM12, 'd,s');
alias('addw', 0x1b, OP | F3, 'd,s,i');
alias('sllw', 0x1b | f3(1), OP | F3 | F7, 'd,s,>');
alias('srlw', 0x1b | f3(5), OP | F3 | F7, 'd,s,>');
alias('sraw', 0x1b | f3(5) | f7(0x20), OP | F3 | F7, 'd,s,>');
alias('negw', 0x3b | f7(0x20), OP | F3 | F7 | RS1, 'd,t');
// --- fences, system, Zicsr ------------------------------------------------------
alias('fence', 0x0ff0000f, -1, '');
alias('sfence.vma', 0x12000073, OP | F3 | F7 | RD | RS1 | RS2, '');
alias('sfence.vma', 0x12000073, OP | F3 | F7 | RD | RS2, 's');
for (const [name, csr] of [
    ['rdcycle', 0xc00],
    ['rdtime', 0xc01],
    ['rdinstret', 0xc02],
])
    alias(name, 0x73 | f3(2) | i12(csr), OP | F3 | RS1 | CSR, 'd');
// Floating-point CSR shorthands: fcsr = 3, frm = 2, fflags = 1.
for (const [suffix, csr] of [
    ['csr', 3],
    ['rm', 2],
    ['flags', 1],
]) {
    alias(`fr${suffix}`, 0x73 | f3(2) | i12(csr), OP | F3 | RS1 | CSR, 'd');
    alias(`fs${suffix}`, 0x73 | f3(1) | i12(csr), OP | F3 | RD | CSR, 's');
    alias(`fs${suffix}`, 0x73 | f3(1) | i12(csr), OP | F3 | CSR, 'd,s');
    if (csr !== 3)
        alias(`fs${suffix}i`, 0x73 | f3(5) | i12(csr), OP | F3 | CSR, 'd,z');
}
alias('csrr', 0x73 | f3(2), OP | F3 | RS1, 'd,c');
alias('csrw', 0x73 | f3(1), OP | F3 | RD, 'c,s');
alias('csrs', 0x73 | f3(2), OP | F3 | RD, 'c,s');
alias('csrc', 0x73 | f3(3), OP | F3 | RD, 'c,s');
// objdump names the immediate forms like the register ones: csrw sstatus,5.
alias('csrw', 0x73 | f3(5), OP | F3 | RD, 'c,z');
alias('csrs', 0x73 | f3(6), OP | F3 | RD, 'c,z');
alias('csrc', 0x73 | f3(7), OP | F3 | RD, 'c,z');
alias('csrrw', 0x73 | f3(5), OP | F3, 'd,c,z');
alias('csrrs', 0x73 | f3(6), OP | F3, 'd,c,z');
alias('csrrc', 0x73 | f3(7), OP | F3, 'd,c,z');
// --- F and D ---------------------------------------------------------------------
for (const fmt of [0, 1]) {
    const p = fmt === 0 ? 's' : 'd';
    alias(`fmv.${p}`, 0x53 | f7(0x10 | fmt), OP | F7 | F3, 'D,S', rs1EqRs2);
    alias(`fneg.${p}`, 0x53 | f7(0x10 | fmt) | f3(1), OP | F7 | F3, 'D,S', rs1EqRs2);
    alias(`fabs.${p}`, 0x53 | f7(0x10 | fmt) | f3(2), OP | F7 | F3, 'D,S', rs1EqRs2);
}
/** The printable instruction rows of the ISA table (hint rows, which objdump shows as .4byte, left out). */
const instructions = ISA_TABLE.filter((e) => e.print).map((e) => ({
    name: e.name,
    match: e.match,
    mask: e.mask,
    operands: e.format,
}));
/** Every RV64G opcode row, aliases included: per major opcode, its aliases before its instructions. */
export const RV64G_OPCODES = [...aliases, ...instructions];
/** The same rows bucketed by major opcode (bits 6..0) for lookup. */
const byMajor = Array.from({ length: 128 }, () => []);
for (const op of RV64G_OPCODES)
    byMajor[op.match & 0x7f].push(op);
/** The first row matching `w` (skipping aliases unless `aliases`), or undefined. */
export function findOpcode(w, aliases = true) {
    for (const op of byMajor[w & 0x7f]) {
        if ((w & op.mask) !== op.match)
            continue;
        if (op.alias && !aliases)
            continue;
        if (op.when && !op.when(w))
            continue;
        return op;
    }
    return undefined;
}
//# sourceMappingURL=opcodes.js.map