// Seeded generator of random RV64GC instruction sequences (assembly text) whose results are fully defined by the spec.
import { Rng } from './rng.js';
import { randomDataWord, randomF, randomX } from './values.js';
/** Per-sequence memory block; sp and s0 point at its start while the random instructions run. */
export const DATA_BYTES = 512;
export const OUT_X = 512;
export const OUT_F = 768;
export const OUT_FCSR = 1024;
export const INIT_X = 1032;
export const INIT_F = 1288;
export const INIT_FCSR = 1544;
export const BLOCK_BYTES = 1552;
function bodyOf(items, labels) {
    const body = [];
    for (let k = 0; k <= items.length; k++) {
        if (labels[k])
            body.push(`${labels[k]}:`);
        if (k < items.length)
            body.push(...items[k]);
    }
    return body;
}
/** The same sequence (same initial state and labels) with other items, e.g. fewer of them while shrinking a failure. */
export function withItems(seq, items) {
    return { ...seq, items, body: bodyOf(items, seq.labels) };
}
const XN = Array.from({ length: 32 }, (_, i) => `x${i}`);
/** Registers random instructions may write: all but x0 and the two base registers sp (x2) and s0 (x8). */
const WRITABLE = XN.map((_, i) => i).filter((i) => i !== 0 && i !== 2 && i !== 8);
/** Compressed-register (x8..x15) destinations, without s0. */
const C_WRITABLE = [9, 10, 11, 12, 13, 14, 15];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];
/** Builds one sequence; `label(k)` names the position before random item k (k = count means the end). */
class Builder {
    rng;
    count;
    tag;
    items = [];
    /** Branch targets per item index. */
    labelsAt = new Set();
    constructor(rng, count, tag) {
        this.rng = rng;
        this.count = count;
        this.tag = tag;
    }
    label(k) {
        this.labelsAt.add(k);
        return `.L${this.tag}_${k}`;
    }
    /** A forward target at most `maxAhead` items after the current one; short hops keep most of the sequence executed. */
    forward(maxAhead = 4) {
        const here = this.items.length;
        return this.label(Math.min(this.count, here + 1 + this.rng.int(maxAhead)));
    }
    rd() {
        return this.rng.int(40) === 0 ? 'x0' : XN[this.rng.pick(WRITABLE)];
    }
    wreg() {
        return this.rng.pick(WRITABLE);
    }
    rs() {
        return XN[this.rng.int(32)];
    }
    fr() {
        return `f${this.rng.int(32)}`;
    }
    imm12() {
        return this.rng.bool(0.3) ? this.rng.pick([0, 1, -1, 2047, -2048, 31, 32, 63, -32]) : this.rng.range(-2048, 2047);
    }
    base() {
        return this.rng.bool() ? 'sp' : 's0';
    }
    /** Offset so that an access of `size` bytes stays inside the data buffer (any alignment: the hart and QEMU both handle it). */
    off(size, aligned = false) {
        const o = this.rng.int(DATA_BYTES - size + 1);
        return aligned || this.rng.bool(0.6) ? o - (o % size) : o;
    }
    rmSuffix() {
        return this.rng.bool(0.5) ? `, ${this.rng.pick(RM)}` : '';
    }
}
const R_OPS = [
    'add',
    'sub',
    'sll',
    'slt',
    'sltu',
    'xor',
    'srl',
    'sra',
    'or',
    'and',
    'addw',
    'subw',
    'sllw',
    'srlw',
    'sraw',
];
const I_OPS = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SH_OPS = ['slli', 'srli', 'srai'];
const SHW_OPS = ['slliw', 'srliw', 'sraiw'];
const LOADS = [
    ['lb', 1],
    ['lh', 2],
    ['lw', 4],
    ['ld', 8],
    ['lbu', 1],
    ['lhu', 2],
    ['lwu', 4],
];
const STORES = [
    ['sb', 1],
    ['sh', 2],
    ['sw', 4],
    ['sd', 8],
];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
const genI = [
    (b) => [`${b.rng.pick(R_OPS)} ${b.rd()}, ${b.rs()}, ${b.rs()}`],
    (b) => [`${b.rng.pick(R_OPS)} ${b.rd()}, ${b.rs()}, ${b.rs()}`],
    (b) => [`${b.rng.pick(I_OPS)} ${b.rd()}, ${b.rs()}, ${b.imm12()}`],
    (b) => [`${b.rng.pick(SH_OPS)} ${b.rd()}, ${b.rs()}, ${b.rng.int(64)}`],
    (b) => [`${b.rng.pick(SHW_OPS)} ${b.rd()}, ${b.rs()}, ${b.rng.int(32)}`],
    (b) => [`${b.rng.pick(['lui', 'auipc'])} ${b.rd()}, 0x${b.rng.int(0x100000).toString(16)}`],
    (b) => {
        const [op, size] = b.rng.pick(LOADS);
        return [`${op} ${b.rd()}, ${b.off(size)}(${b.base()})`];
    },
    (b) => {
        const [op, size] = b.rng.pick(STORES);
        return [`${op} ${b.rs()}, ${b.off(size)}(${b.base()})`];
    },
    (b) => {
        // access through a computed pointer with a possibly negative displacement
        const [op, size] = b.rng.pick(b.rng.bool() ? LOADS : STORES);
        const t = XN[b.wreg()];
        const o = b.off(size);
        const disp = b.rng.range(-o, DATA_BYTES - size - o);
        const addr = `addi ${t}, sp, ${o - disp}`;
        const data = op.startsWith('s') ? b.rs() : b.rd();
        return [addr, `${op} ${data}, ${disp}(${t})`];
    },
    (b) => [`${b.rng.pick(BRANCHES)} ${b.rs()}, ${b.rs()}, ${b.forward()}`],
    (b) => [`${b.rng.pick(BRANCHES)} ${b.rs()}, ${b.rs()}, ${b.forward()}`],
    (b) => [`jal ${b.rd()}, ${b.forward()}`],
    (b) => {
        // jalr through a register; an odd displacement checks that bit 0 of the target is cleared
        const t = XN[b.wreg()];
        const disp = b.rng.range(-64, 64);
        const odd = b.rng.bool() ? 1 : 0;
        return [`lla ${t}, ${b.forward()}`, `addi ${t}, ${t}, ${-disp + odd}`, `jalr ${b.rd()}, ${disp}(${t})`];
    },
    (b) => [b.rng.pick(['fence', 'fence rw, rw', 'fence.i', 'nop'])],
];
const M_OPS = [
    'mul',
    'mulh',
    'mulhsu',
    'mulhu',
    'div',
    'divu',
    'rem',
    'remu',
    'mulw',
    'divw',
    'divuw',
    'remw',
    'remuw',
];
const genM = [
    (b) => [`${b.rng.pick(M_OPS)} ${b.rd()}, ${b.rs()}, ${b.rs()}`],
    (b) => {
        // division edge cases: by zero, and most-negative / -1
        const op = b.rng.pick(M_OPS.slice(4));
        const t = XN[b.wreg()];
        const divisor = b.rng.pick(['0', '-1', '1']);
        return [`li ${t}, ${divisor}`, `${op} ${b.rd()}, ${b.rs()}, ${t}`];
    },
];
const AMO_OPS = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
const ORDER = ['', '.aq', '.rl', '.aqrl'];
const genA = [
    (b) => {
        const w = b.rng.pick(['w', 'd']);
        const t = b.wreg();
        return [
            `addi x${t}, sp, ${b.off(w === 'w' ? 4 : 8, true)}`,
            `${b.rng.pick(AMO_OPS)}.${w}${b.rng.pick(ORDER)} ${b.rd()}, ${b.rs()}, (x${t})`,
        ];
    },
    (b) => {
        // LR then SC to the same address with no store in between: the SC must succeed; a second SC must fail.
        const w = b.rng.pick(['w', 'd']);
        const t = b.wreg();
        const notT = () => {
            let r;
            do
                r = b.wreg();
            while (r === t);
            return `x${r}`;
        };
        const lines = [
            `addi x${t}, sp, ${b.off(w === 'w' ? 4 : 8, true)}`,
            `lr.${w}${b.rng.pick(ORDER)} ${notT()}, (x${t})`,
        ];
        if (b.rng.bool())
            lines.push(`${b.rng.pick(R_OPS)} ${notT()}, ${b.rs()}, ${b.rs()}`);
        if (b.rng.bool(0.3))
            lines.push(`${b.rng.pick(['lw', 'ld', 'lbu'])} ${notT()}, ${b.off(8, true)}(sp)`);
        lines.push(`sc.${w}${b.rng.pick(ORDER)} ${notT()}, ${b.rs()}, (x${t})`);
        if (b.rng.bool(0.3))
            lines.push(`sc.${w} ${b.rd()}, ${b.rs()}, (x${t})`);
        return lines;
    },
];
function genFloat(fmt) {
    const other = fmt === 's' ? 'd' : 's';
    const size = fmt === 's' ? 4 : 8;
    const ld = fmt === 's' ? 'flw' : 'fld';
    const st = fmt === 's' ? 'fsw' : 'fsd';
    const xw = fmt === 's' ? 'w' : 'd';
    const exactFromInt = fmt === 'd'; // int32 -> double is exact: no rounding-mode operand
    return [
        (b) => [`${b.rng.pick(['fadd', 'fsub', 'fmul', 'fdiv'])}.${fmt} ${b.fr()}, ${b.fr()}, ${b.fr()}${b.rmSuffix()}`],
        (b) => [`${b.rng.pick(['fadd', 'fsub', 'fmul', 'fdiv'])}.${fmt} ${b.fr()}, ${b.fr()}, ${b.fr()}${b.rmSuffix()}`],
        (b) => [`fsqrt.${fmt} ${b.fr()}, ${b.fr()}${b.rmSuffix()}`],
        (b) => [`${b.rng.pick(['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx'])}.${fmt} ${b.fr()}, ${b.fr()}, ${b.fr()}`],
        (b) => [
            `${b.rng.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])}.${fmt} ${b.fr()}, ${b.fr()}, ${b.fr()}, ${b.fr()}${b.rmSuffix()}`,
        ],
        (b) => [
            `${b.rng.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])}.${fmt} ${b.fr()}, ${b.fr()}, ${b.fr()}, ${b.fr()}${b.rmSuffix()}`,
        ],
        (b) => [`${b.rng.pick(['feq', 'flt', 'fle'])}.${fmt} ${b.rd()}, ${b.fr()}, ${b.fr()}`],
        (b) => [`fclass.${fmt} ${b.rd()}, ${b.fr()}`],
        (b) => [`fcvt.${b.rng.pick(['w', 'wu', 'l', 'lu'])}.${fmt} ${b.rd()}, ${b.fr()}${b.rmSuffix()}`],
        (b) => [`fcvt.${b.rng.pick(['w', 'wu', 'l', 'lu'])}.${fmt} ${b.rd()}, ${b.fr()}${b.rmSuffix()}`],
        (b) => {
            const src = b.rng.pick(['w', 'wu', 'l', 'lu']);
            const rm = exactFromInt && (src === 'w' || src === 'wu') ? '' : b.rmSuffix();
            return [`fcvt.${fmt}.${src} ${b.fr()}, ${b.rs()}${rm}`];
        },
        (b) => [fmt === 's' ? `fcvt.s.d ${b.fr()}, ${b.fr()}${b.rmSuffix()}` : `fcvt.d.s ${b.fr()}, ${b.fr()}`],
        (b) => [`fmv.x.${xw} ${b.rd()}, ${b.fr()}`, `fmv.${xw}.x ${b.fr()}, ${b.rs()}`].slice(...(b.rng.bool() ? [0, 1] : [1, 2])),
        (b) => [`${ld} ${b.fr()}, ${b.off(size)}(${b.base()})`],
        (b) => [`${st} ${b.fr()}, ${b.off(size)}(${b.base()})`],
        (b) => [`fsgnj.${other} ${b.fr()}, ${b.fr()}, ${b.fr()}`],
    ];
}
/** Only fflags/frm/fcsr; frm never receives a reserved value (5..7 would make dynamic-rm instructions illegal). */
const genCsr = [
    (b) => [`${b.rng.pick(['frcsr', 'frrm', 'frflags'])} ${b.rd()}`],
    (b) => [`fsrmi ${b.rd()}, ${b.rng.int(5)}`],
    (b) => [`fsflagsi ${b.rd()}, ${b.rng.int(32)}`],
    (b) => [`fsflags ${b.rd()}, ${b.rs()}`],
    (b) => {
        const t = XN[b.wreg()];
        return [`li ${t}, ${b.rng.int(5)}`, `fsrm ${b.rd()}, ${t}`];
    },
    (b) => {
        const t = XN[b.wreg()];
        return [`li ${t}, ${(b.rng.int(5) << 5) | b.rng.int(32) | (b.rng.int(8) << 8)}`, `fscsr ${b.rd()}, ${t}`];
    },
    (b) => [`${b.rng.pick(['csrrs', 'csrrc', 'csrrw'])} ${b.rd()}, fflags, ${b.rs()}`],
    (b) => [`${b.rng.pick(['csrrsi', 'csrrci', 'csrrwi'])} ${b.rd()}, fflags, ${b.rng.int(32)}`],
    (b) => [`csrrc ${b.rd()}, ${b.rng.pick(['frm', 'fcsr'])}, ${b.rs()}`],
    (b) => [`csrrci ${b.rd()}, ${b.rng.pick(['frm', 'fcsr'])}, ${b.rng.int(32)}`],
];
const C_ALU2 = ['c.and', 'c.or', 'c.xor', 'c.sub', 'c.addw', 'c.subw'];
const genC = [
    (b) => {
        const rd = `x${b.rng.pick(C_WRITABLE)}`;
        const rs2 = `x${b.rng.range(8, 15)}`;
        return [`${b.rng.pick(C_ALU2)} ${rd}, ${rs2}`];
    },
    (b) => [`c.${b.rng.pick(['srli', 'srai'])} x${b.rng.pick(C_WRITABLE)}, ${b.rng.range(1, 63)}`],
    (b) => [`c.andi x${b.rng.pick(C_WRITABLE)}, ${b.rng.range(-32, 31)}`],
    (b) => [`c.slli x${b.wreg()}, ${b.rng.range(1, 63)}`],
    (b) => [`c.li x${b.wreg()}, ${b.rng.range(-32, 31)}`],
    (b) => {
        let r;
        do
            r = b.wreg();
        while (r === 2);
        const imm = b.rng.bool() ? b.rng.range(1, 31) : b.rng.range(0xfffe0, 0xfffff);
        return [`c.lui x${r}, ${imm}`];
    },
    (b) => {
        let imm = 0;
        while (imm === 0)
            imm = b.rng.range(-32, 31);
        return [`c.addi x${b.wreg()}, ${imm}`];
    },
    (b) => [`c.addiw x${b.wreg()}, ${b.rng.range(-32, 31)}`],
    (b) => [`c.addi4spn x${b.rng.pick(C_WRITABLE)}, sp, ${4 * b.rng.range(1, 255)}`],
    (b) => [`c.mv x${b.wreg()}, x${b.rng.range(1, 31)}`],
    (b) => [`c.add x${b.wreg()}, x${b.rng.range(1, 31)}`],
    (b) => [`c.lw x${b.rng.pick(C_WRITABLE)}, ${4 * b.rng.int(32)}(s0)`],
    (b) => [`c.ld x${b.rng.pick(C_WRITABLE)}, ${8 * b.rng.int(32)}(s0)`],
    (b) => [`c.sw x${b.rng.range(8, 15)}, ${4 * b.rng.int(32)}(s0)`],
    (b) => [`c.sd x${b.rng.range(8, 15)}, ${8 * b.rng.int(32)}(s0)`],
    (b) => [`c.fld f${b.rng.range(8, 15)}, ${8 * b.rng.int(32)}(s0)`],
    (b) => [`c.fsd f${b.rng.range(8, 15)}, ${8 * b.rng.int(32)}(s0)`],
    (b) => [`c.lwsp x${b.wreg()}, ${4 * b.rng.int(64)}(sp)`],
    (b) => [`c.ldsp x${b.wreg()}, ${8 * b.rng.int(64)}(sp)`],
    (b) => [`c.swsp x${b.rng.range(0, 31)}, ${4 * b.rng.int(64)}(sp)`],
    (b) => [`c.sdsp x${b.rng.range(0, 31)}, ${8 * b.rng.int(64)}(sp)`],
    (b) => [`c.fldsp f${b.rng.int(32)}, ${8 * b.rng.int(64)}(sp)`],
    (b) => [`c.fsdsp f${b.rng.int(32)}, ${8 * b.rng.int(64)}(sp)`],
    (b) => [`c.${b.rng.pick(['beqz', 'bnez'])} x${b.rng.range(8, 15)}, ${b.forward(6)}`],
    (b) => [`c.j ${b.forward()}`],
    (b) => {
        const t = b.wreg();
        return [`lla x${t}, ${b.forward()}`, `${b.rng.pick(['c.jr', 'c.jalr'])} x${t}`];
    },
    () => ['c.nop'],
];
const GENS = {
    I: genI,
    M: genM,
    A: genA,
    F: genFloat('s'),
    D: genFloat('d'),
    C: genC,
    CSR: genCsr,
};
/** Sequence `index` of a batch; `seed` and `index` together reproduce it exactly. */
export function generateSequence(seed, index, opts) {
    const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
    const x = Array.from({ length: 32 }, () => randomX(rng));
    const f = Array.from({ length: 32 }, () => randomF(rng));
    const fcsr = (rng.int(5) << 5) | rng.int(32);
    const data = Array.from({ length: DATA_BYTES / 8 }, () => randomDataWord(rng));
    const exts = Object.keys(opts.weights).filter((e) => (opts.weights[e] ?? 0) > 0);
    const total = exts.reduce((n, e) => n + (opts.weights[e] ?? 0), 0);
    const b = new Builder(rng, opts.length, `${index}`);
    for (let k = 0; k < opts.length; k++) {
        let r = (rng.u32() / 0x1_0000_0000) * total;
        let ext = exts[exts.length - 1];
        for (const e of exts) {
            r -= opts.weights[e] ?? 0;
            if (r < 0) {
                ext = e;
                break;
            }
        }
        b.items.push(rng.pick(GENS[ext])(b));
    }
    const labels = Array.from({ length: opts.length + 1 }, (_, k) => (b.labelsAt.has(k) ? `.L${index}_${k}` : ''));
    return { x, f, fcsr, data, items: b.items, labels, body: bodyOf(b.items, labels) };
}
//# sourceMappingURL=seqgen.js.map