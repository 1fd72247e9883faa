// Legami live updates: one websocket per page, progressive enhancement only.
//
// Every page works without this file. When it runs, it keeps numbers on the page in step
// with the server: the header's unread count, the seats of a session, the marks of an
// organizer's register, and the list on /me/notifications. It never moves focus; it speaks
// only through polite live regions, and all words come from the server-rendered page
// (data-* attributes), so this file holds no language of its own.
//
// Protocol (server: src/realtime/): GET /ws?last_id=N, server -> client JSON frames with
// `type` and `id` (hello, notification, seats, checkin); client -> server
// {"type":"subscribe"|"unsubscribe","topic":"session:12"|"register:12"}.

const STORE_KEY = 'legami.live.lastId';
const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 30000;
/** After this many closes that retrying cannot fix (policy, malformed), stop. */
const MAX_HOPELESS = 3;
/** A connection that lived this long forgets earlier hopeless closes. */
const STABLE_MS = 60000;
/** The seats are announced at most once in this interval. */
const SEATS_ANNOUNCE_MS = 5000;
/** How long a changed register line stays highlighted. */
const HIGHLIGHT_MS = 4000;

// ---- What this page has that can be live ---------------------------------------------------

const announcer = document.querySelector('[data-live-announcer]');
const signedIn = announcer !== null && announcer.hasAttribute('data-live-user');
const badge = document.querySelector('[data-live-badge]');
const seatsEl = document.querySelector('[data-live-seats]');
const registerEl = document.querySelector('[data-live-register]');
const listEl = document.querySelector('[data-live-notifications]');

/** Topics to subscribe to on every (re)connection. */
const topics = [];
if (seatsEl) topics.push(`session:${seatsEl.dataset.liveSeats}`);
if (registerEl) topics.push(`register:${registerEl.dataset.liveRegister}`);

// ---- Small helpers ---------------------------------------------------------------------------

/** Reads the last notification id seen in this tab (sessionStorage may be unavailable). */
function loadLastId() {
  try {
    const n = Number.parseInt(sessionStorage.getItem(STORE_KEY) || '', 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}

function saveLastId(id) {
  try {
    sessionStorage.setItem(STORE_KEY, String(id));
  } catch {
    // Private mode or storage full: the tab just starts from the server's latest next time.
  }
}

/**
 * Puts `text` into a live region. Emptying it first and writing a moment later makes screen
 * readers announce the same sentence twice in a row, too.
 */
function speak(region, text) {
  if (!region) return;
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = text;
  }, 100);
}

/** A `<dt>`'s text for a `<dd>`, to announce "Seats still free: 3" in the page's words. */
function labelOf(dd) {
  let dt = dd.previousElementSibling;
  while (dt && dt.tagName !== 'DT') dt = dt.previousElementSibling;
  return dt ? dt.textContent.trim() : '';
}

