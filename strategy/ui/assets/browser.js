// The workbook's one piece of page script (mounted once per run by strategy/ui/browser.py):
// - long answers save while typing: two seconds after the last keystroke the text area is committed
//   the way Ctrl+Enter commits it, so the page's own version-checked save runs, without leaving the field;
// - a page with unsaved text asks before the tab closes or reloads (and sends what it can first);
// - what is typed is also kept in this browser (localStorage) until the server has it, so text whose
//   save never arrived (a reload or a closed tab at once, a dropped connection, a crash) is sent again on
//   the next page load; the server saves it, or shows both texts when the answer changed since;
// - the sign-in cookie is set or cleared as the server says (its value is a random token, nothing else).
const DELAY_MS = 2000;
const DRAFTS = 'workbook-drafts';
const LIVE = 'workbook-live-pages';
const DRAFT_DAYS = 14;
const BEAT_MS = 5000;
const LIVE_MS = 20000;
// This page load: drafts typed here are sent again by another page only once this one has gone.
const LOAD_ID = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

function readStore(name) {
  try {
    return JSON.parse(window.localStorage.getItem(name) || '{}') || {};
  } catch (error) {
    return {};
  }
}

function writeStore(name, value) {
  try {
    if (Object.keys(value).length) window.localStorage.setItem(name, JSON.stringify(value));
    else window.localStorage.removeItem(name);
  } catch (error) {
    // Storage full or refused (a private window): the server save still runs as before.
  }
}

// Drafts: { [field key]: { text, base, account, load, at } }. base is the text the person started from:
// the server saves a draft by itself only when the stored answer is still that text.
function changeDrafts(change) {
  const drafts = readStore(DRAFTS);
  change(drafts);
  writeStore(DRAFTS, drafts);
}

function beat() {
  const live = readStore(LIVE);
  const now = Date.now();
  Object.keys(live).forEach((id) => {
    if (now - live[id] > 3 * LIVE_MS) delete live[id];
  });
  live[LOAD_ID] = now;
  writeStore(LIVE, live);
}

function isLive(load) {
  const seen = readStore(LIVE)[load];
  return Boolean(seen) && Date.now() - seen < LIVE_MS;
}

function answerBox(target) {
  if (!(target instanceof HTMLTextAreaElement) || target.disabled || target.readOnly) return null;
  const box = target.closest('[data-testid="stTextArea"]');
  // Ctrl+Enter inside a form submits the form: those boxes keep their own Submit button.
  if (!box || target.closest('[data-testid="stForm"]')) return null;
  return box;
}

function keyOf(box) {
  const holder = box.closest('[class*="st-key-"]');
  if (!holder) return '';
  const cls = [...holder.classList].find((c) => c.startsWith('st-key-'));
  return cls ? cls.slice('st-key-'.length) : '';
}

function statusFor(box) {
  const holder = box.parentElement;
  let status = holder.querySelector(':scope > .wb-save-status');
  if (!status) {
    status = document.createElement('div');
    status.className = 'wb-save-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    holder.appendChild(status);
  }
  return status;
}

// Dark enough on white to read at a glance (at least 7:1): these are messages people must not miss.
const COLOURS = { typing: '#6b3a00', saving: '#1f2933', saved: '#14532d', failed: '#8b0000' };

// The last status of each field, by its key: Streamlit may draw a field's element anew (a layout that
// changes around it), and the status must follow the field, not the element.
const STATUSES = new Map();

function say(box, text, kind) {
  const key = keyOf(box);
  if (key) STATUSES.set(key, { text, kind });
  const status = statusFor(box);
  status.textContent = text;
  status.dataset.kind = kind;
  status.style.color = COLOURS[kind] || '#1f2933';
  status.style.fontSize = '0.875rem';
  status.style.marginTop = '0.25rem';
}

