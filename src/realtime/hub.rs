//! The hub of one instance: who is connected, who follows which topic, and the fan-out.
//!
//! A frame is encoded once and shared by every socket (a reference-counted `ByteString`). The
//! fan-out hands it straight to each socket's outgoing channel (actix-ws's, bounded to
//! [`QUEUE_FRAMES`]) without ever waiting: a socket whose channel is full has fallen behind — it
//! is marked too slow, dropped from every topic and closed by its own task (1013), and its
//! page reconnects. Memory never grows with a slow reader.
//!
//! **One part per worker.** A socket is served by the actix-web worker thread that accepted it;
//! its topics are kept in that thread's [`Part`]. Each worker runs its own bridge from the bus
//! (`realtime::spawn_worker_bridge`) and fans an event out to its own sockets only, so waking
//! a socket's task is a local push on the thread that will write to it. (One bridge for the
//! whole instance woke every socket from another thread: a locked push onto the worker's
//! remote queue per socket, serially, on a third thread competing for the same cores.)

use crate::config::LiveSettings;
use crate::i18n::Lang;
use crate::lock;
use bytestring::ByteString;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::Notify;

/// What a socket may follow besides its own person's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// A session's public seat counters (anyone).
    Session(i64),
    /// A session's check-ins (its organizers).
    Register(i64),
}

impl Topic {
    /// `session:12`, `register:12`; `None` for anything else (including `user:…`, which
    /// nobody subscribes to: a person's own notifications come without asking).
    pub fn parse(s: &str) -> Option<Topic> {
        let (kind, id) = s.split_once(':')?;
        let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
        match kind {
            "session" => Some(Topic::Session(id)),
            "register" => Some(Topic::Register(id)),
            _ => None,
        }
    }
}

/// Why the hub ended a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kick {
    /// Its queue was full: it fell behind.
    TooSlow,
    /// Its person signed out (or was suspended).
    SignedOut,
    /// Some session or the account of its person changed: reconnect, to be checked again.
    Recheck,
    /// Its channel closed (the connection ended).
    Gone,
}

const OPEN: u8 = 0;
const TOO_SLOW: u8 = 1;
const SIGNED_OUT: u8 = 2;
const RECHECK: u8 = 3;
const GONE: u8 = 4;

/// Frames a socket may have waiting (actix-ws's channel holds 32; frames that arrive before
/// the socket's `hello` went out wait in a buffer of the same size).
pub const QUEUE_FRAMES: usize = 32;

/// Where a socket's frames go.
#[derive(Default)]
struct Out {
    /// The socket's sender, once its `hello` has gone out.
    session: Option<actix_ws::Session>,
    /// Frames that came before (sent right after the `hello`).
    early: Vec<ByteString>,
}

/// What became of a frame offered to a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pushed {
    Sent,
    /// The socket was ended before (or is gone).
    Refused,
    /// This frame found the socket behind: it was ended now.
    FoundTooSlow,
}

/// One open socket, as the hub sees it.
pub struct Conn {
    pub id: u64,
    /// The signed-in person, if any.
    pub user: Option<i64>,
    /// The language its notifications are written in.
    pub lang: Lang,
    /// Notifications up to this id were counted in its `hello` (or replayed): only newer
    /// ones are pushed live.
    pub last_notification: AtomicI64,
    out: Mutex<Out>,
    wake: Notify,
    kicked: AtomicU8,
}

/// Hands a frame to a socket's channel without waiting: false when the channel is full (the
/// reader fell behind) or closed.
fn offer(session: &mut actix_ws::Session, frame: &ByteString) -> Result<(), Kick> {
    use futures_util::FutureExt;
    // Unconstrained: Tokio's cooperative budget would otherwise answer "not ready" after a
    // hundred sends in one go, and a fan-out would find every later socket "too slow".
    match tokio::task::unconstrained(session.text(frame.clone())).now_or_never() {
        Some(Ok(())) => Ok(()),
        Some(Err(_)) => Err(Kick::Gone),
        None => Err(Kick::TooSlow),
    }
}

impl Conn {
    /// Sends a frame. False when the socket is gone or has just been found too slow (it must
    /// then leave every topic).
    pub fn push(&self, frame: &ByteString) -> bool {
        self.offer_frame(frame) == Pushed::Sent
    }

