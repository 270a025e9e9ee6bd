// Live reload under `opsbook serve`, in Debian's chromium driven by playwright-core: an edit of
// what a failure-mode page shows appears in the open page without a reload, the page still
// works (copy buttons, the target's commands, the target picker), an edit of the page's frame
// (the book's title) reloads it, a broken edit shows the errors and its fix the page again.
//
// Usage: node live.mjs PAGE_URL PROJECT_DIR CHROMIUM
// Exits 1, saying what went wrong, when any of it does not happen.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const [url, project, executablePath] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const page = await browser.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // The error page is served with status 500, which the console reports as a failed load.
  if (m.type() === 'error' && !/status of 500/.test(m.text())) problems.push(`console: ${m.text()}`);
});

// Saved the way an editor saves: a new file renamed over the old.
const save = (rel, text) => {
  const file = join(project, rel);
  writeFileSync(file + '.saving', text);
  renameSync(file + '.saving', file);
};
const edit = (rel, from, to) => {
  const text = readFileSync(join(project, rel), 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} does not contain "${from}"`);
  save(rel, text.replace(from, to));
};
const until = async (what, test) => {
  const start = Date.now();
  while (!(await page.evaluate(test).catch(() => false))) {
    if (Date.now() - start > 10000) {
      const shown = await page.evaluate(() => JSON.stringify([location.href, document.title, document.body.textContent.replace(/\s+/g, ' ').slice(0, 300)])).catch((e) => String(e));
      throw new Error(`not within 10 s: ${what}; the page says:\n${shown}`);
    }
    await page.waitForTimeout(20);
  }
};
const mainText = () => page.evaluate(() => document.querySelector('main').textContent);
const fail = (message) => { throw new Error(message); };

try {
  await page.goto(url);
  await page.waitForTimeout(500);
  await page.evaluate(() => { window.__sameDocument = true; });

  // 1. What the page shows: swapped in place, and the page still works.
  edit('runbooks/api.yaml', 'Users report slow pages', 'Users report very slow pages');
  await until('the edit shown', () => document.querySelector('main').textContent.includes('very slow pages'));
  if (!(await page.evaluate(() => window.__sameDocument === true))) fail('the edit reloaded the page instead of showing it in place');
  const text = await mainText();
  if (!text.includes('https://api.staging.example.com/healthz')) fail(`the commands are not filled with the target of the URL:\n${text}`);
  const copies = await page.evaluate(() => document.querySelectorAll('main pre .copy').length);
  if (copies === 0) fail('the swapped content has no copy buttons');
  const rid = await page.evaluate(() => (document.getElementById('rid') || {}).textContent || '');
  if (!/^ob-\d{8}T\d{6}Z-[0-9a-f]{6}-\d{4}$/.test(rid)) fail(`no request id after the swap: "${rid}"`);
  const other = await page.evaluate(() => {
    const select = document.getElementById('target');
    const option = Array.from(select.options).find((o) => o.value !== select.value);
    return option && option.value;
  });
  if (!other) fail('the runbook has one target: the picker cannot be tried');
  await page.selectOption('#target', other);
  const picked = await mainText();
  if (picked.includes('https://api.staging.example.com/healthz')) fail(`choosing target "${other}" after the swap changed nothing`);

  // 2. The book's title is in every page's header: the page reloads.
  edit('opsbook.yaml', 'title: opsbook example on-call book', 'title: renamed on-call book');
  await until('the new title in the header', () => document.body.textContent.includes('renamed on-call book'));
  if (await page.evaluate(() => window.__sameDocument === true)) fail('a new header was swapped in without a reload');

  // 3. A broken edit shows the errors; its fix, the page again.
  const good = readFileSync(join(project, 'runbooks/api.yaml'), 'utf8');
  save('runbooks/api.yaml', good.replace('severity: sev2', 'severity: sev9'));
  await until('the error page', () => document.body.textContent.includes('does not build'));
  save('runbooks/api.yaml', good);
  await until('the page again', () => !!document.querySelector('main') &&
    document.querySelector('main').textContent.includes('very slow pages'));
  if (problems.length) fail(problems.join('\n'));
  console.log(JSON.stringify({ in_place: true, copies, reloaded_for_header: true }));
} catch (e) {
  console.error(`live reload: ${e.message}`);
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
