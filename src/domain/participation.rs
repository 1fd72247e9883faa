//! Taking part, as pure rules: who gets a seat and who waits, which waiting people a freed
//! seat goes to, companion seats, guests' contact details, check-in codes, referrals' states,
//! and what organizer and resident said about attendance.
//!
//! The seat rule is enforced by the database in one guarded `UPDATE` (see
//! `db::participation::take_seat`), which must say exactly what [`Seats::admits`] says; the
//! unit tests here pin the rule and an integration test drives both backends through it.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The seat counters of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    /// `None`: no limit.
    pub capacity: Option<i32>,
    /// Seats held for residents referred by linkers…
    pub reserved: i32,
    /// …until this time (then they are everyone's). `None`: no hold.
    pub reserve_until: Option<NaiveDateTime>,
    /// Confirmed seats (companions included).
    pub taken: i32,
    /// Confirmed seats of referred residents (companions included).
    pub referred_taken: i32,
    /// Bookings on the waitlist.
    pub waiting: i32,
}

impl Seats {
    fn holding(&self, now: NaiveDateTime) -> bool {
        self.reserve_until.is_some_and(|u| u > now)
    }

    /// Seats still held for referred residents (0 once released).
    pub fn held(&self, now: NaiveDateTime) -> i32 {
        if self.holding(now) {
            (self.reserved - self.referred_taken).max(0)
        } else {
            0
        }
    }

    /// Whether a party of `seats` fits now (not counting the queue).
    pub fn fits(&self, seats: i32, referred: bool, now: NaiveDateTime) -> bool {
        let hold = if referred { 0 } else { self.held(now) };
        self.capacity.is_none_or(|c| self.taken + seats + hold <= c)
    }

    /// Whether a new join gets a seat at once. Nobody overtakes the waitlist, except a
    /// referred resident taking one of the seats held for referrals.
    pub fn admits(&self, seats: i32, referred: bool, now: NaiveDateTime) -> bool {
        self.fits(seats, referred, now)
            && (self.waiting == 0
                || (referred && self.holding(now) && self.referred_taken + seats <= self.reserved))
    }

    /// Seats anyone could still book now (`None`: no limit).
    pub fn left(&self, now: NaiveDateTime) -> Option<i32> {
        self.capacity
            .map(|c| (c - self.taken - self.held(now)).max(0))
    }

    /// Counts a confirmed party.
    pub fn take(&mut self, seats: i32, referred: bool) {
        self.taken += seats;
        if referred {
            self.referred_taken += seats;
        }
    }

    /// Frees a confirmed party's seats.
    pub fn release(&mut self, seats: i32, referred: bool) {
        self.taken = (self.taken - seats).max(0);
        if referred {
            self.referred_taken = (self.referred_taken - seats).max(0);
        }
    }
}

/// One booking on a waitlist, in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub booking_id: i64,
    pub seats: i32,
    pub referred: bool,
}

/// Who is promoted from the waitlist (given in arrival order) to the seats free now: the
/// first in line whose party fits, then the next, and so on. A party of two that does not
/// fit one free seat keeps its place, and the seat goes to the next person who fits, so no
/// seat stays empty while someone who fits is waiting. Updates `seats`.
pub fn promotions(seats: &mut Seats, waitlist: &[Waiting], now: NaiveDateTime) -> Vec<i64> {
    let mut out = Vec::new();
    for w in waitlist {
        if seats.capacity.is_some_and(|c| seats.taken >= c) {
            break;
        }
        if seats.fits(w.seats, w.referred, now) {
            seats.take(w.seats, w.referred);
            seats.waiting = (seats.waiting - 1).max(0);
            out.push(w.booking_id);
        }
    }
    out
}

/// When the seats held for referrals become everyone's.
pub fn reserve_until(
    starts_at: NaiveDateTime,
    reserved: i32,
    release_hours: i64,
) -> Option<NaiveDateTime> {
    (reserved > 0).then(|| starts_at - Duration::hours(release_hours))
}

/// Who goes along: nobody, the linker, or a volunteer. A companion takes a seat too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Companion {
    #[default]
    None,
    Linker,
    Volunteer,
}

impl Companion {
    /// Parses a form or JSON value ("" is none).
    pub fn parse(s: &str) -> Option<Companion> {
        match s.trim() {
            "" | "none" => Some(Companion::None),
            "linker" => Some(Companion::Linker),
            "volunteer" => Some(Companion::Volunteer),
            _ => None,
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Companion::None => "",
            Companion::Linker => "linker",
            Companion::Volunteer => "volunteer",
        }
    }

    /// Seats the party takes.
    pub fn seats(self) -> i32 {
        if self == Companion::None {
            1
        } else {
            2
        }
    }
}

/// How a guest (no account) can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Phone(String),
}

/// A guest's join: a first name and one way to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    pub name: String,
    pub contact: Contact,
}

