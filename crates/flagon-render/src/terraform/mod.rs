//! The Terraform backend: one JSON configuration (`flagon.tf.json`) for Terraform 1.5 or
//! later and the AWS provider 5 or later.
//!
//! Each [`Resource`] of the model becomes the resources of its own file in this module,
//! named after the model key in snake case (`aws_lambda_function.on_upload`); the API's
//! resources are all named `api`. No provider block is written: the region and credentials
//! come from the user's environment or their own `provider "aws"` block beside the file.
//!
//! Choices that keep the output valid on provider 5 and 6 alike and free of deprecations:
//!
//! - A queue, topic or stream given by name is looked up with its data source
//!   (`data.aws_sqs_queue`, `data.aws_sns_topic`, `data.aws_kinesis_stream`) rather than by
//!   composing an ARN from `data.aws_region`, whose `name` attribute provider 6 deprecates
//!   for `region`, an attribute provider 5 lacks. A missing source fails at plan time.
//! - The REST API is `aws_api_gateway_rest_api` with the OpenAPI `body`, an
//!   `aws_api_gateway_deployment` redeployed when the body's hash changes, and a separate
//!   `aws_api_gateway_stage` (not the deprecated `stage_name` of the deployment).
//! - The HTTP API is `aws_apigatewayv2_api` with one integration, a route per method and
//!   path, and an auto-deployed `$default` stage.
//!
//! # S3 notifications replace the bucket's configuration
//!
//! `aws_s3_bucket_notification` owns a bucket's whole notification configuration, and the
//! provider has no resource for one entry: the configuration written here holds every
//! notification of this app for that bucket (one resource per bucket), and replaces any
//! entry somebody else added to the bucket. Use `cargo flagon deploy` or the SAM template
//! (whose custom resource merges) for buckets shared with other notifications.
//!
//! # Topics of another region
//!
//! An SNS topic given by an ARN of another region is subscribed to through the provider's
//! region, which fails: provider 5 has no per-resource region. Give such a topic a
//! provider alias of its region through `--merge-template`-like edits, or use the SAM
//! template (whose subscription names the topic's region) or `cargo flagon deploy`.
//!
//! # Strings are escaped
//!
//! Terraform reads every string of a JSON configuration as a template, so a user's `${` or
//! `%{` (in an environment variable, a tag, a path, an event pattern) is written `$${` or
//! `%%{`; only the references this module builds are interpolations.

mod api;
mod event_rule;
mod event_source_mapping;
mod function;
mod log_group;
mod permission;
mod role;
mod s3;
mod sns;

use std::collections::BTreeMap;

use flagon_model::{FunctionRef, Model, NameOrArn, Resource, camel_case};
use serde_json::{Map, Value, json};

use crate::{RenderError, TfOptions, code_for};

/// The Terraform versions the output is written for.
pub const REQUIRED_TERRAFORM: &str = ">= 1.5.0";

/// The AWS provider versions the output is written for.
pub const REQUIRED_AWS_PROVIDER: &str = ">= 5.0";

/// Renders `model` as a Terraform JSON configuration.
///
/// Fails only if a function's architecture has no zip in `options`.
pub fn render_terraform(model: &Model, options: &TfOptions) -> Result<Value, RenderError> {
    let mut tf = Tf::default();
    for resource in &model.resources {
        match resource {
            Resource::Role(r) => role::render(&mut tf, r),
            Resource::LogGroup(l) => log_group::render(&mut tf, l),
            Resource::Function(f) => function::render(&mut tf, f, code_for(&options.zip_path, f)?),
            Resource::RestApi(a) => api::render_rest(&mut tf, a),
            Resource::HttpApi(a) => api::render_http(&mut tf, a),
            Resource::Permission(p) => permission::render(&mut tf, p),
            Resource::S3Notification(n) => s3::render(&mut tf, n),
            Resource::SnsSubscription(s) => sns::render(&mut tf, s),
            Resource::EventSourceMapping(m) => event_source_mapping::render(&mut tf, m),
            Resource::EventRule(r) => event_rule::render(&mut tf, r),
        }
    }
    s3::render_bucket_notifications(&mut tf);
    let mut config = json!({
        "terraform": {
            "required_version": REQUIRED_TERRAFORM,
            "required_providers": {
                "aws": {"source": "hashicorp/aws", "version": REQUIRED_AWS_PROVIDER}
            },
        },
    });
    if !tf.data.is_empty() {
        config["data"] = Value::Object(tf.data);
    }
    config["resource"] = Value::Object(tf.resources);
    if !tf.outputs.is_empty() {
        config["output"] = Value::Object(tf.outputs);
    }
    Ok(config)
}

