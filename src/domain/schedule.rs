//! When an activity happens: a first start in local time, a duration, an optional RFC 5545
//! RRULE with exception dates, expanded (bounded) into sessions in UTC. The `rrule` crate does
//! the recurrence arithmetic; this module only bounds and validates it.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// The finest recurrence allowed: activities happen at most a few times a day.
pub const MAX_SESSIONS_PER_DAY: i64 = 4;

/// A validated schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub tz: Tz,
    pub dtstart_local: NaiveDateTime,
    pub duration_minutes: i32,
    /// The RRULE value without the `RRULE:` prefix, or empty for a one-off.
    pub rrule: String,
    pub exdates: Vec<NaiveDateTime>,
}

/// One occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The occurrence's original local start: its identity (RECURRENCE-ID) within the series.
    pub local: NaiveDateTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Why a schedule is refused; each maps to a field and a Fluent message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub field: &'static str,
    pub message_id: &'static str,
}

fn err(field: &'static str, message_id: &'static str) -> ScheduleError {
    ScheduleError { field, message_id }
}

/// The local time format used in forms and in `exdates` storage.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Parses a local date-time typed in a form (`2026-12-01T10:00`, seconds optional).
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, LOCAL_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()
}

/// Local → UTC; a time skipped by a daylight-saving change is an error, an ambiguous one
/// takes the earlier instant.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

impl Schedule {
    /// Checks a schedule as typed.
    pub fn parse(
        tz: &str,
        dtstart_local: &str,
        duration_minutes: i64,
        rrule: &str,
        exdates: &[String],
    ) -> Result<Schedule, ScheduleError> {
        let tz = Tz::from_str(tz.trim()).map_err(|_| err("timezone", "err-timezone"))?;
        let dtstart = parse_local(dtstart_local).ok_or_else(|| err("starts_at", "err-datetime"))?;
        if to_utc(tz, dtstart).is_none() {
            return Err(err("starts_at", "err-datetime-dst"));
        }
        if !(5..=24 * 60).contains(&duration_minutes) {
            return Err(err("duration_minutes", "err-duration"));
        }
        let rule = rrule.trim();
        let rule = rule
            .strip_prefix("RRULE:")
            .unwrap_or(rule)
            .trim()
            .to_string();
        if rule.contains('\n') || rule.to_ascii_uppercase().contains("DTSTART") {
            return Err(err("rrule", "err-rrule"));
        }
        let mut ex = Vec::new();
        for e in exdates.iter().filter(|e| !e.trim().is_empty()) {
            ex.push(parse_local(e).ok_or_else(|| err("exdates", "err-datetime"))?);
        }
        ex.sort();
        ex.dedup();
        let s = Schedule {
            tz,
            dtstart_local: dtstart,
            duration_minutes: duration_minutes as i32,
            rrule: rule,
            exdates: ex,
        };
        if !s.rrule.is_empty() {
            let upper = s.rrule.to_ascii_uppercase();
            if ["FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY"]
                .iter()
                .any(|f| upper.contains(f))
            {
                return Err(err("rrule", "err-rrule-too-frequent"));
            }
            s.rule_set()?;
        }
        Ok(s)
    }

    fn rule_set(&self) -> Result<rrule::RRuleSet, ScheduleError> {
        let tz = rrule::Tz::Tz(self.tz);
        let start = tz
            .from_local_datetime(&self.dtstart_local)
            .earliest()
            .ok_or_else(|| err("starts_at", "err-datetime-dst"))?;
        let rule = rrule::RRule::<rrule::Unvalidated>::from_str(&self.rrule)
            .map_err(|_| err("rrule", "err-rrule"))?;
        let mut set = rule.build(start).map_err(|_| err("rrule", "err-rrule"))?;
        for ex in &self.exdates {
            if let Some(d) = tz.from_local_datetime(ex).earliest() {
                set = set.exdate(d);
            }
        }
        Ok(set)
    }

