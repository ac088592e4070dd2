//! Data-driven schedule tests: `fixtures/schedules.txt` (which expressions AWS accepts, and
//! what the error says otherwise) and `fixtures/next_fire.txt` (hand-checked firing times).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use flagon_manifest::schedule::ScheduleExpression;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Non-blank, non-comment lines with their line numbers, split on `|` and trimmed.
fn rows(text: &str) -> Vec<(usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|(i, line)| (i + 1, line.split('|').map(str::trim).collect()))
        .collect()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("fixture instant `{text}`: {e}"))
        .with_timezone(&Utc)
}

#[test]
fn expressions_are_accepted_and_rejected_as_aws_does() {
    let text = fixture("schedules.txt");
    let rows = rows(&text);
    let (mut valid, mut invalid) = (0, 0);
    for (line, cols) in &rows {
        match cols.as_slice() {
            ["valid", expression] => {
                let parsed = expression
                    .parse::<ScheduleExpression>()
                    .unwrap_or_else(|e| panic!("line {line}: `{expression}` should be valid: {e}"));
                assert_eq!(
                    parsed.to_string(),
                    *expression,
                    "line {line}: display round trip"
                );
                valid += 1;
            }
            ["invalid", expression, fragment] => {
                let err = match expression.parse::<ScheduleExpression>() {
                    Ok(parsed) => {
                        panic!("line {line}: `{expression}` should be invalid: {parsed:?}")
                    }
                    Err(err) => err,
                };
                let message = err.to_string();
                assert!(
                    message.contains(fragment),
                    "line {line}: error for `{expression}` should contain `{fragment}`:\n{message}"
                );
                assert_eq!(err.expression(), *expression, "line {line}");
                invalid += 1;
            }
            other => panic!("line {line}: malformed fixture row {other:?}"),
        }
    }
    // Guard against a fixture that silently lost its rows.
    assert!(
        valid >= 30 && invalid >= 60,
        "only {valid} valid and {invalid} invalid rows"
    );
}

#[test]
fn schedules_fire_at_the_hand_checked_instants() {
    let text = fixture("next_fire.txt");
    let rows = rows(&text);
    assert!(rows.len() >= 30, "only {} rows", rows.len());
    for (line, cols) in &rows {
        let [expression, after, expected] = cols.as_slice() else {
            panic!("line {line}: malformed fixture row {cols:?}");
        };
        let schedule: ScheduleExpression = expression
            .parse()
            .unwrap_or_else(|e| panic!("line {line}: {e}"));
        let mut t = instant(after);
        for want in expected.split(',').map(str::trim) {
            let got = schedule.next_after_starting(instant(after), t);
            if want == "none" {
                assert_eq!(
                    got, None,
                    "line {line}: `{expression}` after {t} should never fire"
                );
                break;
            }
            let want = instant(want);
            assert_eq!(got, Some(want), "line {line}: `{expression}` after {t}");
            t = want;
        }
    }
}

/// Every error message in one reviewable file: the wording is part of the interface.
#[test]
fn error_messages_read_as_documented() {
    let text = fixture("schedules.txt");
    let messages: Vec<String> = rows(&text)
        .into_iter()
        .filter(|(_, cols)| cols[0] == "invalid")
        .map(|(_, cols)| match cols[1].parse::<ScheduleExpression>() {
            Ok(parsed) => format!("{} -> accepted as {parsed}", cols[1]),
            Err(err) => format!("failed to {err}"),
        })
        .collect();
    insta::assert_snapshot!(messages.join("\n"));
}
