//! Schedule expressions: `rate(...)` and `cron(...)`, validated as EventBridge validates them.
//!
//! A scheduled handler (`.schedule(...)`) fires on an EventBridge rule whose schedule is a
//! [`ScheduleExpression`]. The manifest keeps the expression as the AWS string
//! ([`Trigger::Schedule`](crate::Trigger::Schedule)); every consumer parses it with
//! `expression.parse::<ScheduleExpression>()`, so a bad expression fails where it is declared
//! and never reaches `PutRule` (moto accepts any string; AWS does not).
//!
//! The rules are AWS's own (EventBridge user guide, "Cron expressions reference" and "Rate
//! expressions reference"):
//!
//! - `rate(VALUE UNIT)`: a positive whole number and `minute`, `hour` or `day`, singular
//!   exactly when the value is 1 (`rate(1 hour)`, `rate(5 hours)`).
//! - `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`: six fields, in UTC. Minutes
//!   0-59, hours 0-23, day-of-month 1-31, month 1-12 or `JAN`-`DEC`, day-of-week 1-7 or
//!   `SUN`-`SAT` (1 is Sunday), year 1970-2199. `,` `-` `*` `/` work in every field; `?`, `L`
//!   and `W` in day-of-month (`L` last day, `L-3` three days before it, `LW` last weekday, `15W`
//!   the weekday nearest the 15th); `?`, `L` and `#` in day-of-week (`L` Saturday, `6L` the last Friday, `2#1` the first
//!   Monday). Exactly one of day-of-month and day-of-week is `?`: AWS cannot combine them.
//!
//! Beyond validation, [`ScheduleExpression::next_after`] computes when a schedule fires next;
//! `cargo flagon local` uses it to fire schedules on their real rate or cron.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use flagon_manifest::schedule::{Cron, Rate, ScheduleExpression};
//!
//! let last_friday: ScheduleExpression = "cron(15 10 ? * 6L 2002-2005)".parse().unwrap();
//! let after = Utc.with_ymd_and_hms(2002, 1, 1, 0, 0, 0).unwrap();
//! assert_eq!(last_friday.next_after(after), Some(Utc.with_ymd_and_hms(2002, 1, 25, 10, 15, 0).unwrap()));
//!
//! // The typed constructors build the same expressions.
//! assert_eq!(Rate::minutes(5).unwrap().to_string(), "rate(5 minutes)");
//! let cron = Cron::new("15", "10", "?", "*", "6L", "2002-2005").unwrap();
//! assert_eq!(ScheduleExpression::from(cron), last_friday);
//!
//! // Errors say which field, what value and what is allowed.
//! let err = "cron(0 9 ? * 8 *)".parse::<ScheduleExpression>().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "parse `cron(0 9 ? * 8 *)`: day-of-week `8` is out of range 1-7 (or SUN-SAT)"
//! );
//! assert!("rate(1 minutes)".parse::<ScheduleExpression>().is_err());
//! ```

mod cron;
mod next;
mod rate;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use cron::{Cron, CronField};
pub use rate::{Rate, RateUnit};

/// A validated EventBridge schedule expression.
///
/// Parses from and displays as the AWS string, and (de)serialises as that string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ScheduleExpression {
    /// `rate(VALUE UNIT)`.
    Rate(Rate),
    /// `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`.
    Cron(Cron),
}

impl ScheduleExpression {
    /// Parses and validates an AWS schedule expression; the same as [`str::parse`].
    pub fn parse(expression: &str) -> Result<Self, ScheduleError> {
        if let Some(inner) = expression
            .strip_prefix("rate(")
            .and_then(|s| s.strip_suffix(')'))
        {
            rate::parse(expression, inner).map(Self::Rate)
        } else if let Some(inner) = expression
            .strip_prefix("cron(")
            .and_then(|s| s.strip_suffix(')'))
        {
            cron::parse(expression, inner).map(Self::Cron)
        } else {
            Err(ScheduleError::new(
                expression,
                ScheduleErrorKind::NotRateOrCron,
            ))
        }
    }