/** "25/11/2026 11:00" in the browser's time zone, as the server writes it in the city's. */
function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}`;
}

// ---- 1. Notifications: the header badge, one announcement, the list on its page ----------

let lastId = loadLastId();
/** Ids already shown: a replay after a reconnect may overlap live frames. */
const seen = new Set();
if (listEl) {
  for (const li of listEl.querySelectorAll('[data-notification-id]')) {
    seen.add(Number(li.dataset.notificationId));
  }
}

/** Shows `n` unread in the header (hidden at 0); the "unread" word stays for screen readers. */
function setUnread(n) {
  if (!badge || !Number.isInteger(n) || n < 0) return;
  let count = badge.firstChild;
  if (!count || count.nodeType !== Node.TEXT_NODE) {
    count = document.createTextNode('');
    badge.insertBefore(count, badge.firstChild);
  }
  count.nodeValue = n > 0 ? String(n) : '';
  badge.hidden = n === 0;
  badge.classList.toggle('count-badge', n > 0);
  updateUnreadSentence(n);
}

/** On /me/notifications: the "N to read" sentence, from the three server-rendered forms. */
function updateUnreadSentence(n) {
  const p = document.querySelector('[data-live-unread-text]');
  if (!p) return;
  const d = p.dataset;
  const text = n === 0 ? d.none : n === 1 ? d.one : (d.many || '').replace('{count}', String(n));
  if (text && p.textContent !== text) p.textContent = text;
}

// Several notifications arriving together (a replay) are announced as one message.
let pending = [];
let pendingTimer = 0;
function announceNotification(text) {
  if (!announcer || !text) return;
  pending.push(`${announcer.dataset.livePrefix || ''} ${text}`.trim());
  if (pendingTimer) return;
  pendingTimer = window.setTimeout(() => {
    // A long replay is not read out whole: the newest three (the list and the count show all).
    speak(announcer, pending.slice(-3).join(' '));
    pending = [];
    pendingTimer = 0;
  }, 400);
}

/** Adds a card at the top of the list on /me/notifications, like the server renders it. */
function prependCard(f) {
  if (!listEl) return;
  const li = document.createElement('li');
  li.className = 'card unread';
  li.dataset.notificationId = String(f.id);
  const strong = document.createElement('strong');
  strong.className = 'badge';
  strong.textContent = listEl.dataset.newLabel || '';
  li.append(strong, ' ');
  if (f.link) {
    const a = document.createElement('a');
    a.href = f.link;
    a.textContent = f.text;
    li.append(a);
  } else {
    li.append(f.text);
  }
  const when = document.createElement('p');
  when.className = 'hint';
  when.textContent = formatTime(f.created_at);
  li.append(when);
  listEl.prepend(li);
  listEl.hidden = false;
  const none = document.querySelector('[data-live-notifications-none]');
  if (none) none.hidden = true;
}

function onNotification(f) {
  if (!Number.isSafeInteger(f.id) || seen.has(f.id)) return;
  seen.add(f.id);
  if (lastId === null || f.id > lastId) {
    lastId = f.id;
    saveLastId(lastId);
  }
  setUnread(f.unread);
  prependCard(f);
  announceNotification(f.text);
}

// ---- 2. Seats of a session -------------------------------------------------------------------

const seatsStatus = document.querySelector('[data-live-seats-status]');
/** Highest `seats` frame id applied, per session; reset on every new connection. */
let seatVersions = new Map();
let seatsAnnouncedAt = 0;
let seatsTimer = 0;

/** "Seats still free: 3" (or "People booked: 7" without a limit), plus the waiting list. */
function seatsSentence() {
  const parts = [];
  for (const key of ['left', 'confirmed', 'waiting']) {
    const dd = seatsEl.querySelector(`[data-seat="${key}"]`);
    if (dd && dd.textContent.trim() !== '') parts.push(`${labelOf(dd)}: ${dd.textContent.trim()}`);
  }
  return parts.join('. ');
}

/** Announces the seats, at most once per SEATS_ANNOUNCE_MS (the latest figures win). */
function announceSeats() {
  if (seatsTimer) return;
  const wait = Math.max(0, seatsAnnouncedAt + SEATS_ANNOUNCE_MS - Date.now());
  seatsTimer = window.setTimeout(() => {
    seatsTimer = 0;
    seatsAnnouncedAt = Date.now();
    speak(seatsStatus, seatsSentence());
  }, wait);
}

function onSeats(f) {
  if (!seatsEl || String(f.session_id) !== seatsEl.dataset.liveSeats) return;
  const last = seatVersions.get(f.session_id);
  if (last !== undefined && f.id <= last) return;
  seatVersions.set(f.session_id, f.id);
  const values = {
    capacity: f.capacity,
    left: f.seats_left,
    confirmed: f.confirmed,
    waiting: f.waiting,
  };
  let changed = false;
  for (const [key, value] of Object.entries(values)) {
    const dd = seatsEl.querySelector(`[data-seat="${key}"]`);
    // A number the page does not show (e.g. a limit added since) waits for a reload.
    if (!dd || !Number.isInteger(value)) continue;
    if (dd.textContent.trim() !== String(value)) {
      dd.textContent = String(value);
      changed = true;
    }
  }
  if (changed) announceSeats();
}

// ---- 3. The organizer's register -------------------------------------------------------------

const registerStatus = document.querySelector('[data-live-register-status]');
/** The timer that ends each line's highlight. */
const highlightTimers = new WeakMap();
const BADGE_CLASSES = {
  attended: 'status-accredited',
  no_show: 'status-suspended',
  '': 'status-pending',
};

/** The server sends the stored attended/no_show (present/absent accepted too). */
function markOf(attendance) {
  if (attendance === 'present' || attendance === 'attended') return 'attended';
  if (attendance === 'absent' || attendance === 'no_show') return 'no_show';
  return '';
}

function onCheckin(f) {
  // A `checkin` frame's id is its booking's; frames on one socket come in order, and each
  // carries the whole state of its line, so the newest simply wins.
  if (!registerEl || String(f.session_id) !== registerEl.dataset.liveRegister) return;
  const row = registerEl.querySelector(`[data-booking-id="${Number(f.booking_id)}"]`);
  const shown = row && row.querySelector('[data-attendance]');
  if (!shown) return; // Someone who booked after the page loaded: shown on reload.
  const mark = markOf(f.attendance);
  if (shown.dataset.attendance === mark) return; // The snapshot agrees with the page.

  shown.dataset.attendance = mark;
  const d = registerEl.dataset;
  const words = mark === 'attended' ? d.markAttended : mark === 'no_show' ? d.markNoShow : d.markNone;
  shown.textContent = words || '';
  shown.classList.remove(...Object.values(BADGE_CLASSES));
  shown.classList.add(BADGE_CLASSES[mark]);
  // How the old mark was made no longer applies.
  const how = row.querySelector('[data-mark-how]');
  if (how) how.remove();
  const here = row.querySelector('.reg-here');
  const away = row.querySelector('.reg-away');
  if (here) here.classList.toggle('is-current', mark === 'attended');
  if (away) away.classList.toggle('is-current', mark === 'no_show');

  // A brief highlight (no motion when the person asked for less).
  row.classList.add('live-changed');
  window.clearTimeout(highlightTimers.get(row));
  highlightTimers.set(row, window.setTimeout(() => row.classList.remove('live-changed'), HIGHLIGHT_MS));

  // The name is the heading's first text (a "referred" badge may follow it).
  const h = row.querySelector('h3');
  const who = h && h.firstChild ? (h.firstChild.textContent || '').trim() : '';
  speak(registerStatus, `${d.livePrefix || ''} ${who}, ${words || ''}`.trim());
}

// ---- The connection --------------------------------------------------------------------------

let socket = null;
let retryTimer = 0;
let attempt = 0;
let hopeless = 0;
let stopped = false;
let openedAt = 0;
/** Whether this connection asked for a replay (sent ?last_id=). */
let askedReplay = false;

function url() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  askedReplay = signedIn && lastId !== null;
  return `${scheme}//${location.host}/ws${askedReplay ? `?last_id=${lastId}` : ''}`;
}

