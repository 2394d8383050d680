// `create --cloud-init USER-DATA`: a NoCloud seed (ISO 9660 labelled cidata, with user-data and meta-data) in the VM's
// folder, attached read-only; blkid and isoinfo (util-linux, genisoimage) read it as cloud-init would find it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerHome } from './harness/manager-cli.js';
import { withTempDir } from './harness/temp-dir.js';

test(
  'create --cloud-init attaches a cidata seed with the user-data and a meta-data naming the VM; bad files are refused',
  withTempDir('tv-cloud-init-', async (dir) => {
    const h = new ManagerHome('tv-cloud-init-home-');
    try {
      const userData =
        '#cloud-config\nhostname: from-user-data\nusers:\n  - name: dev\n    ssh_authorized_keys: [ssh-ed25519 AAAA test]\n';
      const file = join(dir, 'user-data.yaml');
      writeFileSync(file, userData);
      const made = await h.tvIn('create', 'Web_1', '--cloud-init', file, '--disk-size', '16M', '--format', 'json');
      assert.equal(made.code, 0, made.stderr);
      const v = JSON.parse(made.stdout) as {
        definition: { disks: { path: string; readonly: boolean; owned: boolean; media?: string }[] };
        disks: { path: string }[];
      };
      assert.deepEqual(v.definition.disks[1], {
        path: 'cidata.iso',
        format: 'raw',
        readonly: true,
        owned: true,
        media: 'cdrom',
      });
      const seed = v.disks[1]!.path;
      const id = execFileSync('blkid', ['-o', 'export', seed], { encoding: 'utf8' });
      assert.match(id, /^LABEL=cidata$/m);
      assert.match(id, /^TYPE=iso9660$/m);
      const read = (name: string) =>
        execFileSync('isoinfo', ['-J', '-i', seed, '-x', `/${name}`], { encoding: 'utf8' });
      assert.equal(read('user-data'), userData);
      assert.match(read('meta-data'), /^instance-id: web-1-[0-9a-f]{8}\nlocal-hostname: web-1\n$/);
      assert.match(
        (await h.tvIn('info', 'Web_1')).stdout,
        /disk 1 .*cidata\.iso \(cdrom, raw, readonly, created with the VM\)/,
      );

      // A clone gets its own seed: the same user-data, its own host name and a new instance id, so cloud-init
      // runs its first-boot modules again (new SSH host keys) rather than taking it for the source.
      const cloned = await h.tvIn('clone', 'Web_1', 'web2');
      assert.equal(cloned.code, 0, cloned.stderr);
      const seed2 = join(h.dir, 'vms', 'web2', 'cidata.iso');
      const read2 = (name: string) =>
        execFileSync('isoinfo', ['-J', '-i', seed2, '-x', `/${name}`], { encoding: 'utf8' });
      assert.equal(read2('user-data'), userData);
      const meta2 = read2('meta-data');
      assert.match(meta2, /^instance-id: web2-[0-9a-f]{8}\nlocal-hostname: web2\n$/);
      assert.match(read('meta-data'), /^instance-id: web-1-/, "the source's seed is untouched");

      const missing = await h.tvIn('create', 'b', '--cloud-init', join(dir, 'none.yaml'));
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cloud-init user-data file not found: .*none\.yaml/);
      const big = join(dir, 'big.yaml');
      writeFileSync(big, Buffer.alloc((1 << 20) + 1, 0x61));
      const tooBig = await h.tvIn('create', 'b', '--cloud-init', big);
      assert.equal(tooBig.code, 2);
      assert.match(tooBig.stderr, /at most 1 MiB/);
      assert.equal((await h.tvIn('list', '--format', 'json')).stdout.includes('"b"'), false);
    } finally {
      h.cleanup();
    }
  }),
);
