// The follow-up of a report, as docs/followup.md fixes it: a secret F of 20
// random bytes drawn by the sealer, shown once as a code, and the mailbox
// key pair derived from it, whose public key goes into the sealed details.
// The same derivation as crypto/sd_mailbox.c; the browser test checks that
// the C tools open what the page derives.

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
