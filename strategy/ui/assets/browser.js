// The workbook's one piece of page script (mounted once per run by strategy/ui/browser.py):
// - long answers save while typing: two seconds after the last keystroke the text area is committed
//   the way Ctrl+Enter commits it, so the page's own version-checked save runs, without leaving the field;
// - a page with unsaved text asks before the tab closes or reloads (and sends what it can first);
// - what is typed is also kept in this browser (localStorage) until the server holds it, so text whose
//   save never arrived (a reload or a closed tab at once, a crash) comes back on the next visit and is saved;
// - the sign-in cookie is set or cleared as the server says (its value is a random token, nothing else).
const DELAY_MS = 2000;
const DRAFTS = 'workbook-drafts';
const DRAFT_DAYS = 14;

// Drafts: { [field key]: { text, base, account, at } }. base is the text the person started from, so a
// draft is only saved by itself when the stored answer is still that text (nobody else changed it since).
function loadDrafts() {
  try {
    return JSON.parse(window.localStorage.getItem(DRAFTS) || '{}') || {};
  } catch (error) {
    return {};
  }
}

function storeDrafts(drafts) {
  try {
    if (Object.keys(drafts).length) window.localStorage.setItem(DRAFTS, JSON.stringify(drafts));
    else window.localStorage.removeItem(DRAFTS);
  } catch (error) {
    // Storage full or refused (a private window): the server save still runs as before.
  }
}

function forgetAllDrafts() {
  try {
    window.localStorage.removeItem(DRAFTS);
  } catch (error) {
    // nothing kept, nothing to forget
  }
}

// Put text in a React-controlled text area as if typed, so Streamlit's own state follows.
function setTyped(area, text) {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  setter.call(area, text);
  area.dispatchEvent(new Event('input', { bubbles: true }));
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
const COLOURS = { typing: '#6b3a00', saving: '#1f2933', saved: '#14532d', failed: '#8b0000', held: '#8b0000' };

function say(box, text, kind, action) {
  const status = statusFor(box);
  status.textContent = text;
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'wb-save-action';
    button.textContent = action.label;
    button.style.marginLeft = '0.5rem';
    button.addEventListener('click', action.run);
    status.appendChild(button);
  }
  status.dataset.kind = kind;
  status.style.color = COLOURS[kind] || '#1f2933';
  status.style.fontSize = '0.875rem';
  status.style.marginTop = '0.25rem';
}

