//! ARNs the planner computes from names, with the caller's account, region and partition.

use flagon_model::NameOrArn;
use serde::{Deserialize, Serialize};

/// The caller's account, region and partition (from STS and the SDK's region).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AwsEnv {
    /// Account id.
    pub account_id: String,
    /// Region.
    pub region: String,
    /// Partition: `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
}

impl AwsEnv {
    /// An environment in the `aws` partition.
    pub fn new(account_id: impl Into<String>, region: impl Into<String>) -> Self {
        Self {
            account_id: account_id.into(),
            region: region.into(),
            partition: "aws".into(),
        }
    }

    fn regional(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }

    /// `arn:aws:lambda:<region>:<account>:function:<name>`.
    pub fn function_arn(&self, function_name: &str) -> String {
        self.regional("lambda", &format!("function:{function_name}"))
    }

    /// `arn:aws:iam::<account>:role/<name>`.
    pub fn role_arn(&self, role_name: &str) -> String {
        format!(
            "arn:{}:iam::{}:role/{role_name}",
            self.partition, self.account_id
        )
    }

    /// A topic's ARN.
    pub fn topic_arn(&self, topic: &NameOrArn) -> String {
        match topic {
            NameOrArn::Arn(arn) => arn.clone(),
            NameOrArn::Name(name) => self.regional("sns", name),
        }
    }

    /// A queue's ARN.
    pub fn queue_arn(&self, queue: &NameOrArn) -> String {
        match queue {
            NameOrArn::Arn(arn) => arn.clone(),
            NameOrArn::Name(name) => self.regional("sqs", name),
        }
    }

    /// A Kinesis stream's ARN.
    pub fn stream_arn(&self, stream: &NameOrArn) -> String {
        match stream {
            NameOrArn::Arn(arn) => arn.clone(),
            NameOrArn::Name(name) => self.regional("kinesis", &format!("stream/{name}")),
        }
    }

    /// `arn:aws:s3:::<bucket>`.
    pub fn bucket_arn(&self, bucket: &str) -> String {
        format!("arn:{}:s3:::{bucket}", self.partition)
    }

    /// An EventBridge rule's ARN (`rule/<bus>/<name>` off the default bus).
    pub fn rule_arn(&self, rule_name: &str, event_bus: Option<&str>) -> String {
        match event_bus {
            None | Some("default") => self.regional("events", &format!("rule/{rule_name}")),
            Some(bus) => self.regional("events", &format!("rule/{bus}/{rule_name}")),
        }
    }

    /// Any stage, method and path of an API: `arn:aws:execute-api:<region>:<account>:<id>/*`.
    pub fn execute_api_arn(&self, api_id: &str) -> String {
        self.regional("execute-api", &format!("{api_id}/*"))
    }

    /// The invoke URL of a REST API stage or an HTTP API's `$default` stage.
    pub fn api_url(&self, api_id: &str, stage: Option<&str>) -> String {
        let suffix = if self.partition == "aws-cn" {
            ".cn"
        } else {
            ""
        };
        let host = format!(
            "https://{api_id}.execute-api.{}.amazonaws.com{suffix}",
            self.region
        );
        match stage {
            Some(stage) => format!("{host}/{stage}/"),
            None => format!("{host}/"),
        }
    }
}
