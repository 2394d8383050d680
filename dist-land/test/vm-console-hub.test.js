// The VM's console hub: output to every attached sink, input held in a bounded queue and fed as the device takes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleHub, INPUT_HARD_LIMIT, INPUT_HIGH_WATER, INPUT_LOW_WATER } from '../src/vmm/console-hub.js';
/** A console device that takes `room` bytes at a time, like a UART whose guest reads slowly. */
class SlowDevice {
    got = [];
    room = 0;
    port = {
        room: () => this.room,
        push: (b) => {
            assert.ok(b.length <= this.room, 'the hub gave more than the device takes');
            this.room -= b.length;
            this.got.push(...b);
            return b.length;
        },
    };
}
test('output goes to every attached sink; a detached or throwing sink gets no more', () => {
    const hub = new ConsoleHub();
    const a = [], b = [];
    const detachA = hub.attach((x) => a.push(...x));
    hub.attach((x) => b.push(...x));
    hub.attach(() => {
        throw new Error('a broken client');
    });
    assert.equal(hub.attached, 3);
    hub.output(Uint8Array.of(1, 2));
    assert.equal(hub.attached, 2, 'the throwing sink is detached');
    detachA();
    hub.output(Uint8Array.of(3));
    assert.deepEqual(a, [1, 2]);
    assert.deepEqual(b, [1, 2, 3]);
});
test('input waits until the device takes it, in order, and nothing is lost', () => {
    const hub = new ConsoleHub();
    const dev = new SlowDevice();
    const typed = Buffer.from('uname -m\npoweroff -f\n');
    const buf = Uint8Array.from(typed);
    assert.equal(hub.write(buf), true);
    buf.fill(0); // the hub copied it
    assert.equal(hub.feed(dev.port), 0, 'the device takes nothing yet');
    for (let i = 0; hub.pendingInput > 0; i++) {
        dev.room = (i % 3) + 1;
        hub.feed(dev.port);
    }
    assert.equal(Buffer.from(dev.got).toString(), typed.toString());
    assert.equal(hub.inputBytes, typed.length);
});
test('a writer past the high-water mark is told to wait and released once the queue drains', async () => {
    const hub = new ConsoleHub();
    const dev = new SlowDevice();
    const chunk = new Uint8Array(4096).fill(0x61);
    let writes = 0;
    while (hub.write(chunk))
        writes++;
    assert.equal(writes, INPUT_HIGH_WATER / chunk.length);
    let released = false;
    const waiting = hub.drained().then(() => (released = true));
    dev.room = hub.pendingInput - INPUT_LOW_WATER - 1;
    hub.feed(dev.port);
    await Promise.resolve();
    assert.equal(released, false, 'still above the low-water mark');
    dev.room = 1;
    hub.feed(dev.port);
    await waiting;
    assert.equal(hub.pendingInput, INPUT_LOW_WATER);
    assert.equal(hub.inputDropped, 0);
});
test('a writer that ignores backpressure loses only what goes past the hard limit', () => {
    const hub = new ConsoleHub();
    const big = new Uint8Array(INPUT_HARD_LIMIT + 1000);
    assert.equal(hub.write(big), false);
    assert.equal(hub.pendingInput, INPUT_HARD_LIMIT);
    assert.equal(hub.inputDropped, 1000);
    hub.discardInput();
    assert.equal(hub.pendingInput, 0);
});
//# sourceMappingURL=vm-console-hub.test.js.map