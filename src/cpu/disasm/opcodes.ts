// RV64G instruction table: name, match/mask bits and operand template of every 32-bit instruction, aliases first.

/**
 * One table row. An instruction word `w` is this row when `(w & mask) === match`
 * (and `when(w)` holds, if given). Rows are ordered so that the first hit is the
 * form GNU objdump prints by default: aliases (li, mv, ret, beqz, csrr ...) come
 * before the base instruction they abbreviate; rows with `alias: true` are skipped
 * when aliases are not wanted.
 *
 * Operand template letters: d s t = integer rd rs1 rs2; D S T R = float rd rs1 rs2 rs3;
 * i = I-immediate; q = S-immediate; u = U-immediate (hex); b = branch target;
 * j = jal target; > = shift amount (hex); c = CSR; z = rs1 field as 5-bit unsigned;
 * m = rounding mode (",rne", nothing when dynamic); M = the same, nothing when rne; P Q = fence predecessor/successor;
 * A = ".aq"/".rl" suffix of atomics (written right after the name).
 * Everything else is copied literally.
 */
export interface Opcode {
  name: string;
  match: number;
  mask: number;
  operands: string;
  alias?: boolean;
  when?: (w: number) => boolean;
}

// Field masks.
const OP = 0x7f;
const F3 = 0x7000;
const F7 = 0xfe000000 | 0;
const RD = 0xf80;
const RS1 = 0xf8000;
const RS2 = 0x1f00000;
const IMM12 = 0xfff00000 | 0;
const FMT = 0x06000000;

const f3 = (v: number) => v << 12;
const f7 = (v: number) => (v << 25) | 0;
const rs2v = (v: number) => v << 20;
const rs1v = (v: number) => v << 15;
const rdv = (v: number) => v << 7;
const i12 = (v: number) => (v << 20) | 0;

const rs1EqRs2 = (w: number) => ((w >> 15) & 31) === ((w >> 20) & 31);

const table: Opcode[] = [];

function row(name: string, match: number, mask: number, operands: string, extra: Partial<Opcode> = {}): void {
  table.push({ name, match: match | 0, mask: mask | 0, operands, ...extra });
}
function alias(name: string, match: number, mask: number, operands: string, when?: (w: number) => boolean): void {
  row(name, match, mask, operands, when ? { alias: true, when } : { alias: true });
}

// --- RV64I ---------------------------------------------------------------
row('lui', 0x37, OP, 'd,u');
row('auipc', 0x17, OP, 'd,u');

alias('j', 0x6f, OP | RD, 'j');
alias('jal', 0x6f | rdv(1), OP | RD, 'j');
row('jal', 0x6f, OP, 'd,j');
alias('ret', 0x67 | rs1v(1), OP | F3 | RD | RS1 | IMM12, '');
alias('jr', 0x67, OP | F3 | RD | IMM12, 's');
alias('jr', 0x67, OP | F3 | RD, 'i(s)');
alias('jalr', 0x67 | rdv(1), OP | F3 | RD | IMM12, 's');
alias('jalr', 0x67 | rdv(1), OP | F3 | RD, 'i(s)');
row('jalr', 0x67, OP | F3, 'd,i(s)');

const branches: [string, number][] = [
  ['beq', 0],
  ['bne', 1],
  ['blt', 4],
  ['bge', 5],
  ['bltu', 6],
  ['bgeu', 7],
];
alias('beqz', 0x63, OP | F3 | RS2, 's,b');
alias('bnez', 0x63 | f3(1), OP | F3 | RS2, 's,b');
alias('bltz', 0x63 | f3(4), OP | F3 | RS2, 's,b');
alias('bgtz', 0x63 | f3(4), OP | F3 | RS1, 't,b');
alias('blez', 0x63 | f3(5), OP | F3 | RS1, 't,b');
alias('bgez', 0x63 | f3(5), OP | F3 | RS2, 's,b');
for (const [name, f] of branches) row(name, 0x63 | f3(f), OP | F3, 's,t,b');

const loads: [string, number][] = [
  ['lb', 0],
  ['lh', 1],
  ['lw', 2],
  ['ld', 3],
  ['lbu', 4],
  ['lhu', 5],
  ['lwu', 6],
];
for (const [name, f] of loads) row(name, 0x03 | f3(f), OP | F3, 'd,i(s)');
const stores: [string, number][] = [
  ['sb', 0],
  ['sh', 1],
  ['sw', 2],
  ['sd', 3],
];
for (const [name, f] of stores) row(name, 0x23 | f3(f), OP | F3, 't,q(s)');

