// Browser tests of the web form: Debian's chromium, driven by playwright-core,
// against the real sealdrop-server on loopback with keys made by the real
// sealdrop-analyst. Every byte the browser sends goes through a recording
// relay (a TCP proxy here), so the test sees what left the page.
//
//   node tests/browser/run.mjs BUILD_DIR SOURCE_DIR
//
// Screenshots of every page of the flow (1280 and 320 px wide, with and
// without JavaScript, and one per language; the follow-up page's also at
// 390 px) are kept in
// BUILD_DIR/tests/browser-artefacts/. Ends with "browser: N passed, M failed";
// exits 77 (skipped) only when chromium cannot start here at all.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [BUILD, SRC] = process.argv.slice(2).map((p) => path.resolve(p));
if (!BUILD || !SRC) {
  console.error('usage: node run.mjs BUILD_DIR SOURCE_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.SD_CHROMIUM || '/usr/bin/chromium';
const QUICK = process.env.SD_BROWSER_QUICK === '1';   // fewer languages, for a second build
const WORK = path.join(BUILD, 'tests', 'browser-work');
const ART = path.join(BUILD, 'tests', 'browser-artefacts');
const PASS = 'browser-test-passphrase';
const ANALYST = path.join(BUILD, 'analyst', 'sealdrop-analyst');
const SERVER = path.join(BUILD, 'server', 'sealdrop-server');
const SUBMIT = path.join(BUILD, 'submitter', 'sealdrop-submit');
const DEADLINE = Date.now() + 8 * 60 * 1000;   // the whole run, bounded

let passed = 0;
let failed = 0;
function ok(name) {
  passed++;
  console.log(`ok - ${name}`);
}
function bad(name, why) {
  failed++;
  console.log(`not ok - ${name}: ${why}`);
}
function check(cond, name, why = 'false') {
  if (cond) ok(name);
  else bad(name, why);
  return cond;
}
function finish(code) {
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(code !== undefined ? code : failed === 0 ? 0 : 1);
}

// ------------------------------------------------------------------ tools

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    encoding: opts.binary ? null : 'utf8',
    env: { ...process.env, SEALDROP_PASSPHRASE: PASS, ...(opts.env || {}) },
    cwd: opts.cwd || WORK,
    timeout: 120000,
    input: opts.input,
  });
  if (r.status !== 0 && !opts.mayFail)
    throw new Error(`${path.basename(cmd)} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r;
}

function sql(db, query) {
  return run('sqlite3', ['-readonly', db, query]).stdout.trim();
}

function makeKeys(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const role of ['authority', 'stats', 'details', 'ack'])
    run(ANALYST, ['keygen', '--role', role, '--out', path.join(dir, role), '--kdf', 'interactive', '--force']);
  run(SERVER, ['keygen', '--out', path.join(dir, 'receipt'), '--kdf', 'interactive', '--force']);
  const expires = new Date(Date.now() + 365 * 86400e3).toISOString().slice(0, 10);
  run(ANALYST, ['channel', '--authority', path.join(dir, 'authority.key'),
    '--recipient', path.join(dir, 'stats.pub'), '--recipient', path.join(dir, 'details.pub'),
    '--receipt-key', path.join(dir, 'receipt.pub'), '--ack-key', path.join(dir, 'ack.pub'),
    '--expires', expires, '--out', path.join(dir, 'channel.json'), '--force']);
}

// Started as root the server runs as another user, chrooted to the
// directory of its store: give that directory to nobody.
function asUser(db) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return [];
  const id = (flag) => parseInt(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout, 10);
  fs.chownSync(path.dirname(db), id('-u'), id('-g'));
  return ['--user', 'nobody'];
}

// A fresh store, or with keep the one there (a restart); channel is the
// descriptor to serve, extra more flags.
function startServer(keys, db, { keep = false, channel = path.join(keys, 'channel.json'), extra = [] } = {}) {
  if (!keep) for (const f of [db, db + '-wal', db + '-shm']) fs.rmSync(f, { force: true });
  const log = fs.openSync(path.join(WORK, 'server.log'), 'a');
  const p = spawn(SERVER, ['--listen', '127.0.0.1:0', '--db', db,
    '--channel', channel, '--authority', path.join(keys, 'authority.pub'),
    '--receipt-key', path.join(keys, 'receipt.key'), '--templates', path.join(SRC, 'templates'),
    ...extra, ...asUser(db)],
  { env: { ...process.env, SEALDROP_PASSPHRASE: PASS }, stdio: ['ignore', 'pipe', log] });
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('the server did not start (see server.log)')), 20000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(t);
        resolve({ proc: p, port: +m[1] });
      }
    });
    p.on('exit', (c) => reject(new Error(`the server exited with ${c} (see server.log)`)));
  });
}

// A TCP relay in front of the server that keeps every byte the browser
// sends. dropNextReportAnswer makes it cut the connection when the answer
// to the next POST /api/v1/reports arrives: the server has stored the
// envelope, the page sees a network failure.
function startRelay(port) {
  const relay = { sent: [], dropNextReportAnswer: false, port: 0, reportPosts: 0 };
  const srv = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    let isReport = false;
    client.on('data', (d) => {
      relay.sent.push(Buffer.from(d));
      if (d.includes('POST /api/v1/reports ')) {
        relay.reportPosts++;
        isReport = true;
      }
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (isReport && relay.dropNextReportAnswer) {
        // a few bytes first: a connection closed before any answer is
        // one chromium quietly retries on its own
        relay.dropNextReportAnswer = false;
        client.write(d.subarray(0, 9));
        client.destroy();
        upstream.destroy();
        return;
      }
      isReport = false;
      client.write(d);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      relay.port = srv.address().port;
      relay.server = srv;
      relay.all = () => Buffer.concat(relay.sent);
      relay.reset = () => { relay.sent = []; };
      resolve(relay);
    });
  });
}

// -------------------------------------------------------------- the browser

const { chromium } = await import(path.join(HERE, 'node_modules', 'playwright-core', 'index.mjs'))
  .catch(() => ({ chromium: null }));
if (!chromium) {
  bad('playwright-core is installed', 'tests/browser/node_modules is missing: run scripts/setup-deps.sh (npm ci in tests/browser)');
  finish();
}
const AXE = fs.readFileSync(path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// Chromium that cannot start at all (not installed, no libraries) skips the
// run; one that starts but fails here is a failure like any other.
const version = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30000 });
if (version.status !== 0) {
  console.log(`browser tests skipped: chromium cannot run here: ${CHROMIUM} --version: ${
    (version.error && version.error.message) || String(version.stderr).split('\n')[0]}` +
    ' (scripts/setup-deps.sh installs Debian\'s chromium)');
  finish(77);
}
let browser = null;
try {
  // playwright-core gives every launch a fresh --user-data-dir of its own
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  bad('chromium starts', String(e.message).split('\n')[0]);
  finish();
}

fs.rmSync(WORK, { recursive: true, force: true });
fs.mkdirSync(WORK, { recursive: true });
fs.rmSync(ART, { recursive: true, force: true });
fs.mkdirSync(ART, { recursive: true });
const KEYS = path.join(WORK, 'keys');
makeKeys(KEYS);
const DB = path.join(WORK, 'intake.db');
let server = await startServer(KEYS, DB);
const relay = await startRelay(server.port);
const BASE = `http://127.0.0.1:${relay.port}`;
const LANGS = fs.readdirSync(path.join(SRC, 'templates', 'po'))
  .filter((f) => /^[a-z]{2,3}\.po$/.test(f)).map((f) => f.slice(0, -3)).sort();

async function newPage(js, width = 1280) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  page.noJs = !js;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function shot(page, name) {
  const w = page.viewportSize().width;
  await page.screenshot({ path: path.join(ART, `${name}-${w}.png`), fullPage: true });
}

// screenshots at both widths, and nothing wider than 320 px at 320 px
async function shots(page, name) {
  await shot(page, name);
  const w = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 900 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await shot(page, name);
  await page.setViewportSize(w);
  if (wide > 320) bad(`${name}: readable at 320 px`, `the page is ${wide} px wide`);
  return wide <= 320;
}

// A page without JavaScript runs no script, axe's neither: its HTML is
// checked in a page of its own (scripts taken out, the style sheet kept).
let axeHelper = null;
async function axeCopy(page) {
  if (!axeHelper) {
    const ctx = await browser.newContext({ viewport: page.viewportSize() });
    axeHelper = await ctx.newPage();
  }
  await axeHelper.setViewportSize(page.viewportSize());
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')
    .replace('<head>', `<head><base href="${BASE}/">`);
  await axeHelper.setContent(html, { waitUntil: 'load' });
  return axeHelper;
}

async function axe(page, name) {
  if (page.noJs) page = await axeCopy(page);
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  // evaluated by the test, not added as a script: the page's CSP allows
  // no inline script, and without JavaScript the page runs none
  if (!has) await page.evaluate(AXE);
  const t0 = Date.now();
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
    return res.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  });
  if (process.env.SD_BROWSER_TIMING) console.log(`# axe ${name}: ${Date.now() - t0} ms`);
  return check(r.length === 0, `axe: ${name}`, r.join('; '));
}

