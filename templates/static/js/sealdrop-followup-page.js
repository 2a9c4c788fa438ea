// The follow-up page with JavaScript (docs/followup.md): the code typed into
// the form never leaves this page. The page derives the mailbox from it,
// asks /api/v1/mailbox for the sealed messages with the mailbox id alone,
// opens them here and checks each against the ack key of the channel (from
// /api/v1/channel, checked against the authority key the page pins); an
// answer is sealed here as a sealdrop.followup/1 envelope and posted to
// /api/v1/reports, and the receipt is checked before it is shown.
//
// Until libsodium is loaded the page stays what it is without JavaScript:
// the form posts the code to /followup, and its text says that the server
// opens the messages then.
import { followupParse, mailboxOf, mailboxItems, openMessage, answerText, answerSections }
  from './sealdrop-followup.js';
import { sealdropEnvelope, SEC_STATS, SEC_DETAILS } from './sealdrop-envelope.js';

const root = document.getElementById('followup-page');
const sd = root && root.dataset.sd ? JSON.parse(root.dataset.sd) : null;
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();

const state = {
  ready: false,
  starting: false,
  sodium: null,
  env: null,
  channel: null,
  ackKeys: [],        // the channel's ack key, and the previous channel's
  blocked: null,      // 'authority' or 'bad_channel': nothing is sent
  mb: null,           // the mailbox of the code: { publicKey, privateKey, id }
  busy: false,
  done: false,
};

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function setTitle(heading, error) {
  document.title = `${error ? sd.ui.error_title + ' ' : ''}${heading} – sealdrop`;
}

