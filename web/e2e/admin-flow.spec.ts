import { expect, login, logout, test } from './fixtures';

test('admin creates, finds, edits a patient, sees validation and audit, logs out', async ({ page }) => {
  await login(page, 'admin');
  await expect(page).toHaveURL(/\/patients$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Patients' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('Administrator');
  await expect(page.getByTestId('demo-banner')).toContainText('Synthetic demo clinic');

  // Create
  await page.getByRole('link', { name: 'New patient' }).click();
  await expect(page).toHaveTitle(/New patient/);
  await page.getByLabel('Given name').fill('Zoë');
  await page.getByLabel('Family name').fill('Ñúñez-Test');
  await page.getByLabel('Birth date').fill('1986-07-14');
  await page.getByLabel('Sex at birth').selectOption('female');
  await page.getByLabel('Pronouns').fill('she/her');
  await page.getByLabel('Black or African American').check();
  await page.getByRole('button', { name: 'Add diagnosis' }).click();
  await page.getByLabel('Diagnosis 1 code').fill('F33.2');
  await page.getByLabel('Diagnosis 1 description').fill('Major depressive disorder, recurrent, severe');
  await page.getByLabel('Referrer name').fill('Dr. Example Referrer');
  await page.getByLabel('Referral date').fill('2026-01-15');
  await page.getByRole('button', { name: 'Create patient' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Ñúñez-Test' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Patient created.' })).toBeVisible();
  const id = Number(/\/patients\/(\d+)$/.exec(page.url())?.[1]);
  expect(id).toBeGreaterThan(0);
  await expect(page.getByText('MRN')).toContainText(/OK-\d{6}-\d/);
  await expect(page.getByText('Major depressive disorder, recurrent, severe')).toBeVisible();
  await expect(page.locator('.chart-meta .badge')).toHaveText('Referred');

  // Find it by search: a case- and accent-insensitive prefix of the family name (the demo
  // clinic has its own "Zoë Ñúñez", so the prefix includes "-test").
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click();
  await page.getByLabel('Name or MRN').fill('NUNEZ-test');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=/);
  const row = page.getByRole('link', { name: 'Ñúñez-Test, Zoë' });
  await expect(row).toBeVisible();
  await expect(page.locator('.patients-table tbody tr')).toHaveCount(1);
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/patients/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Ñúñez-Test' })).toBeVisible();

  // Edit pronouns and status.
  await page.getByRole('link', { name: 'Edit patient' }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/${id}/edit$`));
  await expect(page.getByLabel('Pronouns')).toHaveValue('she/her');
  await page.getByLabel('Pronouns').fill('she/they');
  await page.getByLabel('Status', { exact: true }).selectOption('screening');
  await page.getByLabel('Reason for status change').fill('Intake call booked');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(page.locator('.dl-row', { hasText: 'Pronouns' })).toContainText('she/they');
  await expect(page.locator('.chart-meta .badge')).toHaveText('Screening');
  await expect(page.locator('.timeline')).toContainText('Intake call booked');

  // An impossible date is rejected by the server and shown next to the field.
  await page.getByRole('link', { name: 'Edit patient' }).click();
  const birth = page.getByLabel('Birth date');
  await birth.fill('2025-02-30');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const fieldError = page.locator('.field-error[data-field="birth_date"]');
  await expect(fieldError).toBeVisible();
  await expect(fieldError).toContainText(/date/i);
  await expect(birth).toHaveAttribute('aria-invalid', 'true');
  await expect(birth).toHaveAttribute('aria-describedby', /f-birth_date-error/);
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields' })).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Zoë Ñúñez-Test' })).toBeVisible();
  await expect(page.locator('.dl-row', { hasText: 'Birth date' })).toContainText('14 Jul 1986');

  // Audit trail for this patient.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await page.getByLabel('Patient ID').fill(String(id));
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?patient=${id}$`));
  const rows = page.locator('.audit-table tbody tr');
  await expect(rows.filter({ hasText: 'patient.create' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'patient.update' }).first()).toBeVisible();
  for (const patientCell of await page.locator('.audit-table tbody td[data-label="Patient"]').allTextContents()) {
    expect(patientCell).toBe(String(id));
  }

  await logout(page);
  await expect(page).toHaveURL(/\/login$/);
  // The session is really gone: a protected page sends us back to sign-in.
  await page.goto(`/patients/${id}`);
  await expect(page).toHaveURL(/\/login\?next=/);
});