// -------------------------------------------------------------- the answers

const CANARY = {
  narrative: 'CANARY-NARRATIVE-5h2kq9',
  contact: 'CANARY-CONTACT-7mw3xz',
  fileName: 'CANARY-FILENAME-3vq8pd',
  fileBody: 'CANARY-FILEBODY-9tj4nr',
};
const narrative = `The designs of our new valve were copied.\nA former partner had access. ${CANARY.narrative}\nÆblegrød, ÿ, Αθήνα, София, "quotes" and \\backslash.`;
const contact = `security-${CANARY.contact}@example.eu`;
const file1 = { name: `${CANARY.fileName}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`evidence ${CANARY.fileBody} evidence\n`) };
const big = crypto.randomBytes(300 * 1024);
Buffer.from(CANARY.fileBody).copy(big, 150000);
const file2 = { name: 'logs.bin', mimeType: 'application/octet-stream', buffer: big };

// the organisation code the CLI makes, and its pseudonym
const orgOut = run(SUBMIT, ['init', '--org-secret', path.join(WORK, 'org.secret')]).stdout;
const ORG_CODE = orgOut.match(/organisation code:\s+(\S+)/)[1];
const REPORTER = orgOut.match(/reporter pseudonym:\s+([0-9a-f]{64})/)[1];

async function fillStep1(page, opts = {}) {
  await page.selectOption('#f-member_state', opts.ms || 'DK');
  await page.check('#f-organisation-company');
  await page.selectOption('#f-sector', 'C');
  await page.check('#f-size_class-small');
  if (opts.code) await page.fill('#f-org_code', opts.code);
}
async function fillStep2(page) {
  await page.check('#f-secret_types-technical\\.product_design');
  await page.check('#f-secret_types-commercial\\.pricing');
  await page.selectOption('#f-discovered-year', '2025');
  await page.selectOption('#f-discovered-quarter', '3');
}
async function fillStep3(page) {
  await page.check('#f-attack_vectors-hacking');
  await page.check('#f-attack_vectors-social');
  await page.selectOption('#f-actor', 'former_employee');
  await page.check('#f-actor_origin-eu');
}
async function fillStep4(page, loss = '1250000') {
  await page.fill('#f-loss_eur', loss);
  await page.fill('#f-jobs_at_risk', '12');
  await page.check('#f-reported_to_police-yes');
}
async function fillStep5(page, withContact = true) {
  await page.fill('#f-narrative', narrative);
  if (withContact) await page.fill('#f-contact', contact);
  await page.check('#f-consent_law_enforcement');
}
const EXPECT_STATS = (ref, reporter) => ({
  schema: 'sealdrop.report/1', incident_ref: ref, ...(reporter ? { reporter } : {}),
  member_state: 'DK', organisation: 'company', sector: 'C', size_class: 'small',
  discovered: '2025-Q3', secret_types: ['technical.product_design', 'commercial.pricing'],
  attack_vectors: ['hacking', 'social'], actor: 'former_employee', actor_origin: 'eu',
  loss_eur: 1250000, jobs_at_risk: 12, reported_to_police: true,
});
const EXPECT_DETAILS = { narrative, contact, consent_law_enforcement: true };

async function next(page) {
  await page.click('#button-next');
}

function noCanary(bytes, what) {
  const found = Object.values(CANARY).filter((c) => bytes.includes(Buffer.from(c)));
  check(found.length === 0, `${what}: no typed or attached canary in what the browser sent`, found.join(', '));
}

// The envelope of receipt, opened with the analysts' keys: stats, details
// and the attachments as files.
function openStored(receipt, tag) {
  const env = path.join(WORK, `${tag}.env`);
  run('sqlite3', [DB, `SELECT writefile('${env}', envelope) FROM envelopes WHERE receipt='${receipt}'`]);
  const stats = run(ANALYST, ['open', '--key', path.join(KEYS, 'stats.key'), env]).stdout;
  const dir = path.join(WORK, `${tag}-files`);
  fs.mkdirSync(dir, { recursive: true });
  const details = run(ANALYST, ['open', '--key', path.join(KEYS, 'details.key'), '--save-dir', dir, '--force', env]).stdout;
  const json = (text) => JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
  return { stats: json(stats), details: json(details.slice(0, details.indexOf('\nattachment') > 0 ? details.indexOf('\nattachment') : undefined)), detailsText: details, dir };
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The details without the sealer's mailbox key, and that key.
function splitMailbox(details) {
  const { mailbox, ...rest } = details;
  return { rest, mailbox };
}

const FU_CODE = /^FU(-[A-Z2-7]{4}){8}$/;
const questions = {};   // the question each follow-up through the C tools sent

// The follow-up through the C tools, from the code the page showed: the
// analysts write to the report's mailbox (its key from the sealed details),
// the intake host takes the signed outbox, and sealdrop-submit, deriving the
// mailbox from the code alone, reads the question.
function followupThrough(receipt, code, tag) {
  const store = path.join(WORK, 'analyst.db');
  const q = path.join(WORK, `${tag}-question.txt`);
  const box = path.join(WORK, `${tag}-outbox.sig`);
  const text = `Which product line was it? (${tag} ${crypto.randomBytes(4).toString('hex')})`;
  questions[tag] = text;
  fs.writeFileSync(q, text);
  run(ANALYST, ['reply', '--store', store, '--key', path.join(KEYS, 'details.key'),
    '--ack-key', path.join(KEYS, 'ack.key'), '--in', q, receipt]);
  run(ANALYST, ['outbox', '--store', store, '--key', path.join(KEYS, 'ack.key'), '--out', box]);
  run(SERVER, ['messages', '--db', DB, '--in', box]);
  // straight to the server: the relay runs in this process, which waits
  const inbox = run(SUBMIT, ['inbox', '--server', `http://127.0.0.1:${server.port}`,
    '--authority', path.join(KEYS, 'authority.pub'), '--code', code], { mayFail: true });
  const good = inbox.status === 0 && inbox.stdout.includes(text) && !inbox.stdout.includes('NOT VERIFIED');
  if (!good) console.log(`# inbox (${inbox.status}): ${inbox.stdout} ${inbox.stderr} ${inbox.error || ''}`);
  return good;
}

