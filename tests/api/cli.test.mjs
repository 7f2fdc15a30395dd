// The `openkap` command line: --version, --help, bad input, user management, audit verify.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { cli, makeTempDir, Server } from './lib/server.mjs';

const dirs = [];
function freshDb() {
  const d = makeTempDir('openkap-cli-');
  dirs.push(d);
  return path.join(d, 'openkap.db');
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A failed command: non-zero exit and exactly one non-empty line on stderr. */
function assertOneLineFailure(r, what) {
  assert.notEqual(r.code, 0, `${what}: exit code non-zero`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `${what}: one line on stderr, got: ${JSON.stringify(r.stderr)}`);
}

test('--version prints a version and exits 0', () => {
  const r = cli(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\d+\.\d+/);
});

test('every subcommand answers --help with exit 0', () => {
  for (const args of [['serve'], ['migrate'], ['user'], ['user', 'add'], ['user', 'list'], ['user', 'passwd'],
    ['user', 'disable'], ['audit'], ['audit', 'verify']]) {
    const r = cli([...args, '--help']);
    assert.equal(r.code, 0, `${args.join(' ')} --help: ${r.stderr}`);
    assert.ok((r.stdout + r.stderr).length > 20, `${args.join(' ')} --help prints something`);
  }
  const top = cli(['--help']);
  assert.equal(top.code, 0);
  for (const sub of ['serve', 'migrate', 'user', 'audit']) assert.match(top.stdout, new RegExp(sub), `--help mentions ${sub}`);
});

test('bad input -> one line on stderr and a non-zero exit', () => {
  const db = freshDb();
  assert.equal(cli(['migrate', '--db', db]).code, 0);
  assertOneLineFailure(cli(['no-such-command']), 'unknown subcommand');
  assertOneLineFailure(cli(['migrate']), 'migrate without --db');
  assertOneLineFailure(cli(['user', 'add', '--db', db, '--username', 'shorty', '--role', 'admin', '--password-stdin'], { input: 'short\n' }),
    'password < 12 characters');
  assertOneLineFailure(cli(['user', 'add', '--db', db, '--username', 'wiz', '--role', 'wizard', '--password-stdin'], { input: 'long-enough-password\n' }),
    'unknown role');
  assertOneLineFailure(cli(['user', 'add', '--db', db, '--username', 'nopw', '--role', 'nurse', '--password-stdin'], { input: '' }),
    'empty stdin');
  assertOneLineFailure(cli(['user', 'disable', '--db', db, '--username', 'ghost']), 'disable unknown user');
  assertOneLineFailure(cli(['user', 'passwd', '--db', db, '--username', 'ghost', '--password-stdin'], { input: 'long-enough-password\n' }), 'passwd unknown user');
  assertOneLineFailure(cli(['serve', '--db', db, '--listen', 'not-an-address']), 'bad --listen');
  assertOneLineFailure(cli(['audit', 'verify', '--db', path.join(path.dirname(db), 'missing', 'x.db')]), 'verify missing db');
});

test('user add / list / duplicate', () => {
  const db = freshDb();
  assert.equal(cli(['migrate', '--db', db]).code, 0);
  const add = cli(['user', 'add', '--db', db, '--username', 'cli.nurse', '--role', 'nurse', '--password-stdin'], { input: 'nurse-password-12\n' });
  assert.equal(add.code, 0, add.stderr);
  const dup = cli(['user', 'add', '--db', db, '--username', 'cli.nurse', '--role', 'nurse', '--password-stdin'], { input: 'nurse-password-12\n' });
  assertOneLineFailure(dup, 'duplicate username');
  const list = cli(['user', 'list', '--db', db]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /cli\.nurse/);
  assert.match(list.stdout, /nurse/);
  assert.ok(!/nurse-password-12/.test(list.stdout), 'no password in the listing');
  const twice = cli(['migrate', '--db', db]);
  assert.equal(twice.code, 0, 'migrate is idempotent');
  assert.equal(cli(['audit', 'verify', '--db', db]).code, 0, 'audit verify on a fresh db');
});

test('the password from stdin (trailing newline stripped) logs in', async () => {
  const s = await Server.start({ admin: true });
  try {
    const r = await s.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password-123' });
    assert.equal(r.status, 200, 'the CLI-created admin logs in with the password piped with a newline');
  } finally {
    await s.stop();
  }
});

test('serve on a port already in use -> non-zero exit with one line', async () => {
  const blocker = net.createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const port = blocker.address().port;
  const db = freshDb();
  assert.equal(cli(['migrate', '--db', db]).code, 0);
  try {
    const r = cli(['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { timeoutMs: 10000 });
    assert.equal(r.signal, null, 'exits by itself instead of hanging');
    assert.notEqual(r.code, 0);
    assert.ok(!/OpenKAP listening/.test(r.stdout), 'does not claim to listen');
    assert.ok(r.stderr.trim().length > 0, 'says why on stderr');
  } finally {
    blocker.close();
  }
});
