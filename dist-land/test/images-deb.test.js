// Tests the .deb reader (ar + tar + gzip/xz/zstd) against packages built by dpkg-deb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readAr } from '../src/images/ar.js';
import { extractDebData, readDebControl } from '../src/images/deb.js';
function buildPackage(compression) {
    const dir = mkdtempSync(join(tmpdir(), 'tv-deb-'));
    const root = join(dir, 'pkg');
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    writeFileSync(join(root, 'DEBIAN', 'control'), 'Package: tv-sample\nVersion: 1.2-3\nArchitecture: all\nMaintainer: Nobody <nobody@example.invalid>\n' +
        'Description: sample package\n a second description line\n');
    mkdirSync(join(root, 'usr', 'lib', 'deep', 'er'), { recursive: true });
    mkdirSync(join(root, 'boot'), { recursive: true });
    const random = randomBytes(300_000 + Math.floor(Math.random() * 1000));
    writeFileSync(join(root, 'boot', 'blob.bin'), random);
    writeFileSync(join(root, 'usr', 'lib', 'deep', 'er', 'hello.txt'), 'hello world\n');
    chmodSync(join(root, 'usr', 'lib', 'deep', 'er', 'hello.txt'), 0o640);
    symlinkSync('deep/er/hello.txt', join(root, 'usr', 'lib', 'link'));
    const deb = join(dir, 'sample.deb');
    execFileSync('dpkg-deb', [`-Z${compression}`, '--root-owner-group', '--build', root, deb], { stdio: 'pipe' });
    return { deb: readFileSync(deb), dir, random };
}
for (const compression of ['xz', 'zstd', 'gzip', 'none']) {
    test(`.deb built by dpkg-deb -Z${compression}: members, control and data match dpkg-deb's view`, async () => {
        const { deb, dir, random } = buildPackage(compression);
        try {
            const arList = execFileSync('ar', ['t', join(dir, 'sample.deb')])
                .toString()
                .trim()
                .split('\n');
            assert.deepEqual(readAr(deb).map((m) => m.name), arList);
            const control = await readDebControl(deb);
            const debPath = join(dir, 'sample.deb');
            assert.equal(control['package'], execFileSync('dpkg-deb', ['-f', debPath, 'Package']).toString().trim());
            assert.equal(control['version'], '1.2-3');
            assert.equal(control['description'], 'sample package\na second description line');
            const entries = await extractDebData(deb, (p) => p.endsWith('.bin') || p.endsWith('.txt'));
            // dpkg-deb -c lists "./usr/lib/link -> deep/er/hello.txt" style lines; compare the path sets.
            const listed = execFileSync('dpkg-deb', ['-c', debPath])
                .toString()
                .trim()
                .split('\n')
                .map((l) => l
                .split(/\s+/)
                .slice(5)
                .join(' ')
                .split(' -> ')[0]
                .replace(/^\.\/?/, '')
                .replace(/\/$/, ''))
                .filter((p) => p !== '');
            assert.deepEqual(entries.map((e) => e.path).filter((p) => p !== ''), listed);
            const blob = entries.find((e) => e.path === 'boot/blob.bin');
            assert.ok(blob?.data);
            assert.equal(blob.type, 'file');
            assert.ok(blob.data.equals(random), 'binary file contents survive');
            const hello = entries.find((e) => e.path === 'usr/lib/deep/er/hello.txt');
            assert.equal(hello?.data?.toString(), 'hello world\n');
            assert.equal(hello?.mode, 0o640);
            const link = entries.find((e) => e.path === 'usr/lib/link');
            assert.equal(link?.type, 'symlink');
            assert.equal(link?.linkname, 'deep/er/hello.txt');
            assert.equal(link?.data, undefined);
            assert.equal(entries.find((e) => e.path === 'usr/lib/deep')?.type, 'directory');
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
}
test('readAr rejects data that is not an ar archive, and truncated members', () => {
    assert.throws(() => readAr(Buffer.from('hello world, not an archive')), /not an ar archive/);
    const { deb, dir } = buildPackage('gzip');
    rmSync(dir, { recursive: true, force: true });
    assert.throws(() => readAr(deb.subarray(0, deb.length - 10)), /past the end/);
});
test('a corrupted compressed data member is an error, not silent truncation', async () => {
    const { deb, dir } = buildPackage('xz');
    rmSync(dir, { recursive: true, force: true });
    const data = readAr(deb).find((m) => m.name.startsWith('data.tar'));
    const broken = Buffer.from(deb);
    const off = data.data.byteOffset - deb.byteOffset + Math.floor(data.data.length / 2);
    broken[off] = broken[off] ^ 0xff;
    await assert.rejects(extractDebData(broken, () => true));
});
//# sourceMappingURL=images-deb.test.js.map