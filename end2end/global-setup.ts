// Starts a real Tenantry server on PostgreSQL with databases of its own, on
// a free port, with a real SMTP server (npm smtp-server) receiving its mail
// into a directory the tests read and a real DNS server (server/testdns)
// answering from a file the tests write, and tears all of it down
// afterwards. The server binary and the front end come from `cargo leptos
// build` (target/debug, target/site), the DNS server from `cargo build -p
// testdns`.
import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const repo = path.resolve(__dirname, '..');
const pgUrl = process.env.TENANTRY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(database: string): string {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
    server.on('error', reject);
  });
}

async function waitForHealthy(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`tenantry exited with ${server.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('tenantry did not become ready within 60 s');
}

async function dropDatabases(prefix: string): Promise<void> {
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
  for (const row of rows) {
    await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  }
  await admin.end();
}

/** An SMTP server that writes each message it gets to `dir` as JSON
 * (`{ to, subject, text }`), one file per message, in arrival order. */
async function startSmtpSink(dir: string): Promise<{ port: number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const name = `${Date.now()}-${String(++count).padStart(5, '0')}.json`;
          // Written whole, then renamed: readers never see half a message.
          const file = path.join(dir, name);
          fs.writeFileSync(`${file}.tmp`, JSON.stringify({ to, subject: mail.subject ?? '', text: mail.text ?? '' }));
          fs.renameSync(`${file}.tmp`, file);
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const binary = path.join(repo, 'target', 'debug', 'tenantry');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run cargo leptos build first`);
  const id = `e2e${randomBytes(4).toString('hex')}`;
  const port = await freePort();

  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${id}_control`);
  await admin.end();

  const maildir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-e2e-mail-'));
  const smtp = await startSmtpSink(maildir);
  process.env.TENANTRY_E2E_MAILDIR = maildir;

  // A DNS server of our own (server/testdns) that custom domains are
  // verified against: it answers from a file the journeys write.
  const dnsBinary = path.join(repo, 'target', 'debug', 'testdns');
  if (!fs.existsSync(dnsBinary)) throw new Error(`${dnsBinary} is missing: run cargo build -p testdns first`);
  const records = path.join(maildir, '..', `tenantry-e2e-dns-${id}.txt`);
  fs.writeFileSync(records, '# written by the journeys (tests/fixtures.ts, addDnsRecords)\n');
  process.env.TENANTRY_E2E_DNS_RECORDS = records;
  const dnsPort = await freePort();
  const dns = spawn(dnsBinary, [`127.0.0.1:${dnsPort}`, records], { stdio: ['ignore', 'inherit', 'inherit'] });

  const server = spawn(binary, [], {
    cwd: repo,
    env: {
      ...process.env,
      TENANTRY_BASE_DOMAIN: 'app.example',
      TENANTRY_LISTEN: `127.0.0.1:${port}`,
      TENANTRY_DATABASE_URL: databaseUrl(`${id}_control`),
      TENANTRY_TENANT_DATABASES: pgUrl,
      TENANTRY_TENANT_DB_PREFIX: `${id}_`,
      TENANTRY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      TENANTRY_DNS_SERVER: `127.0.0.1:${dnsPort}`,
      // The journeys make a few of everything: the middle plan holds them.
      TENANTRY_DEFAULT_PLAN: 'team',
      TENANTRY_LEPTOS_TOML: path.join(repo, 'Leptos.toml'),
      // Every journey signs up from 127.0.0.1 within the hour.
      TENANTRY_SIGNUPS_PER_ADDRESS: '1000',
      TENANTRY_SIGNUPS_PER_EMAIL: '1000',
      LEPTOS_SITE_ROOT: path.join(repo, 'target', 'site'),
      RUST_LOG: process.env.RUST_LOG ?? 'info',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealthy(port, server);
  process.env.TENANTRY_E2E_PORT = String(port);

  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await dropDatabases(`${id}_`);
    await smtp.close();
    dns.kill('SIGTERM');
    fs.rmSync(maildir, { recursive: true, force: true });
    fs.rmSync(records, { force: true });
  };
}
