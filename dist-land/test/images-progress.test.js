// Tests the download progress bar's rendering and that it stays silent when disabled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBar, formatBytes, progressBar } from '../src/util/progress.js';
test('bar shows fill, percent and amounts, and fits the terminal width', () => {
    const line = renderBar('linux-image', 5 * 1048576, 20 * 1048576, 80);
    assert.match(line, /^linux-image \[#{10}-{30}\] {2}25% 5\.0 MiB\/20 MiB$/);
    assert.ok(renderBar('x'.repeat(60), 1, 2, 50).length < 50);
    assert.equal(renderBar('pkg', 2048, undefined, 80), 'pkg 2.0 KiB');
    assert.match(renderBar('pkg', 30, 10, 80), / 100% /, 'never more than 100%');
    assert.equal(formatBytes(1023), '1023 B');
});
test('a disabled bar writes nothing; an enabled one ends its line', () => {
    const writes = [];
    const stream = { isTTY: false, columns: 80, write: (s) => writes.push(s) };
    const quiet = progressBar({ label: 'a', total: 10, stream });
    quiet.update(5);
    quiet.finish();
    assert.deepEqual(writes, []);
    const loud = progressBar({ label: 'a', total: 10, stream, enabled: true });
    loud.update(10);
    loud.finish();
    assert.ok(writes.length >= 2);
    assert.equal(writes[writes.length - 1], '\n');
    assert.match(writes.join(''), /100%/);
});
//# sourceMappingURL=images-progress.test.js.map