// What the analysts count: each call exports what came in since the last
// and ingests it into the one analyst store, as the operators would.
function analystCount() {
  const batch = path.join(WORK, `batch-${Date.now()}.sqlite`);
  const store = path.join(WORK, 'analyst.db');
  run(SERVER, ['export', '--db', DB, '--out', batch]);
  run(ANALYST, ['ingest', '--store', store, batch]);
  const csv = run(ANALYST, ['table', '--store', store, '--key', path.join(KEYS, 'stats.key'),
    '--rows', 'member_state', '--threshold', '1', '--format', 'csv']).stdout;
  const line = csv.split(/\r?\n/).find((l) => l.startsWith('DK,'));
  return line ? +line.split(',')[2] : -1;
}

const rows = () => +sql(DB, 'SELECT count(*) FROM envelopes');

// ============================================================ with JavaScript

async function jsFlow() {
  relay.reset();
  const page = await newPage(true);
  await page.goto(`${BASE}/?lang=en`);
  await page.waitForSelector('.sealing-js:not([hidden])');
  ok('js: the page seals in the browser and says so');
  await shots(page, 'js-step1');
  await axe(page, 'js step 1 (en)');
  // nothing answered: the summary takes focus and links to the fields
  await next(page);
  await page.waitForSelector('#error-summary:not([hidden])');
  check(await page.evaluate(() => document.activeElement.id) === 'error-summary', 'js: the error summary receives focus');
  check((await page.title()).startsWith('Error: Step 1 of 5'), 'js: "Error:" in the title', await page.title());
  check(await page.isVisible('#e-member_state') && (await page.textContent('#e-member_state')).includes('Choose one of the options.'),
    'js: the message is next to its field');
  const href = await page.getAttribute('#error-summary-list a', 'href');
  await page.click('#error-summary-list a');
  check(await page.evaluate(() => document.activeElement.id) === href.slice(1), 'js: a summary link leads to its field', href);
  await shots(page, 'js-error');
  await axe(page, 'js errors (en)');
  await fillStep1(page, { code: ORG_CODE });
  await next(page);
  await page.waitForSelector('#step-2:not([hidden])');
  check((await page.title()).startsWith('Step 2 of 5: What was taken'), 'js: step 2 of 5', await page.title());
  await shots(page, 'js-step2');
  await axe(page, 'js step 2 (en)');
  await fillStep2(page);
  await next(page);
  await shots(page, 'js-step3');
  await axe(page, 'js step 3 (en)');
  await fillStep3(page);
  await next(page);
  // a wrong number: the same words as the server's
  await fillStep4(page, '1.250.000');
  await next(page);
  check(await page.isVisible('#e-loss_eur') &&
    (await page.textContent('#e-loss_eur')).includes('Use digits only, without spaces, dots or other signs.'),
  'js: a wrong field shows its error');
  await shots(page, 'js-step4-error');
  await fillStep4(page);
  await next(page);
  await page.waitForSelector('#step-5:not([hidden])');
  await fillStep5(page);
  await page.setInputFiles('#f-attachment-js-1', file1);
  await page.setInputFiles('#f-attachment-js-2', file2);
  await shots(page, 'js-step5');
  await axe(page, 'js step 5 (en)');
  await next(page);
  await page.waitForSelector('#step-review:not([hidden])');
  const review = await page.textContent('#review-groups');
  check(review.includes(CANARY.narrative) && review.includes(file1.name) && review.includes('Denmark') &&
    review.includes('2025-Q3') && review.includes(ORG_CODE), 'js: the review shows what will be sent');
  check(relay.all().indexOf('POST ') < 0, 'js: moving between the steps sent nothing');
  await shots(page, 'js-review');
  await axe(page, 'js review (en)');
  // the first answer is lost on the way back: the server stored it, the
  // page sends the same sealed bytes again
  const before = rows();
  relay.dropNextReportAnswer = true;
  await next(page);
  await page.waitForSelector('#send-problem:not([hidden])', { timeout: 30000 });
  check(rows() === before + 1, 'js: the envelope was stored before the answer was lost');
  await next(page);
  await page.waitForSelector('#receipt-title', { timeout: 30000 });
  check(rows() === before + 1, 'js: sent twice, stored once', `${rows() - before} rows`);
  check(relay.reportPosts >= 2, 'js: the page did send twice');
  check(page.errors.length === 0, 'js: no script error', page.errors.join('; '));
  await shots(page, 'js-receipt');
  await axe(page, 'js receipt (en)');
  const receipt = (await page.textContent('[data-slot=receipt]')).trim();
  const ref = (await page.textContent('[data-slot=incident_ref]')).trim();
  check(sql(DB, `SELECT count(*) FROM envelopes WHERE receipt='${receipt}'`) === '1', 'js: the receipt on the page is the stored row');
  noCanary(relay.all(), 'js');
  check(!relay.all().includes(Buffer.from(ORG_CODE)) && !relay.all().includes(Buffer.from(REPORTER)),
    'js: neither the organisation code nor the pseudonym left the page unsealed');
  const o = openStored(receipt, 'js');
  check(sameJson(o.stats, EXPECT_STATS(ref, REPORTER)), 'js: the stats open to exactly what was chosen', JSON.stringify(o.stats));
  check(o.stats.reporter === REPORTER, 'js: the organisation code gives the pseudonym of sealdrop-submit init');
  const jsd = splitMailbox(o.details);
  check(sameJson(jsd.rest, EXPECT_DETAILS), 'js: the details open to exactly what was typed', JSON.stringify(o.details));
  const code = (await page.textContent('[data-slot=followup_code]')).trim();
  check(FU_CODE.test(code) && await page.isVisible('[data-item=followup_code]'), 'js: the receipt shows a follow-up code', code);
  check(typeof jsd.mailbox === 'string' && jsd.mailbox.length === 44, 'js: the sealed details carry a mailbox key');
  check(!relay.all().includes(Buffer.from(code)) && !relay.all().includes(Buffer.from(jsd.mailbox || '-')),
    'js: neither the code nor the mailbox key left the page unsealed');
  const saved = fs.readdirSync(o.dir).sort();
  check(saved.length === 2 && fs.readFileSync(path.join(o.dir, saved.find((f) => f.includes('CANARY')))).equals(file1.buffer) &&
    fs.readFileSync(path.join(o.dir, saved.find((f) => f.includes('logs')))).equals(file2.buffer),
  'js: the attachments open byte for byte', saved.join(','));
  check(o.detailsText.includes('(text/plain, ') && o.detailsText.includes('(application/octet-stream, '),
    'js: the attachments keep their names and types');
  // the receipt as a file, made in the page
  const dl = page.waitForEvent('download');
  await page.click('#receipt-save');
  const text = fs.readFileSync(await (await dl).path(), 'utf8');
  check(text.includes(`receipt:      ${receipt}`) && text.includes(`incident_ref: ${ref}`) && text.includes('openssl pkeyutl'),
    'js: the receipt is saved as a file');
  check(text.includes(`follow-up:    ${code}`), 'js: the saved receipt keeps the follow-up code');
  check(analystCount() === 1, 'js: the analysts count one report');
  check(followupThrough(receipt, code, 'js'), 'js: the C tools follow up through the mailbox the page derived');
  await page.context().close();
  return { ref, receipt, code };
}

