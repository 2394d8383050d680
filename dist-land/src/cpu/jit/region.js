// Region planning: which blocks of a page one block function inlines, and where it continues by tail call.
import { Kind, branchImm, jalImm } from './decode.js';
/**
 * For user code: since calls are not inlined, 40 instructions and 8 levels took block-function entries in the busybox
 * shell loop from 1,676 to 1,317 per iteration and its time down about 5 %; 64 and 12 (1,050 entries) were no better.
 */
export const USER_REGIONS = { insns: 40, depth: 8 };
/**
 * For kernel code, translated once and mostly run a few times during the boot: smaller modules compile sooner. Boot to
 * `Run /init`, interleaved: 12 and 3 averaged 4.23 s over 7 boots against 4.41 s for 24 and 5 (16/4 and 8/2 between).
 */
export const KERNEL_REGIONS = { insns: 12, depth: 3 };
/** Page offsets a block continues at (fall-through, branch target, jump target), for inlining. */
function successors(blk) {
    const last = blk.insns[blk.insns.length - 1];
    const next = last.off + last.len;
    if (last.kind === Kind.Plain)
        return [next];
    if (last.kind === Kind.Branch)
        return [last.off + branchImm(last.insn), next];
    if (last.kind === Kind.Jal)
        return [last.off + jalImm(last.insn)];
    return [];
}
/** Whether a jump writing `rd` is a call: it links through ra or t0, the registers the psABI uses for return addresses. */
export function links(rd) {
    return rd === 1 || rd === 5;
}
/** A jal that links: a call, nested rather than inlined (BlockEmitter.callOnPage). */
function isCall(blk) {
    const last = blk.insns[blk.insns.length - 1];
    return last.kind === Kind.Jal && links((last.insn >>> 7) & 31);
}
/**
 * Chooses the successors inlined into root's function, breadth first so both sides of a branch get room; a block is not
 * inlined twice on one path, and a jump back to root becomes the function's loop.
 */
export function planRegion(root, blockAt, limits = USER_REGIONS) {
    const tree = { blk: root, next: new Map() };
    const blocks = [root];
    const exits = [];
    let room = limits.insns - root.insns.length;
    let loops = false;
    const queue = [
        { node: tree, path: new Set([root.off]), depth: 0 },
    ];
    for (let q = 0; q < queue.length; q++) {
        const { node, path, depth } = queue[q];
        const call = isCall(node.blk);
        for (const off of successors(node.blk)) {
            if (off === root.off) {
                loops = true;
                continue;
            }
            const blk = blockAt.get(off);
            if (blk === undefined || node.next.has(off))
                continue;
            if (call || path.has(off) || depth >= limits.depth || blk.insns.length > room) {
                exits.push(off);
                continue;
            }
            room -= blk.insns.length;
            const child = { blk, next: new Map() };
            node.next.set(off, child);
            blocks.push(blk);
            queue.push({ node: child, path: new Set([...path, off]), depth: depth + 1 });
        }
    }
    const longest = (n) => {
        let m = 0;
        for (const c of n.next.values())
            m = Math.max(m, longest(c));
        return n.blk.insns.length + m;
    };
    return { tree, blocks, loops, maxInsns: longest(tree), exits };
}
//# sourceMappingURL=region.js.map