// The workbook's one piece of page script (mounted once per run by strategy/ui/browser.py):
// - long answers save while typing: two seconds after the last keystroke the text area is committed
//   the way Ctrl+Enter commits it, so the page's own version-checked save runs, without leaving the field;
// - a page with unsaved text asks before the tab closes or reloads (and sends what it can first);
// - the sign-in cookie is set or cleared as the server says (its value is a random token, nothing else).
const DELAY_MS = 2000;

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

function say(box, text, kind) {
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
    sent: new WeakMap(), // text area -> the text last sent
    unsaved: new Set(), // keys the server holds as not saved (a refusal or a conflict)
  };

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
      say(box, 'Not saved yet: it saves two seconds after you stop typing.', 'typing');
      clearTimeout(state.timers.get(area));
      state.timers.set(area, setTimeout(() => commit(area), DELAY_MS));
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
      if (state.timers.has(area) || state.unsaved.has(keyOf(box))) any = true;
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

  // After each run of the page: a sent text that the server now holds shows when it was saved.
  function afterRun(unsavedKeys) {
    state.unsaved = new Set(unsavedKeys || []);
    const now = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    document.querySelectorAll('.wb-save-status').forEach((status) => {
      const box = status.parentElement.querySelector(':scope > [data-testid="stTextArea"]');
      const area = box && box.querySelector('textarea');
      if (!area || status.dataset.kind !== 'saving') return;
      if (state.unsaved.has(keyOf(box))) {
        say(box, 'Not saved: see the message below.', 'failed');
      } else if (state.sent.get(area) === area.value) {
        say(box, `Saved at ${now}`, 'saved');
      }
    });
  }
  return { afterRun };
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
  if (!window.__workbookPage) window.__workbookPage = install();
  // Statuses are settled once the page has been drawn after this run.
  setTimeout(() => window.__workbookPage.afterRun(data.unsaved), 50);
}
