//! The matching engine: which upcoming sessions to suggest to one resident, in what order, and
//! why. Pure: it reads a profile and candidate activities (from the in-memory index in the
//! service, from hand-built values in tests) and returns ranked suggestions with their reasons
//! as data; the edges turn reasons into words in the reader's language.
//!
//! 1. **Hard filters** — an activity is dropped unless it is inside the travel radius, meets the
//!    resident's needs (wheelchair, accessibility), is in a language they speak (or marked
//!    language-light), is within budget, and is not already booked. A session is dropped unless
//!    it starts inside the window, fits the resident's availability, and has a seat (or an open
//!    waitlist). The first session of each activity that passes is its candidate.
//! 2. **Score** — a weighted sum of distance decay, taxonomy-aware interest overlap, schedule
//!    fit, welcome for people who haven't been out yet (or want company), and small groups for
//!    those who prefer them; multiplied down for activities the resident recently declined.
//! 3. **Diversity** — picks are made greedily; each pick lowers the score of the remaining
//!    candidates of the same interest family, so ten walking groups don't crowd out the choir.

use super::activities::{ACCESSIBILITY, LOW_BARRIER};
use super::residents::{day_part, slot_bit};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

const LB_DROP_IN: u8 = 1 << 0;
const LB_FIRST_TIMER: u8 = 1 << 1;
const LB_WELCOMER: u8 = 1 << 2;
const LB_COME_ALONE: u8 = 1 << 3;
const LB_LANGUAGE_LIGHT: u8 = 1 << 4;

/// Weights and knobs, from `[matching]` in the settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Weight of distance (a session at the door scores 1, decaying with distance).
    pub distance: f64,
    /// Metres at which the distance part has fallen to 1/e.
    pub distance_decay_m: f64,
    /// Weight of interest overlap.
    pub interest: f64,
    /// How much a broader or narrower interest counts next to an exact one (0–1).
    pub related_interest: f64,
    /// Weight of schedule fit (declared free time, and sooner rather than later).
    pub schedule: f64,
    /// Weight of welcome features for people who haven't been out yet or want company.
    pub welcome: f64,
    /// Weight of small groups for people who prefer them.
    pub small_group: f64,
    /// Largest capacity that counts as a small group.
    pub small_group_max: i32,
    /// Score multiplier for each recent decline of the same activity (0–1).
    pub decline_factor: f64,
    /// Score multiplier for each suggestion already picked from the same interest family.
    pub diversity_factor: f64,
    /// Sessions starting within this many days are considered.
    pub window_days: i64,
    /// … and not sooner than this many minutes from now.
    pub lead_minutes: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            distance: 1.0,
            distance_decay_m: 1200.0,
            interest: 1.5,
            related_interest: 0.5,
            schedule: 0.5,
            welcome: 0.6,
            small_group: 0.4,
            small_group_max: 12,
            decline_factor: 0.3,
            diversity_factor: 0.6,
            window_days: 28,
            lead_minutes: 60,
        }
    }
}

/// What matching knows of a resident.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Centre of the coarse home cell (or area), in metres on the caller's plane projection
    /// (the same as the activities'); good to well under 1% across a city.
    pub x: f64,
    pub y: f64,
    pub radius_m: f64,
    /// Languages spoken, as a set over the caller's [`LanguageTable`].
    pub languages: u64,
    /// The same as ISO 639-1 codes (to explain).
    pub spoken: Vec<String>,
    /// Interest ids the resident likes.
    pub interests: Vec<i64>,
    /// Availability grid bits (0 = any time).
    pub availability: u32,
    pub wheelchair: bool,
    /// Bits over [`ACCESSIBILITY`].
    pub accessibility: u8,
    /// Highest cost per session, cents; `None` = no limit; 0 = free only.
    pub budget_cents: Option<i32>,
    pub wants_company: bool,
    pub prefers_small_groups: bool,
    /// Has not taken part in any activity yet.
    pub new_to_activities: bool,
}

/// How an activity is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    Free,
    PayWhatYouCan,
    Amount(i32),
}

/// What matching needs of an activity, compactly (the index keeps these in one array, in
/// spatial order, so that a query reads memory front to back).
#[derive(Debug, Clone, Copy)]
pub struct ActivityFacts {
    pub id: i64,
    /// Position in metres on the caller's plane projection.
    pub x: f32,
    pub y: f32,
    /// Languages, as a set over the caller's [`LanguageTable`] (0 = none given).
    pub languages: u64,
    /// Union of the availability-grid bits of its upcoming sessions.
    pub slots: u32,
    /// Start of its first upcoming session (Unix seconds; `i64::MAX` when none).
    pub first_start: i64,
    /// The free-time slot of that session (see `slot_bit`; 0 when none).
    pub first_slot: u32,
    /// Up to five interest ids (0 = none).
    pub interests: [u32; 5],
    pub cost: Cost,
    pub capacity: Option<i32>,
    /// 0 = no wheelchair access, 1 = partial, 2 = full.
    pub wheelchair: u8,
    /// Bits over [`ACCESSIBILITY`].
    pub accessibility: u8,
    /// Bits over [`LOW_BARRIER`].
    pub low_barrier: u8,
}

/// What ranking reads of an activity before its facts: where it is and what the hard filters
/// that need nothing else look at. 24 bytes, so a source can keep them in one small array that
/// stays in the processor's cache (and its interests' bits, [`Candidate::interests`], in
/// another beside it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    pub x: f32,
    pub y: f32,
    pub languages: u64,
    pub slots: u32,
    pub wheelchair: u8,
    pub accessibility: u8,
    pub low_barrier: u8,
    /// The seat limit, for the small-group part: 0 = none, else the limit + 1, 255 for 254
    /// seats or more (see [`Screen::fewest_seats`]).
    pub capacity: u8,
}

impl Screen {
    /// An activity's screen.
    pub fn of(a: &ActivityFacts) -> Screen {
        Screen {
            x: a.x,
            y: a.y,
            languages: a.languages,
            slots: a.slots,
            wheelchair: a.wheelchair,
            accessibility: a.accessibility,
            low_barrier: a.low_barrier,
            capacity: match a.capacity {
                None => 0,
                Some(c) => u8::try_from(c.clamp(0, 254) + 1).unwrap_or(u8::MAX),
            },
        }
    }

    /// The fewest seats the activity may have (`None` = no limit): exact up to 254 seats.
    /// The small-group part never grows with seats, so this gives its largest value.
    pub fn fewest_seats(&self) -> Option<i32> {
        (self.capacity != 0).then(|| i32::from(self.capacity) - 1)
    }
}

