// PLIC: priorities, pending, per-context enables and thresholds, claim/complete, as the SiFive PLIC spec and QEMU define them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plic } from '../src/devices/plic.js';
const PRIO = (s) => 4 * s;
const PENDING = 0x1000;
const ENABLE = (ctx) => 0x2000 + 0x80 * ctx;
const THRESHOLD = (ctx) => 0x200000 + 0x1000 * ctx;
const CLAIM = (ctx) => 0x200004 + 0x1000 * ctx;
function rig(harts = 2) {
    const mip = new Array(harts).fill(0);
    const plic = new Plic(harts, (h, bit, level) => {
        mip[h] = level ? mip[h] | (1 << bit) : mip[h] & ~(1 << bit);
    });
    return { plic, mip };
}
const MEIP = 1 << 11;
const SEIP = 1 << 9;
test('reset state: all zero, claim returns 0', () => {
    const { plic, mip } = rig();
    for (const off of [PRIO(1), PRIO(95), PENDING, PENDING + 8, ENABLE(0), ENABLE(3), THRESHOLD(0), CLAIM(1)]) {
        assert.equal(plic.read(off, 4), 0, off.toString(16));
    }
    assert.deepEqual(mip, [0, 0]);
});
test('priority registers keep 3 bits; source 0 never interrupts', () => {
    const { plic } = rig();
    plic.write(PRIO(10), 4, 0xffffffff);
    assert.equal(plic.read(PRIO(10), 4), 7);
    plic.write(PRIO(0), 4, 5);
    assert.equal(plic.read(PRIO(0), 4), 0);
    plic.write(PRIO(11), 4, 9);
    assert.equal(plic.read(PRIO(11), 4), 1);
    plic.write(ENABLE(0), 4, 0xffffffff); // bit 0 is stored, as in QEMU, but has no source behind it
    assert.equal(plic.read(ENABLE(0), 4), 0xffffffff);
    assert.equal(plic.read(CLAIM(0), 4), 0);
});
test('a raised line is pending; it interrupts a context only if enabled and above threshold', () => {
    const { plic, mip } = rig();
    plic.irq(10).set(true);
    assert.equal(plic.read(PENDING, 4), 1 << 10);
    assert.deepEqual(mip, [0, 0]);
    plic.write(ENABLE(1), 4, 1 << 10); // hart 0 S-mode
    assert.deepEqual(mip, [0, 0]); // priority 0 never interrupts
    plic.write(PRIO(10), 4, 1);
    assert.deepEqual(mip, [SEIP, 0]);
    plic.write(THRESHOLD(1), 4, 1);
    assert.deepEqual(mip, [0, 0]);
    plic.write(THRESHOLD(1), 4, 0);
    assert.deepEqual(mip, [SEIP, 0]);
    plic.write(ENABLE(2), 4, 1 << 10); // hart 1 M-mode as well
    assert.deepEqual(mip, [SEIP, MEIP]);
    plic.irq(10).set(false); // QEMU drops pending when the line falls before a claim
    assert.equal(plic.read(PENDING, 4), 0);
    assert.deepEqual(mip, [0, 0]);
});
test('claim picks the highest priority, ties to the lowest id; complete re-pends a still-high line', () => {
    const { plic, mip } = rig(1);
    for (const s of [5, 40, 70]) {
        plic.write(PRIO(s), 4, s === 5 ? 2 : 3);
        plic.irq(s).set(true);
    }
    plic.write(ENABLE(1), 4, 1 << 5);
    plic.write(ENABLE(1) + 4, 4, 1 << 8);
    plic.write(ENABLE(1) + 8, 4, 1 << 6);
    assert.equal(plic.read(PENDING + 4, 4), 1 << 8);
    assert.equal(plic.read(PENDING + 8, 4), 1 << 6);
    assert.equal(plic.read(CLAIM(1), 4), 40);
    assert.equal(plic.read(PENDING + 4, 4), 0); // claim clears pending
    assert.equal(plic.read(CLAIM(1), 4), 70);
    assert.equal(plic.read(CLAIM(1), 4), 5);
    assert.equal(mip[0], 0);
    assert.equal(plic.read(CLAIM(1), 4), 0);
    // Still high while claimed: not pending again until completed.
    plic.irq(40).set(true);
    assert.equal(plic.read(PENDING + 4, 4), 0);
    plic.write(CLAIM(1), 4, 40);
    assert.equal(plic.read(PENDING + 4, 4), 1 << 8);
    assert.equal(mip[0], SEIP);
    // A line that fell while claimed is not pending after completion.
    plic.irq(70).set(false);
    plic.write(CLAIM(1), 4, 70);
    assert.equal(plic.read(PENDING + 8, 4), 0);
});
test('completion from a context that has not enabled the source is ignored', () => {
    const { plic } = rig();
    plic.write(PRIO(3), 4, 1);
    plic.write(ENABLE(1), 4, 1 << 3);
    plic.irq(3).set(true);
    assert.equal(plic.read(CLAIM(1), 4), 3);
    plic.write(CLAIM(0), 4, 3); // M context of hart 0 never enabled source 3
    assert.equal(plic.read(PENDING, 4), 0);
    plic.write(CLAIM(1), 4, 3);
    assert.equal(plic.read(PENDING, 4), 1 << 3);
});
test('threshold keeps 3 bits; contexts beyond the harts read 0', () => {
    const { plic } = rig(1);
    plic.write(THRESHOLD(0), 4, 0xff);
    assert.equal(plic.read(THRESHOLD(0), 4), 7);
    plic.write(THRESHOLD(2), 4, 3);
    assert.equal(plic.read(THRESHOLD(2), 4), 0);
    plic.write(ENABLE(2), 4, 0xff);
    assert.equal(plic.read(ENABLE(2), 4), 0);
    assert.throws(() => plic.irq(0));
    assert.throws(() => plic.irq(96));
});
test('save/restore round-trips through JSON and re-drives outputs', () => {
    const { plic } = rig();
    plic.write(PRIO(7), 4, 4);
    plic.write(ENABLE(3), 4, 1 << 7);
    plic.irq(7).set(true);
    plic.irq(8).set(true);
    const s = JSON.parse(JSON.stringify(plic.save()));
    const b = rig();
    b.plic.restore(s);
    assert.deepEqual(b.mip, [0, SEIP]);
    assert.equal(b.plic.read(PENDING, 4), (1 << 7) | (1 << 8));
    assert.equal(b.plic.read(CLAIM(3), 4), 7);
    assert.throws(() => rig(1).plic.restore(s));
});
//# sourceMappingURL=devices-plic.test.js.map