    /// The first firing strictly after `t`, or `None` when the schedule never fires again
    /// (a cron whose years are all past, or a time beyond what `chrono` represents).
    ///
    /// A cron fires at second 0 of every matching minute, in UTC. A rate has no phase of its
    /// own (AWS starts it when the rule is created), so here it counts from `t` itself: the
    /// answer is `t` plus one period. To follow a rate from a known start, as `cargo flagon
    /// local` does from the moment it starts, use
    /// [`next_after_starting`](Self::next_after_starting).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use flagon_manifest::schedule::ScheduleExpression;
    ///
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 30).unwrap();
    /// let rate: ScheduleExpression = "rate(5 minutes)".parse().unwrap();
    /// assert_eq!(rate.next_after(t), Some(Utc.with_ymd_and_hms(2024, 5, 1, 12, 5, 30).unwrap()));
    /// let cron: ScheduleExpression = "cron(0/15 * * * ? *)".parse().unwrap();
    /// assert_eq!(cron.next_after(t), Some(Utc.with_ymd_and_hms(2024, 5, 1, 12, 15, 0).unwrap()));
    /// ```
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Rate(rate) => rate.next_after(t, t),
            Self::Cron(cron) => cron.next_after(t),
        }
    }

    /// The first firing strictly after `t` of a schedule started at `start`: a rate fires at
    /// `start + k * period` for k = 1, 2, ...; a cron ignores `start`.
    pub fn next_after_starting(
        &self,
        start: DateTime<Utc>,
        t: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Self::Rate(rate) => rate.next_after(start, t),
            Self::Cron(cron) => cron.next_after(t),
        }
    }

    /// Every firing after `start` (exclusive), in order: a rate counts from `start`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use flagon_manifest::schedule::ScheduleExpression;
    ///
    /// let first_monday: ScheduleExpression = "cron(0 9 ? * 2#1 *)".parse().unwrap();
    /// let start = Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap();
    /// let next: Vec<_> = first_monday.firings_after(start).take(2).map(|t| t.to_rfc3339()).collect();
    /// assert_eq!(next, ["2024-02-05T09:00:00+00:00", "2024-03-04T09:00:00+00:00"]);
    /// ```
    pub fn firings_after(&self, start: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        let mut last = start;
        std::iter::from_fn(move || {
            let next = self.next_after_starting(start, last)?;
            last = next;
            Some(next)
        })
    }
}

impl fmt::Display for ScheduleExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rate(rate) => rate.fmt(f),
            Self::Cron(cron) => cron.fmt(f),
        }
    }
}

impl FromStr for ScheduleExpression {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ScheduleExpression {
    type Error = ScheduleError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for ScheduleExpression {
    type Error = ScheduleError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<ScheduleExpression> for String {
    fn from(expression: ScheduleExpression) -> Self {
        expression.to_string()
    }
}

impl From<Rate> for ScheduleExpression {
    fn from(rate: Rate) -> Self {
        Self::Rate(rate)
    }
}

impl From<Cron> for ScheduleExpression {
    fn from(cron: Cron) -> Self {
        Self::Cron(cron)
    }
}

/// Anything a schedule can be declared with: an expression, a [`Rate`], a [`Cron`], the AWS
/// string, or the `Result` of a fallible constructor (`Rate::minutes(5)`,
/// `Cron::new(...)`), so that `.schedule(...)` can take them all and report a bad one as a
/// declaration error.
pub trait IntoScheduleExpression {
    /// Validates and converts.
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError>;
}

impl IntoScheduleExpression for ScheduleExpression {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        Ok(self)
    }
}

impl IntoScheduleExpression for Rate {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        Ok(self.into())
    }
}

impl IntoScheduleExpression for Cron {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        Ok(self.into())
    }
}

impl IntoScheduleExpression for &str {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        self.parse()
    }
}

impl IntoScheduleExpression for String {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        self.parse()
    }
}

impl<T: IntoScheduleExpression> IntoScheduleExpression for Result<T, ScheduleError> {
    fn into_schedule_expression(self) -> Result<ScheduleExpression, ScheduleError> {
        self?.into_schedule_expression()
    }
}

/// A schedule expression AWS would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parse `{expression}`: {kind}")]
pub struct ScheduleError {
    expression: String,
    kind: ScheduleErrorKind,
}