alias('nop', 0x13, OP | F3 | RD | RS1 | IMM12, '');
alias('li', 0x13, OP | F3 | RS1, 'd,i');
alias('mv', 0x13, OP | F3 | IMM12, 'd,s');
alias('add', 0x13, OP | F3, 'd,s,i');
row('addi', 0x13, OP | F3, 'd,s,i');
row('slti', 0x13 | f3(2), OP | F3, 'd,s,i');
alias('seqz', 0x13 | f3(3) | i12(1), OP | F3 | IMM12, 'd,s');
row('sltiu', 0x13 | f3(3), OP | F3, 'd,s,i');
alias('not', 0x13 | f3(4) | i12(-1), OP | F3 | IMM12, 'd,s');
alias('xor', 0x13 | f3(4), OP | F3, 'd,s,i');
row('xori', 0x13 | f3(4), OP | F3, 'd,s,i');
alias('or', 0x13 | f3(6), OP | F3, 'd,s,i');
row('ori', 0x13 | f3(6), OP | F3, 'd,s,i');
alias('zext.b', 0x13 | f3(7) | i12(255), OP | F3 | IMM12, 'd,s');
alias('and', 0x13 | f3(7), OP | F3, 'd,s,i');
row('andi', 0x13 | f3(7), OP | F3, 'd,s,i');
alias('sll', 0x13 | f3(1), OP | F3 | 0xfc000000, 'd,s,>');
row('slli', 0x13 | f3(1), OP | F3 | 0xfc000000, 'd,s,>');
alias('srl', 0x13 | f3(5), OP | F3 | 0xfc000000, 'd,s,>');
row('srli', 0x13 | f3(5), OP | F3 | 0xfc000000, 'd,s,>');
alias('sra', 0x13 | f3(5) | 0x40000000, OP | F3 | 0xfc000000, 'd,s,>');
row('srai', 0x13 | f3(5) | 0x40000000, OP | F3 | 0xfc000000, 'd,s,>');

alias('neg', 0x33 | f7(0x20), OP | F3 | F7 | RS1, 'd,t');
alias('snez', 0x33 | f3(3), OP | F3 | F7 | RS1, 'd,t');
alias('sltz', 0x33 | f3(2), OP | F3 | F7 | RS2, 'd,s');
alias('sgtz', 0x33 | f3(2), OP | F3 | F7 | RS1, 'd,t');
const ops: [string, number, number][] = [
  ['add', 0, 0],
  ['sub', 0, 0x20],
  ['sll', 1, 0],
  ['slt', 2, 0],
  ['sltu', 3, 0],
  ['xor', 4, 0],
  ['srl', 5, 0],
  ['sra', 5, 0x20],
  ['or', 6, 0],
  ['and', 7, 0],
  ['mul', 0, 1],
  ['mulh', 1, 1],
  ['mulhsu', 2, 1],
  ['mulhu', 3, 1],
  ['div', 4, 1],
  ['divu', 5, 1],
  ['rem', 6, 1],
  ['remu', 7, 1],
];
for (const [name, f, g] of ops) row(name, 0x33 | f3(f) | f7(g), OP | F3 | F7, 'd,s,t');

alias('sext.w', 0x1b, OP | F3 | IMM12, 'd,s');
alias('addw', 0x1b, OP | F3, 'd,s,i');
row('addiw', 0x1b, OP | F3, 'd,s,i');
alias('sllw', 0x1b | f3(1), OP | F3 | F7, 'd,s,>');
row('slliw', 0x1b | f3(1), OP | F3 | F7, 'd,s,>');
alias('srlw', 0x1b | f3(5), OP | F3 | F7, 'd,s,>');
row('srliw', 0x1b | f3(5), OP | F3 | F7, 'd,s,>');
alias('sraw', 0x1b | f3(5) | f7(0x20), OP | F3 | F7, 'd,s,>');
row('sraiw', 0x1b | f3(5) | f7(0x20), OP | F3 | F7, 'd,s,>');
alias('negw', 0x3b | f7(0x20), OP | F3 | F7 | RS1, 'd,t');
const ops32: [string, number, number][] = [
  ['addw', 0, 0],
  ['subw', 0, 0x20],
  ['sllw', 1, 0],
  ['srlw', 5, 0],
  ['sraw', 5, 0x20],
  ['mulw', 0, 1],
  ['divw', 4, 1],
  ['divuw', 5, 1],
  ['remw', 6, 1],
  ['remuw', 7, 1],
];
for (const [name, f, g] of ops32) row(name, 0x3b | f3(f) | f7(g), OP | F3 | F7, 'd,s,t');

