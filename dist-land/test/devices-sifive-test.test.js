// SiFive test finisher: the three commands and everything it must ignore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SifiveTest } from '../src/devices/sifive-test.js';
function rig() {
    const events = [];
    const dev = new SifiveTest({
        powerOff: () => events.push('off'),
        reset: () => events.push('reset'),
        exit: (c) => events.push(`exit ${c}`),
    });
    return { dev, events };
}
test('0x5555 powers off, 0x7777 resets, (code<<16)|0x3333 exits with code', () => {
    const { dev, events } = rig();
    dev.write(0, 4, 0x5555);
    dev.write(0, 4, 0x7777);
    dev.write(0, 4, (42 << 16) | 0x3333);
    dev.write(0, 4, 0xffff3333);
    dev.write(0, 2, 0x5555);
    assert.deepEqual(events, ['off', 'reset', 'exit 42', 'exit 65535', 'off']);
});
test('other values, offsets and byte writes do nothing; reads are 0', () => {
    const { dev, events } = rig();
    dev.write(0, 4, 0x1234);
    dev.write(4, 4, 0x5555);
    dev.write(0, 1, 0x55);
    dev.write(0, 2, 0x10005555 & 0xffff0000);
    assert.deepEqual(events, []);
    assert.equal(dev.read(0, 4), 0);
    assert.deepEqual(JSON.parse(JSON.stringify(dev.save())), {});
});
//# sourceMappingURL=devices-sifive-test.test.js.map