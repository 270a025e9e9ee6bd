// Accessibility and the sticky bar, in Debian's chromium driven by playwright-core:
// - axe-core on the index, a runbook page, a failure-mode page and the incident form, in light
//   and dark, with search open and with no match: no serious or critical violation;
// - every in-page link of a failure-mode page lands its target below the sticky elements, and
//   Shift+Tab never leaves the focus under them (wide and phone-sized);
// - on a phone the header and the target bar take one line each, and unfold on demand.
//
// Usage: node a11y.mjs BOOK_DIR CHROMIUM. Prints each problem; exits 1 if there is any.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const [book, executablePath] = process.argv.slice(2);
const url = (page) => 'file://' + book + '/' + page;
const problems = [];
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });

async function axe(page, what) {
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
      problems.push(`${what}: axe ${v.id} (${v.impact}) at ${where}`);
    }
  }
  return result.violations.length;
}

async function accessibility(scheme) {
  const context = await browser.newContext({ colorScheme: scheme });
  const page = await context.newPage();
  const pages = ['index.html', 'api/index.html', 'api/increased-latency.html',
    'incident.html?runbook=api&failure_mode=increased-latency'];
  for (const p of pages) {
    await page.goto(url(p));
    await page.waitForLoadState('load');
    if (p.startsWith('incident')) await page.waitForSelector('#inc-checks li');
    await axe(page, `${scheme} ${p}`);
  }
  await page.goto(url('index.html'));
  await page.keyboard.press('/');
  await page.keyboard.type('latency');
  await page.waitForSelector('#results li[role=option]');
  await page.keyboard.press('ArrowDown');
  await axe(page, `${scheme} search open`);
  await page.fill('#q', 'zzzqqqxxy');
  await page.waitForSelector('#no-results:not([hidden])');
  if (await page.locator('#results li').count() !== 0) problems.push(`${scheme}: the listbox holds items with no match`);
  await axe(page, `${scheme} search with no match`);
  await context.close();
}

// The bottom of every sticky element that is stuck to the top of the viewport now.
function stuckBottom() {
  let bottom = 0;
  for (const el of document.querySelectorAll('body *')) {
    const pos = getComputedStyle(el).position;
    if (pos !== 'sticky' && pos !== 'fixed') continue;
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.top <= 1) bottom = Math.max(bottom, r.bottom);
  }
  return bottom;
}

async function inPageLinks(width, height) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(url('api/increased-latency.html'));
  const hrefs = await page.$$eval('main a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')));
  if (hrefs.length < 6) problems.push(`${width}px: only ${hrefs.length} in-page links`);
  for (const [i, href] of hrefs.entries()) {
    await page.evaluate(() => window.scrollTo(0, 0));
    // Start from the bottom as well, so links that jump upwards are tried too.
    if (i % 2) await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const link = page.locator(`main a[href="${href}"]`).first();
    await link.scrollIntoViewIfNeeded();
    await link.click();
    await page.waitForTimeout(50);
    const where = await page.evaluate(([id, stuck]) => {
      const target = document.getElementById(id);
      const top = target.getBoundingClientRect().top;
      // A target near the end of the page cannot scroll to the top: it only has to be visible.
      const atEnd = Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1;
      return { top, bar: new Function('return (' + stuck + ')()')(), atEnd, height: window.innerHeight };
    }, [decodeURIComponent(href.slice(1)), stuckBottom.toString()]);
    if (where.top < where.bar - 0.5 || where.top > where.height) {
      problems.push(`${width}px: ${href} lands at ${where.top.toFixed(0)} px, the sticky bar ends at ${where.bar.toFixed(0)} px`);
    }
  }
  // Shift+Tab from the end of the page: no focused element under the bar.
  await page.evaluate(() => { window.scrollTo(0, document.body.scrollHeight); document.querySelector('footer a').focus(); });
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Shift+Tab');
    const seen = await page.evaluate((stuck) => {
      const el = document.activeElement;
      const bar = document.querySelector('.targetbar');
      if (!el || el === document.body || (bar && bar.contains(el)) || el.closest('header')) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bar: new Function('return (' + stuck + ')()')(), what: el.outerHTML.slice(0, 80) };
    }, stuckBottom.toString());
    if (seen && seen.top < seen.bar - 0.5) {
      problems.push(`${width}px: Shift+Tab left ${seen.what} at ${seen.top.toFixed(0)} px, under the bar ending at ${seen.bar.toFixed(0)} px`);
      break;
    }
  }
  await context.close();
}

async function narrow() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(url('api/increased-latency.html'));
  // One line: every visible child of the bar starts on the same row.
  const rows = (css) => page.evaluate((css) => {
    const tops = Array.from(document.querySelector(css).children)
      .map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0).map((r) => r.top);
    return Math.max(...tops) - Math.min(...tops);
  }, css);
  const header = await rows('header.top');
  const bar = await rows('.targetbar');
  if (header > 12) problems.push(`360px: the header's parts spread over ${header} px: more than one line`);
  if (bar > 12) problems.push(`360px: the target bar's parts spread over ${bar} px: more than one line`);
  if (await page.isVisible('#new-rid')) problems.push('360px: the folded target bar still shows New id');
  await page.click('#targetbar-toggle');
  if (!(await page.isVisible('#new-rid'))) problems.push('360px: unfolding the target bar does not show New id');
  if ((await page.getAttribute('#targetbar-toggle', 'aria-expanded')) !== 'true') problems.push('360px: the fold button does not say it is expanded');
  await page.click('#menu-toggle');
  if (!(await page.isVisible('#site-nav'))) problems.push('360px: Menu does not show the site links');
  await context.close();
}

await accessibility('light');
await accessibility('dark');
await inPageLinks(1200, 800);
await inPageLinks(360, 740);
await narrow();
await browser.close();
for (const p of problems) console.log(p);
console.log(problems.length ? `${problems.length} problems` : 'ok');
process.exit(problems.length ? 1 : 0);
