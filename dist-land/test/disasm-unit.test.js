// Unit checks of the disassembler's own conventions: lengths, targets without a pc, 64-bit pcs, unknown words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble, expandCompressed, findOpcode, insnLength } from '../src/cpu/disasm.js';
test('insnLength follows the two low bits of the first parcel', () => {
    assert.equal(insnLength(0x0001), 2);
    assert.equal(insnLength(0x8082), 2);
    assert.equal(insnLength(0x0000), 2);
    assert.equal(insnLength(0x0013), 4);
    assert.equal(insnLength(0xffff), 4);
});
test('without a pc, targets are relative to the instruction', () => {
    // jal x0, -4 (0xffdff06f) and beq a0,a1,+8 (0x00b50463) from the ISA encoding.
    assert.equal(disassemble(0xffdff06f), 'j\t.-4');
    assert.equal(disassemble(0x00b50463), 'beq\ta0,a1,.+8');
    // c.j +2 (0xa009): offset[1] is bit 3.
    assert.equal(disassemble(0xa009), 'j\t.+2');
});
test('targets carry into the high half of a 64-bit pc', () => {
    // j +8 at 0x0000_0000_ffff_fffc lands on 0x1_0000_0004.
    assert.equal(disassemble(0x0080006f, 0xfffffffc, 0), 'j\t100000004');
    // j -4 at 0x1_0000_0000 lands on 0xffff_fffc.
    assert.equal(disassemble(0xffdff06f, 0x00000000, 1), 'j\tfffffffc');
});
test('words that are not RV64GC instructions print as data', () => {
    assert.equal(disassemble(0xffffffff), '.4byte\t0xffffffff');
    assert.equal(disassemble(0x0000007f), '.4byte\t0x7f');
    assert.equal(disassemble(0x0000), 'unimp');
    assert.equal(disassemble(0x8000), '.2byte\t0x8000');
});
test('compressed parcels ignore bits above 16', () => {
    assert.equal(disassemble(0xabcd8082), disassemble(0x8082));
});
test('expandCompressed: reserved encodings give 0, valid ones the 32-bit word', () => {
    assert.equal(expandCompressed(0x0000), 0); // c.addi4spn with 0
    assert.equal(expandCompressed(0x6101), 0); // c.addi16sp with 0
    assert.equal(expandCompressed(0x8002), 0); // c.jr x0
    assert.equal(expandCompressed(0x4002), 0); // c.lwsp x0
    assert.equal(expandCompressed(0x8082) >>> 0, 0x00008067); // c.jr ra = jalr x0,0(ra)
    assert.equal(expandCompressed(0x9002) >>> 0, 0x00100073); // c.ebreak
});
test('findOpcode can skip aliases', () => {
    assert.equal(findOpcode(0x00008067)?.name, 'ret');
    assert.equal(findOpcode(0x00008067, false)?.name, 'jalr');
    assert.equal(findOpcode(0x00000013, false)?.name, 'addi');
    assert.equal(findOpcode(0xffffffff | 0), undefined);
});
//# sourceMappingURL=disasm-unit.test.js.map