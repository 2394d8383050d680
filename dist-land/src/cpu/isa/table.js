// The RV64G instruction table: every 32-bit instruction once, with its encoding, operands, kind, registers and tiers.
//
// The decoders, the disassembler, the translator's legality and register-use analysis and the checks on the WebAssembly
// interpreter's dispatch derive from these rows (docs/isa-table.md). Semantics stay per tier.
// Field masks.
const OP = 0x7f;
const F3 = 0x7000;
const F7 = 0xfe000000 | 0;
const RS2 = 0x1f00000;
const FMT = 0x06000000;
const F5 = 0xf8000000 | 0;
const SHAMT6 = 0xfc000000 | 0;
const f3 = (v) => v << 12;
const f7 = (v) => (v << 25) | 0;
const rs2v = (v) => v << 20;
const FIELD_OF = {
    d: { file: 'x', field: 'rd' },
    s: { file: 'x', field: 'rs1' },
    t: { file: 'x', field: 'rs2' },
    D: { file: 'f', field: 'rd' },
    S: { file: 'f', field: 'rs1' },
    T: { file: 'f', field: 'rs2' },
    R: { file: 'f', field: 'rs3' },
};
const rows = [];
function row(ext, kind, name, match, mask, format, opts) {
    const reads = [];
    const writes = [];
    for (const ch of format) {
        const use = FIELD_OF[ch];
        if (use === undefined)
            continue;
        (use.field === 'rd' ? writes : reads).push(use);
    }
    rows.push({
        index: rows.length,
        name,
        match: match | 0,
        mask: mask | 0,
        format,
        kind,
        ext,
        reads,
        writes,
        jit: opts.jit,
        wasm: opts.wasm,
        print: opts.print ?? true,
    });
}
/** Translated inline and run by the WebAssembly interpreter: the integer core. */
const CORE = { jit: 'inline', wasm: true };
// --- RV64I -------------------------------------------------------------------------------------------------------------
row('I', 'alu', 'lui', 0x37, OP, 'd,u', CORE);
row('I', 'alu', 'auipc', 0x17, OP, 'd,u', CORE);
row('I', 'jal', 'jal', 0x6f, OP, 'd,j', CORE);
row('I', 'jalr', 'jalr', 0x67, OP | F3, 'd,i(s)', CORE);
for (const [name, f] of [
    ['beq', 0],
    ['bne', 1],
    ['blt', 4],
    ['bge', 5],
    ['bltu', 6],
    ['bgeu', 7],
])
    row('I', 'branch', name, 0x63 | f3(f), OP | F3, 's,t,b', CORE);
for (const [name, f] of [
    ['lb', 0],
    ['lh', 1],
    ['lw', 2],
    ['ld', 3],
    ['lbu', 4],
    ['lhu', 5],
    ['lwu', 6],
])
    row('I', 'load', name, 0x03 | f3(f), OP | F3, 'd,i(s)', CORE);
for (const [name, f] of [
    ['sb', 0],
    ['sh', 1],
    ['sw', 2],
    ['sd', 3],
])
    row('I', 'store', name, 0x23 | f3(f), OP | F3, 't,q(s)', CORE);
for (const [name, f] of [
    ['addi', 0],
    ['slti', 2],
    ['sltiu', 3],
    ['xori', 4],
    ['ori', 6],
    ['andi', 7],
])
    row('I', 'alu', name, 0x13 | f3(f), OP | F3, 'd,s,i', CORE);
row('I', 'alu', 'slli', 0x13 | f3(1), OP | F3 | SHAMT6, 'd,s,>', CORE);
row('I', 'alu', 'srli', 0x13 | f3(5), OP | F3 | SHAMT6, 'd,s,>', CORE);
row('I', 'alu', 'srai', 0x13 | f3(5) | 0x40000000, OP | F3 | SHAMT6, 'd,s,>', CORE);
for (const [name, f, g] of [
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
])
    row('I', 'alu', name, 0x33 | f3(f) | f7(g), OP | F3 | F7, 'd,s,t', CORE);
row('I', 'alu', 'addiw', 0x1b, OP | F3, 'd,s,i', CORE);
row('I', 'alu', 'slliw', 0x1b | f3(1), OP | F3 | F7, 'd,s,>', CORE);
row('I', 'alu', 'srliw', 0x1b | f3(5), OP | F3 | F7, 'd,s,>', CORE);
row('I', 'alu', 'sraiw', 0x1b | f3(5) | f7(0x20), OP | F3 | F7, 'd,s,>', CORE);
for (const [name, f, g] of [
    ['addw', 0, 0],
    ['subw', 0, 0x20],
    ['sllw', 1, 0],
    ['srlw', 5, 0],
    ['sraw', 5, 0x20],
])
    row('I', 'alu', name, 0x3b | f3(f) | f7(g), OP | F3 | F7, 'd,s,t', CORE);