function install() {
  const state = {
    timers: new Map(), // text area -> timer
    sent: new Map(), // field (its key, or the text area) -> the text last sent
    base: new Map(), // field -> the text it held when the person came to it
    unsaved: {}, // field key -> 'conflict' or 'refused', as the server said in its latest run
    account: '', // who is signed in (drafts are theirs only)
    resent: new Map(), // field key -> draft text sent again from this page load
    trigger: null, // the component's setTriggerValue, for sending drafts again
    // The words beside a field, in the person's language (the server sends them each run; English until then).
    words: {
      saving: 'Saving…',
      typing: 'Not saved yet: it saves two seconds after you stop typing.',
      refused: 'Not saved: see the message below.',
      conflict: 'Not saved: someone else changed this answer. Both texts are below.',
      saved_at: 'Saved at {time}',
    },
  };

  // A field by its key, so what is known of it outlives the element Streamlit draws it in.
  function field(area) {
    const box = answerBox(area);
    return (box && keyOf(box)) || area;
  }

  function keepDraft(area, box) {
    const key = keyOf(box);
    if (!key || !state.account) return;
    const id = field(area);
    if (!state.base.has(id)) state.base.set(id, state.sent.has(id) ? state.sent.get(id) : area.defaultValue);
    const entry = { text: area.value, base: state.base.get(id), account: state.account, load: LOAD_ID, at: Date.now() };
    changeDrafts((drafts) => {
      drafts[key] = entry;
    });
  }

  function dropDraft(key, text) {
    changeDrafts((drafts) => {
      if (drafts[key] && (text === undefined || drafts[key].text === text)) delete drafts[key];
    });
  }

  function commit(area) {
    clearTimeout(state.timers.get(area));
    state.timers.delete(area);
    const box = answerBox(area);
    if (!box || !area.isConnected || state.sent.get(field(area)) === area.value) return;
    state.sent.set(field(area), area.value);
    say(box, state.words.saving, 'saving');
    area.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, ctrlKey: true, bubbles: true, cancelable: true }),
    );
  }

  // What the field holds when the person comes to it is what they start from.
  document.addEventListener(
    'focusin',
    (event) => {
      const area = event.target;
      if (answerBox(area) && !state.timers.has(area)) state.base.set(field(area), area.value);
    },
    true,
  );

  document.addEventListener(
    'input',
    (event) => {
      const area = event.target;
      const box = answerBox(area);
      if (!box) return;
      if (!state.sent.has(field(area))) state.sent.set(field(area), area.defaultValue);
      keepDraft(area, box);
      say(box, state.words.typing, 'typing');
      clearTimeout(state.timers.get(area));
      state.timers.set(area, setTimeout(() => commit(area), DELAY_MS));
    },
    true,
  );

  // The person's own Ctrl+Enter saves at once: say so, as for the two-second save.
  document.addEventListener(
    'keydown',
    (event) => {
      const area = event.target;
      const box = answerBox(area);
      if (!box || !event.isTrusted || event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      clearTimeout(state.timers.get(area));
      state.timers.delete(area);
      state.sent.set(field(area), area.value);
      say(box, state.words.saving, 'saving');
    },
    true,
  );

  // Leaving the field saves it already (Streamlit commits on blur): say so as it happens.
  document.addEventListener(
    'focusout',
    (event) => {
      const area = event.target;
      const box = answerBox(area);
      if (box && state.timers.has(area)) {
        clearTimeout(state.timers.get(area));
        state.timers.delete(area);
        state.sent.set(field(area), area.value);
        say(box, state.words.saving, 'saving');
      }
    },
    true,
  );

  function dirty() {
    let any = false;
    document.querySelectorAll('[data-testid="stTextArea"] textarea').forEach((area) => {
      const box = answerBox(area);
      if (!box) return;
      if (state.timers.has(area) || keyOf(box) in state.unsaved) any = true;
    });
    return any;
  }

  function flush() {
    [...state.timers.keys()].forEach(commit);
  }

  window.addEventListener('beforeunload', (event) => {
    if (!dirty()) return;
    flush(); // sent now; the question below gives it time to arrive (and the draft stays if it does not)
    event.preventDefault();
    event.returnValue = '';
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  // This page is going: its drafts may be sent again by the next page at once.
  window.addEventListener('pagehide', () => {
    const live = readStore(LIVE);
    delete live[LOAD_ID];
    writeStore(LIVE, live);
  });
  beat();
  setInterval(beat, BEAT_MS);

  // After each run of the page: a sent text that the server now has shows when it was saved and its
  // draft goes; drafts whose save may never have arrived are sent to the server again.
  function afterRun() {
    const now = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const onScreen = new Map();
    document.querySelectorAll('[data-testid="stTextArea"] textarea').forEach((area) => {
      const box = answerBox(area);
      const key = box && keyOf(box);
      if (!key) return;
      onScreen.set(key, area);
      let status = box.parentElement.querySelector(':scope > .wb-save-status');
      const last = STATUSES.get(key);
      if (!status && last && !state.timers.has(area)) {
        say(box, last.text, last.kind); // the field was drawn anew: its status follows it
        status = box.parentElement.querySelector(':scope > .wb-save-status');
      }
      if (!status || status.dataset.kind !== 'saving' || state.timers.has(area)) return;
      if (state.unsaved[key] === 'refused') {
        say(box, state.words.refused, 'failed');
      } else if (state.unsaved[key] === 'conflict') {
        say(box, state.words.conflict, 'failed');
        dropDraft(key, area.value); // the server keeps this text in the answer's history already
      } else if (state.sent.get(key) === area.value) {
        say(box, state.words.saved_at.replace('{time}', now), 'saved');
        state.base.set(key, area.value);
        dropDraft(key, area.value);
      }
    });
    if (!state.account) return;
    const again = [];
    const drafts = readStore(DRAFTS);
    const expired = [];
    Object.entries(drafts).forEach(([key, draft]) => {
      if (!draft || Date.now() - draft.at > DRAFT_DAYS * 86400000) {
        expired.push(key);
        return;
      }
      if (draft.account !== state.account || state.resent.get(key) === draft.text) return;
      const area = onScreen.get(key);
      if (area) {
        if (state.timers.has(area) || key in state.unsaved) return; // still in this person's hands
        const status = area.closest('[data-testid="stTextArea"]').parentElement.querySelector(':scope > .wb-save-status');
        if (status && status.dataset.kind === 'saving') return; // on its way
      }
      if (draft.load !== LOAD_ID && isLive(draft.load)) return; // another open page is still typing it
      if (draft.load === LOAD_ID && area && area.value === draft.text) return; // its status settles it
      again.push({ key, text: draft.text, base: draft.base });
    });
    if (expired.length) changeDrafts((all) => expired.forEach((key) => delete all[key]));
    if (again.length && state.trigger) {
      again.forEach((draft) => state.resent.set(draft.key, draft.text));
      state.trigger('drafts', again);
    }
  }

  // Streamlit marks its app element while a script run is in progress: settle statuses and drafts
  // once the page is fully drawn, not before.
  function idle() {
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || app.getAttribute('data-test-script-state') === 'notRunning';
  }
  new MutationObserver(() => {
    if (idle()) afterRun();
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-test-script-state'] });

  function ran(component, data) {
    state.account = data.account || '';
    state.unsaved = data.unsaved || {};
    if (data.words) state.words = data.words;
    // The page's language for screen readers and spelling (WCAG 3.1.1): Welsh for a person who chose it.
    if (data.lang) document.documentElement.lang = data.lang;
    state.trigger = component.setTriggerValue;
    // The server's answer to drafts sent again: gone once it has the text (saved, the same already, or
    // kept beside someone else's change); kept while it refuses it (the message is on the field).
    Object.entries(data.recovered || {}).forEach(([key, outcome]) => {
      if (outcome !== 'refused') dropDraft(key, state.resent.get(key));
    });
    // A run whose end came before this script heard of it (or a rerun with nothing new to draw).
    setTimeout(() => {
      if (idle()) afterRun();
    }, 50);
  }
  return { ran };
}

export default function (component) {
  const data = component.data || {};
  const cookie = data.cookie;
  if (cookie && cookie.name) {
    const secure = window.location.protocol === 'https:' ? '; Secure' : '';
    if (cookie.token) {
      document.cookie = `${cookie.name}=${cookie.token}; Path=/; Max-Age=${cookie.max_age}; SameSite=Strict${secure}`;
    } else {
      document.cookie = `${cookie.name}=; Path=/; Max-Age=0; SameSite=Strict${secure}`;
    }
  }
  if (data.forget_drafts) writeStore(DRAFTS, {}); // signed out: nothing typed here stays behind
  if (!window.__workbookPage) window.__workbookPage = install();
  window.__workbookPage.ran(component, data);
}