    fn offer_frame(&self, frame: &ByteString) -> Pushed {
        if self.kicked.load(Ordering::Relaxed) != OPEN {
            return Pushed::Refused;
        }
        let mut guard = lock(&self.out);
        let out = &mut *guard;
        let res = match out.session.as_mut() {
            Some(session) => offer(session, frame),
            None if out.early.len() < QUEUE_FRAMES => {
                out.early.push(frame.clone());
                Ok(())
            }
            None => Err(Kick::TooSlow),
        };
        drop(guard);
        match res {
            Ok(()) => Pushed::Sent,
            Err(why) => {
                let newly = self.kick(why);
                if newly && why == Kick::TooSlow {
                    Pushed::FoundTooSlow
                } else {
                    Pushed::Refused
                }
            }
        }
    }

    /// Called once the `hello` went out: frames that came meanwhile follow it, and from now on
    /// frames go straight to the socket.
    pub fn ready(&self, session: actix_ws::Session) {
        let mut out = lock(&self.out);
        let mut session = session;
        for f in std::mem::take(&mut out.early) {
            if let Err(why) = offer(&mut session, &f) {
                drop(out);
                let _ = self.kick(why);
                return;
            }
        }
        out.session = Some(session);
    }

    /// Ends the socket (its task closes it with the matching code); true if this call did.
    pub fn kick(&self, why: Kick) -> bool {
        let v = match why {
            Kick::TooSlow => TOO_SLOW,
            Kick::SignedOut => SIGNED_OUT,
            Kick::Recheck => RECHECK,
            Kick::Gone => GONE,
        };
        // A sign-out also says more than a re-check (both come when a person signs out).
        let replaced = self
            .kicked
            .compare_exchange(OPEN, v, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
            || (v == SIGNED_OUT
                && self
                    .kicked
                    .compare_exchange(RECHECK, v, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok());
        if replaced {
            // Its sender goes at once: nothing more is offered to it.
            lock(&self.out).session = None;
            self.wake.notify_one();
        }
        replaced
    }

    /// Why the hub ended it, if it did.
    pub fn kicked(&self) -> Option<Kick> {
        match self.kicked.load(Ordering::Acquire) {
            TOO_SLOW => Some(Kick::TooSlow),
            SIGNED_OUT => Some(Kick::SignedOut),
            RECHECK => Some(Kick::Recheck),
            GONE => Some(Kick::Gone),
            _ => None,
        }
    }

    /// Waits until the socket is kicked.
    pub async fn woken(&self) {
        self.wake.notified().await
    }

    #[cfg(test)]
    fn early(&self) -> Vec<ByteString> {
        std::mem::take(&mut lock(&self.out).early)
    }
}

/// Why a socket was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooManyForUser,
    TooManyForAddress,
}

#[derive(Default)]
struct TopicEntry {
    conns: Vec<Arc<Conn>>,
    /// The newest seat counters' version sent (a repeat of it is dropped).
    version: i64,
}

/// The topics followed by the sockets of one thread (an actix-web worker).
#[derive(Default)]
struct Part {
    topics: Mutex<HashMap<Topic, TopicEntry>>,
}

impl Part {
    fn leave(&self, topic: Topic, conn_id: u64) {
        let mut topics = lock(&self.topics);
        if let Some(e) = topics.get_mut(&topic) {
            e.conns.retain(|c| c.id != conn_id);
            if e.conns.is_empty() {
                topics.remove(&topic);
            }
        }
    }

