//! YAML output of templates, safe for YAML 1.1 readers.
//!
//! CloudFormation, the AWS CLI, cfn-lint and aws-sam-translator read YAML 1.1, where plain
//! `yes`, `on`, `n` are booleans, `2010-09-09` is a date and `010` an octal number. YAML 1.2
//! serialisers (serde_norway among them) write such strings unquoted, so an environment
//! variable `"on"` would reach Lambda as `true`. This emitter writes a string plain only when
//! every YAML version reads it back as that string, multi-line text as a literal block (the
//! inline S3 notifier stays readable), and anything else as a JSON string, which is valid
//! YAML.

use serde_json::Value;

/// YAML text of a template (or any JSON value), keys in their JSON order, intrinsic
/// functions in their long form (`Fn::Sub:`), which CloudFormation reads.
///
/// ```
/// let yaml = flagon_render::to_yaml(&serde_json::json!({
///     "AWSTemplateFormatVersion": "2010-09-09",
///     "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "on", "Value": "yes"}]}}}
/// }));
/// assert_eq!(yaml, "\
/// AWSTemplateFormatVersion: \"2010-09-09\"
/// Resources:
///   Q:
///     Type: AWS::SQS::Queue
///     Properties:
///       Tags:
///         - Key: \"on\"
///           Value: \"yes\"
/// ");
/// ```
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => block(&mut out, value, 0),
        Value::Array(items) if !items.is_empty() => block(&mut out, value, 0),
        scalar => {
            out.push_str(&inline(scalar, 0));
            out.push('\n');
        }
    }
    out
}

/// A non-empty object or array, each line indented by `indent` spaces.
fn block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(&string(key, None));
                out.push(':');
                nested(out, v, indent);
            }
        }
        Value::Array(items) => {
            for item in items {
                // Render the item as if it were indented under the dash, then put the dash
                // in place of the first line's indentation.
                let mut text = String::new();
                match item {
                    Value::Object(m) if !m.is_empty() => block(&mut text, item, indent + 2),
                    Value::Array(a) if !a.is_empty() => block(&mut text, item, indent + 2),
                    scalar => {
                        text.push_str(&" ".repeat(indent + 2));
                        text.push_str(&inline(scalar, indent + 2));
                        text.push('\n');
                    }
                }
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&text[indent + 2..]);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&inline(scalar, indent));
            out.push('\n');
        }
    }
}

/// The value of a mapping key whose `key:` is written: nested blocks go on the next lines.
fn nested(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            block(out, v, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            block(out, v, indent + 2);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar, indent + 2));
            out.push('\n');
        }
    }
}

/// A scalar or an empty collection on the current line; a literal block's content lines
/// are indented by `indent`.
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, Some(indent)),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string: plain when safe, a literal block when multi-line (and `indent` allows one),
/// a JSON string otherwise.
fn string(s: &str, indent: Option<usize>) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    if let Some(indent) = indent
        && let Some(literal) = literal_block(s, indent)
    {
        return literal;
    }
    serde_json::Value::String(s.to_owned()).to_string()
}

/// `|-` (or `|` / `|+` by trailing newlines) and the lines, for text a literal block keeps
/// exactly: several lines, no leading space on the first, no carriage return or other
/// control character than tab.
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n')
        || s.starts_with([' ', '\n'])
        || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let chomp = match s.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

/// Whether every YAML 1.1 and 1.2 reader reads `s`, unquoted, as this very string.
fn is_plain_safe(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || matches!(first, '/' | '_' | '$'))
        && !SPECIAL.iter().any(|w| s.eq_ignore_ascii_case(w))
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./:${}*+@(),?=~^<>;".contains(c))
        && !s.contains(": ")
        && !s.ends_with([':', ' '])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn yaml_reads_back_as_the_same_json() {
        let value = json!({
            "dates and bools stay strings": ["2010-09-09", "on", "No", "y", "~", "null", "010", "1:20", ".inf", "-1"],
            "plain": ["AWS::Serverless::Function", "arn:${AWS::Partition}:s3:::b", "/users/{id}", "s3:ObjectCreated:*"],
            "odd": ["", " lead", "trail ", "a: b", "x #y", "*", "&a", "!Ref", "'q'", "\"d\"", "tab\there", "é"],
            "code": "import json\n\ndef handler(e, c):\n    return e\n",
            "code-no-final-newline": "a\n  b",
            "code-two-final-newlines": "a\n\n",
            "nested": [[1, 2], [], {}, [{"a": [{"b": null}]}]],
            "numbers": [0, -3, 1.5, 1e300],
            "": "empty key",
        });
        let yaml = to_yaml(&value);
        let back: Value = serde_norway::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(back, value, "{yaml}");
    }

    #[test]
    fn yaml_1_1_specials_are_quoted_and_code_is_a_literal_block() {
        let yaml = to_yaml(&json!({"V": "2010-09-09", "E": "on", "Z": "def f():\n    pass\n"}));
        assert_eq!(
            yaml,
            "V: \"2010-09-09\"\nE: \"on\"\nZ: |\n  def f():\n      pass\n"
        );
    }
}
