// The web console with two Debian VMs on one network: ping from one console, a firewall rule added in the page's table
// stops it (the rule's counter grows, the capture view marks the dropped frames), deleting it lets ping resume; the
// main view with a live statistics pane, its screenshot the one docs/ui-main.png shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { ManagerHome } from './harness/manager-cli.js';
import { ARTIFACTS, chromiumAvailable, openBrowser, overlaps, screenshot, terminalText } from './harness/browser.js';
import { spawnServe, typeUntil } from './harness/serve-process.js';

/** Bounds a hang (two boots on a loaded CI machine take minutes); not a timing assertion. */
const WAIT_MS = 15 * 60_000;

/** The ping sequence numbers that got a reply, as the console shows them ("64 bytes from ...: seq=N ttl=..."). */
async function replies(page: Page): Promise<number[]> {
  return [...(await terminalText(page)).matchAll(/bytes from 10\.0\.10\.22: seq=(\d+) /g)].map((m) => Number(m[1]));
}

/** The highest sequence number that got a reply; -1: none. */
async function lastReply(page: Page): Promise<number> {
  return Math.max(-1, ...(await replies(page)));
}

async function until(what: string, test: () => Promise<boolean>, deadline: number): Promise<void> {
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(500);
  }
}

test(
  'two Debian VMs on one network: ping in the console, stopped by a rule added in the firewall table and resumed when it is deleted; the capture view shows the frames; the main view with live statistics',
  { timeout: 40 * 60_000, skip: chromiumAvailable() ? false : 'needs /usr/bin/chromium (apt-get install chromium)' },
  async () => {
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-ui-net-');
    for (const args of [
      ['net', 'create', 'lab', '--subnet', '10.0.10.0/24'],
      ['create', 'vm1', '-m', '256M', '--network', 'lab', '--ip', '10.0.10.21'],
      ['create', 'vm2', '-m', '256M', '--network', 'lab', '--ip', '10.0.10.22'],
      ['start', 'vm1'],
      ['start', 'vm2'],
    ]) {
      const r = await h.tv(...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const deadline = Date.now() + WAIT_MS;
    const serve = await spawnServe(h.env(), deadline);
    const browser = await openBrowser();
    const page = browser.page;
    page.setDefaultTimeout(WAIT_MS);
    // Tall enough for the list, the console and the whole statistics pane in one screenshot.
    await page.setViewportSize({ width: 1400, height: 1370 });
    try {
      await page.goto(serve.pageUrl);
      await page.waitForSelector('tr[data-vm="vm1"][data-state="running"]');
      await page.waitForSelector('tr[data-vm="vm2"][data-state="running"]');
      const vm1 = page.locator('tr[data-vm="vm1"]');
      await vm1.getByRole('button', { name: 'Console of vm1' }).click();
      await vm1.getByRole('button', { name: 'Statistics of vm1' }).click();
      const pane = page.locator('.console[data-console="vm1"][data-status="connected"]');
      await pane.waitFor();
      await pane.locator('.xterm').click();
      await typeUntil(page, 'echo "up-$((6*7))"', 'up-42', deadline);
      // A ping that runs to the end of the test: one echo request a second, each reply a line with its sequence number.
      await page.keyboard.type('clear; ping 10.0.10.22');
      await page.keyboard.press('Enter');
      await until('five replies from vm2', async () => (await replies(page)).length >= 5, deadline);

      // The main view: the list, vm1's console with the replies, its statistics charted.
      const stats = page.locator('.stats-pane[data-stats="vm1"][data-status="live"]');
      await stats.waitFor();
      await until(
        'ten statistics samples',
        async () => Number(await stats.getAttribute('data-samples')) >= 10,
        deadline,
      );
      const mips = await stats.locator('[data-chart="mips"] [data-series="MIPS"] .value').innerText();
      assert.match(mips, /^\d+\.\d+ MIPS$/);
      assert.notEqual(mips, '0.00 MIPS', 'the guest runs instructions');
      // The ping crosses vm1's card every second: its network chart shows bytes both ways.
      const rate = (series: string) =>
        stats.locator(`[data-chart="network"] [data-series="${series}"] .value`).innerText();
      await until(
        'network bytes both ways in the chart',
        async () => !/^0 B\/s$/.test(await rate('sent')) && !/^0 B\/s$/.test(await rate('received')),
        deadline,
      );
      await screenshot(page, 'ui-main');
      if (process.env.TYPEVISOR_UI_SCREENSHOT)
        copyFileSync(join(ARTIFACTS, 'ui-main.png'), process.env.TYPEVISOR_UI_SCREENSHOT);
      assert.deepEqual(await overlaps(page, 'header.top, .list, form.create, .console, .stats-pane'), []);
      assert.deepEqual(await overlaps(page, '.stats-pane .chart'), []);

      // The firewall table: deny vm1's pings to vm2.
      await page.getByRole('button', { name: 'Networks' }).click();
      const fw = page.locator('[data-firewall="lab"]');
      await fw.getByLabel('New rule').fill('deny icmp from vm1 to vm2');
      await fw.getByRole('button', { name: 'Add the rule to lab' }).click();
      const rule = fw.locator('tr[data-position="1"]');
      await rule.waitFor();
      const hits = async () => {
        await fw.getByRole('button', { name: 'Read the counters of lab again' }).click();
        await sleep(300);
        return Number(await rule.getByTestId('rule-packets').innerText());
      };
      await until('the rule to drop a ping', async () => (await hits()) >= 1, deadline);
      const before = await lastReply(page);
      const firstHits = await hits();

      // The capture while the rule holds: vm1's echo requests, marked as dropped by rule 1.
      const cap = page.locator('[data-capture="lab"]');
      await cap.getByRole('button', { name: 'Capture the frames of lab' }).click();
      await cap.locator('tr.dropped').filter({ hasText: 'echo request' }).first().waitFor();
      const dropped = await cap.locator('tr.dropped').first().locator('td').allInnerTexts();
      assert.equal(dropped[1], '10.0.10.21');
      assert.equal(dropped[2], '10.0.10.22');
      assert.equal(dropped[3], 'ICMP');
      assert.match(dropped[5], /^dropped: rule \d+ \(deny\)$/);
      await until('three more pings dropped', async () => (await hits()) >= firstHits + 3, deadline);
      assert.equal(await lastReply(page), before, 'no reply while the rule holds');
      await screenshot(page, 'ui-network-denied');
      assert.deepEqual(await overlaps(page, 'header.top, .network, .console, .stats-pane'), []);

      await fw.getByRole('button', { name: /^Delete rule 1 of lab/ }).click();
      await rule.waitFor({ state: 'detached' });
      await until('replies again', async () => (await lastReply(page)) > before, deadline);
      await cap.locator('tr:not(.dropped)').filter({ hasText: 'echo reply' }).first().waitFor();
      await cap.getByRole('button', { name: 'Stop the capture of lab' }).click();
      await screenshot(page, 'ui-network-capture');

      await pane.locator('.xterm').click();
      await page.keyboard.press('Control+C');
      await page.waitForFunction(() =>
        /\d+ packets transmitted, \d+ packets received/.test(
          document.querySelector('.console .xterm-rows')?.textContent ?? '',
        ),
      );
      const summary = /(\d+) packets transmitted, (\d+) packets received/.exec(await terminalText(page))!;
      const [sent, answered] = [Number(summary[1]), Number(summary[2])];
      assert.ok(sent > answered, `some pings went unanswered: ${summary[0]}`);
      // The statistics count vm1's card: at least ping's requests went out and its answers came in, 98 bytes each
      // (Ethernet, IPv4 and ICMP headers and 56 data bytes).
      const report = await h.tv('stats', 'vm1');
      const card = /virtio-net 0: ([\d,]+) frames in \(([\d,]+) bytes\), ([\d,]+) out/.exec(report.stdout);
      assert.ok(card, report.stdout + report.stderr);
      const [framesIn, bytesIn, framesOut] = card.slice(1).map((v) => Number(v.replace(/,/g, '')));
      assert.ok(framesOut >= sent, `${framesOut} frames out, ${sent} pings sent`);
      assert.ok(framesIn >= answered && bytesIn >= 98 * answered, card[0]);
      assert.deepEqual(browser.problems, []);
    } finally {
      await screenshot(page, 'ui-network-last').catch(() => undefined);
      await browser.close();
      serve.stop();
      // Their network's switch ends when its last VM leaves.
      for (const vm of ['vm1', 'vm2']) await h.tv('kill', vm);
      h.cleanup();
    }
  },
);
