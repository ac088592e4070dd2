//! Typed references between resources, and names that may or may not be ARNs.
//!
//! Values flow between resources (and between a backend's steps) through these references,
//! never through bare strings: a [`FunctionRef`] cannot be passed where a [`RoleRef`] is
//! expected, and [`ResourceId`] names every resource of a [`Model`](crate::Model) uniquely.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A function of the model, by its manifest name (the handler name, e.g. `on_upload`).
///
/// Not the deployed Lambda name: that is [`Function::function_name`](crate::Function).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FunctionRef(pub String);

/// A role the model creates, by its key: `app` for the stage-wide role, or the function name
/// for a function that has its own policy file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoleRef(pub String);

/// An EventBridge rule, by the function it targets (each rule has exactly one).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleRef(pub FunctionRef);

/// The identity of a resource in the model: its kind and its key. Stable across builds, so
/// a deploy's state file can key recorded resources by it (`Display` gives `kind:key`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum ResourceId {
    /// [`Role`](crate::Role).
    Role(RoleRef),
    /// [`LogGroup`](crate::LogGroup) of a function.
    LogGroup(FunctionRef),
    /// [`Function`](crate::Function).
    Function(FunctionRef),
    /// The [`RestApi`](crate::RestApi) (at most one per model).
    RestApi,
    /// The [`HttpApi`](crate::HttpApi) (at most one per model).
    HttpApi,
    /// The [`Permission`](crate::Permission) that lets a function's trigger invoke it (each
    /// function has at most one).
    Permission(FunctionRef),
    /// [`S3Notification`](crate::S3Notification) of a function.
    S3Notification(FunctionRef),
    /// [`SnsSubscription`](crate::SnsSubscription) of a function.
    SnsSubscription(FunctionRef),
    /// [`EventSourceMapping`](crate::EventSourceMapping) of a function.
    EventSourceMapping(FunctionRef),
    /// [`EventRule`](crate::EventRule) targeting a function.
    EventRule(RuleRef),
}

impl ResourceId {
    /// The kind, in snake case (`role`, `function`, `event_rule`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            ResourceId::Role(_) => "role",
            ResourceId::LogGroup(_) => "log_group",
            ResourceId::Function(_) => "function",
            ResourceId::RestApi => "rest_api",
            ResourceId::HttpApi => "http_api",
            ResourceId::Permission(_) => "permission",
            ResourceId::S3Notification(_) => "s3_notification",
            ResourceId::SnsSubscription(_) => "sns_subscription",
            ResourceId::EventSourceMapping(_) => "event_source_mapping",
            ResourceId::EventRule(_) => "event_rule",
        }
    }

    /// The key within the kind (a function name or a role key); empty for the
    /// API, of which there is one.
    pub fn key(&self) -> String {
        match self {
            ResourceId::Role(r) => r.0.clone(),
            ResourceId::LogGroup(f)
            | ResourceId::Function(f)
            | ResourceId::Permission(f)
            | ResourceId::S3Notification(f)
            | ResourceId::SnsSubscription(f)
            | ResourceId::EventSourceMapping(f)
            | ResourceId::EventRule(RuleRef(f)) => f.0.clone(),
            ResourceId::RestApi | ResourceId::HttpApi => String::new(),
        }
    }

    /// An alphanumeric logical id for templates (CloudFormation logical ids, Terraform
    /// resource names): the key in CamelCase followed by the kind, e.g. `OnUploadFunction`,
    /// `OnUploadS3Notification`, `RestApi`. [`Model::build`](crate::Model::build) refuses
    /// two functions whose names collide here.
    pub fn logical_id(&self) -> String {
        let kind = match self {
            ResourceId::Role(_) => "Role",
            ResourceId::LogGroup(_) => "LogGroup",
            ResourceId::Function(_) => "Function",
            ResourceId::RestApi => "RestApi",
            ResourceId::HttpApi => "HttpApi",
            ResourceId::Permission(_) => "Permission",
            ResourceId::S3Notification(_) => "S3Notification",
            ResourceId::SnsSubscription(_) => "SnsSubscription",
            ResourceId::EventSourceMapping(_) => "EventSourceMapping",
            ResourceId::EventRule(_) => "EventRule",
        };
        format!("{}{kind}", camel_case(&self.key()))
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceId::RestApi | ResourceId::HttpApi => f.write_str(self.kind()),
            _ => write!(f, "{}:{}", self.kind(), self.key()),
        }
    }
}

/// `on_upload` -> `OnUpload`, `flagon-s3-x` -> `FlagonS3X`: every run of non-alphanumeric
/// characters is a word break and is dropped.
pub fn camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// A queue, topic or stream given by name (in the deploying account and region) or by ARN.
///
/// The model is pure: it does not know the account or the region, so a name stays a name and
/// each backend turns it into an ARN (CloudFormation `Fn::Sub` with `${AWS::AccountId}`,
/// Terraform `data.aws_caller_identity`, deploy through STS).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameOrArn {
    /// A bare name: `jobs`.
    Name(String),
    /// A full ARN: `arn:aws:sqs:us-east-1:123456789012:jobs`.
    Arn(String),
}

impl NameOrArn {
    /// An ARN if it starts with `arn:`, a name otherwise.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("arn:") {
            NameOrArn::Arn(s.to_owned())
        } else {
            NameOrArn::Name(s.to_owned())
        }
    }

    /// The resource's name: the name itself, or the last `:`-separated part of the ARN
    /// (`arn:aws:sqs:us-east-1:123456789012:jobs` -> `jobs`; for a Kinesis stream ARN,
    /// `stream/name` -> `name`).
    pub fn name(&self) -> &str {
        match self {
            NameOrArn::Name(n) => n,
            NameOrArn::Arn(a) => {
                let last = a.rsplit(':').next().unwrap_or(a);
                last.rsplit('/').next().unwrap_or(last)
            }
        }
    }

    /// The name or the ARN, as written.
    pub fn as_str(&self) -> &str {
        match self {
            NameOrArn::Name(s) | NameOrArn::Arn(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_or_arn_tells_arns_from_names_and_extracts_the_name() {
        assert_eq!(NameOrArn::parse("jobs"), NameOrArn::Name("jobs".into()));
        let arn = NameOrArn::parse("arn:aws:sqs:us-east-1:123456789012:jobs");
        assert!(matches!(arn, NameOrArn::Arn(_)));
        assert_eq!(arn.name(), "jobs");
        let stream = NameOrArn::parse("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks");
        assert_eq!(stream.name(), "clicks");
    }

    #[test]
    fn logical_ids_are_camel_case_key_then_kind() {
        let f = FunctionRef("on_upload".into());
        assert_eq!(
            ResourceId::Function(f.clone()).logical_id(),
            "OnUploadFunction"
        );
        assert_eq!(
            ResourceId::EventRule(RuleRef(f.clone())).logical_id(),
            "OnUploadEventRule"
        );
        assert_eq!(ResourceId::RestApi.logical_id(), "RestApi");
        assert_eq!(ResourceId::Function(f).to_string(), "function:on_upload");
    }
}
