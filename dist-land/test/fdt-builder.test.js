// FdtBuilder checked against Debian's dtc/fdtget/fdtdump reading the blobs it writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtBuilder } from '../src/boards/virt/fdt.js';
const dir = mkdtempSync(join(tmpdir(), 'fdt-builder-'));
let n = 0;
function save(blob) {
    const p = join(dir, `t${n++}.dtb`);
    writeFileSync(p, blob);
    return p;
}
function fdtget(file, ...args) {
    return execFileSync('fdtget', [file, ...args], { encoding: 'utf8' }).trim();
}
function sample() {
    const f = new FdtBuilder();
    const ph = f.allocPhandle();
    f.reserve(0x8000_0000, 0x20_0000);
    f.reserve(0x1_2345_6000, 0x1000);
    f.beginNode('').propU32('#address-cells', 2).propU32('#size-cells', 2).propString('model', 'sample');
    f.beginNode('node@1000')
        .propU32('phandle', ph)
        .propU32('cells', 1, 0xffffffff, 0)
        .propU64('big', 0x1_0000_0002, 5)
        .propStrings('compatible', ['vendor,a', 'b'])
        .propBytes('raw', Uint8Array.of(1, 2, 3))
        .propEmpty('flag')
        .propReg('reg', 0x1000, 0x2000_0000_0000);
    f.beginNode('child').propU32('ref', ph).propString('model', 'inner').endNode();
    f.endNode();
    f.endNode();
    return f.finish(3);
}
test('dtc reads the blob without warnings', () => {
    const file = save(sample());
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /\/memreserve\/\s+0x0*80000000 0x0*200000;/);
    assert.match(r.stdout, /\/memreserve\/\s+0x0*123456000 0x0*1000;/);
    assert.match(r.stdout, /flag;/);
});
test('fdtget sees every property type with the right bytes', () => {
    const file = save(sample());
    assert.equal(fdtget(file, '-t', 's', '/', 'model'), 'sample');
    assert.equal(fdtget(file, '-t', 'u', '/node@1000', 'cells'), '1 4294967295 0');
    assert.equal(fdtget(file, '-t', 'x', '/node@1000', 'big'), '1 2 0 5');
    assert.equal(fdtget(file, '-t', 's', '/node@1000', 'compatible'), 'vendor,a b');
    assert.equal(fdtget(file, '-t', 'bx', '/node@1000', 'raw'), '1 2 3');
    assert.equal(fdtget(file, '-t', 'bx', '/node@1000', 'flag'), '');
    assert.equal(fdtget(file, '-t', 'x', '/node@1000', 'reg'), '0 1000 2000 0');
    assert.equal(fdtget(file, '-t', 's', '/node@1000/child', 'model'), 'inner');
    assert.equal(fdtget(file, '-t', 'u', '/node@1000/child', 'ref'), '1');
    assert.equal(fdtget(file, '-l', '/'), 'node@1000');
});
test('header fields as fdtdump reports them; property names are stored once', () => {
    const blob = sample();
    const file = save(blob);
    const out = execFileSync('fdtdump', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.match(out, /magic:\s+0xd00dfeed/);
    assert.match(out, new RegExp(`totalsize:\\s+0x${blob.length.toString(16)} \\(${blob.length}\\)`));
    assert.match(out, /version:\s+17/);
    assert.match(out, /last_comp_version:\s+16/);
    assert.match(out, /boot_cpuid_phys:\s+0x3/);
    // "model" appears twice in the tree but once in the strings block.
    const names = [
        '#address-cells',
        '#size-cells',
        'model',
        'phandle',
        'cells',
        'big',
        'compatible',
        'raw',
        'flag',
        'reg',
        'ref',
    ];
    const expected = names.reduce((s, x) => s + x.length + 1, 0);
    assert.match(out, new RegExp(`size_dt_strings:\\s+0x${expected.toString(16)}\\b`));
});
test('misuse throws instead of writing a broken blob', () => {
    assert.throws(() => new FdtBuilder().beginNode('x'));
    assert.throws(() => new FdtBuilder().finish());
    assert.throws(() => new FdtBuilder().beginNode('').finish());
    assert.throws(() => new FdtBuilder().endNode());
    assert.throws(() => new FdtBuilder().beginNode('').propU32('x', 0x1_0000_0000));
    assert.throws(() => new FdtBuilder().beginNode('').propU32('x', -1));
    assert.throws(() => new FdtBuilder().beginNode('').propString('x', 'a\0b'));
    assert.throws(() => new FdtBuilder().beginNode('').propU64('x', 2 ** 60));
    const f = new FdtBuilder().beginNode('').endNode();
    f.finish();
    assert.throws(() => f.finish());
});
test('phandles are distinct and nonzero', () => {
    const f = new FdtBuilder();
    const a = f.allocPhandle();
    const b = f.allocPhandle();
    assert.notEqual(a, 0);
    assert.notEqual(a, b);
});
//# sourceMappingURL=fdt-builder.test.js.map