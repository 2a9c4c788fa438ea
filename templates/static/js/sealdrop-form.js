// The report form with JavaScript: the steps move in the page, the answers
// are checked here with the server's rules (the schema the server embeds in
// the form's data-sd attribute), and the report is sealed in this browser,
// after the channel from /api/v1/channel has been checked against the
// authority key the page pins, and sent as an envelope to /api/v1/reports.
// Nothing typed or attached leaves the page unsealed.
//
// Until everything is ready (libsodium loaded, the channel checked) the page
// stays what it is without JavaScript: server-rendered steps posted to
// /submit, whose texts say that the server seals the report.
import { drawFollowup } from './sealdrop-followup.js';
import { sealdropEnvelope, attachmentPlaintext, SEC_STATS, SEC_DETAILS, SEC_ATTACHMENT }
  from './sealdrop-envelope.js';

const form = document.getElementById('report-form');
const sd = form && form.dataset.sd ? JSON.parse(form.dataset.sd) : null;
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();

const state = {
  ready: false,      // the page seals; submits are handled here
  blocked: null,     // a reason this page must not send
  sodium: null,
  env: null,         // the envelope module
  channel: null,     // the verified channel
  step: 1,           // 1..5, or 6 for the review
  fromReview: false,
  touched: false,    // something was typed or chosen
  sealed: null,      // the envelope once sealed, resent as it is
  sending: false,
  done: false,
};
const REVIEW = 6;
const STEPS = 5;

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

// ------------------------------------------------------------ the channel

async function fetchChannel() {
  try {
    state.channel = (await state.env.fetchChannel(sd.authority)).channel;
    state.blocked = null;
  } catch (e) {
    if (e.blocked) {
      state.channel = null;
      state.blocked = e.blocked;
    }
    throw e;
  }
}

