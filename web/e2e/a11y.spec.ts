import { expect, expectNoSeriousA11yViolations, login, test, type ApiHelper } from './fixtures';

// One test per page so a slow or failing page is reported by name.
test.describe('accessibility (axe: no serious or critical violations)', () => {
  let patientId = 0;

  async function ensurePatient(api: ApiHelper): Promise<number> {
    if (patientId === 0) {
      const p = await api.createPatient('admin', {
        given_name: 'Axel',
        family_name: 'Accessible',
        birth_date: '1992-05-05',
        sex_at_birth: 'male',
        diagnoses: [{ code: 'F43.10', text: 'Post-traumatic stress disorder, unspecified' }],
        referral: { referrer_name: 'Dr. Ref', reason: 'PTSD', referral_date: '2026-02-01' },
      });
      patientId = p.id;
    }
    return patientId;
  }


  test('login page', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to OpenKAP' })).toBeVisible();
    await expect(page).toHaveTitle('Sign in — OpenKAP');
    await expectNoSeriousA11yViolations(page, 'login');
  });

  test('patient list', async ({ page }) => {
    await login(page, 'admin');
    await expect(page.locator('.patients-table tbody tr').first()).toBeVisible();
    await expect(page).toHaveTitle('Patients — OpenKAP');
    await expectNoSeriousA11yViolations(page, 'patient list');
  });

  test('patient chart', async ({ page, api, signInAsAdmin }) => {
    const id = await ensurePatient(api);
    await signInAsAdmin();
    await page.goto( `/patients/${id}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Axel Accessible' })).toBeVisible();
    await expect(page.getByLabel('Staff member')).toBeEnabled();
    await expect(page).toHaveTitle('Axel Accessible — chart — OpenKAP');
    await expectNoSeriousA11yViolations(page, 'chart');
  });

  test('new patient form, empty and with errors', async ({ page, signInAsAdmin }) => {
    await signInAsAdmin();
    await page.goto('/patients/new');
    await expect(page.getByRole('heading', { level: 1, name: 'New patient' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'new patient form');
    await page.getByRole('button', { name: 'Create patient' }).click();
    await expect(page.locator('.field-error').first()).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'new patient form with errors');
  });

  test('edit form', async ({ page, api, signInAsAdmin }) => {
    const id = await ensurePatient(api);
    await signInAsAdmin();
    await page.goto( `/patients/${id}/edit`);
    await expect(page.getByRole('heading', { level: 1, name: 'Edit Axel Accessible' })).toBeVisible();
    await expect(page.getByLabel('Given name')).toHaveValue('Axel');
    await expectNoSeriousA11yViolations(page, 'edit form');
  });

  test('audit log', async ({ page, api, signInAsAdmin }) => {
    const id = await ensurePatient(api);
    await signInAsAdmin();
    await page.goto( `/audit?patient=${id}`);
    await expect(page.locator('.audit-table tbody tr').first()).toBeVisible();
    await expect(page).toHaveTitle('Audit log — OpenKAP');
    await expectNoSeriousA11yViolations(page, 'audit');
  });

  test('patient list on a tablet in portrait', async ({ page, signInAsAdmin }) => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await signInAsAdmin();
    await page.goto('/patients');
    await expect(page.locator('.patients-table tbody tr').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousA11yViolations(page, 'patient list (tablet)');
  });
});
