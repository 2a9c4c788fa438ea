// The EU report in Debian's chromium, as a reader at the Commission or in a
// Member State opens it: the file the real sealdrop-analyst wrote (tests/
// integration/test_analyst_e2e.c leaves a copy in BUILD_DIR/tests/report-
// artefacts/report.html). Checked: axe-core finds nothing, nothing is wider
// than the page at 1280 px, chart labels are whole, the map's colour
// classes follow the data, and every table's CSV and SDMX-CSV taken from
// the page itself hold exactly the figures of the table on the page.
// Screenshots (screen at 1280 and 390 px, and print) are kept beside it.
// Then the drafts in every language of the web form (report-xx.html, from
// the same test): their lang, no English left in what a reader sees, axe,
// 1280 px, whole chart labels, and a screenshot report-xx.png each.
//
//   node tests/browser/report.mjs BUILD_DIR SOURCE_DIR
//
// Ends with "report: N passed, M failed"; exits 77 (skipped) only when
// chromium cannot start here at all.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [BUILD] = process.argv.slice(2).map((p) => path.resolve(p));
const ART = path.join(BUILD, 'tests', 'report-artefacts');
const REPORT = path.join(ART, 'report.html');
const CHROMIUM = process.env.SD_CHROMIUM || '/usr/bin/chromium';

let passed = 0;
let failed = 0;
function check(cond, name, why = 'false') {
  if (cond) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}: ${why}`);
  }
  return cond;
}
function finish(code) {
  console.log(`report: ${passed} passed, ${failed} failed`);
  process.exit(code !== undefined ? code : failed === 0 ? 0 : 1);
}

const require = createRequire(path.join(HERE, 'package.json'));
let chromium;
let AXE;
try {
  ({ chromium } = require('playwright-core'));
  AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  check(false, 'playwright-core and axe-core are installed', `${e.message}: run scripts/setup-deps.sh`);
  finish();
}
if (!check(fs.existsSync(REPORT), 'the report written by test_analyst_e2e is there', REPORT)) finish();

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
} catch (e) {
  console.log(`# chromium cannot start: ${e.message}`);
  finish(77);
}

// CSV as rows of fields (RFC 4180 quoting), the "# " note lines left out
function parseCsv(text) {
  const rows = [];
  let row = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; } else if (c === '\r') continue;
    else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0].startsWith('# ')));
}

const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
const blocked = [];
page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) blocked.push(r.url()); });
await page.goto(`file://${REPORT}`);
check(blocked.length === 0, 'the report loads nothing from elsewhere', blocked.join(', '));
await page.screenshot({ path: path.join(ART, 'report-1280.png'), fullPage: true });

// axe-core, evaluated by the test (the page's CSP runs no script of its own)
await page.evaluate(AXE);
const violations = await page.evaluate(async () => {
  const res = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
  return res.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
});
check(violations.length === 0, 'axe: the report', violations.join('; '));

// nothing wider than the page, no table that needs scrolling at 1280 px
const wide = await page.evaluate(() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('.tw')].filter((t) => t.scrollWidth > t.clientWidth + 1)
    .map((t) => `${t.closest('section').id}: ${t.scrollWidth} > ${t.clientWidth}`),
}));
check(wide.page <= 1280, 'the report fits 1280 px', `${wide.page} px`);
check(wide.tables.length === 0, 'every table fits its column at 1280 px', wide.tables.join('; '));

// chart labels: whole, i.e. each is a row label of its table
const cut = await page.evaluate(() => [...document.querySelectorAll('section svg[aria-label="bar chart"] text[text-anchor=end]')]
  .map((t) => [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' '))
  .filter((l) => l.includes('\u2026')));