impl Guest {
    /// Checks a guest's form: a name (1–60 characters) and an e-mail or a phone number.
    /// Errors are (field, Fluent message id).
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
    ) -> Result<Guest, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() {
            errors.push(("name", "err-guest-name-missing"));
        } else if name.chars().count() > 60 || name.chars().any(char::is_control) {
            errors.push(("name", "err-guest-name-invalid"));
        }
        let (email, phone) = (email.trim(), phone.trim());
        let contact = if !email.is_empty() {
            if email_address::EmailAddress::parse_with_options(
                email,
                email_address::Options::default().with_required_tld(),
            )
            .is_ok()
                && email.len() <= 254
            {
                Some(Contact::Email(email.to_lowercase()))
            } else {
                errors.push(("email", "err-email-invalid"));
                None
            }
        } else if !phone.is_empty() {
            match normalize_phone(phone) {
                Some(p) => Some(Contact::Phone(p)),
                None => {
                    errors.push(("phone", "err-phone-invalid"));
                    None
                }
            }
        } else {
            errors.push(("email", "err-guest-contact-missing"));
            None
        };
        match contact {
            Some(contact) if errors.is_empty() => Ok(Guest {
                name: name.to_string(),
                contact,
            }),
            _ => Err(errors),
        }
    }

    /// The identity that makes a second join by the same guest find the first.
    pub fn key_material(&self) -> String {
        match &self.contact {
            Contact::Email(e) => format!("email:{e}"),
            Contact::Phone(p) => format!("phone:{p}"),
        }
    }
}

/// A phone number as digits with an optional leading `+` (spaces, dots, dashes and
/// brackets dropped); 6–15 digits (E.164 allows 15).
pub fn normalize_phone(s: &str) -> Option<String> {
    let s = s.trim();
    let (plus, rest) = match s.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    if !(6..=15).contains(&digits.len()) {
        return None;
    }
    Some(if plus { format!("+{digits}") } else { digits })
}

/// A check-in code: four digits, easy to read out and to type on a phone.
pub fn new_checkin_code() -> String {
    use rand::Rng;
    format!("{:04}", rand::rng().random_range(0..10_000u32))
}

/// Whether a typed check-in code is the session's (spaces ignored; constant time).
pub fn checkin_code_matches(typed: &str, code: &str) -> bool {
    use subtle::ConstantTimeEq;
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    !code.is_empty()
        && typed.len() == code.len()
        && bool::from(typed.as_bytes().ct_eq(code.as_bytes()))
}

/// When participants may check themselves in: from `opens_minutes` before the start until
/// the register is closed.
pub fn checkin_open(
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
    opens_minutes: i64,
    register_closed: bool,
) -> bool {
    !register_closed && now >= starts_at - Duration::minutes(opens_minutes)
}

/// A referral's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Proposed,
    Accepted,
    Declined,
    Expired,
    Attended,
    DidNotAttend,
}

impl ReferralStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Proposed => "proposed",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Expired => "expired",
            ReferralStatus::Attended => "attended",
            ReferralStatus::DidNotAttend => "did_not_attend",
        }
    }

    /// Parses a stored value.
    pub fn parse(s: &str) -> Option<ReferralStatus> {
        Some(match s {
            "proposed" => ReferralStatus::Proposed,
            "accepted" => ReferralStatus::Accepted,
            "declined" => ReferralStatus::Declined,
            "expired" => ReferralStatus::Expired,
            "attended" => ReferralStatus::Attended,
            "did_not_attend" => ReferralStatus::DidNotAttend,
            _ => return None,
        })
    }

    /// Whether a referral may go from `self` to `to`: proposed → accepted | declined |
    /// expired; accepted → attended | did_not_attend (and back, when the register is
    /// corrected). Nothing else.
    pub fn can_become(self, to: ReferralStatus) -> bool {
        use ReferralStatus::*;
        matches!(
            (self, to),
            (Proposed, Accepted | Declined | Expired)
                | (Accepted, Attended | DidNotAttend)
                | (Attended, DidNotAttend)
                | (DidNotAttend, Attended)
        )
    }
}

/// How a resident's answer to a referral was given.
pub fn answer_channel(s: &str) -> Option<&'static str> {
    match s.trim() {
        "online" => Some("online"),
        "phone" => Some("phone"),
        "in_person" => Some("in_person"),
        "signed_paper" => Some("signed_paper"),
        _ => None,
    }
}

/// The organizer's register for one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Attended,
    NoShow,
}

impl Attendance {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::NoShow => "no_show",
        }
    }

    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Attendance> {
        match s {
            "attended" => Some(Attendance::Attended),
            "no_show" => Some(Attendance::NoShow),
            _ => None,
        }
    }
}