function showProblem(text) {
  const box = $('send-problem');
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

function hideProblem() {
  $('send-problem').hidden = true;
}

// ---------------------------------------------------------- reading answers

function fieldsOf(step) {
  return sd.fields.filter((f) => f.step === step);
}

function checkedValues(name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

function valueOf(f) {
  const name = f.type === 'hex' ? 'org_code' : f.name;
  if (f.type === 'codes') return checkedValues(name);
  if (f.type === 'quarter') {
    return { y: form.elements[`${name}_year`].value, q: form.elements[`${name}_quarter`].value };
  }
  const el = form.elements[name];
  if (!el) return '';
  if (el instanceof RadioNodeList) return checkedValues(name)[0] || '';
  if (el.type === 'checkbox') return el.checked ? 'yes' : '';
  return el.value;
}

function blank(s) {
  return /^[ \t\r\n]*$/.test(s);
}

function files() {
  return [...form.querySelectorAll('.files-js input[type=file]')].flatMap((i) => [...i.files]);
}

// ---------------------------------------------------- the server's checks

// The message key of a wrong answer, or null; the same rules, in the same
// order, as sd_form_build (server/form_build.c).
function check(f, v) {
  const today = sd.today;
  const year = +today.slice(0, 4);
  const quarter = Math.floor((+today.slice(5, 7) - 1) / 3) + 1;
  switch (f.type) {
    case 'code':
      if (v === '') return f.required ? ['choose_one'] : null;
      return f.codes.includes(v) ? null : ['not_listed'];
    case 'codes':
      if (v.some((c) => !f.codes.includes(c))) return ['not_listed'];
      return v.length === 0 && f.required ? ['choose_some'] : null;
    case 'quarter': {
      if (v.y === '' || v.q === '') return ['quarter_miss'];
      if (!/^\d{4}$/.test(v.y) || !/^[1-4]$/.test(v.q)) return ['quarter_bad'];
      const y = +v.y;
      const q = +v.q;
      if (y < sd.first_year) return ['quarter_old'];
      if (y > year || (y === year && q > quarter)) return ['quarter_late'];
      return null;
    }
    case 'uint':
      if (v === '') return f.required ? ['number_miss'] : null;
      if (!/^\d+$/.test(v)) return ['number_bad'];
      if (v.length > 19 || BigInt(v) > BigInt(f.max)) return ['number_big'];
      return null;
    case 'bool':
      if (v === '') return f.required ? ['yes_no'] : null;
      return v === 'yes' || v === 'no' ? null : ['yes_no'];
    case 'text': {
      if (blank(v)) return f.required ? ['text_empty'] : null;
      const t = v.replace(/\r\n/g, '\n');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(t)) return ['text_bad'];
      if ([...t].length > f.max) return ['text_long', { max: f.max }];
      return null;
    }
    case 'hex':
      if (blank(v)) return null;
      try {
        orgSecret(v);
        return null;
      } catch (e) {
        return [e.message === 'typo' ? 'code_typo' : 'code_bad'];
      }
    default:
      return null;
  }
}

function checkFiles() {
  const list = files();
  if (list.length > sd.max_files) return ['too_many_files'];
  if (list.some((f) => f.size > sd.max_file_bytes)) return ['file_too_large'];
  return null;
}

// ------------------------------------------------- the organisation code

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const REPORTER_LABEL = 'sealdrop.reporter/1';
const CODE_LABEL = 'sealdrop.orgcode/1';

function checkBytes(secret) {
  return state.sodium.crypto_generichash(32, enc.encode(CODE_LABEL), secret).subarray(0, 2);
}

// The secret of a code, as crypto/sd_org.c reads it: case and dashes and
// spaces do not matter; two check bytes catch a typing mistake.
function orgSecret(text) {
  const letters = text.toLowerCase().replace(/[-\s]/g, '');
  if (letters.length !== 55 || /[^a-z2-7]/.test(letters)) throw new Error('format');
  const raw = new Uint8Array(34);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of letters) {
    acc = ((acc << 5) | B32.indexOf(c)) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      raw[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Error('format');
  const secret = raw.slice(0, 32);
  if (!state.sodium.memcmp(checkBytes(secret), raw.subarray(32))) throw new Error('typo');
  raw.fill(0);
  return secret;
}

function orgCode(secret) {
  const raw = new Uint8Array(34);
  raw.set(secret);
  raw.set(checkBytes(secret), 32);
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of raw) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  raw.fill(0);
  return out.match(/.{1,5}/g).join('-');
}

function reporterOf(code) {
  const secret = orgSecret(code);
  const h = state.sodium.crypto_generichash(32, enc.encode(REPORTER_LABEL), secret);
  secret.fill(0);
  return state.sodium.to_hex(h);
}

// ---------------------------------------------------------- showing errors

function fieldBox(f) {
  return $(`field-${f.type === 'hex' ? 'org_code' : f.name}`);
}

function controlId(f) {
  const box = fieldBox(f);
  const c = box && box.querySelector('input:not([type=hidden]), select, textarea');
  return c ? c.id : 'report-form';
}

function labelText(box) {
  const l = box.querySelector('legend, label');
  if (!l) return '';
  const copy = l.cloneNode(true);
  copy.querySelectorAll('.opt, .visually-hidden').forEach((n) => n.remove());
  return copy.textContent.trim();
}

function setError(box, errId, text) {
  const p = $(errId);
  box.classList.toggle('field-invalid', text !== null);
  p.hidden = text === null;
  p.querySelector('.error-text').textContent = text || '';
  box.querySelectorAll('input:not([type=checkbox]):not([type=radio]), select, textarea').forEach((c) => {
    if (text === null) c.removeAttribute('aria-invalid');
    else c.setAttribute('aria-invalid', 'true');
  });
  box.querySelectorAll('[aria-describedby]').forEach((c) => {
    const ids = c.getAttribute('aria-describedby').split(' ').filter((x) => x && x !== errId);
    if (text !== null) ids.push(errId);
    c.setAttribute('aria-describedby', ids.join(' '));
  });
}

function showErrors(list) {
  const ul = $('error-summary-list');
  ul.textContent = '';
  for (const e of list) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#' + e.target;
    a.textContent = `${e.label}: ${e.msg}`;
    li.append(a);
    ul.append(li);
  }
  const box = $('error-summary');
  box.hidden = list.length === 0;
  setTitle(list.length > 0);
  if (list.length > 0) box.focus();
}