// --- fences (FENCE is a no-op for one hart's program order; FENCE.I ends translated code) -----------------------------
row('Zihintpause', 'fence', 'pause', 0x0100000f, -1, '', CORE);
row('I', 'fence', 'fence.tso', 0x8330000f, -1, '', CORE);
row('I', 'fence', 'fence', 0x0000000f, 0xf00fffff, 'P,Q', CORE);
// The other FENCE encodings (fm, rd or rs1 set) are reserved for hints and run as a FENCE.
row('I', 'fence', 'fence', 0x0000000f, OP | F3, 'P,Q', { ...CORE, print: false });
row('Zifencei', 'fence', 'fence.i', 0x0000100f, -1, '', { jit: 'interp', wasm: false });
row('Zifencei', 'fence', 'fence.i', 0x0000100f, OP | F3, '', { jit: 'interp', wasm: false, print: false });
// --- system and Zicsr (privileged state: the TypeScript interpreter) ------------------------------------------------------
const SYSTEM = { jit: 'interp', wasm: false };
row('I', 'system', 'ecall', 0x00000073, -1, '', SYSTEM);
row('I', 'system', 'ebreak', 0x00100073, -1, '', SYSTEM);
row('priv', 'system', 'sret', 0x10200073, -1, '', SYSTEM);
row('priv', 'system', 'mret', 0x30200073, -1, '', SYSTEM);
row('priv', 'system', 'wfi', 0x10500073, -1, '', SYSTEM);
row('priv', 'system', 'sfence.vma', 0x12000073, OP | F3 | F7 | 0xf80, 's,t', SYSTEM);
for (const [name, f, src] of [
    ['csrrw', 1, 's'],
    ['csrrs', 2, 's'],
    ['csrrc', 3, 's'],
    ['csrrwi', 5, 'z'],
    ['csrrsi', 6, 'z'],
    ['csrrci', 7, 'z'],
])
    row('Zicsr', 'csr', name, 0x73 | f3(f), OP | F3, `d,c,${src}`, { jit: 'callout', wasm: false });
// --- M -------------------------------------------------------------------------------------------------------------------
for (const [name, f] of [
    ['mul', 0],
    ['mulh', 1],
    ['mulhsu', 2],
    ['mulhu', 3],
    ['div', 4],
    ['divu', 5],
    ['rem', 6],
    ['remu', 7],
])
    row('M', 'muldiv', name, 0x33 | f3(f) | f7(1), OP | F3 | F7, 'd,s,t', CORE);
for (const [name, f] of [
    ['mulw', 0],
    ['divw', 4],
    ['divuw', 5],
    ['remw', 6],
    ['remuw', 7],
])
    row('M', 'muldiv', name, 0x3b | f3(f) | f7(1), OP | F3 | F7, 'd,s,t', CORE);