// ========================================================= without JavaScript

async function noJsFlow() {
  relay.reset();
  const page = await newPage(false);
  await page.goto(`${BASE}/?lang=en`);
  check(await page.isVisible('.sealing-nojs') && !(await page.isVisible('.sealing-js')), 'nojs: the page says the server seals');
  await shots(page, 'nojs-step1');
  await axe(page, 'nojs step 1 (en)');
  await next(page);
  check((await page.title()).startsWith('Error: Step 1 of 5'), 'nojs: "Error:" in the title', await page.title());
  // autofocus is applied after the page has loaded, not at once: wait for
  // it, as long as for any element (a loaded machine took more than 5 s);
  // a page without it still fails here
  check(await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary',
    null).then(() => true, () => false), 'nojs: the error summary receives focus');
  check(await page.isVisible('#e-member_state'), 'nojs: the server\'s message is next to the field');
  await shots(page, 'nojs-error');
  await axe(page, 'nojs errors (en)');
  await fillStep1(page, { code: ORG_CODE });
  await next(page);
  check((await page.title()).startsWith('Step 2 of 5'), 'nojs: step 2 of 5 from the server', await page.title());
  await shots(page, 'nojs-step2');
  await axe(page, 'nojs step 2 (en)');
  await fillStep2(page);
  await next(page);
  await shots(page, 'nojs-step3');
  await fillStep3(page);
  await next(page);
  await fillStep4(page, '12 500');
  await next(page);
  check(await page.isVisible('#e-loss_eur'), 'nojs: a wrong field shows its error');
  await shots(page, 'nojs-step4-error');
  await axe(page, 'nojs step 4 with an error (en)');
  await fillStep4(page);
  await next(page);
  await fillStep5(page);
  await shots(page, 'nojs-step5');
  await next(page);
  check((await page.title()).startsWith('Check your answers'), 'nojs: the review', await page.title());
  const review = await page.textContent('#review-groups');
  check(review.includes(CANARY.narrative) && review.includes('Denmark') && review.includes(ORG_CODE), 'nojs: the review shows what will be sent');
  check((await page.textContent('#step-review')).includes('Without JavaScript, this server seals your report'),
    'nojs: the review says plainly that the server seals it');
  await page.setInputFiles('#f-attachment-1', file1);
  await page.setInputFiles('#f-attachment-2', file2);
  await shots(page, 'nojs-review');
  await axe(page, 'nojs review (en)');
  const before = rows();
  await next(page);
  await page.waitForSelector('#receipt-title');
  await shots(page, 'nojs-receipt');
  await axe(page, 'nojs receipt (en)');
  check(rows() === before + 1, 'nojs: one row stored');
  const receipt = (await page.textContent('[data-slot=receipt]')).trim();
  const ref = (await page.textContent('[data-slot=incident_ref]')).trim();
  const o = openStored(receipt, 'nojs');
  check(sameJson(o.stats, EXPECT_STATS(ref, REPORTER)), 'nojs: the stats open to exactly what was chosen', JSON.stringify(o.stats));
  check(o.stats.reporter === REPORTER, 'nojs: the organisation code gives the same pseudonym as the CLI');
  const nsd = splitMailbox(o.details);
  check(sameJson(nsd.rest, EXPECT_DETAILS), 'nojs: the details open to exactly what was typed', JSON.stringify(o.details));
  const nocode = (await page.textContent('[data-slot=followup_code]')).trim();
  check(FU_CODE.test(nocode) && typeof nsd.mailbox === 'string', 'nojs: the receipt shows a follow-up code, the details its key', nocode);
  const saved = fs.readdirSync(o.dir).sort();
  check(saved.length === 2 && fs.readFileSync(path.join(o.dir, saved.find((f) => f.includes('logs')))).equals(file2.buffer),
    'nojs: the attachments open byte for byte', saved.join(','));
  // here the canaries did reach the server, as the page said; never its disk
  check(relay.all().includes(Buffer.from(CANARY.narrative)), 'nojs: the answers went to the server, as said');
  const leaks = [DB, DB + '-wal', DB + '-shm', path.join(WORK, 'server.log')].filter((f) => fs.existsSync(f))
    .flatMap((f) => [...Object.values(CANARY), nocode].filter((c) => fs.readFileSync(f).includes(Buffer.from(c))).map((c) => `${path.basename(f)}:${c}`));
  check(leaks.length === 0, 'nojs: no canary and no follow-up code in the store files or the log', leaks.join(', '));
  // the receipt saved as a file without JavaScript: built by the server
  const dl = page.waitForEvent('download');
  await page.click('#receipt-save');
  const text = fs.readFileSync(await (await dl).path(), 'utf8');
  check(text.includes(`receipt:      ${receipt}`) && text.includes(`incident_ref: ${ref}`), 'nojs: the receipt is saved as a file');
  check(text.includes(`follow-up:    ${nocode}`), 'nojs: the saved receipt keeps the follow-up code');
  // a reload of the receipt page posts the same form again: the same
  // incident reference, so the analysts still count one report
  const post = relay.all();
  const start = post.lastIndexOf('POST /submit');
  const end = post.indexOf('POST /receipt', start);
  const req = post.subarray(start, end > 0 ? end : post.length);
  await new Promise((resolve) => {
    const s = net.connect(server.port, '127.0.0.1', () => s.end(req));
    s.on('data', () => {});
    s.on('close', resolve);
    s.on('error', resolve);
  });
  check(rows() === before + 2, 'nojs: the post sent again is stored as a second envelope');
  const refs = [];
  for (const r of sql(DB, 'SELECT receipt FROM envelopes ORDER BY seq DESC LIMIT 2').split('\n'))
    refs.push(openStored(r, `nojs-again-${r}`).stats.incident_ref);
  check(refs[0] === refs[1] && refs[0] === ref, 'nojs: both carry the incident reference of the first page');
  // the report with JavaScript before, and this one: two, not three
  const counted = analystCount();
  check(counted === 2, 'nojs: the analysts count the post sent twice as one report', `${counted} reports`);
  check(followupThrough(receipt, nocode, 'nojs'), 'nojs: the C tools follow up through the mailbox the server derived');
  await page.context().close();
  return nocode;
}