    /// See [`Hub::publish_in`].
    fn publish(
        &self,
        topic: Topic,
        version: Option<i64>,
        frame: impl FnOnce() -> ByteString,
        stats: &Stats,
    ) -> usize {
        let mut topics = lock(&self.topics);
        let Some(entry) = topics.get_mut(&topic) else {
            return 0;
        };
        if let Some(v) = version {
            // The same change announced twice (one event per booking it touched) goes out
            // once. An older version arriving late still goes out: each change is a frame of
            // its own (pages keep the newest), so watchers can tell that none was lost.
            if v == entry.version {
                return 0;
            }
            entry.version = entry.version.max(v);
        }
        let frame = frame();
        let (mut sent, mut ended, mut too_slow) = (0, false, 0);
        for c in &entry.conns {
            match c.offer_frame(&frame) {
                Pushed::Sent => sent += 1,
                Pushed::Refused => ended = true,
                Pushed::FoundTooSlow => {
                    ended = true;
                    too_slow += 1;
                }
            }
        }
        if ended {
            stats.dropped_slow.fetch_add(too_slow, Ordering::Relaxed);
            // Every socket that was ended leaves the topic now (the rest of its topics and the
            // person's list follow when its task ends).
            entry.conns.retain(|c| c.kicked().is_none());
        }
        sent
    }
}

/// Which part of the hub a thread's sockets use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartId(usize);

/// Counters of this instance's sockets (tests read them; a metrics page could show them).
#[derive(Default)]
pub struct Stats {
    /// Sockets open now.
    pub open: AtomicUsize,
    /// Sockets closed because they fell behind.
    pub dropped_slow: AtomicU64,
}

/// The hub of this instance.
pub struct Hub {
    /// One per thread that has served a socket (in practice, per actix-web worker).
    parts: RwLock<Vec<Arc<Part>>>,
    threads: Mutex<HashMap<std::thread::ThreadId, PartId>>,
    users: Mutex<HashMap<i64, Vec<Arc<Conn>>>>,
    addresses: Mutex<HashMap<String, usize>>,
    next_id: AtomicU64,
    limits: LiveSettings,
    pub stats: Stats,
}

/// A socket's place in the hub; leaving it (drop) removes the socket from every topic.
pub struct Registration {
    hub: Arc<Hub>,
    pub conn: Arc<Conn>,
    address: String,
    topics: Vec<Topic>,
    part: Arc<Part>,
}

impl Registration {
    /// The topics it follows.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// Follows a topic (true if it was not followed yet). The caller checks the limit.
    pub fn subscribe(&mut self, topic: Topic) -> bool {
        if self.topics.contains(&topic) {
            return false;
        }
        self.topics.push(topic);
        lock(&self.part.topics)
            .entry(topic)
            .or_default()
            .conns
            .push(self.conn.clone());
        true
    }

