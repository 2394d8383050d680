// The web console in Debian's Chromium against the API server on a fake backend: list, create, actions, confirmations,
// live updates, consoles (several viewers, scrollback, resize, copy and paste), the bundle's files and the CSP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createNetwork, listRules } from '../src/manager/networks.js';
import { pcapngHeader, pcapngPacket } from '../src/net/pcapng.js';
import { startServer, type ApiServer } from '../src/web/server.js';
import { loadOrCreateToken } from '../src/web/token.js';
import { FakeVmBackend } from './harness/fake-vm-backend.js';
import { apiCall } from './harness/api-client.js';
import {
  chromiumAvailable,
  openBrowser,
  overlaps,
  screenshot,
  terminalText,
  type BrowserSession,
} from './harness/browser.js';

const row = (page: Page, vm: string) => page.locator(`tr[data-vm="${vm}"]`);

async function stateIs(page: Page, vm: string, state: string): Promise<void> {
  await page.waitForSelector(`tr[data-vm="${vm}"][data-state="${state}"]`);
}

const SKIP = chromiumAvailable() ? false : 'needs /usr/bin/chromium (apt-get install chromium)';

/** Bounds a hang; not a timing assertion. */
const HANG_MS = 120_000;

describe('web console against a fake backend', { skip: SKIP, timeout: 10 * HANG_MS }, () => {
  let home: string;
  let backend: FakeVmBackend;
  let server: ApiServer;
  let token: string;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'typevisor-ui-'));
    backend = new FakeVmBackend(home);
    // The fake's one network, on disk too: the firewall routes read and change its definition.
    await createNetwork(home, { name: 'lab' });
    token = loadOrCreateToken(home);
    server = await startServer({ backend, token });
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    if (page) await screenshot(page, 'ui-last');
    await browser?.close();
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'serves the bundle with its content types and a CSP without inline script or style',
    { timeout: HANG_MS * 2 },
    async () => {
      const index = await apiCall(server.port, 'GET', '/', { token });
      assert.equal(index.status, 200);
      assert.match(String(index.headers['content-type']), /^text\/html/);
      assert.match(index.text, /<script type="module" src="\/ui\/app\.js"><\/script>/);
      assert.doesNotMatch(index.text, /<script>|<style>|style="/);
      const csp = String(index.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe/);
      const js = await apiCall(server.port, 'GET', '/ui/app.js', { token });
      assert.equal(js.status, 200);
      assert.match(String(js.headers['content-type']), /^text\/javascript/);
      const css = await apiCall(server.port, 'GET', '/ui/app.css', { token });
      assert.match(String(css.headers['content-type']), /^text\/css/);
      assert.match(css.text, /\.xterm/);
      assert.equal((await apiCall(server.port, 'GET', '/ui/app.js')).status, 401);
      assert.equal((await apiCall(server.port, 'GET', '/ui/nothing.js', { token })).status, 404);
      assert.equal((await apiCall(server.port, 'GET', '/ui/..%2fpackage.json', { token })).status, 404);
      const host = await apiCall(server.port, 'GET', '/api/host', { token });
      assert.equal(host.status, 200);
      assert.equal((host.json as { memory: { totalBytes: number } }).memory.totalBytes, 8 * 1024 ** 3);
    },
  );

  it(
    'opens from the printed URL (token swapped for a cookie) and shows the empty list, live, without errors',
    { timeout: HANG_MS * 2 },
    async () => {
      await page.goto(server.pageUrl);
      assert.equal(page.url(), server.url);
      await page
        .getByTestId('connection')
        .filter({ hasText: /^live$/ })
        .waitFor();
      await page.getByTestId('no-vms').waitFor();
      await page.getByTestId('memory-help').filter({ hasText: '5.0 GiB free of 8.0 GiB' }).waitFor();
      assert.match(await page.getByTestId('memory-help').innerText(), /This VM fits/);
      assert.equal(
        await page.getByTestId('cli-line').innerText(),
        'typevisor create debian-1 -m 512M --cpus 1 --disk-size 4G && typevisor start debian-1',
      );
      await screenshot(page, 'ui-empty');
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    'creates and starts a Debian VM in one click, opens its console, and passes keys, output and size',
    { timeout: HANG_MS * 2 },
    async () => {
      await page.getByRole('button', { name: 'Create and start' }).click();
      await stateIs(page, 'debian-1', 'running');
      const pane = page.locator('.console[data-console="debian-1"][data-status="connected"]');
      await pane.waitFor();
      await pane.locator('.xterm').click();
      await page.keyboard.type('echo hi');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() =>
        document.querySelector('.console .xterm-rows')?.textContent?.includes('ECHO HI'),
      );
      // The terminal's size reached the VM (the fake records console-size actions).
      const dims = await pane.locator('.dims').innerText();
      const [cols, rows] = dims.split('×').map(Number);
      await waitUntil(() => backend.vms.get('debian-1')!.resizes.some((r) => r.cols === cols && r.rows === rows));
      assert.ok(cols > 20 && rows > 5, dims);
      const v = row(page, 'debian-1');
      assert.equal(await v.locator('td').nth(1).innerText(), '1');
      assert.equal(await v.locator('td').nth(2).innerText(), '512 MiB');
      assert.equal(await v.locator('td').nth(3).innerText(), '50 MiB');
      assert.equal(await v.locator('td').nth(4).innerText(), '3.0 MiB');
      await screenshot(page, 'ui-console');
      assert.deepEqual(await overlaps(page, 'header.top, .list, form.create, .console'), []);
    },
  );

  it(
    "charts a running VM's statistics from the server's samples: rates and shares the fake's counts imply",
    { timeout: HANG_MS * 2 },
    async () => {
      await row(page, 'debian-1').getByRole('button', { name: 'Statistics of debian-1' }).click();
      const pane = page.locator('.stats-pane[data-stats="debian-1"][data-status="live"]');
      await pane.waitFor();
      // Three samples give two intervals: every line has points.
      await page.waitForSelector('.stats-pane[data-stats="debian-1"]:not([data-samples="1"]):not([data-samples="2"])');
      const value = (chart: string, series: string) =>
        pane.locator(`[data-chart="${chart}"] [data-series="${series}"] .value`).innerText();
      // The fake runs 50 M instructions/s, 90% translated, 20% of the time in U and 50% in S (fakeStats).
      assert.equal(await value('mips', 'MIPS'), '50.0 MIPS');
      assert.equal(await value('translated', 'translated'), '90.0%');
      assert.equal(await value('translated', 'interpreted'), '10.0%');
      assert.equal(await value('modes', 'U (user)'), '20.0%');
      assert.equal(await value('modes', 'S (kernel)'), '50.0%');
      assert.equal(await value('traps', 'load page fault'), '300/s');
      assert.equal(await value('traps', 'supervisor timer (interrupt)'), '100/s');
      assert.equal(await value('hypercalls', 'TIME'), '100/s');
      assert.equal(await value('mmio', 'uart0'), '1.0k/s');
      assert.equal(await value('disk', 'read'), '64 KiB/s');
      assert.equal(await value('network', 'received'), '1.5 KiB/s');
      assert.equal(await pane.locator('svg polyline').count(), 14);
      const line = await pane.locator('[data-chart="mips"] polyline').getAttribute('points');
      assert.ok((line ?? '').split(' ').length >= 2, line ?? '');
      await screenshot(page, 'ui-stats');
      assert.deepEqual(await overlaps(page, 'header.top, .list, form.create, .console, .stats-pane'), []);
      assert.deepEqual(await overlaps(page, '.stats-pane .chart'), []);
      await pane.getByRole('button', { name: 'Close the statistics of debian-1' }).click();
      await pane.waitFor({ state: 'detached' });
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    'shows several viewers of one console, and scrollback from the console log in a new one',
    { timeout: HANG_MS * 2 },
    async () => {
      await page.getByRole('button', { name: 'Another viewer of debian-1' }).click();
      await page.locator('.console[data-console="debian-1"][data-status="connected"]').nth(1).waitFor();
      await waitUntil(async () => (await terminalText(page, 1)).includes('ECHO HI'));
      await page.locator('.console .xterm').nth(1).click();
      await page.keyboard.type('two');
      await page.keyboard.press('Enter');
      for (const n of [0, 1]) await waitUntil(async () => (await terminalText(page, n)).includes('TWO'));
      // Copy the selection and paste it back through the buttons (the browser's clipboard).
      await page.locator('.console').nth(1).getByRole('button', { name: 'Close the console of debian-1' }).click();
      await page.evaluate(() => navigator.clipboard.writeText('pasted\r'));
      await page.getByRole('button', { name: 'Paste into debian-1' }).click();
      await waitUntil(async () => (await terminalText(page, 0)).includes('PASTED'));
      assert.equal(await page.locator('.console').count(), 1);
      assert.deepEqual(browser.problems, []);
    },
  );

  it('follows changes made by other clients without reloading', { timeout: HANG_MS * 2 }, async () => {
    assert.equal((await apiCall(server.port, 'POST', '/api/vms', { token, body: { name: 'other' } })).status, 201);
    await stateIs(page, 'other', 'created');
    await apiCall(server.port, 'POST', '/api/vms/other/start', { token });
    await stateIs(page, 'other', 'running');
    backend.crash('other');
    await stateIs(page, 'other', 'crashed');
    await row(page, 'other').getByRole('button', { name: 'Start other' }).waitFor();
  });

  it(
    'pauses and resumes; asks before kill, reset and delete, and does nothing when cancelled',
    { timeout: HANG_MS * 2 },
    async () => {
      await row(page, 'debian-1').getByRole('button', { name: 'Pause debian-1' }).click();
      await stateIs(page, 'debian-1', 'paused');
      await row(page, 'debian-1').getByRole('button', { name: 'Resume debian-1' }).click();
      await stateIs(page, 'debian-1', 'running');
      await row(page, 'debian-1').getByRole('button', { name: 'Suspend debian-1' }).click();
      await stateIs(page, 'debian-1', 'stopped');
      await row(page, 'debian-1').locator('.state-suspended').waitFor();
      assert.equal(backend.vms.get('debian-1')!.suspended, true);
      await row(page, 'debian-1').getByRole('button', { name: 'Start debian-1' }).click();
      await stateIs(page, 'debian-1', 'running');
      await page.locator('.console[data-console="debian-1"][data-status="connected"]').waitFor();

      await row(page, 'debian-1').getByRole('button', { name: 'Kill debian-1' }).click();
      const dialog = page.getByRole('dialog', { name: 'Kill debian-1?' });
      await dialog.waitFor();
      await screenshot(page, 'ui-confirm');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(backend.vms.get('debian-1')!.state, 'running');
      await row(page, 'debian-1').getByRole('button', { name: 'Kill debian-1' }).click();
      await dialog.getByRole('button', { name: 'Kill' }).click();
      await stateIs(page, 'debian-1', 'stopped');
      // The console of a stopped VM shows its log (the fake guest echoes Enter as a bare CR: the last line typed shows).
      await page.locator('.console[data-console="debian-1"][data-status="log"]').waitFor();
      await waitUntil(async () => (await terminalText(page, 0)).includes('PASTED'));

      await row(page, 'other').getByRole('button', { name: 'Delete other' }).click();
      await page.getByRole('dialog', { name: 'Delete other?' }).getByRole('button', { name: 'Cancel' }).click();
      assert.ok(backend.vms.has('other'));
      await row(page, 'other').getByRole('button', { name: 'Delete other' }).click();
      await page.getByRole('dialog', { name: 'Delete other?' }).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'other').waitFor({ state: 'detached' });
      assert.ok(!backend.vms.has('other'));
    },
  );

  it(
    'creates from the form with its own values, shows the command line, and reports refusals',
    { timeout: HANG_MS * 2 },
    async () => {
      await page.getByLabel('Name').fill('small');
      await page.getByLabel('Memory (MiB)').fill('7000');
      assert.match(await page.getByTestId('memory-help').innerText(), /Admission control will refuse/);
      await page.getByLabel('Memory (MiB)').fill('256');
      await page.getByLabel('vCPUs').fill('2');
      await page.getByLabel('New disk (qcow2; empty for none)').fill('');
      await page.getByLabel('Network').selectOption('lab');
      await page.getByLabel('Start it now').uncheck();
      await page.getByLabel('Shared folder (optional)').fill('srv/data');
      assert.match(await page.locator('#share-help').innerText(), /absolute folder path/);
      assert.equal(await page.getByRole('button', { name: 'Create', exact: true }).isDisabled(), true);
      await page.getByLabel('Shared folder (optional)').fill('/srv/my data,readonly');
      assert.equal(
        await page.getByTestId('cli-line').innerText(),
        "typevisor create small -m 256M --cpus 2 --network lab --share '/srv/my data:my_data,readonly'",
      );
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await stateIs(page, 'small', 'created');
      assert.equal(backend.vms.get('small')!.cpus, 2);
      assert.equal(backend.vms.get('small')!.memoryMiB, 256);
      assert.equal(backend.vms.get('small')!.network, 'lab');
      assert.deepEqual(backend.vms.get('small')!.shares, [{ path: '/srv/my data', tag: 'my_data', readonly: true }]);
      // The same name again: the API's refusal is shown as an alert.
      await page.getByLabel('Name').fill('small');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'exists' }).waitFor();
      // The browser logs the refused request itself; that one is expected.
      const refused = browser.problems.filter((p) => / 409 \(Conflict\)/.test(p));
      assert.equal(refused.length, 1, browser.problems.join('\n'));
      browser.problems.splice(browser.problems.indexOf(refused[0]), 1);
      await screenshot(page, 'ui-machines');
      assert.deepEqual(await overlaps(page, 'header.top, .list, form.create, .console'), []);
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    'shows the network of each VM, and clones from the list after asking a name',
    { timeout: HANG_MS * 2 },
    async () => {
      assert.equal(await row(page, 'small').locator('td.network-cell').innerText(), 'lab');
      assert.equal(await row(page, 'debian-1').locator('td.network-cell').innerText(), '—');
      await row(page, 'small').getByRole('button', { name: 'Clone small' }).click();
      const dialog = page.getByRole('dialog', { name: 'Clone small' });
      assert.equal(await dialog.getByLabel('Name of the new VM').inputValue(), 'small-clone');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.ok(!backend.vms.has('small-clone'));
      await row(page, 'small').getByRole('button', { name: 'Clone small' }).click();
      await dialog.getByLabel('Name of the new VM').fill('bad name');
      assert.equal(await dialog.getByRole('button', { name: 'Clone' }).isDisabled(), true);
      await dialog.getByLabel('Name of the new VM').fill('twin');
      await dialog.getByRole('button', { name: 'Clone' }).click();
      await stateIs(page, 'twin', 'created');
      assert.deepEqual(backend.vms.get('twin')!.clonedFrom, { source: 'small', linked: false });
      assert.equal(await row(page, 'twin').locator('td.network-cell').innerText(), 'lab');
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    'draws the snapshot tree with the present state marked; takes, restores after confirmation, deletes and clones',
    { timeout: HANG_MS * 2 },
    async () => {
      assert.equal((await apiCall(server.port, 'POST', '/api/vms/debian-1/start', { token })).status, 200);
      await stateIs(page, 'debian-1', 'running');
      // A running VM offers no clone (its disks change under a copy): a snapshot of it can be cloned instead.
      assert.equal(await row(page, 'debian-1').getByRole('button', { name: 'Clone debian-1' }).count(), 0);
      await row(page, 'debian-1').getByRole('button', { name: 'Snapshots of debian-1' }).click();
      await page.getByRole('heading', { name: 'Snapshots' }).waitFor();
      assert.equal(await page.getByLabel('Machine').inputValue(), 'debian-1');
      await page.getByTestId('no-snapshots').waitFor();
      await page.getByLabel('Snapshot name').fill('base');
      await page.getByLabel('Description (optional)').fill('fresh install');
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      await page.locator('li[data-snapshot="base"]').waitFor();
      assert.deepEqual(await treeShape(page), { base: null, here: 'base' });
      assert.match(
        await page.locator('li[data-snapshot="base"] > .node').innerText(),
        /machine state[\s\S]*fresh install/,
      );
      // An empty name takes the first free snap-N.
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      await page.locator('li[data-snapshot="snap-1"]').waitFor();
      assert.deepEqual(await treeShape(page), { base: null, 'snap-1': 'base', here: 'snap-1' });

      await page.getByRole('button', { name: 'Restore base' }).click();
      const dialog = page.getByRole('dialog', { name: 'Restore debian-1 to base?' });
      assert.match(await dialog.innerText(), /powered off[\s\S]*left suspended there/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(backend.vms.get('debian-1')!.snapshots.current, 'snap-1');
      assert.equal(backend.vms.get('debian-1')!.state, 'running');
      await page.getByRole('button', { name: 'Restore base' }).click();
      await dialog.getByRole('button', { name: 'Restore' }).click();
      await page.locator('li[data-snapshot="base"] > ul > [data-testid="you-are-here"]').waitFor();
      assert.equal(backend.vms.get('debian-1')!.state, 'stopped');
      assert.equal(backend.vms.get('debian-1')!.suspended, true);
      await page.getByTestId('you-are-here').filter({ hasText: 'suspended' }).waitFor();

      await page.getByLabel('Snapshot name').fill('branch');
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      await page.locator('li[data-snapshot="branch"]').waitFor();
      assert.deepEqual(await treeShape(page), { base: null, 'snap-1': 'base', branch: 'base', here: 'branch' });
      await screenshot(page, 'ui-snapshots');
      assert.deepEqual(await overlaps(page, 'header.top, .snapshots, .console'), []);

      await page.getByRole('button', { name: 'Delete snapshot base' }).click();
      await page.getByRole('dialog', { name: 'Delete snapshot base?' }).getByRole('button', { name: 'Delete' }).click();
      await page.locator('li[data-snapshot="base"]').waitFor({ state: 'detached' });
      assert.deepEqual(await treeShape(page), { 'snap-1': null, branch: null, here: 'branch' });

      await page.getByRole('button', { name: 'Linked clone of branch' }).click();
      const clone = page.getByRole('dialog', { name: 'Linked clone of debian-1 at branch' });
      assert.equal(await clone.getByLabel('Name of the new VM').inputValue(), 'debian-1-branch');
      await clone.getByRole('button', { name: 'Clone' }).click();
      await waitUntil(() => backend.vms.has('debian-1-branch'));
      assert.deepEqual(backend.vms.get('debian-1-branch')!.clonedFrom, {
        source: 'debian-1',
        snapshot: 'branch',
        linked: true,
      });
      assert.deepEqual(browser.problems, []);
      await page.getByRole('button', { name: 'Machines' }).click();
    },
  );

  it(
    'is usable from the keyboard: the views and the create form are reachable with Tab',
    { timeout: HANG_MS * 2 },
    async () => {
      await page.getByRole('button', { name: 'Networks' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Networks' }).waitFor();
      // The network the form's VM joined, with the VM and its address.
      await page
        .locator('[data-network="lab"] tr')
        .filter({ hasText: 'small' })
        .filter({ hasText: '10.0.10.10' })
        .waitFor();
      // Port forwards: added from the form (the right API body), listed, and removed.
      const lab = page.locator('[data-network="lab"]');
      assert.equal(await lab.getByLabel('VM', { exact: true }).inputValue(), 'small');
      await lab.getByLabel('Host port').fill('8080');
      await lab.getByLabel('VM port').fill('80');
      await lab.getByRole('button', { name: 'Add the forward to lab' }).click();
      await lab.locator('tr[data-forward="tcp-8080"]').filter({ hasText: 'tcp:127.0.0.1:8080' }).waitFor();
      assert.deepEqual(backend.forwards, [
        {
          name: 'tcp-8080',
          proto: 'tcp',
          hostAddr: '127.0.0.1',
          hostPort: 8080,
          vm: 'small',
          guestPort: 80,
          status: 'listening',
        },
      ]);
      assert.equal(await lab.getByLabel('Host port').inputValue(), '');
      await lab.getByLabel('Host port').fill('8080');
      await lab.getByLabel('VM port').fill('81');
      await lab.getByRole('button', { name: 'Add the forward to lab' }).click();
      await page.getByRole('alert').filter({ hasText: 'already has a forward named tcp-8080' }).waitFor();
      const refused = browser.problems.filter((p) => / 409 \(Conflict\)/.test(p));
      assert.equal(refused.length, 1, browser.problems.join('\n'));
      browser.problems.splice(browser.problems.indexOf(refused[0]), 1);
      await screenshot(page, 'ui-networks');
      // Nothing in a network's card sticks out of it.
      assert.deepEqual(await sticksOut(lab), []);
      await lab.getByRole('button', { name: 'Remove forward tcp-8080 of lab' }).click();
      await lab.locator('tr[data-forward="tcp-8080"]').waitFor({ state: 'detached' });
      assert.deepEqual(backend.forwards, []);
      await page.getByRole('button', { name: 'Networks' }).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Snapshots' }).waitFor();
      await page.getByRole('button', { name: 'Machines' }).click();
      await page.getByLabel('Name').waitFor();
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    "edits a network's firewall as an ordered table: add at a position, move, delete, default policy",
    { timeout: HANG_MS * 2 },
    async () => {
      await page.getByRole('button', { name: 'Networks' }).click();
      const fw = page.locator('[data-firewall="lab"]');
      const order = async () =>
        (await listRules(home, 'lab')).rules.map(
          (r) => `${r.action} ${r.proto} ${r.from}>${r.to}${r.toPorts ? `:${r.toPorts}` : ''}`,
        );
      const shown = () =>
        fw
          .locator('tr[data-rule]')
          .evaluateAll((rows) => rows.map((r) => r.textContent?.replace(/[↑↓]|Delete/g, '').trim()));
      await fw.getByLabel('New rule').fill('deny icmp from small to any');
      await fw.getByRole('button', { name: 'Add the rule to lab' }).click();
      await fw.locator('tr[data-rule]').first().waitFor();
      await fw.getByLabel('New rule').fill('allow tcp to any port 22');
      await fw.getByLabel('At position').fill('1');
      await fw.getByRole('button', { name: 'Add the rule to lab' }).click();
      await fw.locator('tr[data-rule][data-position="2"]').waitFor();
      assert.deepEqual(await order(), ['allow tcp any>any:22', 'deny icmp small>any']);
      assert.match((await shown())[0] ?? '', /^1allowtcpanyany port 2200 B$/);
      await fw.getByRole('button', { name: 'Move rule 2 of lab up' }).click();
      await waitUntil(async () => (await order())[0] === 'deny icmp small>any');
      await waitUntil(async () => /deny/.test((await shown())[0] ?? ''));
      assert.equal(await fw.getByRole('button', { name: 'Move rule 1 of lab up' }).isDisabled(), true);
      await fw.getByRole('button', { name: /^Delete rule 2 of lab/ }).click();
      await waitUntil(async () => (await shown()).length === 1);
      assert.deepEqual(await order(), ['deny icmp small>any']);
      await fw.getByLabel('Default policy of lab').selectOption('deny');
      await waitUntil(async () => (await listRules(home, 'lab')).policy === 'deny');
      // A rule that does not parse: the API's refusal as an alert; nothing added.
      await fw.getByLabel('New rule').fill('deny bananas');
      await fw.getByRole('button', { name: 'Add the rule to lab' }).click();
      await page.getByRole('alert').filter({ hasText: 'bad rule' }).waitFor();
      assert.equal((await listRules(home, 'lab')).rules.length, 1);
      const refused = browser.problems.filter((p) => / 400 \(Bad Request\)/.test(p));
      assert.equal(refused.length, 1, browser.problems.join('\n'));
      browser.problems.splice(browser.problems.indexOf(refused[0]), 1);
      await screenshot(page, 'ui-firewall');
      assert.deepEqual(await sticksOut(page.locator('[data-network="lab"]')), []);
      assert.deepEqual(browser.problems, []);
    },
  );

  it(
    'lists captured frames with what the firewall did, as tshark reads them, and downloads the same pcapng',
    { timeout: HANG_MS * 2 },
    async () => {
      // The capture route's stream, written by the switch's own pcapng writer; tshark is the oracle for the fields.
      const t0 = 1_765_000_000_000_000n;
      const pcap = Buffer.concat([
        pcapngHeader('lab'),
        pcapngPacket(arpRequest('10.0.10.10', '10.0.10.1'), t0),
        pcapngPacket(
          ipv4(1, '10.0.10.10', '10.0.10.11', [8, 0, 0, 0, 0, 1, 0, 7]),
          t0 + 1000n,
          'dropped by the firewall: rule 1 (deny)',
        ),
        pcapngPacket(ipv4(6, '10.0.10.11', '10.0.10.10', tcpSyn(40000, 22)), t0 + 2000n),
        pcapngPacket(ipv4(17, '10.0.10.10', '10.0.10.1', udp(33000, 53, dnsQuery())), t0 + 3000n),
      ]);
      const file = join(home, 'served.pcapng');
      writeFileSync(file, pcap);
      const fields = ['_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', 'frame.comment'];
      const oracle = execFileSync(
        'tshark',
        ['-r', file, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .map((l) => l.split('|'));
      assert.equal(oracle.length, 4);
      let asked = '';
      await page.route('**/api/networks/lab/capture*', (route) => {
        asked = route.request().url();
        return route.fulfill({ status: 200, contentType: 'application/x-pcapng', body: pcap });
      });
      await page.getByRole('button', { name: 'Networks' }).click();
      const cap = page.locator('[data-capture="lab"]');
      await cap.getByRole('button', { name: 'Capture the frames of lab' }).click();
      await cap
        .getByTestId('capture-status')
        .filter({ hasText: /^\s*4 frames/ })
        .waitFor();
      assert.match(asked, /\/api\/networks\/lab\/capture$/);
      const rows = await cap
        .locator('tr[data-frame]')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      assert.equal(rows.length, 4);
      rows.forEach((r, i) => {
        const [src, dst, proto, comment] = oracle[i];
        // tshark names an ARP frame's ends by MAC (its vendor prefix resolved); ours too, as plain MACs.
        if (proto !== 'ARP') assert.deepEqual([r[1], r[2]], [src, dst], `frame ${i + 1}`);
        assert.equal(r[3], proto, `frame ${i + 1}`);
        assert.equal(r[5] !== '', comment !== '', `frame ${i + 1}`);
      });
      assert.equal(rows[0][4], 'who has 10.0.10.1? tell 10.0.10.10');
      assert.equal(rows[1][4], 'echo request seq 7');
      assert.equal(rows[1][5], 'dropped: rule 1 (deny)');
      assert.equal(rows[2][4], '40000 → 22 [SYN]');
      assert.match(rows[0][0], /\.000000$/);
      assert.match(rows[1][0], /\.001000$/);
      await cap.locator('tr.dropped').filter({ hasText: 'ICMP' }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        cap.getByRole('button', { name: 'Download the capture of lab (pcapng)' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'lab.pcapng');
      const saved = join(home, 'downloaded.pcapng');
      await download.saveAs(saved);
      assert.ok(readFileSync(saved).equals(pcap));
      await screenshot(page, 'ui-capture');
      assert.deepEqual(await overlaps(page, 'header.top, .network, .console'), []);
      await page.unroute('**/api/networks/lab/capture*');
      assert.deepEqual(browser.problems, []);
    },
  );
});

const ipBytes = (ip: string) => ip.split('.').map(Number);

function arpRequest(sender: string, target: string): Buffer {
  const mac = [0x52, 0x54, 0, 0, 0, 1];
  return Buffer.from([
    ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ...mac,
    0x08,
    0x06,
    0,
    1,
    0x08,
    0,
    6,
    4,
    0,
    1,
    ...mac,
    ...ipBytes(sender),
    0,
    0,
    0,
    0,
    0,
    0,
    ...ipBytes(target),
  ]);
}

/** An Ethernet frame holding an IPv4 packet (header checksum computed). */
function ipv4(proto: number, src: string, dst: string, payload: number[] | Buffer): Buffer {
  const body = Buffer.from(payload);
  const ip = Buffer.from([0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, ...ipBytes(src), ...ipBytes(dst)]);
  ip.writeUInt16BE(20 + body.length, 2);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const eth = Buffer.from([0x52, 0x54, 0, 0, 0, 2, 0x52, 0x54, 0, 0, 0, 1, 0x08, 0]);
  return Buffer.concat([eth, ip, body]);
}

function tcpSyn(sport: number, dport: number): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sport, 0);
  t.writeUInt16BE(dport, 2);
  t.writeUInt32BE(1000, 4);
  t[12] = 5 << 4;
  t[13] = 0x02;
  t.writeUInt16BE(64240, 14);
  return t;
}

function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0);
  u.writeUInt16BE(dport, 2);
  u.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([u, payload]);
}

/** A DNS query for example.lab, type A. */
function dnsQuery(): Buffer {
  const name = Buffer.from([7, ...Buffer.from('example'), 3, ...Buffer.from('lab'), 0]);
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]);
}

