//! The schedule API beyond the fixtures: typed constructors, errors, serde, rates from a
//! start, and `next_after` checked against a minute-by-minute scan.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use flagon_manifest::schedule::{
    Cron, CronField, FieldProblem, IntoScheduleExpression, Rate, RateUnit, ScheduleErrorKind,
    ScheduleExpression,
};
use flagon_manifest::{Function, Manifest, Trigger};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn parse(expression: &str) -> ScheduleExpression {
    expression.parse().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn typed_constructors_build_the_aws_strings() {
    assert_eq!(Rate::minute().to_string(), "rate(1 minute)");
    assert_eq!(Rate::hour().to_string(), "rate(1 hour)");
    assert_eq!(Rate::day().to_string(), "rate(1 day)");
    assert_eq!(Rate::minutes(1).unwrap(), Rate::minute());
    assert_eq!(Rate::minutes(5).unwrap().to_string(), "rate(5 minutes)");
    assert_eq!(Rate::hours(2).unwrap().to_string(), "rate(2 hours)");
    assert_eq!(Rate::days(7).unwrap().to_string(), "rate(7 days)");
    let rate = Rate::new(3, RateUnit::Hour).unwrap();
    assert_eq!((rate.value(), rate.unit()), (3, RateUnit::Hour));
    assert_eq!(rate.period(), TimeDelta::hours(3));
    assert_eq!(parse("rate(3 hours)"), ScheduleExpression::Rate(rate));

    let cron = Cron::new("0/5", "8-17", "?", "*", "MON-FRI", "*").unwrap();
    assert_eq!(cron.to_string(), "cron(0/5 8-17 ? * MON-FRI *)");
    assert_eq!(cron.field(CronField::DayOfWeek), "MON-FRI");
    assert_eq!(cron.field(CronField::Year), "*");
    assert_eq!(
        parse("cron(0/5 8-17 ? * MON-FRI *)"),
        ScheduleExpression::Cron(cron)
    );
}

#[test]
fn zero_rate_is_refused() {
    let err = Rate::minutes(0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parse `rate(0 minutes)`: rate value `0` is not a positive whole number"
    );
    assert!(Rate::hours(0).is_err() && Rate::days(0).is_err());
}

#[test]
fn cron_constructor_validates_each_field() {
    let err = Cron::new("0", "9", "?", "*", "8", "*").unwrap_err();
    assert_eq!(
        err.to_string(),
        "parse `cron(0 9 ? * 8 *)`: day-of-week `8` is out of range 1-7 (or SUN-SAT)"
    );
    assert_eq!(
        err.kind(),
        &ScheduleErrorKind::CronField {
            field: CronField::DayOfWeek,
            value: "8".to_owned(),
            problem: FieldProblem::OutOfRange {
                allowed: "1-7 (or SUN-SAT)"
            },
        }
    );
    // A field cannot smuggle in a second field.
    let err = Cron::new("0 1", "9", "?", "*", "MON", "*").unwrap_err();
    assert!(
        err.to_string()
            .contains("minutes `0 1` is not a value in 0-59"),
        "{err}"
    );
}

#[test]
fn first_bad_field_is_the_one_reported() {
    let err = "cron(99 99 ? * 8 *)"
        .parse::<ScheduleExpression>()
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ScheduleErrorKind::CronField {
                field: CronField::Minutes,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn every_declaration_form_converts_or_reports_its_error() {
    let want = parse("rate(5 minutes)");
    assert_eq!(Rate::minutes(5).into_schedule_expression().unwrap(), want);
    assert_eq!(
        Rate::minutes(5)
            .unwrap()
            .into_schedule_expression()
            .unwrap(),
        want
    );
    assert_eq!("rate(5 minutes)".into_schedule_expression().unwrap(), want);
    assert_eq!(
        String::from("rate(5 minutes)")
            .into_schedule_expression()
            .unwrap(),
        want
    );
    assert_eq!(want.clone().into_schedule_expression().unwrap(), want);
    let cron = Cron::new("15", "10", "?", "*", "6L", "2002-2005");
    assert_eq!(
        cron.clone().into_schedule_expression().unwrap(),
        parse("cron(15 10 ? * 6L 2002-2005)")
    );
    assert_eq!(
        cron.unwrap()
            .into_schedule_expression()
            .unwrap()
            .to_string(),
        "cron(15 10 ? * 6L 2002-2005)"
    );
    assert!(Rate::minutes(0).into_schedule_expression().is_err());
    assert!(
        Cron::new("0", "0", "*", "*", "*", "*")
            .into_schedule_expression()
            .is_err()
    );
    assert!("rate(5 minute)".into_schedule_expression().is_err());
}

#[test]
fn expression_serialises_as_the_aws_string() {
    let expression = parse("cron(0 9 ? * 2#1 *)");
    let json = serde_json::to_string(&expression).unwrap();
    assert_eq!(json, r#""cron(0 9 ? * 2#1 *)""#);
    assert_eq!(
        serde_json::from_str::<ScheduleExpression>(&json).unwrap(),
        expression
    );

    let err = serde_json::from_str::<ScheduleExpression>(r#""rate(1 minutes)""#).unwrap_err();
    assert!(
        err.to_string()
            .contains("rate unit `minutes` must be `minute`"),
        "{err}"
    );
}

#[test]
fn manifest_schedule_trigger_parses_as_an_expression() {
    let trigger = Trigger::Schedule {
        expression: "rate(1 hour)".into(),
        description: None,
    };
    let manifest = Manifest::new("app", vec![Function::new("hourly", trigger)], None);
    let read = Manifest::from_json(&manifest.to_json()).unwrap();
    let Trigger::Schedule { expression, .. } = &read.function("hourly").unwrap().trigger else {
        panic!("schedule trigger lost");
    };
    assert_eq!(
        expression.parse::<ScheduleExpression>().unwrap(),
        Rate::hour().into()
    );
}

#[test]
fn names_are_case_insensitive_and_kept_as_written() {
    let lower = parse("cron(0 18 ? jan-jun mon-fri *)");
    assert_eq!(lower.to_string(), "cron(0 18 ? jan-jun mon-fri *)");
    let upper = parse("cron(0 18 ? JAN-JUN MON-FRI *)");
    let t = at(2024, 5, 3, 18, 0, 0);
    assert_eq!(lower.next_after(t), upper.next_after(t));
    assert_eq!(lower.next_after(t), Some(at(2024, 5, 6, 18, 0, 0)));
}

#[test]
fn anything_but_single_spaces_is_refused_with_the_single_spaced_form() {
    let err = "cron(0  10 *\t* ? *)"
        .parse::<ScheduleExpression>()
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ScheduleErrorKind::Spacing {
            canonical: "cron(0 10 * * ? *)".to_owned()
        }
    );
    let err = "rate( 5 minutes)"
        .parse::<ScheduleExpression>()
        .unwrap_err();
    assert!(
        err.to_string().ends_with("as in `rate(5 minutes)`"),
        "{err}"
    );
}

#[test]
fn empty_cron_field_is_named() {
    let err = Cron::new("0", "", "?", "*", "MON", "*").unwrap_err();
    assert!(
        err.to_string()
            .contains("hours `` is malformed: the field is empty"),
        "{err}"
    );
}

#[test]
fn rate_counts_from_its_start() {
    let rate = parse("rate(5 minutes)");
    let start = at(2024, 5, 1, 12, 0, 0);
    assert_eq!(
        rate.next_after_starting(start, start),
        Some(at(2024, 5, 1, 12, 5, 0))
    );
    assert_eq!(
        rate.next_after_starting(start, at(2024, 5, 1, 12, 7, 0)),
        Some(at(2024, 5, 1, 12, 10, 0))
    );
    // A firing instant is not "after" itself.
    assert_eq!(
        rate.next_after_starting(start, at(2024, 5, 1, 12, 10, 0)),
        Some(at(2024, 5, 1, 12, 15, 0))
    );
    let just_before = at(2024, 5, 1, 12, 10, 0) - TimeDelta::milliseconds(1);
    assert_eq!(
        rate.next_after_starting(start, just_before),
        Some(at(2024, 5, 1, 12, 10, 0))
    );
    // Before the start, the first firing is one period after it.
    assert_eq!(
        rate.next_after_starting(start, at(2024, 1, 1, 0, 0, 0)),
        Some(at(2024, 5, 1, 12, 5, 0))
    );
    // Without a start, a rate counts from `t`.
    assert_eq!(
        rate.next_after(at(2024, 5, 1, 12, 7, 30)),
        Some(at(2024, 5, 1, 12, 12, 30))
    );
    let firings: Vec<_> = rate.firings_after(start).take(3).collect();
    assert_eq!(
        firings,
        [
            at(2024, 5, 1, 12, 5, 0),
            at(2024, 5, 1, 12, 10, 0),
            at(2024, 5, 1, 12, 15, 0)
        ]
    );
}

#[test]
fn cron_ignores_the_start() {
    let cron = parse("cron(0 10 * * ? *)");
    let t = at(2024, 5, 1, 11, 0, 0);
    assert_eq!(
        cron.next_after_starting(at(1999, 1, 1, 0, 0, 0), t),
        cron.next_after(t)
    );
}

#[test]
fn huge_rate_past_the_calendar_never_fires() {
    let rate = parse("rate(4294967295 days)");
    assert_eq!(rate.next_after(at(2024, 1, 1, 0, 0, 0)), None);
}

/// `next_after` must equal the first minute a brute-force scan finds with `matches`: this
/// checks the year/month/day/hour rollovers of the search, whatever the day rules are.
#[test]
fn next_after_agrees_with_a_minute_by_minute_scan() {
    let expressions = [
        "cron(0 10 * * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(7,53 */5 ? * MON-FRI *)",
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(30 23 L * ? *)",
        "cron(0 6 L-2 * ? *)",
        "cron(0 0 LW * ? *)",
        "cron(45 6 1W * ? *)",
        "cron(59 23 31W * ? *)",
        "cron(1 1 ? * 6L *)",
        "cron(0 12 ? * 2#1 *)",
        "cron(0 0 ? * 1#5 *)",
        "cron(0 0 ? * L *)",
        "cron(10-20/5 0,12 ? FEB,MAR * *)",
        "cron(0 0 29 2 ? *)",
        "cron(0 9 1-7 */2 ? 2024-2025)",
    ];
    let starts = [
        at(2024, 1, 30, 23, 59, 30),
        at(2024, 2, 28, 9, 0, 0),
        at(2024, 12, 31, 23, 58, 59),
    ];
    let window = 62 * 24 * 60; // minutes: every case above fires within two months
    for expression in expressions {
        let ScheduleExpression::Cron(cron) = parse(expression) else {
            unreachable!()
        };
        for start in starts {
            let first = start.timestamp().div_euclid(60) * 60 + 60;
            let scan = (0..window)
                .map(|i| Utc.timestamp_opt(first + i * 60, 0).unwrap())
                .find(|t| cron.matches(*t));
            let next = cron.next_after(start);
            match scan {
                Some(scanned) => assert_eq!(next, Some(scanned), "{expression} after {start}"),
                // Nothing in the window: the answer, if any, lies beyond it.
                None => assert!(
                    next.is_none_or(|t| t.timestamp() >= first + window * 60),
                    "{expression} after {start}: {next:?} was missed by the scan"
                ),
            }
        }
    }
}
