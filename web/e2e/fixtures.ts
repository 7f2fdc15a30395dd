import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'openkap-demo';

type Cookies = Awaited<ReturnType<APIRequestContext['storageState']>>['cookies'];

function serverUrl(): string {
  const url = process.env.OPENKAP_BASE_URL;
  if (!url) throw new Error('OPENKAP_BASE_URL not set: the global setup did not start the server');
  return url;
}

export const test = base.extend<
  { api: ApiHelper; signInAsAdmin: () => Promise<void>; noPageErrors: void },
  { adminCookies: Cookies }
>({
  // Every test also fails on an uncaught exception in the page or a CSP violation.
  noPageErrors: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
          problems.push(`CSP: ${msg.text()}`);
        }
      });
      await use();
      expect(problems, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  baseURL: async ({}, use) => {
    await use(serverUrl());
  },
  // One admin session per worker, reused by tests that only need to be signed in
  // (each UI login costs a password hash on the server).
  adminCookies: [
    async ({ playwright }, use) => {
      const ctx = await playwright.request.newContext({ baseURL: serverUrl() });
      const r = await ctx.post('/api/v1/auth/login', { data: { username: 'admin', password: PASSWORD } });
      expect(r.status(), 'admin login').toBe(200);
      const { cookies } = await ctx.storageState();
      await ctx.dispose();
      await use(cookies);
    },
    { scope: 'worker' },
  ],
  signInAsAdmin: async ({ page, adminCookies }, use) => {
    await use(async () => {
      await page.context().addCookies(adminCookies);
    });
  },
  api: async ({ playwright, baseURL }, use) => {
    const ctx = await playwright.request.newContext({ baseURL });
    await use(new ApiHelper(ctx, () => playwright.request.newContext({ baseURL })));
    await ctx.dispose();
  },
});
export { expect };

/** Direct API calls with a bearer token (no CSRF needed), for test set-up. */
export class ApiHelper {
  constructor(
    private readonly ctx: APIRequestContext,
    private readonly freshContext: () => Promise<APIRequestContext>,
  ) {}

  /** Logs in on a throw-away context so that `ctx` never holds session cookies (bearer only). */
  async token(username: string): Promise<string> {
    const loginCtx = await this.freshContext();
    try {
      const r = await loginCtx.post('/api/v1/auth/login', { data: { username, password: PASSWORD } });
      expect(r.status(), `login ${username}`).toBe(200);
      return (await r.json()).token as string;
    } finally {
      await loginCtx.dispose();
    }
  }

  async createPatient(asUser: string, body: Record<string, unknown>): Promise<{ id: number; mrn: string; version: number }> {
    const token = await this.token(asUser);
    const r = await this.ctx.post('/api/v1/patients', { data: body, headers: { Authorization: `Bearer ${token}` } });
    expect(r.status(), await r.text()).toBe(201);
    return r.json();
  }

  async patchPatient(asUser: string, id: number, body: Record<string, unknown>): Promise<{ version: number }> {
    const token = await this.token(asUser);
    const r = await this.ctx.patch(`/api/v1/patients/${id}`, { data: body, headers: { Authorization: `Bearer ${token}` } });
    expect(r.status(), await r.text()).toBe(200);
    return r.json();
  }
}

export async function login(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toBeVisible();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to OpenKAP' })).toBeVisible();
}

/** Fails on any axe violation of impact serious or critical (WCAG 2.1 A/AA rules and best practices). */
export async function expectNoSeriousA11yViolations(page: Page, pageName: string): Promise<void> {
  const started = Date.now();
  // Legacy mode runs axe in the page itself instead of finishing in a second page: the
  // app has no iframes, and it halves the time per check on this 2-core machine.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  if (process.env.E2E_VERBOSE) console.log(`[axe] ${pageName}: ${Date.now() - started} ms`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`);
  expect(summary, `axe violations on ${pageName}`).toEqual([]);
}