function message(err) {
  return fill(sd.msg[err[0]], err[1] || {});
}

// Check the answers of one step and show its messages; true when right.
function checkStep(step) {
  const errors = [];
  for (const f of fieldsOf(step)) {
    const box = fieldBox(f);
    if (!box) continue;
    const err = check(f, valueOf(f));
    const errId = `e-${f.type === 'hex' ? 'org_code' : f.name}`;
    setError(box, errId, err ? message(err) : null);
    if (err) errors.push({ label: labelText(box), target: controlId(f), msg: message(err) });
  }
  if (step === STEPS) {
    const box = $('field-attachment-js');
    const err = checkFiles();
    setError(box, 'e-attachment-js', err ? message(err) : null);
    if (err) errors.push({ label: sd.ui.files, target: 'f-attachment-js-1', msg: message(err) });
  }
  return errors;
}

// ------------------------------------------------------- moving between steps

function section(step) {
  return step === REVIEW ? $('step-review') : $(`step-${step}`);
}

function setTitle(errors) {
  const sec = section(state.step);
  const parts = [];
  const count = sec.querySelector('.step-count');
  const h1 = sec.querySelector('h1');
  if (count) parts.push(`${count.textContent}: ${h1.textContent}`);
  else parts.push(h1.textContent);
  parts.push(sec.querySelector('.caption-service').textContent);
  document.title = `${errors ? sd.ui.error_title + ' ' : ''}${parts.join(' – ')} – sealdrop`;
}

function setButtons() {
  const next = $('button-next');
  const dflt = form.querySelector('.default-button');
  let value;
  let label;
  if (state.step === REVIEW) {
    value = 'send';
    label = sd.ui.send_button;
  } else if (state.fromReview) {
    value = 'review';
    label = sd.ui.back_review;
  } else {
    value = state.step === STEPS ? 'review' : String(state.step + 1);
    label = sd.ui.continue;
  }
  next.value = dflt.value = value;
  next.textContent = dflt.textContent = label;
  const back = $('button-back');
  back.hidden = state.step === 1;
  back.value = String(state.step - 1);
}

function show(step, focus = true) {
  state.step = step;
  for (let s = 1; s <= REVIEW; s++) section(s).hidden = s !== step;
  form.elements.step.value = step === REVIEW ? 'review' : String(step);
  if (step === REVIEW) buildReview();
  setButtons();
  showErrors([]);
  if (focus) {
    const h1 = section(step).querySelector('h1');
    h1.tabIndex = -1;
    h1.focus();
    window.scrollTo(0, 0);
  }
}

// Forward: every step before the target must be right; the first that is
// not is shown with its messages.
function goTo(target) {
  hideProblem();
  if (target <= state.step) {
    if (state.step === REVIEW && target < REVIEW) state.fromReview = true;
    show(target);
    return;
  }
  for (let s = 1; s < target && s <= STEPS; s++) {
    const errors = checkStep(s);
    if (errors.length > 0) {
      show(s, false);
      showErrors(errors);
      return;
    }
  }
  if (target === REVIEW) state.fromReview = false;
  show(target);
}

// ---------------------------------------------------------------- review

