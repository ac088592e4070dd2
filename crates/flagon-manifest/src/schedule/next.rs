//! When a cron fires: the next matching minute, in UTC.
//!
//! The search walks years, then months, then days, then hours and minutes, skipping whole
//! years and months the cron excludes, so even `cron(0 0 29 2 ? 2196)` from 1970 costs a few
//! thousand day checks. AWS's calendar ends in 2199, and so does the search.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc, Weekday};

use super::cron::{Cron, DayOfMonth, DayOfWeek};

impl Cron {
    /// The first minute strictly after `t` at which this cron fires (at second 0), or `None`
    /// when it never fires again.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use flagon_manifest::schedule::Cron;
    ///
    /// // The weekday nearest the 1st: Saturday 2022-01-01 gives Monday the 3rd.
    /// let cron = Cron::new("0", "12", "1W", "*", "?", "*").unwrap();
    /// let t = Utc.with_ymd_and_hms(2021, 12, 31, 0, 0, 0).unwrap();
    /// assert_eq!(cron.next_after(t), Some(Utc.with_ymd_and_hms(2022, 1, 3, 12, 0, 0).unwrap()));
    /// ```
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let minute = t.naive_utc().with_second(0)?.with_nanosecond(0)?;
        // The first whole minute strictly after `t`.
        let from = minute.checked_add_signed(TimeDelta::minutes(1))?;
        let (from_date, from_hour, from_minute) = (from.date(), from.hour(), from.minute());
        for year in from_date.year()..=2199 {
            if !self.years.contains(year.into()) {
                continue;
            }
            let first_month = if year == from_date.year() {
                from_date.month()
            } else {
                1
            };
            for month in first_month..=12 {
                if !self.months.contains(month.into()) {
                    continue;
                }
                let same_month = year == from_date.year() && month == from_date.month();
                let first_day = if same_month { from_date.day() } else { 1 };
                for day in first_day..=days_in_month(year, month) {
                    let date = NaiveDate::from_ymd_opt(year, month, day)?;
                    if !self.day_matches(date) {
                        continue;
                    }
                    let start = if date == from_date {
                        (from_hour, from_minute)
                    } else {
                        (0, 0)
                    };
                    if let Some((hour, minute)) = self.first_time_from(start) {
                        return Some(date.and_hms_opt(hour, minute, 0)?.and_utc());
                    }
                }
            }
        }
        None
    }

    /// Whether this cron fires in the minute that contains `t`.
    pub fn matches(&self, t: DateTime<Utc>) -> bool {
        let date = t.date_naive();
        self.years.contains(date.year().into())
            && self.months.contains(date.month().into())
            && self.day_matches(date)
            && self.hours.contains(t.hour().into())
            && self.minutes.contains(t.minute().into())
    }

    /// The first (hour, minute) at or after `start` on a matching day.
    fn first_time_from(&self, (start_hour, start_minute): (u32, u32)) -> Option<(u32, u32)> {
        (start_hour..24)
            .filter(|h| self.hours.contains((*h).into()))
            .find_map(|hour| {
                let first = if hour == start_hour { start_minute } else { 0 };
                (first..60)
                    .find(|m| self.minutes.contains((*m).into()))
                    .map(|m| (hour, m))
            })
    }

    /// Whether the day fields accept `date` (one of them is always `?`).
    fn day_matches(&self, date: NaiveDate) -> bool {
        let (year, month, day) = (date.year(), date.month(), date.day());
        let last = days_in_month(year, month);
        let by_month_day = match self.day_of_month {
            DayOfMonth::Any => true,
            DayOfMonth::Days(days) => days.contains(day.into()),
            DayOfMonth::Last(offset) => day + offset == last,
            DayOfMonth::LastWeekday => day == weekday_on_or_before(year, month, last),
            // `31W` in a 30-day month never fires (Quartz, which AWS follows, skips it).
            DayOfMonth::NearestWeekday(n) => n <= last && day == nearest_weekday(year, month, n),
        };
        let weekday = date.weekday().number_from_sunday();
        let by_week_day = match self.day_of_week {
            DayOfWeek::Any => true,
            DayOfWeek::Days(days) => days.contains(weekday.into()),
            DayOfWeek::Last(w) => weekday == w && day + 7 > last,
            DayOfWeek::Nth(w, n) => weekday == w && (day - 1) / 7 + 1 == n,
        };
        by_month_day && by_week_day
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn weekday_of(year: i32, month: u32, day: u32) -> Option<Weekday> {
    NaiveDate::from_ymd_opt(year, month, day).map(|d| d.weekday())
}

/// `day` if it is Monday to Friday, else the Friday before it.
fn weekday_on_or_before(year: i32, month: u32, day: u32) -> u32 {
    match weekday_of(year, month, day) {
        Some(Weekday::Sat) => day - 1,
        Some(Weekday::Sun) => day - 2,
        _ => day,
    }
}

/// The Monday-to-Friday day nearest `n`, never leaving the month: a Saturday moves to the
/// Friday before unless that is in the previous month (then to the Monday after), a Sunday
/// to the Monday after unless that is in the next month (then to the Friday before).
fn nearest_weekday(year: i32, month: u32, n: u32) -> u32 {
    match weekday_of(year, month, n) {
        Some(Weekday::Sat) if n == 1 => 3,
        Some(Weekday::Sat) => n - 1,
        Some(Weekday::Sun) if n == days_in_month(year, month) => n - 2,
        Some(Weekday::Sun) => n + 1,
        _ => n,
    }
}