check(cut.length === 0, 'no chart label is cut', cut.join('; '));
const labels = await page.evaluate(() => {
  const out = [];
  for (const sec of document.querySelectorAll('section.one')) {
    const rows = [...sec.querySelectorAll('table.sd tbody th[scope=row]')].map((th) => {
      const code = th.querySelector('.code');
      return (code ? th.textContent.slice(code.textContent.length) : th.textContent).trim();
    });
    for (const t of sec.querySelectorAll('svg[aria-label="bar chart"] text[text-anchor=end]')) {
      const l = [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' ').replace(/\u2010 /g, '');
      if (!rows.some((r) => r.startsWith(l) || r.includes(l))) out.push(`${sec.id}: ${l}`);
    }
  }
  return out;
});
check(labels.length === 0, 'every chart label is the label of a row of its table', labels.slice(0, 5).join('; '));

// the map: as many colour classes as the published values allow (up to 5)
const map = await page.evaluate(() => {
  const svg = document.querySelector('svg[aria-label="schematic map of the Member States"]');
  if (!svg) return null;
  const fills = new Set();
  const values = new Set();
  for (const g of svg.querySelectorAll('g > g')) {
    const rect = g.querySelector('rect');
    const num = g.querySelectorAll('text')[1];
    if (!rect || !num) continue;
    const v = num.textContent.replace(/\u202f/g, '');
    if (/^[1-9][0-9]*$/.test(v)) { fills.add(rect.getAttribute('fill')); values.add(v); }
  }
  return { fills: fills.size, values: values.size };
});
check(map !== null && map.fills === Math.min(5, map.values), 'the map has a colour class per group of published values',
  JSON.stringify(map));

const decode = (href) => Buffer.from(href.slice(href.indexOf(',') + 1), 'base64').toString('utf8');

// each table's downloads against the table on the page
const tables = await page.evaluate(() => [...document.querySelectorAll('section[id^=t]')].filter((s) => s.querySelector('table.sd'))
  .map((s) => {
    const heads = [...s.querySelectorAll('table.sd thead th')].slice(1).map((th) => th.textContent.trim());
    const rows = [...s.querySelectorAll('table.sd tbody tr')].map((tr) => {
      const th = tr.querySelector('th');
      const code = th.querySelector('.code');
      return {
        code: code ? code.textContent.trim() : null,
        label: (code ? th.textContent.slice(code.textContent.length) : th.textContent).trim(),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.replace(/\u202f/g, '').trim()),
      };
    });
    const link = (f) => { const a = s.querySelector(`p.dl a[data-format="${f}"]`); return a ? a.getAttribute('href') : null; };
    return { id: s.id, heads, rows, csv: link('CSV'), sdmx: link('SDMX-CSV') };
  }));
const QUESTIONS = ['member_state', 'organisation', 'sector', 'size_class', 'secret_types', 'attack_vectors', 'actor',
  'actor_origin', 'reported_to_police', 'quarter', 'year'];
const asked = new Set(tables.map((t) => t.csv && parseCsv(decode(t.csv))[0]).filter(Boolean)
  .map((h) => h[h.findIndex((f) => f.endsWith('_label')) - 1]));
