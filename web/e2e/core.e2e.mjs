// Browser tests of the foundation: sign-in per role, the live queue, incident
// actions and timeline, a stale edit (409), tenant isolation for a client (also
// in the WebSocket frames), the runbook approval flow against the SSM stand-in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, api, apiLogin, goto, lastServerUrl, launchBrowser, login, newPage, postAlert, screenshot, startAwsStandin, startServer, stopAll, waitFor,
} from './harness.mjs';

const ACME_KEY = 'AKIAACMEEXAMPLE00001';
const ACME_SECRET = 'acmeSecretKey/0123456789+abcdefghijklmno';
const RUN = Date.now().toString(36);

describe('the dashboard core', { timeout: 180_000 }, () => {
  let browser;
  let admin;
  let keys = {};
  let n = 0;
  const uniq = (p) => `${p}-${RUN}-${++n}`;

  before(async () => {
    const standin = await startAwsStandin({ credentials: { [ACME_KEY]: ACME_SECRET }, output: 'web-01 restarted\n' });
    await startServer({ env: { AW_SSM_ENDPOINT: standin.url, AW_STS_ENDPOINT: standin.url, AW_RUNBOOK_POLL_MS: '100' } });
    browser = await launchBrowser();
    admin = await apiLogin(DEMO.admin.email, DEMO.admin.password);
    for (const c of ['comp-acme', 'comp-techstart', 'comp-global']) {
      const r = await api(admin, 'GET', `/api/companies/${c}`);
      assert.equal(r.status, 200);
      keys[c] = r.body.api_key;
    }
    const cred = await api(admin, 'POST', '/api/companies/comp-acme/aws-credentials', {
      access_key_id: ACME_KEY, secret_access_key: ACME_SECRET, region: 'us-east-1',
    });
    assert.equal(cred.status, 200, JSON.stringify(cred.body));
  });
  after(stopAll);

  /** Posts an alert that opens a new incident; resolves the incident. */
  async function newIncident(company, { severity = 'high', asset = uniq('web'), signature = uniq('high_cpu'), message = 'CPU usage at 97%' } = {}) {
    const r = await postAlert(keys[company], { asset_name: asset, signature, severity, message, tool_source: 'Datadog' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.ok(r.body.incident_id, 'the alert opened an incident');
    const inc = await api(admin, 'GET', `/api/incidents/${r.body.incident_id}`);
    return { ...inc.body, asset };
  }

  test('each role signs in and gets its navigation', async () => {
    const cases = [
      { who: DEMO.admin, role: 'MSP admin', nav: ['Queue', 'Companies', 'Runbooks', 'Audit log'], not: [] },
      { who: DEMO.acme.company, role: 'Company admin', nav: ['Queue', 'Companies', 'Runbooks', 'Audit log'], not: [] },
      { who: DEMO.acme.tech, role: 'Technician', nav: ['Queue', 'Runbooks', 'Approvals'], not: ['Companies', 'Audit log', 'People'] },
      { who: DEMO.acme.client, role: 'Client (read-only)', nav: ['Queue', 'Alerts'], not: ['Companies', 'Runbooks', 'Approvals', 'Audit log'] },
    ];
    for (const c of cases) {
      const page = await newPage(browser);
      await login(page, c.who.email, c.who.password);
      const chip = await page.getByTestId('user-chip').innerText();
      assert.match(chip, new RegExp(c.role.replace(/[()]/g, '\\$&')));
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const l of c.nav) assert.equal(await nav.getByRole('link', { name: l, exact: true }).count(), 1, `${c.role} sees ${l}`);
      for (const l of c.not) assert.equal(await nav.getByRole('link', { name: l, exact: true }).count(), 0, `${c.role} does not see ${l}`);
      // A reload keeps the session (the refresh cookie), without the form.
      await page.reload();
      await page.getByTestId('user-chip').waitFor();
      if (c.who === DEMO.admin) {
        await page.getByTestId('queue-table').or(page.getByText('No open incidents.')).first().waitFor();
        await screenshot(page, 'queue-admin');
        // Keyboard help, and the dark theme.
        await page.keyboard.press('?');
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        await screenshot(page, 'help');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
        await screenshot(page, 'queue-dark');
        await page.getByRole('button', { name: 'Switch to the light theme' }).click();
      }
      await page.getByRole('button', { name: 'Account' }).click();
      await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // Signed out for real: a reload shows the form again.
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.deepEqual(page.awErrors, []);
      await page.context().close();
    }
  });

  test('wrong password reads as a sentence', async () => {
    const page = await newPage(browser);
    await page.goto(lastServerUrl() + '/');
    await page.getByLabel('Email').fill('tech@acme.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const msg = await page.getByRole('alert').innerText();
    assert.match(msg, /[A-Z].*\.$/, `a sentence: ${msg}`);
    await page.context().close();
  });

  test('a session revoked elsewhere returns to sign-in with a sentence', async () => {
    const inc = await newIncident('comp-global');
    const page = await newPage(browser);
    await login(page, DEMO.global.tech.email, DEMO.global.tech.password);
    const row = page.locator(`tr[data-incident-id="${inc.id}"]`);
    await row.waitFor();
    const token = await apiLogin(DEMO.global.tech.email, DEMO.global.tech.password);
    assert.equal((await api(token, 'POST', '/api/auth/logout-all', {})).status, 200);
    await row.locator('a.incident-link').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.match(await page.locator('.notice-info').innerText(), /Your session has ended.*Please sign in again\./);
    await screenshot(page, 'signed-out');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('a webhook alert appears in the queue within 2 s without a reload', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.getByTestId('live-status').and(page.locator('[data-status=open]')).waitFor();
    await page.getByTestId('queue-table').or(page.getByText('No open incidents.')).first().waitFor();
    await page.evaluate(() => { window.__sameDocument = true; });
    const asset = uniq('db');
    const signature = uniq('disk_full');
    const t0 = Date.now();
    const r = await postAlert(keys['comp-acme'], { asset_name: asset, signature, severity: 'critical', message: 'Disk 99% full' });
    assert.equal(r.status, 202);
    const row = page.locator(`tr[data-incident-id="${r.body.incident_id}"]`);
    await row.waitFor({ timeout: 2000 });
    const ms = Date.now() - t0;
    assert.ok(ms <= 2000, `appeared after ${ms} ms`);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
    assert.match(await row.innerText(), /Critical/);
    // A repeat of its alert bumps the count live.
    const before = Number(await row.getByTestId('alert-count').innerText());
    const again = await postAlert(keys['comp-acme'], { asset_name: asset, signature, severity: 'critical', message: 'Disk 99% full, still' });
    assert.equal(again.body.incident_id, r.body.incident_id);
    await waitFor(async () => Number(await row.getByTestId('alert-count').innerText()) > before, { timeoutMs: 3000, what: 'the alert count to go up' });
    await screenshot(page, 'queue-live');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('acknowledge → assign → resolve from the UI, then the audit timeline shows it', async () => {
    const inc = await newIncident('comp-acme', { severity: 'high' });
    const techId = (await api(await apiLogin(DEMO.acme.tech.email, DEMO.acme.tech.password), 'GET', '/api/auth/me')).body.id;
    const page = await newPage(browser, { timezoneId: 'Asia/Tokyo' });
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.locator(`tr[data-incident-id="${inc.id}"] a.incident-link`).click();
    const main = page.getByTestId('incident');
    await main.waitFor();
    await main.getByRole('button', { name: 'Acknowledge' }).click();
    await main.locator('.incident-head').getByText('Acknowledged').waitFor();
    await main.getByLabel('Assignee').selectOption({ value: techId });
    await main.getByRole('button', { name: 'Assign', exact: true }).click();
    await waitFor(async () => (await main.getByTestId('assignee').innerText()).includes('Acme Corp Technician'), { what: 'the assignee' });
    await main.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByLabel('Resolution notes').fill('Restarted the worker; CPU back to 20%.');
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve', exact: true }).click();
    await main.locator('.incident-head').getByText('Resolved').waitFor();
    const fresh = (await api(admin, 'GET', `/api/incidents/${inc.id}`)).body;
    assert.equal(fresh.status, 'resolved');
    assert.equal(fresh.assigned_to, techId);
    assert.equal(fresh.resolution_notes, 'Restarted the worker; CPU back to 20%.');
    const timeline = main.getByTestId('timeline');
    await waitFor(async () => {
      const t = await timeline.innerText();
      return /Acknowledged\s+by company@acme\.com/.test(t) && (t.match(/Updated\s+by company@acme\.com/g) ?? []).length >= 2;
    }, { what: 'the audit entries in the timeline' });
    // Times are in the browser's zone (Tokyo here): the created time as Intl shows it there.
    const expected = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' }).format(new Date(fresh.resolved_at));
    assert.ok((await timeline.innerText()).includes(expected), `timeline shows ${expected}`);
    await screenshot(page, 'incident-resolved');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('a stale edit (409) is shown as a sentence and the fresh version is loaded', async () => {
    const inc = await newIncident('comp-acme');
    const page = await newPage(browser);
    await login(page, DEMO.acme.tech.email, DEMO.acme.tech.password);
    await goto(page, `/incidents/${inc.id}`);
    const main = page.getByTestId('incident');
    await main.waitFor();
    assert.equal(await main.getAttribute('data-version'), String(inc.version));
    // Keep the page from hearing about the other change, then change it elsewhere.
    await page.evaluate(() => window.__awLive.stop());
    const other = await api(admin, 'PUT', `/api/incidents/${inc.id}`, { status: 'acknowledged', version: inc.version });
    assert.equal(other.status, 200);
    await main.getByLabel('New status').selectOption('in_progress');
    await main.getByRole('button', { name: 'Apply' }).click();
    const msg = await main.getByRole('alert').innerText();
    assert.match(msg, /^Someone else changed this incident in the meantime\..*try again\.$/);
    await waitFor(async () => (await main.getAttribute('data-version')) === String(other.body.version), { what: 'the fresh version' });
    await screenshot(page, 'incident-409');
    await page.context().close();
  });

  test('a client of Acme sees no mutating control and no TechStart data, also not in WebSocket frames', async () => {
    const acme = await newIncident('comp-acme', { severity: 'medium' });
    const ts = await newIncident('comp-techstart', { severity: 'critical', asset: uniq('techstart-secret') });
    const page = await newPage(browser);
    const frames = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await login(page, DEMO.acme.client.email, DEMO.acme.client.password);
    await page.getByTestId('live-status').and(page.locator('[data-status=open]')).waitFor();
    const table = page.getByTestId('queue-table');
    await table.locator(`tr[data-incident-id="${acme.id}"]`).waitFor();
    assert.equal(await table.locator(`tr[data-incident-id="${ts.id}"]`).count(), 0);
    assert.equal(await page.getByRole('button', { name: /Acknowledge|Take|Assign/ }).count(), 0);
    // Live: another Acme incident appears, a TechStart one is never sent.
    const ts2 = await newIncident('comp-techstart', { asset: uniq('techstart-secret') });
    const acme2 = await newIncident('comp-acme');
    await table.locator(`tr[data-incident-id="${acme2.id}"]`).waitFor({ timeout: 3000 });
    await screenshot(page, 'queue-client');
    // The incident page: no action at all.
    await table.locator(`tr[data-incident-id="${acme.id}"] a.incident-link`).click();
    await page.getByTestId('incident').waitFor();
    await page.getByTestId('timeline').waitFor();
    const buttons = await page.locator('main button').allInnerTexts();
    const allowed = /^(Retry|Load more|×)$/;
    assert.deepEqual(buttons.filter((b) => !allowed.test(b.trim())), [], 'no mutating control');
    assert.equal(await page.locator('main select, main textarea').count(), 0);
    await screenshot(page, 'incident-client');
    // Another company's incident by URL: not found, nothing of it shown.
    await goto(page, `/incidents/${ts.id}`);
    await page.getByText('This incident does not exist or is not visible to you.').waitFor();
    const all = frames.join('\n');
    assert.ok(frames.length >= 2, 'frames were received');
    assert.ok(all.includes(acme2.id), 'the Acme incident came live');
    for (const bad of ['comp-techstart', ts.id, ts2.id, ts.asset, ts2.asset]) assert.ok(!all.includes(bad), `no frame mentions ${bad}`);
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('runbook: a technician requests, a company admin approves, the run finishes with its output', async () => {
    const companyAdmin = await apiLogin(DEMO.acme.company.email, DEMO.acme.company.password);
    const rb = await api(companyAdmin, 'POST', '/api/runbooks', {
      company_id: 'comp-acme', name: `Restart web workers ${RUN}`, risk_level: 'medium', description: 'Restarts the app service',
      parameters: { commands: ['systemctl restart app'] }, instance_ids: ['i-0123456789abcdef0'],
    });
    assert.equal(rb.status, 201, JSON.stringify(rb.body));
    const inc = await newIncident('comp-acme');
    const tech = await newPage(browser);
    await login(tech, DEMO.acme.tech.email, DEMO.acme.tech.password);
    await goto(tech, `/incidents/${inc.id}`);
    const panel = tech.getByTestId('runbooks');
    await panel.getByLabel('Runbook').selectOption(rb.body.id);
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    await panel.getByText('An approval was requested.').waitFor();
    const approval = panel.getByTestId('approval');
    await approval.waitFor();
    assert.equal(await approval.getAttribute('data-status'), 'pending');
    await approval.getByText('Four-eyes rule').waitFor();
    assert.equal(await approval.getByRole('button', { name: /Approve/ }).count(), 0, 'a technician cannot approve');
    await screenshot(tech, 'runbook-requested');

    const boss = await newPage(browser);
    await login(boss, DEMO.acme.company.email, DEMO.acme.company.password);
    await goto(boss, `/incidents/${inc.id}`);
    const bpanel = boss.getByTestId('runbooks');
    await bpanel.getByRole('button', { name: 'Approve and run' }).click();
    const exec = bpanel.getByTestId('execution');
    await exec.and(boss.locator('[data-status=success]')).waitFor({ timeout: 15_000 });
    assert.match(await exec.getByTestId('execution-output').innerText(), /web-01 restarted/);
    await screenshot(boss, 'runbook-executed');
    // The requester's page shows the run too.
    await goto(tech, '/');
    await goto(tech, `/incidents/${inc.id}`);
    await tech.getByTestId('execution').and(tech.locator('[data-status=success]')).waitFor({ timeout: 10_000 });
    assert.deepEqual([...tech.awErrors, ...boss.awErrors], []);
    await tech.context().close();
    await boss.context().close();
  });
});
