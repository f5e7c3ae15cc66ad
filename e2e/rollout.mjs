// End-to-end test of the live rollout page in real headless Chromium.
// Usage: node e2e/rollout.mjs BASE_URL ARTIFACT_DIR ROLLGATE_BIN STORE ROLLOUT
// The page is open while the rollgate binary changes the rollout from
// outside (as an operator's terminal would); the page must follow.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';

const [base, artifacts, bin, store, rollout] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const rollgate = (...args) => execFileSync(bin, ['run', ...args, '--store', store, '--rollout', rollout], { encoding: 'utf8' });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await (await browser.newContext()).newPage();
const cspViolations = [];
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
let step = 'start';
const passed = [];
const ok = (name) => passed.push(name);

try {
  step = 'the list shows the rollout and links to it';
  await page.goto(base + '/rollouts');
  await Promise.all([page.waitForURL(/\/rollouts\/[^/]+$/), page.click(`a[href="/rollouts/${rollout}"]`)]);
  ok(step);

  step = 'the timeline marks the current phase and the gate shows each check';
  assert.equal(await page.locator('#timeline tr.current').count(), 1);
  assert.equal(await page.locator('#timeline tr.current').getAttribute('data-phase'), 'prep');
  assert.ok(await page.locator('#checks tr[data-check]').count() >= 1);
  assert.match(await page.locator('#checks tr[data-check] .verdict').first().textContent(), /inconclusive/);
  assert.match(await page.locator('#approvals').textContent(), /missing/);
  ok(step);

  step = 'approve from the page with a name';
  const role = await page.locator('#approve-role option').first().getAttribute('value');
  await page.fill('#approve-name', 'Dana <script>alert(1)</script>');
  await page.selectOption('#approve-role', role);
  await Promise.all([page.waitForURL(/\/rollouts\/[^/]+$/), page.click('#approve-submit')]);
  const approvals = await page.locator('#approvals li.given').first().textContent();
  assert.ok(approvals.includes('Dana <script>alert(1)</script>'), 'the name is shown as text, not run');
  assert.match(rollgate('log'), /Dana <script>alert\(1\)<\/script> approved prep/);
  ok(step);

  step = 'the page follows a confirmation made from a terminal, without a reload';
  rollgate('confirm', 'prep.rehearsed-rollback-time', '--value', '6', '--as', 'Eli');
  await page.waitForFunction(() => {
    const cell = document.querySelector('#checks tr[data-check="prep.rehearsed-rollback-time"] .verdict');
    return cell && cell.textContent.trim() === 'pass';
  }, null, { timeout: 15000 });
  assert.match(await page.locator('#log').textContent(), /Eli confirmed prep\.rehearsed-rollback-time = 6/);
  ok(step);

  step = 'an override from a terminal moves the timeline and the approval form on the open page, keeping what was typed';
  await page.fill('#approve-name', 'Fay');
  rollgate('advance', '--override', '--reason', 'drill', '--as', 'Eli');
  await page.waitForFunction(() => document.querySelector('#timeline tr.current')?.dataset.phase !== 'prep', null, { timeout: 15000 });
  assert.notEqual(await page.inputValue('input[name=phase]'), 'prep', 'the form approves the new phase');
  assert.equal(await page.inputValue('#approve-name'), 'Fay');
  await page.screenshot({ path: `${artifacts}/rollout.png`, fullPage: true });
  ok(step);

  step = 'a forged cross-site approval is refused';
  const forged = await page.request.post(`${base}/rollouts/${rollout}/approve`, {
    headers: { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: `name=mallory&role=${encodeURIComponent(role)}`,
    maxRedirects: 0,
  });
  assert.equal(forged.status(), 403);
  assert.doesNotMatch(rollgate('log'), /mallory/);
  ok(step);

  step = 'no script or style was blocked by the Content-Security-Policy';
  assert.deepEqual(cspViolations, []);
  ok(step);
} catch (e) {
  console.log(`FAILED at "${step}": ${e.message}`);
}
await browser.close();
console.log(`${passed.length} passed, ${7 - passed.length} failed`);
process.exit(passed.length === 7 ? 0 : 1);
