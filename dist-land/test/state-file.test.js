// State files that are damaged, truncated, of another version or not ours are refused with a clear error, and the
// machine they were meant for is left exactly as it was; a good file restores the machine exactly (field lists, RAM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { buildVm } from '../src/vmm/builder.js';
import { compareMachines, saveMachine, saveMachineState, StateError } from '../src/state/index.js';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { withTempDir } from './harness/temp-dir.js';
async function description(memoryMiB = 64) {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    return {
        name: 'state-file',
        memoryBytes: memoryMiB * 1024 * 1024,
        cpus: 2,
        boot: { kernel: img.kernel, initrd: img.initrd, cmdline: img.cmdline },
    };
}
test('a state file round-trips a machine exactly; bad files are refused and change nothing', { timeout: 10 * 60_000 }, withTempDir('tv-state-', async (dir) => {
    const d = await description();
    const source = await buildVm(d);
    const m = source.board;
    // Guest-visible state a fresh boot does not have: registers, CSRs, a device register, a page of RAM.
    m.harts[1].x[10] = 0x1234;
    m.harts[1].mstatus = 0x2000;
    m.harts[0].fcsr = 0x21;
    m.uart.write(7, 1, 0x5a); // the scratch register
    m.mem.writeBytes(m.mem.ramBase + 0x300000, Buffer.from('marker-in-ram'));
    const path = join(dir, 'good.tvstate');
    const info = await saveMachineState(m, 123_456, path);
    assert.equal(info.ramPages, (64 * 1024 * 1024) / 4096);
    assert.ok(info.storedPages > 0 && info.storedPages < info.ramPages / 2, `${info.storedPages} pages stored`);
    assert.ok(info.bytes < 64 * 1024 * 1024, 'zero pages are not written');
    assert.deepEqual(readdirSync(dir), ['good.tvstate'], 'no temporary file is left behind');
    const target = await buildVm(d);
    assert.notDeepEqual(compareMachines(m, target.board), [], 'a fresh machine differs from the changed one');
    const t0 = performance.now();
    target.restore(path);
    assert.deepEqual(compareMachines(m, target.board), []);
    // The guest clock continues from the saved time (it runs while the VM exists: at most the host time since).
    const ticks = target.board.clock();
    assert.ok(ticks >= 123_456 && ticks <= 123_456 + (performance.now() - t0) * 10_000 + 1, `clock at ${ticks}`);
    const good = readFileSync(path);
    const bad = [
        ['truncated', good.subarray(0, good.length - 5000), /truncated/],
        ['cut in the header', good.subarray(0, 20), /not a typevisor state file/],
        ['one bit flipped in RAM', flip(good, good.length - 3000), /checksum mismatch/],
        ['one bit flipped in the JSON', flip(good, 100), /checksum mismatch/],
        ['of version 2', withVersion(good, 2), /state format version 2; this typevisor reads version 1 only/],
        ['a text file', Buffer.from('hello, I am not a state\n'.repeat(10)), /not a typevisor state file/],
        ['too long', Buffer.concat([good, Buffer.alloc(4096)]), /too long/],
    ];
    const victim = await buildVm(d);
    const untouched = fingerprint(victim.board);
    for (const [what, bytes, message] of bad) {
        const p = join(dir, 'bad.tvstate');
        writeFileSync(p, bytes);
        assert.throws(() => victim.restore(p), (e) => e instanceof StateError && message.test(e.message), `a state file ${what}`);
        assert.equal(fingerprint(victim.board), untouched, `a state file ${what} changed the machine`);
    }
    assert.throws(() => victim.restore(join(dir, 'absent.tvstate')), (e) => e instanceof StateError && /cannot open the state file .*ENOENT/.test(e.message));
    // A good file of another machine: the RAM size and the hart count must fit.
    const small = await buildVm(await description(128));
    assert.throws(() => small.restore(path), (e) => e instanceof StateError && /67108864 bytes of RAM, this one has 134217728/.test(e.message));
    // A file whose JSON was edited (and its checksum fixed): the field lists' checks refuse it before anything changes.
    const edited = rewriteJson(good, (s) => s.replace('"priv":1', '"priv":2'));
    writeFileSync(join(dir, 'edited.tvstate'), edited);
    assert.throws(() => victim.restore(join(dir, 'edited.tvstate')), (e) => e instanceof StateError && /hart 0: field priv must be U \(0\), S \(1\) or M \(3\)/.test(e.message));
    assert.equal(fingerprint(victim.board), untouched);
    assert.ok(!existsSync(join(dir, 'good.tvstate.tmp')));
}));
/** The machine's state and a hash of its RAM. */
function fingerprint(m) {
    const ram = m.mem.u8.subarray(m.mem.ramOffset, m.mem.ramOffset + m.mem.ramSize);
    return JSON.stringify(saveMachine(m, 0)) + createHash('sha256').update(ram).digest('hex');
}
function flip(b, at) {
    const c = Buffer.from(b);
    c[at] ^= 0x10;
    return c;
}
function withVersion(b, v) {
    const c = Buffer.from(b);
    c.writeUInt32LE(v, 8);
    return c;
}
/** The file with its JSON rewritten and the sizes and checksum made right again. */
function rewriteJson(b, edit) {
    const len = b.readUInt32LE(12);
    const json = Buffer.from(edit(b.subarray(24, 24 + len).toString('utf8')), 'utf8');
    const head = Buffer.from(b.subarray(0, 24));
    head.writeUInt32LE(json.length, 12);
    const body = Buffer.concat([head, json, b.subarray(24 + len, b.length - 12)]);
    const trailer = Buffer.from(b.subarray(b.length - 12));
    trailer.writeUInt32LE(crc32(body), 0);
    return Buffer.concat([body, trailer]);
}
//# sourceMappingURL=state-file.test.js.map