function reviewLines(f) {
  const box = fieldBox(f);
  const v = valueOf(f);
  const optionLabel = (val) => {
    const input = box.querySelector(`input[value="${CSS.escape(val)}"]`);
    if (input) return form.querySelector(`label[for="${input.id}"]`).textContent;
    const opt = box.querySelector(`option[value="${CSS.escape(val)}"]`);
    return opt ? opt.textContent : val;
  };
  switch (f.type) {
    case 'code': return v ? [optionLabel(v)] : [];
    case 'codes': return v.map(optionLabel);
    case 'quarter': return v.y && v.q ? [`${v.y}-Q${v.q}`] : [];
    case 'bool':
      if (f.required) return v ? [optionLabel(v)] : [];
      return [v === 'yes' ? sd.ui.yes : sd.ui.no];
    case 'hex': return blank(v) ? [] : [v.trim(), sd.ui.code_given];
    default: return blank(v) ? [] : v.split('\n');
  }
}

function reviewRow(dl, label, lines, step) {
  const row = document.createElement('div');
  row.className = 'summary-row';
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  for (const l of lines.length ? lines : [sd.ui.not_given]) {
    const s = document.createElement('span');
    s.className = 'summary-line';
    s.textContent = l;
    dd.append(s);
  }
  const act = document.createElement('dd');
  act.className = 'summary-action';
  const b = document.createElement('button');
  b.type = 'submit';
  b.className = 'link-button';
  b.name = 'go';
  b.value = String(step);
  b.textContent = sd.ui.change;
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ' ' + label;
  b.append(hidden);
  act.append(b);
  row.append(dt, dd, act);
  dl.append(row);
}

function buildReview() {
  const root = $('review-groups');
  root.textContent = '';
  for (let s = 1; s <= STEPS; s++) {
    const h2 = document.createElement('h2');
    h2.className = 'review-part';
    h2.textContent = $(`step-${s}-title`).textContent;
    const dl = document.createElement('dl');
    dl.className = 'summary';
    for (const f of fieldsOf(s)) {
      const box = fieldBox(f);
      if (box) reviewRow(dl, labelText(box), reviewLines(f), s);
    }
    if (s === STEPS) {
      const list = files().map((f) => fill(sd.ui.file_row, { name: f.name, size: Math.ceil(f.size / 1024) }));
      reviewRow(dl, sd.ui.files, list.length ? list : [sd.ui.no_files], s);
    }
    root.append(h2, dl);
  }
}

// --------------------------------------------------------- the report itself

// The stats and details JSON exactly as sd_form_build makes them: members
// in schema order, codes in the order of their list.
function buildReport() {
  const stats = {};
  const details = {};
  for (const f of sd.fields) {
    const out = f.part === 'stats' ? stats : details;
    const v = f.type === 'const' ? null : f.name === 'incident_ref' ? form.elements.incident_ref.value : valueOf(f);
    switch (f.type) {
      case 'const': out[f.name] = f.codes[0]; break;
      case 'hex':
        if (f.name === 'incident_ref') out[f.name] = v;
        else if (!blank(v)) out[f.name] = reporterOf(v);
        break;
      case 'code': if (v) out[f.name] = v; break;
      case 'codes': if (v.length) out[f.name] = f.codes.filter((c) => v.includes(c)); break;
      case 'quarter': out[f.name] = `${v.y}-Q${v.q}`; break;
      case 'uint': if (v !== '') out[f.name] = Number(v); break;
      case 'bool': out[f.name] = v === 'yes'; break;
      case 'text': if (!blank(v)) out[f.name] = v.replace(/\r\n/g, '\n'); break;
      default: break;
    }
  }
  return { stats, details };
}

function mediaType(t) {
  const m = (t || '').split(';')[0];
  return /^[\x21-\x7e]+$/.test(m) && m.includes('/') ? m : 'application/octet-stream';
}

function progress(text, fraction) {
  $('send-progress').hidden = false;
  $('send-progress-text').textContent = text;
  $('send-progress-bar').value = Math.round(fraction * 100);
}

