// Sealing a 10 MiB attachment in the browser, as the form does it
// (libsodium-wrappers' WebAssembly, sealdrop-envelope.js, sealAsync), as a
// ratio to the C sealer on the same machine (bench/seal_bench). Never a test.
//
//   node bench/browser_seal.mjs BUILD_DIR URL CHANNEL.json AUTHORITY.pub
//
// URL is a running sealdrop-server (its page, CSP and scripts are used). It
// also times libsodium's plain-JavaScript fallback, which the page gets
// where 'wasm-unsafe-eval' is not in the CSP: the reason the CSP has it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [BUILD, URL, CHANNEL, AUTHORITY] = process.argv.slice(2);
if (!AUTHORITY) {
  console.error('usage: node bench/browser_seal.mjs BUILD_DIR URL CHANNEL.json AUTHORITY.pub');
  process.exit(2);
}
const SIZE = 10 * 1024 * 1024;
const ROUNDS = 5;
const { chromium } = await import(path.join(HERE, '..', 'tests', 'browser', 'node_modules', 'playwright-core', 'index.mjs'));

const c = spawnSync(path.join(BUILD, 'bench', 'seal_bench'), [CHANNEL, AUTHORITY, String(SIZE), String(ROUNDS)], { encoding: 'utf8' });
if (c.status !== 0) throw new Error(c.stderr);
const cMs = +c.stdout.match(/c_seal_ms ([\d.]+)/)[1];

async function measure(browser, noWasm) {
  const page = await browser.newPage();
  if (noWasm) {
    await page.route('**/*', async (route) => {
      const r = await route.fetch();
      const headers = { ...r.headers() };
      if (headers['content-security-policy'])
        headers['content-security-policy'] = headers['content-security-policy'].replace(" 'wasm-unsafe-eval'", '');
      await route.fulfill({ response: r, headers });
    });
  }
  await page.goto(URL);
  return page.evaluate(async ({ size, rounds }) => {
    const sd = JSON.parse(document.getElementById('report-form').dataset.sd);
    const m = await import('/static/js/sealdrop-envelope.js');
    const sodium = (await import('/static/vendor/libsodium-wrappers.mjs')).default;
    await sodium.ready;
    const env = m.sealdropEnvelope(sodium);
    const text = await (await fetch('/api/v1/channel')).text();
    const ch = env.verifyChannel(text, sodium.from_base64(sd.authority, sodium.base64_variants.ORIGINAL));
    const file = new Uint8Array(size);
    for (let off = 0; off < size; off += 65536) crypto.getRandomValues(file.subarray(off, off + 65536));
    const t = [];
    for (let i = 0; i < rounds; i++) {
      const sections = [
        { type: m.SEC_STATS, data: new TextEncoder().encode('{"schema":"sealdrop.report/1"}') },
        { type: m.SEC_DETAILS, data: new TextEncoder().encode('{"narrative":"benchmark"}') },
        { type: m.SEC_ATTACHMENT, data: m.attachmentPlaintext({}, file) },
      ];
      const t0 = performance.now();
      await env.sealAsync(ch, sections);
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return { ms: t[Math.floor(rounds / 2)], wasm: typeof WebAssembly !== 'undefined' && !sodium.libsodium?.isWasm2js };
  }, { size: SIZE, rounds: ROUNDS });
}

const browser = await chromium.launch({ executablePath: process.env.SD_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
const wasm = await measure(browser, false);
const fallback = await measure(browser, true);
await browser.close();
console.log(`c_seal_ms        ${cMs.toFixed(1)}`);
console.log(`browser_seal_ms  ${wasm.ms.toFixed(1)}  (ratio to C ${(wasm.ms / cMs).toFixed(1)})`);
console.log(`no_wasm_seal_ms  ${fallback.ms.toFixed(1)}  (ratio to C ${(fallback.ms / cMs).toFixed(1)}; CSP without 'wasm-unsafe-eval')`);