/// Whether the organizer's register and the participant's own word disagree (both are kept;
/// this only flags it for the linker).
pub fn reports_disagree(register: &str, self_report: &str) -> bool {
    matches!(
        (register, self_report),
        ("attended", "did_not_go") | ("no_show", "went")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn seats(capacity: i32, taken: i32, waiting: i32) -> Seats {
        Seats {
            capacity: Some(capacity),
            reserved: 0,
            reserve_until: None,
            taken,
            referred_taken: 0,
            waiting,
        }
    }

    #[test]
    fn a_party_gets_a_seat_only_while_it_fits_and_nobody_waits() {
        let now = t(8);
        assert!(seats(20, 19, 0).admits(1, false, now));
        assert!(
            !seats(20, 19, 0).admits(2, false, now),
            "a companion seat counts"
        );
        assert!(!seats(20, 20, 0).admits(1, false, now));
        assert!(
            !seats(20, 10, 1).admits(1, false, now),
            "nobody overtakes the waitlist"
        );
        let open = Seats {
            capacity: None,
            ..seats(0, 500, 0)
        };
        assert!(open.admits(2, false, now));
        assert_eq!(open.left(now), None);
    }

    #[test]
    fn held_seats_are_for_referred_residents_until_released() {
        let s = Seats {
            reserved: 3,
            reserve_until: Some(t(10)),
            ..seats(10, 7, 0)
        };
        // 7 taken + 3 held = full for everyone else before 10:00…
        assert!(!s.admits(1, false, t(9)));
        assert_eq!(s.left(t(9)), Some(0));
        // …but a referred resident may take a held seat, even past a waitlist.
        assert!(s.admits(1, true, t(9)));
        assert!(Seats { waiting: 4, ..s }.admits(2, true, t(9)));
        // After the release time they are everyone's.
        assert!(s.admits(1, false, t(10)));
        assert_eq!(s.left(t(10)), Some(3));
        // Held seats already taken by referrals are not held twice.
        let used = Seats {
            referred_taken: 3,
            taken: 7,
            ..s
        };
        assert_eq!(used.held(t(9)), 0);
        assert!(used.admits(3, false, t(9)));
    }

    #[test]
    fn a_freed_seat_goes_to_the_first_in_line_who_fits() {
        let now = t(8);
        let w = |id, seats| Waiting {
            booking_id: id,
            seats,
            referred: false,
        };
        let mut s = seats(20, 19, 3);
        assert_eq!(
            promotions(&mut s, &[w(1, 2), w(2, 1), w(3, 1)], now),
            vec![2]
        );
        assert_eq!((s.taken, s.waiting), (20, 2));
        let mut s = seats(20, 17, 3);
        assert_eq!(
            promotions(&mut s, &[w(1, 2), w(2, 1), w(3, 1)], now),
            vec![1, 2]
        );
        let mut full = seats(20, 20, 3);
        assert!(promotions(&mut full, &[w(1, 1)], now).is_empty());
    }

    #[test]
    fn reserve_release_time_is_before_the_start() {
        assert_eq!(
            reserve_until(t(20), 2, 48),
            Some(t(20) - Duration::hours(48))
        );
        assert_eq!(reserve_until(t(20), 0, 48), None);
    }

    #[test]
    fn guests_give_a_name_and_a_way_to_reach_them() {
        let g = Guest::parse(" Anna ", "", "+39 02 1234-567").unwrap();
        assert_eq!(g.name, "Anna");
        assert_eq!(g.contact, Contact::Phone("+39021234567".into()));
        let g = Guest::parse("Anna", "Anna@Example.org", "").unwrap();
        assert_eq!(g.key_material(), "email:anna@example.org");
        assert_eq!(
            Guest::parse("", "", "").unwrap_err(),
            vec![
                ("name", "err-guest-name-missing"),
                ("email", "err-guest-contact-missing")
            ]
        );
        assert!(Guest::parse("Anna", "not-an-email", "").is_err());
        assert!(Guest::parse("Anna", "", "12ab34").is_err());
        assert!(Guest::parse("Anna", "", "123").is_err());
    }

    #[test]
    fn companions_take_a_seat() {
        assert_eq!(Companion::parse("").unwrap().seats(), 1);
        assert_eq!(Companion::parse("linker").unwrap().seats(), 2);
        assert_eq!(Companion::parse("volunteer").unwrap().seats(), 2);
        assert_eq!(Companion::parse("friend"), None);
    }

    #[test]
    fn check_in_codes_are_four_digits_and_compared_exactly() {
        let c = new_checkin_code();
        assert_eq!(c.len(), 4);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        assert!(checkin_code_matches(" 04 27", "0427"));
        assert!(!checkin_code_matches("0428", "0427"));
        assert!(!checkin_code_matches("", ""));
        assert!(checkin_open(t(10), t(9), 60, false));
        assert!(!checkin_open(t(10), t(8), 60, false));
        assert!(!checkin_open(t(10), t(11), 60, true));
    }

    #[test]
    fn referrals_move_only_forward() {
        use ReferralStatus::*;
        assert!(Proposed.can_become(Accepted));
        assert!(Proposed.can_become(Expired));
        assert!(!Declined.can_become(Accepted));
        assert!(!Expired.can_become(Accepted));
        assert!(Accepted.can_become(Attended));
        assert!(!Proposed.can_become(Attended));
        for s in [
            Proposed,
            Accepted,
            Declined,
            Expired,
            Attended,
            DidNotAttend,
        ] {
            assert_eq!(ReferralStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn disagreement_is_flagged_not_resolved() {
        assert!(reports_disagree("attended", "did_not_go"));
        assert!(reports_disagree("no_show", "went"));
        assert!(!reports_disagree("attended", "went"));
        assert!(!reports_disagree("", "went"));
    }
}
