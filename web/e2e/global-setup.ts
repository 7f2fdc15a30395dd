// Starts `openkap serve --demo` on a fresh database and a free port, waits for its
// "OpenKAP listening on http://..." line, and stops it (SIGTERM) after the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = 20_000;

function waitForListening(child: ChildProcess, onOutput: (chunk: Buffer) => void, logPath: string): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not print its listening line within ${STARTUP_TIMEOUT_MS / 1000} s (log: ${logPath})`)),
      STARTUP_TIMEOUT_MS,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      onOutput(chunk);
      buffered += chunk.toString('utf8');
      const m = /OpenKAP listening on (http:\/\/[\w.:[\]-]+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal}); see ${logPath}`));
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = resolve(webDir, process.env.OPENKAP_BIN ?? '../build/openkap');
  const webRoot = resolve(webDir, 'dist');
  if (!existsSync(bin)) throw new Error(`OpenKAP server binary not found at ${bin} (set OPENKAP_BIN)`);
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`${webRoot}/index.html missing: run npm run build first`);

  const tmp = mkdtempSync(join(tmpdir(), 'openkap-e2e-'));
  const resultsDir = resolve(webDir, 'e2e/test-results');
  mkdirSync(resultsDir, { recursive: true });
  const logPath = join(resultsDir, 'server.log');
  const log = createWriteStream(logPath);

  const args = ['serve', '--demo', '--db', join(tmp, 'e2e.db'), '--listen', '127.0.0.1:0', '--web-root', webRoot];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  child.stderr.pipe(log);

  let baseUrl: string;
  try {
    baseUrl = await waitForListening(child, (chunk) => log.write(chunk), logPath);
  } catch (err) {
    // Leave nothing behind when the server fails to start.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    log.end();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  child.removeAllListeners('exit');
  process.env.OPENKAP_BASE_URL = baseUrl;
  console.log(`[e2e] ${bin} serving ${webRoot} at ${baseUrl} (log: ${logPath})`);

  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        console.warn('[e2e] server ignored SIGTERM for 5 s; sending SIGKILL');
        child.kill('SIGKILL');
        await exited;
      }
    }
    log.end();
    rmSync(tmp, { recursive: true, force: true });
  };
}