async function sealReport() {
  const { stats, details } = buildReport();
  // every report can be followed up: its mailbox key goes into the sealed
  // details, its code is shown once on the receipt
  const fu = drawFollowup(state.sodium);
  details.mailbox = fu.mailbox;
  state.followupCode = fu.code;
  const sections = [
    { type: SEC_STATS, data: enc.encode(JSON.stringify(stats)) },
    { type: SEC_DETAILS, data: enc.encode(JSON.stringify(details)) },
  ];
  const list = files();
  for (const f of list) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    sections.push({
      type: SEC_ATTACHMENT,
      data: attachmentPlaintext({ name: f.name, media_type: mediaType(f.type), size: bytes.length }, bytes),
    });
    bytes.fill(0);
  }
  const total = sections.reduce((n, s) => n + s.data.length, 0);
  let before = 0;
  let last = -1;
  const env = await state.env.sealAsync(state.channel, sections, (i, done, of) => {
    if (i !== last) {
      before = sections.slice(0, i).reduce((n, s) => n + s.data.length, 0);
      last = i;
    }
    const text = i >= 2 ? fill(sd.ui.sealing_file, { n: i - 1, m: list.length }) : sd.ui.sealing;
    progress(text, (before + done) / total * 0.5);
  });
  for (const s of sections) s.data.fill(0);
  return env;
}

function post(env) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1/reports');
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.upload.onprogress = (e) => {
      if (e.lengthComputable) progress(sd.ui.sending, 0.5 + (e.loaded / e.total) * 0.5);
    };
    x.onload = () => resolve({ status: x.status, text: x.responseText });
    x.onerror = () => resolve({ status: 0, text: '' });
    x.send(env);
  });
}

async function send() {
  if (state.sending || state.done) return;
  hideProblem();
  if (state.blocked === 'authority') {
    showProblem(sd.ui.authority);
    return;
  }
  state.sending = true;
  $('button-next').disabled = true;
  try {
    if (!state.channel) {
      progress(sd.ui.checking, 0);
      try {
        await fetchChannel();
      } catch (e) {
        showProblem(state.blocked ? sd.ui[state.blocked] : sd.ui.no_channel);
        return;
      }
    }
    if (!state.sealed) state.sealed = await sealReport();
    progress(sd.ui.sending, 0.5);
    const r = await post(state.sealed);
    if (r.status === 200 || r.status === 201) {
      let body = null;
      try {
        body = JSON.parse(r.text);
      } catch (e) {
        body = null;
      }
      if (!body || !state.env.receiptValid(state.sealed, body, state.channel.receiptKey)) {
        showProblem(sd.ui.bad_receipt);
        return;
      }
      showReceipt(body);
      return;
    }
    if (r.status === 429 || r.status === 503) showProblem(sd.ui.busy);
    else if (r.status === 0) showProblem(sd.ui.send_failed);
    else {
      state.sealed = null;
      showProblem(sd.ui.refused);
    }
  } finally {
    state.sending = false;
    if (!state.done) $('button-next').disabled = false;
  }
}

// ---------------------------------------------------------------- receipt

function receiptText(v) {
  return fill(sd.receipt_text, v);
}