// --- fences, system, Zicsr, Zifencei ----------------------------------------
row('pause', 0x0100000f, -1, '');
row('fence.tso', 0x8330000f, -1, '');
alias('fence', 0x0ff0000f, -1, '');
row('fence', 0x0000000f, 0xf00fffff, 'P,Q');
row('fence.i', 0x0000100f, -1, '');
row('ecall', 0x00000073, -1, '');
row('ebreak', 0x00100073, -1, '');
row('sret', 0x10200073, -1, '');
row('mret', 0x30200073, -1, '');
row('wfi', 0x10500073, -1, '');
alias('sfence.vma', 0x12000073, OP | F3 | F7 | RD | RS1 | RS2, '');
alias('sfence.vma', 0x12000073, OP | F3 | F7 | RD | RS2, 's');
row('sfence.vma', 0x12000073, OP | F3 | F7 | RD, 's,t');

const CSR = IMM12;
const counterAliases: [string, number][] = [
  ['rdcycle', 0xc00],
  ['rdtime', 0xc01],
  ['rdinstret', 0xc02],
  ['rdcycleh', 0xc80],
  ['rdtimeh', 0xc81],
  ['rdinstreth', 0xc82],
];
for (const [name, csr] of counterAliases.slice(0, 3)) alias(name, 0x73 | f3(2) | i12(csr), OP | F3 | RS1 | CSR, 'd');
// Floating-point CSR shorthands: fcsr = 3, frm = 2, fflags = 1.
const fpCsrs: [string, number][] = [
  ['csr', 3],
  ['rm', 2],
  ['flags', 1],
];
for (const [suffix, csr] of fpCsrs) {
  alias(`fr${suffix}`, 0x73 | f3(2) | i12(csr), OP | F3 | RS1 | CSR, 'd');
  alias(`fs${suffix}`, 0x73 | f3(1) | i12(csr), OP | F3 | RD | CSR, 's');
  alias(`fs${suffix}`, 0x73 | f3(1) | i12(csr), OP | F3 | CSR, 'd,s');
  if (csr !== 3) alias(`fs${suffix}i`, 0x73 | f3(5) | i12(csr), OP | F3 | CSR, 'd,z');
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
const csrOps: [string, number, string][] = [
  ['csrrw', 1, 's'],
  ['csrrs', 2, 's'],
  ['csrrc', 3, 's'],
  ['csrrwi', 5, 'z'],
  ['csrrsi', 6, 'z'],
  ['csrrci', 7, 'z'],
];
for (const [name, f, src] of csrOps) row(name, 0x73 | f3(f), OP | F3, `d,c,${src}`);

// --- A -------------------------------------------------------------------------
for (const [width, f] of [
  ['w', 2],
  ['d', 3],
] as const) {
  row(`lr.${width}`, 0x2f | f3(f) | (0x02 << 27), OP | F3 | RS2 | (0x1f << 27), 'Ad,(s)');
  row(`sc.${width}`, 0x2f | f3(f) | (0x03 << 27), OP | F3 | (0x1f << 27), 'Ad,t,(s)');
  const amos: [string, number][] = [
    ['amoswap', 0x01],
    ['amoadd', 0x00],
    ['amoxor', 0x04],
    ['amoand', 0x0c],
    ['amoor', 0x08],
    ['amomin', 0x10],
    ['amomax', 0x14],
    ['amominu', 0x18],
    ['amomaxu', 0x1c],
  ];
  for (const [name, f5] of amos) row(`${name}.${width}`, 0x2f | f3(f) | (f5 << 27), OP | F3 | (0x1f << 27), 'Ad,t,(s)');
}

// --- F and D ---------------------------------------------------------------------
row('flw', 0x07 | f3(2), OP | F3, 'D,i(s)');
row('fld', 0x07 | f3(3), OP | F3, 'D,i(s)');
row('fsw', 0x27 | f3(2), OP | F3, 'T,q(s)');
row('fsd', 0x27 | f3(3), OP | F3, 'T,q(s)');
for (const [p, fmt] of [
  ['s', 0],
  ['d', 1],
] as const) {
  const fm = fmt << 25;
  const fused: [string, number][] = [
    ['fmadd', 0x43],
    ['fmsub', 0x47],
    ['fnmsub', 0x4b],
    ['fnmadd', 0x4f],
  ];
  for (const [name, op] of fused) row(`${name}.${p}`, op | fm, OP | FMT, 'D,S,T,Rm');
  const arith: [string, number][] = [
    ['fadd', 0x00],
    ['fsub', 0x04],
    ['fmul', 0x08],
    ['fdiv', 0x0c],
  ];
  for (const [name, g] of arith) row(`${name}.${p}`, 0x53 | f7(g | fmt), OP | F7, 'D,S,Tm');
  row(`fsqrt.${p}`, 0x53 | f7(0x2c | fmt), OP | F7 | RS2, 'D,Sm');
  alias(`fmv.${p}`, 0x53 | f7(0x10 | fmt), OP | F7 | F3, 'D,S', rs1EqRs2);
  alias(`fneg.${p}`, 0x53 | f7(0x10 | fmt) | f3(1), OP | F7 | F3, 'D,S', rs1EqRs2);
  alias(`fabs.${p}`, 0x53 | f7(0x10 | fmt) | f3(2), OP | F7 | F3, 'D,S', rs1EqRs2);
  row(`fsgnj.${p}`, 0x53 | f7(0x10 | fmt), OP | F7 | F3, 'D,S,T');
  row(`fsgnjn.${p}`, 0x53 | f7(0x10 | fmt) | f3(1), OP | F7 | F3, 'D,S,T');
  row(`fsgnjx.${p}`, 0x53 | f7(0x10 | fmt) | f3(2), OP | F7 | F3, 'D,S,T');
  row(`fmin.${p}`, 0x53 | f7(0x14 | fmt), OP | F7 | F3, 'D,S,T');
  row(`fmax.${p}`, 0x53 | f7(0x14 | fmt) | f3(1), OP | F7 | F3, 'D,S,T');
  row(`feq.${p}`, 0x53 | f7(0x50 | fmt) | f3(2), OP | F7 | F3, 'd,S,T');
  row(`flt.${p}`, 0x53 | f7(0x50 | fmt) | f3(1), OP | F7 | F3, 'd,S,T');
  row(`fle.${p}`, 0x53 | f7(0x50 | fmt) | f3(0), OP | F7 | F3, 'd,S,T');
  row(`fclass.${p}`, 0x53 | f7(0x70 | fmt) | f3(1), OP | F7 | F3 | RS2, 'd,S');
  const ints: [string, number][] = [
    ['w', 0],
    ['wu', 1],
    ['l', 2],
    ['lu', 3],
  ];
  for (const [q, r] of ints) {
    row(`fcvt.${q}.${p}`, 0x53 | f7(0x60 | fmt) | rs2v(r), OP | F7 | RS2, 'd,Sm');
    // int → double is exact for 32-bit sources: objdump shows no rounding mode (M hides rm = 0).
    const exact = p === 'd' && (q === 'w' || q === 'wu');
    row(`fcvt.${p}.${q}`, 0x53 | f7(0x68 | fmt) | rs2v(r), OP | F7 | RS2, exact ? 'D,sM' : 'D,sm');
  }
}
row('fcvt.s.d', 0x53 | f7(0x20) | rs2v(1), OP | F7 | RS2, 'D,Sm');
row('fcvt.d.s', 0x53 | f7(0x21) | rs2v(0), OP | F7 | RS2, 'D,SM');
row('fmv.x.w', 0x53 | f7(0x70), OP | F7 | F3 | RS2, 'd,S');
row('fmv.w.x', 0x53 | f7(0x78), OP | F7 | F3 | RS2, 'D,s');
row('fmv.x.d', 0x53 | f7(0x71), OP | F7 | F3 | RS2, 'd,S');
row('fmv.d.x', 0x53 | f7(0x79), OP | F7 | F3 | RS2, 'D,s');

/** Every RV64G opcode row, aliases included, in lookup order. */
export const RV64G_OPCODES: readonly Opcode[] = table;

/** The same rows bucketed by major opcode (bits 6..0) for lookup. */
const byMajor: Opcode[][] = Array.from({ length: 128 }, () => []);
for (const op of table) byMajor[op.match & 0x7f]!.push(op);

/** The first row matching `w` (skipping aliases unless `aliases`), or undefined. */
export function findOpcode(w: number, aliases = true): Opcode | undefined {
  for (const op of byMajor[w & 0x7f]!) {
    if ((w & op.mask) !== op.match) continue;
    if (op.alias && !aliases) continue;
    if (op.when && !op.when(w)) continue;
    return op;
  }
  return undefined;
}
