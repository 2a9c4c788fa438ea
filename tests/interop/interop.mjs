// Checks the JavaScript envelope implementation against the test vectors of
// docs/envelope.md, and writes fresh envelopes for the C tool to open.
//
// usage: node interop.mjs SOURCE_DIR OUT_DIR
// env:   SEALDROP_JS_MODULES = the node_modules directory holding
//        libsodium-wrappers (default: the one beside this file)
//
// Prints one line per check and ends with "js: N passed, M failed".
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [srcDir, outDir] = process.argv.slice(2);
if (!srcDir || !outDir) {
  console.error('usage: node interop.mjs SOURCE_DIR OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.SEALDROP_JS_MODULES || join(here, 'node_modules');
// the CommonJS build: the ESM build of some libsodium-wrappers releases
// points at a file the package does not ship
const sodium = createRequire(join(modules, 'resolve.js'))('libsodium-wrappers');
await sodium.ready;

// The module is a plain .js file that browsers load as a module; give Node
// a .mjs copy so it is read as one too, whatever package.json says.
const modCopy = join(outDir, 'sealdrop-envelope.mjs');
copyFileSync(join(srcDir, 'templates/static/js/sealdrop-envelope.js'), modCopy);
const E = await import(pathToFileURL(modCopy).href);
const env = E.sealdropEnvelope(sodium);

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    const r = fn();
    if (r === false) throw new Error('check returned false');
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e && e.message}`);
  }
}
function eq(a, b, what) {
  const same = a instanceof Uint8Array ? b instanceof Uint8Array && a.length === b.length &&
    a.every((x, i) => x === b[i]) : a === b;
  if (!same && a instanceof Uint8Array && b instanceof Uint8Array) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    throw new Error(`${what}: ${a.length} bytes, want ${b.length}; first difference at byte ${i}`);
  }
  if (!same) {
    const show = (v) => (v instanceof Uint8Array ? `${v.length} bytes ${sodium.to_hex(v.subarray(0, 24))}…` : JSON.stringify(v));
    throw new Error(`${what}: got ${show(a)}, want ${show(b)}`);
  }
}
// The EnvelopeError code fn throws, or 'ok'.
function codeOf(fn) {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof E.EnvelopeError)) throw e;
    return e.code;
  }
}

const vec = (name) => join(srcDir, 'tests/vectors', name);
const readVec = (name) => new Uint8Array(readFileSync(vec(name)));
const utf8 = (s) => new TextEncoder().encode(s);
const fill = (b) => new Uint8Array(32).fill(b);
const TODAY = '2026-06-01';

// ---------------------------------------------------------------- vector keys
const authority = sodium.crypto_sign_seed_keypair(fill(0x01));
const otherAuthority = sodium.crypto_sign_seed_keypair(fill(0x05));
const stats = { sk: fill(0x03), pk: sodium.crypto_scalarmult_base(fill(0x03)) };
const details = { sk: fill(0x04), pk: sodium.crypto_scalarmult_base(fill(0x04)) };

// ----------------------------------------------- what docs/envelope.md states
const doc = readFileSync(join(srcDir, 'docs/envelope.md'), 'utf8');
function docMatch(re, what) {
  const m = doc.match(re);
  if (!m) throw new Error(`docs/envelope.md: cannot find ${what}`);
  return m[1];
}
const docStats = docMatch(/- stats \(\d+ bytes\):\s*`([^`]+)`/, 'the stats plaintext');
const docDetails = docMatch(/- details: `([^`]+)`/, 'the details plaintext');
const docMeta = docMatch(/meta\s+`(\{[^`]+\})`/, 'the attachment meta');
const docFile = docMatch(/file `([^`]+)`/, 'the attachment file');
const docHex = docMatch(/<!-- vector valid\.env -->\s*```\s*([0-9a-f\s]+)```/, 'the valid.env hex').replace(/\s+/g, '');
const valid = readVec('valid.env');

check('docs/envelope.md hex equals tests/vectors/valid.env', () => eq(sodium.to_hex(valid), docHex, 'valid.env'));
check('docs/envelope.md stats plaintext has its stated length', () =>
  eq(utf8(docStats).length, Number(docMatch(/- stats \((\d+) bytes\)/, 'stats length')), 'length'));

// -------------------------------------------------------------------- padding
check('padSize matches the documented examples', () => {
  const cases = [[0, 1024], [1023, 1024], [1024, 1088], [65535, 65536], [65536, 67584], [10 * 1024 * 1024, 10747904]];
  for (const [len, p] of cases) eq(E.padSize(len), p, `padSize(${len})`);
});
check('pad/unpad round trip at padme boundaries', () => {
  for (const len of [0, 1, 1023, 1024, 1087, 1088, 5000, 65535, 65536, 70000]) {
    const data = sodium.randombytes_buf(len);
    eq(E.unpad(E.pad(data)), data, `len ${len}`);
  }
});
check('unpad refuses non-canonical padding', () => {
  const short = new Uint8Array(1088);
  short[10] = 0x80; // 10 bytes pad to 1024, not 1088
  eq(codeOf(() => E.unpad(short)), 'padding', '10 bytes in 1088');
  eq(codeOf(() => E.unpad(new Uint8Array(1024))), 'padding', 'all zeros');
  const noMarker = new Uint8Array(1024);
  noMarker[5] = 0x81;
  eq(codeOf(() => E.unpad(noMarker)), 'padding', 'no 0x80');
});

// ------------------------------------------------ HChaCha20 of the seal path
check('HChaCha20 agrees with libsodium XChaCha20-Poly1305', () => {
  const key = sodium.randombytes_buf(32);
  const npub = sodium.randombytes_buf(24);
  const m = sodium.randombytes_buf(100);
  const nonce = new Uint8Array(12);
  nonce.set(npub.subarray(16), 4);
  eq(sodium.crypto_aead_chacha20poly1305_ietf_encrypt(m, null, null, nonce, E.hchacha20(key, npub.subarray(0, 16))),
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(m, null, null, npub, key), 'ciphertext');
});

// ---------------------------------------------------------- channel descriptor
const channelText = readFileSync(vec('channel.json'), 'utf8');
let channel = null;
check('channel.json verifies against the pinned authority', () => {
  channel = env.verifyChannel(channelText, authority.publicKey, TODAY);
  eq(channel.byRole.stats.length, 1, 'stats recipients');
  eq(channel.byRole.details.length, 1, 'details recipients');
  eq(channel.byRole.stats[0].publicKey, stats.pk, 'stats key');
  eq(channel.byRole.details[0].publicKey, details.pk, 'details key');
  eq(channel.byRole.stats[0].label, 'EUIPO stats', 'stats label');
  eq(channel.issued, '2026-01-01', 'issued');
  eq(channel.expires, '2099-12-31', 'expires');
  eq(channel.receiptKey, sodium.crypto_sign_seed_keypair(fill(0x02)).publicKey, 'receipt key');
  eq(channel.ackKey, null, 'ack key');
});
check('channel_id and key ids are those in valid.env', () => {
  eq(channel.channelId, valid.subarray(6, 22), 'channel_id');
  eq(env.keyId(stats.pk), valid.subarray(40, 48), 'stats key id');
});
check('channel-other-authority.json is refused', () =>
  eq(codeOf(() => env.verifyChannel(readFileSync(vec('channel-other-authority.json'), 'utf8'), authority.publicKey, TODAY)),
    'authority', 'error'));
check('channel.json is refused when another authority is pinned', () =>
  eq(codeOf(() => env.verifyChannel(channelText, otherAuthority.publicKey, TODAY)), 'authority', 'error'));
check('channel-expired.json is refused on 2026-06-01', () =>
  eq(codeOf(() => env.verifyChannel(readFileSync(vec('channel-expired.json'), 'utf8'), authority.publicKey, TODAY)),
    'expired', 'error'));
check('a descriptor whose body was changed is refused by its signature', () => {
  const d = JSON.parse(channelText);
  const body = new TextDecoder().decode(sodium.from_base64(d.body, sodium.base64_variants.ORIGINAL));
  d.body = sodium.to_base64(utf8(body.replace('EUIPO stats', 'EUIPO stata')), sodium.base64_variants.ORIGINAL);
  eq(codeOf(() => env.verifyChannel(JSON.stringify(d), authority.publicKey, TODAY)), 'signature', 'error');
});
check('an unparseable body is never parsed before its signature', () => {
  const d = JSON.parse(channelText);
  d.body = sodium.to_base64(utf8('{not json'), sodium.base64_variants.ORIGINAL);
  eq(codeOf(() => env.verifyChannel(JSON.stringify(d), authority.publicKey, TODAY)), 'signature', 'error');
});

// ---------------------------------------------------------- opening valid.env
const attachmentPlain = E.concat(Uint8Array.of(54, 0, 0, 0), utf8(docMeta), utf8(docFile));
check('valid.env: stats section opens to the documented plaintext', () =>
  eq(new TextDecoder().decode(env.open(valid, 0, stats.sk, stats.pk)), docStats, 'stats'));
check('valid.env: details section opens to the documented plaintext', () =>
  eq(new TextDecoder().decode(env.open(valid, 1, details.sk, details.pk)), docDetails, 'details'));
check('valid.env: attachment opens to the documented plaintext', () => {
  const plain = env.open(valid, 2, details.sk, details.pk);
  eq(plain, attachmentPlain, 'attachment');
  const a = E.splitAttachment(plain);
  eq(a.meta.name, 'note.txt', 'name');
  eq(new TextDecoder().decode(a.bytes), docFile, 'file');
});
check('valid.env: the stats key does not open the details section', () =>
  eq(codeOf(() => env.open(valid, 1, stats.sk, stats.pk)), 'no_key', 'error'));
check('valid.env passes the keyless channel check', () => eq(codeOf(() => env.checkChannel(env.parse(valid), channel)), 'ok', 'check'));
writeFileSync(join(outDir, 'valid.receipt'), env.receiptId(valid) + '\n');
check('receipt id is 32 base32 characters', () => /^[a-z2-7]{32}$/.test(env.receiptId(valid)));
{
  // what the pages check of the server's answer before they show it
  const rk = sodium.crypto_sign_seed_keypair(fill(0x02));
  const answer = (receipt, day) => ({
    receipt, day,
    signature: sodium.to_base64(sodium.crypto_sign_detached(
      new TextEncoder().encode(`sealdrop-receipt/1 ${receipt} ${day}`), rk.privateKey),
    sodium.base64_variants.ORIGINAL),
  });
  const good = answer(env.receiptId(valid), '2026-06-01');
  check('a receipt signed by the receipt key for this envelope is taken', () =>
    env.receiptValid(valid, good, channel.receiptKey));
  check('a receipt for another envelope is refused', () =>
    !env.receiptValid(valid, answer('a'.repeat(32), '2026-06-01'), channel.receiptKey));
  check('a receipt whose day was changed after signing is refused', () =>
    !env.receiptValid(valid, { ...good, day: '2026-06-02' }, channel.receiptKey));
  check('a receipt signed by another key is refused', () =>
    !env.receiptValid(valid, good, sodium.crypto_sign_seed_keypair(fill(0x03)).publicKey));
  check('a missing or garbled answer is refused', () =>
    !env.receiptValid(valid, null, channel.receiptKey) &&
    !env.receiptValid(valid, { ...good, signature: '!!' }, channel.receiptKey));
}

// ----------------------------------------------------------- negative vectors
const keyFor = (type) => (type === E.SEC_STATS ? stats : details);
function openAll(buf) {
  const v = env.parse(buf);
  v.sections.forEach((s, i) => env.open(buf, i, keyFor(s.type).sk, keyFor(s.type).pk));
}
const stages = {
  parse: (buf) => env.parse(buf),
  channel: (buf) => env.checkChannel(env.parse(buf), channel),
  open: openAll,
};
// file, the stage that must catch it (docs/envelope.md), the error
const negatives = [
  ['flip-magic.env', 'parse', 'magic'],
  ['flip-version.env', 'parse', 'version'],
  ['flip-n-sections.env', 'parse', 'trailing'],
  ['flip-channel-id.env', 'channel', 'channel'],
  ['flip-channel-id.env', 'open', 'decrypt'],
  ['flip-nonce.env', 'open', 'decrypt'],
  ['flip-section-type.env', 'parse', 'sections'],
  ['flip-recipient-key-id.env', 'open', 'no_key'],
  ['flip-recipient-key-id-check.env', 'channel', 'recipients'],
  ['flip-sealed-key.env', 'open', 'unseal'],
  ['flip-stream-header.env', 'open', 'decrypt'],
  ['flip-body-len.env', 'parse', 'length'],
  ['flip-stats-chunk.env', 'open', 'decrypt'],
  ['flip-details-chunk.env', 'open', 'decrypt'],
  ['flip-attachment-chunk.env', 'open', 'decrypt'],
  ['trailing-byte.env', 'parse', 'trailing'],
];
for (const f of readdirSync(join(srcDir, 'tests/vectors')).filter((n) => n.startsWith('cut-')).sort())
  negatives.push([f, 'parse', 'truncated']);
for (const [file, stage, code] of negatives)
  check(`${file} fails at ${stage} with ${code}`, () => eq(codeOf(() => stages[stage](readVec(file))), code, 'error'));
check('no damaged vector opens with both keys', () => {
  for (const f of readdirSync(join(srcDir, 'tests/vectors')).filter((n) => n.endsWith('.env') && n !== 'valid.env'))
    if (codeOf(() => openAll(readVec(f))) === 'ok') throw new Error(`${f} opened`);
});

// ------------------------------------------- deterministic reproduction of valid.env
// randombytes_buf_deterministic gives the first n bytes of the ChaCha20-IETF
// keystream; rng(n) hands out the next n of them.
function streamRng(seedText) {
  const seed = utf8(seedText);
  let used = 0;
  return (n) => {
    const out = sodium.randombytes_buf_deterministic(used + n, seed).slice(used);
    used += n;
    return out;
  };
}
const vectorSections = [
  { type: E.SEC_STATS, data: utf8(docStats) },
  { type: E.SEC_DETAILS, data: utf8(docDetails) },
  { type: E.SEC_ATTACHMENT, data: attachmentPlain },
];
check('seal with the documented randomness reproduces valid.env byte for byte', () =>
  eq(env.seal(channel, vectorSections, streamRng('sealdrop envelope test vector 01')), valid, 'envelope'));

// ------------------------------------------------------- fresh JS envelopes
const incidentRef = sodium.to_hex(sodium.randombytes_buf(16));
const narrative = `Interop narrative ${sodium.to_hex(sodium.randombytes_buf(8))}: ø, é, ü.`;
const report = {
  schema: 'sealdrop.report/1', incident_ref: incidentRef, member_state: 'EL', organisation: 'research_organisation',
  sector: 'M', size_class: 'small', discovered: '2025-Q3', secret_types: ['technical.research_data', 'commercial.pricing'],
  attack_vectors: ['social', 'hacking'], actor: 'unknown', actor_origin: 'unknown', loss_eur: 125000,
  jobs_at_risk: 4, reported_to_police: true,
};
const detailsDoc = { narrative, contact: 'security@example.org', consent_law_enforcement: false };
const fileBytes = sodium.randombytes_buf(3000);
const bigBytes = sodium.randombytes_buf(200000); // four chunks once padded
const sectionsFor = (name, bytes) => [
  { type: E.SEC_STATS, data: utf8(JSON.stringify(report)) },
  { type: E.SEC_DETAILS, data: utf8(JSON.stringify(detailsDoc)) },
  { type: E.SEC_ATTACHMENT,
    data: E.attachmentPlaintext({ name, media_type: 'application/octet-stream', size: bytes.length }, bytes) },
];

let fresh = null;
check('seal with real randomness, then open every section in JS', () => {
  fresh = env.seal(channel, sectionsFor('evidence.bin', fileBytes));
  eq(JSON.parse(new TextDecoder().decode(env.open(fresh, 0, stats.sk, stats.pk))).incident_ref, incidentRef, 'stats');
  eq(JSON.parse(new TextDecoder().decode(env.open(fresh, 1, details.sk, details.pk))).narrative, narrative, 'details');
  eq(E.splitAttachment(env.open(fresh, 2, details.sk, details.pk)).bytes, fileBytes, 'attachment');
  eq(codeOf(() => env.checkChannel(env.parse(fresh), channel)), 'ok', 'channel check');
});
check('two seals of the same report differ', () => {
  const again = env.seal(channel, sectionsFor('evidence.bin', fileBytes));
  if (env.receiptId(again) === env.receiptId(fresh)) throw new Error('same receipt');
});
let big = null;
check('a multi-chunk attachment sealed from an injected rng opens in JS', () => {
  big = env.seal(channel, sectionsFor('big.bin', bigBytes), streamRng('sealdrop interop multichunk 0001'));
  eq(E.splitAttachment(env.open(big, 2, details.sk, details.pk)).bytes, bigBytes, 'attachment');
});
check('a multi-chunk attachment sealed with real randomness opens in JS', () => {
  const b = env.seal(channel, sectionsFor('big.bin', bigBytes));
  eq(E.splitAttachment(env.open(b, 2, details.sk, details.pk)).bytes, bigBytes, 'attachment');
});
check('swapped attachments and a section moved between envelopes fail to open', () => {
  const a = env.seal(channel, [...sectionsFor('one.bin', fileBytes), sectionsFor('two.bin', bigBytes)[2]]);
  const v = env.parse(a);
  const [s2, s3] = [v.sections[2], v.sections[3]];
  const whole = (s) => a.subarray(s.prefix.byteOffset - a.byteOffset, s.body.byteOffset - a.byteOffset + s.body.length);
  const swapped = E.concat(a.subarray(0, s2.prefix.byteOffset - a.byteOffset), whole(s3), whole(s2));
  eq(codeOf(() => env.open(swapped, 2, details.sk, details.pk)), 'decrypt', 'swapped');
  const other = env.seal(channel, sectionsFor('one.bin', fileBytes));
  const ov = env.parse(other);
  const moved = E.concat(other.subarray(0, ov.sections[2].prefix.byteOffset - other.byteOffset), whole(s2));
  eq(codeOf(() => env.open(moved, 2, details.sk, details.pk)), 'decrypt', 'moved');
});

if (fresh) {
  writeFileSync(join(outDir, 'js-random.env'), fresh);
  writeFileSync(join(outDir, 'js-random.receipt'), env.receiptId(fresh) + '\n');
}
if (big) writeFileSync(join(outDir, 'js-big.env'), big);
writeFileSync(join(outDir, 'evidence.bin'), fileBytes);
writeFileSync(join(outDir, 'big.bin'), bigBytes);
writeFileSync(join(outDir, 'expect-stats.txt'), incidentRef + '\n');
writeFileSync(join(outDir, 'expect-details.txt'), narrative + '\n');

// ------------------------------------------ follow-up (docs/followup.md)
// The page's module imports the envelope module by its name: both as .js
// in a directory that Node reads as ES modules.
const fuDir = join(outDir, 'fu');
mkdirSync(fuDir, { recursive: true });
writeFileSync(join(fuDir, 'package.json'), '{"type":"module"}\n');
for (const f of ['sealdrop-followup.js', 'sealdrop-envelope.js'])
  copyFileSync(join(srcDir, 'templates/static/js', f), join(fuDir, f));
const FU = await import(pathToFileURL(join(fuDir, 'sealdrop-followup.js')).href);
const fuDoc = readFileSync(join(srcDir, 'docs/followup.md'), 'utf8');
function fuMatch(re, what) {
  const m = fuDoc.match(re);
  if (!m) throw new Error(`docs/followup.md: cannot find ${what}`);
  return m[1];
}
// the sealed messages of the opening vectors: the base64 blocks, in order
const fuSealed = [...fuDoc.matchAll(/```\n([A-Za-z0-9+/=\n]{400,})```/g)]
  .map((m) => sodium.from_base64(m[1].replace(/\n/g, ''), sodium.base64_variants.ORIGINAL));
const fuF = Uint8Array.from({ length: 20 }, (_, i) => i);
const fuMb = FU.mailboxOf(sodium, fuF);
const fuAck = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x41)).publicKey;
const fuOther = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x42)).publicKey;
check('follow-up: code, mailbox key and id are those of docs/followup.md', () => {
  eq(FU.followupCode(fuF), fuMatch(/code\s+= (FU-[A-Z2-7-]+)/, 'the code'), 'code');
  eq(sodium.to_hex(fuMb.publicKey), fuMatch(/pk\s+= ([0-9a-f]{64})/, 'pk'), 'pk');
  eq(fuMb.id, fuMatch(/mailbox_id\s+= ([0-9a-f]{32})/, 'the mailbox id'), 'mailbox id');
  eq(sodium.to_hex(fuAck), fuMatch(/public key\s+`([0-9a-f]{64})`/, 'the ack key'), 'ack key');
});
check('follow-up: the code is read as the C side reads it', () => {
  for (const c of ['fu-aaaq-eaye-auda-ocaj-bifq-ydio-b4ib-ceqt', 'AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT',
    'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT']) eq(FU.followupParse(c), fuF, c);
  for (const c of ['FU-AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQ1', 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ',
    'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTA']) eq(FU.followupParse(c), null, c);
});
check('follow-up: the document holds both sealed messages', () => eq(fuSealed.length, 2, 'sealed messages'));
check('follow-up: a message sealed by the C side opens verified in JS', () => {
  const m = FU.openMessage(sodium, fuMb, [fuAck], fuSealed[0]);
  eq(m.verified, true, 'verified');
  eq(m.why, null, 'why');
  eq(m.id, 'f5df865540284acb7126dd45fd34f696', 'id');
  eq(m.sent, '2026-03-01', 'sent');
  eq(m.inReplyTo, '00112233445566778899aabbccddeeff', 'in_reply_to');
  eq(m.text, 'Which port did the parcel come through? — Merci.', 'text');
  eq(m.attachments.length, 1, 'attachments');
  eq(m.attachments[0].name, 'note.txt', 'name');
  eq(m.attachments[0].mediaType, 'text/plain', 'media type');
  eq(new TextDecoder().decode(m.attachments[0].data), 'hello\n', 'file');
});
check('follow-up: read against another ack key it is not verified', () => {
  const m = FU.openMessage(sodium, fuMb, [fuOther], fuSealed[0]);
  eq(m.verified, false, 'verified');
  eq(m.why, "it is signed by another key than the channel's ack key", 'why');
  eq(FU.openMessage(sodium, fuMb, [fuOther, fuAck], fuSealed[0]).verified, true, 'with a second key');
});
check('follow-up: a message signed by another key is not verified', () => {
  const m = FU.openMessage(sodium, fuMb, [fuAck], fuSealed[1]);
  eq(m.verified, false, 'verified');
  eq(m.text, 'Hello from someone else.', 'text');
});
check('follow-up: another mailbox opens nothing', () => {
  const mb = FU.mailboxOf(sodium, sodium.randombytes_buf(20));
  eq(FU.openMessage(sodium, mb, [fuAck], fuSealed[0]), null, 'opened');
  const cut = fuSealed[0].slice(0, fuSealed[0].length - 1);
  eq(FU.openMessage(sodium, fuMb, [fuAck], cut), null, 'cut');
});
// A message made here as sd_msg_seal makes one, from a body text given as
// it is: signed by the vector ack key, padded and sealed to the mailbox.
const fuAckPair = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x41));
function sealBody(bodyText) {
  const B = sodium.base64_variants.ORIGINAL;
  const body = utf8(bodyText);
  const doc = JSON.stringify({ format: 'sealdrop.message/1', body: sodium.to_base64(body, B),
    signature: sodium.to_base64(sodium.crypto_sign_detached(body, fuAckPair.privateKey), B),
    ack_key: sodium.to_base64(fuAckPair.publicKey, B) });
  return sodium.crypto_box_seal(E.pad(utf8(doc)), fuMb.publicKey);
}
const fuBody = (extra) => `{"format":"sealdrop.message/1","id":"${'ab'.repeat(16)}","channel_id":"${'cd'.repeat(16)}",` +
  `"mailbox":"${fuMb.id}","sent":"2026-03-01",${extra}"text":"Hello"}`;
check('follow-up: a body with a member twice is not a message, as for the C reader', () => {
  eq(FU.openMessage(sodium, fuMb, [fuAck], sealBody(fuBody(''))).verified, true, 'the same without');
  eq(FU.openMessage(sodium, fuMb, [fuAck], sealBody(fuBody('"text":"Other",'))), null, 'text twice');
  eq(FU.openMessage(sodium, fuMb, [fuAck], sealBody(fuBody('"attachments":[{"name":"a","name":"b","media_type":"x/y","data":""}],'))),
    null, 'name twice in an attachment');
  eq(FU.openMessage(sodium, fuMb, [fuAck], sealBody(fuBody('"x":1,'))), null, 'a member of no message');
});
check('follow-up: the mailbox answer is read as sd_mbox_blob_parse reads it', () => {
  const blob = new Uint8Array(65536);
  blob.set(utf8('SDMB'));
  blob[4] = 1;
  const dv = new DataView(blob.buffer);
  dv.setUint32(5, 2, true);
  let o = 9;
  for (const s of fuSealed) {
    dv.setUint32(o, s.length, true);
    blob.set(s, o + 4);
    o += 4 + s.length;
  }
  const items = FU.mailboxItems(blob);
  eq(items.length, 2, 'items');
  eq(items[1], fuSealed[1], 'second item');
  const empty = new Uint8Array(65536);
  empty.set(utf8('SDMB'));
  empty[4] = 1;
  eq(FU.mailboxItems(empty).length, 0, 'empty');
  const dirty = blob.slice();
  dirty[65535] = 1;
  eq(FU.mailboxItems(dirty), null, 'padding not zero');
  eq(FU.mailboxItems(blob.subarray(0, 65535)), null, 'short');
  const tooMany = blob.slice();
  new DataView(tooMany.buffer).setUint32(5, 3, true);
  eq(FU.mailboxItems(tooMany), null, 'count');
});
check('follow-up: the answer text is checked as the form checks it', () => {
  eq(FU.answerText(' \r\n\t').error, 'text_empty', 'blank');
  eq(FU.answerText('a\u0001b').error, 'text_bad', 'control');
  eq(FU.answerText('x'.repeat(100001)).error, 'text_long', 'long');
  eq(FU.answerText('é'.repeat(100000)).text.length, 100000, '100,000 characters');
  eq(FU.answerText('one\r\ntwo\tthree').text, 'one\ntwo\tthree', 'CR LF');
});
// an answer sealed in JS to the vector channel, for sealdrop-analyst open
const fuText = `Interop answer ${sodium.to_hex(sodium.randombytes_buf(8))}: the port of Piraeus.`;
const fuPk = sodium.to_base64(fuMb.publicKey, sodium.base64_variants.ORIGINAL);
check('follow-up: an answer sealed in JS opens in JS to the sd_followup_answer JSON', () => {
  const a = FU.answerSections(fuPk, 'f5df865540284acb7126dd45fd34f696', fuText);
  eq(a.stats, '{"schema":"sealdrop.followup/1"}', 'stats');
  eq(a.details, `{"schema":"sealdrop.followup/1","mailbox":"${fuPk}","in_reply_to":"f5df865540284acb7126dd45fd34f696","text":"${fuText}"}`, 'details');
  const ans = env.seal(channel, [{ type: E.SEC_STATS, data: utf8(a.stats) }, { type: E.SEC_DETAILS, data: utf8(a.details) }]);
  eq(new TextDecoder().decode(env.open(ans, 1, details.sk, details.pk)), a.details, 'opened');
  writeFileSync(join(outDir, 'js-answer.env'), ans);
  writeFileSync(join(outDir, 'expect-answer.txt'), `${fuText}\n`);
  writeFileSync(join(outDir, 'expect-answer-mailbox.txt'), `${fuPk}\n`);
});

console.log(`js: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
