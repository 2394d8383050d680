// Tests the cpio newc writer with GNU cpio as the oracle (listing and extraction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CpioWriter } from '../src/images/cpio.js';
test('cpio -itv lists every entry with its type, mode, size and link target', () => {
    const w = new CpioWriter(1_700_000_000);
    w.addFile('bin/busybox', Buffer.from('#!fake busybox\n'), 0o755);
    w.addSymlink('bin/sh', 'busybox');
    w.addDirectory('proc', 0o555);
    w.addCharDevice('dev/console', 5, 1, 0o600);
    w.addFile('a/b/c/odd-size.txt', Buffer.from('xyz'));
    const listing = execFileSync('cpio', ['-itv', '--quiet'], { input: w.finish() }).toString().trim().split('\n');
    // The fixed mtime is years ago, so cpio prints a year before each name.
    const nameOf = (l) => /\s2023\s(.*)$/.exec(l)[1].split(' -> ')[0];
    const byName = new Map(listing.map((l) => [nameOf(l), l]));
    assert.deepEqual([...byName.keys()].sort(), ['a', 'a/b', 'a/b/c', 'a/b/c/odd-size.txt', 'bin', 'bin/busybox', 'bin/sh', 'dev', 'dev/console', 'proc'].sort());
    assert.match(byName.get('bin/busybox'), /^-rwxr-xr-x\s+1 root\s+root\s+15 /);
    assert.match(byName.get('bin/sh'), /^lrwxrwxrwx .* bin\/sh -> busybox$/);
    assert.match(byName.get('proc'), /^dr-xr-xr-x\s+2 root/);
    assert.match(byName.get('dev/console'), /^crw-------\s+1 root\s+root\s+5,\s+1 /);
    assert.match(byName.get('a/b/c/odd-size.txt'), /^-rw-r--r--\s+1 root\s+root\s+3 /);
    // Parents come before their children, as the kernel's unpacker needs.
    const order = listing.map(nameOf);
    assert.ok(order.indexOf('a/b') < order.indexOf('a/b/c/odd-size.txt'));
    assert.ok(order.indexOf('dev') < order.indexOf('dev/console'));
});
test('cpio -idm extracts identical contents, modes and symlinks', () => {
    const w = new CpioWriter();
    const files = new Map();
    for (let i = 0; i < 20; i++) {
        const data = randomBytes(i * 37 + (i % 3)); // sizes that exercise every padding case, including 0
        files.set(`dir${i % 3}/sub/file${i}.bin`, data);
        w.addFile(`dir${i % 3}/sub/file${i}.bin`, data, i % 2 ? 0o755 : 0o600);
    }
    w.addSymlink('dir0/link-to-file', 'sub/file3.bin');
    w.addDirectory('empty', 0o700);
    const dir = mkdtempSync(join(tmpdir(), 'tv-cpio-'));
    try {
        execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { input: w.finish(), cwd: dir });
        for (const [name, data] of files) {
            assert.ok(readFileSync(join(dir, name)).equals(data), name);
            const i = Number(/file(\d+)/.exec(name)[1]);
            assert.equal(statSync(join(dir, name)).mode & 0o7777, i % 2 ? 0o755 : 0o600);
        }
        assert.equal(readlinkSync(join(dir, 'dir0/link-to-file')), 'sub/file3.bin');
        assert.ok(lstatSync(join(dir, 'empty')).isDirectory());
        assert.equal(statSync(join(dir, 'empty')).mode & 0o777, 0o700);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('the writer refuses ".." paths and turning a file into a directory', () => {
    const w = new CpioWriter();
    assert.throws(() => w.addFile('../etc/passwd', Buffer.from('x')), /\.\./);
    w.addFile('x', Buffer.from('1'));
    assert.throws(() => w.addDirectory('x'), /not a directory/);
});
test('output is reproducible and ends with the TRAILER!!! record', () => {
    const make = () => {
        const w = new CpioWriter();
        w.addFile('init', Buffer.from('#!/bin/sh\n'), 0o755);
        return w.finish();
    };
    const a = make();
    assert.ok(a.equals(make()));
    assert.equal(a.length % 4, 0);
    assert.ok(a.includes(Buffer.from('TRAILER!!!\0')));
});
//# sourceMappingURL=images-cpio.test.js.map