// sealdrop envelope format v1 (docs/envelope.md): sealing, opening and the
// channel descriptor check, for browsers and Node alike.
//
// Plain ES module without imports: the caller passes an initialised
// libsodium-wrappers object (after `await sodium.ready`) to sealdropEnvelope().
// Every failure throws an EnvelopeError whose `code` names the reason.

export const MAGIC = [0x53, 0x44, 0x52, 0x50]; // "SDRP"
export const VERSION = 1;
export const HEADER_LEN = 38;
export const NONCE_LEN = 16;
export const CHANNEL_ID_LEN = 16;
export const KEY_ID_LEN = 8;
export const SECTION_KEY_LEN = 32;
export const SEALED_KEY_LEN = 80; // crypto_box_seal of the 32-byte section key
export const RECIPIENT_LEN = KEY_ID_LEN + SEALED_KEY_LEN;
export const SS_HEADER_LEN = 24;
export const SS_ABYTES = 17;
export const CHUNK = 65536;
export const CHUNK_CT = CHUNK + SS_ABYTES;
export const MAX_SECTIONS = 7;
export const MAX_ATTACHMENTS = 5;
export const ENVELOPE_MAX = 64 * 1024 * 1024;
export const ATTACHMENT_META_MAX = 4096;
export const CHANNEL_MAX_RECIPIENTS = 16;
export const LABEL_MAX = 128; // bytes, including the C side's terminating NUL

export const SEC_STATS = 1;
export const SEC_DETAILS = 2;
export const SEC_ATTACHMENT = 3;

const CHANNEL_FORMAT = 'sealdrop.channel/1';
const TAG_MESSAGE = 0;
const TAG_FINAL = 3;

// Largest plaintext of each section type, as the C side enforces.
const PLAIN_MAX = {
  [SEC_STATS]: 64 * 1024,
  [SEC_DETAILS]: 1024 * 1024,
  [SEC_ATTACHMENT]: 4 + ATTACHMENT_META_MAX + 10 * 1024 * 1024,
};

export class EnvelopeError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = code;
  }
}

function fail(code, message) {
  throw new EnvelopeError(code, message);
}

// ---------------------------------------------------------------- padding

function log2Floor(x) {
  let r = 0;
  while (x >= 2) {
    x = Math.floor(x / 2);
    r++;
  }
  return r;
}

// padme: leaks O(log log L) bits of the length for at most 12 % overhead.
// Plain arithmetic, not 32-bit bit operations, so large lengths stay exact.
export function padme(l) {
  const e = log2Floor(l);
  const s = log2Floor(e) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(l / step) * step;
}

export function padSize(len) {
  return len + 1 <= 1024 ? 1024 : padme(len + 1);
}

export function pad(data) {
  const out = new Uint8Array(padSize(data.length));
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

// Canonical unpadding: one padded length per plaintext length, so anything a
// correct sealer cannot have made is refused.
export function unpad(buf) {
  let i = buf.length;
  while (i > 0 && buf[i - 1] === 0) i--;
  if (i === 0 || buf[i - 1] !== 0x80) fail('padding', 'bad padding');
  i--;
  if (padSize(i) !== buf.length) fail('padding', 'bad padding');
  return buf.subarray(0, i);
}

// ------------------------------------------------------------- small helpers

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function putU64(buf, off, v) {
  for (let i = 0; i < 8; i++) {
    buf[off + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

// Values that cannot be an in-limit length come back as Infinity, so every
// later comparison refuses them.
function getU64(buf, off) {
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + buf[off + i];
  return v > Number.MAX_SAFE_INTEGER ? Infinity : v;
}

export function base32(bytes) {
  const alpha = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += alpha[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alpha[(acc << (5 - bits)) & 31];
  return out;
}

function validDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

// Attachment plaintext: meta_len:u32 LE | meta JSON | file bytes.
export function attachmentPlaintext(meta, bytes) {
  const m = new TextEncoder().encode(JSON.stringify(meta));
  if (m.length === 0 || m.length > ATTACHMENT_META_MAX) fail('format', 'attachment metadata too long');
  const head = new Uint8Array(4);
  new DataView(head.buffer).setUint32(0, m.length, true);
  return concat(head, m, bytes);
}

export function splitAttachment(plain) {
  if (plain.length < 4) fail('format', 'attachment too short');
  const m = new DataView(plain.buffer, plain.byteOffset, 4).getUint32(0, true);
  if (m === 0 || m > ATTACHMENT_META_MAX || m > plain.length - 4) fail('format', 'attachment metadata malformed');
  const meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(4, 4 + m)));
  return { meta, bytes: plain.subarray(4 + m) };
}

// ------------------------------------------------------------------ HChaCha20
// libsodium-wrappers (the standard build) does not export crypto_core_hchacha20,
// and it is needed only to run the secretstream from a header we chose.
export function hchacha20(key, input) {
  const dv = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const k = dv(key);
  const n = dv(input);
  const x = new Uint32Array(16);
  x.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) x[4 + i] = k.getUint32(4 * i, true);
  for (let i = 0; i < 4; i++) x[12 + i] = n.getUint32(4 * i, true);
  const qr = (a, b, c, d) => {
    x[a] += x[b]; x[d] ^= x[a]; x[d] = (x[d] << 16) | (x[d] >>> 16);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = (x[b] << 12) | (x[b] >>> 20);
    x[a] += x[b]; x[d] ^= x[a]; x[d] = (x[d] << 8) | (x[d] >>> 24);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = (x[b] << 7) | (x[b] >>> 25);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15);
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14);
  }
  const out = new Uint8Array(32);
  const o = dv(out);
  for (let i = 0; i < 4; i++) {
    o.setUint32(4 * i, x[i], true);
    o.setUint32(16 + 4 * i, x[12 + i], true);
  }
  x.fill(0);
  return out;
}