const missing = QUESTIONS.filter((q) => !asked.has(q));
check(missing.length === 0, 'the report has a table for every question of the schema and the trends', `missing: ${missing.join(', ')}`);
const bad = [];
for (const t of tables) {
  if (!t.csv || !t.sdmx) { bad.push(`${t.id}: no download`); continue; }
  const csv = parseCsv(decode(t.csv));
  const head = csv[0];
  const data = csv.slice(1);
  const val = ['count', 'loss_eur', 'jobs_at_risk'].map((m) => head.indexOf(m)).find((i) => i >= 0);
  const st = head.indexOf('status');
  const labelsAt = head.map((h, i) => (h.endsWith('_label') && i < val ? i : -1)).filter((i) => i >= 0);
  const rc = labelsAt[0] - 1;
  const two = labelsAt.length === 2;
  // the page's cells, in the same order as the CSV's (rows, then columns)
  const cells = [];
  for (const r of t.rows)
    r.cells.forEach((c, j) => { if (c !== '') cells.push({ r, j, c }); });
  if (cells.length !== data.length) { bad.push(`${t.id}: ${cells.length} cells on the page, ${data.length} in the CSV`); continue; }
  data.forEach((d, k) => {
    const { r, j, c } = cells[k];
    const rowOk = (r.code !== null ? r.code === d[rc] : true) && r.label === d[rc + 1];
    const colOk = !two || t.heads[j] === d[labelsAt[1] - 1] || t.heads[j] === d[labelsAt[1]];
    const sup = 'AOTCD'.includes(d[st]) && d[st] !== '';
    const cellOk = sup ? c === `c${d[st]}` && d[val] === '' : c === d[val];
    if (!rowOk || !colOk || !cellOk) bad.push(`${t.id} row ${k + 1}: page ${r.code}/${r.label}/${t.heads[j]}=${c}, CSV ${d.join('|')}`);
  });
  // SDMX-CSV: the same observations in the same order
  const sd = parseCsv(decode(t.sdmx));
  const sh = sd[0];
  const ov = sh.indexOf('OBS_VALUE');
  const cs = sh.indexOf('CONF_STATUS');
  const obs = sd.slice(1);
  if (obs.length !== data.length) bad.push(`${t.id}: ${obs.length} SDMX observations, ${data.length} CSV rows`);
  else obs.forEach((o, k) => {
    const d = data[k];
    const sup = 'AOTCD'.includes(d[st]) && d[st] !== '';
    if (o[ov] !== d[val] || (sup ? o[cs] !== d[st] : o[cs] !== 'F'))
      bad.push(`${t.id} observation ${k + 1}: SDMX ${o[ov]}/${o[cs]}, CSV ${d[val]}/${d[st]}`);
  });
}
check(bad.length === 0, 'every table\'s CSV and SDMX-CSV from the page equal its cells', bad.slice(0, 6).join('; '));
// a download is a file the browser saves
const dl = page.waitForEvent('download');
await page.click('section#t1 p.dl a[data-format="CSV"]');
const saved = await (await dl).path();
check(fs.readFileSync(saved, 'utf8') === decode(tables[0].csv), 'a click saves the table as a CSV file');
check(errors.length === 0, 'no script error', errors.join('; '));

// a phone, and paper
await page.setViewportSize({ width: 390, height: 844 });
const phone = await page.evaluate(() => document.documentElement.scrollWidth);
check(phone <= 390, 'the page reflows to 390 px (tables scroll in their box)', `${phone} px`);
await page.screenshot({ path: path.join(ART, 'report-390.png'), fullPage: true });
await page.setViewportSize({ width: 1280, height: 900 });
await page.emulateMedia({ media: 'print' });
await page.screenshot({ path: path.join(ART, 'report-print.png'), fullPage: true });
const printed = await page.evaluate(() => ({
  toc: getComputedStyle(document.querySelector('nav.toc')).display,
  links: getComputedStyle(document.querySelector('p.dl')).display,
}));
check(printed.toc === 'none' && printed.links === 'none', 'on paper, no contents links and no download links', JSON.stringify(printed));
await page.pdf({ path: path.join(ART, 'report.pdf'), format: 'A4', printBackground: true });
check(fs.statSync(path.join(ART, 'report.pdf')).size > 10000, 'the report prints to A4');

// The report in every language: a few pages at a time, so that the run
// stays short.
const LANGS = fs.readdirSync(ART).map((f) => /^report-([a-z]{2,3})\.html$/.exec(f)).filter(Boolean).map((m) => m[1]).sort();
check(LANGS.length >= 24, 'the report is there in every language of the form', LANGS.join(' '));
// English that must not be left in another language's headings, contents,
// legends, captions and charts
const ENGLISH = ['Notes on method', 'Who reported', 'Reports by Member State', 'Contents', 'Legend', 'confidential',
  'Estimated loss', 'Jobs at risk', 'Number of reports', 'Data of this table', 'Trends', 'What is counted'];
