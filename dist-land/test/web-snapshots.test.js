// The API's snapshot, clone and port-forward routes on the real VM manager (no guest runs): the tree they leave, the
// disk bytes a restore and a clone give back (qemu-io writes them, qemu-img reads them), a linked clone's backing file as qemu-img reads it, and the CLI's view.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manager } from '../src/manager/client.js';
import { ManagerBackend } from '../src/web/manager-backend.js';
import { startServer } from '../src/web/server.js';
import { loadOrCreateToken } from '../src/web/token.js';
import { apiCall } from './harness/api-client.js';
import { ManagerHome } from './harness/manager-cli.js';
const MiB = 1024 * 1024;
describe('snapshots, clones and forwards through the API on the real manager', () => {
    let h;
    let server;
    let token;
    let disk;
    const call = (method, path, body) => apiCall(server.port, method, path, { token, ...(body !== undefined ? { body } : {}) });
    const tree = async (vm) => (await call('GET', `/api/vms/${vm}/snapshots`)).json;
    /** The first byte of a qcow2 disk's guest-visible data, as qemu-img reads it. */
    const marker = (path) => {
        const raw = join(h.dir, 'peek.raw');
        execFileSync('qemu-img', ['convert', '-O', 'raw', path, raw]);
        return readFileSync(raw)[0];
    };
    /** Writes a pattern byte over the disk's first 4 KiB with qemu-io. */
    const mark = (byte) => execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${byte} 0 4096`, disk]);
    before(async () => {
        h = new ManagerHome('tv-web-snap-');
        token = loadOrCreateToken(h.dir);
        server = await startServer({ backend: new ManagerBackend(new Manager(h.dir)), token });
        const kernel = join(h.dir, 'Image');
        writeFileSync(kernel, Buffer.alloc(4096));
        disk = join(h.dir, 'data.qcow2');
        execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, String(MiB)]);
        mark(1);
        const created = await call('POST', '/api/vms', { name: 'src', kernel, disks: [{ path: disk }] });
        assert.equal(created.status, 201, created.text);
    });
    after(async () => {
        await server?.close();
        h?.cleanup();
    });
    it('takes snapshots into a tree, restores one (its disk bytes come back) and branches from there', async () => {
        assert.deepEqual(await tree('src'), { current: null, snapshots: [] });
        const s1 = await call('POST', '/api/vms/src/snapshots', { name: 's1', description: 'clean' });
        assert.equal(s1.status, 201, s1.text);
        assert.equal(s1.json.parent, null);
        mark(2);
        assert.equal((await call('POST', '/api/vms/src/snapshots', { name: 's2' })).status, 201);
        const again = await call('POST', '/api/vms/src/snapshots', { name: 's2' });
        assert.equal(again.status, 409);
        assert.equal(again.json.error.code, 'exists');
        assert.equal((await call('POST', '/api/vms/src/snapshots', { name: '../x' })).status, 400);
        const restored = await call('POST', '/api/vms/src/snapshots/s1/restore');
        assert.equal(restored.status, 200, restored.text);
        assert.equal(restored.json.state, 'created');
        assert.equal(marker(disk), 1);
        mark(3);
        assert.equal((await call('POST', '/api/vms/src/snapshots', { name: 's3' })).status, 201);
        const t = await tree('src');
        assert.equal(t.current, 's3');
        assert.deepEqual(t.snapshots.map((s) => [s.name, s.parent, s.withState]), [
            ['s1', null, false],
            ['s2', 's1', false],
            ['s3', 's1', false],
        ]);
        assert.equal(t.snapshots[0].description, 'clean');
        // The CLI reads the same tree.
        const cli = await h.tv('snapshot', 'list', 'src');
        assert.equal(cli.code, 0, cli.stderr);
        assert.match(cli.stdout, /s1[^\n]*\n[^\n]*s2[^\n]*\n[^\n]*s3[^\n]*\n[^\n]*you are here/);
        assert.equal((await call('POST', '/api/vms/src/snapshots/nope/restore')).status, 404);
    });
    it("clones a snapshot as a full copy and as a linked overlay, which holds its snapshot's deletion", async () => {
        const full = await call('POST', '/api/vms/src/clone', { name: 'copy', snapshot: 's2' });
        assert.equal(full.status, 201, full.text);
        assert.equal(full.headers.location, '/api/vms/copy');
        const copy = (await call('GET', '/api/vms/copy')).json;
        assert.equal(copy.disks.length, 1);
        assert.equal(copy.disks[0].owned, true);
        assert.equal(marker(copy.disks[0].path), 2);
        const linked = await call('POST', '/api/vms/src/clone', { name: 'thin', snapshot: 's3', linked: true });
        assert.equal(linked.status, 201, linked.text);
        const thin = (await call('GET', '/api/vms/thin')).json;
        assert.equal(thin.disks[0].format, 'qcow2');
        const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', thin.disks[0].path], { encoding: 'utf8' }));
        assert.match(String(info['backing-filename']), /snapshots/);
        assert.equal(info['virtual-size'], MiB);
        assert.deepEqual((await tree('src')).snapshots.find((s) => s.name === 's3')?.clones, ['thin']);
        const held = await call('DELETE', '/api/vms/src/snapshots/s3');
        assert.equal(held.status, 409);
        assert.match(held.json.error.message, /thin/);
        assert.equal((await call('POST', '/api/vms/src/clone', { name: 'copy' })).status, 409);
        assert.equal((await call('POST', '/api/vms/src/clone', { name: 'x', linked: true })).status, 400);
        assert.equal((await call('POST', '/api/vms/nobody/clone', { name: 'y' })).status, 404);
    });
    it('deletes a snapshot: its children hang from its parent', async () => {
        assert.equal((await call('DELETE', '/api/vms/thin')).status, 204);
        assert.equal((await call('DELETE', '/api/vms/src/snapshots/s1')).status, 204);
        const t = await tree('src');
        assert.deepEqual(t.snapshots.map((s) => [s.name, s.parent]), [
            ['s2', null],
            ['s3', null],
        ]);
        assert.equal((await call('DELETE', '/api/vms/src/snapshots/s1')).status, 404);
    });
    it("adds and removes a network's port forwards, as the CLI sees them", async () => {
        const net = await h.tv('net', 'create', 'lab');
        assert.equal(net.code, 0, net.stderr);
        const add = await call('POST', '/api/networks/lab/forwards', { hostPort: 18080, vm: 'src', guestPort: 80 });
        assert.equal(add.status, 204, add.text);
        const nets = (await call('GET', '/api/networks')).json;
        assert.deepEqual(nets.networks[0].forwards.map((f) => [f.name, f.hostAddr, f.status]), [['tcp-18080', '127.0.0.1', 'switch stopped']]);
        const cli = await h.tv('net', 'forward', 'list', 'lab', '--format', 'json');
        assert.equal(cli.code, 0, cli.stderr);
        assert.deepEqual(JSON.parse(cli.stdout).map((f) => [
            f.name,
            f.hostPort,
            f.vm,
            f.guestPort,
        ]), [['tcp-18080', 18080, 'src', 80]]);
        const twice = await call('POST', '/api/networks/lab/forwards', { hostPort: 18080, vm: 'src', guestPort: 81 });
        assert.equal(twice.status, 409);
        assert.equal((await call('POST', '/api/networks/lab/forwards', { hostPort: 0, vm: 'src', guestPort: 1 })).status, 400);
        assert.equal((await call('DELETE', '/api/networks/lab/forwards/tcp-18080')).status, 204);
        assert.equal((await call('DELETE', '/api/networks/lab/forwards/tcp-18080')).status, 404);
        assert.equal((await call('DELETE', '/api/networks/none/forwards/x')).status, 404);
    });
});
//# sourceMappingURL=web-snapshots.test.js.map