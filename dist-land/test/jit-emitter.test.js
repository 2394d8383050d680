// WebAssembly emitter: LEB128 against published encodings, modules validated and run by the engine's own WebAssembly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter, I32, I64, ModuleBuilder, Op } from '../src/cpu/jit/wasm-emitter.js';
const hex = (w) => Buffer.from(w.result()).toString('hex');
test('LEB128 matches the encodings given in the DWARF specification and the WebAssembly spec examples', () => {
    // DWARF 5, section 7.6, figures 22 and 23.
    assert.equal(hex(new ByteWriter().u32(2)), '02');
    assert.equal(hex(new ByteWriter().u32(127)), '7f');
    assert.equal(hex(new ByteWriter().u32(128)), '8001');
    assert.equal(hex(new ByteWriter().u32(129)), '8101');
    assert.equal(hex(new ByteWriter().u32(12857)), 'b964');
    assert.equal(hex(new ByteWriter().s32(2)), '02');
    assert.equal(hex(new ByteWriter().s32(-2)), '7e');
    assert.equal(hex(new ByteWriter().s32(127)), 'ff00');
    assert.equal(hex(new ByteWriter().s32(-127)), '817f');
    assert.equal(hex(new ByteWriter().s32(128)), '8001');
    assert.equal(hex(new ByteWriter().s32(-128)), '807f');
    assert.equal(hex(new ByteWriter().s64(-128, -1)), '807f');
    assert.equal(hex(new ByteWriter().s64(129, 0)), '8101');
});
/** Builds `f(a: i64, b: i64) -> i64` from an emitter callback and returns it wrapped for BigInt use. */
function binop(emit) {
    const m = new ModuleBuilder();
    const { index, body } = m.addFunction([I64, I64], [I64]);
    emit(body);
    m.exportFunction('f', index);
    const bytes = m.build();
    assert.ok(WebAssembly.validate(bytes));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return inst.exports.f;
}
test('i64 constants of every magnitude survive encoding (checked by running them)', () => {
    const values = [
        0n,
        1n,
        -1n,
        63n,
        64n,
        -64n,
        -65n,
        0x7fffffffn,
        -0x80000000n,
        0x80000000n,
        0xffffffffn,
        0x123456789abcdefn,
        -0x8000000000000000n,
        0x7fffffffffffffffn,
        -0x123456789n,
    ];
    for (const v of values) {
        const lo = Number(BigInt.asIntN(32, v)), hi = Number(BigInt.asIntN(32, v >> 32n));
        const f = binop((b) => {
            b.i64c(lo, hi);
        });
        assert.equal(f(0n, 0n), BigInt.asIntN(64, v), `constant ${v}`);
    }
});
test('arithmetic, locals and an if/else compute the same as BigInt', () => {
    // (a * b + a) >> 3 (arithmetic), or a ^ b when a < b (signed).
    const f = binop((b) => {
        const t = b.local(I64);
        b.get(0).get(1).op(Op.i64_lt_s).if_(I64);
        b.get(0).get(1).op(Op.i64_xor);
        b.else_();
        b.get(0).get(1).op(Op.i64_mul).get(0).op(Op.i64_add).tee(t).i64c(3).op(Op.i64_shr_s);
        b.end();
    });
    const pairs = [
        [5n, 7n],
        [7n, 5n],
        [-3n, -9n],
        [0x123456789n, 0x987654321n],
        [-1n, -1n],
    ];
    for (const [a, c] of pairs) {
        const want = a < c ? a ^ c : BigInt.asIntN(64, a * c + a) >> 3n;
        assert.equal(f(a, c), want);
    }
});
test('a loop with a br_table dispatcher and an imported memory and function', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = new ModuleBuilder();
    m.importMemory('e', 'mem');
    const log = m.importFunction('e', 'log', [I32], []);
    // state in memory[0] (i64); run(n) applies n steps of a 3-state machine: 0 -> +1, 1 -> *3, 2 -> ^0x55, state = value % 3.
    const { index, body: b } = m.addFunction([I32], [I32]);
    const v = b.local(I64);
    b.i32c(0).mem(Op.i64_load, 8).set(v);
    b.block(); // $done: depth when inside loop/table: see below
    b.loop();
    b.get(0).op(Op.i32_eqz).brIf(1);
    b.get(0).i32c(1).op(Op.i32_sub).set(0);
    b.block();
    b.block();
    b.block();
    b.get(v).i64c(3).op(Op.i64_rem_u).op(Op.i32_wrap_i64).brTable([0, 1, 2], 2);
    b.end(); // case 0
    b.get(v).i64c(1).op(Op.i64_add).set(v).br(2);
    b.end(); // case 1
    b.get(v).i64c(3).op(Op.i64_mul).set(v).br(1);
    b.end(); // case 2 (and default)
    b.get(v).i64c(0x55).op(Op.i64_xor).set(v);
    b.get(v).op(Op.i32_wrap_i64).call(log);
    b.br(0);
    b.end(); // loop
    b.end(); // block
    b.i32c(0).get(v).mem(Op.i64_store, 8);
    b.get(v).op(Op.i32_wrap_i64);
    m.exportFunction('run', index);
    const bytes = m.build();
    assert.ok(WebAssembly.validate(bytes));
    const logged = [];
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        e: { mem: memory, log: (x) => logged.push(x) },
    });
    new DataView(memory.buffer).setBigInt64(8, 4n, true);
    const r = inst.exports.run(10);
    let s = 4n;
    const want = [];
    for (let i = 0; i < 10; i++) {
        const k = s % 3n;
        s = k === 0n ? s + 1n : k === 1n ? s * 3n : s ^ 0x55n;
        if (k === 2n)
            want.push(Number(BigInt.asIntN(32, s)));
    }
    assert.equal(new DataView(memory.buffer).getBigInt64(8, true), s);
    assert.equal(r, Number(BigInt.asIntN(32, s)));
    assert.deepEqual(logged, want);
});
test('invalid bodies are rejected by WebAssembly.validate', () => {
    const m = new ModuleBuilder();
    const { index, body } = m.addFunction([], [I32]);
    body.i64c(1); // wrong result type
    m.exportFunction('f', index);
    assert.equal(WebAssembly.validate(m.build()), false);
});
//# sourceMappingURL=jit-emitter.test.js.map