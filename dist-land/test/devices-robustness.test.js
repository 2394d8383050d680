// Hostile-guest fuzzing: random offsets, sizes and values never throw and keep each device's invariants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clint, CLINT_SIZE } from '../src/devices/clint.js';
import { Plic, PLIC_SIZE, PLIC_NUM_SOURCES } from '../src/devices/plic.js';
import { Uart16550, UART_SIZE } from '../src/devices/uart16550.js';
import { GoldfishRtc, RTC_SIZE } from '../src/devices/goldfish-rtc.js';
import { SifiveTest, SIFIVE_TEST_SIZE } from '../src/devices/sifive-test.js';
/** Deterministic xorshift32, so a failure reproduces. */
function prng(seed) {
    let x = seed >>> 0 || 1;
    return () => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x;
    };
}
/** Mostly aligned offsets near registers, sometimes anywhere in the window. */
function fuzz(dev, size, hot, seed, rounds, check, extra) {
    const rnd = prng(seed);
    const sizes = [1, 2, 4];
    for (let i = 0; i < rounds; i++) {
        const pick = rnd() % 4;
        let off = pick === 0 ? rnd() % size : hot[rnd() % hot.length] + ((rnd() % 3) - 1) * (rnd() % 8);
        if (off < 0 || off >= size)
            off = rnd() % size;
        const sz = sizes[rnd() % 3];
        if (rnd() & 1) {
            const v = dev.read(off, sz);
            assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, `read ${off.toString(16)}/${sz} -> ${v}`);
            check(v);
        }
        else {
            const v = rnd() % 4 === 0 ? rnd() % 4 : rnd();
            dev.write(off, sz, v);
            check(undefined);
        }
        extra?.(rnd);
    }
}
test('CLINT survives random accesses', () => {
    let t = 0;
    const clint = new Clint(3, () => t, (h, bit) => assert.ok(h >= 0 && h < 3 && (bit === 3 || bit === 7)));
    const hot = [0, 4, 8, 12, 0x4000, 0x4004, 0x4008, 0x4010, 0x4018, 0xbff8, 0xbffc];
    fuzz(clint, CLINT_SIZE, hot, 1, 20000, () => {
        const d = clint.nextDeadline();
        assert.ok(!Number.isNaN(d));
    }, (rnd) => {
        t += rnd() % 1000;
        clint.update();
    });
    clint.restore(JSON.parse(JSON.stringify(clint.save())));
});
test('PLIC survives random accesses; claims are always valid source ids', () => {
    const plic = new Plic(2, (h, bit) => assert.ok(h >= 0 && h < 2 && (bit === 9 || bit === 11)));
    const hot = [4, 40, 0x1000, 0x1008, 0x2000, 0x2080, 0x2104, 0x2180, 0x200000, 0x200004, 0x201004, 0x203004, 0x204004];
    fuzz(plic, PLIC_SIZE, hot, 2, 30000, (v) => {
        if (v !== undefined)
            assert.ok(v < 2 ** 32);
    }, (rnd) => {
        if (rnd() % 5 === 0)
            plic.irq(1 + (rnd() % (PLIC_NUM_SOURCES - 1))).set((rnd() & 1) === 1);
    });
    for (let c = 0; c < 4; c++) {
        const id = plic.read(0x200004 + 0x1000 * c, 4);
        assert.ok(id >= 0 && id < PLIC_NUM_SOURCES);
    }
    plic.restore(JSON.parse(JSON.stringify(plic.save())));
});
test('UART survives random accesses; THR is always empty and RX never exceeds the FIFO', () => {
    let outBytes = 0;
    const uart = new Uart16550({ set: () => { } }, (b) => {
        outBytes += b.length;
    });
    fuzz(uart, UART_SIZE, [0, 1, 2, 3, 4, 5, 6, 7], 3, 30000, () => {
        const lsr = uart.read(5, 1);
        assert.equal(lsr & 0x60, 0x60);
    }, (rnd) => {
        if (rnd() % 50 === 0)
            uart.receive(Uint8Array.from({ length: rnd() % 40 }, () => rnd() & 0xff));
    });
    uart.restore(JSON.parse(JSON.stringify(uart.save())));
    assert.ok(outBytes >= 0);
});
test('goldfish RTC survives random accesses', () => {
    let t = 1_700_000_000e9;
    const rtc = new GoldfishRtc({ set: () => { } }, () => t);
    fuzz(rtc, RTC_SIZE, [0, 4, 8, 12, 16, 20, 24, 28], 4, 20000, () => {
        assert.ok(!Number.isNaN(rtc.nextDeadline()));
        assert.ok(Number.isFinite(rtc.timeNs()));
    }, (rnd) => {
        t += rnd() % 100000;
    });
    rtc.restore(JSON.parse(JSON.stringify(rtc.save())));
});
test('SiFive test only ever reports the three commands', () => {
    const seen = [];
    const dev = new SifiveTest({
        powerOff: () => seen.push('off'),
        reset: () => seen.push('reset'),
        exit: (c) => seen.push(`exit:${c}`),
    });
    fuzz(dev, SIFIVE_TEST_SIZE, [0, 2, 4], 5, 20000, () => { });
    for (const s of seen)
        assert.match(s, /^(off|reset|exit:\d+)$/);
});
//# sourceMappingURL=devices-robustness.test.js.map