// --- A (AMOs inline in translated code; LR/SC through the interpreter there) -----------------------------------------------
for (const [width, f] of [
    ['w', 2],
    ['d', 3],
]) {
    row('A', 'lr', `lr.${width}`, 0x2f | f3(f) | (0x02 << 27), OP | F3 | RS2 | F5, 'Ad,(s)', {
        jit: 'callout',
        wasm: true,
    });
    row('A', 'sc', `sc.${width}`, 0x2f | f3(f) | (0x03 << 27), OP | F3 | F5, 'Ad,t,(s)', { jit: 'callout', wasm: true });
    for (const [name, f5] of [
        ['amoswap', 0x01],
        ['amoadd', 0x00],
        ['amoxor', 0x04],
        ['amoand', 0x0c],
        ['amoor', 0x08],
        ['amomin', 0x10],
        ['amomax', 0x14],
        ['amominu', 0x18],
        ['amomaxu', 0x1c],
    ])
        row('A', 'amo', `${name}.${width}`, 0x2f | f3(f) | (f5 << 27), OP | F3 | F5, 'Ad,t,(s)', CORE);
}
// --- F and D (the TypeScript FPU is the reference; translated code has exact fast paths) ---------------------------------
const FP = { jit: 'fast', wasm: false };
row('F', 'fp-load', 'flw', 0x07 | f3(2), OP | F3, 'D,i(s)', FP);
row('D', 'fp-load', 'fld', 0x07 | f3(3), OP | F3, 'D,i(s)', FP);
row('F', 'fp-store', 'fsw', 0x27 | f3(2), OP | F3, 'T,q(s)', FP);
row('D', 'fp-store', 'fsd', 0x27 | f3(3), OP | F3, 'T,q(s)', FP);
for (const [p, fmt, ext] of [
    ['s', 0, 'F'],
    ['d', 1, 'D'],
]) {
    const fm = fmt << 25;
    for (const [name, op] of [
        ['fmadd', 0x43],
        ['fmsub', 0x47],
        ['fnmsub', 0x4b],
        ['fnmadd', 0x4f],
    ])
        row(ext, 'fp', `${name}.${p}`, op | fm, OP | FMT, 'D,S,T,Rm', FP);
    for (const [name, g] of [
        ['fadd', 0x00],
        ['fsub', 0x04],
        ['fmul', 0x08],
        ['fdiv', 0x0c],
    ])
        row(ext, 'fp', `${name}.${p}`, 0x53 | f7(g | fmt), OP | F7, 'D,S,Tm', FP);
    row(ext, 'fp', `fsqrt.${p}`, 0x53 | f7(0x2c | fmt), OP | F7 | RS2, 'D,Sm', FP);
    row(ext, 'fp', `fsgnj.${p}`, 0x53 | f7(0x10 | fmt), OP | F7 | F3, 'D,S,T', FP);
    row(ext, 'fp', `fsgnjn.${p}`, 0x53 | f7(0x10 | fmt) | f3(1), OP | F7 | F3, 'D,S,T', FP);
    row(ext, 'fp', `fsgnjx.${p}`, 0x53 | f7(0x10 | fmt) | f3(2), OP | F7 | F3, 'D,S,T', FP);
    row(ext, 'fp', `fmin.${p}`, 0x53 | f7(0x14 | fmt), OP | F7 | F3, 'D,S,T', FP);
    row(ext, 'fp', `fmax.${p}`, 0x53 | f7(0x14 | fmt) | f3(1), OP | F7 | F3, 'D,S,T', FP);
    row(ext, 'fp', `feq.${p}`, 0x53 | f7(0x50 | fmt) | f3(2), OP | F7 | F3, 'd,S,T', FP);
    row(ext, 'fp', `flt.${p}`, 0x53 | f7(0x50 | fmt) | f3(1), OP | F7 | F3, 'd,S,T', FP);
    row(ext, 'fp', `fle.${p}`, 0x53 | f7(0x50 | fmt) | f3(0), OP | F7 | F3, 'd,S,T', FP);
    row(ext, 'fp', `fclass.${p}`, 0x53 | f7(0x70 | fmt) | f3(1), OP | F7 | F3 | RS2, 'd,S', FP);
    for (const [q, r] of [
        ['w', 0],
        ['wu', 1],
        ['l', 2],
        ['lu', 3],
    ]) {
        row(ext, 'fp', `fcvt.${q}.${p}`, 0x53 | f7(0x60 | fmt) | rs2v(r), OP | F7 | RS2, 'd,Sm', FP);
        // int → double is exact for 32-bit sources: objdump shows no rounding mode (M hides rm = 0).
        const exact = p === 'd' && (q === 'w' || q === 'wu');
        row(ext, 'fp', `fcvt.${p}.${q}`, 0x53 | f7(0x68 | fmt) | rs2v(r), OP | F7 | RS2, exact ? 'D,sM' : 'D,sm', FP);
    }
}
row('D', 'fp', 'fcvt.s.d', 0x53 | f7(0x20) | rs2v(1), OP | F7 | RS2, 'D,Sm', FP);
row('D', 'fp', 'fcvt.d.s', 0x53 | f7(0x21) | rs2v(0), OP | F7 | RS2, 'D,SM', FP);
row('F', 'fp', 'fmv.x.w', 0x53 | f7(0x70), OP | F7 | F3 | RS2, 'd,S', FP);
row('F', 'fp', 'fmv.w.x', 0x53 | f7(0x78), OP | F7 | F3 | RS2, 'D,s', FP);
row('D', 'fp', 'fmv.x.d', 0x53 | f7(0x71), OP | F7 | F3 | RS2, 'd,S', FP);
row('D', 'fp', 'fmv.d.x', 0x53 | f7(0x79), OP | F7 | F3 | RS2, 'D,s', FP);
/** Every RV64G instruction, in lookup order. */
export const ISA_TABLE = rows;
/**
 * The rows by major opcode (bits 6..0) and funct3 (bits 14..12), in table order; a row whose mask leaves funct3 open is
 * in all eight of its opcode's buckets. Most buckets hold one to three rows.
 */
const buckets = Array.from({ length: 1024 }, () => []);
for (const e of rows)
    for (let f = 0; f < 8; f++)
        if ((e.mask & 0x7000) === 0 || ((e.match >>> 12) & 7) === f)
            buckets[((e.match & 0x7f) << 3) | f].push(e);
/** The instruction a 32-bit word encodes, or undefined when it is none (an illegal instruction). */
export function decodeIsa(w) {
    for (const e of buckets[((w & 0x7f) << 3) | ((w >>> 12) & 7)])
        if ((w & e.mask) === e.match)
            return e;
    return undefined;
}
/** The register number in a field of an instruction word. */
export function regField(w, field) {
    switch (field) {
        case 'rd':
            return (w >>> 7) & 31;
        case 'rs1':
            return (w >>> 15) & 31;
        case 'rs2':
            return (w >>> 20) & 31;
        case 'rs3':
            return w >>> 27;
    }
}
/** Whether the instruction writes integer register rd (for rows whose rd is an integer register). */
export function writesX(e) {
    return e.writes.length > 0 && e.writes[0].file === 'x';
}
//# sourceMappingURL=table.js.map