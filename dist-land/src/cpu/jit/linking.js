// Run-time linking of page modules: the chain table between pages, the call-out table, instantiation.
import { CALL_SLOTS, CALL_TYPES } from './abi.js';
import { I32, ModuleBuilder, Op } from './wasm-emitter.js';
/**
 * Slots in the chain table. Slot `page & (CHAIN_SLOTS - 1)` holds the `run` of one translated page (or `bounceRun`), so
 * translated code that leaves its page enters the next page's code without returning to JavaScript; a run entered for
 * another page (a slot collision) returns at once.
 */
export const CHAIN_SLOTS = 4096;
export function makeChainHub(callOuts) {
    // The chain: enter(..., page) tail-calls the run in slot page & (CHAIN_SLOTS - 1).
    const c = new ModuleBuilder();
    const runType = c.typeIndex([I32, I32, I32, I32, I32, I32], [I32]);
    const { index, body } = c.addFunction([I32, I32, I32, I32, I32, I32], [I32]);
    body
        .get(0)
        .get(1)
        .get(2)
        .get(3)
        .get(4)
        .get(5)
        .get(5)
        .i32c(CHAIN_SLOTS - 1)
        .op(Op.i32_and)
        .returnCallIndirect(runType, 0);
    c.setSparseTable(CHAIN_SLOTS, []);
    c.exportFunction('enter', index);
    c.exportTable('chain', 0);
    const chain = new WebAssembly.Instance(new WebAssembly.Module(c.build()));
    const table = chain.exports.chain;
    for (let i = 0; i < CHAIN_SLOTS; i++)
        table.set(i, bounceRun);
    // The call table: the call-outs and enter, imported here once and laid in a table by an element segment.
    const t = new ModuleBuilder();
    const names = ['load', 'store', 'fp', 'fpmem', 'exec1', 'enter'];
    names.forEach((name, slot) => t.importFunction('e', name, ...CALL_TYPES[slot]));
    t.setSparseTable(CALL_SLOTS, [{ offset: 0, elements: names.map((_, i) => i) }]);
    t.exportTable('calls', 0);
    const calls = new WebAssembly.Instance(new WebAssembly.Module(t.build()), {
        e: {
            load: callOuts.load,
            store: callOuts.store,
            fp: callOuts.fp,
            fpmem: callOuts.fpmem,
            exec1: callOuts.exec1,
            enter: chain.exports.enter,
        },
    });
    return { table, calls: calls.exports.calls };
}
/** A PageFunction that retires nothing more: returns the count it was given (pc stays in HS_PC). */
export const bounceRun = (() => {
    const m = new ModuleBuilder();
    const { index, body } = m.addFunction([I32, I32, I32, I32, I32, I32], [I32]);
    body.get(4);
    m.exportFunction('run', index);
    return new WebAssembly.Instance(new WebAssembly.Module(m.build())).exports.run;
})();
/** Links a compiled page module to the guest memory and the engine's call table (call-outs and chain). */
export function instantiatePage(built, mod, memory, hub) {
    const inst = new WebAssembly.Instance(mod, { e: { mem: memory, calls: hub.calls } });
    return {
        entry: built.entry,
        run: inst.exports.run,
        blockCount: built.blockCount,
        insnCount: built.insnCount,
        wasmBytes: built.bytes.length,
    };
}
//# sourceMappingURL=linking.js.map