    /// The occurrences that start in `[from, to)`, at most `MAX_SESSIONS_PER_DAY` per day of
    /// the window. A rule without end is simply cut at `to`; a rule that would produce more
    /// is refused as too frequent.
    pub fn expand(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ScheduleError> {
        let duration = Duration::minutes(self.duration_minutes as i64);
        let mk = |local: NaiveDateTime| -> Option<Slot> {
            let starts_at = to_utc(self.tz, local)?;
            Some(Slot {
                local,
                starts_at,
                ends_at: starts_at + duration,
            })
        };
        if self.rrule.is_empty() {
            return Ok(mk(self.dtstart_local)
                .filter(|s| {
                    s.starts_at >= from && s.starts_at < to && !self.exdates.contains(&s.local)
                })
                .into_iter()
                .collect());
        }
        let days = (to - from).num_days().max(1);
        let cap = (days * MAX_SESSIONS_PER_DAY).min(u16::MAX as i64) as u16;
        let tz = rrule::Tz::Tz(self.tz);
        let set = self
            .rule_set()?
            .after(from.with_timezone(&tz) - Duration::seconds(1))
            .before(to.with_timezone(&tz));
        let result = set.all(cap);
        if result.limited && result.dates.len() >= cap as usize {
            return Err(err("rrule", "err-rrule-too-frequent"));
        }
        Ok(result
            .dates
            .into_iter()
            .filter_map(|d| mk(d.naive_local()))
            .filter(|s| s.starts_at >= from && s.starts_at < to)
            .collect())
    }

    /// The RRULE line for iCalendar (empty for a one-off).
    pub fn rrule_line(&self) -> String {
        if self.rrule.is_empty() {
            String::new()
        } else {
            format!("RRULE:{}", self.rrule)
        }
    }

    /// Exception dates in storage form (comma-separated local times).
    pub fn exdates_text(&self) -> String {
        self.exdates
            .iter()
            .map(|d| d.format(LOCAL_FORMAT).to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn a_weekly_rule_expands_in_local_time_across_daylight_saving() {
        let s = Schedule::parse(
            "Europe/Rome",
            "2026-10-20T10:00",
            90,
            "FREQ=WEEKLY;BYDAY=TU",
            &[],
        )
        .unwrap();
        let slots = s
            .expand(utc("2026-10-01T00:00:00Z"), utc("2026-11-05T00:00:00Z"))
            .unwrap();
        let starts: Vec<String> = slots.iter().map(|s| s.starts_at.to_rfc3339()).collect();
        // 10:00 in Rome is 08:00Z in summer time and 09:00Z after 25 October.
        assert_eq!(
            starts,
            [
                "2026-10-20T08:00:00+00:00",
                "2026-10-27T09:00:00+00:00",
                "2026-11-03T09:00:00+00:00"
            ]
        );
        assert_eq!(slots[0].ends_at - slots[0].starts_at, Duration::minutes(90));
    }

    #[test]
    fn exception_dates_remove_occurrences() {
        let s = Schedule::parse(
            "Europe/Rome",
            "2026-12-01T10:00",
            60,
            "RRULE:FREQ=WEEKLY",
            &["2026-12-08T10:00".into()],
        )
        .unwrap();
        let slots = s
            .expand(utc("2026-11-30T00:00:00Z"), utc("2026-12-20T00:00:00Z"))
            .unwrap();
        let locals: Vec<String> = slots
            .iter()
            .map(|s| s.local.format(LOCAL_FORMAT).to_string())
            .collect();
        assert_eq!(locals, ["2026-12-01T10:00", "2026-12-15T10:00"]);
    }

    #[test]
    fn an_endless_rule_is_cut_at_the_horizon() {
        let s = Schedule::parse("Europe/Rome", "2026-12-01T10:00", 60, "FREQ=DAILY", &[]).unwrap();
        let slots = s
            .expand(utc("2026-12-01T00:00:00Z"), utc("2027-03-01T00:00:00Z"))
            .unwrap();
        assert_eq!(slots.len(), 90);
    }

    #[test]
    fn hostile_or_broken_rules_are_refused() {
        let e = Schedule::parse("Europe/Rome", "2026-12-01T10:00", 60, "FREQ=SECONDLY", &[])
            .unwrap_err();
        assert_eq!(e.message_id, "err-rrule-too-frequent");
        let e =
            Schedule::parse("Europe/Rome", "2026-12-01T10:00", 60, "FREQ=NEVER", &[]).unwrap_err();
        assert_eq!(e.field, "rrule");
        let e = Schedule::parse(
            "Europe/Rome",
            "2026-12-01T10:00",
            60,
            "DTSTART:20000101T000000Z\nRRULE:FREQ=DAILY",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.field, "rrule");
        let s = Schedule::parse(
            "Europe/Rome",
            "2026-12-01T10:00",
            60,
            "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8",
            &[],
        )
        .unwrap();
        let e = s
            .expand(utc("2026-12-01T00:00:00Z"), utc("2027-03-01T00:00:00Z"))
            .unwrap_err();
        assert_eq!(e.message_id, "err-rrule-too-frequent");
    }

    #[test]
    fn bad_times_are_refused() {
        assert_eq!(
            Schedule::parse("Mars/Olympus", "2026-12-01T10:00", 60, "", &[])
                .unwrap_err()
                .field,
            "timezone"
        );
        assert_eq!(
            Schedule::parse("Europe/Rome", "tomorrow", 60, "", &[])
                .unwrap_err()
                .field,
            "starts_at"
        );
        // 02:30 does not exist in Rome on 29 March 2026.
        assert_eq!(
            Schedule::parse("Europe/Rome", "2026-03-29T02:30", 60, "", &[])
                .unwrap_err()
                .message_id,
            "err-datetime-dst"
        );
        assert_eq!(
            Schedule::parse("Europe/Rome", "2026-12-01T10:00", 0, "", &[])
                .unwrap_err()
                .field,
            "duration_minutes"
        );
    }

    #[test]
    fn a_one_off_has_one_session_inside_the_window() {
        let s = Schedule::parse("Europe/Rome", "2026-12-01T10:00", 60, "", &[]).unwrap();
        assert_eq!(
            s.expand(utc("2026-11-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"))
                .unwrap()
                .len(),
            1
        );
        assert!(s
            .expand(utc("2026-12-02T00:00:00Z"), utc("2027-01-01T00:00:00Z"))
            .unwrap()
            .is_empty());
    }
}