function saveReceipt(v) {
  const blob = new Blob([receiptText(v)], { type: 'text/plain;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `sealdrop-receipt-${v.receipt}.txt`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function showReceipt(r) {
  const v = {
    receipt: r.receipt,
    day: r.day,
    incident_ref: form.elements.incident_ref.value,
    signature: r.signature,
    signed_text: `sealdrop-receipt/1 ${r.receipt} ${r.day}`,
    receipt_key: state.sodium.to_base64(state.channel.receiptKey, state.sodium.base64_variants.ORIGINAL),
    followup_code: state.followupCode || '',
  };
  state.followupCode = null;
  const node = $('receipt-template').content.cloneNode(true);
  node.querySelectorAll('[data-slot]').forEach((el) => {
    const val = v[el.dataset.slot] || '';
    if (el.tagName === 'INPUT') el.value = val;
    else el.textContent = val;
  });
  node.querySelectorAll('[data-item]').forEach((el) => {
    el.hidden = !v[el.dataset.item];
  });
  node.getElementById('receipt-checked').hidden = false;
  // the answers leave the page: only the receipt stays
  form.reset();
  form.remove();
  $('error-summary').hidden = true;
  hideProblem();
  state.done = true;
  state.sealed = null;
  const main = $('main');
  main.append(node);
  const rform = $('receipt-form');
  rform.addEventListener('submit', (e) => {
    e.preventDefault();
    saveReceipt(v);
  });
  const h1 = $('receipt-title');
  document.title = `${h1.textContent} – sealdrop`;
  h1.focus();
  window.scrollTo(0, 0);
}

// ------------------------------------------------------------ wiring it up

function onSubmit(e) {
  e.preventDefault();
  if (!state.ready) return;
  const go = e.submitter && e.submitter.name === 'go' ? e.submitter.value : form.querySelector('.default-button').value;
  if (go === 'send') {
    const errors = [];
    for (let s = 1; s <= STEPS && errors.length === 0; s++) {
      const found = checkStep(s);
      if (found.length) {
        show(s, false);
        showErrors(found);
        return;
      }
    }
    send();
    return;
  }
  if (go === 'newcode') {
    const secret = state.sodium.randombytes_buf(32);
    const code = orgCode(secret);
    secret.fill(0);
    form.elements.org_code.value = code;
    $('code-made-value').textContent = code;
    $('code-made').hidden = false;
    state.touched = true;
    return;
  }
  if (go === 'review') {
    goTo(REVIEW);
    return;
  }
  const n = +go;
  if (n >= 1 && n <= STEPS) goTo(n);
}

function onLanguage(e) {
  const a = e.target.closest('.langs a');
  if (!a) return;
  const text = state.done ? sd.ui.lang_receipt : state.touched ? sd.ui.lang_lose : null;
  if (text && !window.confirm(text)) e.preventDefault();
}

// Submits that come before the page is ready wait: they must not post the
// answers to the server once the page has said it seals them here.
function guard(e) {
  if (!state.ready && state.starting) e.preventDefault();
}

async function start() {
  state.starting = true;
  form.addEventListener('submit', guard);
  let sodium = null;
  try {
    sodium = (await import('/static/vendor/libsodium-wrappers.mjs')).default;
    await sodium.ready;
  } catch (e) {
    // no sealing here: the page stays as it works without JavaScript
    state.starting = false;
    form.removeEventListener('submit', guard);
    return;
  }
  state.sodium = sodium;
  state.env = sealdropEnvelope(sodium);
  try {
    await fetchChannel();
  } catch (e) {
    // said when sending; a channel of another authority is said at once
  }
  // from here on this page seals, whatever happens
  const ref = sodium.randombytes_buf(16);
  form.elements.incident_ref.value = sodium.to_hex(ref);
  document.querySelectorAll('.sealing-nojs').forEach((n) => { n.hidden = true; });
  document.querySelectorAll('.sealing-js').forEach((n) => { n.hidden = false; });
  const serverFiles = $('field-attachment');
  if (serverFiles) serverFiles.remove();
  const jsFiles = $('field-attachment-js');
  jsFiles.hidden = false;
  jsFiles.querySelectorAll('input[type=file]').forEach((i) => { i.disabled = false; });
  document.querySelector('.langs').addEventListener('click', onLanguage);
  form.addEventListener('input', () => { state.touched = true; });
  form.addEventListener('change', () => {
    state.touched = true;
    state.sealed = null;     // a changed answer is sealed anew
  });
  form.removeEventListener('submit', guard);
  form.addEventListener('submit', onSubmit);
  const cur = form.elements.step.value;
  state.fromReview = form.elements.from_review.value === '1';
  state.ready = true;
  show(cur === 'review' ? REVIEW : (+cur || 1), false);
  // a channel of another authority, or one that does not check: said at
  // once, before anything is typed
  if (state.blocked) showProblem(sd.ui[state.blocked]);
}

if (sd) start();
