// Tests Release (clear-signed by gpg) and Packages parsing, hash checks, version order and kernel resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseRelease, verifyIndexFile, clearsignedBody } from '../src/images/release.js';
import { parsePackages, compareVersions, resolveKernelPackage, parseDepends } from '../src/images/packages-index.js';
import { verifySignature } from '../src/images/signature.js';
const PACKAGES = `Package: linux-image-riscv64
Source: linux-signed
Version: 6.12.99-1
Architecture: riscv64
Depends: linux-image-6.12.99+deb13-riscv64 (= 6.12.99-1)
Filename: pool/main/l/linux/linux-image-riscv64_6.12.99-1_riscv64.deb
Size: 1000
SHA256: ${'a'.repeat(64)}

Package: linux-image-6.12.99+deb13-riscv64
Version: 6.12.99-1
Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
Description: Linux 6.12 for 64-bit RISC-V
 A second line
 .
 After a paragraph break.
Filename: pool/main/l/linux/linux-image-6.12.99+deb13-riscv64_6.12.99-1_riscv64.deb
Size: 2000
SHA256: ${'b'.repeat(64)}

Package: busybox-static
Version: 1:1.36.1-9
Filename: pool/main/b/busybox/busybox-static_1.36.1-9_riscv64.deb
Size: 3
SHA256: ${'c'.repeat(64)}

Package: busybox-static
Version: 1:1.37.0-6+b9
Filename: pool/main/b/busybox/busybox-static_1.37.0-6+b9_riscv64.deb
Size: 4
SHA256: ${'d'.repeat(64)}
`;
test('Packages: stanzas, multi-line fields, highest version of a repeated package', () => {
    const index = parsePackages(PACKAGES);
    assert.equal(index.size, 3);
    assert.equal(index.get('busybox-static')['version'], '1:1.37.0-6+b9');
    assert.equal(index.get('linux-image-6.12.99+deb13-riscv64')['description'], 'Linux 6.12 for 64-bit RISC-V\nA second line\n\nAfter a paragraph break.');
    assert.deepEqual(parseDepends('a (>= 1), b:any | c [riscv64], d'), [['a'], ['b', 'c'], ['d']]);
});
test('the kernel metapackage resolves to the versioned kernel package', () => {
    const index = parsePackages(PACKAGES);
    assert.equal(resolveKernelPackage(index)['package'], 'linux-image-6.12.99+deb13-riscv64');
    assert.throws(() => resolveKernelPackage(parsePackages(PACKAGES.replace(/^Depends: linux-image-6.*$/m, 'Depends: kmod'))), /depends on no linux-image/);
    assert.throws(() => resolveKernelPackage(parsePackages('Package: x\nVersion: 1\n')), /not in the archive index/);
});
test('version comparison agrees with dpkg --compare-versions', () => {
    const versions = [
        '1.0',
        '1.0-1',
        '1.0~rc1',
        '1:0.9',
        '1.0+b1',
        '1.0a',
        '1.0.1',
        '2',
        '10',
        '1.0-1~bpo1',
        '1.0-10',
        '1.0-9',
        '6.12.99-1',
        '6.12.100-1',
        '0:1.0',
        '1.0~',
        '1.0~~',
    ];
    for (const a of versions) {
        for (const b of versions) {
            const ours = Math.sign(compareVersions(a, b));
            const lt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
            const eq = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
            assert.equal(ours, lt ? -1 : eq ? 0 : 1, `${a} vs ${b}`);
        }
    }
});
test('Release clear-signed by gpg: body, SHA256 list, signature check, and tampering detected', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tv-release-'));
    try {
        const packagesXz = execFileSync('xz', ['-c'], { input: PACKAGES });
        const sha = (b) => createHash('sha256').update(b).digest('hex');
        const release = 'Origin: Debian\nSuite: testing\nCodename: trixie\nArchitectures: amd64 riscv64\nComponents: main\nMD5Sum:\n' +
            ` 00000000000000000000000000000000 ${packagesXz.length} main/binary-riscv64/Packages.xz\nSHA256:\n` +
            ` ${sha(packagesXz)} ${packagesXz.length} main/binary-riscv64/Packages.xz\n` +
            ` ${sha(Buffer.from(PACKAGES))} ${PACKAGES.length} main/binary-riscv64/Packages\n` +
            '- a line that needs dash escaping: Note\n';
        const gnupg = join(dir, 'gnupg');
        execFileSync('mkdir', ['-m', '700', gnupg]);
        const gpg = (args, input) => execFileSync('gpg', ['--homedir', gnupg, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
            input,
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        gpg(['--quick-gen-key', 'Test Archive <archive@mirror.invalid>', 'ed25519', 'sign', 'never']);
        const inRelease = gpg(['--clearsign'], release).toString();
        const keyring = join(dir, 'keyring.gpg');
        writeFileSync(keyring, gpg(['--export']));
        assert.equal(clearsignedBody(inRelease), release);
        const parsed = parseRelease(inRelease);
        assert.equal(parsed.fields['codename'], 'trixie');
        assert.equal(parsed.sha256.get('main/binary-riscv64/Packages.xz').sha256, sha(packagesXz));
        verifyIndexFile(parsed, 'main/binary-riscv64/Packages.xz', packagesXz);
        const bad = Buffer.from(packagesXz);
        bad[bad.length - 1] = bad[bad.length - 1] ^ 1;
        assert.throws(() => verifyIndexFile(parsed, 'main/binary-riscv64/Packages.xz', bad), /SHA-256/);
        assert.throws(() => verifyIndexFile(parsed, 'main/binary-riscv64/Packages.xz', packagesXz.subarray(1)), /size/);
        assert.throws(() => verifyIndexFile(parsed, 'main/binary-amd64/Packages.xz', packagesXz), /does not list/);
        if (spawnSync('gpgv', ['--version']).status !== 0) {
            t.skip('gpgv is not installed');
            return;
        }
        const good = verifySignature(Buffer.from(inRelease), keyring);
        assert.equal(good.ok, true, good.detail);
        assert.match(good.detail, /Test Archive/);
        const tampered = verifySignature(Buffer.from(inRelease.replace('Codename: trixie', 'Codename: forky')), keyring);
        assert.equal(tampered.ok, false);
        // Detached signature over Release (the fallback when InRelease is missing).
        writeFileSync(join(dir, 'Release'), release);
        const sig = gpg(['--detach-sign', '--output', '-', join(dir, 'Release')]);
        assert.equal(verifySignature(Buffer.from(release), keyring, sig).ok, true);
        assert.equal(verifySignature(Buffer.from(`${release}x`), keyring, sig).ok, false);
        assert.equal(verifySignature(readFileSync(join(dir, 'Release')), join(dir, 'missing.gpg'), sig).ok, false);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=images-index.test.js.map