// People and response: create a user (MSP admin), deactivate and reactivate
// them, the on-call week with
// "on call now", and the company chat live over the WebSocket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, apiLogin, DEMO, launchBrowser, login, newPage, screenshot, startServer, stopAll, waitFor } from './harness.mjs';

describe('people', () => {
  let browser;
  let srv;
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  after(stopAll);

  test('an MSP admin creates a technician of Acme, who can then sign in', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(srv.uiUrl + '/people');
    await page.getByRole('cell', { name: DEMO.acme.tech.email, exact: true }).waitFor();
    await screenshot(page, 'people-admin');
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email').fill('new.tech@acme.com');
    await dialog.getByLabel('Name', { exact: true }).fill('New Tech');
    await dialog.getByLabel('Password').fill('s3cret-pass');
    await dialog.getByLabel('Role').selectOption('technician');
    // No company yet: the form says so and does not send.
    assert.equal(await dialog.getByRole('button', { name: 'Create user' }).isDisabled(), true);
    await dialog.getByLabel('Acme Corp').check();
    await screenshot(page, 'people-new-user');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('cell', { name: 'new.tech@acme.com', exact: true }).waitFor();
    const token = await apiLogin('new.tech@acme.com', 's3cret-pass');
    const me = await api(token, 'GET', '/api/auth/me');
    assert.equal(me.body.role, 'technician');
    assert.deepEqual(me.body.company_ids, [DEMO.acme.id]);
    // A taken email is a sentence, not a crash.
    await page.getByRole('button', { name: 'New user' }).click();
    await dialog.getByLabel('Email').fill('NEW.TECH@acme.com');
    await dialog.getByLabel('Name', { exact: true }).fill('Again');
    await dialog.getByLabel('Password').fill('s3cret-pass');
    await dialog.getByLabel('Acme Corp').check();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('an MSP admin deactivates that technician (who then cannot sign in) and reactivates them', async () => {
    const email = 'new.tech@acme.com';
    const page = await newPage(browser);
    await login(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(srv.uiUrl + '/people');
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: email, exact: true }) });
    await row.getByText('Active', { exact: true }).waitFor();
    // No way to deactivate oneself.
    const mine = page.getByRole('row').filter({ has: page.getByRole('cell', { name: DEMO.admin.email, exact: true }) });
    await mine.getByText('Active', { exact: true }).waitFor();
    assert.equal(await mine.getByRole('button', { name: /Deactivate/ }).count(), 0);

    const token = await apiLogin(email, 's3cret-pass');
    await row.getByRole('button', { name: `Deactivate ${email}` }).click();
    const confirm = page.getByRole('dialog', { name: `Deactivate ${email}?` });
    await confirm.getByRole('button', { name: 'Deactivate user' }).click();
    await row.getByText('Deactivated', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Reactivate ${email}` }).waitFor();
    await screenshot(page, 'people-deactivated');
    // The session they had is over, and signing in says why (the password was right).
    assert.equal((await api(token, 'GET', '/api/auth/me')).status, 401);
    const refused = await api(null, 'POST', '/api/auth/login', { email, password: 's3cret-pass' });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'account_disabled');

    const them = await newPage(browser);
    await them.goto(srv.uiUrl + '/');
    await them.getByLabel('Email').fill(email);
    await them.getByLabel('Password').fill('s3cret-pass');
    await them.getByRole('button', { name: 'Sign in' }).click();
    const notice = them.getByRole('alert');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^This account has been deactivated; ask your MSP administrator/);
    await screenshot(them, 'login-deactivated');
    // A wrong password still gets the plain sentence.
    await them.getByLabel('Password').fill('wrong-password');
    await them.getByRole('button', { name: 'Sign in' }).click();
    await them.getByRole('alert').getByText(/incorrect email or password/i).waitFor();
    assert.deepEqual(them.awErrors, []);
    await them.context().close();

    await row.getByRole('button', { name: `Reactivate ${email}` }).click();
    await row.getByText('Active', { exact: true }).waitFor();
    assert.equal((await api(await apiLogin(email, 's3cret-pass'), 'GET', '/api/auth/me')).body.active, true);
    assert.deepEqual(page.awErrors, []);
    await page.context().close();

    // A company admin sees the list read-only: no status controls at all.
    const ca = await newPage(browser);
    await login(ca, DEMO.acme.company.email, DEMO.acme.company.password);
    await ca.goto(srv.uiUrl + '/people');
    await ca.getByRole('cell', { name: email, exact: true }).waitFor();
    assert.equal(await ca.getByRole('button', { name: /Deactivate|Reactivate/ }).count(), 0);
    assert.equal(await ca.getByRole('columnheader', { name: 'Status' }).count(), 0);
    assert.deepEqual(ca.awErrors, []);
    await ca.context().close();
  });

  test('on call: the week calendar and who is on call now', async () => {
    const page = await newPage(browser, { timezoneId: 'Europe/Berlin' });
    await login(page, DEMO.acme.company.email, DEMO.acme.company.password);
    await page.goto(srv.uiUrl + '/on-call');
    await page.getByTestId('oncall-now').first().waitFor();
    await page.getByRole('table', { name: 'Shifts of the week' }).waitFor();
    // The demo schedule is Monday–Friday 09:00–17:00 UTC: 10:00–18:00 in Berlin in winter.
    assert.ok((await page.locator('.oc-block').count()) >= 5);
    assert.match(await page.locator('.oc-block').first().textContent(), /1[01]:00–1[89]:00/);
    await screenshot(page, 'oncall-company-admin');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });

  test('chat: a message posted elsewhere appears live; sending works', async () => {
    const page = await newPage(browser);
    await login(page, DEMO.acme.tech.email, DEMO.acme.tech.password);
    await page.goto(`${srv.uiUrl}/chat?company=${DEMO.acme.id}`);
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.getByTestId('live-status').and(page.locator('[data-status="open"]')).waitFor();
    const admin = await apiLogin(DEMO.acme.company.email, DEMO.acme.company.password);
    const r = await api(admin, 'POST', `/api/chat/${DEMO.acme.id}`, { message: 'Disk on web-01 is filling up' });
    assert.equal(r.status, 201);
    await page.getByText('Disk on web-01 is filling up').waitFor({ timeout: 3000 });
    await page.getByLabel('Message', { exact: true }).fill('On it.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('chat-list').getByText('On it.').waitFor();
    const list = await api(admin, 'GET', `/api/chat/${DEMO.acme.id}`);
    assert.equal(list.body[0].message, 'On it.');
    await screenshot(page, 'chat-tech');
    assert.deepEqual(page.awErrors, []);
    await page.context().close();
  });
});
