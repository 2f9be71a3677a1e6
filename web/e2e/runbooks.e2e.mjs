// Runbooks and approvals: a technician's request waits for a second person
// (the four-eyes rule is explained to the requester), a company admin
// approves it in the queue and sees the run's output from the SSM stand-in,
// and rejects another with a reason. The runbook library and editor render.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, apiLogin, DEMO, launchBrowser, login, newPage, postAlert, screenshot, startAwsStandin, startServer, stopAll } from './harness.mjs';

const KEY = 'AKIAACMEEXAMPLE00001';
const SECRET = 'acmeSecretKey/0123456789+abcdefghijklmn';
const INSTANCE = 'i-0123456789abcdef0';

describe('runbooks and approvals', () => {
  let browser;
  let srv;
  let techToken;
  const requests = [];
  before(async () => {
    const aws = await startAwsStandin({ credentials: { [KEY]: SECRET }, output: 'service restarted\n' });
    srv = await startServer({ env: { AW_SSM_ENDPOINT: aws.url, AW_STS_ENDPOINT: aws.url, AW_RUNBOOK_POLL_MS: '50' } });
    browser = await launchBrowser();
    const admin = await apiLogin(DEMO.acme.company.email, DEMO.acme.company.password);
    let r = await api(admin, 'POST', `/api/companies/${DEMO.acme.id}/aws-credentials`, { access_key_id: KEY, secret_access_key: SECRET, region: 'us-east-1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const company = await api(admin, 'GET', `/api/companies/${DEMO.acme.id}`);
    techToken = await apiLogin(DEMO.acme.tech.email, DEMO.acme.tech.password);
    for (const sig of ['service_down', 'service_down_again']) {
      r = await postAlert(company.body.api_key, { asset_name: 'web-01', signature: sig, severity: 'high' });
      assert.equal(r.status, 202);
      r = await api(techToken, 'POST', `/api/incidents/${r.body.incident_id}/execute-runbook`, { runbook_id: 'restart-service-acme', instance_ids: [INSTANCE] });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.action, 'approval_requested');
      requests.push(r.body.approval_request);
    }
  });
  after(stopAll);

  test('the requester sees why they cannot approve their own request', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.tech.email, DEMO.acme.tech.password);
    await page.goto(srv.uiUrl + '/approvals');
    const card = page.locator(`[data-approval-id="${requests[0].id}"]`);
    await card.getByTestId('approval-block').waitFor();
    assert.match(await card.getByTestId('approval-block').textContent(), /Four-eyes/);
    assert.equal(await card.getByRole('button', { name: /Approve|Reject/ }).count(), 0);
    await screenshot(page, 'approvals-requester');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('a company admin approves (the run starts and its output shows) and rejects with a reason', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.goto(srv.uiUrl + '/approvals');
    const first = page.locator(`[data-approval-id="${requests[0].id}"]`);
    await first.getByRole('button', { name: 'Approve and run' }).waitFor();
    await screenshot(page, 'approvals-admin');
    await first.getByRole('button', { name: 'Approve and run' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Notes (optional)').fill('go ahead');
    await dialog.getByRole('button', { name: 'Approve and run' }).click();
    // It leaves the pending list; the run panel follows it to its end.
    await page.getByTestId('execution-output').filter({ hasText: 'service restarted' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('execution-status').filter({ hasText: 'Success' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'approvals-approved-run');

    const second = page.locator(`[data-approval-id="${requests[1].id}"]`);
    await second.getByRole('button', { name: 'Reject…' }).click();
    await assert.equal(await dialog.getByRole('button', { name: 'Reject', exact: true }).isDisabled(), true);
    await dialog.getByLabel('Reason').fill('not during business hours');
    await dialog.getByRole('button', { name: 'Reject', exact: true }).click();
    await second.waitFor({ state: 'detached' });
    const r = await api(techToken, 'GET', `/api/approval-requests/${requests[1].id}`);
    assert.equal(r.body.status, 'rejected');
    assert.equal(r.body.rejection_reason, 'not during business hours');
    const a = await api(techToken, 'GET', `/api/approval-requests/${requests[0].id}`);
    assert.equal(a.body.status, 'approved');

    await page.goto(srv.uiUrl + '/approvals?status=rejected');
    await page.getByText('not during business hours').waitFor();
    await page.goto(srv.uiUrl + '/runbooks?tab=executions');
    await page.getByRole('link', { name: 'Output' }).first().click();
    await page.getByTestId('execution-output').filter({ hasText: 'service restarted' }).waitFor();
    await screenshot(page, 'execution-detail');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('runbooks: list, library and the editor with its risk tiers', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.goto(srv.uiUrl + '/runbooks');
    await page.getByRole('cell', { name: 'Restart a service', exact: true }).waitFor();
    await screenshot(page, 'runbooks-company-admin');
    await page.getByRole('button', { name: 'New runbook' }).click();
    const dialog = page.getByRole('dialog', { name: 'New runbook' });
    await dialog.getByLabel('Name', { exact: true }).fill('Clear tmp');
    await dialog.getByLabel('Risk tier').selectOption('high');
    await dialog.getByLabel('Commands').fill('rm -rf /tmp/cache/*');
    await dialog.getByRole('button', { name: 'Create runbook' }).click();
    await page.getByRole('cell', { name: 'Clear tmp', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Global library' }).click();
    await page.getByRole('heading', { name: /Disk clean-up/ }).first().waitFor();
    await screenshot(page, 'runbooks-library');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });
});
