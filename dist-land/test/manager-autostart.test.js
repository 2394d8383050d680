// Autostart: `typevisor autostart` and `typevisor serve` start the VMs marked --autostart, each under admission control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { BIN, ManagerHome } from './harness/manager-cli.js';
async function states(h) {
    const r = await h.tv('list', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    return Object.fromEntries(JSON.parse(r.stdout).map((v) => [v.name, v.state]));
}
test('autostart starts the marked VMs that are not running, one failure does not stop the others, and serve does it too', { timeout: 10 * 60_000 }, async () => {
    if (!(await findCachedDebian()))
        await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-autostart-');
    try {
        writeFileSync(join(h.dir, 'config.json'), JSON.stringify({ vmMemoryBudget: '1G' }));
        for (const [name, mem, auto] of [
            ['a', '256M', true],
            ['b', '256M', false],
            ['c', '2G', true], // never fits the budget
            ['d', '256M', true],
        ]) {
            const r = await h.tv('create', name, '--memory', mem, '--image', 'debian', ...(auto ? ['--autostart'] : []));
            assert.equal(r.code, 0, r.stderr);
        }
        assert.equal((await h.tv('start', 'd')).code, 0);
        const first = await h.tv('autostart');
        assert.equal(first.code, 1, 'a VM that did not start makes the command fail');
        assert.match(first.stderr, /^typevisor: started a \(pid \d+\)$/m);
        assert.match(first.stderr, /^typevisor: c did not start: .*budget is 1G/m);
        assert.match(first.stderr, /^typevisor: d is already running$/m);
        assert.doesNotMatch(first.stderr, /\bb\b/, 'b is not marked autostart');
        assert.deepEqual(await states(h), { a: 'running', b: 'created', c: 'created', d: 'running' });
        // serve starts what is marked and not running (here: a, after a kill), and --no-autostart does not.
        assert.equal((await h.tv('kill', 'a')).code, 0);
        const serve = spawn(process.execPath, [BIN, 'serve', '--no-autostart'], { env: h.env(), stdio: 'pipe' });
        let out = '';
        serve.stdout.on('data', (d) => (out += d.toString()));
        while (!/http:\/\/127\.0\.0\.1:\d+\//.test(out))
            await new Promise((r) => setTimeout(r, 100));
        serve.kill('SIGTERM');
        await new Promise((r) => serve.once('exit', r));
        assert.equal((await states(h)).a, 'stopped', '--no-autostart leaves a stopped');
        const serve2 = spawn(process.execPath, [BIN, 'serve'], { env: h.env(), stdio: 'pipe' });
        let err = '';
        serve2.stderr.on('data', (d) => (err += d.toString()));
        while (!/autostart: d is already running/.test(err)) {
            assert.equal(serve2.exitCode, null, err);
            await new Promise((r) => setTimeout(r, 100));
        }
        serve2.kill('SIGTERM');
        await new Promise((r) => serve2.once('exit', r));
        assert.match(err, /typevisor serve: autostart: started a \(pid \d+\)/);
        assert.match(err, /typevisor serve: autostart: c did not start/);
        assert.equal((await states(h)).a, 'running', 'the VMs serve started keep running after it stops');
    }
    finally {
        h.cleanup();
    }
});
//# sourceMappingURL=manager-autostart.test.js.map