//! `rate(VALUE UNIT)`.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use super::{ScheduleError, ScheduleErrorKind};

/// The unit of a [`Rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateUnit {
    /// `minute` / `minutes`.
    Minute,
    /// `hour` / `hours`.
    Hour,
    /// `day` / `days`.
    Day,
}

impl RateUnit {
    /// The AWS spelling for `value`: singular exactly when the value is 1.
    pub fn spelling(self, value: u32) -> &'static str {
        match (self, value == 1) {
            (Self::Minute, true) => "minute",
            (Self::Minute, false) => "minutes",
            (Self::Hour, true) => "hour",
            (Self::Hour, false) => "hours",
            (Self::Day, true) => "day",
            (Self::Day, false) => "days",
        }
    }

    fn minutes(self) -> i64 {
        match self {
            Self::Minute => 1,
            Self::Hour => 60,
            Self::Day => 24 * 60,
        }
    }
}

/// `rate(VALUE UNIT)`: every VALUE minutes, hours or days.
///
/// ```
/// use flagon_manifest::schedule::{Rate, RateUnit};
///
/// assert_eq!(Rate::minute().to_string(), "rate(1 minute)");
/// assert_eq!(Rate::hours(2).unwrap().to_string(), "rate(2 hours)");
/// assert_eq!(Rate::new(7, RateUnit::Day).unwrap().to_string(), "rate(7 days)");
/// assert!(Rate::days(0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    value: u32,
    unit: RateUnit,
}

impl Rate {
    /// Every `value` units; `value` must be positive.
    pub fn new(value: u32, unit: RateUnit) -> Result<Self, ScheduleError> {
        if value == 0 {
            let expression = format!("rate(0 {})", unit.spelling(0));
            return Err(ScheduleError::new(
                expression,
                ScheduleErrorKind::RateValue {
                    value: "0".to_owned(),
                },
            ));
        }
        Ok(Self { value, unit })
    }

    /// Every `n` minutes.
    pub fn minutes(n: u32) -> Result<Self, ScheduleError> {
        Self::new(n, RateUnit::Minute)
    }

    /// Every `n` hours.
    pub fn hours(n: u32) -> Result<Self, ScheduleError> {
        Self::new(n, RateUnit::Hour)
    }

    /// Every `n` days.
    pub fn days(n: u32) -> Result<Self, ScheduleError> {
        Self::new(n, RateUnit::Day)
    }

    /// `rate(1 minute)`.
    pub fn minute() -> Self {
        Self {
            value: 1,
            unit: RateUnit::Minute,
        }
    }

    /// `rate(1 hour)`.
    pub fn hour() -> Self {
        Self {
            value: 1,
            unit: RateUnit::Hour,
        }
    }

    /// `rate(1 day)`.
    pub fn day() -> Self {
        Self {
            value: 1,
            unit: RateUnit::Day,
        }
    }

    /// The number of units (positive).
    pub fn value(&self) -> u32 {
        self.value
    }

    /// The unit.
    pub fn unit(&self) -> RateUnit {
        self.unit
    }

    /// The time between two firings.
    pub fn period(&self) -> TimeDelta {
        // At most u32::MAX days, far inside TimeDelta's range (about 292 million years).
        TimeDelta::minutes(i64::from(self.value) * self.unit.minutes())
    }

    /// The first of `start + k * period` (k = 1, 2, ...) strictly after `t`.
    pub fn next_after(&self, start: DateTime<Utc>, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let period = self.period();
        if t < start {
            return start.checked_add_signed(period);
        }
        // Whole milliseconds, rounded down: the period is a whole number of them, so the
        // floor division counts exactly the firings at or before `t`.
        let elapsed = (t - start).num_milliseconds();
        let k = elapsed / period.num_milliseconds() + 1;
        let offset = TimeDelta::try_milliseconds(k.checked_mul(period.num_milliseconds())?)?;
        start.checked_add_signed(offset)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate({} {})", self.value, self.unit.spelling(self.value))
    }
}

/// Parses the inside of `rate(...)`; `expression` is the whole string, for errors.
pub(super) fn parse(expression: &str, inner: &str) -> Result<Rate, ScheduleError> {
    let err = |kind| ScheduleError::new(expression, kind);
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [value, unit] = parts[..] else {
        return Err(err(ScheduleErrorKind::RateParts { found: parts.len() }));
    };
    if inner != parts.join(" ") {
        let canonical = format!("rate({value} {unit})");
        return Err(err(ScheduleErrorKind::Spacing { canonical }));
    }
    let parsed = if value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse().ok()
    } else {
        None
    };
    let value = match parsed {
        Some(v) if v > 0 => v,
        _ => {
            return Err(err(ScheduleErrorKind::RateValue {
                value: value.to_owned(),
            }));
        }
    };
    let unit_kind = match unit {
        "minute" | "minutes" => RateUnit::Minute,
        "hour" | "hours" => RateUnit::Hour,
        "day" | "days" => RateUnit::Day,
        _ => {
            return Err(err(ScheduleErrorKind::RateUnit {
                unit: unit.to_owned(),
            }));
        }
    };
    let expected = unit_kind.spelling(value);
    if unit != expected {
        return Err(err(ScheduleErrorKind::RatePlural {
            value,
            unit: unit.to_owned(),
            expected,
        }));
    }
    Ok(Rate {
        value,
        unit: unit_kind,
    })
}
