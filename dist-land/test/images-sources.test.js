// Tests apt sources parsing (one-line and deb822) and mirror selection on made-up sources files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOneLineSources, parseDeb822Sources, findMirror } from '../src/images/apt-sources.js';
function aptDir(files) {
    const dir = mkdtempSync(join(tmpdir(), 'tv-apt-'));
    mkdirSync(join(dir, 'sources.list.d'));
    for (const [name, text] of Object.entries(files))
        writeFileSync(join(dir, name), text);
    return dir;
}
test('one-line format: options, comments and deb-src', () => {
    const s = parseOneLineSources('# a comment\n' +
        'deb-src http://mirror.invalid/debian trixie main\n' +
        'deb [arch=amd64,riscv64 signed-by=/usr/share/keyrings/x.gpg] http://mirror.invalid/debian/ trixie main contrib # trailing\n');
    assert.equal(s.length, 2);
    assert.deepEqual(s[0].types, ['deb-src']);
    assert.deepEqual(s[1].uris, ['http://mirror.invalid/debian/']);
    assert.deepEqual(s[1].suites, ['trixie']);
    assert.deepEqual(s[1].components, ['main', 'contrib']);
    assert.equal(s[1].options['signed-by'], '/usr/share/keyrings/x.gpg');
    assert.equal(s[1].options['arch'], 'amd64,riscv64');
});
test('deb822 format: several values per field, Enabled: no, comments', () => {
    const s = parseDeb822Sources('Types: deb deb-src\n# comment inside\nURIs: http://one.invalid/debian http://two.invalid/debian\nSuites: trixie trixie-updates\nComponents: main\n\n' +
        'Enabled: no\nTypes: deb\nURIs: http://off.invalid/debian\nSuites: sid\nComponents: main\n');
    assert.equal(s.length, 2);
    assert.deepEqual(s[0].types, ['deb', 'deb-src']);
    assert.deepEqual(s[0].uris, ['http://one.invalid/debian', 'http://two.invalid/debian']);
    assert.deepEqual(s[0].suites, ['trixie', 'trixie-updates']);
    assert.equal(s[0].enabled, true);
    assert.equal(s[1].enabled, false);
});
test('mirror discovery skips security, updates, disabled, deb-src and third-party entries', () => {
    const dir = aptDir({
        'sources.list': '#deb http://commented.invalid/debian trixie main\n' +
            'deb-src http://src.invalid/debian trixie main\n' +
            'deb http://security.invalid/debian-security trixie-security main\n' +
            'deb http://updates.invalid/debian trixie-updates main\n',
        'sources.list.d/a-thirdparty.list': 'deb https://vendor.invalid/apt stable-vendor main\ndeb https://other.invalid/repo nodistro main\n',
        'sources.list.d/b-disabled.sources': 'Types: deb\nURIs: http://disabled.invalid/debian\nSuites: trixie\nComponents: main\nEnabled: no\n',
        'sources.list.d/c-debian.sources': 'Types: deb\nURIs: http://mirror.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n',
        'sources.list.d/d-later.list': 'deb http://later.invalid/debian trixie main\n',
        'sources.list.d/e-ignored.list.disabled': 'deb http://ignored.invalid/debian trixie main\n',
    });
    try {
        const m = findMirror({ aptDir: dir, env: {} });
        assert.equal(m.url, 'http://mirror.invalid/debian');
        assert.match(m.from, /c-debian\.sources$/);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('--mirror beats TYPEVISOR_MIRROR, which beats the sources files', () => {
    const dir = aptDir({ 'sources.list': 'deb http://mirror.invalid/debian trixie main\n' });
    try {
        assert.deepEqual(findMirror({ aptDir: dir, env: { TYPEVISOR_MIRROR: 'http://env.invalid/debian/' } }), {
            url: 'http://env.invalid/debian',
            from: 'TYPEVISOR_MIRROR',
        });
        assert.equal(findMirror({
            aptDir: dir,
            mirror: 'https://opt.invalid/debian',
            env: { TYPEVISOR_MIRROR: 'http://env.invalid/debian' },
        }).url, 'https://opt.invalid/debian');
        assert.throws(() => findMirror({ mirror: 'ftp://old.invalid/debian' }), /http:\/\/ or https:\/\//);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('no usable source gives one clear line naming the way out', () => {
    const dir = aptDir({ 'sources.list': 'deb http://security.invalid/debian-security trixie-security main\n' });
    try {
        assert.throws(() => findMirror({ aptDir: dir, env: {} }), (e) => /no Debian mirror found/.test(e.message) &&
            /--mirror/.test(e.message) &&
            /TYPEVISOR_MIRROR/.test(e.message) &&
            !e.message.includes('\n'));
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => findMirror({ aptDir: '/nonexistent-apt-dir', env: {} }), /no Debian mirror found/);
});
//# sourceMappingURL=images-sources.test.js.map