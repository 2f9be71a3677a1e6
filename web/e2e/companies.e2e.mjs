// Companies and their settings: create a company (MSP admin), API key
// rotation behind a confirmation, the HMAC secret shown once, company-admin
// and technician views of the settings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, apiLogin, DEMO, launchBrowser, login, newPage, postAlert, screenshot, startServer, stopAll } from './harness.mjs';

describe('companies', () => {
  let browser;
  let srv;
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  after(stopAll);

  test('an MSP admin creates a company and lands on its webhook settings with a working key', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(srv.uiUrl + '/companies');
    await page.getByRole('cell', { name: 'TechStart', exact: true }).waitFor();
    await screenshot(page, 'companies-admin');
    await page.getByRole('button', { name: 'New company' }).click();
    const dialog = page.getByRole('dialog', { name: 'New company' });
    await dialog.getByLabel(/^Name/).fill('Initech e2e');
    await dialog.getByRole('button', { name: 'Create company' }).click();
    await page.getByRole('heading', { name: 'Initech e2e' }).waitFor();
    assert.match(page.url(), /\/companies\/[^/]+\/webhook$/);
    const key = (await page.getByTestId('api-key').textContent()).trim();
    assert.match(key, /^aw_/);
    assert.match(await page.getByTestId('curl-example').textContent(), /X-API-Key: aw_/);
    const r = await postAlert(key, { asset_name: 'srv-1', signature: 'disk_full' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await screenshot(page, 'company-webhook');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('API key rotation asks first; the old key fails at once, the shown key works', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/webhook`);
    const oldKey = (await page.getByTestId('api-key').textContent()).trim();
    await page.getByRole('button', { name: 'Rotate API key…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the API key?' });
    await dialog.waitFor();
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await page.getByTestId('api-key').textContent()).trim(), oldKey);
    assert.equal((await postAlert(oldKey, { asset_name: 'a', signature: 'before_rotation' })).status, 202);
    await page.getByRole('button', { name: 'Rotate API key…' }).click();
    await screenshot(page, 'company-rotate-confirm');
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('A new key is active').waitFor();
    const newKey = (await page.getByTestId('api-key').textContent()).trim();
    assert.notEqual(newKey, oldKey);
    assert.equal((await postAlert(oldKey, { asset_name: 'a', signature: 'after_rotation' })).status, 401);
    assert.equal((await postAlert(newKey, { asset_name: 'a', signature: 'after_rotation' })).status, 202);
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('HMAC signing: the secret is shown once; after a reload it is gone and unsigned webhooks are refused', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/security`);
    await page.getByTestId('hmac-state').filter({ hasText: 'off' }).waitFor();
    await page.getByRole('button', { name: 'Enable signing' }).click();
    const secret = (await page.getByTestId('hmac-secret').textContent()).trim();
    assert.match(secret, /^whsec_/);
    await page.getByTestId('hmac-state').filter({ hasText: 'on' }).waitFor();
    await screenshot(page, 'company-hmac-secret');
    await page.reload();
    // Without the cookie session (a binary before it) a reload signs out: sign in again, same page.
    await page.getByTestId('hmac-state').or(page.getByLabel('Email')).first().waitFor();
    if (await page.getByLabel('Email').count()) {
      await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
      await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/security`);
    }
    await page.getByTestId('hmac-state').filter({ hasText: 'on' }).waitFor();
    assert.equal(await page.getByTestId('hmac-secret').count(), 0);
    assert.equal(await page.getByText(secret).count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the secret must not be anywhere in the page after a reload');
    const token = await apiLogin(DEMO.acme.company.email, DEMO.acme.company.password);
    const company = await api(token, 'GET', `/api/companies/${DEMO.acme.id}`);
    assert.equal((await postAlert(company.body.api_key, { asset_name: 'a', signature: 'unsigned' })).status, 401);
    // Regenerate shows a new secret (once), disable turns it off.
    await page.getByRole('button', { name: 'Regenerate secret…' }).click();
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    const second = (await page.getByTestId('hmac-secret').textContent()).trim();
    assert.notEqual(second, secret);
    await page.getByRole('button', { name: 'Disable signing…' }).click();
    await page.getByRole('button', { name: 'Disable signing', exact: true }).click();
    await page.getByTestId('hmac-state').filter({ hasText: 'off' }).waitFor();
    assert.equal((await postAlert(company.body.api_key, { asset_name: 'a', signature: 'unsigned_again' })).status, 202);
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('settings tabs render for a company admin; a technician gets them read-only', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    for (const tab of ['correlation', 'sla', 'escalation', 'assets', 'aws']) {
      await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/${tab}`);
      await page.getByRole('button', { name: /^(Save|Add asset|Save credentials)/ }).first().waitFor();
      await screenshot(page, `company-${tab}`);
    }
    // SLA: a resolution shorter than the response is caught before sending.
    await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/sla`);
    await page.getByLabel('critical resolution minutes').fill('5');
    await page.getByRole('button', { name: 'Save SLA' }).click();
    await page.getByText('may not be shorter than the response target').waitFor();
    await page.getByLabel('critical resolution minutes').fill('240');
    await page.getByLabel(/^Warn at/).fill('75');
    await page.getByRole('button', { name: 'Save SLA' }).click();
    await page.getByText('Saved.').waitFor();
    const token = await apiLogin(DEMO.acme.company.email, DEMO.acme.company.password);
    assert.equal((await api(token, 'GET', `/api/companies/${DEMO.acme.id}/sla-config`)).body.warning_percent, 75);
    // The other policy forms send back what the server accepts (it refuses unknown fields).
    for (const [tab, button] of [['escalation', 'Save escalation policy'], ['correlation', 'Save correlation']]) {
      await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/${tab}`);
      await page.getByRole('button', { name: button }).click();
      await page.getByText('Saved.').waitFor();
    }
    // Assets: add one and mark it critical.
    await page.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}/assets`);
    await page.getByLabel('Name', { exact: true }).fill('e2e-box');
    await page.getByRole('button', { name: 'Add asset' }).click();
    await page.getByRole('cell', { name: 'e2e-box', exact: true }).waitFor();
    assert.deepEqual(page.awErrors, []);
    await page.context().close();

    const tech = await newPage(browser);
    await login(tech, DEMO.acme.tech.email, DEMO.acme.tech.password);
    await tech.goto(`${srv.uiUrl}/companies/${DEMO.acme.id}`);
    await tech.getByText('read-only for your role').waitFor();
    assert.match(tech.url(), /\/correlation$/);
    assert.equal(await tech.getByRole('link', { name: 'Webhook & API key' }).count(), 0);
    assert.equal(await tech.getByRole('button', { name: /Save|Rotate|Enable/ }).count(), 0);
    await screenshot(tech, 'company-tech-readonly');
    assert.deepEqual(tech.awErrors, []);
    await tech.context().close();
  });
});
