//! Loneliness questionnaires, scored here and nowhere else.
//!
//! - **UCLA 3-item loneliness scale** (Hughes et al., 2004): "How often do you feel that you
//!   lack companionship / left out / isolated from others?", each answered 1 = hardly ever,
//!   2 = some of the time, 3 = often. The total runs from 3 to 9; by convention 6 or more is
//!   read as "lonely" (the threshold is a setting).
//! - **ONS direct question** ("How often do you feel lonely?"), in the Office for National
//!   Statistics' own coding: 1 = often/always, 2 = some of the time, 3 = occasionally,
//!   4 = hardly ever, 5 = never. "Often/always" is what the ONS reports as chronic loneliness.
//!
//! The same instruments are repeated at follow-ups, so answers are stored as given and the
//! score can always be recomputed.

use serde::{Deserialize, Serialize};

/// The instruments Legami records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// UCLA 3-item loneliness scale.
    Ucla3,
    /// ONS direct question.
    Ons,
}

/// UCLA-3 item keys, in order.
pub const UCLA3_ITEMS: &[&str] = &["companionship", "left_out", "isolated"];
/// UCLA-3 answer keys for 1, 2, 3.
pub const UCLA3_ANSWERS: &[&str] = &["hardly_ever", "some_of_the_time", "often"];
/// ONS answer keys for 1 … 5.
pub const ONS_ANSWERS: &[&str] = &[
    "often_always",
    "some_of_the_time",
    "occasionally",
    "hardly_ever",
    "never",
];

/// When in a resident's path the questionnaire was taken.
pub const CONTEXTS: &[&str] = &["intake", "follow_up"];

impl Instrument {
    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Ucla3 => "ucla3",
            Instrument::Ons => "ons",
        }
    }

    /// The instrument with this key.
    pub fn parse(s: &str) -> Option<Instrument> {
        match s {
            "ucla3" => Some(Instrument::Ucla3),
            "ons" => Some(Instrument::Ons),
            _ => None,
        }
    }

    /// How many answers it takes.
    pub fn items(self) -> usize {
        match self {
            Instrument::Ucla3 => 3,
            Instrument::Ons => 1,
        }
    }

    /// The range of each answer.
    pub fn answer_range(self) -> std::ops::RangeInclusive<i32> {
        match self {
            Instrument::Ucla3 => 1..=3,
            Instrument::Ons => 1..=5,
        }
    }
}

/// A scored questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Scored {
    /// UCLA-3: the total (3–9). ONS: the answer code (1 = often/always … 5 = never).
    pub score: i32,
    /// UCLA-3: score ≥ threshold. ONS: "often/always".
    pub lonely: bool,
}

/// Why answers cannot be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("expected {expected} answers, got {got}")]
    WrongCount { expected: usize, got: usize },
    #[error("answer {item} is {value}, outside {lo}–{hi}")]
    OutOfRange {
        item: usize,
        value: i32,
        lo: i32,
        hi: i32,
    },
}

/// Scores answers; `ucla_threshold` is the UCLA-3 total from which a person reads as lonely.
pub fn score(
    instrument: Instrument,
    answers: &[i32],
    ucla_threshold: i32,
) -> Result<Scored, ScoreError> {
    if answers.len() != instrument.items() {
        return Err(ScoreError::WrongCount {
            expected: instrument.items(),
            got: answers.len(),
        });
    }
    let range = instrument.answer_range();
    for (item, &value) in answers.iter().enumerate() {
        if !range.contains(&value) {
            return Err(ScoreError::OutOfRange {
                item,
                value,
                lo: *range.start(),
                hi: *range.end(),
            });
        }
    }
    Ok(match instrument {
        Instrument::Ucla3 => {
            let score: i32 = answers.iter().sum();
            Scored {
                score,
                lonely: score >= ucla_threshold,
            }
        }
        Instrument::Ons => Scored {
            score: answers[0],
            lonely: answers[0] == 1,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ucla(a: [i32; 3]) -> Scored {
        score(Instrument::Ucla3, &a, 6).unwrap()
    }

    #[test]
    fn ucla_scores_at_the_boundaries() {
        assert_eq!(
            ucla([1, 1, 1]),
            Scored {
                score: 3,
                lonely: false
            }
        );
        assert_eq!(
            ucla([2, 2, 1]),
            Scored {
                score: 5,
                lonely: false
            }
        );
        assert_eq!(
            ucla([2, 2, 2]),
            Scored {
                score: 6,
                lonely: true
            }
        );
        assert_eq!(
            ucla([3, 3, 3]),
            Scored {
                score: 9,
                lonely: true
            }
        );
    }

    #[test]
    fn the_ucla_threshold_is_a_setting() {
        assert!(!score(Instrument::Ucla3, &[2, 2, 2], 7).unwrap().lonely);
        assert!(score(Instrument::Ucla3, &[3, 2, 2], 7).unwrap().lonely);
    }

    #[test]
    fn answers_outside_the_scale_are_refused() {
        assert_eq!(
            score(Instrument::Ucla3, &[0, 2, 2], 6),
            Err(ScoreError::OutOfRange {
                item: 0,
                value: 0,
                lo: 1,
                hi: 3
            })
        );
        assert!(score(Instrument::Ucla3, &[1, 2, 4], 6).is_err());
        assert!(score(Instrument::Ons, &[6], 6).is_err());
        assert!(score(Instrument::Ons, &[0], 6).is_err());
        assert_eq!(
            score(Instrument::Ucla3, &[1, 2], 6),
            Err(ScoreError::WrongCount {
                expected: 3,
                got: 2
            })
        );
    }

    #[test]
    fn ons_often_or_always_is_lonely() {
        assert!(score(Instrument::Ons, &[1], 6).unwrap().lonely);
        for a in 2..=5 {
            let s = score(Instrument::Ons, &[a], 6).unwrap();
            assert!(!s.lonely);
            assert_eq!(s.score, a);
        }
    }
}