function showProblem(box, text) {
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

// ------------------------------------------------------------ the channel

async function fetchChannel() {
  let got = null;
  try {
    got = await state.env.fetchChannel(sd.authority);
  } catch (e) {
    if (e.blocked) {
      state.channel = null;
      state.blocked = e.blocked;
    }
    throw e;
  }
  state.channel = got.channel;
  state.blocked = null;
  state.ackKeys = [state.channel.ackKey, previousAck(got.pinned)];
}

// During a rotation the page carries the channel it replaces: messages
// signed with that channel's ack key are the analysts' while it is valid,
// checked against the same pinned authority. null when there is none.
function previousAck(pinned) {
  if (!sd.previous) return null;
  try {
    return state.env.verifyChannel(sd.previous, pinned).ackKey;
  } catch (e) {
    return null;
  }
}

// The channel, fetched once; a problem is said in box and null returned.
async function channel(box) {
  if (!state.channel && !state.blocked) {
    try {
      await fetchChannel();
    } catch (e) {
      // said below
    }
  }
  if (state.channel) return state.channel;
  showProblem(box, sd.ui[state.blocked] || sd.ui.no_answer);
  return null;
}

// ---------------------------------------------------------- the code form

function setCodeError(text) {
  const box = $('field-code');
  const p = $('code-error');
  const input = $('code');
  box.classList.toggle('field-invalid', text !== null);
  p.hidden = text === null;
  p.querySelector('.error-text').textContent = text || '';
  if (text === null) input.removeAttribute('aria-invalid');
  else input.setAttribute('aria-invalid', 'true');
  setTitle($('followup-title').textContent, text !== null);
}

async function fetchMailbox(id) {
  try {
    const r = await fetch('/api/v1/mailbox', {
      method: 'POST', body: id, cache: 'no-store', credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    });
    if (r.status !== 200) return null;
    return new Uint8Array(await r.arrayBuffer());
  } catch (e) {
    return null;
  }
}

async function onCode(e) {
  e.preventDefault();
  if (state.busy || state.done) return;
  const problem = $('fu-problem');
  problem.hidden = true;
  const f = followupParse($('code').value);
  if (!f) {
    setCodeError(sd.ui.not_code);
    $('code').focus();
    return;
  }
  setCodeError(null);
  state.busy = true;
  const button = $('code-button');
  button.disabled = true;
  try {
    const ch = await channel(problem);
    const mb = ch && mailboxOf(state.sodium, f);
    state.sodium.memzero(f);
    if (!mb) return;
    // only the mailbox id goes out; the code and the keys stay here
    const blob = await fetchMailbox(mb.id);
    const items = blob && mailboxItems(blob);
    if (!items) {
      state.sodium.memzero(mb.privateKey);
      showProblem(problem, sd.ui.no_answer);
      return;
    }
    state.mb = mb;
    // a message that does not open with this mailbox's key is not shown:
    // a wrong code gives the same page as an empty mailbox
    const msgs = items.map((s) => openMessage(state.sodium, mb, state.ackKeys, s)).filter(Boolean);
    showList(msgs);
  } finally {
    state.busy = false;
    button.disabled = false;
  }
}

// -------------------------------------------------------------- messages

function part(name) {
  return $('fu-parts').content.querySelector(`[data-part="${name}"]`).cloneNode(true);
}

function slot(node, name) {
  return node.querySelector(`[data-slot="${name}"]`);
}

function showFiles(node, m) {
  const ul = slot(node, 'files');
  if (m.attachments.length === 0) {
    slot(node, 'files-title').remove();
    ul.remove();
    return;
  }
  for (const a of m.attachments) {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = a.name;
    li.append(code, ` (${fill(sd.ui.bytes, { size: a.data.length })})`);
    ul.append(li);
    state.sodium.memzero(a.data);
  }
}

function messageNode(m) {
  const node = part(m.verified ? 'verified' : 'unverified');
  node.id = `message-${m.id}`;
  slot(node, 'sent').textContent = m.sent;
  slot(node, 'text').textContent = m.text;
  showFiles(node, m);
  if (!m.verified) {
    slot(node, 'why').textContent = `(${m.why})`;
    return node;
  }
  // an answer form for the verified messages only
  const answer = slot(node, 'answer');
  answer.id = `answer-${m.id}`;
  slot(node, 'label').htmlFor = answer.id;
  const err = slot(node, 'error');
  err.id = `answer-error-${m.id}`;
  answer.setAttribute('aria-describedby', err.id);
  slot(node, 'field').id = `field-answer-${m.id}`;
  const form = node.querySelector('form');
  const item = { id: m.id, form, sealed: null };
  answer.addEventListener('input', () => { item.sealed = null; });
  form.addEventListener('submit', (e) => onAnswer(e, item));
  return node;
}

function showList(msgs) {
  document.querySelectorAll('.lead, .mode-js, .mode-nojs, #fu-problem').forEach((n) => { n.hidden = true; });
  $('code-form').remove();
  const list = $('fu-list');
  list.textContent = '';
  if (msgs.length === 0) list.append(part('none'));
  for (const m of msgs) list.append(messageNode(m));
  list.hidden = false;
  $('fu-again').hidden = false;
  const h1 = $('followup-title');
  h1.textContent = sd.ui.heading_list;
  setTitle(sd.ui.heading_list, false);
  h1.focus();
}

// ---------------------------------------------------------------- answers

function setAnswerError(item, text) {
  const box = slot(item.form, 'field');
  const p = slot(item.form, 'error');
  const t = slot(item.form, 'answer');
  box.classList.toggle('field-invalid', text !== null);
  p.hidden = text === null;
  p.querySelector('.error-text').textContent = text || '';
  if (text === null) t.removeAttribute('aria-invalid');
  else t.setAttribute('aria-invalid', 'true');
  setTitle(sd.ui.heading_list, text !== null);
}

function seal(item, text) {
  const pk = state.sodium.to_base64(state.mb.publicKey, state.sodium.base64_variants.ORIGINAL);
  const a = answerSections(pk, item.id, text);
  const sections = [
    { type: SEC_STATS, data: enc.encode(a.stats) },
    { type: SEC_DETAILS, data: enc.encode(a.details) },
  ];
  const env = state.env.seal(state.channel, sections);
  for (const s of sections) s.data.fill(0);
  return env;
}

async function post(env) {
  try {
    const r = await fetch('/api/v1/reports', {
      method: 'POST', body: env, cache: 'no-store', credentials: 'omit',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    return { status: r.status, body };
  } catch (e) {
    return { status: 0, body: null };
  }
}

async function onAnswer(e, item) {
  e.preventDefault();
  if (state.busy || state.done) return;
  const problem = slot(item.form, 'problem');
  problem.hidden = true;
  const t = answerText(slot(item.form, 'answer').value);
  if (t.error) {
    setAnswerError(item, fill(sd.ui[t.error], { max: t.max }));
    slot(item.form, 'answer').focus();
    return;
  }
  setAnswerError(item, null);
  state.busy = true;
  const button = item.form.querySelector('button');
  button.disabled = true;
  try {
    // sent again after a lost answer: the same sealed bytes, one envelope
    if (!item.sealed) item.sealed = seal(item, t.text);
    const r = await post(item.sealed);
    if (r.status === 200 || r.status === 201) {
      if (!state.env.receiptValid(item.sealed, r.body, state.channel.receiptKey)) {
        showProblem(problem, sd.ui.bad_receipt);
        return;
      }
      showSent(r.body);
      return;
    }
    if (r.status === 400 || r.status === 413) {
      item.sealed = null;
      showProblem(problem, sd.ui.refused);
    } else {
      showProblem(problem, sd.ui.no_answer);
    }
  } finally {
    state.busy = false;
    button.disabled = false;
  }
}

// The answer is stored: only its receipt stays; the messages, the answer
// and the mailbox keys leave the page.
function showSent(r) {
  state.done = true;
  state.sodium.memzero(state.mb.privateKey);
  state.mb = null;
  const list = $('fu-list');
  list.textContent = '';
  const node = part('sent');
  slot(node, 'receipt').textContent = r.receipt;
  slot(node, 'day').textContent = r.day;
  list.append(node);
  const h1 = $('followup-title');
  h1.textContent = sd.ui.heading_sent;
  setTitle(sd.ui.heading_sent, false);
  h1.focus();
  window.scrollTo(0, 0);
}

// ------------------------------------------------------------ wiring it up

// A code submitted before the page is ready waits: the page must not post
// it to the server once it has said that the code stays here.
function guard(e) {
  if (!state.ready && state.starting) e.preventDefault();
}

async function start() {
  const form = $('code-form');
  if (!form) return;
  state.starting = true;
  form.addEventListener('submit', guard);
  let sodium = null;
  try {
    sodium = (await import('/static/vendor/libsodium-wrappers.mjs')).default;
    await sodium.ready;
  } catch (e) {
    // the page stays as it works without JavaScript
    state.starting = false;
    form.removeEventListener('submit', guard);
    return;
  }
  state.sodium = sodium;
  state.env = sealdropEnvelope(sodium);
  document.querySelectorAll('.mode-nojs').forEach((n) => { n.hidden = true; });
  document.querySelectorAll('.mode-js').forEach((n) => { n.hidden = false; });
  form.removeEventListener('submit', guard);
  form.addEventListener('submit', onCode);
  state.ready = true;
  // a channel of another authority, or one that does not check: said at
  // once, before the code is typed
  try {
    await fetchChannel();
  } catch (e) {
    if (state.blocked) showProblem($('fu-problem'), sd.ui[state.blocked]);
  }
}

if (sd) start();