    /// Stops following a topic.
    pub fn unsubscribe(&mut self, topic: Topic) {
        if let Some(i) = self.topics.iter().position(|t| *t == topic) {
            self.topics.swap_remove(i);
            self.part.leave(topic, self.conn.id);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        for t in std::mem::take(&mut self.topics) {
            self.part.leave(t, self.conn.id);
        }
        if let Some(u) = self.conn.user {
            let mut users = lock(&self.hub.users);
            if let Some(list) = users.get_mut(&u) {
                list.retain(|c| c.id != self.conn.id);
                if list.is_empty() {
                    users.remove(&u);
                }
            }
        }
        {
            let mut addresses = lock(&self.hub.addresses);
            if let Some(n) = addresses.get_mut(&self.address) {
                *n -= 1;
                if *n == 0 {
                    addresses.remove(&self.address);
                }
            }
        }
        self.hub.stats.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Hub {
    pub fn new(limits: LiveSettings) -> Hub {
        Hub {
            parts: RwLock::new(Vec::new()),
            threads: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
            addresses: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            limits,
            stats: Stats::default(),
        }
    }

    /// The limits it enforces.
    pub fn limits(&self) -> &LiveSettings {
        &self.limits
    }

    /// The part of the calling thread, and whether this call made it: its sockets' topics go
    /// there, and whoever made it starts the thread's bridge (`realtime::spawn_worker_bridge`).
    pub fn part_here(&self) -> (PartId, bool) {
        let (id, _, made) = self.thread_part();
        (id, made)
    }

    fn thread_part(&self) -> (PartId, Arc<Part>, bool) {
        let mut threads = lock(&self.threads);
        let mut parts = self.parts.write().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = threads.get(&std::thread::current().id()) {
            return (*id, parts[id.0].clone(), false);
        }
        let id = PartId(parts.len());
        let part = Arc::new(Part::default());
        parts.push(part.clone());
        threads.insert(std::thread::current().id(), id);
        (id, part, true)
    }

    fn part(&self, id: PartId) -> Option<Arc<Part>> {
        let parts = self.parts.read().unwrap_or_else(|e| e.into_inner());
        parts.get(id.0).cloned()
    }

    /// Registers a new socket, within the limits per person and per address.
    pub fn open(
        self: &Arc<Self>,
        user: Option<i64>,
        address: &str,
        lang: Lang,
    ) -> Result<Registration, Refusal> {
        let mut users = lock(&self.users);
        if let Some(u) = user {
            if users.get(&u).map_or(0, Vec::len) >= self.limits.max_sockets_per_user {
                return Err(Refusal::TooManyForUser);
            }
        }
        {
            let mut addresses = lock(&self.addresses);
            let n = addresses.entry(address.to_string()).or_insert(0);
            if *n >= self.limits.max_sockets_per_ip {
                if *n == 0 {
                    addresses.remove(address);
                }
                return Err(Refusal::TooManyForAddress);
            }
            *n += 1;
        }
        let conn = Arc::new(Conn {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            user,
            lang,
            last_notification: AtomicI64::new(0),
            out: Mutex::new(Out::default()),
            wake: Notify::new(),
            kicked: AtomicU8::new(OPEN),
        });
        if let Some(u) = user {
            users.entry(u).or_default().push(conn.clone());
        }
        drop(users);
        let (_, part, _) = self.thread_part();
        self.stats.open.fetch_add(1, Ordering::Relaxed);
        Ok(Registration {
            hub: self.clone(),
            conn,
            address: address.to_string(),
            topics: Vec::new(),
            part,
        })
    }

    /// Whether any socket of this instance follows a topic.
    pub fn followed(&self, topic: Topic) -> bool {
        let parts = self.parts.read().unwrap_or_else(|e| e.into_inner());
        parts.iter().any(|p| lock(&p.topics).contains_key(&topic))
    }

    /// Sends a frame to the followers of a topic among one part's sockets (a worker's bridge
    /// calls it for its own). With `version`, a repeat of the newest version sent is dropped
    /// (events reach instances in any order; pages keep the newest). `frame` is only encoded
    /// when someone follows. Returns how many sockets got it.
    pub fn publish_in(
        &self,
        part: PartId,
        topic: Topic,
        version: Option<i64>,
        frame: impl FnOnce() -> ByteString,
    ) -> usize {
        match self.part(part) {
            Some(p) => p.publish(topic, version, frame, &self.stats),
            None => 0,
        }
    }

    /// Sends a frame to every follower of a topic, in every part (encoded once); the workers'
    /// bridges use [`Hub::publish_in`].
    #[cfg(test)]
    pub fn publish(
        &self,
        topic: Topic,
        version: Option<i64>,
        frame: impl FnOnce() -> ByteString,
    ) -> usize {
        let parts: Vec<Arc<Part>> = self.parts.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut frame = Some(frame);
        let mut encoded: Option<ByteString> = None;
        let mut sent = 0;
        for p in parts {
            sent += p.publish(
                topic,
                version,
                || {
                    encoded
                        .get_or_insert_with(|| frame.take().map(|f| f()).unwrap_or_default())
                        .clone()
                },
                &self.stats,
            );
        }
        sent
    }

    /// The sockets of a person on this instance.
    pub fn sockets_of(&self, user: i64) -> Vec<Arc<Conn>> {
        lock(&self.users).get(&user).cloned().unwrap_or_default()
    }

    /// Ends every socket of a person (signed out, suspended).
    pub fn sign_out(&self, user: i64) {
        for c in self.sockets_of(user) {
            c.kick(Kick::SignedOut);
        }
    }

    /// Asks every socket of a person to reconnect (one of their sessions ended, or their
    /// account changed): a socket whose session still holds comes back signed in, one whose
    /// session ended comes back anonymous.
    pub fn recheck(&self, user: i64) {
        for c in self.sockets_of(user) {
            c.kick(Kick::Recheck);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> LiveSettings {
        LiveSettings {
            max_sockets_per_user: 2,
            max_sockets_per_ip: 3,
            max_subscriptions: 4,
            max_frame_bytes: 4096,
            ping_secs: 25,
            pong_timeout_secs: 60,
            replay_max: 50,
        }
    }

    fn lang() -> Lang {
        Lang::from_code("en").unwrap()
    }

    #[test]
    fn topics_parse_only_public_and_register_kinds() {
        assert_eq!(Topic::parse("session:12"), Some(Topic::Session(12)));
        assert_eq!(Topic::parse("register:3"), Some(Topic::Register(3)));
        assert_eq!(Topic::parse("user:3"), None);
        assert_eq!(Topic::parse("session:-1"), None);
        assert_eq!(Topic::parse("session:x"), None);
        assert_eq!(Topic::parse("session"), None);
    }

    #[test]
    fn sockets_are_limited_per_person_and_per_address_and_freed_on_close() {
        let hub = Arc::new(Hub::new(limits()));
        let a = hub.open(Some(1), "1.1.1.1", lang()).unwrap();
        let _b = hub.open(Some(1), "1.1.1.1", lang()).unwrap();
        assert_eq!(
            hub.open(Some(1), "2.2.2.2", lang()).err(),
            Some(Refusal::TooManyForUser)
        );
        let _c = hub.open(None, "1.1.1.1", lang()).unwrap();
        assert_eq!(
            hub.open(None, "1.1.1.1", lang()).err(),
            Some(Refusal::TooManyForAddress)
        );
        drop(a);
        assert!(hub.open(Some(1), "2.2.2.2", lang()).is_ok());
        // a went, b and c stay (the last one was dropped at once).
        assert_eq!(hub.stats.open.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_frame_reaches_every_follower_once_and_late_versions_still_go_out() {
        let hub = Arc::new(Hub::new(limits()));
        let mut a = hub.open(None, "a", lang()).unwrap();
        let mut b = hub.open(None, "b", lang()).unwrap();
        a.subscribe(Topic::Session(7));
        b.subscribe(Topic::Session(7));
        assert!(!b.subscribe(Topic::Session(7)));
        let n = hub.publish(Topic::Session(7), Some(3), || "v3".into());
        assert_eq!(n, 2);
        assert_eq!(
            hub.publish(Topic::Session(7), Some(3), || "again".into()),
            0
        );
        // A change that reached this instance late still goes out.
        assert_eq!(hub.publish(Topic::Session(7), Some(2), || "late".into()), 2);
        assert_eq!(hub.publish(Topic::Session(8), None, || "x".into()), 0);
        assert_eq!(
            a.conn.early(),
            vec![ByteString::from("v3"), ByteString::from("late")]
        );
        b.unsubscribe(Topic::Session(7));
        assert_eq!(hub.publish(Topic::Session(7), Some(4), || "v4".into()), 1);
        drop(a);
        assert!(!hub.followed(Topic::Session(7)));
    }

    #[test]
    fn each_thread_has_its_part_and_a_worker_fans_out_to_its_own_sockets_only() {
        let hub = Arc::new(Hub::new(limits()));
        let (here, made) = hub.part_here();
        assert!(made);
        assert_eq!(hub.part_here(), (here, false));
        let mut a = hub.open(None, "a", lang()).unwrap();
        a.subscribe(Topic::Session(5));
        // A socket served by another thread (another worker) lands in that thread's part.
        let (b, there) = std::thread::scope(|s| {
            s.spawn(|| {
                let mut b = hub.open(None, "b", lang()).unwrap();
                b.subscribe(Topic::Session(5));
                (b, hub.part_here().0)
            })
            .join()
            .unwrap()
        });
        assert_ne!(here, there);
        assert_eq!(
            hub.publish_in(here, Topic::Session(5), Some(1), || "v1".into()),
            1
        );
        assert_eq!(a.conn.early(), vec![ByteString::from("v1")]);
        assert!(b.conn.early().is_empty());
        assert_eq!(
            hub.publish_in(there, Topic::Session(5), Some(1), || "v1".into()),
            1
        );
        assert_eq!(b.conn.early(), vec![ByteString::from("v1")]);
        // Publishing to every part reaches both, and each part dropped its own repeat.
        assert_eq!(
            hub.publish(Topic::Session(5), Some(1), || "again".into()),
            0
        );
        assert_eq!(hub.publish(Topic::Session(5), Some(2), || "v2".into()), 2);
        assert!(hub.followed(Topic::Session(5)));
        drop(a);
        assert!(hub.followed(Topic::Session(5)));
        drop(b);
        assert!(!hub.followed(Topic::Session(5)));
    }

    #[test]
    fn a_socket_that_falls_behind_is_dropped_and_the_others_keep_getting_frames() {
        let hub = Arc::new(Hub::new(limits()));
        let mut slow = hub.open(None, "a", lang()).unwrap();
        let mut quick = hub.open(None, "b", lang()).unwrap();
        slow.subscribe(Topic::Register(1));
        quick.subscribe(Topic::Register(1));
        for i in 0..=QUEUE_FRAMES {
            let frame = ByteString::from(format!("f{i}"));
            hub.publish(Topic::Register(1), None, || frame);
            quick.conn.early();
        }
        assert_eq!(slow.conn.kicked(), Some(Kick::TooSlow));
        assert_eq!(hub.stats.dropped_slow.load(Ordering::Relaxed), 1);
        assert_eq!(hub.publish(Topic::Register(1), None, || "next".into()), 1);
        assert_eq!(quick.conn.early(), vec![ByteString::from("next")]);
    }
}