// ============================================ the follow-up page with JavaScript

// What the page shows of the messages and around them, for comparing two
// pages: the main part without the language menu.
const mainHtml = (page) => page.evaluate(() => document.getElementById('main').innerHTML);

// Every request the page makes, as the page made it (URL and body).
function recordRequests(page) {
  const seen = [];
  page.on('request', (r) => seen.push({ url: r.url(), method: r.method(), headers: JSON.stringify(r.headers()),
    body: r.postDataBuffer() || Buffer.alloc(0) }));
  return seen;
}

// A message to the report's mailbox signed by another key than the
// channel's ack key; the outbox carrying it is signed by the right one, so
// the intake host takes it.
function otherKeyMessage(receipt) {
  const other = path.join(WORK, 'other-keys');
  fs.mkdirSync(other, { recursive: true, mode: 0o700 });
  run(ANALYST, ['keygen', '--role', 'ack', '--out', path.join(other, 'ack'), '--kdf', 'interactive', '--force']);
  const store = path.join(WORK, 'analyst.db');
  const q = path.join(WORK, 'fu-other-question.txt');
  const box = path.join(WORK, 'fu-other-outbox.sig');
  fs.writeFileSync(q, 'Hello from someone else.');
  run(ANALYST, ['reply', '--store', store, '--key', path.join(KEYS, 'details.key'),
    '--ack-key', path.join(other, 'ack.key'), '--in', q, receipt]);
  run(ANALYST, ['outbox', '--store', store, '--key', path.join(KEYS, 'ack.key'), '--out', box]);
  run(SERVER, ['messages', '--db', DB, '--in', box]);
}

// a code nobody was given, in the form the page shows
function randomCode() {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const b = crypto.randomBytes(32);
  return 'FU-' + [...b].map((x) => a[x & 31]).join('').match(/.{4}/g).join('-');
}

async function openFollowup(lang, width = 1280) {
  const page = await newPage(true, width);
  await page.goto(`${BASE}/followup?lang=${lang}`);
  await page.waitForSelector('.mode-js:not([hidden])');
  return page;
}