// Colour contrast depends on the style sheet, the same in every language:
// it is checked on the English page above and on the languages with the
// longest words and other scripts; every other axe rule runs on every page.
const CONTRAST = new Set(['bg', 'de', 'el', 'fi', 'ga']);
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
async function oneLanguage(lang) {
  const p = await ctx.newPage();
  await p.goto(`file://${path.join(ART, `report-${lang}.html`)}`);
  const seen = await p.evaluate(() => ({
    lang: document.documentElement.lang,
    text: [...document.querySelectorAll('title, h1, h2, h3, nav.toc, dl.legend, figcaption, svg text, svg title, thead th, p.note, .kpi span, p.dl, #methods p')]
      .map((e) => e.textContent).join('\n') + [...document.querySelectorAll('[aria-label], [title]')]
      .map((e) => `${e.getAttribute('aria-label') || ''} ${e.getAttribute('title') || ''}`).join('\n'),
    page: document.documentElement.scrollWidth,
    tables: [...document.querySelectorAll('.tw')].filter((t) => t.scrollWidth > t.clientWidth + 1).map((t) => t.closest('section').id),
    svgs: [...document.querySelectorAll('svg')].filter((s) => s.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length,
    // a label drawn past the left edge of its chart is cut for the reader
    outside: [...document.querySelectorAll('svg.bars text, svg.map text')].filter((t) => {
      const b = t.getBBox();
      const v = t.ownerSVGElement.viewBox.baseVal;
      return b.x < -0.5 || b.x + b.width > v.width + 0.5;
    }).map((t) => t.textContent.slice(0, 40)),
    labels: [...document.querySelectorAll('section.one')].flatMap((sec) => {
      const rows = [...sec.querySelectorAll('table.sd tbody th[scope=row]')].map((th) => {
        const code = th.querySelector('.code');
        return (code ? th.textContent.slice(code.textContent.length) : th.textContent).trim();
      });
      // lines join with a space, or without where a word was broken (U+2010)
      return [...sec.querySelectorAll('svg.bars text[text-anchor=end]')]
        .map((t) => [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' ').replace(/\u2010 /g, ''))
        .filter((l) => l.includes('\u2026') || !rows.some((r) => r.startsWith(l) || r.includes(l))).map((l) => `${sec.id}: ${l}`);
    }),
  }));
  check(seen.lang === lang, `${lang}: <html lang="${lang}">`, seen.lang);
  if (lang !== 'en') {
    const left = ENGLISH.filter((e) => new RegExp(`(?<![\\p{L}])${e}(?![\\p{L}])`, 'u').test(seen.text));
    check(left.length === 0, `${lang}: no English left in headings, legends, charts and notes`, left.join(', '));
  }
  check(seen.page <= 1280 && seen.tables.length === 0 && seen.svgs === 0, `${lang}: fits 1280 px`,
    `page ${seen.page} px; tables ${seen.tables.join(' ')}; ${seen.svgs} charts past the edge`);
  check(seen.labels.length === 0, `${lang}: every chart label is whole, a label of its table`, seen.labels.slice(0, 3).join('; '));
  check(seen.outside.length === 0, `${lang}: chart and map texts lie inside their picture`, seen.outside.slice(0, 3).join('; '));
  await p.evaluate(AXE);
  const v = await p.evaluate(async (contrast) => {
    const res = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      rules: { 'color-contrast': { enabled: contrast } }, resultTypes: ['violations'] });
    return res.violations.map((x) => `${x.id} (${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  }, CONTRAST.has(lang));
  check(v.length === 0, `${lang}: axe${CONTRAST.has(lang) ? ' with colour contrast' : ''}`, v.join('; '));
  await p.screenshot({ path: path.join(ART, `report-${lang}.png`), fullPage: true });
  await p.close();
}
const t0 = Date.now();
for (let i = 0; i < LANGS.length; i += 2) await Promise.all(LANGS.slice(i, i + 2).map(oneLanguage));
console.log(`# ${LANGS.length} languages in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
await browser.close();
finish();