/// An interest's bit in an interest mask: ids share bits only beyond 64 interests, so a mask
/// tells for sure when an activity has none of a person's interests.
pub fn interest_bit(id: i64) -> u64 {
    1 << id.rem_euclid(64)
}

impl ActivityFacts {
    /// The bits of its interests (see [`interest_bit`]).
    pub fn interest_mask(&self) -> u64 {
        self.interest_ids().fold(0, |m, i| m | interest_bit(i))
    }

    fn interest_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.interests
            .iter()
            .filter(|i| **i != 0)
            .map(|i| i64::from(*i))
    }
}

/// Language codes ↔ bits of a 64-bit set. Codes beyond the 63rd share the last bit (a city
/// with more than 63 activity languages would see rare false matches between them).
#[derive(Debug, Clone, Default)]
pub struct LanguageTable {
    codes: Vec<Box<str>>,
}

impl LanguageTable {
    /// Adds a code (no-op when known).
    pub fn add(&mut self, code: &str) {
        if self.codes.len() < 63 && !self.codes.iter().any(|c| &**c == code) {
            self.codes.push(code.into());
        }
    }

    /// The set of some codes.
    pub fn mask<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> u64 {
        codes.into_iter().fold(0, |m, code| {
            m | match self.codes.iter().position(|c| &**c == code) {
                Some(i) => 1 << i,
                None => 1 << 63,
            }
        })
    }
}

/// What matching needs of a session.
#[derive(Debug, Clone, Copy)]
pub struct SessionFacts {
    pub id: i64,
    /// Unix seconds.
    pub starts_at: i64,
    /// Local weekday (1 = Monday) and hour.
    pub weekday: u8,
    pub hour: u8,
    /// Seats left; `None` = unlimited.
    pub seats_left: Option<i32>,
    /// People may join a waitlist when it is full.
    pub waitlist_open: bool,
}

/// A candidate activity with its upcoming sessions (in start order); cheap to copy (a pair
/// of references in the index).
pub trait Candidate: Copy {
    /// The activity.
    fn activity(&self) -> &ActivityFacts;
    /// How many upcoming sessions it has.
    fn session_count(&self) -> usize;
    /// The i-th upcoming session.
    fn session(&self, i: usize) -> SessionFacts;
    /// Its language codes (only asked of the suggestions picked, to explain them).
    fn language_codes(&self) -> Vec<String>;
    /// Whether every session's seats left equal the activity's capacity (nobody booked), so
    /// the first session can be judged from the activity's facts alone.
    fn seats_follow_capacity(&self) -> bool {
        false
    }
    /// A distance (metres) the activity is certainly not nearer than. When a source yields
    /// candidates in non-decreasing order of this floor, ranking stops as soon as no farther
    /// candidate could still enter the shortlist; the answer is the same as without stopping.
    fn distance_floor(&self) -> f64 {
        0.0
    }
    /// Its screen. A source that keeps screens apart from the facts lets ranking pass over
    /// activities that cannot rank without reading their facts.
    fn screen(&self) -> Screen {
        Screen::of(self.activity())
    }
    /// The bits of its interests (see [`interest_bit`]).
    fn interests(&self) -> u64 {
        self.activity().interest_mask()
    }
}

/// Where ranking takes its candidates from: any iterator of them, or a source that can also
/// leave out, when asked, candidates that share no interest with the resident.
pub trait Candidates {
    type Cand: Candidate;
    /// The next candidate.
    fn next_candidate(&mut self) -> Option<Self::Cand>;
    /// From now on, a candidate whose interest bits ([`Candidate::interests`]) miss `mask`
    /// cannot rank: the source may leave such candidates out (or not).
    fn only_with_interests(&mut self, _mask: u64) {}
}

impl<I: Iterator> Candidates for I
where
    I::Item: Candidate,
{
    type Cand = I::Item;
    fn next_candidate(&mut self) -> Option<I::Item> {
        self.next()
    }
}

/// The interest taxonomy: child → parent.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub parent: HashMap<i64, i64>,
}

impl Taxonomy {
    fn parent_of(&self, id: i64) -> Option<i64> {
        self.parent.get(&id).copied()
    }

    /// How much each interest counts for someone who likes `liked`: 1 for those, `related`
    /// for their parents and children.
    fn weights_for(&self, liked: &[i64], related: f64) -> Vec<(i64, f64)> {
        let mut out: Vec<(i64, f64)> = liked.iter().map(|&l| (l, 1.0)).collect();
        let add = |id: i64, out: &mut Vec<(i64, f64)>| {
            if !out.iter().any(|(x, _)| *x == id) {
                out.push((id, related));
            }
        };
        for &l in liked {
            if let Some(p) = self.parent_of(l) {
                add(p, &mut out);
            }
        }
        for (&child, &parent) in &self.parent {
            if liked.contains(&parent) {
                add(child, &mut out);
            }
        }
        out
    }
    /// The top-level term of an interest (itself when it has no parent).
    pub fn family(&self, id: i64) -> i64 {
        self.parent_of(id).unwrap_or(id)
    }
}

/// What else matching must know about the resident right now.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Activity id → how many times the resident declined it recently.
    pub declined: HashMap<i64, u32>,
    /// Activities with an upcoming booking of the resident.
    pub booked_activities: HashSet<i64>,
    /// Sessions the resident booked.
    pub booked_sessions: HashSet<i64>,
}

/// Why a session is suggested, as data; the edges put it into words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Distance from the centre of the resident's home cell.
    Distance {
        metres: u32,
    },
    /// Interests of the activity the resident likes (exactly, or through the taxonomy).
    Interests {
        exact: Vec<i64>,
        related: Vec<i64>,
    },
    Free,
    PayWhatYouCan,
    /// Costs this much, within the resident's budget.
    WithinBudget {
        cents: i32,
    },
    /// Someone welcomes newcomers at the door.
    Welcomer,
    FirstTimerFriendly,
    ComeAlone,
    SmallGroup {
        capacity: i32,
    },
    /// At a time the resident said they are free (weekday 1 = Monday; part 0 = morning,
    /// 1 = afternoon, 2 = evening).
    WhenFree {
        weekday: u8,
        part: u8,
    },
    /// In a language the resident speaks.
    Language {
        code: String,
    },
    /// Little talking needed.
    LanguageLight,
    WheelchairAccessible,
    /// The venue has what the resident needs (bits over the accessibility vocabulary).
    AccessibilityMet {
        features: Vec<String>,
    },
    /// Full: the resident would join the waitlist.
    Waitlist,
}