async function typeCode(page, code) {
  await page.fill('#code', code);
  await page.click('#code-button');
  await page.waitForSelector('#fu-list:not([hidden]), #code-error:not([hidden]), #fu-problem:not([hidden])');
}

async function followupJs(report) {
  const { receipt, code } = report;
  otherKeyMessage(receipt);
  relay.reset();
  const page = await openFollowup('en');
  const sent = recordRequests(page);
  check(!(await page.isVisible('.mode-nojs')) && (await page.textContent('.mode-js')).includes('The code stays in this browser'),
    'fu-js: the page says that the code stays in the browser');
  await shots(page, 'fu-js-code');
  await axe(page, 'fu-js code form (en)');
  // not a code: said at the field, nothing sent
  await typeCode(page, 'FU-ABCD-EFGH');
  check(await page.isVisible('#code-error') && (await page.textContent('#code-error')).includes('This is not a follow-up code.') &&
    await page.getAttribute('#code', 'aria-invalid') === 'true', 'fu-js: what is not a code is said at the field');
  check((await page.title()).startsWith('Error: '), 'fu-js: "Error:" in the title', await page.title());
  check(!sent.some((r) => r.method === 'POST'), 'fu-js: what is not a code sends nothing');
  await axe(page, 'fu-js code error (en)');
  // a wrong code: the same page as an empty mailbox
  await typeCode(page, randomCode());
  const wrong = await mainHtml(page);
  check(wrong.includes('No messages for this code'), 'fu-js: a wrong code shows no messages');
  const again = await openFollowup('en');
  await typeCode(again, randomCode());
  check(await mainHtml(again) === wrong, 'fu-js: a wrong code gives the same page as another empty mailbox');
  await again.context().close();
  // the right code, typed as a reader may type it
  await page.goto(`${BASE}/followup?lang=en`);
  await page.waitForSelector('.mode-js:not([hidden])');
  await typeCode(page, code.slice(3).toLowerCase().replace(/-/g, ' '));
  await page.waitForSelector('#fu-list .message');
  const verified = page.locator('#fu-list .message:not(.message-unverified)');
  const unverified = page.locator('#fu-list .message-unverified');
  check(await verified.count() === 1 && (await verified.textContent()).includes(questions.js) &&
    (await verified.textContent()).includes('From the analysts (verified)'), 'fu-js: the question opens verified in the page');
  check(await unverified.count() === 1 && (await unverified.textContent()).includes('Hello from someone else.') &&
    (await unverified.textContent()).includes('Not verified: this message may not come from the analysts.') &&
    !(await unverified.textContent()).includes('From the analysts') && await unverified.locator('form').count() === 0,
  'fu-js: a message signed by another key is shown as not verified, without an answer form');
  check((await page.title()).startsWith('Messages for your report'), 'fu-js: the title says what the page shows', await page.title());
  await shots(page, 'fu-js-messages');
  await page.setViewportSize({ width: 390, height: 900 });
  await shot(page, 'fu-js-messages');
  await page.setViewportSize({ width: 1280, height: 900 });
  await axe(page, 'fu-js messages (en)');
  // an empty answer: said at the field
  await verified.locator('button').click();
  check(await verified.locator('.error-message').isVisible() &&
    (await verified.locator('.error-message').textContent()).includes('This field cannot be empty.'), 'fu-js: an empty answer is said at the field');
  const canary = `CANARY-ANSWER-${crypto.randomBytes(4).toString('hex')}`;
  await verified.locator('textarea').fill(`The Rotterdam line. ${canary}\nΕυχαριστώ.`);
  const before = rows();
  await verified.locator('button').click();
  await page.waitForSelector('.panel-success');
  check(rows() === before + 1, 'fu-js: the answer is stored as one envelope');
  const answerReceipt = (await page.textContent('[data-slot=receipt]')).trim();
  check(/^[a-z2-7]{32}$/.test(answerReceipt) && sql(DB, `SELECT count(*) FROM envelopes WHERE receipt='${answerReceipt}'`) === '1',
    'fu-js: the page shows the receipt of the stored answer', answerReceipt);
  check((await page.textContent('#main')).includes('This browser has checked that the receipt number') &&
    !(await page.textContent('#main')).includes(questions.js), 'fu-js: the receipt is checked; the messages are gone');
  check((await page.title()).startsWith('Your answer has been received'), 'fu-js: the title says the answer was received', await page.title());
  await shots(page, 'fu-js-sent');
  await page.setViewportSize({ width: 390, height: 900 });
  await shot(page, 'fu-js-sent');
  await page.setViewportSize({ width: 1280, height: 900 });
  await axe(page, 'fu-js answer sent (en)');
  check(page.errors.length === 0, 'fu-js: no script error', page.errors.join('; '));
  // only the mailbox id and sealed bytes went out
  const forms = [code, code.replace(/-/g, ''), code.slice(3), code.slice(3).replace(/-/g, ''), code.toLowerCase(),
    code.slice(3).toLowerCase().replace(/-/g, ' '), canary];
  const leaks = sent.filter((r) => forms.some((f) => r.url.includes(f) || r.url.includes(encodeURIComponent(f)) ||
    r.headers.includes(f) || r.body.includes(Buffer.from(f)))).map((r) => r.url);
  check(leaks.length === 0, 'fu-js: no request URL, header or body holds the code or the answer', leaks.join(', '));
  check(!forms.some((f) => relay.all().includes(Buffer.from(f))), 'fu-js: nothing on the wire holds the code or the answer');
  const posts = sent.filter((r) => r.method === 'POST').map((r) => `${new URL(r.url).pathname} ${r.body.length}`);
  const lookups = sent.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/mailbox'));
  check(lookups.length === 2 && lookups.every((r) => /^[0-9a-f]{32}$/.test(r.body.toString())) &&
    posts.filter((p) => p.startsWith('/api/v1/reports ')).length === 1 && posts.length === 3 &&
    !sent.some((r) => new URL(r.url).pathname === '/followup' && r.method === 'POST'),
  'fu-js: the page posted a mailbox id per code and one sealed answer, never the form', posts.join(', '));
  await page.context().close();
  // the analysts see the answer in the report's thread
  analystCount();
  const show = run(ANALYST, ['show', '--store', path.join(WORK, 'analyst.db'), '--key', path.join(KEYS, 'details.key'), receipt]).stdout;
  check(show.includes('== Follow-up ==') && show.includes(questions.js) && show.includes(canary),
    'fu-js: sealdrop-analyst show has the answer in the thread of the report', show.slice(-400));
  return code;
}

