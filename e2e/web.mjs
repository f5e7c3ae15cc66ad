// End-to-end test of `rollgate serve` in real headless Chromium.
// Usage: node e2e/web.mjs BASE_URL ARTIFACT_DIR
// Exits 0 when every step passes; prints the failing step otherwise.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const [base, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ acceptDownloads: true });
const page = await context.newPage();
// The pages run under a strict Content-Security-Policy: any script or
// style it blocks shows up here, and fails the last step.
const cspViolations = [];
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
let step = 'start';
const passed = [];
function ok(name) { passed.push(name); }

try {
  step = 'form is prefilled and the facts panel fills in';
  await page.goto(base + '/');
  await page.waitForFunction(() => document.getElementById('facts-body').textContent.includes('PostgreSQL'));
  assert.match(await page.inputValue('#from-state'), /Postgres 14\.7/);
  ok(step);

  step = 'the facts panel follows typing';
  await page.fill('#integration-points', 'Backend services (50), a Kafka topic for order events');
  await page.waitForFunction(() => document.getElementById('facts-body').textContent.includes('Apache Kafka'));
  ok(step);

  step = 'generate a plan';
  await page.fill('#start', '2026-04-27');
  await Promise.all([page.waitForURL(/\/plans\/\d+$/), page.click('#generate')]);
  const firstUrl = page.url();
  await page.waitForSelector('#phases');
  assert.ok(await page.locator('article.phase').count() >= 5, 'phases shown');
  assert.ok(await page.locator('svg').count() >= 1, 'timeline shown');
  assert.ok((await page.content()).includes('point of no return'));
  await page.screenshot({ path: `${artifacts}/plan.png`, fullPage: false });
  ok(step);

  step = 'download every format';
  for (const [id, check] of [
    ['#dl-md', (t) => t.startsWith('# ')],
    ['#dl-json', (t) => JSON.parse(t).phases.length >= 5],
    ['#dl-ics', (t) => t.startsWith('BEGIN:VCALENDAR')],
    ['#dl-html', (t) => t.startsWith('<!doctype html>')],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(check(text), `download ${id}`);
  }
  ok(step);

  step = 'the plan as JSON by content negotiation';
  const res = await context.request.get(firstUrl, { headers: { Accept: 'application/json' } });
  assert.equal(res.status(), 200);
  assert.ok((await res.json()).summary.mode.startsWith('database'));
  ok(step);

  step = 'reopen from history';
  await page.goto(base + '/plans');
  await Promise.all([page.waitForURL(/\/plans\/\d+$/), page.click('#history a >> nth=0')]);
  await page.waitForSelector('#phases');
  ok(step);

  step = 'edit into a new revision and compare';
  await page.goto(firstUrl + '/edit');
  assert.match(await page.inputValue('#from-state'), /Postgres 14\.7/);
  await page.fill('#criticality', 'Low. Internal reporting only.');
  await page.fill('#rollback-acceptable-delay', 'A day is fine.');
  await Promise.all([page.waitForURL(/\/plans\/\d+$/), page.click('#generate')]);
  assert.notEqual(page.url(), firstUrl);
  await Promise.all([page.waitForURL(/\/compare\//), page.click('#compare')]);
  assert.ok(await page.locator('#compare-summary tr.changed').count() >= 1, 'changes highlighted');
  assert.ok(await page.locator('#compare-phases').count() === 1);
  ok(step);

  step = 'an XSS payload in every field stays text';
  await page.goto(base + '/');
  await page.click('#clear');
  const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"\'><svg onload="window.__xss=3">';
  for (const id of ['migration-type', 'from-state', 'to-state', 'scale', 'criticality', 'rollback-acceptable-delay', 'existing-dual-run-capability', 'team-availability', 'prior-migration-experience', 'constraints', 'integration-points']) {
    await page.fill('#' + id, `${payload} Postgres 12 ${id}`);
  }
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'facts panel did not run the payload');
  await Promise.all([page.waitForLoadState('load'), page.click('#generate')]);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'plan or error page did not run the payload');
  const html = await page.content();
  assert.ok(!html.includes('<img src=x'), 'payload markup escaped');
  await page.goto(base + '/plans');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'history did not run the payload');
  ok(step);

  step = 'input limits give a clear page, not a stack trace';
  const big = 'x'.repeat(20 * 1024);
  const r = await context.request.post(base + '/plans', { form: { 'from-state': big } });
  assert.equal(r.status(), 400);
  assert.match(await r.text(), /limit is 16384/);
  const huge = await context.request.post(base + '/plans', { form: { 'from-state': 'y'.repeat(300 * 1024) } });
  assert.equal(huge.status(), 413);
  assert.match(await huge.text(), /may be at most/);
  const missing = await context.request.get(base + '/plans/999999');
  assert.equal(missing.status(), 404);
  ok(step);

  step = 'the pages run their scripts as files, and the CSP blocks nothing of ours';
  await page.goto(firstUrl);
  await page.waitForSelector('pre button');
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script on the plan page');
  const headers = (await context.request.get(firstUrl)).headers();
  assert.match(headers['content-security-policy'], /script-src 'self'/);
  assert.deepEqual(cspViolations, []);
  ok(step);

  console.log(`${passed.length} passed, 0 failed`);
  await browser.close();
} catch (e) {
  console.error(`FAILED at step: ${step}\n${e.stack || e}`);
  await page.screenshot({ path: `${artifacts}/failure.png` }).catch(() => {});
  console.log(`${passed.length} passed, 1 failed`);
  await browser.close();
  process.exit(1);
}
