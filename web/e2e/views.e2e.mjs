// Alerts (filters in the URL, live tail with pause), numbers, audit log, and
// the read-only client: none of these views renders a mutating control for
// a client, and a client never sees another company's data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, apiLogin, DEMO, launchBrowser, login, newPage, postAlert, screenshot, startServer, stopAll } from './harness.mjs';

describe('alerts, numbers, audit and the read-only client', () => {
  let browser;
  let srv;
  const keys = {};
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    const admin = await apiLogin(DEMO.admin.email, DEMO.admin.password);
    for (const c of [DEMO.acme.id, DEMO.techstart.id]) keys[c] = (await api(admin, 'GET', `/api/companies/${c}`)).body.api_key;
    await postAlert(keys[DEMO.acme.id], { asset_name: 'web-01', signature: 'high_cpu_usage', severity: 'critical', message: 'CPU 97%' });
    await postAlert(keys[DEMO.acme.id], { asset_name: 'web-01', signature: 'high_cpu_usage', severity: 'critical', message: 'CPU 97%' });
    await postAlert(keys[DEMO.acme.id], { asset_name: 'db-01', signature: 'disk_space_low', severity: 'medium', tool_source: 'Zabbix' });
    await postAlert(keys[DEMO.techstart.id], { asset_name: 'ts-secret-host', signature: 'techstart_only', severity: 'low' });
  });
  after(stopAll);

  test('alerts: repeats counted, incident linked, filters in the URL, live tail with pause', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(srv.uiUrl + '/alerts');
    const table = page.getByTestId('alerts-table');
    await table.getByText('high_cpu_usage').waitFor();
    const cpuRow = table.locator('tr', { hasText: 'high_cpu_usage' });
    assert.match(await cpuRow.textContent(), /×2/);
    assert.equal(await cpuRow.getByRole('link', { name: 'Open incident' }).count(), 1);
    await page.getByTestId('live-status').and(page.locator('[data-status="open"]')).waitFor();
    await screenshot(page, 'alerts-admin');

    await page.getByLabel('Severity').selectOption('medium');
    await page.waitForURL(/severity=medium/);
    await table.getByText('disk_space_low').waitFor();
    assert.equal(await table.getByText('high_cpu_usage').count(), 0);
    await page.reload();
    assert.equal(await page.getByLabel('Severity').inputValue(), 'medium');
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Live: a new alert appears without a reload; paused, it waits.
    await postAlert(keys[DEMO.acme.id], { asset_name: 'app-01', signature: 'live_one', severity: 'high' });
    await table.getByText('live_one').waitFor({ timeout: 3000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await postAlert(keys[DEMO.acme.id], { asset_name: 'app-01', signature: 'live_two', severity: 'high' });
    await page.getByRole('button', { name: 'Resume (1 new)' }).waitFor({ timeout: 3000 });
    assert.equal(await table.getByText('live_two').count(), 0);
    await page.getByRole('button', { name: 'Resume (1 new)' }).click();
    await table.getByText('live_two').waitFor();
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('numbers and audit render for an MSP admin', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(srv.uiUrl + '/numbers');
    await page.getByTestId('kpi-tiles').waitFor();
    await page.getByTestId('trend-chart').waitFor();
    assert.match(await page.getByTestId('kpi-tiles').textContent(), /Noise reduction/);
    await screenshot(page, 'numbers-msp');
    await page.goto(`${srv.uiUrl}/numbers?company=${DEMO.acme.id}&range=24h`);
    await page.getByTestId('trend-chart').waitFor();
    await screenshot(page, 'numbers-acme');
    await page.goto(srv.uiUrl + '/audit');
    await page.getByTestId('audit-table').waitFor();
    await page.getByLabel('Outcome').selectOption('success');
    await page.getByTestId('audit-table').getByText(/^Success/).first().waitFor();
    assert.equal(await page.getByTestId('audit-table').getByText(/^(Failure|Denied)/).count(), 0);
    await screenshot(page, 'audit-admin');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('a client of Acme gets no mutating control on these views and no TechStart data', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.client.email, DEMO.acme.client.password);
    const mutating = /^(New company|New user|New schedule|New runbook|Rename|Edit|Delete|Rotate|Enable signing|Disable|Regenerate|Save|Add|Send|Approve|Reject|Copy to|Remove)/;
    const views = [
      ['/alerts', 'alerts'],
      ['/companies', 'companies'],
      [`/companies/${DEMO.acme.id}`, 'company-settings'],
      [`/companies/${DEMO.acme.id}/sla`, 'company-sla'],
      [`/companies/${DEMO.acme.id}/escalation`, 'company-escalation'],
      [`/companies/${DEMO.acme.id}/assets`, 'company-assets'],
      ['/on-call', 'oncall'],
      ['/chat', 'chat'],
      ['/numbers', 'numbers'],
      ['/approvals', 'approvals'],
      ['/runbooks', 'runbooks'],
      ['/audit', 'audit'],
    ];
    for (const [path, name] of views) {
      await page.goto(srv.uiUrl + path);
      await page.locator('main h1').first().waitFor();
      assert.equal(await page.getByTestId('user-chip').count(), 1, `${path}: still signed in`);
      await page.waitForLoadState('networkidle');
      const buttons = await page.locator('main').getByRole('button').allTextContents();
      const bad = buttons.filter((b) => mutating.test(b.trim()));
      assert.deepEqual(bad, [], `${path} renders mutating controls for a client: ${bad.join(', ')}`);
      assert.equal(await page.locator('main textarea').count(), 0, `${path} has a text area`);
      const boxes = await page.locator('main input[type="checkbox"]').evaluateAll((els) => els.map((e) => e.closest('label')?.textContent?.trim() ?? '?'));
      assert.deepEqual(boxes.filter((b) => b !== 'Live tail'), [], `${path} has a checkbox that changes something`);
      const text = await page.locator('main').textContent();
      assert.ok(!/TechStart|ts-secret-host|techstart_only/.test(text), `${path} shows TechStart data`);
      await screenshot(page, `client-${name}`);
    }
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });
});
