// RISC-V RV64GC disassembler: instruction word → GNU objdump-style text (default alias mode).
import { expandCompressed } from './compressed.js';
import { csrName } from './disasm/csr-names.js';
import { findOpcode } from './disasm/opcodes.js';
export { expandCompressed } from './compressed.js';
export { csrName } from './disasm/csr-names.js';
export { findOpcode, RV64G_OPCODES } from './disasm/opcodes.js';
export const INT_REG_NAMES = [
    'zero',
    'ra',
    'sp',
    'gp',
    'tp',
    't0',
    't1',
    't2',
    's0',
    's1',
    'a0',
    'a1',
    'a2',
    'a3',
    'a4',
    'a5',
    'a6',
    'a7',
    's2',
    's3',
    's4',
    's5',
    's6',
    's7',
    's8',
    's9',
    's10',
    's11',
    't3',
    't4',
    't5',
    't6',
];
export const FP_REG_NAMES = [
    'ft0',
    'ft1',
    'ft2',
    'ft3',
    'ft4',
    'ft5',
    'ft6',
    'ft7',
    'fs0',
    'fs1',
    'fa0',
    'fa1',
    'fa2',
    'fa3',
    'fa4',
    'fa5',
    'fa6',
    'fa7',
    'fs2',
    'fs3',
    'fs4',
    'fs5',
    'fs6',
    'fs7',
    'fs8',
    'fs9',
    'fs10',
    'fs11',
    'ft8',
    'ft9',
    'ft10',
    'ft11',
];
const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
/** Length in bytes of the instruction whose first 16-bit parcel is given. */
export function insnLength(firstParcel) {
    return (firstParcel & 3) === 3 ? 4 : 2;
}
const hex = (v) => `0x${(v >>> 0).toString(16)}`;
const immI = (w) => w >> 20;
const immS = (w) => ((w >> 25) << 5) | ((w >> 7) & 0x1f);
const immB = (w) => ((w >> 31) << 12) | (((w >> 7) & 1) << 11) | (((w >> 25) & 0x3f) << 5) | (((w >> 8) & 0xf) << 1);
const immJ = (w) => ((w >> 31) << 20) | (w & 0xff000) | (((w >> 20) & 1) << 11) | (((w >> 21) & 0x3ff) << 1);
/** pc + offset as objdump prints an address (hex, no prefix); relative `.+n` when pc is unknown. */
function target(offset, pcLo, pcHi) {
    if (pcLo === undefined)
        return offset < 0 ? `.${offset}` : `.+${offset}`;
    const sum = (pcLo >>> 0) + offset;
    const lo = sum >>> 0;
    const hi = (pcHi + Math.floor(sum / 0x100000000)) >>> 0;
    return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}
