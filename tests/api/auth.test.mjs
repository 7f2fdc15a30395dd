// Authentication: bearer tokens, cookie sessions + CSRF, wrong passwords, throttling,
// logout, and disabling a user (API and CLI) ending their sessions at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem, cookiesFrom, cli, sleep, isoUtc, minimalPatient,
} from './lib/server.mjs';

let srv;
let admin; // {token, csrf_token, user}

before(async () => {
  srv = await Server.start({ admin: true });
  admin = await srv.login(ADMIN_USER, ADMIN_PASSWORD);
});
after(async () => { if (srv) await srv.stop(); });

test('login returns a 64-hex bearer token, a CSRF token, expiry and the user', async () => {
  const r = await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.match(r.json.csrf_token, /^[0-9a-f]{64}$/);
  assert.notEqual(r.json.token, r.json.csrf_token);
  assert.ok(isoUtc(r.json.expires_at), `expires_at ISO UTC: ${r.json.expires_at}`);
  assert.ok(Date.parse(r.json.expires_at) > Date.now(), 'expires_at in the future');
  const u = r.json.user;
  assert.equal(u.username, ADMIN_USER);
  assert.equal(u.role, 'admin');
  assert.equal(typeof u.id, 'number');
  assert.ok('display_name' in u, 'user.display_name present');
  assert.ok('patient_id' in u, 'user.patient_id present');
  assert.equal(u.patient_id, null);
  // Two logins give two different sessions.
  assert.notEqual(r.json.token, admin.token);

  const me = await srv.get('/api/v1/auth/me', { token: r.json.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.username, ADMIN_USER);
  assert.equal(me.json.user.id, u.id);
  assert.equal(me.json.user.role, 'admin');
});

test('login sets the session cookie (HttpOnly, SameSite=Strict, Path=/) and a readable CSRF cookie', async () => {
  const r = await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  assert.equal(r.status, 200, r.text);
  const { jar, attrs } = cookiesFrom(r);
  assert.equal(jar.openkap_session, r.json.token, 'openkap_session cookie carries the token');
  assert.equal(jar.openkap_csrf, r.json.csrf_token, 'openkap_csrf cookie carries the csrf token');
  const sa = attrs.openkap_session.map((a) => a.toLowerCase());
  assert.ok(sa.includes('httponly'), `session cookie HttpOnly: ${sa}`);
  assert.ok(sa.includes('samesite=strict'), `session cookie SameSite=Strict: ${sa}`);
  assert.ok(sa.includes('path=/'), `session cookie Path=/: ${sa}`);
  const ca = attrs.openkap_csrf.map((a) => a.toLowerCase());
  assert.ok(!ca.includes('httponly'), `csrf cookie must be readable by the page: ${ca}`);
  assert.ok(ca.includes('samesite=strict'), `csrf cookie SameSite=Strict: ${ca}`);
  assert.ok(ca.includes('path=/'), `csrf cookie Path=/: ${ca}`);
});

test('cookie-authenticated POST needs X-CSRF-Token: without/wrong -> 403 and nothing written, with -> 201', async () => {
  const r = await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  const { jar } = cookiesFrom(r);
  const cookie = `openkap_session=${jar.openkap_session}; openkap_csrf=${jar.openkap_csrf}`;

  // A cookie-authenticated GET needs no CSRF header.
  const me = await srv.get('/api/v1/auth/me', { cookie });
  assert.equal(me.status, 200, me.text);

  const before = await srv.countPatients(admin.token);
  const body = { ...minimalPatient(), given_name: 'Csrf', family_name: 'Probe' };

  const noHeader = await srv.post('/api/v1/patients', body, { cookie });
  assertProblem(noHeader, 403);
  const wrong = await srv.post('/api/v1/patients', body, { cookie, headers: { 'x-csrf-token': '0'.repeat(64) } });
  assertProblem(wrong, 403);
  // The CSRF token of another session is not accepted either.
  const wrongSession = await srv.post('/api/v1/patients', body, { cookie, headers: { 'x-csrf-token': admin.csrf_token } });
  assertProblem(wrongSession, 403);
  assert.equal(await srv.countPatients(admin.token), before, 'no patient created by the rejected requests');

  const ok = await srv.post('/api/v1/patients', body, { cookie, headers: { 'x-csrf-token': jar.openkap_csrf } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(await srv.countPatients(admin.token), before + 1);

  // PATCH and logout through the cookie also need the header.
  const p = await srv.patch(`/api/v1/patients/${ok.json.id}`, { version: 1, given_name: 'Csrf2' }, { cookie });
  assertProblem(p, 403);
  const lo = await srv.post('/api/v1/auth/logout', undefined, { cookie });
  assertProblem(lo, 403);
  const still = await srv.get('/api/v1/auth/me', { cookie });
  assert.equal(still.status, 200, 'session survives a logout attempt without CSRF header');
});

test('bearer requests need no CSRF header', async () => {
  const r = await srv.post('/api/v1/patients', { ...minimalPatient(), given_name: 'Bearer' }, { token: admin.token });
  assert.equal(r.status, 201, r.text);
});

test('no or invalid credentials -> 401 problem+json', async () => {
  assertProblem(await srv.get('/api/v1/auth/me'), 401);
  assertProblem(await srv.get('/api/v1/patients'), 401);
  assertProblem(await srv.get('/api/v1/auth/me', { token: 'f'.repeat(64) }), 401);
  assertProblem(await srv.get('/api/v1/auth/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401);
  assertProblem(await srv.get('/api/v1/auth/me', { cookie: `openkap_session=${'a'.repeat(64)}` }), 401);
});

test('wrong password -> 401 problem+json, same message whether the user exists or not', async () => {
  // Use a dedicated user so the throttling of one name does not disturb other tests.
  await srv.createUser(admin.token, { username: 'wrongpw.user', role: 'nurse', login: false });
  const bad = await srv.post('/api/v1/auth/login', { username: 'wrongpw.user', password: 'not-the-password' });
  assertProblem(bad, 401);
  assert.equal(bad.json.token, undefined);
  assert.equal(cookiesFrom(bad).jar.openkap_session, undefined, 'no session cookie on failure');
  const ghost = await srv.post('/api/v1/auth/login', { username: 'no.such.user', password: 'not-the-password' });
  assertProblem(ghost, 401);
  assert.equal(ghost.json.detail, bad.json.detail, 'same detail for unknown user and wrong password');
  assert.equal(ghost.json.title, bad.json.title, 'same title for unknown user and wrong password');
});

test('malformed login bodies -> 400/422, never 200 or 500', async () => {
  assertProblem(await srv.req('POST', '/api/v1/auth/login', { raw: '{"username":', headers: { 'content-type': 'application/json' } }), 400);
  assertProblem(await srv.post('/api/v1/auth/login', { username: ADMIN_USER }), [400, 401, 422]);
  assertProblem(await srv.post('/api/v1/auth/login', { username: 1, password: 2 }), [400, 401, 422]);
});

test('repeated failures are throttled: 429 with Retry-After, other usernames unaffected', async () => {
  const name = 'throttle.user';
  const pw = 'throttle-password-123';
  await srv.createUser(admin.token, { username: name, role: 'therapist', password: pw, login: false });
  const statuses = [];
  const trace = []; // "status@ms since the previous answer"
  let throttled = null;
  let lastAnswer = performance.now();
  for (let i = 0; i < 6 && !throttled; i++) {
    const sent = performance.now();
    const r = await srv.post('/api/v1/auth/login', { username: name, password: `wrong-${i}-password` });
    trace.push(`${r.status}@+${(sent - lastAnswer).toFixed(0)}ms`);
    lastAnswer = performance.now();
    statuses.push(r.status);
    if (r.status === 429) throttled = r;
    else assertProblem(r, 401);
  }
  assert.ok(throttled, `expected a 429 within 6 rapid failures, got ${trace}`);
  assert.deepEqual(statuses.slice(0, 3), [401, 401, 401], `the first three failures are plain 401s: ${trace}`);
  assert.equal(statuses.length, 4,
    `the 4th attempt, sent at once after the 3rd failure, must wait 2^0 = 1 s (429); got ${trace}`);
  assertProblem(throttled, 429);
  const ra = throttled.headers.get('retry-after');
  assert.match(ra ?? '', /^\d+$/, `Retry-After is delta-seconds: ${ra}`);
  assert.ok(Number(ra) >= 1 && Number(ra) <= 2, `first delay is 2^0 = 1 s (got ${ra})`);

  // Even the right password is refused while throttled.
  const early = await srv.post('/api/v1/auth/login', { username: name, password: pw });
  assertProblem(early, 429);

  // Another username is not affected.
  const other = await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  assert.equal(other.status, 200);

  // After waiting, the right password works again.
  await sleep((Number(early.headers.get('retry-after') || ra) + 0.3) * 1000);
  const ok = await srv.post('/api/v1/auth/login', { username: name, password: pw });
  assert.equal(ok.status, 200, ok.text);
});

test('logout -> 204, clears cookies, and the token is refused afterwards', async () => {
  const s = await srv.login(ADMIN_USER, ADMIN_PASSWORD);
  assert.equal((await srv.get('/api/v1/auth/me', { token: s.token })).status, 200);
  const lo = await srv.post('/api/v1/auth/logout', undefined, { token: s.token });
  assert.equal(lo.status, 204, lo.text);
  assert.equal(lo.text, '', '204 has no body');
  const { attrs, jar } = cookiesFrom(lo);
  for (const name of ['openkap_session', 'openkap_csrf']) {
    assert.ok(name in jar, `logout clears ${name} (Set-Cookie present)`);
    const a = attrs[name].map((x) => x.toLowerCase());
    assert.ok(jar[name] === '' || a.some((x) => x === 'max-age=0' || x.startsWith('expires=')),
      `${name} cookie is expired: ${a}`);
  }
  assertProblem(await srv.get('/api/v1/auth/me', { token: s.token }), 401);
  assertProblem(await srv.get('/api/v1/patients', { token: s.token }), 401);
  // The other admin session is untouched.
  assert.equal((await srv.get('/api/v1/auth/me', { token: admin.token })).status, 200);
});

test('POST /users/{id}/disable ends that user\'s sessions at once and blocks new logins', async () => {
  const pw = 'disable-password-1';
  const { user, token } = await srv.createUser(admin.token, { username: 'disable.api', role: 'nurse', password: pw });
  const token2 = (await srv.login('disable.api', pw)).token;
  assert.equal((await srv.get('/api/v1/auth/me', { token })).status, 200);
  const d = await srv.post(`/api/v1/users/${user.id}/disable`, undefined, { token: admin.token });
  assert.equal(d.status, 200, d.text);
  const du = d.json.user ?? d.json;
  assert.equal(du.id, user.id);
  assert.equal(du.disabled, true);
  assertProblem(await srv.get('/api/v1/auth/me', { token }), 401);
  assertProblem(await srv.get('/api/v1/auth/me', { token: token2 }), 401);
  const again = await srv.post('/api/v1/auth/login', { username: 'disable.api', password: pw });
  assert.ok(again.status === 401 || again.status === 403 || again.status === 423, `disabled login refused: ${again.status}`);
  assertProblem(again, again.status);
  // Non-admin may not disable anyone.
  const { user: u2, token: t2 } = await srv.createUser(admin.token, { username: 'disable.victim', role: 'nurse' });
  const { token: nurse } = await srv.createUser(admin.token, { username: 'disable.nurse', role: 'nurse' });
  assertProblem(await srv.post(`/api/v1/users/${u2.id}/disable`, undefined, { token: nurse }), 403);
  assert.equal((await srv.get('/api/v1/auth/me', { token: t2 })).status, 200);
});

test('`openkap user disable` on the live database ends that user\'s sessions at once', async () => {
  const pw = 'disable-cli-password';
  const { token } = await srv.createUser(admin.token, { username: 'disable.cli', role: 'therapist', password: pw });
  assert.equal((await srv.get('/api/v1/auth/me', { token })).status, 200);
  const r = cli(['user', 'disable', '--db', srv.db, '--username', 'disable.cli']);
  assert.equal(r.code, 0, `user disable: ${r.stderr}`);
  assertProblem(await srv.get('/api/v1/auth/me', { token }), 401);
  const again = await srv.post('/api/v1/auth/login', { username: 'disable.cli', password: pw });
  assert.ok([401, 403, 423].includes(again.status), `disabled login refused: ${again.status}`);
  const list = cli(['user', 'list', '--db', srv.db]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /disable\.cli/);
});

test('`openkap user passwd` on the live database: new password works, old one does not', async () => {
  const { token } = await srv.createUser(admin.token, { username: 'passwd.cli', role: 'nurse', password: 'first-password-1' });
  assert.ok(token);
  const r = cli(['user', 'passwd', '--db', srv.db, '--username', 'passwd.cli', '--password-stdin'],
    { input: 'second-password-2\n' });
  assert.equal(r.code, 0, `user passwd: ${r.stderr}`);
  const ok = await srv.post('/api/v1/auth/login', { username: 'passwd.cli', password: 'second-password-2' });
  assert.equal(ok.status, 200, ok.text);
  assertProblem(await srv.post('/api/v1/auth/login', { username: 'passwd.cli', password: 'first-password-1' }), 401);
});

test('users: admin creates (201), password < 12 chars -> 422, unknown role -> 422, non-admin -> 403, duplicate -> 409', async () => {
  const r = await srv.post('/api/v1/users', { username: 'users.new', password: 'long-enough-pw', role: 'therapist', display_name: 'New T' }, { token: admin.token });
  assert.equal(r.status, 201, r.text);
  const u = r.json.user ?? r.json;
  assert.equal(u.username, 'users.new');
  assert.equal(u.role, 'therapist');
  assert.equal(u.password, undefined, 'password not echoed');
  assert.equal(u.password_hash, undefined, 'password hash not exposed');
  assertProblem(await srv.post('/api/v1/users', { username: 'users.short', password: 'short-pw', role: 'nurse', display_name: 'S' }, { token: admin.token }), 422, { field: 'password' });
  assertProblem(await srv.post('/api/v1/users', { username: 'users.role', password: 'long-enough-pw', role: 'wizard', display_name: 'W' }, { token: admin.token }), 422, { field: 'role' });
  assertProblem(await srv.post('/api/v1/users', { username: 'users.new', password: 'long-enough-pw', role: 'nurse', display_name: 'D' }, { token: admin.token }), 409);
  const t = (await srv.login('users.new', 'long-enough-pw')).token;
  assertProblem(await srv.post('/api/v1/users', { username: 'users.byt', password: 'long-enough-pw', role: 'admin', display_name: 'X' }, { token: t }), 403);

  const list = await srv.get('/api/v1/users?role=therapist', { token: admin.token });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((x) => x.username === 'users.new'));
  assert.ok(list.json.items.every((x) => x.role === 'therapist'), 'role filter applied');
  for (const x of list.json.items) {
    for (const k of ['id', 'username', 'display_name', 'role', 'disabled']) assert.ok(k in x, `user item has ${k}`);
  }
});

// Slow (about 2.5 minutes): run with OPENKAP_SLOW_TESTS=1.
const slow = !process.env.OPENKAP_SLOW_TESTS;

test('after 10 consecutive failures the account is locked (423), even for the right password', { skip: slow && 'set OPENKAP_SLOW_TESTS=1', timeout: 300000 }, async () => {
  const name = 'lockout.user';
  const pw = 'lockout-password-123';
  await srv.createUser(admin.token, { username: name, role: 'nurse', password: pw, login: false });
  let failures = 0;
  let locked = null;
  for (let guard = 0; guard < 40 && !locked; guard++) {
    const r = await srv.post('/api/v1/auth/login', { username: name, password: 'definitely-wrong' });
    if (r.status === 401) failures++;
    else if (r.status === 429) await sleep(Number(r.headers.get('retry-after')) * 1000 + 200);
    else if (r.status === 423) locked = r;
    else assert.fail(`unexpected ${r.status} ${r.text}`);
  }
  assert.ok(locked, 'locked within the loop');
  assert.equal(failures, 10, 'locked after exactly 10 failures');
  assertProblem(locked, 423);
  const right = await srv.post('/api/v1/auth/login', { username: name, password: pw });
  assertProblem(right, 423);
  // Other users are unaffected.
  assert.equal((await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD })).status, 200);
});

test('a session ends after the idle timeout (--idle-timeout-min 1)', { skip: slow && 'set OPENKAP_SLOW_TESTS=1', timeout: 200000 }, async () => {
  const s = await Server.start({ admin: true, extraArgs: ['--idle-timeout-min', '1'] });
  try {
    const busy = await s.login(ADMIN_USER, ADMIN_PASSWORD);
    const idle = await s.login(ADMIN_USER, ADMIN_PASSWORD);
    // Keep one session busy every 20 s; leave the other idle for 75 s.
    for (let i = 0; i < 4; i++) {
      await sleep(18750);
      assert.equal((await s.get('/api/v1/auth/me', { token: busy.token })).status, 200, 'an active session stays alive');
    }
    assertProblem(await s.get('/api/v1/auth/me', { token: idle.token }), 401);
  } finally {
    await s.stop();
  }
});