function send(obj) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(obj));
}

/** The connection's state on <html data-live="…"> (for styling and for the browser tests). */
function setState(state) {
  document.documentElement.dataset.live = state;
}

function onHello(f) {
  setState('connected');
  if (!signedIn || !f.signed_in) return;
  // First connection of this tab: start from the server's latest, replay nothing.
  // Otherwise the replay of what we missed follows this frame.
  if (!askedReplay || (Number.isSafeInteger(f.id) && f.id < lastId)) {
    lastId = Number.isSafeInteger(f.id) ? f.id : 0;
    saveLastId(lastId);
  }
  setUnread(f.unread);
}

function onMessage(event) {
  let f;
  try {
    f = JSON.parse(event.data);
  } catch {
    return;
  }
  if (!f || typeof f !== 'object') return;
  switch (f.type) {
    case 'hello': onHello(f); break;
    case 'notification': if (signedIn) onNotification(f); break;
    case 'seats': onSeats(f); break;
    case 'checkin': onCheckin(f); break;
    default: break; // Unknown frames are for newer pages.
  }
}

function connect() {
  if (stopped || socket) return;
  retryTimer = 0;
  let ws;
  try {
    ws = new WebSocket(url());
  } catch {
    scheduleRetry();
    return;
  }
  socket = ws;
  setState('connecting');
  ws.addEventListener('open', () => {
    openedAt = Date.now();
    // Every connection starts over: its snapshots are the truth.
    seatVersions = new Map();
    for (const topic of topics) send({ type: 'subscribe', topic });
  });
  ws.addEventListener('message', onMessage);
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    if (stopped) return;
    // Only a connection that stayed up a while resets the back-off: a server that closes
    // right after its hello is not hammered.
    if (openedAt && Date.now() - openedAt > STABLE_MS) {
      hopeless = 0;
      attempt = 0;
    }
    openedAt = 0;
    // 1008 policy (not allowed, too many subscriptions), 1003/1007/1009 (a frame the
    // server refused): trying again will not help for long.
    if ([1003, 1007, 1008, 1009].includes(event.code)) {
      hopeless += 1;
      if (hopeless >= MAX_HOPELESS) {
        setState('off');
        return;
      }
    }
    setState('connecting');
    scheduleRetry();
  });
  // An error is always followed by a close, which decides about retrying.
}

/** 1 s doubling to 30 s, each delay between half and all of it (jitter). */
function scheduleRetry() {
  if (stopped || retryTimer) return;
  const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** attempt);
  attempt += 1;
  retryTimer = window.setTimeout(connect, base / 2 + Math.random() * (base / 2));
}

function stop() {
  stopped = true;
  setState('off');
  window.clearTimeout(retryTimer);
  retryTimer = 0;
  if (socket) {
    const ws = socket;
    socket = null;
    ws.close(1000);
  }
}

function start() {
  stopped = false;
  attempt = 0;
  connect();
}

// Nothing live and nobody signed in: no socket at all.
if (('WebSocket' in window) && (signedIn || topics.length > 0)) {
  start();
  // Leave cleanly (and let the back/forward cache keep the page); resume when it comes back.
  window.addEventListener('pagehide', stop);
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) start();
  });
  // Back online: try now instead of waiting out the back-off.
  window.addEventListener('online', () => {
    if (!socket && !stopped) {
      window.clearTimeout(retryTimer);
      retryTimer = 0;
      attempt = 0;
      connect();
    }
  });
}
