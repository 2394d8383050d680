// End-to-end pull from a fake Debian archive on a loopback HTTP server: packages built by dpkg-deb,
// modules assembled by GNU as, the initramfs unpacked by GNU cpio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, readlinkSync, statSync, readdirSync, appendFileSync, } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { pullDebian, findCachedDebian } from '../src/images/debian.js';
import { INITRAMFS_VERSION } from '../src/images/initramfs.js';
const KVER = '9.9.9+test-riscv64';
const sha = (b) => createHash('sha256').update(b).digest('hex');
let work;
let server;
let mirror;
let requests = [];
const objects = new Map(); // module name -> uncompressed ELF made by GNU as
let fakeImage;
let fakeBusybox;
function sh(cmd, args, opts = {}) {
    return execFileSync(cmd, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
}
/** A kernel module stand-in: an ELF object whose .modinfo says what the real one would. */
function moduleObject(name, modinfo) {
    const src = join(work, `${name}.s`);
    writeFileSync(src, `.section .modinfo,"a"\n${[...modinfo, `name=${name}`].map((l) => `.asciz "${l}"\n`).join('')}.text\nnop\n`);
    sh('riscv64-linux-gnu-as', ['-o', join(work, `${name}.o`), src]);
    return readFileSync(join(work, `${name}.o`));
}
function buildDeb(name, version, files) {
    const root = join(work, `pkg-${name}`);
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    writeFileSync(join(root, 'DEBIAN', 'control'), `Package: ${name}\nVersion: ${version}\nArchitecture: riscv64\nMaintainer: T <t@mirror.invalid>\nDescription: test\n`);
    for (const [path, data] of Object.entries(files)) {
        mkdirSync(join(root, dirname(path)), { recursive: true });
        writeFileSync(join(root, path), data);
    }
    const out = join(work, `${name}.deb`);
    sh('dpkg-deb', ['-Zxz', '--root-owner-group', '--build', root, out]);
    return readFileSync(out);
}
function publish(archive, path, data) {
    mkdirSync(dirname(join(archive, path)), { recursive: true });
    writeFileSync(join(archive, path), data);
}
function stanza(name, version, file, deb, extra = '') {
    return `Package: ${name}\nVersion: ${version}\nArchitecture: riscv64\n${extra}Filename: ${file}\nSize: ${deb.length}\nSHA256: ${sha(deb)}\n`;
}
before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tv-pull-'));
    const archive = join(work, 'archive');
    fakeImage = Buffer.alloc(8192, 0x13);
    Buffer.from('RSC\x05', 'latin1').copy(fakeImage, 0x38);
    const modDir = `usr/lib/modules/${KVER}/kernel`;
    const mods = {
        virtio_mmio: ['drivers/virtio', [], 'xz'],
        virtio_balloon: ['drivers/virtio', [], 'zst'],
        virtio_blk: ['drivers/block', [], 'xz'],
        virtio_net: ['drivers/net', ['depends=net_failover'], 'xz'],
        net_failover: ['drivers/net', ['depends=failover'], ''],
        failover: ['net/core', ['depends='], 'xz'],
        ext4: ['fs/ext4', ['depends=jbd2,mbcache,crc16', 'softdep=pre: crypto-crc32c'], 'xz'],
        jbd2: ['fs/jbd2', [], 'zst'],
        mbcache: ['fs', [], 'xz'],
        crc16: ['lib', [], 'xz'],
        crc32c_generic: ['crypto', ['alias=crypto-crc32c'], 'xz'],
        snd_unrelated: ['sound', [], 'xz'],
    };
    const kernelFiles = {
        [`boot/vmlinux-${KVER}`]: gzipSync(fakeImage), // a compressed Image must come out raw
        [`boot/config-${KVER}`]: Buffer.from('CONFIG_VIRTIO=y\nCONFIG_VIRTIO_MMIO=m\nCONFIG_VIRTIO_BLK=m\n# CONFIG_VIRTIO_MEM is not set\nCONFIG_EXT4_FS=m\nCONFIG_HW_RANDOM_VIRTIO=y\n'),
        [`boot/System.map-${KVER}`]: Buffer.from('ffffffff80000000 T _start\n'),
    };
    for (const [name, [dir, info, comp]] of Object.entries(mods)) {
        const obj = moduleObject(name, info);
        objects.set(name, obj);
        const packed = comp === 'xz'
            ? sh('xz', ['--check=crc32', '-c'], { input: obj })
            : comp === 'zst'
                ? sh('zstd', ['-q', '-c'], { input: obj })
                : obj;
        kernelFiles[`${modDir}/${dir}/${name}.ko${comp ? `.${comp}` : ''}`] = packed;
    }
    const applets = [
        '[',
        '[[',
        'ash',
        'cat',
        'cttyhack',
        'echo',
        'hostname',
        'insmod',
        'ls',
        'mdev',
        'mkdir',
        'modprobe',
        'mount',
        'poweroff',
        'setsid',
        'sh',
        'sync',
        'test',
        'true',
        'uname',
        'umount',
        'vi',
    ];
    fakeBusybox = Buffer.concat([
        Buffer.from('\x7fELF fake busybox \0 usage text [[ \0'),
        Buffer.from(`${applets.join('\0')}\0\0`),
        Buffer.alloc(100, 7),
    ]);
    const kernelDeb = buildDeb(`linux-image-${KVER}`, '9.9.9-1', kernelFiles);
    const busyboxDeb = buildDeb('busybox-static', '1:1.37.0-1', { 'usr/bin/busybox': fakeBusybox });
    const metaDeb = buildDeb('linux-image-riscv64', '9.9.9-1', {});
    const kFile = `pool/main/l/linux/linux-image-${KVER}_9.9.9-1_riscv64.deb`;
    const bFile = 'pool/main/b/busybox/busybox-static_1.37.0-1_riscv64.deb';
    const mFile = 'pool/main/l/linux-signed/linux-image-riscv64_9.9.9-1_riscv64.deb';
    publish(archive, kFile, kernelDeb);
    publish(archive, bFile, busyboxDeb);
    publish(archive, mFile, metaDeb);
    const packages = [
        stanza('linux-image-riscv64', '9.9.9-1', mFile, metaDeb, `Depends: linux-image-${KVER} (= 9.9.9-1)\n`),
        stanza(`linux-image-${KVER}`, '9.9.9-1', kFile, kernelDeb, 'Depends: kmod\n'),
        stanza('busybox-static', '1:1.37.0-1', bFile, busyboxDeb),
    ].join('\n');
    const packagesXz = sh('xz', ['-c'], { input: packages });
    publish(archive, 'dists/trixie/main/binary-riscv64/Packages.xz', packagesXz);
    publish(archive, 'dists/trixie/Release', Buffer.from(`Codename: trixie\nArchitectures: riscv64\nComponents: main\nSHA256:\n ${sha(packagesXz)} ${packagesXz.length} main/binary-riscv64/Packages.xz\n`));
    server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const path = join(archive, decodeURIComponent((req.url ?? '/').replace(/^\/debian/, '')));
        if (!path.startsWith(archive) || !existsSync(path) || statSync(path).isDirectory()) {
            res.writeHead(404).end();
            return;
        }
        res.writeHead(200, { 'content-length': statSync(path).size }).end(readFileSync(path));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    mirror = `http://127.0.0.1:${addr.port}/debian`;
});
after(() => {
    server?.close();
    if (work)
        rmSync(work, { recursive: true, force: true });
});
test('pull builds a raw Image and an initramfs that GNU cpio unpacks into a working busybox tree', async () => {
    const cacheDir = join(work, 'cache');
    const lines = [];
    const r = await pullDebian({
        mirror,
        cacheDir,
        keyring: null,
        progress: false,
        log: (l) => lines.push(l),
        aptDir: '/nonexistent',
    });
    assert.equal(r.dir, join(cacheDir, 'debian-trixie-riscv64'));
    assert.equal(r.cmdline, 'console=ttyS0 earlycon=sbi');
    assert.ok(readFileSync(r.kernel).equals(fakeImage), 'the gzip-packed kernel is stored as the raw Image');
    assert.ok(lines.some((l) => /warning: signature check disabled/.test(l)), lines.join('\n'));
    assert.ok(!existsSync(join(r.dir, 'downloads')), 'downloads are cleaned up');
    const manifest = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.kernelVersion, KVER);
    assert.equal(manifest.packages.kernel.name, `linux-image-${KVER}`);
    assert.deepEqual(manifest.virtio, {
        builtin: ['HW_RANDOM_VIRTIO', 'VIRTIO'],
        modules: ['EXT4_FS', 'VIRTIO_BLK', 'VIRTIO_MMIO'],
    });
    assert.equal(manifest.files.initrd.sha256, sha(readFileSync(r.initrd)));
    const root = join(work, 'unpacked');
    mkdirSync(root);
    // Device nodes are listed, not created: creating them needs privileges a test should not assume.
    const listing = sh('cpio', ['-itv', '--quiet'], { input: gunzipSync(readFileSync(r.initrd)) }).toString();
    assert.match(listing, /^crw-------\s+1 root\s+root\s+5,\s+1 .* dev\/console$/m);
    sh('cpio', ['-idm', '--quiet', '--no-absolute-filenames', '--nonmatching', 'dev/*'], {
        cwd: root,
        input: gunzipSync(readFileSync(r.initrd)),
    });
    assert.ok(readFileSync(join(root, 'bin/busybox')).equals(fakeBusybox));
    assert.equal(readlinkSync(join(root, 'bin/cttyhack')), 'busybox');
    assert.equal(readlinkSync(join(root, 'bin/[[')), 'busybox');
    const init = readFileSync(join(root, 'init'), 'utf8');
    assert.equal(statSync(join(root, 'init')).mode & 0o111, 0o111);
    for (const must of [
        'mount -t proc',
        'mount -t sysfs',
        'mount -t devtmpfs',
        'insmod',
        'setsid cttyhack sh',
        'poweroff -f',
    ])
        assert.ok(init.includes(must), must);
    for (const d of ['proc', 'sys', 'tmp', 'root', 'dev'])
        assert.ok(statSync(join(root, d)).isDirectory(), d);
    const modRoot = join(root, 'lib/modules', KVER);
    const order = readFileSync(join(modRoot, 'load-order'), 'utf8').trim().split('\n');
    const names = order.map((p) => p.replace(/^.*\//, '').replace(/\.ko$/, ''));
    assert.equal(names[0], 'virtio_mmio');
    const before = (a, b) => assert.ok(names.indexOf(a) >= 0 && names.indexOf(a) < names.indexOf(b), `${a} before ${b}: ${names.join(' ')}`);
    before('failover', 'net_failover');
    before('net_failover', 'virtio_net');
    for (const d of ['jbd2', 'mbcache', 'crc16', 'crc32c_generic'])
        before(d, 'ext4');
    assert.ok(names.includes('virtio_balloon') && names.includes('virtio_blk'));
    assert.ok(!names.includes('snd_unrelated'));
    assert.equal(names.length, 11);
    for (const p of order) {
        const name = p.replace(/^.*\//, '').replace(/\.ko$/, '');
        assert.ok(readFileSync(join(modRoot, p)).equals(objects.get(name)), `${p} is stored decompressed`);
    }
    const dep = readFileSync(join(modRoot, 'modules.dep'), 'utf8');
    assert.match(dep, /^kernel\/drivers\/net\/virtio_net\.ko: kernel\/drivers\/net\/net_failover\.ko kernel\/net\/core\/failover\.ko$/m);
});
test('a second pull with a valid cache is a no-op that touches no network', async () => {
    const cacheDir = join(work, 'cache2');
    await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: () => { } });
    requests = [];
    const lines = [];
    const r = await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: (l) => lines.push(l) });
    assert.deepEqual(requests, []);
    assert.ok(lines.some((l) => /already in the cache.*nothing to do/.test(l)), lines.join('\n'));
    const found = await findCachedDebian({ cacheDir });
    assert.equal(found?.kernel, r.kernel);
    assert.equal(found?.manifest.kernelVersion, KVER);
    assert.equal(await findCachedDebian({ cacheDir, suite: 'forky' }), null);
    // With update, only the index is fetched: the packages have not changed.
    requests = [];
    const updateLines = [];
    await pullDebian({ mirror, cacheDir, keyring: null, progress: false, update: true, log: (l) => updateLines.push(l) });
    assert.ok(updateLines.some((l) => /is up to date/.test(l)), updateLines.join('\n'));
    assert.ok(requests.every((u) => u.includes('/dists/')), requests.join(' '));
});
test('a corrupt or partial cache is detected and repaired', async () => {
    const cacheDir = join(work, 'cache3');
    const r = await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: () => { } });
    const good = readFileSync(r.initrd);
    appendFileSync(r.initrd, 'junk');
    assert.equal(await findCachedDebian({ cacheDir }), null);
    const lines = [];
    await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /do not match the manifest; rebuilding/.test(l)));
    assert.ok(readFileSync(r.initrd).equals(good), 'the rebuilt initramfs is byte-identical');
    rmSync(r.kernel);
    await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: () => { } });
    assert.ok(readFileSync(r.kernel).equals(fakeImage));
    assert.notEqual(await findCachedDebian({ cacheDir }), null);
});
test('an image built by an older initramfs recipe is not used: the next pull rebuilds it, and two pulls at once do it once', async () => {
    const cacheDir = join(work, 'cache-recipe');
    const r = await pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: () => { } });
    const mpath = join(r.dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mpath, 'utf8'));
    assert.equal(m.initramfs, INITRAMFS_VERSION);
    delete m.initramfs; // as images made before the manifest recorded the recipe
    writeFileSync(mpath, JSON.stringify(m));
    assert.equal(await findCachedDebian({ cacheDir }), null);
    const lines = [[], []];
    requests = [];
    await Promise.all(lines.map((l) => pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: (x) => l.push(x) })));
    const rebuilt = lines.filter((l) => l.some((x) => /older recipe \(1, now \d+\); rebuilding/.test(x)));
    assert.equal(rebuilt.length, 1, lines.flat().join('\n'));
    assert.equal(requests.filter((u) => u.endsWith('.deb')).length, 2, 'kernel and busybox downloaded once');
    assert.equal((await findCachedDebian({ cacheDir }))?.manifest.initramfs, INITRAMFS_VERSION);
});
test('a package whose SHA-256 does not match the index is refused and leaves no file behind', async () => {
    const cacheDir = join(work, 'cache4');
    const archive = join(work, 'archive');
    const bbPath = join(archive, 'pool/main/b/busybox/busybox-static_1.37.0-1_riscv64.deb');
    const original = readFileSync(bbPath);
    const evil = Buffer.from(original);
    evil[evil.length - 5] = evil[evil.length - 5] ^ 0xff;
    writeFileSync(bbPath, evil);
    try {
        await assert.rejects(pullDebian({ mirror, cacheDir, keyring: null, progress: false, log: () => { } }), /SHA-256/);
        const dir = join(cacheDir, 'debian-trixie-riscv64');
        assert.ok(!existsSync(join(dir, 'manifest.json')));
        assert.deepEqual(readdirSync(join(dir, 'downloads')).filter((f) => f.includes('busybox')), []);
    }
    finally {
        writeFileSync(bbPath, original);
    }
});
test('a suite the mirror does not have is one clear error', async () => {
    await assert.rejects(pullDebian({
        mirror,
        suite: 'nosuch',
        cacheDir: join(work, 'cache5'),
        keyring: null,
        progress: false,
        log: () => { },
    }), /suite "nosuch" not found/);
});
//# sourceMappingURL=images-pull.test.js.map