// Block discovery for the translator: which instructions of one guest page form translatable basic blocks.
import { ISA_TABLE, decodeIsa } from '../isa/table.js';
/** Instruction classes the translator distinguishes while discovering blocks. */
export const Kind = { Plain: 0, Branch: 1, Jal: 2, Jalr: 3, Interp: 4 };
export const MAX_BLOCK_INSNS = 128;
/** Block-discovery kind of each ISA table row. */
const BLOCK_KIND = Int8Array.from(ISA_TABLE, (e) => e.kind === 'branch' ? Kind.Branch : e.kind === 'jal' ? Kind.Jal : e.kind === 'jalr' ? Kind.Jalr : Kind.Plain);
/** The table row of an (expanded) instruction the translator emits code for, or undefined: the interpreter runs it. */
export function translatable(insn) {
    const e = decodeIsa(insn);
    return e !== undefined && e.jit !== 'interp' ? e : undefined;
}
/**
 * Decodes one instruction at `off`, or returns null when it must be interpreted (illegal, untranslated, or crossing the
 * end of what `read` can read). With `straddle`, `read` reads the next page too, so a 32-bit instruction at 4094 (its
 * second half on the next page) is decoded; translated code checks the next page's mapping before running it.
 */
export function decodeAt(read, off, cexp, straddle = false) {
    const low = read(off);
    let insn, len;
    if ((low & 3) !== 3) {
        insn = cexp[low];
        len = 2;
        if (insn === 0)
            return null;
    }
    else {
        if ((off & 4095) === 4094 && !(straddle && off === 4094))
            return null;
        insn = low | (read(off + 2) << 16);
        len = 4;
    }
    const entry = translatable(insn);
    if (entry === undefined)
        return null;
    return { off, insn, len, kind: BLOCK_KIND[entry.index], entry };
}
export function branchImm(insn) {
    return (((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3f) << 5) | (((insn >>> 8) & 0xf) << 1));
}
export function jalImm(insn) {
    return (((insn >> 31) << 20) | (((insn >>> 12) & 0xff) << 12) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 0x3ff) << 1));
}
/**
 * Follows control flow from the given entry offsets and returns the blocks reachable inside the page, plus the offsets
 * of instructions the interpreter must run (untranslatable ones reached by the discovery). With `spill` > 0, `read`
 * also reads the next page (offsets 4096 and up) and the discovery follows the code of the page into its first `spill`
 * bytes; blocks never span the page boundary, so translated code can check the next page's mapping where it crosses
 * (only an instruction at 4094 whose second half is on the next page ends a block there, after it).
 */
export function discoverBlocks(read, entries, cexp, spill = 0) {
    const work = [...entries];
    const seen = new Set();
    const interp = [];
    const blocks = [];
    const limit = 4096 + spill;
    const push = (o) => {
        if (o >= 0 && o < limit && (o & 1) === 0 && !seen.has(o))
            work.push(o);
    };
    while (work.length > 0) {
        const start = work.pop();
        if (seen.has(start))
            continue;
        seen.add(start);
        const insns = [];
        let off = start;
        let fallsThrough = true;
        for (;;) {
            if ((off >= 4096 && start < 4096) || off >= limit) {
                // runs off the page: the block exits with pc on the next page
                push(off);
                break;
            }
            const d = decodeAt(read, off, cexp, spill > 0);
            if (d === null) {
                interp.push(off);
                // The interpreter runs the one instruction, then translated code can resume after it (if it is 4 bytes long,
                // the usual case for SYSTEM/AMO; a wrong guess costs only a missing entry).
                push(off + ((read(off) & 3) === 3 ? 4 : 2));
                break;
            }
            insns.push(d);
            const next = off + d.len;
            if (d.kind === Kind.Branch) {
                push(off + branchImm(d.insn));
                push(next);
                fallsThrough = false;
                break;
            }
            if (d.kind === Kind.Jal || d.kind === Kind.Jalr) {
                if (d.kind === Kind.Jal)
                    push(off + jalImm(d.insn));
                if (((d.insn >>> 7) & 31) !== 0)
                    push(next); // return point of a call
                fallsThrough = false;
                break;
            }
            off = next;
            if (insns.length >= MAX_BLOCK_INSNS) {
                push(off);
                break;
            }
        }
        if (insns.length > 0)
            blocks.push({ off: start, insns, fallsThrough });
    }
    // Cut blocks where another one starts, so overlapping entries share code through the dispatcher instead of duplicating it.
    for (const blk of blocks) {
        const cut = blk.insns.findIndex((ins, k) => k > 0 && seen.has(ins.off));
        if (cut > 0) {
            blk.insns.length = cut;
            blk.fallsThrough = true;
        }
    }
    blocks.sort((a, b) => a.off - b.off);
    return { blocks, interp };
}
//# sourceMappingURL=decode.js.map