//! `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`: parsing and validation.
//!
//! Every field is kept twice: as written (so that `Display` gives back exactly the AWS
//! expression the user declared) and as the set of values it matches (for
//! [`next_after`](super::ScheduleExpression::next_after)).

use std::fmt;

use super::{FieldProblem, ScheduleError, ScheduleErrorKind};

/// The six fields of a cron expression, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CronField {
    /// 0-59.
    Minutes,
    /// 0-23.
    Hours,
    /// 1-31.
    DayOfMonth,
    /// 1-12 or JAN-DEC.
    Month,
    /// 1-7 or SUN-SAT; 1 is Sunday.
    DayOfWeek,
    /// 1970-2199.
    Year,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl CronField {
    /// The smallest and largest value.
    pub fn range(self) -> (u32, u32) {
        match self {
            Self::Minutes => (0, 59),
            Self::Hours => (0, 23),
            Self::DayOfMonth => (1, 31),
            Self::Month => (1, 12),
            Self::DayOfWeek => (1, 7),
            Self::Year => (1970, 2199),
        }
    }

    /// The values, as AWS's documentation lists them.
    pub fn allowed(self) -> &'static str {
        match self {
            Self::Minutes => "0-59",
            Self::Hours => "0-23",
            Self::DayOfMonth => "1-31",
            Self::Month => "1-12 (or JAN-DEC)",
            Self::DayOfWeek => "1-7 (or SUN-SAT)",
            Self::Year => "1970-2199",
        }
    }

    /// The wildcards the field takes.
    pub fn wildcards(self) -> &'static str {
        match self {
            Self::DayOfMonth => "`, - * ? / L W`",
            Self::DayOfWeek => "`, - * ? / L #`",
            _ => "`, - * /`",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Self::Month => &MONTHS,
            Self::DayOfWeek => &WEEKDAYS,
            _ => &[],
        }
    }

    fn max_step(self) -> u32 {
        let (min, max) = self.range();
        if self == Self::Year { max - min } else { max }
    }
}

impl fmt::Display for CronField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::DayOfMonth => "day-of-month",
            Self::Month => "month",
            Self::DayOfWeek => "day-of-week",
            Self::Year => "year",
        })
    }
}

/// A set of field values, one bit per value from the field's minimum (at most 256 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Values {
    min: u32,
    bits: [u64; 4],
}

impl Values {
    fn empty(min: u32) -> Self {
        Self { min, bits: [0; 4] }
    }

    fn insert(&mut self, v: u32) {
        let i = (v - self.min) as usize;
        self.bits[i / 64] |= 1 << (i % 64);
    }

    pub(super) fn contains(&self, v: i64) -> bool {
        let Some(i) = v.checked_sub(i64::from(self.min)) else {
            return false;
        };
        match usize::try_from(i) {
            Ok(i) if i < 256 => self.bits[i / 64] & (1 << (i % 64)) != 0,
            _ => false,
        }
    }
}

/// What the day-of-month field matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum DayOfMonth {
    /// `?`: the day-of-week field decides.
    Any,
    /// Days by number.
    Days(Values),
    /// `L`: the last day of the month; `L-3`: three days before it.
    Last(u32),
    /// `LW`: the last weekday (Monday to Friday) of the month.
    LastWeekday,
    /// `15W`: the weekday nearest the 15th, within the month.
    NearestWeekday(u32),
}

/// What the day-of-week field matches; days are 1 (Sunday) to 7 (Saturday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum DayOfWeek {
    /// `?`: the day-of-month field decides.
    Any,
    /// Weekdays by number or name; `L` alone is Saturday, the last day of the week.
    Days(Values),
    /// `6L`: the last Friday of the month.
    Last(u32),
    /// `3#2`: the second Tuesday of the month.
    Nth(u32, u32),
}