/// The parts of a score, each before its weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScoreParts {
    pub distance: f64,
    pub interest: f64,
    pub schedule: f64,
    pub welcome: f64,
    pub small_group: f64,
    /// Multiplier for recent declines (1 = none).
    pub novelty: f64,
    /// Multiplier for diversity applied when it was picked (1 = first of its family).
    pub diversity: f64,
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub activity_id: i64,
    pub session_id: i64,
    pub starts_at: i64,
    pub distance_m: f64,
    /// Final score (after novelty and diversity).
    pub score: f64,
    pub parts: ScoreParts,
    pub reasons: Vec<Reason>,
}

struct Scored<C: Candidate> {
    cand: C,
    /// Index and start of the chosen session (its other facts are read for the picks only).
    session_index: usize,
    starts_at: i64,
    distance: f64,
    base: f64,
    /// Its interest family, as a position in the picking's list of families.
    family: usize,
}

impl<C: Candidate> PartialEq for Scored<C> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<C: Candidate> Eq for Scored<C> {}
impl<C: Candidate> PartialOrd for Scored<C> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<C: Candidate> Ord for Scored<C> {
    /// "Greater" = better: higher score, then sooner, then lower session id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.base
            .total_cmp(&other.base)
            .then_with(|| other.starts_at.cmp(&self.starts_at))
            .then_with(|| other.cand.activity().id.cmp(&self.cand.activity().id))
    }
}

/// Whether an activity's screen passes the hard filters it can decide: needs, free time,
/// language.
fn screen_passes(p: &Profile, s: &Screen) -> bool {
    !((p.wheelchair && s.wheelchair < 2)
        || s.accessibility & p.accessibility != p.accessibility
        || (p.availability != 0 && s.slots & p.availability == 0)
        || (s.low_barrier & LB_LANGUAGE_LIGHT == 0
            && s.languages != 0
            && s.languages & p.languages == 0))
}

/// Whether an activity passes the hard filters its screen can't decide: budget, and not
/// already booked.
fn activity_passes(p: &Profile, a: &ActivityFacts, h: &History) -> bool {
    match (a.cost, p.budget_cents) {
        (Cost::Amount(c), Some(b)) if c > b => return false,
        _ => {}
    }
    if !h.booked_activities.is_empty() && h.booked_activities.contains(&a.id) {
        return false;
    }
    true
}

/// The first session that passes the session filters: (index, start).
fn first_session<C: Candidate>(
    p: &Profile,
    c: C,
    h: &History,
    from: i64,
    to: i64,
) -> Option<(usize, i64)> {
    let a = c.activity();
    // Most of the time the first upcoming session is the one: when it falls in the resident's
    // free time (or they are free whenever), nothing is booked and seats follow the capacity,
    // there is no need to read the sessions at all.
    let first_fits = p.availability == 0 || a.first_slot & p.availability != 0;
    if first_fits
        && h.booked_sessions.is_empty()
        && a.first_start >= from
        && a.first_start < to
        && a.capacity.is_none_or(|n| n > 0)
        && c.seats_follow_capacity()
    {
        return Some((0, a.first_start));
    }
    if a.first_start >= to {
        return None;
    }
    (0..c.session_count())
        .map(|i| (i, c.session(i)))
        .find(|(_, s)| {
            s.starts_at >= from
                && s.starts_at < to
                && (p.availability == 0 || p.availability & slot_bit(s.weekday, s.hour) != 0)
                && (h.booked_sessions.is_empty() || !h.booked_sessions.contains(&s.id))
                && (s.seats_left.is_none_or(|n| n > 0) || s.waitlist_open)
        })
        .map(|(i, s)| (i, s.starts_at))
}

/// How much of the activity's interests the resident likes: 0 … 1.
fn interest_overlap(a: &ActivityFacts, table: &InterestTable) -> f64 {
    if table.is_empty() {
        return 0.0;
    }
    let mut best: f64 = 0.0;
    let mut others = 0.0;
    for (i, ai) in a.interests.iter().enumerate() {
        // An interest listed twice counts once.
        if *ai == 0 || a.interests[..i].contains(ai) {
            continue;
        }
        let m = table.get(i64::from(*ai));
        if m > best {
            others += best;
            best = m;
        } else {
            others += m;
        }
    }
    (best + 0.2 * others).min(1.0)
}

/// How much each interest counts for the resident, by id: a dense array when the ids are
/// small (they are database ids of a taxonomy of tens of terms), a list otherwise.
struct InterestTable {
    dense: Vec<f64>,
    sparse: Vec<(i64, f64)>,
    bounds: MaskBounds,
}

/// What an interest mask can tell of an overlap: the interests that count, by weight.
#[derive(Default)]
struct MaskBounds {
    /// The highest weight, and the bits of the interests that have it.
    top: f64,
    top_mask: u64,
    /// The highest weight below it, and the bits of the interests that have that or less.
    next: f64,
    next_mask: u64,
    /// Two interests that count share a bit.
    shared_bits: bool,
}

impl MaskBounds {
    fn new(weights: &[(i64, f64)]) -> MaskBounds {
        let counted = || weights.iter().filter(|(_, w)| *w > 0.0);
        let top = counted().map(|(_, w)| *w).fold(0.0, f64::max);
        let next = counted()
            .map(|(_, w)| *w)
            .filter(|w| *w < top)
            .fold(0.0, f64::max);
        let mut b = MaskBounds {
            top,
            next,
            ..MaskBounds::default()
        };
        for (id, w) in counted() {
            let bit = interest_bit(*id);
            b.shared_bits |= (b.top_mask | b.next_mask) & bit != 0;
            if *w >= top {
                b.top_mask |= bit;
            } else {
                b.next_mask |= bit;
            }
        }
        b
    }
}