// A rotation to a channel whose ack key is the other key: the server,
// restarted on the same store, serves it with the channel it replaces as
// the previous one. The page checks both against the authority it pins:
// the question signed with the old ack key and the message signed with the
// new one are both the analysts'.
async function followupRotation(code) {
  const rotated = path.join(WORK, 'rotated.json');
  const expires = new Date(Date.now() + 365 * 86400e3).toISOString().slice(0, 10);
  run(ANALYST, ['channel', '--authority', path.join(KEYS, 'authority.key'),
    '--recipient', path.join(KEYS, 'stats.pub'), '--recipient', path.join(KEYS, 'details.pub'),
    '--receipt-key', path.join(KEYS, 'receipt.pub'), '--ack-key', path.join(WORK, 'other-keys', 'ack.pub'),
    '--expires', expires, '--out', rotated, '--force']);
  const stopped = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await stopped;
  server = await startServer(KEYS, DB, { keep: true, channel: rotated,
    extra: ['--previous-channel', path.join(KEYS, 'channel.json')] });
  const page = await newPage(true);
  await page.goto(`http://127.0.0.1:${server.port}/followup?lang=en`);
  await page.waitForSelector('.mode-js:not([hidden])');
  await typeCode(page, code);
  await page.waitForSelector('#fu-list .message');
  const all = page.locator('#fu-list .message');
  const verified = page.locator('#fu-list .message:not(.message-unverified)');
  check(await all.count() === 2 && await verified.count() === 2 &&
    (await page.textContent('#fu-list')).includes(questions.js),
  'fu-js rotation: messages signed with the previous channel\'s ack key and the current one are both verified');
  check(page.errors.length === 0, 'fu-js rotation: no script error', page.errors.join('; '));
  await page.context().close();
}

// A channel of another authority: the page says so at once and, given the
// code, asks for no mailbox (it could not tell the analysts' messages).
async function followupOtherAuthority(code) {
  const page = await newPage(true);
  const sent = recordRequests(page);
  const other = fs.readFileSync(path.join(SRC, 'tests', 'vectors', 'channel-other-authority.json'));
  await page.route('**/api/v1/channel', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: other }));
  await page.goto(`${BASE}/followup?lang=en`);
  await page.waitForSelector('#fu-problem:not([hidden])');
  check((await page.textContent('#fu-problem')).includes('not signed by the key of the EU authority'),
    'fu-js other authority: the page says why at once');
  await typeCode(page, code);
  await page.waitForTimeout(300);
  check(!sent.some((r) => r.method === 'POST') && !(await page.isVisible('#fu-list')),
    'fu-js other authority: the code brings no lookup and no messages');
  await page.context().close();
}

// Without JavaScript the same page posts the code to the server, and says so.
async function followupNoJs(code) {
  const page = await newPage(false);
  await page.goto(`${BASE}/followup?lang=en`);
  check(await page.isVisible('.mode-nojs') && !(await page.isVisible('.mode-js')) &&
    (await page.textContent('.mode-nojs')).includes('opens the messages in memory'),
  'fu-nojs: the page says that the service opens the messages');
  await page.fill('#code', code);
  await page.click('#code-button');
  await page.waitForSelector('.message');
  check((await page.textContent('#main')).includes(questions.nojs) &&
    (await page.textContent('#main')).includes('From the analysts (verified)'), 'fu-nojs: the form posts the code and the server shows the question');
  await shot(page, 'fu-nojs-messages');
  await page.context().close();
}

// The messages in other languages (their words for verified and not)
async function followupLanguages(code) {
  for (const lang of ['el', 'ga']) {
    const page = await openFollowup(lang);
    await typeCode(page, code);
    await page.waitForSelector('#fu-list .message-unverified');
    check(await page.evaluate(() => document.documentElement.lang) === lang &&
      !(await page.textContent('#fu-list')).includes('Not verified'), `fu-js ${lang}: the messages in the language`);
    await axe(page, `fu-js messages (${lang})`);
    await page.screenshot({ path: path.join(ART, `fu-js-messages-${lang}.png`), fullPage: true });
    await page.context().close();
  }
}

// ================================================ a channel of another authority

async function otherAuthority() {
  relay.reset();
  const page = await newPage(true);
  const other = fs.readFileSync(path.join(SRC, 'tests', 'vectors', 'channel-other-authority.json'));
  await page.route('**/api/v1/channel', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: other }));
  await page.goto(`${BASE}/?lang=en`);
  await page.waitForSelector('#send-problem:not([hidden])');
  const msg = await page.textContent('#send-problem');
  check(msg.includes('not signed by the key of the EU authority'), 'other authority: the page says why it will not send', msg);
  await shots(page, 'js-other-authority');
  await fillStep1(page);
  await next(page);
  await fillStep2(page);
  await next(page);
  await fillStep3(page);
  await next(page);
  await fillStep4(page);
  await next(page);
  await fillStep5(page);
  await next(page);
  const before = rows();
  await next(page);
  await page.waitForTimeout(500);
  check(relay.reportPosts === 0 || !relay.all().includes('POST /api/v1/reports') && !relay.all().includes('POST /submit'),
    'other authority: nothing was sent');
  check(rows() === before, 'other authority: nothing stored');
  await page.context().close();
}

// ============================================================== keyboard

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
const rgbOf = (s) => (s.match(/\d+(\.\d+)?/g) || []).slice(0, 3).map(Number);

