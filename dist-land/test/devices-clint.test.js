// CLINT: msip, mtimecmp and mtime registers with an injected clock, per the ACLINT/SiFive CLINT layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clint } from '../src/devices/clint.js';
function rig(harts = 2) {
    let time = 1000;
    const mip = new Array(harts).fill(0);
    const calls = [];
    const clint = new Clint(harts, () => time, (h, bit, level) => {
        calls.push(`${h}:${bit}:${level}`);
        mip[h] = level ? mip[h] | (1 << bit) : mip[h] & ~(1 << bit);
    });
    return {
        clint,
        mip,
        calls,
        setTime: (t) => {
            time = t;
        },
    };
}
test('msip sets and clears MSIP (mip bit 3) of the addressed hart only', () => {
    const { clint, mip } = rig();
    clint.write(4, 4, 1);
    assert.equal(mip[1], 1 << 3);
    assert.equal(mip[0], 0);
    assert.equal(clint.read(4, 4), 1);
    clint.write(4, 4, 0xfffffffe); // only bit 0 counts
    assert.equal(mip[1], 0);
    assert.equal(clint.read(4, 4), 0);
    clint.write(8, 4, 1); // hart 2 does not exist
    assert.equal(clint.read(8, 4), 0);
});
test('mtime reads now() and writes move it; 8-byte halves low then high', () => {
    const { clint, setTime } = rig();
    setTime(0x1_2345_6789);
    assert.equal(clint.read(0xbff8, 4), 0x2345_6789);
    assert.equal(clint.read(0xbffc, 4), 1);
    clint.write(0xbff8, 4, 0x10);
    clint.write(0xbffc, 4, 0);
    assert.equal(clint.read(0xbff8, 4), 0x10);
    setTime(0x1_2345_6789 + 5);
    assert.equal(clint.read(0xbff8, 4), 0x15);
    assert.equal(clint.mtime(), 0x15);
});
test('MTIP (bit 7) follows mtime >= mtimecmp, compared as 64-bit values', () => {
    const { clint, mip, setTime } = rig();
    // Reset leaves mtimecmp at all ones: no timer interrupt.
    assert.equal(clint.read(0x4000, 4), 0xffffffff);
    assert.equal(mip[0] & 0x80, 0);
    clint.write(0x4008 + 4, 4, 0); // hart 1 high half
    clint.write(0x4008, 4, 2000); // hart 1 low half -> 2000
    assert.equal(mip[1] & 0x80, 0);
    assert.equal(clint.nextDeadline(), 2000);
    setTime(1999);
    clint.update();
    assert.equal(mip[1] & 0x80, 0);
    setTime(2000);
    clint.update();
    assert.equal(mip[1] & 0x80, 0x80);
    assert.equal(mip[0] & 0x80, 0);
    assert.equal(clint.nextDeadline(), 0xffffffff * 2 ** 32 + 0xffffffff); // only hart 0's far deadline left
    // A compare value in the future lowers it again (Linux/SBI re-arms this way).
    clint.write(0x400c, 4, 1); // high half 1 -> 2^32 + 2000
    assert.equal(mip[1] & 0x80, 0);
    assert.equal(clint.read(0x400c, 4), 1);
    assert.equal(clint.read(0x4008, 4), 2000);
    // Writing a smaller value fires immediately.
    clint.write(0x4000, 4, 0);
    clint.write(0x4004, 4, 0);
    assert.equal(mip[0] & 0x80, 0x80);
});
test('nextDeadline accounts for an mtime offset and skips harts already pending', () => {
    const { clint, setTime } = rig(1);
    setTime(100);
    clint.write(0xbff8, 4, 1_000_100); // mtime runs 1e6 ahead of the clock
    clint.write(0xbffc, 4, 0);
    clint.setMtimecmp(0, 1_000_500, 0);
    assert.equal(clint.nextDeadline(), 500);
    setTime(500);
    clint.update();
    assert.equal(clint.nextDeadline(), Infinity);
});
test('only changes are signalled; save/restore round-trips and re-drives the lines', () => {
    const { clint, calls, setTime } = rig();
    clint.write(0, 4, 1);
    clint.write(0, 4, 1);
    assert.deepEqual(calls, ['0:3:true']);
    clint.setMtimecmp(1, 3000, 0);
    const s = JSON.parse(JSON.stringify(clint.save()));
    const b = rig();
    b.setTime(5000);
    b.clint.restore(s);
    assert.ok(b.calls.includes('0:3:true'));
    assert.ok(b.calls.includes('1:7:true'));
    assert.ok(b.calls.includes('0:7:false'));
    assert.equal(b.clint.read(0x4008, 4), 3000);
    setTime(1000);
    assert.throws(() => rig(3).clint.restore(s));
});
test('non-word accesses are ignored, reads of holes give 0', () => {
    const { clint, mip } = rig();
    clint.write(0, 1, 1);
    clint.write(0, 2, 1);
    clint.write(2, 4, 1);
    assert.equal(mip[0], 0);
    assert.equal(clint.read(0, 1), 0);
    assert.equal(clint.read(0x8000, 4), 0);
    assert.equal(clint.read(0xfff0, 4), 0);
});
//# sourceMappingURL=devices-clint.test.js.map