function fenceSet(bits) {
    if (bits === 0)
        return 'unknown';
    return (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
}
function aqrl(w) {
    const aq = (w >> 26) & 1;
    const rl = (w >> 25) & 1;
    return aq ? (rl ? '.aqrl' : '.aq') : rl ? '.rl' : '';
}
function operands(tmpl, w, pcLo, pcHi) {
    let text = '';
    let suffix = '';
    for (const ch of tmpl) {
        switch (ch) {
            case 'd':
                text += INT_REG_NAMES[(w >> 7) & 31];
                break;
            case 's':
                text += INT_REG_NAMES[(w >> 15) & 31];
                break;
            case 't':
                text += INT_REG_NAMES[(w >> 20) & 31];
                break;
            case 'D':
                text += FP_REG_NAMES[(w >> 7) & 31];
                break;
            case 'S':
                text += FP_REG_NAMES[(w >> 15) & 31];
                break;
            case 'T':
                text += FP_REG_NAMES[(w >> 20) & 31];
                break;
            case 'R':
                text += FP_REG_NAMES[(w >>> 27) & 31];
                break;
            case 'i':
                text += immI(w);
                break;
            case 'q':
                text += immS(w);
                break;
            case 'u':
                text += hex(w >>> 12);
                break;
            case 'b':
                text += target(immB(w), pcLo, pcHi);
                break;
            case 'j':
                text += target(immJ(w), pcLo, pcHi);
                break;
            case '>':
                text += hex((w >> 20) & 0x3f);
                break;
            case 'c':
                text += csrName((w >>> 20) & 0xfff);
                break;
            case 'z':
                text += (w >> 15) & 31;
                break;
            case 'm': {
                const rm = (w >> 12) & 7;
                if (rm !== 7)
                    text += `,${ROUNDING[rm]}`;
                break;
            }
            case 'M': {
                const rm = (w >> 12) & 7;
                if (rm !== 0)
                    text += `,${ROUNDING[rm]}`;
                break;
            }
            case 'P':
                text += fenceSet((w >> 24) & 15);
                break;
            case 'Q':
                text += fenceSet((w >> 20) & 15);
                break;
            case 'A':
                suffix = aqrl(w);
                break;
            default:
                text += ch;
        }
    }
    return { suffix, text };
}
function format(w, pcLo, pcHi) {
    const op = findOpcode(w);
    if (!op)
        return undefined;
    const { suffix, text } = operands(op.operands, w, pcLo, pcHi);
    return text ? `${op.name}${suffix}\t${text}` : op.name + suffix;
}
/**
 * Disassembles one instruction. `insn` is the 32-bit word, or a 16-bit compressed
 * parcel in the low bits (`(insn & 3) !== 3`). With a pc, branch and jump targets
 * are absolute addresses; without one they are relative (`.+8`). Mnemonic and
 * operands are separated by a tab, as objdump prints them. Encodings that are not
 * RV64GC instructions print as `.4byte 0x...` / `.2byte 0x...`.
 */
export function disassemble(insn, pcLo, pcHi = 0) {
    if ((insn & 3) !== 3) {
        const parcel = insn & 0xffff;
        if (parcel === 0)
            return 'unimp';
        const text = formatCompressed(parcel, expandCompressed(parcel), pcLo, pcHi);
        return text ?? `.2byte\t${hex(parcel)}`;
    }
    return format(insn | 0, pcLo, pcHi) ?? `.4byte\t${hex(insn)}`;
}
/**
 * Compressed parcels print as the instruction they expand to, except HINTs and a
 * few shorthands that objdump shows in their own c.* form.
 */
function formatCompressed(parcel, w, pcLo, pcHi) {
    const f3 = parcel >> 13;
    const rd = (parcel >> 7) & 31;
    const rs2 = (parcel >> 2) & 31;
    const imm6 = ((((parcel >> 12) & 1) << 31) >> 26) | rs2;
    const shamt = (((parcel >> 12) & 1) << 5) | rs2;
    const x = INT_REG_NAMES;
    switch (((parcel & 3) << 3) | f3) {
        case (1 << 3) | 0: // c.addi
            if (rd === 0)
                return imm6 === 0 ? 'nop' : `c.nop\t${imm6}`;
            return `add\t${x[rd]},${x[rd]},${imm6}`;
        case (1 << 3) | 2: // c.li
            if (rd === 0)
                return `c.li\tzero,${imm6}`;
            break;
        case (1 << 3) | 3: // c.addi16sp / c.lui
            if (rd === 2 && (parcel & 0x107c) === 0)
                return 'add\tsp,sp,0';
            if (rd === 0 && imm6 !== 0)
                return `c.lui\tzero,${hex(imm6 & 0xfffff)}`;
            break;
        case (1 << 3) | 4: // c.srli / c.srai with shift 0
            if ((parcel & 0x0800) === 0 && shamt === 0) {
                return `${parcel & 0x0400 ? 'c.srai64' : 'c.srli64'}\t${x[((parcel >> 7) & 7) + 8]}`;
            }
            break;
        case (2 << 3) | 0: // c.slli
            if (shamt === 0)
                return `c.slli64\t${x[rd]}`;
            if (rd === 0)
                return `c.slli\tzero,${hex(shamt)}`;
            break;
        case (2 << 3) | 4: // c.mv / c.add
            if (rs2 === 0)
                break;
            if ((parcel & 0x1000) === 0)
                return rd === 0 ? `c.mv\tzero,${x[rs2]}` : `mv\t${x[rd]},${x[rs2]}`;
            if (rd === 0)
                return `c.add\tzero,${x[rs2]}`;
            break;
    }
    if (w === 0)
        return undefined;
    return format(w, pcLo, pcHi);
}
//# sourceMappingURL=disasm.js.map