async function keyboard() {
  const page = await newPage(true);
  await page.goto(`${BASE}/?lang=en`);
  await page.waitForSelector('.sealing-js:not([hidden])');
  const order = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const e = document.activeElement;
      const st = getComputedStyle(e);
      return { id: e.id || e.tagName, cls: e.className, outline: st.outlineColor, width: st.outlineWidth, style: st.outlineStyle, shadow: st.boxShadow, bg: st.backgroundColor };
    }));
  }
  const ids = order.map((o) => o.id);
  console.log(`# tab order: ${ids.join(' ')}`);
  check(ids[0] === 'A' && order[0].cls === 'skip-link', 'keyboard: the skip link comes first', ids.join(','));
  const iMs = ids.indexOf('f-member_state');
  const iOrg = ids.indexOf('f-organisation-company');
  check(iMs > 0 && iOrg > iMs, 'keyboard: the fields follow in reading order', ids.join(','));
  // every focused control shows a ring of at least 3:1 against white
  // BODY: past the last control, focus leaves the page for the browser
  const weak = order.filter((o) => o.id !== 'BODY' && o.style === 'none' && !o.shadow.includes('rgb'))
    .map((o) => `${o.id}.${o.cls}`);
  check(weak.length === 0, 'keyboard: every focused element shows a focus indicator', weak.join(','));
  const low = order.filter((o) => o.style !== 'none' && contrast(rgbOf(o.outline), [255, 255, 255]) < 3).map((o) => `${o.id}:${o.outline}`);
  check(low.length === 0, 'keyboard: the focus ring has at least 3:1 contrast', low.join(','));
  // the whole form by keyboard alone: choose, go on with Enter
  await page.focus('#f-org_code');
  await page.keyboard.press('Enter');
  check(await page.isVisible('#error-summary'), 'keyboard: Enter in a field presses Continue (and checks)');
  await page.context().close();
}

// ============================================================== languages

const NAMES_AND_CODES = /^(Q[1-4]|\d{4}|sealdrop|Choose…)$/;
// words that are the same in English and in a language: "No" is Spanish
// and Italian for no
const SAME_WORD = { es: ['No'], it: ['No'] };

async function texts(page) {
  return page.evaluate(() => {
    const pick = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean);
    return {
      title: document.title,
      lang: document.documentElement.lang,
      // the Member States' names are names: many are the same in English
      labels: pick('main label, main legend, main h1, main .hint, main option:not(#f-member_state option), main button'),
    };
  });
}

// Accept-Language alone chooses the page's language (asked without a
// browser: the header is all that differs)
function acceptLanguage(lang) {
  return new Promise((resolve) => {
    const req = net.connect(server.port, '127.0.0.1', () => {
      req.end(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ${lang}-XX;q=0.9, en;q=0.1\r\nConnection: close\r\n\r\n`);
    });
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('close', () => resolve(body.includes(`<html lang="${lang}">`)));
    req.on('error', () => resolve(false));
  });
}

async function oneLanguage(lang, english) {
  const page = await newPage(true);
  await page.goto(`${BASE}/?lang=${lang}`);
  await page.waitForSelector('.sealing-js:not([hidden])');
  const t = await texts(page);
  check(t.lang === lang, `${lang}: <html lang="${lang}">`, t.lang);
  if (lang !== 'en') {
    const left = t.labels.filter((s) => english.labels.includes(s) && !NAMES_AND_CODES.test(s) &&
      !(SAME_WORD[lang] || []).includes(s));
    check(t.title !== english.title, `${lang}: the title is translated`, t.title);
    check(left.length === 0, `${lang}: no English left in labels and code lists`, left.slice(0, 6).join(' | '));
  }
  await page.screenshot({ path: path.join(ART, `lang-${lang}.png`), fullPage: true });
  check(await acceptLanguage(lang), `${lang}: Accept-Language is honoured`);
  // every page of the flow
  await axe(page, `${lang}: step 1`);
  await next(page);
  await axe(page, `${lang}: errors`);
  await fillStep1(page);
  await next(page);
  await axe(page, `${lang}: step 2`);
  await fillStep2(page);
  await next(page);
  await axe(page, `${lang}: step 3`);
  await fillStep3(page);
  await next(page);
  await axe(page, `${lang}: step 4`);
  await fillStep4(page);
  await next(page);
  await axe(page, `${lang}: step 5`);
  await fillStep5(page, false);
  await next(page);
  await axe(page, `${lang}: review`);
  await next(page);
  await page.waitForSelector('#receipt-title');
  await axe(page, `${lang}: receipt`);
  check(await page.evaluate(() => document.documentElement.lang) === lang, `${lang}: the receipt is in the language`);
  // the follow-up page's code form, as the script shows it
  await page.goto(`${BASE}/followup?lang=${lang}`);
  await page.waitForSelector('.mode-js:not([hidden])');
  const mode = (await page.textContent('.mode-js')).trim();
  check(lang === 'en' || mode !== english.fuMode, `${lang}: the follow-up page says in the language where the code goes`, mode);
  await axe(page, `${lang}: follow-up code form`);
  await page.context().close();
}

// two languages at a time: the machine has two cores
async function languages(english) {
  const list = QUICK ? LANGS.filter((l) => ['en', 'da'].includes(l)) : [...LANGS];
  const worker = async () => {
    while (list.length > 0) {
      const lang = list.shift();
      if (Date.now() > DEADLINE) {
        bad(`${lang}`, 'the run is out of time');
        continue;
      }
      await oneLanguage(lang, english).catch((e) => bad(`${lang}: the flow`, String(e.message).split('\n')[0]));
    }
  };
  await Promise.all([worker(), worker()]);
}

// ================================================================== run

try {
  const page = await newPage(true);
  await page.goto(`${BASE}/?lang=en`);
  await page.waitForSelector('.sealing-js:not([hidden])');
  const english = await texts(page);
  await page.goto(`${BASE}/followup?lang=en`);
  await page.waitForSelector('.mode-js:not([hidden])');
  english.fuMode = (await page.textContent('.mode-js')).trim();
  await page.context().close();
  const report = await jsFlow();
  const nojsCode = await noJsFlow();
  const code = await followupJs(report);
  await followupNoJs(nojsCode);
  await followupOtherAuthority(code);
  await followupLanguages(code);
  await otherAuthority();
  await keyboard();
  await languages(english);
  await followupRotation(code);
} catch (e) {
  bad('the browser run', e.stack || String(e));
} finally {
  await browser.close().catch(() => null);
  server.proc.kill('SIGTERM');
  relay.server.close();
}
console.log(`screenshots: ${ART}`);
finish();