/** The controls and tables of a box that stick out of it on the right. */
function sticksOut(box: Locator): Promise<string[]> {
  return box.evaluate((card) => {
    const right = card.getBoundingClientRect().right;
    return [...card.querySelectorAll('table, form, button, input, select')]
      .filter((el) => el.getBoundingClientRect().right > right + 0.5)
      .map((el) => el.outerHTML.slice(0, 80));
  });
}

/** The drawn snapshot tree: each snapshot's parent as the page nests it, and where "you are here" hangs. */
function treeShape(page: Page): Promise<Record<string, string | null>> {
  return page.evaluate(() => {
    const shape: Record<string, string | null> = {};
    const parentOf = (el: Element) =>
      el.parentElement?.closest('li[data-snapshot]')?.getAttribute('data-snapshot') ?? null;
    for (const li of document.querySelectorAll('li[data-snapshot]'))
      shape[li.getAttribute('data-snapshot')!] = parentOf(li);
    const here = document.querySelector('[data-testid="you-are-here"]');
    if (here) shape.here = parentOf(here);
    return shape;
  });
}

/** Waits until `test` holds (checked every 50 ms); fails after HANG_MS. */
async function waitUntil(test: () => boolean | Promise<boolean>, what = String(test)): Promise<void> {
  const deadline = Date.now() + HANG_MS;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