function install() {
  const state = {
    timers: new Map(), // text area -> timer
    sent: new WeakMap(), // text area -> the text last sent
    unsaved: new Set(), // keys the server holds as not saved (a refusal or a conflict)
    base: new WeakMap(), // text area -> the text last known to be stored
    seen: new WeakMap(), // text area -> the field it was checked for a draft as (React may reuse an element)
    lastUnsaved: [], // as the server said in its latest run
    held: new Set(), // text areas showing a recovered draft that waits for the person's choice
    account: '', // who is signed in (drafts are theirs only)
  };

  function keepDraft(area, box) {
    const key = keyOf(box);
    if (!key || !state.account) return;
    const drafts = loadDrafts();
    const base = state.base.has(area) ? state.base.get(area) : area.defaultValue;
    drafts[key] = { text: area.value, base, account: state.account, at: Date.now() };
    storeDrafts(drafts);
  }

  function dropDraft(key) {
    const drafts = loadDrafts();
    if (key in drafts) {
      delete drafts[key];
      storeDrafts(drafts);
    }
  }

  function commit(area) {
    clearTimeout(state.timers.get(area));
    state.timers.delete(area);
    const box = answerBox(area);
    if (!box || !area.isConnected || state.sent.get(area) === area.value) return;
    state.sent.set(area, area.value);
    say(box, 'Saving…', 'saving');
    area.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, ctrlKey: true, bubbles: true, cancelable: true }),
    );
  }

  document.addEventListener(
    'input',
    (event) => {
      const area = event.target;
      const box = answerBox(area);
      if (!box) return;
      if (!state.sent.has(area)) state.sent.set(area, area.defaultValue);
      state.held.delete(area);
      keepDraft(area, box);
      say(box, 'Not saved yet: it saves two seconds after you stop typing.', 'typing');
      clearTimeout(state.timers.get(area));
      state.timers.set(area, setTimeout(() => commit(area), DELAY_MS));
    },
    true,
  );

  // What the field holds when the person first comes to it is what is stored.
  document.addEventListener(
    'focusin',
    (event) => {
      const area = event.target;
      if (answerBox(area) && !state.base.has(area) && !state.timers.has(area)) state.base.set(area, area.value);
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
      state.held.delete(area);
      state.sent.set(area, area.value);
      say(box, 'Saving…', 'saving');
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
        state.held.delete(area);
        state.sent.set(area, area.value);
        say(box, 'Saving…', 'saving');
      }
    },
    true,
  );

  function dirty() {
    let any = false;
    document.querySelectorAll('[data-testid="stTextArea"] textarea').forEach((area) => {
      const box = answerBox(area);
      if (!box) return;
      if (state.timers.has(area) || state.held.has(area) || state.unsaved.has(keyOf(box))) any = true;
    });
    return any;
  }

  function flush() {
    [...state.timers.keys()].forEach(commit);
  }

  window.addEventListener('beforeunload', (event) => {
    if (!dirty()) return;
    flush(); // sent now; the question below gives it time to arrive
    event.preventDefault();
    event.returnValue = '';
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });

  // A draft from an earlier visit whose save never arrived: back in its field. Saved by itself when
  // the stored answer is still what the person started from; otherwise the person chooses.
  function recover(area, box, draft) {
    const shown = area.value;
    if (draft.text === shown) return; // it arrived after all
    state.base.set(area, draft.base); // the draft keeps the text it started from
    setTyped(area, draft.text); // starts the two-second save, as typing does
    if (shown === draft.base) {
      say(box, 'Recovered what you typed here before the page closed. It saves in two seconds.', 'typing');
      return;
    }
    clearTimeout(state.timers.get(area));
    state.timers.delete(area);
    state.held.add(area);
    say(
      box,
      'Recovered what you typed here before the page closed, but the saved answer has changed since. ' +
        'Press Ctrl+Enter to save yours in its place, or',
      'held',
      {
        label: 'Keep the saved answer',
        run: () => {
          state.held.delete(area);
          state.base.set(area, shown);
          setTyped(area, shown);
          clearTimeout(state.timers.get(area));
          state.timers.delete(area);
          state.sent.set(area, shown);
          dropDraft(keyOf(box));
          say(box, 'Kept the saved answer.', 'saved');
        },
      },
    );
  }

  // After each run of the page: a sent text that the server now holds shows when it was saved, its
  // draft in this browser is no longer needed, and fields drawn for the first time get their drafts.
  function afterRun() {
    state.unsaved = new Set(state.lastUnsaved);
    const now = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const drafts = loadDrafts();
    const done = new Set(); // drafts no longer needed
    Object.keys(drafts).forEach((key) => {
      if (!drafts[key] || Date.now() - drafts[key].at > DRAFT_DAYS * 86400000) done.add(key);
    });
    document.querySelectorAll('[data-testid="stTextArea"] textarea').forEach((area) => {
      const box = answerBox(area);
      const key = box && keyOf(box);
      if (!key) return;
      const status = box.parentElement.querySelector(':scope > .wb-save-status');
      const pending = state.timers.has(area) || state.held.has(area);
      if (status && status.dataset.kind === 'saving' && !pending) {
        if (state.unsaved.has(key)) {
          say(box, 'Not saved: see the message below.', 'failed');
        } else if (state.sent.get(area) === area.value) {
          say(box, `Saved at ${now}`, 'saved');
          state.base.set(area, area.value);
        }
      }
      const draft = drafts[key];
      const mine = draft && state.account && draft.account === state.account;
      if (state.seen.get(area) !== key) {
        state.seen.set(area, key);
        if (!state.unsaved.has(key)) state.base.set(area, area.value);
        if (mine && !pending) {
          if (draft.text === area.value) {
            done.add(key);
          } else {
            recover(area, box, draft);
          }
          return;
        }
      }
      // Settled: the server holds this field as shown, and nothing is waiting in the browser.
      if (mine && !pending && !state.unsaved.has(key) && (!status || status.dataset.kind !== 'saving')) done.add(key);
    });
    if (done.size) {
      // Read again: recovering a draft above writes it anew.
      const fresh = loadDrafts();
      done.forEach((key) => delete fresh[key]);
      storeDrafts(fresh);
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

  function ran(data) {
    state.account = data.account || '';
    state.lastUnsaved = data.unsaved || [];
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
  if (cookie && cookie.name && !cookie.token) forgetAllDrafts(); // signed out: nothing of theirs stays behind
  if (!window.__workbookPage) window.__workbookPage = install();
  window.__workbookPage.ran(data);
}