/// `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`, validated.
///
/// ```
/// use flagon_manifest::schedule::Cron;
///
/// let weekdays = Cron::new("0/5", "8-17", "?", "*", "MON-FRI", "*").unwrap();
/// assert_eq!(weekdays.to_string(), "cron(0/5 8-17 ? * MON-FRI *)");
/// let err = Cron::new("0", "24", "*", "*", "?", "*").unwrap_err();
/// assert!(err.to_string().contains("hours `24` is out of range 0-23"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cron {
    fields: [String; 6],
    pub(super) minutes: Values,
    pub(super) hours: Values,
    pub(super) day_of_month: DayOfMonth,
    pub(super) months: Values,
    pub(super) day_of_week: DayOfWeek,
    pub(super) years: Values,
}

impl Cron {
    /// A cron from its six fields, validated as [`ScheduleExpression::parse`] validates
    /// `cron(...)`.
    ///
    /// [`ScheduleExpression::parse`]: super::ScheduleExpression::parse
    pub fn new(
        minutes: &str,
        hours: &str,
        day_of_month: &str,
        month: &str,
        day_of_week: &str,
        year: &str,
    ) -> Result<Self, ScheduleError> {
        let fields = [minutes, hours, day_of_month, month, day_of_week, year];
        let expression = format!("cron({})", fields.join(" "));
        from_fields(&expression, fields)
    }

    /// The field as written.
    pub fn field(&self, field: CronField) -> &str {
        &self.fields[field as usize]
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cron({})", self.fields.join(" "))
    }
}

/// Parses the inside of `cron(...)`; `expression` is the whole string, for errors.
pub(super) fn parse(expression: &str, inner: &str) -> Result<Cron, ScheduleError> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let Ok(fields) = <[&str; 6]>::try_from(parts.as_slice()) else {
        return Err(ScheduleError::new(
            expression,
            ScheduleErrorKind::CronFieldCount { found: parts.len() },
        ));
    };
    if inner != fields.join(" ") {
        let canonical = format!("cron({})", fields.join(" "));
        return Err(ScheduleError::new(
            expression,
            ScheduleErrorKind::Spacing { canonical },
        ));
    }
    from_fields(expression, fields)
}

fn from_fields(expression: &str, fields: [&str; 6]) -> Result<Cron, ScheduleError> {
    let err = |field: CronField, (value, problem): FieldError<'_>| {
        let text = fields[field as usize];
        let value = if value.is_empty() { text } else { value }.to_owned();
        ScheduleError::new(
            expression,
            ScheduleErrorKind::CronField {
                field,
                value,
                problem,
            },
        )
    };
    let list =
        |field: CronField| parse_list(field, fields[field as usize]).map_err(|e| err(field, e));
    // Fields are checked in order, so the error names the first bad one.
    let minutes = list(CronField::Minutes)?;
    let hours = list(CronField::Hours)?;
    let day_of_month = parse_day_of_month(fields[2]).map_err(|e| err(CronField::DayOfMonth, e))?;
    let months = list(CronField::Month)?;
    let day_of_week = parse_day_of_week(fields[4]).map_err(|e| err(CronField::DayOfWeek, e))?;
    let years = list(CronField::Year)?;
    match (day_of_month, day_of_week) {
        (DayOfMonth::Any, DayOfWeek::Any) => {
            return Err(ScheduleError::new(
                expression,
                ScheduleErrorKind::NeitherDay,
            ));
        }
        (DayOfMonth::Any, _) | (_, DayOfWeek::Any) => {}
        _ => {
            let kind = ScheduleErrorKind::BothDays {
                day_of_month: fields[2].to_owned(),
                day_of_week: fields[4].to_owned(),
            };
            return Err(ScheduleError::new(expression, kind));
        }
    }
    Ok(Cron {
        fields: fields.map(str::to_owned),
        minutes,
        hours,
        day_of_month,
        months,
        day_of_week,
        years,
    })
}

/// A field problem, with the offending part of the field (empty: the whole field).
type FieldError<'a> = (&'a str, FieldProblem);

