//! Reading a user's template for `--merge-template`: JSON or YAML, with CloudFormation's
//! short intrinsic forms (`!Ref`, `!Sub`, `!GetAtt a.b`, ...) turned into the long forms the
//! generated template uses, so the two merge key by key.

use serde_json::{Map, Number, Value, json};
use serde_norway::Value as Yaml;

use crate::RenderError;

/// Parses a template written in JSON or YAML (JSON is YAML) into the JSON form
/// [`deep_merge`](crate::deep_merge) takes. `!GetAtt Fn.Arn` becomes
/// `{"Fn::GetAtt": ["Fn", "Arn"]}`, `!Ref X` `{"Ref": "X"}`, `!Condition C`
/// `{"Condition": "C"}`, and any other `!Name v` `{"Fn::Name": v}`.
///
/// ```
/// let overlay = flagon_render::parse_template(
///     "Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub '${AWS::StackName}-x'\n",
/// ).unwrap();
/// assert_eq!(
///     overlay["Resources"]["Extra"]["Properties"]["TopicName"],
///     serde_json::json!({"Fn::Sub": "${AWS::StackName}-x"})
/// );
/// ```
pub fn parse_template(text: &str) -> Result<Value, RenderError> {
    let yaml: Yaml =
        serde_norway::from_str(text).map_err(|e| RenderError::Template(e.to_string()))?;
    convert(yaml)
}

fn convert(yaml: Yaml) -> Result<Value, RenderError> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(u) = n.as_u64() {
                json!(u)
            } else if let Some(i) = n.as_i64() {
                json!(i)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    RenderError::Template(format!("the number {n} has no JSON form"))
                })?)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(convert).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Number(n) => n.to_string(),
                    other => {
                        return Err(RenderError::Template(format!(
                            "a mapping key must be a string, not {other:?}"
                        )));
                    }
                };
                map.insert(key, convert(value)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = convert(tagged.value)?;
            match (name, value) {
                ("GetAtt", Value::String(s)) => match s.split_once('.') {
                    Some((resource, attribute)) => json!({"Fn::GetAtt": [resource, attribute]}),
                    None => json!({"Fn::GetAtt": s}),
                },
                ("Ref" | "Condition", value) => json!({ name: value }),
                (_, value) => json!({ format!("Fn::{name}"): value }),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_intrinsics_become_long_forms() {
        let v = parse_template(
            "a: !Ref X\nb: !GetAtt F.Arn\nc: !Join [',', [x, y]]\nd: !Condition C\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "a": {"Ref": "X"},
                "b": {"Fn::GetAtt": ["F", "Arn"]},
                "c": {"Fn::Join": [",", ["x", "y"]]},
                "d": {"Condition": "C"},
            })
        );
    }

    #[test]
    fn json_templates_parse_as_they_are() {
        let v = parse_template(
            r#"{"Outputs": {"X": {"Value": {"Fn::GetAtt": ["F", "Arn"]}}}, "n": 1.5}"#,
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"Outputs": {"X": {"Value": {"Fn::GetAtt": ["F", "Arn"]}}}, "n": 1.5})
        );
    }

    #[test]
    fn malformed_template_is_an_error() {
        let err = parse_template("a: [1, 2").unwrap_err();
        assert!(
            err.to_string().starts_with("parse the template to merge"),
            "{err}"
        );
    }
}
