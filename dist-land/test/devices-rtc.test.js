// Goldfish RTC: time latching, setting the time, alarm and interrupt as Linux's rtc-goldfish driver uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoldfishRtc } from '../src/devices/goldfish-rtc.js';
const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c, IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;
function rig(start) {
    let now = start;
    const irqs = [];
    const rtc = new GoldfishRtc({ set: (l) => irqs.push(l) }, () => now);
    return {
        rtc,
        irqs,
        line: () => irqs.at(-1) ?? false,
        setNow: (t) => {
            now = t;
        },
    };
}
test('TIME_LOW latches TIME_HIGH so the pair is consistent', () => {
    const { rtc, setNow } = rig(5 * 2 ** 32 + 0xffff_fff0);
    const lo = rtc.read(TIME_LOW, 4);
    setNow(6 * 2 ** 32 + 0x10); // the low half wraps between the two reads
    const hi = rtc.read(TIME_HIGH, 4);
    assert.equal(lo, 0xffff_fff0);
    assert.equal(hi, 5);
    assert.equal(rtc.read(TIME_LOW, 4), 0x10);
    assert.equal(rtc.read(TIME_HIGH, 4), 6);
});
test('writing TIME_HIGH then TIME_LOW sets the time, which then advances with the host clock', () => {
    const { rtc, setNow } = rig(1_000_000);
    rtc.write(TIME_HIGH, 4, 0x17);
    rtc.write(TIME_LOW, 4, 0x1000);
    assert.equal(rtc.read(TIME_LOW, 4), 0x1000);
    assert.equal(rtc.read(TIME_HIGH, 4), 0x17);
    setNow(1_000_500);
    assert.equal(rtc.read(TIME_LOW, 4), 0x1000 + 500);
});
test('alarm: armed by ALARM_LOW, fires when due, raises the line only when enabled', () => {
    const { rtc, line, setNow } = rig(1000);
    rtc.write(ALARM_HIGH, 4, 0);
    rtc.write(ALARM_LOW, 4, 5000);
    assert.equal(rtc.read(ALARM_STATUS, 4), 1);
    assert.equal(rtc.read(ALARM_LOW, 4), 5000);
    assert.equal(rtc.nextDeadline(), 5000);
    setNow(4999);
    rtc.update();
    assert.equal(line(), false);
    setNow(5000);
    rtc.update();
    assert.equal(rtc.read(ALARM_STATUS, 4), 0);
    assert.equal(line(), false); // pending but not enabled
    rtc.write(IRQ_ENABLED, 4, 1);
    assert.equal(line(), true);
    assert.equal(rtc.read(IRQ_ENABLED, 4), 1);
    rtc.write(CLEAR_INTERRUPT, 4, 1);
    assert.equal(line(), false);
    assert.equal(rtc.nextDeadline(), Infinity);
});
test('an alarm in the past fires at once; CLEAR_ALARM disarms', () => {
    const { rtc, line, setNow } = rig(10_000);
    rtc.write(IRQ_ENABLED, 4, 1);
    rtc.write(ALARM_LOW, 4, 10);
    assert.equal(line(), true);
    rtc.write(CLEAR_INTERRUPT, 4, 0);
    rtc.write(ALARM_LOW, 4, 20_000);
    rtc.write(CLEAR_ALARM, 4, 0);
    assert.equal(rtc.read(ALARM_STATUS, 4), 0);
    setNow(30_000);
    rtc.update();
    assert.equal(line(), false);
});
test('alarm compares against guest time, after the guest moved its clock', () => {
    const { rtc, line, setNow } = rig(0);
    rtc.write(TIME_LOW, 4, 1_000_000); // guest time runs 1e6 ns ahead of the host clock
    rtc.write(IRQ_ENABLED, 4, 1);
    rtc.write(ALARM_LOW, 4, 1_000_300);
    assert.equal(rtc.nextDeadline(), 300);
    setNow(300);
    rtc.read(ALARM_STATUS, 4); // any access notices a due alarm
    assert.equal(line(), true);
});
test('wall-clock scale time (ns since 1970) splits into halves', () => {
    const ns = 1_700_000_000 * 1e9;
    const { rtc } = rig(ns);
    const lo = rtc.read(TIME_LOW, 4);
    const hi = rtc.read(TIME_HIGH, 4);
    assert.equal(hi * 2 ** 32 + lo, ns);
});
test('save/restore through JSON keeps time offset, alarm and interrupt state', () => {
    const a = rig(100);
    a.rtc.write(TIME_LOW, 4, 5000);
    a.rtc.write(IRQ_ENABLED, 4, 1);
    a.rtc.write(ALARM_LOW, 4, 9000);
    const s = JSON.parse(JSON.stringify(a.rtc.save()));
    const b = rig(100);
    b.rtc.restore(s);
    assert.equal(b.rtc.read(TIME_LOW, 4), 5000);
    assert.equal(b.rtc.read(ALARM_STATUS, 4), 1);
    assert.equal(b.line(), false);
    b.setNow(4100);
    b.rtc.update();
    assert.equal(b.line(), true);
});
//# sourceMappingURL=devices-rtc.test.js.map