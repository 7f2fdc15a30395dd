import { expect, login, logout, test } from './fixtures';

test('an outside therapist cannot open a patient outside their care team', async ({ page, api }) => {
  const p = await api.createPatient('admin', {
    given_name: 'Hidden',
    family_name: 'Outsideteam',
    birth_date: '1979-03-08',
    sex_at_birth: 'male',
    phone: '+1 555 0199',
  });

  await login(page, 'therapist.lind');
  await expect(page.getByTestId('current-user')).toContainText('Therapist');
  await page.goto(`/patients/${p.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Patient not found' })).toBeVisible();
  await expect(page.getByText('not permitted to see it')).toBeVisible();
  const body = page.locator('body');
  await expect(body).not.toContainText('Outsideteam');
  await expect(body).not.toContainText('Hidden');
  await expect(body).not.toContainText(p.mrn);
  await expect(body).not.toContainText('555 0199');

  // The edit form shows nothing either, and the list does not include the patient.
  await page.goto(`/patients/${p.id}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Patient not found' })).toBeVisible();
  await expect(body).not.toContainText('Outsideteam');
  await page.goto('/patients?q=Outsideteam');
  await expect(page.getByText('No patients match this search.')).toBeVisible();
  await logout(page);
});

test('a patient sees only their own chart', async ({ page, api }) => {
  const other = await api.createPatient('admin', {
    given_name: 'Notana',
    family_name: 'Otherperson',
    birth_date: '1990-01-01',
    sex_at_birth: 'female',
  });
  await login(page, 'patient.ana');
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await expect(page.getByRole('link', { name: 'My chart' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Demographics' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit patient' })).toHaveCount(0);
  await page.goto('/patients');
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await page.goto(`/patients/${other.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Patient not found' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Otherperson');
});

test('a researcher is told identifiable data is not available', async ({ page }) => {
  await login(page, 'researcher.kim');
  await expect(page).toHaveURL(/\/research$/);
  await expect(page.getByText('Identifiable data is not available to your role.')).toBeVisible();
  await page.goto('/patients/1');
  await expect(page.getByRole('heading', { level: 1, name: 'Identifiable data is not available to your role' })).toBeVisible();
  await page.goto('/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Not permitted' })).toBeVisible();
});

test('saving over someone else\'s change shows a conflict and offers a reload', async ({ page, api }) => {
  const p = await api.createPatient('admin', {
    given_name: 'Conflict',
    family_name: 'Casetest',
    birth_date: '1975-11-30',
    sex_at_birth: 'unknown',
  });
  await login(page, 'admin');
  await page.goto(`/patients/${p.id}/edit`);
  await expect(page.getByLabel('Pronouns')).toBeVisible();
  await api.patchPatient('admin', p.id, { version: p.version, pronouns: 'they/them' });

  await page.getByLabel('Phone', { exact: true }).fill('+1 555 0142');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Someone else changed this record' });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: 'Reload the latest version' }).click();
  await expect(page.getByLabel('Pronouns')).toHaveValue('they/them');
  await expect(page.getByText(`version ${p.version + 1}`)).toBeVisible();
  await page.getByLabel('Phone', { exact: true }).fill('+1 555 0142');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(page.locator('.dl-row', { hasText: 'Phone' })).toContainText('+1 555 0142');
});

test('admin adds and removes a care-team member, which grants and ends access', async ({ page, browser, api, baseURL }) => {
  const p = await api.createPatient('admin', {
    given_name: 'Teamwork',
    family_name: 'Carelink',
    birth_date: '1983-09-21',
    sex_at_birth: 'female',
  });

  // A second browser context for the therapist, side by side with the admin.
  const lindContext = await browser.newContext({ baseURL });
  const lind = await lindContext.newPage();
  try {
    await login(lind, 'therapist.lind');
    await lind.goto(`/patients/${p.id}`);
    await expect(lind.getByRole('heading', { level: 1, name: 'Patient not found' })).toBeVisible();

    await login(page, 'admin');
    await page.goto(`/patients/${p.id}`);
    await expect(page.getByText('No one is on the care team yet.')).toBeVisible();
    const staff = page.getByLabel('Staff member');
    await expect(staff).toBeEnabled();
    const optionText = (await staff.locator('option').allTextContents()).find((t) => /Lind/.test(t));
    expect(optionText, 'therapist.lind offered as a care-team member').toBeTruthy();
    await staff.selectOption({ label: optionText! });
    await page.getByLabel('Capacity').selectOption('outside_therapist');
    await page.getByRole('button', { name: 'Add to care team' }).click();
    await expect(page.getByText('added to the care team.')).toBeVisible();
    const team = page.getByRole('table', { name: 'Care team members' });
    await expect(team.getByRole('row', { name: /Lind/ })).toContainText('Outside therapist');

    await lind.reload();
    await expect(lind.getByRole('heading', { level: 1, name: 'Teamwork Carelink' })).toBeVisible();

    page.once('dialog', (d) => void d.accept());
    await team.getByRole('button', { name: /Remove .*Lind.* from the care team/ }).click();
    await expect(page.getByText('removed from the care team.')).toBeVisible();
    await expect(page.getByText('No one is on the care team yet.')).toBeVisible();

    await lind.reload();
    await expect(lind.getByRole('heading', { level: 1, name: 'Patient not found' })).toBeVisible();
    await expect(lind.locator('body')).not.toContainText('Carelink');
  } finally {
    await lindContext.close();
  }
});