fn malformed(hint: &'static str) -> FieldProblem {
    FieldProblem::Malformed { hint }
}

fn parse_day_of_month(text: &str) -> Result<DayOfMonth, FieldError<'_>> {
    let upper = text.to_ascii_uppercase();
    if text == "?" {
        Ok(DayOfMonth::Any)
    } else if upper.contains('L') || upper.contains('W') {
        day_of_month_special(&upper).map_err(|p| ("", p))
    } else {
        parse_list(CronField::DayOfMonth, text).map(DayOfMonth::Days)
    }
}

fn parse_day_of_week(text: &str) -> Result<DayOfWeek, FieldError<'_>> {
    let upper = text.to_ascii_uppercase();
    // No weekday name ends in `L`, so a trailing `L` is the wildcard.
    if text == "?" {
        Ok(DayOfWeek::Any)
    } else if upper.contains('#') || upper.ends_with('L') {
        day_of_week_special(&upper).map_err(|p| ("", p))
    } else {
        parse_list(CronField::DayOfWeek, text).map(DayOfWeek::Days)
    }
}

/// `L`, `LW`, `15W`: each takes the whole day-of-month field.
fn day_of_month_special(upper: &str) -> Result<DayOfMonth, FieldProblem> {
    const HINT: &str = "`L` and `W` take the whole day-of-month field: `L` (last day), `L-3` \
                        (third-to-last day), `LW` (last weekday) or a day and `W` (`15W`, the \
                        weekday nearest the 15th)";
    if upper == "L" {
        return Ok(DayOfMonth::Last(0));
    }
    if upper == "LW" {
        return Ok(DayOfMonth::LastWeekday);
    }
    if let Some(offset) = upper.strip_prefix("L-") {
        // Quartz's offset from the last day, which AWS inherits (undocumented by AWS).
        let offset = number(offset).ok_or_else(|| malformed(HINT))?;
        if !(1..=30).contains(&offset) {
            return Err(FieldProblem::OutOfRange {
                allowed: "L-1 to L-30",
            });
        }
        return Ok(DayOfMonth::Last(offset));
    }
    let day = upper.strip_suffix('W').ok_or_else(|| malformed(HINT))?;
    let day = number(day).ok_or_else(|| malformed(HINT))?;
    if !(1..=31).contains(&day) {
        return Err(FieldProblem::OutOfRange {
            allowed: CronField::DayOfMonth.allowed(),
        });
    }
    Ok(DayOfMonth::NearestWeekday(day))
}

/// `L`, `6L`, `3#2`: each takes the whole day-of-week field.
fn day_of_week_special(upper: &str) -> Result<DayOfWeek, FieldProblem> {
    const HINT: &str = "`L` and `#` take the whole day-of-week field: `L` (Saturday), a day and \
                        `L` (`6L`, the last Friday) or one `DAY#N` (`3#2`, the second Tuesday)";
    if upper == "L" {
        let mut saturday = Values::empty(1);
        saturday.insert(7);
        return Ok(DayOfWeek::Days(saturday));
    }
    if [',', '-', '/', '*'].iter().any(|c| upper.contains(*c)) {
        return Err(malformed(HINT));
    }
    if let Some((day, nth)) = upper.split_once('#') {
        let day = weekday(day).ok_or_else(|| malformed(HINT))??;
        let n = number(nth).filter(|n| (1..=5).contains(n));
        let n = n.ok_or_else(|| FieldProblem::Nth {
            nth: nth.to_owned(),
        })?;
        return Ok(DayOfWeek::Nth(day, n));
    }
    let day = upper.strip_suffix('L').ok_or_else(|| malformed(HINT))?;
    let day = weekday(day).ok_or_else(|| malformed(HINT))??;
    Ok(DayOfWeek::Last(day))
}

