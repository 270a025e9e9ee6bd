// Live reload under `opsbook serve`, in Debian's chromium driven by playwright-core: opens a
// failure-mode page, then RUNS times changes a text of the runbook file (OLD_TEXT, which the
// page shows, gets ` editN` added; saved the way an editor saves: a new file renamed over the
// old) and waits for the open page to show the new text. Measures two times from each save:
// until serve answers with the new site (its version changes: what opsbook does), and until
// the page shows the new text (that plus the push to the page, the page fetching itself and
// swapping its content in, or reloading). Prints each, whether the page was updated in place,
// and the medians as JSON on the last line.
//
// Usage: node reload.mjs PAGE_URL RUNBOOK_FILE OLD_TEXT CHROMIUM [RUNS]
// Exits 1 when a save is not shown within 10 s.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

const [url, file, oldTitle, executablePath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(url);
// Let the page's first poll learn the current version.
await page.waitForTimeout(300);

const original = readFileSync(file, 'utf8');
if (!original.includes(oldTitle)) {
  console.error(`${file} does not contain "${oldTitle}"`);
  process.exit(1);
}
let current = oldTitle;
const times = [];
const served = [];
const places = [];
const origin = new URL(url).origin;
const version = async () => (await fetch(origin + '/__opsbook/version')).text();
try {
  for (let i = 1; i <= runs; i++) {
    const title = `${oldTitle} edit${i}`;
    const text = readFileSync(file, 'utf8').replace(current, title);
    await page.evaluate(() => { window.__sameDocument = true; });
    // Watches the page from before the save: resolves when <main> says the new text.
    const inMain = (t) => {
      const main = document.querySelector('main');
      return !!main && main.textContent.includes(t);
    };
    const watch = (t) => new Promise((resolve) => {
      const has = () => { const m = document.querySelector('main'); return !!m && m.textContent.includes(t); };
      if (has()) return resolve(true);
      const seen = new MutationObserver(() => { if (has()) { seen.disconnect(); resolve(true); } });
      seen.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    });
    const shown = page.evaluate(watch, title);
    const before = await version();
    const start = performance.now();
    writeFileSync(file + '.saving', text);
    renameSync(file + '.saving', file);
    while ((await version()) === before) {
      if (performance.now() - start > 10000) throw new Error('serve never rebuilt');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    served.push(performance.now() - start);
    try {
      await shown;
    } catch (e) {
      // A reload replaced the document the wait was watching: wait in the new one.
      await page.waitForFunction(inMain, title, { polling: 1, timeout: 10000 });
    }
    const ms = performance.now() - start;
    times.push(ms);
    const inPlace = await page.evaluate(() => window.__sameDocument === true);
    places.push(inPlace);
    console.log(`save ${i}: served after ${served[i - 1].toFixed(1)} ms, shown after ${ms.toFixed(1)} ms${inPlace ? ' (in place)' : ' (reloaded)'}`);
    current = title;
    await page.waitForTimeout(200);
  }
} catch (e) {
  console.error(`the page did not show the save: ${e.message}`);
  process.exitCode = 1;
} finally {
  writeFileSync(file, original);
  await browser.close();
}
const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};
console.log(JSON.stringify({ served: median(served), shown: median(times), in_place: places.filter(Boolean).length }));
