// The web console in Debian's Chromium against `typevisor serve` and a real Debian guest: create and start from the
// form, type into the xterm.js console and see the guest's answer, suspend and start again, stop and delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { ManagerHome } from './harness/manager-cli.js';
import { chromiumAvailable, openBrowser, overlaps, screenshot } from './harness/browser.js';
import { spawnServe, typeUntil } from './harness/serve-process.js';

/** Bounds a hang (a boot on a loaded CI machine takes minutes); not a timing assertion. */
const WAIT_MS = 15 * 60_000;

test(
  'the web console creates a Debian VM, shows its console, passes typed commands to the guest, suspends and stops it',
  { timeout: 40 * 60_000, skip: chromiumAvailable() ? false : 'needs /usr/bin/chromium (apt-get install chromium)' },
  async () => {
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-ui-');
    const serve = await spawnServe(h.env(), Date.now() + WAIT_MS);
    const browser = await openBrowser();
    const page = browser.page;
    page.setDefaultTimeout(WAIT_MS);
    try {
      const deadline = Date.now() + WAIT_MS;
      await page.goto(serve.pageUrl);
      await page
        .getByTestId('connection')
        .filter({ hasText: /^live$/ })
        .waitFor();
      await page
        .getByTestId('memory-help')
        .filter({ hasText: /This VM fits/ })
        .waitFor();

      await page.getByLabel('Name').fill('web');
      await page.getByRole('button', { name: 'Create and start' }).click();
      await page.waitForSelector('tr[data-vm="web"][data-state="running"]');
      const pane = page.locator('.console[data-console="web"][data-status="connected"]');
      await pane.waitFor();

      await pane.locator('.xterm').click();
      await typeUntil(page, 'echo "ui-$((6*7))-$(uname -m)"', 'ui-42-riscv64', deadline);
      const row = page.locator('tr[data-vm="web"]');
      assert.match(await row.locator('td').nth(3).innerText(), /^\d+(\.\d)? MiB$/, 'host RSS of the VM process');
      assert.match(await row.locator('td').nth(4).innerText(), /^\d+(\.\d)? [KM]iB$/, 'disk use of the new qcow2 disk');
      await screenshot(page, 'ui-debian-console');
      assert.deepEqual(await overlaps(page, 'header.top, .list, form.create, .console'), []);

      // Suspend from the list, start again: the guest goes on where it was (no boot), its shell still answering.
      await row.getByRole('button', { name: 'Suspend web' }).click();
      await row.locator('.state-suspended').waitFor();
      await row.getByRole('button', { name: 'Start web' }).click();
      await page.waitForSelector('tr[data-vm="web"][data-state="running"]');
      await pane.waitFor();
      await pane.locator('.xterm').click();
      await typeUntil(page, 'echo "back-$((5+6))"', 'back-11', deadline);

      await row.getByRole('button', { name: 'Stop web' }).click();
      await page.waitForSelector('tr[data-vm="web"][data-state="stopped"]');
      // The viewer now shows the console log, which holds the guest's answer.
      await page.locator('.console[data-console="web"][data-status="log"]').waitFor();
      await page.waitForFunction(() =>
        document.querySelector('.console .xterm')?.textContent?.includes('ui-42-riscv64'),
      );

      await row.getByRole('button', { name: 'Delete web' }).click();
      await page.getByRole('dialog', { name: 'Delete web?' }).getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      assert.deepEqual(browser.problems, []);
    } finally {
      await screenshot(page, 'ui-debian-last').catch(() => undefined);
      await browser.close();
      serve.stop();
      h.cleanup();
    }
  },
);
