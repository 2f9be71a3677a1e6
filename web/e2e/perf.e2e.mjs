// The queue's first render with 1,000 open incidents across 100 companies
// (docs/PERFORMANCE.md): from the start of a page load (session restored from
// the cookie) to the queue's rows on screen, as the app records it
// (window.__awQueueRenderedMs, performance.now() at the first render with data).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, api, apiLogin, launchBrowser, login, newPage, postAlert, screenshot, startServer, stopAll } from './harness.mjs';

const COMPANIES = Number(process.env.AW_E2E_PERF_COMPANIES ?? 100);
const PER_COMPANY = Number(process.env.AW_E2E_PERF_PER_COMPANY ?? 10);

describe('queue at size', { timeout: 240_000 }, () => {
  let browser;
  before(async () => {
    await startServer();
    browser = await launchBrowser();
  });
  after(stopAll);

  test(`first render with ${COMPANIES * PER_COMPANY} open incidents across ${COMPANIES} companies`, async (t) => {
    const admin = await apiLogin(DEMO.admin.email, DEMO.admin.password);
    const keys = [];
    for (let c = 0; c < COMPANIES; c += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, COMPANIES - c) }, (_, k) => api(admin, 'POST', '/api/companies', { name: `Perf Co ${c + k}` })),
      );
      for (const r of batch) {
        assert.equal(r.status, 201, JSON.stringify(r.body));
        keys.push(r.body.api_key);
      }
    }
    const sev = ['critical', 'high', 'medium', 'low'];
    const jobs = [];
    keys.forEach((key, c) => {
      for (let i = 0; i < PER_COMPANY; i++) {
        jobs.push(() => postAlert(key, { asset_name: `host-${c}-${i}`, signature: `sig_${i}`, severity: sev[(c + i) % 4], message: `problem ${i}` }));
      }
    });
    const t0 = Date.now();
    for (let j = 0; j < jobs.length; j += 25) {
      const rs = await Promise.all(jobs.slice(j, j + 25).map((f) => f()));
      for (const r of rs) assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    t.diagnostic(`posted ${jobs.length} alerts in ${Date.now() - t0} ms`);

    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    const count = page.getByTestId('queue-count');
    await page.getByTestId('queue-table').waitFor({ timeout: 30_000 });
    const times = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await page.getByTestId('queue-table').waitFor({ timeout: 30_000 });
      times.push(await page.evaluate(() => window.__awQueueRenderedMs));
    }
    const text = await count.innerText();
    const open = Number(/of (\d+) open/.exec(text)?.[1]);
    assert.ok(open >= COMPANIES * PER_COMPANY, `the queue holds ${open} open incidents`);
    assert.equal(await page.locator('[data-testid=queue-table] tbody tr').count(), 100, 'the first 100 rows are rendered');
    times.sort((a, b) => a - b);
    t.diagnostic(`queue first render (page load → rows), 3 loads: ${times.map((x) => Math.round(x)).join(', ')} ms; median ${Math.round(times[1])} ms; ${open} open incidents`);
    console.log(`PERF queue_first_render_ms median=${Math.round(times[1])} all=${times.map(Math.round).join(',')} open=${open}`);
    await screenshot(page, 'queue-1000');
    assert.deepEqual(page.awErrors, []);
  });
});