impl InterestTable {
    fn new(weights: Vec<(i64, f64)>) -> InterestTable {
        let bounds = MaskBounds::new(&weights);
        let max = weights.iter().map(|(id, _)| *id).max().unwrap_or(0);
        if (0..65_536).contains(&max) && weights.iter().all(|(id, _)| *id >= 0) {
            let mut dense = vec![0.0; max as usize + 1];
            for (id, w) in &weights {
                dense[*id as usize] = *w;
            }
            InterestTable {
                dense,
                sparse: Vec::new(),
                bounds,
            }
        } else {
            InterestTable {
                dense: Vec::new(),
                sparse: weights,
                bounds,
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.dense.is_empty() && self.sparse.is_empty()
    }

    /// The most [`interest_overlap`] could give an activity whose interests have these bits
    /// (see [`interest_bit`]), without knowing which interests they are.
    #[inline]
    fn ceiling(&self, bits: u64) -> f64 {
        let b = &self.bounds;
        let best = if bits & b.top_mask != 0 {
            b.top
        } else if bits & b.next_mask != 0 {
            b.next
        } else {
            return 0.0;
        };
        // Matches an activity may have: one per bit, unless ids share bits (beyond 64
        // interests), then as many as an activity holds.
        let n = if b.shared_bits {
            5
        } else {
            (bits & (b.top_mask | b.next_mask)).count_ones()
        };
        // The best match plus a fifth of each other one (none better than the best).
        (best * (1.0 + 0.2 * f64::from(n.max(1) - 1))).min(1.0)
    }

    /// 1 for an interest the resident likes, `related_interest` for its parent or child, 0 else.
    fn get(&self, id: i64) -> f64 {
        if !self.dense.is_empty() {
            return usize::try_from(id)
                .ok()
                .and_then(|i| self.dense.get(i))
                .copied()
                .unwrap_or(0.0);
        }
        self.sparse
            .iter()
            .find(|(x, _)| *x == id)
            .map_or(0.0, |(_, w)| *w)
    }
}

#[allow(clippy::too_many_arguments)]
fn score_parts(
    p: &Profile,
    a: &ActivityFacts,
    starts_at: i64,
    distance: f64,
    interest: f64,
    h: &History,
    w: &Weights,
    now: i64,
) -> ScoreParts {
    let window = (w.window_days.max(1) * 86_400) as f64;
    let soon = 1.0 - ((starts_at - now) as f64 / window).clamp(0.0, 1.0);
    let declared = if p.availability != 0 { 1.0 } else { 0.5 };
    let welcome = welcome_part(p, a.low_barrier);
    let small_group = small_group_part(p, a.capacity, w);
    let declines = if h.declined.is_empty() {
        0
    } else {
        h.declined.get(&a.id).copied().unwrap_or(0)
    };
    ScoreParts {
        distance: (-distance / w.distance_decay_m.max(1.0)).exp(),
        interest,
        schedule: 0.5 * declared + 0.5 * soon,
        welcome,
        small_group,
        novelty: if declines == 0 {
            1.0
        } else {
            w.decline_factor.clamp(0.0, 1.0).powi(declines as i32)
        },
        diversity: 1.0,
    }
}

/// The welcome part (0 … 1): welcomers, first-timer friendliness, coming alone — for people
/// who haven't been out yet or would like company.
#[inline]
fn welcome_part(p: &Profile, low_barrier: u8) -> f64 {
    if !(p.new_to_activities || p.wants_company) {
        return 0.0;
    }
    let mut x: f64 = 0.0;
    if low_barrier & LB_WELCOMER != 0 {
        x += 0.5;
    }
    if low_barrier & LB_FIRST_TIMER != 0 {
        x += 0.3;
    }
    if low_barrier & (LB_COME_ALONE | LB_DROP_IN) != 0 {
        x += 0.2;
    }
    x.min(1.0)
}

/// The small-group part (0 … 1) for people who prefer small groups.
#[inline]
fn small_group_part(p: &Profile, capacity: Option<i32>, w: &Weights) -> f64 {
    if !p.prefers_small_groups {
        return 0.0;
    }
    match capacity {
        Some(c) if c <= w.small_group_max => 1.0,
        Some(c) if c <= 2 * w.small_group_max => 0.3,
        _ => 0.0,
    }
}

/// The best score anything at `distance` metres or more could reach for this person, leaving
/// out the interest part: each other part at its largest possible value for them, the
/// distance part at `distance`, and no discount for declines. Negative weights count as zero
/// (such a part can only lower a score).
fn score_ceiling(p: &Profile, w: &Weights, distance: f64) -> f64 {
    let at_most = |weight: f64, part: f64| weight.max(0.0) * part;
    let declared = if p.availability != 0 { 1.0 } else { 0.5 };
    at_most(w.distance, (-distance / w.distance_decay_m.max(1.0)).exp())
        + at_most(w.schedule, 0.5 * declared + 0.5)
        + best_extras(p, w)
}

/// The welcome and small-group parts at their largest for this person, weighted (every
/// low-barrier feature; the fewest seats possible). Negative weights count as zero.
fn best_extras(p: &Profile, w: &Weights) -> f64 {
    w.welcome.max(0.0) * welcome_part(p, u8::MAX)
        + w.small_group.max(0.0) * small_group_part(p, Some(i32::MIN), w)
}

/// How far a candidate may be and still reach the shortlist, by the best score it could have
/// ([`score_ceiling`] adjusted by its `extras`: its interest ceiling, and its own welcome and
/// small-group parts in place of the best ones): the distance part falls with distance, so
/// "its ceiling at its distance is below the shortlist's worst" is "it is farther than this".
/// Worked out once per (worst, extras) — the worst changes only when the shortlist does, and
/// extras take a few values — instead of an `exp` per candidate.
struct Reach {
    distance_weight: f64,
    decay: f64,
    /// The ceiling without the distance and interest parts.
    rest: f64,
    /// (worst, extras, largest squared distance), by a hash of the extras: a slot counts only
    /// for the worst it was worked out for.
    known: [(u64, u64, f64); 32],
}

impl Reach {
    fn new(p: &Profile, w: &Weights) -> Reach {
        Reach {
            distance_weight: w.distance.max(0.0),
            decay: w.distance_decay_m.max(1.0),
            // exp(-inf) = 0: the distance part left out.
            rest: score_ceiling(p, w, f64::INFINITY),
            // NaN's bits: no worst is ever this.
            known: [(f64::NAN.to_bits(), 0, 0.0); 32],
        }
    }

    /// The largest squared distance at which a candidate with these extras could still score
    /// `worst` (give or take the 1e-9 ties allow): farther ones cannot. Errs on the side of
    /// keeping (a metre more), never of passing over.
    fn max_d2(&mut self, worst: f64, extras: f64) -> f64 {
        let (w, e) = (worst.to_bits(), extras.to_bits());
        let slot = ((e ^ (e >> 29) ^ (e >> 41)) as usize) % self.known.len();
        let (kw, ke, d2) = self.known[slot];
        if kw == w && ke == e {
            return d2;
        }
        // What the distance part must bring: distance_weight * exp(-d / decay) >= need.
        let need = worst - self.rest - extras - 1e-9;
        let d2 = if need <= 0.0 {
            f64::INFINITY
        } else if self.distance_weight <= 0.0 {
            -1.0
        } else {
            let d = -self.decay * (need / self.distance_weight).ln() + 1.0;
            if d < 0.0 {
                -1.0
            } else {
                d * d
            }
        };
        self.known[slot] = (w, e, d2);
        d2
    }
}

fn weighted(parts: &ScoreParts, w: &Weights) -> f64 {
    (w.distance * parts.distance
        + w.interest * parts.interest
        + w.schedule * parts.schedule
        + w.welcome * parts.welcome
        + w.small_group * parts.small_group)
        * parts.novelty
}

/// Ranks candidates for a resident: at most `limit` suggestions, one per activity, best first.
/// `now` is Unix seconds.
pub fn suggest<S: Candidates>(
    p: &Profile,
    candidates: S,
    taxonomy: &Taxonomy,
    history: &History,
    weights: &Weights,
    now: i64,
    limit: usize,
) -> Vec<Suggestion> {
    rank(p, candidates, taxonomy, history, weights, now, limit, true)
}

/// [`suggest`], which passes over candidates that cannot rank; with `pass_over` false it
/// scores every one (what tests compare it with).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rank<S: Candidates>(
    p: &Profile,
    mut candidates: S,
    taxonomy: &Taxonomy,
    history: &History,
    weights: &Weights,
    now: i64,
    limit: usize,
    pass_over: bool,
) -> Vec<Suggestion> {
    if limit == 0 {
        return Vec::new();
    }
    let from = now + weights.lead_minutes * 60;
    let to = now + weights.window_days * 86_400;
    // Keep the best few times `limit` by base score, then pick greedily for diversity.
    let keep = (limit * 4).max(40);
    let table = InterestTable::new(taxonomy.weights_for(&p.interests, weights.related_interest));
    let mut heap: BinaryHeap<std::cmp::Reverse<Scored<S::Cand>>> = BinaryHeap::new();
    let interest_weight = weights.interest.max(0.0);
    let any_interest = if table.is_empty() { 0.0 } else { 1.0 };
    let radius2 = p.radius_m * p.radius_m;
    // (floor, ceiling without the interest part) last computed: floors repeat for many
    // candidates in a row.
    let mut ceiling = (f64::NAN, f64::INFINITY);
    let mut reach = Reach::new(p, weights);
    // `score_ceiling` counts the welcome and small-group parts at their best; the screen
    // tells each candidate's exactly (its low-barrier bits and seat limit).
    let (welcome_weight, small_weight) = (weights.welcome.max(0.0), weights.small_group.max(0.0));
    let best_extras = best_extras(p, weights);
    // The interests that count: once a candidate sharing none of them cannot rank, the
    // source is told to leave such candidates out (they cannot rank farther on either).
    let counted = table.bounds.top_mask | table.bounds.next_mask;
    let mut only_counted = false;
    while let Some(cand) = candidates.next_candidate() {
        let screen = cand.screen();
        let (dx, dy) = (f64::from(screen.x) - p.x, f64::from(screen.y) - p.y);
        let d2 = dx * dx + dy * dy;
        if d2 > radius2 || !screen_passes(p, &screen) {
            continue;
        }
        let full = pass_over && heap.len() >= keep;
        if let Some(worst) = heap.peek().filter(|_| full).map(|w| w.0.base) {
            let floor = cand.distance_floor();
            if floor != ceiling.0 {
                ceiling = (floor, score_ceiling(p, weights, floor));
            }
            // Strictly below the shortlist's worst (ties could still enter): this candidate
            // cannot displace anything, and when even the best interest match could not,
            // neither can any candidate after it (their floors are no smaller).
            if ceiling.1 + interest_weight * any_interest + 1e-9 < worst {
                break;
            }
            // Without a shared interest a candidate reaches at most the ceiling: when that is
            // below the worst, it is so for every candidate after this one as well (floors
            // never decrease, the worst never falls).
            if !only_counted && counted != 0 && ceiling.1 + 1e-9 < worst {
                only_counted = true;
                candidates.only_with_interests(counted);
            }
            let interest = interest_weight * table.ceiling(cand.interests());
            // The ring's floor first, then (before reading the facts) the true distance.
            if ceiling.1 + interest + 1e-9 < worst || d2 > reach.max_d2(worst, interest) {
                continue;
            }
            // Then with its own welcome and small-group parts in place of the best ones
            // assumed so far (never more than those): worked out only for the few left.
            if best_extras > 0.0 {
                let extras = interest
                    + (welcome_weight * welcome_part(p, screen.low_barrier)
                        + small_weight * small_group_part(p, screen.fewest_seats(), weights)
                        - best_extras);
                if d2 > reach.max_d2(worst, extras) {
                    continue;
                }
            }
        }
        let a = cand.activity();
        if !activity_passes(p, a, history) {
            continue;
        }
        let distance = d2.sqrt();
        let Some((session_index, starts_at)) = first_session(p, cand, history, from, to) else {
            continue;
        };
        let interest = interest_overlap(a, &table);
        let parts = score_parts(p, a, starts_at, distance, interest, history, weights, now);
        let base = weighted(&parts, weights);
        let s = Scored {
            cand,
            session_index,
            starts_at,
            distance,
            base,
            family: 0,
        };
        if heap.len() < keep {
            heap.push(std::cmp::Reverse(s));
        } else if let Some(mut worst) = heap.peek_mut() {
            // Replaced in place: one sift instead of a pop and a push.
            if s > worst.0 {
                *worst = std::cmp::Reverse(s);
            }
        }
    }
    let mut pool: Vec<Scored<S::Cand>> = heap.into_iter().map(|r| r.0).collect();
    // The interest family of each kept candidate: its best-matching interest's top term,
    // numbered in order of appearance so that picking counts them in an array.
    let mut families: Vec<i64> = Vec::new();
    for s in &mut pool {
        let family = s
            .cand
            .activity()
            .interest_ids()
            .max_by(|x, y| table.get(*x).total_cmp(&table.get(*y)).then(y.cmp(x)))
            .map(|i| taxonomy.family(i))
            .unwrap_or(0);
        s.family = match families.iter().position(|f| *f == family) {
            Some(i) => i,
            None => {
                families.push(family);
                families.len() - 1
            }
        };
    }
    pool.sort_unstable_by(|a, b| b.cmp(a));
    let mut picked_per_family = vec![0usize; families.len()];
    let factor = weights.diversity_factor.clamp(0.0, 1.0);
    // factor^n for every count a family can reach.
    let powers: Vec<f64> = (0..=limit.min(pool.len()))
        .map(|n| factor.powi(i32::try_from(n).unwrap_or(i32::MAX)))
        .collect();
    let mut out = Vec::with_capacity(limit.min(pool.len()));
    while out.len() < limit && !pool.is_empty() {
        let mut best = 0;
        let mut best_score = f64::NEG_INFINITY;
        for (i, s) in pool.iter().enumerate() {
            let adj = s.base * powers[picked_per_family[s.family]];
            // Ties keep the pool's order (sooner, then lower id).
            if adj > best_score {
                best_score = adj;
                best = i;
            }
        }
        let s = pool.remove(best);
        let diversity = powers[picked_per_family[s.family]];
        picked_per_family[s.family] += 1;
        let a = s.cand.activity();
        // The parts again (the shortlist keeps only their sum): the same inputs, so the
        // same values.
        let mut parts = score_parts(
            p,
            a,
            s.starts_at,
            s.distance,
            interest_overlap(a, &table),
            history,
            weights,
            now,
        );
        parts.diversity = diversity;
        let session = s.cand.session(s.session_index);
        out.push(Suggestion {
            activity_id: a.id,
            session_id: session.id,
            starts_at: session.starts_at,
            distance_m: s.distance,
            score: best_score,
            parts,
            reasons: explain(p, s.cand, &session, s.distance, &table, weights),
        });
    }
    out
}

/// The reasons for one suggestion, most telling first.
fn explain<C: Candidate>(
    p: &Profile,
    c: C,
    s: &SessionFacts,
    distance: f64,
    table: &InterestTable,
    w: &Weights,
) -> Vec<Reason> {
    let a = c.activity();
    let mut r = vec![Reason::Distance {
        metres: distance.round() as u32,
    }];
    let (mut exact, mut related) = (Vec::new(), Vec::new());
    for ai in a.interest_ids() {
        let m = table.get(ai);
        if m >= 1.0 {
            exact.push(ai);
        } else if m > 0.0 {
            related.push(ai);
        }
    }
    if !exact.is_empty() || !related.is_empty() {
        r.push(Reason::Interests { exact, related });
    }
    r.push(match a.cost {
        Cost::Free => Reason::Free,
        Cost::PayWhatYouCan => Reason::PayWhatYouCan,
        Cost::Amount(c) => Reason::WithinBudget { cents: c },
    });
    if p.availability != 0 {
        r.push(Reason::WhenFree {
            weekday: s.weekday,
            part: day_part(s.hour),
        });
    }
    if p.new_to_activities || p.wants_company {
        if a.low_barrier & LB_WELCOMER != 0 {
            r.push(Reason::Welcomer);
        }
        if a.low_barrier & LB_FIRST_TIMER != 0 {
            r.push(Reason::FirstTimerFriendly);
        }
        if a.low_barrier & LB_COME_ALONE != 0 {
            r.push(Reason::ComeAlone);
        }
    }
    if p.prefers_small_groups {
        if let Some(c) = a.capacity.filter(|c| *c <= w.small_group_max) {
            r.push(Reason::SmallGroup { capacity: c });
        }
    }
    if let Some(code) = c
        .language_codes()
        .into_iter()
        .find(|l| p.spoken.iter().any(|m| m == l))
    {
        r.push(Reason::Language { code });
    } else if a.low_barrier & LB_LANGUAGE_LIGHT != 0 {
        r.push(Reason::LanguageLight);
    }
    if p.wheelchair {
        r.push(Reason::WheelchairAccessible);
    }
    if p.accessibility != 0 {
        r.push(Reason::AccessibilityMet {
            features: ACCESSIBILITY
                .iter()
                .enumerate()
                .filter(|(i, _)| p.accessibility & (1 << i) != 0)
                .map(|(_, v)| v.to_string())
                .collect(),
        });
    }
    if s.seats_left.is_some_and(|n| n <= 0) {
        r.push(Reason::Waitlist);
    }
    debug_assert!(LOW_BARRIER.len() <= 8);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-built activity with its sessions (`y` = metres north of home).
    #[derive(Clone)]
    struct Act {
        id: i64,
        y: f64,
        languages: Vec<Box<str>>,
        wheelchair: u8,
        accessibility: u8,
        low_barrier: u8,
        cost: Cost,
        capacity: Option<i32>,
        interests: Vec<i64>,
        sessions: Vec<SessionFacts>,
    }

    fn table() -> LanguageTable {
        let mut t = LanguageTable::default();
        for c in ["it", "ar", "fr", "en"] {
            t.add(c);
        }
        t
    }

    /// The compact facts of an activity, with a reference to it for its sessions.
    #[test]
    fn an_interest_mask_never_promises_less_overlap_than_the_interests_give() {
        let mut x: u64 = 5;
        let mut next = move |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        let mut tight = 0;
        for round in 0..3000 {
            // Ids up to 40, or ids that share bits (n and n + 64).
            let shared = round % 2 == 1;
            let id = |next: &mut dyn FnMut(u64) -> u64| {
                if shared {
                    1 + next(8) + 64 * next(2)
                } else {
                    1 + next(40)
                }
            };
            let mut weights: Vec<(i64, f64)> = Vec::new();
            for _ in 0..1 + next(8) {
                let w = [1.0, 0.5, 0.3, -0.2][next(4) as usize];
                weights.push((id(&mut next) as i64, w));
            }
            let table = InterestTable::new(weights);
            let mut interests = [0u32; 5];
            for slot in interests.iter_mut().take(1 + next(5) as usize) {
                *slot = id(&mut next) as u32;
            }
            let facts = ActivityFacts {
                id: 1,
                x: 0.0,
                y: 0.0,
                languages: 0,
                slots: 0,
                first_start: 0,
                first_slot: 0,
                interests,
                cost: Cost::Free,
                capacity: None,
                wheelchair: 0,
                accessibility: 0,
                low_barrier: 0,
            };
            let overlap = interest_overlap(&facts, &table);
            let ceiling = table.ceiling(facts.interest_mask());
            assert!(
                overlap <= ceiling + 1e-12,
                "{interests:?}: {overlap} > {ceiling}"
            );
            tight += usize::from(overlap > 0.0 && (ceiling - overlap).abs() < 1e-12);
        }
        assert!(tight > 200, "the ceiling is tight only {tight} times");
    }

    #[derive(Clone, Copy)]
    struct Prep<'a> {
        facts: ActivityFacts,
        act: &'a Act,
    }

