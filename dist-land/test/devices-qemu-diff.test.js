// Differential test: the same MMIO script runs on QEMU's virt board (bare metal, M-mode) and on our device models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../src/bus/bus.js';
import { Plic, MIP_MEIP_BIT, MIP_SEIP_BIT } from '../src/devices/plic.js';
import { Uart16550 } from '../src/devices/uart16550.js';
import { GoldfishRtc } from '../src/devices/goldfish-rtc.js';
import { SifiveTest } from '../src/devices/sifive-test.js';
import { VIRT_MEMMAP, VIRT_IRQ } from '../src/boards/virt/device-tree.js';
const U = VIRT_MEMMAP.uart0.base;
const P = VIRT_MEMMAP.plic.base;
const R = VIRT_MEMMAP.rtc.base;
const w = (a, value, size = 4) => ({ w: a, size, value });
const r = (a, size = 4, mask) => ({ r: a, size, mask });
const uw = (o, v) => w(U + o, v, 1);
const ur = (o, mask) => r(U + o, 1, mask);
const mip = { mip: true };
const CLAIM = (c) => P + 0x200004 + 0x1000 * c;
const THRESH = (c) => P + 0x200000 + 0x1000 * c;
const ENABLE = (c) => P + 0x2000 + 0x80 * c;
const SCRIPT = [
    // UART reset values, scratch, IER width, DLAB.
    ur(5),
    ur(2),
    ur(1),
    ur(3),
    ur(4),
    uw(7, 0xa5),
    ur(7),
    uw(1, 0xff),
    ur(1),
    uw(1, 0),
    uw(3, 0x83),
    uw(0, 0x12),
    uw(1, 0x34),
    ur(0),
    ur(1),
    uw(3, 0x03),
    ur(1),
    ur(3),
    uw(2, 0x01),
    ur(2),
    uw(2, 0xc7),
    ur(2),
    uw(2, 0x00),
    ur(2),
    // Loopback: modem lines (QEMU shows no delta bits in loopback, so compare the line bits only).
    uw(4, 0x1a),
    ur(6, 0xf0),
    uw(4, 0x1f),
    ur(6, 0xf0),
    ur(4),
    // THRE interrupt and loopback receive in non-FIFO mode.
    uw(1, 0x02),
    ur(2),
    ur(2),
    uw(0, 0x41),
    ur(5),
    ur(2),
    uw(1, 0x03),
    ur(2),
    ur(0),
    ur(5),
    ur(2),
    uw(1, 0),
    ur(2),
    uw(1, 0x02),
    ur(2),
    uw(1, 0),
    // Overrun in loopback: two bytes into a one-byte holding register.
    uw(1, 0x05),
    uw(0, 0x31),
    uw(0, 0x32),
    ur(2),
    ur(5),
    ur(5),
    ur(2),
    ur(0),
    ur(2),
    uw(1, 0),
    // FIFO loopback: 3 bytes then drain.
    uw(2, 0x07),
    uw(0, 0x61),
    uw(0, 0x62),
    uw(0, 0x63),
    ur(5),
    ur(0),
    ur(0),
    ur(0),
    ur(5),
    uw(2, 0),
    uw(4, 0),
    // PLIC registers.
    r(P + 4 * 10),
    w(P + 4 * 10, 0xffffffff),
    r(P + 4 * 10),
    w(P + 4 * 10, 1),
    w(P + 4 * 11, 2),
    r(P),
    w(P, 5),
    r(P),
    w(ENABLE(0), 0xffffffff),
    r(ENABLE(0)),
    w(ENABLE(0), 0),
    r(ENABLE(0) + 4),
    w(THRESH(0), 3),
    r(THRESH(0)),
    w(THRESH(0), 0xff),
    r(THRESH(0)),
    w(THRESH(0), 9),
    r(THRESH(0)),
    w(THRESH(0), 0),
    w(P + 4 * 12, 9),
    r(P + 4 * 12),
    w(P + 4 * 12, 0),
    // UART THRE -> source 10. QEMU 7.2 re-evaluates its outputs on threshold writes but not on
    // enable writes, so each enable change is followed by a threshold write before mip is read.
    uw(1, 0x02),
    r(P + 0x1000),
    mip,
    w(ENABLE(0), 1 << 10),
    w(THRESH(0), 0),
    mip,
    w(THRESH(0), 1),
    mip,
    w(THRESH(0), 0),
    mip,
    // RTC alarm in the past -> source 11.
    w(R + 0x10, 1),
    w(R + 0x0c, 0),
    w(R + 0x08, 0),
    r(R + 0x18),
    r(P + 0x1000),
    w(ENABLE(1), (1 << 10) | (1 << 11)),
    w(THRESH(1), 0),
    mip,
    r(CLAIM(1)),
    r(P + 0x1000),
    r(CLAIM(0)),
    mip,
    r(CLAIM(1)),
    w(CLAIM(0), 11),
    r(P + 0x1000), // not enabled in context 0: ignored
    // Drivers quiet the device before completing (QEMU does not re-pend a still-high line on completion).
    w(R + 0x1c, 1),
    w(CLAIM(1), 11),
    r(P + 0x1000),
    mip,
    ur(2),
    w(CLAIM(0), 10),
    r(P + 0x1000),
    mip,
    r(CLAIM(1)),
    r(CLAIM(0)),
    // Equal priorities: the lower id wins.
    w(P + 4 * 10, 3),
    w(P + 4 * 11, 3),
    w(R + 0x08, 0),
    uw(1, 0),
    uw(1, 0x02),
    r(P + 0x1000),
    mip,
    r(CLAIM(1)),
    r(CLAIM(1)),
    r(CLAIM(1)),
    mip,
    ur(2),
    w(R + 0x1c, 1),
    w(CLAIM(1), 10),
    w(CLAIM(1), 11),
    mip,
    r(P + 0x1000),
    r(CLAIM(0)),
    mip,
];
const EXIT_CODE = 7;
/** Straight-line M-mode program: run the script, then print each result as 8 hex digits + newline. */
function assembly() {
    const results = 0x8010_0000;
    const lines = ['.section .text', '.globl _start', '_start:', `  li s0, ${results}`];
    let n = 0;
    for (const op of SCRIPT) {
        if ('w' in op) {
            const st = op.size === 1 ? 'sb' : op.size === 2 ? 'sh' : 'sw';
            lines.push(`  li t0, ${op.w}`, `  li t1, ${op.value >>> 0}`, `  ${st} t1, 0(t0)`);
        }
        else if ('r' in op) {
            const ld = op.size === 1 ? 'lbu' : op.size === 2 ? 'lhu' : 'lwu';
            lines.push(`  li t0, ${op.r}`, `  ${ld} t1, 0(t0)`, `  sw t1, ${4 * n++}(s0)`);
        }
        else {
            lines.push('  csrr t1, mip', `  sw t1, ${4 * n++}(s0)`);
        }
    }
    lines.push(`  li s2, ${U}`, '  sb zero, 1(s2)', '  li t0, 3', '  sb t0, 3(s2)', '  sb zero, 4(s2)', `  li s1, ${n}`, '1: beqz s1, 9f', '  lwu a0, 0(s0)', '  li t4, 28', '2: srl t3, a0, t4', '  andi t3, t3, 15', '  addi t3, t3, 48', '  li t5, 58', '  blt t3, t5, 3f', '  addi t3, t3, 39', '3: lbu t5, 5(s2)', '  andi t5, t5, 0x20', '  beqz t5, 3b', '  sb t3, 0(s2)', '  addi t4, t4, -4', '  bgez t4, 2b', '4: lbu t5, 5(s2)', '  andi t5, t5, 0x20', '  beqz t5, 4b', '  li t3, 10', '  sb t3, 0(s2)', '  addi s0, s0, 4', '  addi s1, s1, -1', '  j 1b', `9: li t0, ${VIRT_MEMMAP.test.base}`, `  li t1, ${(EXIT_CODE << 16) | 0x3333}`, '  sw t1, 0(t0)', '5: j 5b', '');
    return lines.join('\n');
}
function runQemu() {
    const dir = mkdtempSync(join(tmpdir(), 'dev-diff-'));
    writeFileSync(join(dir, 'p.S'), assembly());
    const as = spawnSync('riscv64-linux-gnu-as', ['-march=rv64gc', '-o', join(dir, 'p.o'), join(dir, 'p.S')], {
        encoding: 'utf8',
    });
    assert.equal(as.status, 0, as.stderr);
    const ld = spawnSync('riscv64-linux-gnu-ld', ['-Ttext=0x80000000', '-o', join(dir, 'p.elf'), join(dir, 'p.o')], {
        encoding: 'utf8',
    });
    assert.equal(ld.status, 0, ld.stderr);
    const q = spawnSync('qemu-system-riscv64', [
        '-M',
        'virt',
        '-smp',
        '1',
        '-m',
        '128M',
        '-bios',
        'none',
        '-kernel',
        join(dir, 'p.elf'),
        '-display',
        'none',
        '-serial',
        'stdio',
        '-monitor',
        'none',
        '-nodefaults',
    ], { encoding: 'utf8', timeout: 60_000 });
    const results = q.stdout
        .split('\n')
        .filter((l) => /^[0-9a-f]{8}$/.test(l))
        .map((l) => parseInt(l, 16));
    return { results, status: q.status };
}
function runOurs() {
    const bus = new Bus();
    let mipBits = 0;
    const plic = new Plic(1, (_h, bit, level) => {
        assert.ok(bit === MIP_MEIP_BIT || bit === MIP_SEIP_BIT);
        mipBits = level ? mipBits | (1 << bit) : mipBits & ~(1 << bit);
    });
    const exits = [];
    bus.map(VIRT_MEMMAP.plic.base, VIRT_MEMMAP.plic.size, plic, 'plic');
    bus.map(U, VIRT_MEMMAP.uart0.size, new Uart16550(plic.irq(VIRT_IRQ.uart0), () => { }), 'uart0');
    bus.map(R, VIRT_MEMMAP.rtc.size, new GoldfishRtc(plic.irq(VIRT_IRQ.rtc), () => 1_700_000_000e9), 'rtc');
    bus.map(VIRT_MEMMAP.test.base, VIRT_MEMMAP.test.size, new SifiveTest({ powerOff: () => exits.push(0), reset: () => exits.push(-1), exit: (c) => exits.push(c) }), 'test');
    const results = [];
    for (const op of SCRIPT) {
        if ('w' in op)
            assert.ok(bus.write(op.w, op.size, op.value));
        else if ('r' in op)
            results.push(bus.read(op.r, op.size) >>> 0);
        else
            results.push(mipBits >>> 0);
    }
    bus.write(VIRT_MEMMAP.test.base, 4, (EXIT_CODE << 16) | 0x3333);
    return { results, exits };
}
test("UART, PLIC, RTC alarm and test finisher behave as in QEMU's virt board", () => {
    const q = runQemu();
    const o = runOurs();
    const reads = SCRIPT.filter((op) => !('w' in op));
    assert.equal(q.results.length, reads.length, 'QEMU printed every result');
    assert.equal(q.status, EXIT_CODE);
    assert.deepEqual(o.exits, [EXIT_CODE]);
    const diffs = [];
    reads.forEach((op, i) => {
        const mask = 'r' in op && op.mask !== undefined ? op.mask : 0xffffffff;
        // mip: only the external-interrupt bits come from the PLIC.
        const m = 'mip' in op ? (1 << MIP_MEIP_BIT) | (1 << MIP_SEIP_BIT) : mask;
        if ((q.results[i] & m) >>> 0 !== (o.results[i] & m) >>> 0) {
            const what = 'r' in op ? `read 0x${op.r.toString(16)}` : 'mip';
            diffs.push(`#${i} ${what}: qemu 0x${q.results[i].toString(16)} ours 0x${o.results[i].toString(16)}`);
        }
    });
    assert.deepEqual(diffs, []);
});
//# sourceMappingURL=devices-qemu-diff.test.js.map