// ---------------------------------------------------------------- the module

export function sealdropEnvelope(sodium) {
  const hash32 = (data) => sodium.crypto_generichash(32, data, null);
  const b64 = (s) => sodium.from_base64(s, sodium.base64_variants.ORIGINAL);

  function keyId(pk) {
    return hash32(pk).subarray(0, KEY_ID_LEN);
  }

  // First 16 bytes of BLAKE2b-256, which is not BLAKE2b-128.
  function channelId(bodyBytes) {
    return hash32(bodyBytes).subarray(0, CHANNEL_ID_LEN);
  }

  function receiptId(envelope) {
    return base32(hash32(envelope).subarray(0, 20));
  }

  function readerRole(type) {
    return type === SEC_STATS ? 'stats' : 'details';
  }

  // ------------------------------------------------------- channel descriptor

  function decodeKey(v, what) {
    let k = null;
    try {
      k = typeof v === 'string' ? b64(v) : null;
    } catch (e) {
      k = null;
    }
    if (k === null || k.length !== 32) fail('format', `channel: ${what} is not a base64 32-byte key`);
    return k;
  }

  function parseRecipient(r, i) {
    if (r === null || typeof r !== 'object' || Array.isArray(r) || Object.keys(r).length !== 4 ||
        typeof r.key_id !== 'string' || typeof r.label !== 'string' ||
        (r.role !== 'stats' && r.role !== 'details'))
      fail('format', `channel: recipient ${i} is malformed`);
    if (new TextEncoder().encode(r.label).length >= LABEL_MAX) fail('format', `channel: recipient ${i} label too long`);
    const publicKey = decodeKey(r.public_key, `recipient ${i} public_key`);
    const id = keyId(publicKey);
    if (sodium.to_hex(id) !== r.key_id) fail('format', `channel: recipient ${i} key_id does not match its key`);
    return { keyId: id, publicKey, role: r.role, label: r.label };
  }

  function parseBody(bodyBytes) {
    let o = null;
    try {
      o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bodyBytes));
    } catch (e) {
      fail('format', 'channel: body is not UTF-8 JSON');
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail('format', 'channel: body is not an object');
    const known = ['issued', 'expires', 'recipients', 'receipt_key', 'ack_key'];
    for (const k of Object.keys(o)) if (!known.includes(k)) fail('format', `channel: unknown member ${k}`);
    if (!validDate(o.issued) || !validDate(o.expires)) fail('format', 'channel: issued/expires not dates');
    const list = o.recipients;
    if (!Array.isArray(list) || list.length === 0 || list.length > CHANNEL_MAX_RECIPIENTS)
      fail('format', 'channel: recipients list malformed');
    const recipients = list.map(parseRecipient);
    const seen = new Set(recipients.map((r) => sodium.to_hex(r.publicKey)));
    if (seen.size !== recipients.length) fail('format', 'channel: a recipient key appears twice');
    const byRole = {
      stats: recipients.filter((r) => r.role === 'stats'),
      details: recipients.filter((r) => r.role === 'details'),
    };
    if (byRole.stats.length === 0 || byRole.details.length === 0)
      fail('format', 'channel: needs a stats and a details recipient');
    return {
      issued: o.issued,
      expires: o.expires,
      receiptKey: decodeKey(o.receipt_key, 'receipt_key'),
      ackKey: 'ack_key' in o ? decodeKey(o.ack_key, 'ack_key') : null,
      recipients,
      byRole,
    };
  }

  // Checks the descriptor signed by the pinned authority and returns what the
  // sealer needs. The signature is checked over the exact body bytes before
  // anything of the body is parsed.
  function verifyChannel(channelJsonText, pinnedAuthorityPk, today = todayUtc()) {
    let doc = null;
    try {
      doc = JSON.parse(channelJsonText);
    } catch (e) {
      fail('format', 'channel: not JSON');
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || Object.keys(doc).length !== 4 ||
        doc.format !== CHANNEL_FORMAT || typeof doc.body !== 'string' || typeof doc.signature !== 'string')
      fail('format', 'channel: not a sealdrop.channel/1 descriptor');
    const authority = decodeKey(doc.authority, 'authority');
    if (!(pinnedAuthorityPk instanceof Uint8Array) || pinnedAuthorityPk.length !== 32)
      fail('format', 'the pinned authority key is not 32 bytes');
    let sig = null;
    let body = null;
    try {
      sig = b64(doc.signature);
      body = b64(doc.body);
    } catch (e) {
      fail('format', 'channel: body or signature is not base64');
    }
    if (sig.length !== 64) fail('format', 'channel: signature is not 64 bytes');
    if (!sodium.memcmp(authority, pinnedAuthorityPk)) fail('authority', 'channel: signed by another authority');
    if (!sodium.crypto_sign_verify_detached(sig, body, authority)) fail('signature', 'channel: bad signature');
    const ch = parseBody(body);
    if (!validDate(today)) fail('format', 'today is not a date');
    if (today > ch.expires) fail('expired', `channel: expired on ${ch.expires}`);
    ch.channelId = channelId(body);
    ch.body = body;
    return ch;
  }

  // ------------------------------------------------------------------ sealing

  // crypto_box_seal from primitives, so its ephemeral key can come from rng:
  // epk | box(m, nonce = BLAKE2b-192(epk | pk), pk, esk).
  function boxSeal(message, pk, rng) {
    if (!rng) return sodium.crypto_box_seal(message, pk);
    const esk = rng(32);
    const epk = sodium.crypto_scalarmult_base(esk);
    const nonce = sodium.crypto_generichash(24, concat(epk, pk), null);
    const ct = sodium.crypto_box_easy(message, nonce, pk, esk);
    sodium.memzero(esk);
    return concat(epk, ct);
  }

  // secretstream push with a given header: k' = HChaCha20(key, header[0..16]),
  // nonce = counter:u32 (from 1) | header[16..24]. One chunk equals
  // chacha20poly1305-ietf over (tag block | message): same keystream counters
  // (0 for Poly1305, 1 for the tag block, 2.. for the message) and the same
  // MAC input, because every chunk length here is a multiple of 16 (libsodium
  // pads the MAC input by (mlen mod 16), the IETF AEAD by (-clen mod 16)).
  // Rekeying happens only after 2^32 chunks, far beyond any envelope.
  function streamFromHeader(key, header) {
    const k = hchacha20(key, header.subarray(0, 16));
    const nonce = new Uint8Array(12);
    nonce[0] = 1;
    nonce.set(header.subarray(16, 24), 4);
    return {
      push(m, ad, tag) {
        if (m.length % 16 !== 0) fail('internal', 'chunk length not a multiple of 16');
        const block = new Uint8Array(64 + m.length);
        block[0] = tag;
        block.set(m, 64);
        const c = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(block, ad, null, nonce, k);
        block.fill(0);
        const mac = c.subarray(c.length - 16);
        for (let i = 0; i < 8; i++) nonce[4 + i] ^= mac[i];
        for (let i = 0; i < 4 && ++nonce[i] === 0; i++);
        return concat(c.subarray(0, 1), c.subarray(64));
      },
      wipe() {
        k.fill(0);
      },
    };
  }

  function libraryStream(key) {
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    return {
      header,
      push: (m, ad, tag) => sodium.crypto_secretstream_xchacha20poly1305_push(state, m, ad, tag),
      wipe() {},
    };
  }

  function bodyLen(padded) {
    return padded + Math.ceil(padded / CHUNK) * SS_ABYTES;
  }

  // Draws key, stream header, then one ephemeral key per recipient, in this
  // order (docs/envelope.md), so a fixed rng reproduces the test vector.
  // A generator: it yields the plaintext bytes sealed so far after each
  // chunk, so a page can show progress between chunks (sealAsync); its
  // return value is the sealed section.
  function* sealSection(header, idx, sec, readers, rng) {
    const key = rng ? rng(SECTION_KEY_LEN) : sodium.randombytes_buf(SECTION_KEY_LEN);
    let stream = null;
    if (rng) {
      const ssHeader = rng(SS_HEADER_LEN);
      stream = streamFromHeader(key, ssHeader);
      stream.header = ssHeader;
    } else {
      stream = libraryStream(key);
    }
    const padded = pad(sec.data);
    const prefix = new Uint8Array(2 + readers.length * RECIPIENT_LEN + SS_HEADER_LEN + 8);
    prefix[0] = sec.type;
    prefix[1] = readers.length;
    readers.forEach((r, i) => {
      prefix.set(r.keyId, 2 + i * RECIPIENT_LEN);
      prefix.set(boxSeal(key, r.publicKey, rng), 2 + i * RECIPIENT_LEN + KEY_ID_LEN);
    });
    const hOff = 2 + readers.length * RECIPIENT_LEN;
    prefix.set(stream.header, hOff);
    putU64(prefix, hOff + SS_HEADER_LEN, bodyLen(padded.length));
    const ad = concat(header, Uint8Array.of(idx), prefix);
    const chunks = [];
    for (let off = 0; off < padded.length; off += CHUNK) {
      const end = Math.min(off + CHUNK, padded.length);
      chunks.push(stream.push(padded.subarray(off, end), off === 0 ? ad : null,
        end === padded.length ? TAG_FINAL : TAG_MESSAGE));
      yield end;
    }
    stream.wipe();
    sodium.memzero(padded);
    sodium.memzero(key);
    return concat(prefix, ...chunks);
  }

  function checkOrder(types) {
    if (types.length === 0 || types.length > MAX_SECTIONS) fail('sections', 'between 1 and 7 sections');
    let attachments = 0;
    types.forEach((t, i) => {
      const ok = i === 0 ? t === SEC_STATS
        : t === SEC_DETAILS ? i === 1
        : t === SEC_ATTACHMENT ? ++attachments <= MAX_ATTACHMENTS : false;
      if (!ok) fail('sections', 'sections out of order');
    });
  }

  function sealHeader(channel, sections, rng) {
    checkOrder(sections.map((s) => s.type));
    for (const s of sections)
      if (!(s.data instanceof Uint8Array) || s.data.length > PLAIN_MAX[s.type]) fail('toobig', 'section too large');
    const header = new Uint8Array(HEADER_LEN);
    header.set(MAGIC);
    header[4] = VERSION;
    header[5] = sections.length;
    header.set(channel.channelId, 6);
    header.set(rng ? rng(NONCE_LEN) : sodium.randombytes_buf(NONCE_LEN), 22);
    return header;
  }

  function sectionReaders(channel, s) {
    const readers = channel.byRole[readerRole(s.type)];
    if (readers.length === 0 || readers.length > 255) fail('recipients', 'no recipient for a section');
    return readers;
  }

  function finish(header, parts) {
    const env = concat(header, ...parts);
    if (env.length > ENVELOPE_MAX) fail('toobig', 'envelope too large');
    return env;
  }

  // channel: what verifyChannel returned. sections: [{type, data: Uint8Array}].
  // rng(n), when given, supplies every random byte (test vectors only).
  function seal(channel, sections, rng = null) {
    const header = sealHeader(channel, sections, rng);
    const parts = sections.map((s, i) => {
      const gen = sealSection(header, i, s, sectionReaders(channel, s), rng);
      for (;;) {
        const r = gen.next();
        if (r.done) return r.value;
      }
    });
    return finish(header, parts);
  }

  // One turn of the event loop, without the 4 ms a nested setTimeout waits.
  function tick() {
    return new Promise((res) => {
      if (typeof MessageChannel === 'undefined') {
        setTimeout(res, 0);
        return;
      }
      const c = new MessageChannel();
      c.port1.onmessage = () => {
        c.port1.close();
        res();
      };
      c.port2.postMessage(0);
    });
  }

  // The same bytes as seal() with fresh randomness, giving the event loop a
  // turn about every megabyte: progress(sectionIndex, bytesDone, bytesOfSection)
  // is called then, so a page can show how far sealing has come.
  async function sealAsync(channel, sections, progress = () => {}) {
    const header = sealHeader(channel, sections, null);
    const parts = [];
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i];
      const gen = sealSection(header, i, s, sectionReaders(channel, s), null);
      let n = 0;
      for (;;) {
        const r = gen.next();
        if (r.done) {
          parts.push(r.value);
          break;
        }
        if (++n % 16 === 0) {
          progress(i, Math.min(r.value, s.data.length), s.data.length);
          await tick();
        }
      }
      progress(i, s.data.length, s.data.length);
    }
    return finish(header, parts);
  }

  // ------------------------------------------------------------------ opening

  // The padded length a valid body_len implies, or -1.
  function paddedFromBodyLen(len, type) {
    const chunks = Math.ceil(len / CHUNK_CT);
    if (!Number.isFinite(len) || chunks === 0 || len < chunks * SS_ABYTES) return -1;
    const p = len - chunks * SS_ABYTES;
    if (p <= (chunks - 1) * CHUNK || p > chunks * CHUNK) return -1;
    if (p > padSize(PLAIN_MAX[type])) return -1;
    if (p !== 1024 && (p < 1024 || padSize(p - 1) !== p)) return -1;
    return p;
  }

  // Structure only, no key: what the intake server checks first.
  function parse(buf) {
    if (buf.length > ENVELOPE_MAX) fail('toobig', 'envelope too large');
    if (buf.length < 4 || MAGIC.some((b, i) => buf[i] !== b)) fail('magic', 'not a sealdrop envelope');
    if (buf.length < HEADER_LEN) fail('truncated', 'truncated');
    if (buf[4] !== VERSION) fail('version', 'unsupported version');
    const n = buf[5];
    if (n === 0 || n > MAX_SECTIONS) fail('sections', 'between 1 and 7 sections');
    const sections = [];
    let off = HEADER_LEN;
    let attachments = 0;
    for (let i = 0; i < n; i++) {
      if (buf.length - off < 2) fail('truncated', 'truncated');
      const type = buf[off];
      const nr = buf[off + 1];
      const ok = i === 0 ? type === SEC_STATS
        : type === SEC_DETAILS ? i === 1
        : type === SEC_ATTACHMENT ? ++attachments <= MAX_ATTACHMENTS : false;
      if (!ok || nr === 0) fail('sections', 'sections out of order');
      const prefixLen = 2 + nr * RECIPIENT_LEN + SS_HEADER_LEN + 8;
      if (buf.length - off < prefixLen) fail('truncated', 'truncated');
      const hOff = off + 2 + nr * RECIPIENT_LEN;
      const len = getU64(buf, hOff + SS_HEADER_LEN);
      const padded = paddedFromBodyLen(len, type);
      if (padded < 0) fail('length', 'length does not match chunking');
      if (buf.length - off - prefixLen < len) fail('truncated', 'truncated');
      sections.push({
        index: i, type, padded,
        prefix: buf.subarray(off, off + prefixLen),
        recipients: buf.subarray(off + 2, hOff),
        ssHeader: buf.subarray(hOff, hOff + SS_HEADER_LEN),
        body: buf.subarray(off + prefixLen, off + prefixLen + len),
      });
      off += prefixLen + len;
    }
    if (off !== buf.length) fail('trailing', 'bytes after the last section');
    return { header: buf.subarray(0, HEADER_LEN), channelId: buf.subarray(6, 22), sections };
  }

  // The server's keyless check: addressed to this channel, each section to
  // exactly the channel's keys of the reading role, in channel order.
  function checkChannel(view, channel) {
    if (!sodium.memcmp(view.channelId, channel.channelId)) fail('channel', 'not addressed to this channel');
    for (const s of view.sections) {
      const readers = channel.byRole[readerRole(s.type)];
      if (s.recipients.length !== readers.length * RECIPIENT_LEN) fail('recipients', "recipients not the channel's");
      readers.forEach((r, i) => {
        const id = s.recipients.subarray(i * RECIPIENT_LEN, i * RECIPIENT_LEN + KEY_ID_LEN);
        if (!sodium.memcmp(id, r.keyId)) fail('recipients', "recipients not the channel's");
      });
    }
  }

  function unsealKey(sec, secretKey, publicKey) {
    const id = keyId(publicKey);
    for (let off = 0; off < sec.recipients.length; off += RECIPIENT_LEN) {
      if (!sodium.memcmp(sec.recipients.subarray(off, off + KEY_ID_LEN), id)) continue;
      try {
        return sodium.crypto_box_seal_open(sec.recipients.subarray(off + KEY_ID_LEN, off + RECIPIENT_LEN),
          publicKey, secretKey);
      } catch (e) {
        fail('unseal', 'sealed key does not open');
      }
    }
    return fail('no_key', 'key not a recipient');
  }

  // Returns the plaintext of one section for an X25519 key pair of its role.
  function open(envelopeBytes, sectionIndex, secretKey, publicKey) {
    const view = parse(envelopeBytes);
    const sec = view.sections[sectionIndex];
    if (!sec) fail('index', 'no such section');
    const key = unsealKey(sec, secretKey, publicKey);
    let state = null;
    try {
      state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(sec.ssHeader, key);
    } catch (e) {
      fail('decrypt', 'fails authentication');
    } finally {
      sodium.memzero(key);
    }
    const ad = concat(view.header, Uint8Array.of(sec.index), sec.prefix);
    const plain = new Uint8Array(sec.padded);
    for (let off = 0, p = 0; off < sec.body.length; off += CHUNK_CT) {
      const last = off + CHUNK_CT >= sec.body.length;
      const r = sodium.crypto_secretstream_xchacha20poly1305_pull(state,
        sec.body.subarray(off, Math.min(off + CHUNK_CT, sec.body.length)), off === 0 ? ad : null);
      // the last chunk is final, every other one a plain message
      if (!r || r.tag !== (last ? TAG_FINAL : TAG_MESSAGE)) {
        sodium.memzero(plain);
        fail('decrypt', 'fails authentication');
      }
      plain.set(r.message, p);
      sodium.memzero(r.message);
      p += r.message.length;
    }
    try {
      return unpad(plain);
    } catch (e) {
      sodium.memzero(plain);
      throw e;
    }
  }

  // ------------------------------------------------ what a page asks the server

  // The channel the server publishes, checked against the authority key the
  // page pins (base64): { channel, pinned }. A descriptor that does not
  // check throws with err.blocked: 'authority' (another authority, a bad
  // signature) or 'bad_channel'; a server that does not answer throws
  // without it.
  async function fetchChannel(authorityB64) {
    const r = await fetch('/api/v1/channel', { cache: 'no-store', credentials: 'omit' });
    if (!r.ok) throw new Error(`channel ${r.status}`);
    const text = await r.text();
    const pinned = sodium.from_base64(authorityB64, sodium.base64_variants.ORIGINAL);
    try {
      return { channel: verifyChannel(text, pinned), pinned };
    } catch (e) {
      e.blocked = e.code === 'authority' || e.code === 'signature' ? 'authority' : 'bad_channel';
      throw e;
    }
  }

  // The server's answer { receipt, day, signature } for envelope: the
  // receipt must be its fingerprint, signed by the channel's receipt key.
  function receiptValid(envelope, r, receiptKey) {
    if (!r || r.receipt !== receiptId(envelope) || !/^\d{4}-\d{2}-\d{2}$/.test(r.day)) return false;
    try {
      const sig = sodium.from_base64(r.signature, sodium.base64_variants.ORIGINAL);
      return sodium.crypto_sign_verify_detached(sig,
        new TextEncoder().encode(`sealdrop-receipt/1 ${r.receipt} ${r.day}`), receiptKey);
    } catch (e) {
      return false;
    }
  }

  return {
    keyId, channelId, receiptId, verifyChannel, seal, sealAsync, parse, checkChannel, open,
    fetchChannel, receiptValid,
    padSize, pad, unpad, attachmentPlaintext, splitAttachment,
  };
}

export default sealdropEnvelope;