impl ScheduleError {
    fn new(expression: impl Into<String>, kind: ScheduleErrorKind) -> Self {
        Self {
            expression: expression.into(),
            kind,
        }
    }

    /// The expression as given.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// What is wrong with it.
    pub fn kind(&self) -> &ScheduleErrorKind {
        &self.kind
    }
}

/// What is wrong with a schedule expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleErrorKind {
    /// Neither `rate(...)` nor `cron(...)`.
    #[error(
        "expected `rate(VALUE UNIT)` or `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`"
    )]
    NotRateOrCron,
    /// A rate without exactly a value and a unit.
    #[error("a rate has two parts, `rate(VALUE UNIT)`, found {found}")]
    RateParts {
        /// How many whitespace-separated parts there were.
        found: usize,
    },
    /// A rate value that is not a positive whole number.
    #[error("rate value `{value}` is not a positive whole number")]
    RateValue {
        /// The value as given.
        value: String,
    },
    /// A unit other than minute(s), hour(s), day(s).
    #[error("rate unit `{unit}` is not one of minute, minutes, hour, hours, day, days")]
    RateUnit {
        /// The unit as given.
        unit: String,
    },
    /// A plural unit for 1 or a singular one for more.
    #[error(
        "rate unit `{unit}` must be `{expected}` for the value {value}: \
         the unit is singular exactly when the value is 1"
    )]
    RatePlural {
        /// The rate's value.
        value: u32,
        /// The unit as given.
        unit: String,
        /// The unit AWS takes for this value.
        expected: &'static str,
    },
    /// Parts separated by anything but single spaces (cfn-lint, for one, splits on a space).
    #[error("separate the parts with single spaces, as in `{canonical}`")]
    Spacing {
        /// The expression with single spaces.
        canonical: String,
    },
    /// A cron without exactly six fields.
    #[error(
        "a cron has six fields (minutes hours day-of-month month day-of-week year), found {found}"
    )]
    CronFieldCount {
        /// How many whitespace-separated fields there were.
        found: usize,
    },
    /// One cron field is invalid.
    #[error("{field} `{value}` {problem}")]
    CronField {
        /// Which field.
        field: CronField,
        /// The offending part of the field (the whole field, or one item of a list).
        value: String,
        /// What is wrong with it.
        problem: FieldProblem,
    },
    /// Both day fields set.
    #[error(
        "day-of-month `{day_of_month}` and day-of-week `{day_of_week}` are both set: \
         AWS takes one of them, put `?` in the other"
    )]
    BothDays {
        /// The day-of-month field.
        day_of_month: String,
        /// The day-of-week field.
        day_of_week: String,
    },
    /// Both day fields `?`.
    #[error("day-of-month and day-of-week are both `?`: set one of them (`*` for every day)")]
    NeitherDay,
}

/// What is wrong with one cron field; reads after "FIELD `VALUE`".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldProblem {
    /// A number or name outside the field's range.
    #[error("is out of range {allowed}")]
    OutOfRange {
        /// The field's values, e.g. `1-7 (or SUN-SAT)`.
        allowed: &'static str,
    },
    /// Not a number, nor a name the field knows.
    #[error("is not a value in {allowed}")]
    NotAValue {
        /// The field's values.
        allowed: &'static str,
    },
    /// A wildcard the field does not take.
    #[error("uses `{wildcard}`, which this field does not take (it takes {allowed})")]
    Wildcard {
        /// The wildcard.
        wildcard: char,
        /// The wildcards the field takes, e.g. `` `, - * /` ``.
        allowed: &'static str,
    },
    /// A step that is zero, not a number, or larger than the field.
    #[error("has step `{step}`: a step is a whole number from 1 to {max}")]
    Step {
        /// The step as given.
        step: String,
        /// The largest step the field takes.
        max: u32,
    },
    /// A range whose end comes before its start.
    #[error("runs backwards: a range goes from the smaller value to the larger")]
    Backwards,
    /// `#` with an occurrence other than 1-5.
    #[error("asks for occurrence `{nth}`: the number after `#` is 1-5")]
    Nth {
        /// The occurrence as given.
        nth: String,
    },
    /// Misplaced punctuation or special character.
    #[error("is malformed: {hint}")]
    Malformed {
        /// How to write it instead.
        hint: &'static str,
    },
}
