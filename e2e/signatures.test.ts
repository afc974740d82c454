import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newPage, signIn } from './support/browser';
import { DEMO_PASSWORD } from './support/server';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('electronic signatures', () => {
  it('the administrator approves a registration with the password; a later change shows the signature invalid', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, 'admin');
    await page.waitForURL('**/organizations');
    const row = page.getByRole('row').filter({ hasText: 'GBA-SCB' });
    await row.getByTestId('org-signatures').click();
    const drawer = page.getByTestId('signatures-drawer');
    await drawer.getByText('尚未签名。').waitFor();

    // A wrong password signs nothing and says so at the password field.
    await drawer.getByTestId('signature-password').fill('not-my-password');
    await drawer.getByTestId('signature-submit').click();
    await drawer
      .locator('.ant-form-item-explain-error')
      .getByText(/password does not match/)
      .waitFor();
    expect(await drawer.getByTestId('signature-valid').count()).toBe(0);

    await drawer.getByTestId('signature-password').fill(DEMO_PASSWORD);
    await drawer.getByTestId('signature-submit').click();
    await drawer.getByTestId('signature-valid').waitFor();
    const signed = drawer.getByRole('row').filter({ hasText: '陈立 Chen Li' });
    expect(await signed.textContent()).toContain('批准');

    // Edit the organization: the signature no longer matches the record.
    await page.keyboard.press('Escape');
    await row.getByTestId('org-edit').click();
    await page.getByTestId('org-edit-name-en').fill('GBA Clinical-Grade Seed Cell Bank (renamed)');
    await page.getByTestId('org-edit-submit').click();
    await page.getByRole('row').filter({ hasText: 'GBA-SCB' }).getByTestId('org-signatures').click();
    await page.getByTestId('signatures-drawer').getByTestId('signature-invalid').waitFor();
    await context.close();
  });
});