/// A weekday by number or name: `None` when it is neither, an error when out of range.
fn weekday(text: &str) -> Option<Result<u32, FieldProblem>> {
    let v = value(CronField::DayOfWeek, text)?;
    Some(if (1..=7).contains(&v) {
        Ok(v)
    } else {
        Err(FieldProblem::OutOfRange {
            allowed: CronField::DayOfWeek.allowed(),
        })
    })
}

/// Digits only (no sign, no space), as a number; `None` otherwise or on overflow.
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for u32 is out of range for every field: saturate.
    Some(text.parse().unwrap_or(u32::MAX))
}

/// A number, or a month or weekday name (any case) in the fields that have names.
fn value(field: CronField, text: &str) -> Option<u32> {
    if let Some(n) = number(text) {
        return Some(n);
    }
    let i = field
        .names()
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))?;
    Some(i as u32 + 1)
}

/// `,`-separated items, each `*`, `V`, `A-B`, optionally followed by `/STEP`.
fn parse_list(field: CronField, text: &str) -> Result<Values, FieldError<'_>> {
    let (min, max) = field.range();
    let mut set = Values::empty(min);
    if text.is_empty() {
        return Err((text, malformed("the field is empty")));
    }
    for item in text.split(',') {
        if item.is_empty() {
            return Err((text, malformed("an item of a `,` list is empty")));
        }
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => {
                let max_step = field.max_step();
                match number(step).filter(|s| (1..=max_step).contains(s)) {
                    Some(s) => (base, Some(s)),
                    None => {
                        let step = step.to_owned();
                        return Err((
                            item,
                            FieldProblem::Step {
                                step,
                                max: max_step,
                            },
                        ));
                    }
                }
            }
            None => (item, None),
        };
        let (lo, hi) = if base == "*" {
            (min, max)
        } else if let Some((a, b)) = base.split_once('-') {
            let (a, b) = (bounded(field, a)?, bounded(field, b)?);
            if a > b {
                return Err((item, FieldProblem::Backwards));
            }
            (a, b)
        } else {
            let v = bounded(field, base)?;
            // `5/15` runs from 5 to the end of the field; a bare `5` is just 5.
            (v, if step.is_some() { max } else { v })
        };
        let step = step.unwrap_or(1) as usize;
        for v in (lo..=hi).step_by(step) {
            set.insert(v);
        }
    }
    Ok(set)
}

/// One value of a list item, in range, or the problem with it.
fn bounded(field: CronField, token: &str) -> Result<u32, FieldError<'_>> {
    let (min, max) = field.range();
    let Some(v) = value(field, token) else {
        return Err((token, not_a_value(field, token)));
    };
    if v < min || v > max {
        return Err((
            token,
            FieldProblem::OutOfRange {
                allowed: field.allowed(),
            },
        ));
    }
    Ok(v)
}

/// Why `token` is not a value: a wildcard out of place, or just not a value.
fn not_a_value(field: CronField, token: &str) -> FieldProblem {
    let upper = token.to_ascii_uppercase();
    let special = ['?', 'L', 'W', '#', '*']
        .into_iter()
        .find(|c| upper.contains(*c));
    if upper.len() > 1 && upper.bytes().all(|b| b.is_ascii_alphabetic()) {
        // A misspelt name (`JULY`), not a wildcard.
        return FieldProblem::NotAValue {
            allowed: field.allowed(),
        };
    }
    match special {
        Some('*') => malformed("`*` stands alone, or before a step (`*/5`)"),
        Some(c) if field.wildcards().contains(c) => {
            malformed("`?`, `L`, `W` and `#` take the whole field, not an item of a list or range")
        }
        Some(wildcard) => FieldProblem::Wildcard {
            wildcard,
            allowed: field.wildcards(),
        },
        None if token.is_empty() => malformed("a range is `A-B`, a step `A/N` or `*/N`"),
        None => FieldProblem::NotAValue {
            allowed: field.allowed(),
        },
    }
}