/// The configuration being built.
#[derive(Default)]
struct Tf {
    /// `{type: {name: body}}`.
    resources: Map<String, Value>,
    /// `{type: {name: body}}`.
    data: Map<String, Value>,
    outputs: Map<String, Value>,
    /// Per bucket, its notifications' `lambda_function` blocks and the permissions they need.
    s3: BTreeMap<String, (Vec<Value>, Vec<String>)>,
}

impl Tf {
    fn resource(&mut self, kind: &str, name: &str, body: Value) {
        insert(&mut self.resources, kind, name, body);
    }

    fn output(&mut self, name: &str, description: &str, value: &str) {
        self.outputs.insert(
            name.to_owned(),
            json!({"description": description, "value": value}),
        );
    }

    /// `data.<kind>.<name>`, declared once with `body`.
    fn data(&mut self, kind: &str, name: &str, body: Value) -> String {
        insert(&mut self.data, kind, name, body);
        format!("data.{kind}.{name}")
    }

    /// The ARN of a queue, topic or stream: the ARN itself, or an interpolation of its data
    /// source looked up by name.
    fn arn(&mut self, resource: &NameOrArn, data_kind: &str) -> String {
        match resource {
            NameOrArn::Arn(arn) => escape_str(arn),
            NameOrArn::Name(name) => {
                let body = json!({"name": escape_str(name)});
                // `jobs.fifo` and `jobs_fifo` share an identifier: number the second.
                let base = ident(name);
                let mut key = base.clone();
                let mut n = 2;
                while self
                    .data
                    .get(data_kind)
                    .and_then(|d| d.get(&key))
                    .is_some_and(|existing| existing != &body)
                {
                    key = format!("{base}_{n}");
                    n += 1;
                }
                let data = self.data(data_kind, &key, body);
                format!("${{{data}.arn}}")
            }
        }
    }

    /// `${data.aws_partition.current.partition}`.
    fn partition(&mut self) -> String {
        let data = self.data("aws_partition", "current", json!({}));
        format!("${{{data}.partition}}")
    }

    /// `${data.aws_caller_identity.current.account_id}`.
    fn account_id(&mut self) -> String {
        let data = self.data("aws_caller_identity", "current", json!({}));
        format!("${{{data}.account_id}}")
    }
}

fn insert(map: &mut Map<String, Value>, kind: &str, name: &str, body: Value) {
    let entry = map.entry(kind.to_owned()).or_insert_with(|| json!({}));
    entry[name] = body;
}

/// The Terraform name of a model key: `on_upload` -> `on_upload`, `onUpload` -> `on_upload`.
/// Goes through [`camel_case`], which the model keeps collision-free, and back, which is
/// one-to-one (each `_` marks an upper-case letter), so distinct functions get distinct names.
fn name(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel_case(key).chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    ident(&out)
}

/// A Terraform identifier from any name: letters, digits, `_` and `-`, not starting with a
/// digit.
fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// `aws_lambda_function.<name>` of a function.
fn function(f: &FunctionRef) -> String {
    format!("aws_lambda_function.{}", name(&f.0))
}

/// A user's string, with Terraform's template sequences escaped.
fn escape_str(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A user's JSON value with every string and key escaped ([`escape_str`]).
fn escape(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(escape_str(s)),
        Value::Array(items) => Value::Array(items.iter().map(escape).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (escape_str(k), escape(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A JSON document as the escaped string Terraform expects for policies, patterns and bodies.
fn json_string(value: &Value) -> String {
    escape_str(&value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_identifiers() {
        assert_eq!(name("on_upload"), "on_upload");
        assert_eq!(name("onUpload"), "on_upload");
        assert_eq!(name("resize-2x"), "resize2x");
        assert_eq!(ident("3d.renders"), "_3d_renders");
    }

    #[test]
    fn names_that_share_an_identifier_get_distinct_data_sources() {
        let mut tf = Tf::default();
        let a = tf.arn(&NameOrArn::parse("jobs.fifo"), "aws_sqs_queue");
        let b = tf.arn(&NameOrArn::parse("jobs_fifo"), "aws_sqs_queue");
        let again = tf.arn(&NameOrArn::parse("jobs.fifo"), "aws_sqs_queue");
        assert_eq!(a, "${data.aws_sqs_queue.jobs_fifo.arn}");
        assert_eq!(b, "${data.aws_sqs_queue.jobs_fifo_2.arn}");
        assert_eq!(again, a);
        assert_eq!(
            tf.data["aws_sqs_queue"]["jobs_fifo_2"],
            json!({"name": "jobs_fifo"})
        );
    }

    #[test]
    fn template_sequences_in_user_strings_are_escaped() {
        assert_eq!(escape_str("${HOME} and %{if x}"), "$${HOME} and %%{if x}");
        assert_eq!(
            escape(&json!({"${k}": ["${v}"]})),
            json!({"$${k}": ["$${v}"]})
        );
    }
}