    fn prep(a: &Act) -> Prep<'_> {
        let mut interests = [0u32; 5];
        for (slot, i) in interests.iter_mut().zip(&a.interests) {
            *slot = *i as u32;
        }
        Prep {
            facts: ActivityFacts {
                id: a.id,
                x: 0.0,
                y: a.y as f32,
                languages: table().mask(a.languages.iter().map(|l| &**l)),
                slots: a
                    .sessions
                    .iter()
                    .fold(0, |m, s| m | slot_bit(s.weekday, s.hour)),
                first_start: a.sessions.first().map_or(i64::MAX, |s| s.starts_at),
                first_slot: a
                    .sessions
                    .first()
                    .map_or(0, |s| slot_bit(s.weekday, s.hour)),
                interests,
                cost: a.cost,
                capacity: a.capacity,
                wheelchair: a.wheelchair,
                accessibility: a.accessibility,
                low_barrier: a.low_barrier,
            },
            act: a,
        }
    }

    impl Candidate for Prep<'_> {
        fn activity(&self) -> &ActivityFacts {
            &self.facts
        }
        fn session_count(&self) -> usize {
            self.act.sessions.len()
        }
        fn session(&self, i: usize) -> SessionFacts {
            self.act.sessions[i]
        }
        fn language_codes(&self) -> Vec<String> {
            self.act.languages.iter().map(|l| l.to_string()).collect()
        }
        fn seats_follow_capacity(&self) -> bool {
            self.act
                .sessions
                .iter()
                .all(|s| s.seats_left == self.act.capacity && !s.waitlist_open)
        }
    }

    fn run(
        p: &Profile,
        acts: &[Act],
        t: &Taxonomy,
        h: &History,
        w: &Weights,
        now: i64,
        limit: usize,
    ) -> Vec<Suggestion> {
        suggest(p, acts.iter().map(prep), t, h, w, now, limit)
    }

    fn speaks(p: &mut Profile, codes: &[&str]) {
        p.languages = table().mask(codes.iter().copied());
        p.spoken = codes.iter().map(|c| c.to_string()).collect();
    }

    const NOW: i64 = 1_790_000_000;
    const GARDENING: i64 = 11;
    const NATURE: i64 = 10;
    const CHOIR: i64 = 21;
    const MUSIC: i64 = 20;

    fn taxonomy() -> Taxonomy {
        Taxonomy {
            parent: [(GARDENING, NATURE), (CHOIR, MUSIC)].into_iter().collect(),
        }
    }

    fn session(id: i64, days: i64, weekday: u8, hour: u8) -> SessionFacts {
        SessionFacts {
            id,
            starts_at: NOW + days * 86_400,
            weekday,
            hour,
            seats_left: Some(10),
            waitlist_open: false,
        }
    }

    fn act(id: i64, metres: f64) -> Act {
        Act {
            id,
            y: metres,
            languages: vec!["it".into()],
            wheelchair: 2,
            accessibility: 0,
            low_barrier: 0,
            cost: Cost::Free,
            capacity: Some(20),
            interests: vec![],
            sessions: vec![session(id * 100, 2, 2, 10)],
        }
    }

    fn profile() -> Profile {
        let mut p = Profile {
            radius_m: 1500.0,
            ..Default::default()
        };
        speaks(&mut p, &["it"]);
        p
    }

    fn ids(p: &Profile, acts: &[Act]) -> Vec<i64> {
        ids_with(p, acts, &History::default())
    }

    fn ids_with(p: &Profile, acts: &[Act], h: &History) -> Vec<i64> {
        run(p, acts, &taxonomy(), h, &Weights::default(), NOW, 10)
            .iter()
            .map(|s| s.activity_id)
            .collect()
    }

    #[test]
    fn outside_the_travel_radius_is_excluded() {
        let acts = [act(1, 1400.0), act(2, 1600.0)];
        assert_eq!(ids(&profile(), &acts), vec![1]);
    }

    #[test]
    fn a_wheelchair_user_never_gets_a_venue_without_full_access() {
        let mut a = act(1, 100.0);
        a.wheelchair = 0;
        let mut b = act(2, 100.0);
        b.wheelchair = 1;
        let c = act(3, 100.0);
        let mut p = profile();
        p.wheelchair = true;
        assert_eq!(ids(&p, &[a.clone(), b.clone(), c.clone()]), vec![3]);
        p.wheelchair = false;
        assert_eq!(ids(&p, &[a, b, c]).len(), 3);
    }

    #[test]
    fn accessibility_needs_must_all_be_met() {
        let mut p = profile();
        p.accessibility = 0b11;
        let mut a = act(1, 100.0);
        a.accessibility = 0b01;
        let mut b = act(2, 100.0);
        b.accessibility = 0b111;
        assert_eq!(ids(&p, &[a, b]), vec![2]);
    }

    #[test]
    fn a_language_the_resident_speaks_or_language_light() {
        let mut p = profile();
        speaks(&mut p, &["ar"]);
        let a = act(1, 100.0);
        let mut b = act(2, 100.0);
        b.low_barrier = LB_LANGUAGE_LIGHT;
        let mut c = act(3, 100.0);
        c.languages = vec!["it".into(), "ar".into()];
        let mut got = ids(&p, &[a, b, c]);
        got.sort();
        assert_eq!(got, vec![2, 3]);
    }

    #[test]
    fn over_budget_is_excluded_and_free_only_means_free() {
        let mut p = profile();
        p.budget_cents = Some(0);
        let mut a = act(1, 100.0);
        a.cost = Cost::Amount(500);
        let mut b = act(2, 100.0);
        b.cost = Cost::PayWhatYouCan;
        let c = act(3, 100.0);
        let mut got = ids(&p, &[a.clone(), b.clone(), c.clone()]);
        got.sort();
        assert_eq!(got, vec![2, 3]);
        p.budget_cents = Some(500);
        assert_eq!(ids(&p, &[a.clone(), b.clone(), c.clone()]).len(), 3);
        p.budget_cents = Some(499);
        assert_eq!(ids(&p, &[a, b, c]).len(), 2);
    }

    #[test]
    fn sessions_outside_the_residents_free_time_are_skipped() {
        let mut p = profile();
        p.availability = slot_bit(4, 15); // Thursday afternoon
        let mut a = act(1, 100.0);
        a.sessions = vec![session(10, 1, 2, 10), session(11, 3, 4, 15)];
        let b = act(2, 100.0); // Tuesday 10:00 only
        let got = run(
            &p,
            &[a, b],
            &taxonomy(),
            &History::default(),
            &Weights::default(),
            NOW,
            10,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].session_id, 11);
        assert!(got[0].reasons.contains(&Reason::WhenFree {
            weekday: 4,
            part: 1
        }));
        // The same when nobody booked (seats follow the capacity: the quick path), whichever
        // of the two comes first.
        let mut a = act(1, 100.0);
        a.sessions = vec![session(10, 1, 2, 10), session(11, 3, 4, 15)];
        for s in &mut a.sessions {
            s.seats_left = a.capacity;
        }
        let mut later_first = a.clone();
        later_first.sessions = vec![session(12, 1, 4, 15), session(13, 3, 2, 10)];
        for s in &mut later_first.sessions {
            s.seats_left = a.capacity;
        }
        later_first.id = 3;
        let h = History::default();
        let w = Weights::default();
        let got = run(&p, &[a, later_first], &taxonomy(), &h, &w, NOW, 10);
        let mut sessions: Vec<i64> = got.iter().map(|s| s.session_id).collect();
        sessions.sort();
        assert_eq!(sessions, vec![11, 12]);
    }

    #[test]
    fn booked_sessions_and_activities_are_not_suggested_again() {
        let mut a = act(1, 100.0);
        a.sessions = vec![session(10, 1, 2, 10), session(11, 8, 2, 10)];
        let b = act(2, 100.0);
        let h = History {
            booked_sessions: [10].into_iter().collect(),
            ..Default::default()
        };
        let got = run(
            &profile(),
            &[a.clone(), b.clone()],
            &taxonomy(),
            &h,
            &Weights::default(),
            NOW,
            10,
        );
        assert_eq!(
            got.iter()
                .find(|s| s.activity_id == 1)
                .map(|s| s.session_id),
            Some(11)
        );
        let h = History {
            booked_activities: [2].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(ids_with(&profile(), &[a, b], &h), vec![1]);
    }

    #[test]
    fn full_sessions_only_with_an_open_waitlist() {
        let mut a = act(1, 100.0);
        a.sessions[0].seats_left = Some(0);
        let mut b = act(2, 100.0);
        b.sessions[0].seats_left = Some(0);
        b.sessions[0].waitlist_open = true;
        let got = run(
            &profile(),
            &[a, b],
            &taxonomy(),
            &History::default(),
            &Weights::default(),
            NOW,
            10,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].activity_id, 2);
        assert!(got[0].reasons.contains(&Reason::Waitlist));
    }

    #[test]
    fn sessions_too_soon_or_beyond_the_window_are_skipped() {
        let mut a = act(1, 100.0);
        a.sessions = vec![SessionFacts {
            starts_at: NOW + 30 * 60,
            ..session(10, 0, 2, 10)
        }];
        let mut b = act(2, 100.0);
        b.sessions = vec![session(20, 40, 2, 10)];
        assert!(ids(&profile(), &[a, b]).is_empty());
    }

    #[test]
    fn nearer_ranks_first_all_else_equal() {
        let acts = [act(1, 1200.0), act(2, 200.0), act(3, 700.0)];
        assert_eq!(ids(&profile(), &acts), vec![2, 3, 1]);
    }

    #[test]
    fn a_matching_interest_beats_a_little_distance_and_parents_count_partly() {
        let mut p = profile();
        p.interests = vec![NATURE];
        let mut exact = act(1, 900.0);
        exact.interests = vec![NATURE];
        let mut child = act(2, 900.0);
        child.interests = vec![GARDENING];
        let mut other = act(3, 300.0);
        other.interests = vec![CHOIR];
        assert_eq!(ids(&p, &[child.clone(), exact]), vec![1, 2]);
        assert_eq!(ids(&p, &[other, child]), vec![2, 3]);
    }

    #[test]
    fn reasons_are_present_and_true() {
        let mut p = profile();
        p.interests = vec![GARDENING];
        p.new_to_activities = true;
        p.prefers_small_groups = true;
        let mut a = act(1, 900.0);
        a.interests = vec![GARDENING];
        a.low_barrier = LB_WELCOMER;
        a.capacity = Some(8);
        let got = run(
            &p,
            &[a],
            &taxonomy(),
            &History::default(),
            &Weights::default(),
            NOW,
            10,
        );
        let r = &got[0].reasons;
        match r[0] {
            Reason::Distance { metres } => assert!((890..=910).contains(&metres), "{metres}"),
            ref x => panic!("{x:?}"),
        }
        assert!(r.contains(&Reason::Interests {
            exact: vec![GARDENING],
            related: vec![]
        }));
        assert!(r.contains(&Reason::Free));
        assert!(r.contains(&Reason::Welcomer));
        assert!(r.contains(&Reason::SmallGroup { capacity: 8 }));
        assert!(r.contains(&Reason::Language { code: "it".into() }));
        assert!(!r.contains(&Reason::FirstTimerFriendly));
    }

    #[test]
    fn welcomers_lift_sessions_for_people_who_have_not_been_out_yet() {
        let mut p = profile();
        let plain = act(1, 300.0);
        let mut welcoming = act(2, 600.0);
        welcoming.low_barrier = LB_WELCOMER | LB_FIRST_TIMER;
        assert_eq!(ids(&p, &[plain.clone(), welcoming.clone()]), vec![1, 2]);
        p.new_to_activities = true;
        assert_eq!(ids(&p, &[plain, welcoming]), vec![2, 1]);
    }

    #[test]
    fn small_groups_rank_higher_for_those_who_prefer_them() {
        let mut p = profile();
        p.prefers_small_groups = true;
        let big = act(1, 300.0);
        let mut small = act(2, 700.0);
        small.capacity = Some(6);
        assert_eq!(ids(&p, &[big, small]), vec![2, 1]);
    }

    #[test]
    fn a_declined_activity_sinks() {
        let acts = [act(1, 200.0), act(2, 600.0)];
        let h = History {
            declined: [(1, 1)].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(ids_with(&profile(), &acts, &h), vec![2, 1]);
    }

    #[test]
    fn results_are_diverse_not_ten_of_one_interest() {
        let mut p = profile();
        p.interests = vec![GARDENING, CHOIR];
        let mut acts = Vec::new();
        for i in 0..6 {
            let mut a = act(i + 1, 100.0 + i as f64 * 10.0);
            a.interests = vec![GARDENING];
            acts.push(a);
        }
        let mut choir = act(50, 800.0);
        choir.interests = vec![CHOIR];
        acts.push(choir);
        let got = ids(&p, &acts);
        let pos = got.iter().position(|&i| i == 50).unwrap();
        assert!(pos <= 2, "the choir comes early, not last: {got:?}");
        assert_eq!(got.len(), 7);
    }

    #[test]
    fn one_suggestion_per_activity_and_the_limit_holds() {
        let mut a = act(1, 100.0);
        a.sessions = (0..5).map(|i| session(10 + i, 1 + i, 2, 10)).collect();
        let acts: Vec<Act> = std::iter::once(a)
            .chain((2..30).map(|i| act(i, 50.0 * i as f64)))
            .collect();
        let got = run(
            &profile(),
            &acts,
            &taxonomy(),
            &History::default(),
            &Weights::default(),
            NOW,
            5,
        );
        assert_eq!(got.len(), 5);
        assert_eq!(got.iter().filter(|s| s.activity_id == 1).count(), 1);
    }
}
