// A responder's journey from a failure-mode page to a downloaded record, in Debian's chromium
// driven by playwright-core, from file://:
// - pick a non-default target, make a new request id, copy a command ("Copied" is announced),
//   start a record: the form shows the target's checks and the id;
// - type what lint would refuse (a start time of "yesterday 8am", resolved without a time, a
//   timeline row with no event): each shows next to its field and in the summary;
// - download: the file is saved to OUT_DIR under the name the browser offered;
// - reload the form 10 times: the Copy buttons of its checks are there every time;
// - download an untouched draft, with what the form says lint will report about it.
//
// Usage: node journey.mjs BOOK_DIR CHROMIUM OUT_DIR. Prints a JSON summary on its last line
// ({id, file, fresh: {file, errors, warnings}, problems}); exits 1 when a step went wrong.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [book, executablePath, outDir] = process.argv.slice(2);
const url = (page) => 'file://' + book + '/' + page;
const problems = [];
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const context = await browser.newContext({ acceptDownloads: true });
const page = await context.newPage();

await page.goto(url('api/increased-latency.html'));
await page.selectOption('#target', 'staging');
await page.click('#new-rid');
const id = (await page.textContent('#rid')).trim();
if (!/^ob-\d{8}T\d{6}Z-[0-9a-f]{6}-0002$/.test(id)) problems.push(`the page's second request id is ${id}`);

// Copy buttons are named after what they copy, and a copy is announced.
const names = await page.$$eval('section[aria-labelledby=checks] button.copy', (bs) => bs.map((b) => b.getAttribute('aria-label')));
if (new Set(names).size !== names.length || names.some((n) => n === 'Copy command')) {
  problems.push(`Copy buttons share names: ${names.join(' / ')}`);
}
await page.click('section[aria-labelledby=checks] button.copy');
await page.waitForFunction(() => /^Copied: /.test(document.getElementById('live').textContent), null, { timeout: 5000 })
  .catch(() => problems.push('"Copied" was not announced in the live region'));

await page.click('aside.first a[data-incident]');
await page.waitForSelector('#inc-checks li');
if ((await page.inputValue('#inc-target')) !== 'staging') problems.push('the form did not take the target from the page');
const ids = await page.inputValue('#inc-request-ids');
if (!ids.includes(id)) problems.push(`the form's request ids (${ids}) miss the page's ${id}`);
const checks = await page.textContent('#inc-checks');
if (!checks.includes('https://api.staging.example.com')) problems.push('the form shows the checks without the target');

// What lint will refuse shows as it is typed.
await page.fill('#inc-title', 'Test | with pipe');
await page.fill('#inc-started', 'yesterday 8am');
await page.selectOption('#inc-status', 'resolved');
await page.click('#inc-add-event');
const problemsText = await page.textContent('#inc-problems');
for (const rule of ['invalid-timestamp', 'resolved-without-time', 'empty-timeline-event']) {
  if (!problemsText.includes(rule)) problems.push(`the summary does not name ${rule}: ${problemsText}`);
}
if ((await page.getAttribute('#inc-started', 'aria-invalid')) !== 'true') problems.push('the start time is not marked invalid');
const inline = await page.$$eval('.incident-form .problem', (ps) => ps.map((p) => p.textContent));
if (!inline.some((t) => t.includes('invalid-timestamp'))) problems.push(`no inline problem for the start time: ${inline}`);

// Fixed, the problems go; the row without an event is removed.
await page.fill('#inc-started', '2026-11-26T08:00:00Z');
await page.fill('#inc-resolved', '2026-11-26T09:00:00Z');
await page.click('#inc-timeline .remove');
if (!(await page.textContent('#inc-problems')).includes('incomplete-timeline')) problems.push('a resolved record without an end row is not flagged');
await page.click('#inc-add-event');
await page.fill('#inc-timeline .row:last-child input[data-cell="0"]', '2026-11-26T09:00:00Z');
await page.fill('#inc-timeline .row:last-child input[data-cell="1"]', 'Resolved: p95 back under budget');
await page.fill('#inc-summary', 'A deploy added a slow query.');
await page.fill('#inc-impact', 'Slow responses for 20 minutes.');
for (const area of await page.$$('[data-answer]')) await area.fill('Answered.');
const after = await page.textContent('#inc-problems');
if (!after.includes('nothing to report')) problems.push(`problems left after fixing them: ${after}`);

const [download] = await Promise.all([page.waitForEvent('download'), page.click('#inc-download')]);
const file = path.join(outDir, download.suggestedFilename());
await download.saveAs(file);

// A title in another script is slugged as `incident new` slugs it.
await page.fill('#inc-title', 'Задержка API | p95');
const [second] = await Promise.all([page.waitForEvent('download'), page.click('#inc-download')]);
if (second.suggestedFilename() !== '2026-11-26-задержка-api-p95.md') {
  problems.push(`a Cyrillic title was saved as ${second.suggestedFilename()}`);
}

// The Copy buttons of the form's checks, on every load.
for (let i = 0; i < 10; i++) {
  await page.reload();
  await page.waitForFunction(() => document.readyState === 'complete' && document.querySelectorAll('#inc-checks pre').length > 0);
  const counts = await page.evaluate(() => [
    document.querySelectorAll('#inc-checks pre').length,
    document.querySelectorAll('#inc-checks pre button.copy').length,
  ]);
  if (counts[0] !== counts[1]) problems.push(`load ${i + 1}: ${counts[1]} Copy buttons for ${counts[0]} checks`);
}

// An untouched draft: what the form says lint will report, and the file, for the test to lint.
const freshPage = await (await browser.newContext({ acceptDownloads: true })).newPage();
await freshPage.goto(url('incident.html?runbook=api&failure_mode=error-spike&started_at=2026-11-26T08:00:00Z'));
await freshPage.waitForSelector('#inc-checks li');
const said = (await freshPage.textContent('#inc-problems')).match(/report (\d+) errors? and (\d+) warnings?/);
if (!said) problems.push('an untouched draft does not say what lint will report');
const [draft] = await Promise.all([freshPage.waitForEvent('download'), freshPage.click('#inc-download')]);
const freshFile = path.join(outDir, 'fresh-' + draft.suggestedFilename());
await draft.saveAs(freshFile);
const fresh = { file: freshFile, errors: said ? Number(said[1]) : -1, warnings: said ? Number(said[2]) : -1 };

await browser.close();
for (const p of problems) console.log(p);
console.log(JSON.stringify({ id, file, fresh, problems: problems.length }));
process.exit(problems.length ? 1 : 0);
