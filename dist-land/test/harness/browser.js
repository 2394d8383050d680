// Debian's Chromium driven by playwright-core for the web console's tests: headless, a fresh profile, loopback only.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
/** The browser the tests use: Debian's `chromium` package (.ci/run installs it); never a downloaded one. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the tests leave screenshots (dist/test-artifacts; not committed). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];
export function chromiumAvailable() {
    return existsSync(CHROMIUM);
}
/** Opens a page in a fresh Chromium profile; everything it reports as an error is collected. */
export async function openBrowser() {
    const profile = mkdtempSync(join(tmpdir(), 'tv-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1400, height: 1200 },
        // The page's clipboard buttons are exercised too.
        permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('console', (m) => {
        if (m.type() === 'error')
            problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return {
        context,
        page,
        problems,
        close: async () => {
            await context.close();
            rmSync(profile, { recursive: true, force: true });
        },
    };
}
/** Saves a screenshot of the page as a test artifact. */
export async function screenshot(page, name) {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The viewport, not the full page: a full-page capture resizes the viewport, and the page reflows under the next click.
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
/** The boxes of the elements matching `selector` that overlap each other (none, when the layout is sound). */
export async function overlaps(page, selector) {
    return page.evaluate((sel) => {
        const boxes = [...document.querySelectorAll(sel)].map((e) => ({
            what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`,
            r: e.getBoundingClientRect(),
        }));
        const out = [];
        for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].r;
                const b = boxes[j].r;
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                    out.push(`${boxes[i].what} overlaps ${boxes[j].what}`);
            }
        return out;
    }, selector);
}
/** The text a terminal shows (xterm's DOM rows), its lines joined with newlines. */
export async function terminalText(page, nth = 0) {
    return page
        .locator('.console .xterm-rows')
        .nth(nth)
        .evaluate((e) => [...e.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
}
//# sourceMappingURL=browser.js.map