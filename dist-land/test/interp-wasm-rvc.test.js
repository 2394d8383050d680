// Every 16-bit compressed parcel, run once by the WebAssembly interpreter and once by the TypeScript one (the reference the
// differential campaigns check against QEMU): same registers, pc, memory and trap. And a 32-bit instruction that
// straddles two pages, which the WebAssembly interpreter fetches through the fetch TLB of both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../src/bus/bus.js';
import { MSTATUS_FS } from '../src/cpu/constants.js';
import { Hart, StopReason } from '../src/cpu/hart.js';
import { JitEngine } from '../src/cpu/jit/engine.js';
import { GuestMemory } from '../src/memory/guest-memory.js';
import { Rng } from './harness/rng.js';
const RAM = 64 * 1024;
const CODE = 0x1000; // offset of the parcel in RAM
const DATA = 0x4000; // x2 and x8..x15 point into [DATA, DATA + 2 KiB) in the first pass: every load and store offset hits
function makeHart() {
    const h = new Hart(0, new GuestMemory(RAM), new Bus());
    h.firmwareTraps = true;
    h.priv = 0; // U-mode, bare addressing
    h.mstatus |= MSTATUS_FS;
    return h;
}
test('every compressed parcel does the same in the WebAssembly interpreter as in the TypeScript interpreter', () => {
    const wasmHart = makeHart(), tsHart = makeHart();
    const engine = new JitEngine(wasmHart, {
        threshold: Number.MAX_SAFE_INTEGER,
        userThreshold: Number.MAX_SAFE_INTEGER,
    });
    const base = wasmHart.mem.ramBase;
    const rng = new Rng(0x5eed);
    const data = new Uint8Array(2048);
    for (let i = 0; i < data.length; i++)
        data[i] = rng.u32() & 0xff;
    const interesting = [0n, 1n, -1n, 0x7fffffffn, -0x80000000n, 0x8000000000000000n, 0xffffffffn];
    let ranInWasm = 0, checked = 0;
    const mismatches = [];
    for (let pass = 0; pass < 2; pass++) {
        for (let c = 0; c < 65536; c++) {
            if ((c & 3) === 3)
                continue;
            // pass 0: pointers into the data (loads and stores run); pass 1: arbitrary values, some zero (branches taken)
            const regs = [0n];
            for (let r = 1; r < 32; r++) {
                const pointer = pass === 0 && (r === 2 || (r >= 8 && r <= 15));
                regs.push(pointer
                    ? BigInt(base + DATA + (r === 2 ? 0 : 8 * (r - 8)))
                    : rng.u32() % 4 === 0
                        ? interesting[rng.u32() % interesting.length]
                        : rng.u64());
            }
            const results = [wasmHart, tsHart].map((h) => {
                h.mem.writeBytes(base + DATA, data);
                h.mem.writeBytes(base + CODE, new Uint8Array([c & 0xff, c >>> 8]));
                for (let r = 1; r < 32; r++)
                    h.setX(r, BigInt.asUintN(64, regs[r]));
                h.setPc(BigInt(base + CODE));
                const before = h === wasmHart ? engine.stats.interpretedInWasm : 0;
                const stop = h === wasmHart ? engine.run(1) : h.run(1);
                if (h === wasmHart && pass === 0)
                    ranInWasm += engine.stats.interpretedInWasm - before;
                const trap = stop === StopReason.MachineTrap ? `trap ${h.trapCause}` : `stop ${stop}`;
                const x = Array.from({ length: 32 }, (_, r) => h.getX(r).toString(16)).join(',');
                const mem = Buffer.from(h.mem.readBytes(base + DATA, data.length)).toString('hex');
                return { trap, x, pc: `${h.pcHi >>> 0}:${h.pcLo >>> 0}`, mem };
            });
            if (pass === 0)
                checked++;
            const [w, t] = results;
            for (const k of ['trap', 'pc', 'x', 'mem']) {
                if (w[k] !== t[k] && mismatches.length < 5)
                    mismatches.push(`parcel 0x${c.toString(16)} pass ${pass}: ${k} differs (wasm ${w[k].slice(0, 200)} / ts ${t[k].slice(0, 200)})`);
            }
        }
    }
    assert.deepEqual(mismatches, []);
    // With pointers in the registers, most parcels run in WebAssembly: only the FP loads and stores (4 of the 24 quadrant
    // and funct3 slots), the reserved encodings and EBREAK go to TypeScript.
    assert.ok(ranInWasm > 0.75 * checked, `${ranInWasm} of ${checked} ran in WebAssembly in the first pass`);
});
test('a 32-bit instruction straddling two pages runs in the WebAssembly interpreter once both pages are in the fetch TLB', () => {
    const h = makeHart();
    const engine = new JitEngine(h, { threshold: Number.MAX_SAFE_INTEGER, userThreshold: Number.MAX_SAFE_INTEGER });
    const base = h.mem.ramBase;
    const at = base + 0x1ffe; // addi x5, x5, 7 (0x00728293): low half on one page, high half on the next
    h.mem.writeBytes(at, new Uint8Array([0x93, 0x82, 0x72, 0x00]));
    const results = [];
    const inWasm = [];
    for (let run = 0; run < 2; run++) {
        // the first run fills the fetch TLB (TypeScript walks), the second hits it
        h.setX(5, 100n);
        h.setPc(BigInt(at));
        const before = engine.stats.interpretedInWasm;
        engine.run(1);
        results.push(h.getX(5));
        inWasm.push(engine.stats.interpretedInWasm - before);
        assert.equal(h.getPc(), BigInt(at + 4));
    }
    assert.deepEqual(results, [107n, 107n]);
    assert.equal(inWasm[1], 1, 'the second run fetched both halves in WebAssembly');
});
//# sourceMappingURL=interp-wasm-rvc.test.js.map