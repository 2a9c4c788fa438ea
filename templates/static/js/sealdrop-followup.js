// The follow-up of a report, as docs/followup.md fixes it: a secret F of 20
// random bytes drawn by the sealer, shown once as a code, and the mailbox
// key pair derived from it, whose public key goes into the sealed details.
// The same derivation as crypto/sd_mailbox.c; the browser test checks that
// the C tools open what the page derives. The follow-up page opens the
// messages of a mailbox here (mailboxItems, openMessage) and builds an
// answer (answerSections) with the same bytes and rules as the C side.
import { padme, unpad } from './sealdrop-envelope.js';

const F_BYTES = 20;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const enc = new TextEncoder();

// RFC 4648 base32, upper case, no padding (20 bytes: 32 characters)
function base32(bytes) {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

// "FU-ABCD-EFGH-...-4567"
export function followupCode(f) {
  const b = base32(f);
  const groups = [];
  for (let i = 0; i < b.length; i += 4) groups.push(b.slice(i, i + 4));
  return `FU-${groups.join('-')}`;
}

// The code as a reader types it: upper or lower case, '-' or spaces between
// groups or none, with or without "FU". F, or null when it is not a code.
export function followupParse(code) {
  let s = String(code).trim().toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith('FU') && s.length === 34) s = s.slice(2);
  if (s.length !== 32 || /[^A-Z2-7]/.test(s)) return null;
  const f = new Uint8Array(F_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of s) {
    acc = (acc << 5) | B32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      f[o++] = (acc >>> (bits - 8)) & 255;
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return f;
}

// The mailbox of F: { publicKey, privateKey, id } (id as 32 hex).
export function mailboxOf(sodium, f) {
  const seed = sodium.crypto_generichash(32, enc.encode('sealdrop-mailbox/1'), f);
  const kp = sodium.crypto_box_seed_keypair(seed);
  sodium.memzero(seed);
  const idMsg = new Uint8Array(21 + 32);
  idMsg.set(enc.encode('sealdrop-mailbox-id/1'), 0);
  idMsg.set(kp.publicKey, 21);
  const id = sodium.crypto_generichash(32, idMsg).slice(0, 16);
  return { publicKey: kp.publicKey, privateKey: kp.privateKey, id: sodium.to_hex(id) };
}

// A new follow-up for a report being sealed: its code and the base64 of
// the mailbox public key for the details. F and the private key are wiped.
export function drawFollowup(sodium) {
  const f = sodium.randombytes_buf(F_BYTES);
  const code = followupCode(f);
  const mb = mailboxOf(sodium, f);
  const mailbox = sodium.to_base64(mb.publicKey, sodium.base64_variants.ORIGINAL);
  sodium.memzero(f);
  sodium.memzero(mb.privateKey);
  return { code, mailbox, id: mb.id };
}

// ------------------------------------------------------------ the messages

export const MSG_FORMAT = 'sealdrop.message/1';
export const FOLLOWUP_SCHEMA = 'sealdrop.followup/1';
const SEALED_MIN = 1024 + 48;              // crypto/sd_mailbox.h
const SEALED_MAX = 17 * 1024 * 1024;
const BLOB_HEADER = 9;
const BLOB_MIN = 65536;
const BLOB_ITEMS_MAX = 10000;
const TEXT_MAX = 100000;                   // characters (code points)
const ATTACH_MAX = 5;
const ATTACH_BYTES = 4 * 1024 * 1024;
const NAME_MAX = 255;
const TYPE_MAX = 127;
const MSG_KEYS = ['format', 'id', 'channel_id', 'mailbox', 'sent', 'in_reply_to', 'text', 'attachments'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

// The answer to POST /api/v1/mailbox, as sd_mbox_blob_parse reads it:
// "SDMB" | 1 | count:u32 | (len:u32 | sealed)* | zeros, exactly the padded
// size of its content. The sealed messages, or null when it is not that.
export function mailboxItems(blob) {
  const len = blob.length;
  if (len < BLOB_HEADER || blob[0] !== 0x53 || blob[1] !== 0x44 || blob[2] !== 0x4d ||
      blob[3] !== 0x42 || blob[4] !== 1) return null;
  const dv = new DataView(blob.buffer, blob.byteOffset, len);
  const count = dv.getUint32(5, true);
  if (count > BLOB_ITEMS_MAX) return null;
  const items = [];
  let o = BLOB_HEADER;
  for (let i = 0; i < count; i++) {
    if (len - o < 4) return null;
    const l = dv.getUint32(o, true);
    if (l < SEALED_MIN || l > SEALED_MAX || len - o - 4 < l) return null;
    items.push(blob.subarray(o + 4, o + 4 + l));
    o += 4 + l;
  }
  if (len !== (o <= BLOB_MIN ? BLOB_MIN : padme(o))) return null;
  for (let i = o; i < len; i++) if (blob[i] !== 0) return null;
  return items;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isHex = (v, n) => typeof v === 'string' && new RegExp(`^[0-9a-f]{${2 * n}}$`).test(v);
// a lone surrogate is not UTF-8: the C side's JSON reader refuses it
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function validDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function textOk(t) {
  return typeof t === 'string' && !t.includes('\0') && !loneSurrogate.test(t) && [...t].length <= TEXT_MAX;
}

function nameOk(n) {
  if (typeof n !== 'string' || n === '' || n === '.' || n === '..' || loneSurrogate.test(n)) return false;
  // eslint-disable-next-line no-control-regex
  return new TextEncoder().encode(n).length <= NAME_MAX && !/[\u0000-\u001f\u007f/\\]/.test(n);
}

// JSON.parse keeps the last of two members with the same name; the C
// side's reader refuses such a text (JSON_REJECT_DUPLICATES), and so does
// this page. Run on text JSON.parse has taken, so only strings need care.
function duplicateKeys(text) {
  const open = [];      // per bracket: the names seen in an object, null in an array
  let key = false;      // the next string is a member name
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (key) {
        const names = open[open.length - 1];
        const name = JSON.parse(text.slice(i, j + 1));
        if (names.has(name)) return true;
        names.add(name);
        key = false;
      }
      i = j;
    } else if (c === '{') {
      open.push(new Set());
      key = true;
    } else if (c === '[') {
      open.push(null);
      key = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      key = false;
    } else if (c === ',') {
      key = open[open.length - 1] instanceof Set;
    }
  }
  return false;
}

// UTF-8 JSON as the C side reads it, or null.
function parseJson(bytes) {
  try {
    const text = utf8.decode(bytes);
    const v = JSON.parse(text);
    return duplicateKeys(text) ? null : v;
  } catch (e) {
    return null;
  }
}

function b64(sodium, s) {
  if (typeof s !== 'string') throw new Error('not base64');
  return sodium.from_base64(s, sodium.base64_variants.ORIGINAL);
}

// The body of a message, strictly: exactly the fields of the format (as
// parse_body in crypto/sd_mailbox.c), or null.
function parseBody(sodium, bytes) {
  const o = parseJson(bytes);
  if (!isObject(o) || Object.keys(o).some((k) => !MSG_KEYS.includes(k))) return null;
  if (o.format !== MSG_FORMAT || !isHex(o.id, 16) || !isHex(o.channel_id, 16) ||
      typeof o.mailbox !== 'string' || !/^[0-9a-fA-F]{32}$/.test(o.mailbox) ||
      !validDate(o.sent) || ('in_reply_to' in o && !isHex(o.in_reply_to, 16)) || !textOk(o.text))
    return null;
  const attachments = [];
  if ('attachments' in o) {
    if (!Array.isArray(o.attachments) || o.attachments.length > ATTACH_MAX) return null;
    let total = 0;
    for (const a of o.attachments) {
      if (!isObject(a) || Object.keys(a).length !== 3 || !nameOk(a.name) ||
          typeof a.media_type !== 'string' || !/^[\x20-\x7e]{1,127}$/.test(a.media_type) ||
          a.media_type.length > TYPE_MAX || typeof a.data !== 'string')
        return null;
      let data = null;
      try {
        data = b64(sodium, a.data);
      } catch (e) {
        return null;
      }
      total += data.length;
      if (total > ATTACH_BYTES) return null;
      attachments.push({ name: a.name, mediaType: a.media_type, data });
    }
  }
  return {
    id: o.id, channelId: o.channel_id, mailbox: o.mailbox.toLowerCase(), sent: o.sent,
    inReplyTo: 'in_reply_to' in o ? o.in_reply_to : null, text: o.text, attachments,
  };
}

// The signed document inside: {format, body, signature, ack_key}; the body
// bytes, the signer and whether the signature holds over them, or null.
function parseSigned(sodium, bytes) {
  const doc = parseJson(bytes);
  if (!isObject(doc) || Object.keys(doc).length !== 4 || doc.format !== MSG_FORMAT) return null;
  let signer = null;
  let sig = null;
  let body = null;
  try {
    signer = b64(sodium, doc.ack_key);
    sig = b64(sodium, doc.signature);
    body = b64(sodium, doc.body);
  } catch (e) {
    return null;
  }
  if (signer.length !== 32 || sig.length !== 64) return null;
  return { body, signer, good: sodium.crypto_sign_verify_detached(sig, body, signer) };
}

// Open one sealed message with the mailbox key pair (mailboxOf), as
// sd_msg_open does. null when it was not sealed to this mailbox or what is
// inside is not a message (the page then shows nothing of it); otherwise
// the message, verified only when its signature holds over its body, it
// is signed by one of ackKeys (the channel's ack key) and addressed to
// this mailbox. why says in English why it is not.
export function openMessage(sodium, mb, ackKeys, sealed) {
  if (sealed.length < SEALED_MIN || sealed.length > SEALED_MAX) return null;
  let padded = null;
  try {
    padded = sodium.crypto_box_seal_open(sealed, mb.publicKey, mb.privateKey);
  } catch (e) {
    return null;
  }
  try {
    let doc = null;
    try {
      doc = unpad(padded);
    } catch (e) {
      return null;
    }
    const signed = parseSigned(sodium, doc);
    const m = signed && parseBody(sodium, signed.body);
    if (!m) return null;
    let why = null;
    if (!signed.good) why = 'its signature does not verify';
    else if (!ackKeys.some((k) => k && sodium.memcmp(k, signed.signer)))
      why = "it is signed by another key than the channel's ack key";
    else if (m.mailbox !== mb.id) why = 'it is addressed to another mailbox';
    sodium.memzero(signed.body);
    return { ...m, verified: why === null, why };
  } finally {
    sodium.memzero(padded);
  }
}

// ------------------------------------------------------------- the answer

// The text of an answer as the form checks every text (clean_text and
// put_text in server/form_build.c): CR LF as LF, no control character but
// tab and line feed, not blank, at most 100,000 characters. The cleaned
// text, or {error: 'text_empty' | 'text_bad' | 'text_long'}.
export function answerText(typed) {
  if (/^[ \t\r\n]*$/.test(typed)) return { error: 'text_empty' };
  const t = typed.replace(/\r\n/g, '\n');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(t) || loneSurrogate.test(t)) return { error: 'text_bad' };
  if ([...t].length > TEXT_MAX) return { error: 'text_long', max: TEXT_MAX };
  return { text: t };
}

// The stats and details of an answer, as sd_followup_answer builds them
// (and sealdrop-submit answer and the follow-up page without JavaScript):
// stats only the schema, so that it never counts; details the schema, the
// report's mailbox key, the message answered and the text.
export function answerSections(mailboxPk, inReplyTo, text) {
  const details = { schema: FOLLOWUP_SCHEMA, mailbox: mailboxPk };
  if (inReplyTo) details.in_reply_to = inReplyTo;
  details.text = text;
  return { stats: JSON.stringify({ schema: FOLLOWUP_SCHEMA }), details: JSON.stringify(details) };
}
