//! S3 bucket notifications: merged into the bucket's configuration, never overwriting the
//! entries of others (topic, queue and EventBridge entries, and Lambda entries with other
//! ids). Filter rule names are written lowercase (`prefix`, `suffix`), as S3 documents them,
//! and read case-insensitively.

use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, LambdaFunctionConfiguration, NotificationConfiguration,
    NotificationConfigurationFilter, S3KeyFilter,
};
use flagon_plan::LambdaNotification;

use crate::Aws;
use crate::error::{AwsError, call_error};

/// The planner's view of an SDK entry.
pub(crate) fn to_observed(c: &LambdaFunctionConfiguration) -> LambdaNotification {
    let mut prefix = None;
    let mut suffix = None;
    let rules = c
        .filter()
        .and_then(|f| f.key())
        .map(|k| k.filter_rules())
        .unwrap_or_default();
    for rule in rules {
        let value = rule.value().map(str::to_owned);
        match rule
            .name()
            .map(|n| n.as_str().to_ascii_lowercase())
            .as_deref()
        {
            Some("prefix") => prefix = value,
            Some("suffix") => suffix = value,
            _ => {}
        }
    }
    let mut events: Vec<String> = c.events().iter().map(|e| e.as_str().to_owned()).collect();
    events.sort();
    LambdaNotification {
        id: c.id().unwrap_or_default().to_owned(),
        function_arn: c.lambda_function_arn().to_owned(),
        events,
        prefix,
        suffix,
    }
}

fn to_sdk(n: &LambdaNotification, action: &str) -> Result<LambdaFunctionConfiguration, AwsError> {
    let mut rules = Vec::new();
    for (name, value) in [
        (FilterRuleName::Prefix, &n.prefix),
        (FilterRuleName::Suffix, &n.suffix),
    ] {
        if let Some(value) = value {
            rules.push(FilterRule::builder().name(name).value(value).build());
        }
    }
    let mut b = LambdaFunctionConfiguration::builder()
        .id(&n.id)
        .lambda_function_arn(&n.function_arn)
        .set_events(Some(
            n.events.iter().map(|e| Event::from(e.as_str())).collect(),
        ));
    if !rules.is_empty() {
        b = b.filter(
            NotificationConfigurationFilter::builder()
                .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
                .build(),
        );
    }
    b.build().map_err(|e| AwsError::Call {
        action: action.to_owned(),
        code: None,
        message: e.to_string(),
        request_id: None,
    })
}

/// The bucket's notification configuration. moto (5.x) answers an empty configuration
/// with a `GetBucketNotificationResponse` root the SDK cannot parse; S3 answers
/// `<NotificationConfiguration/>`. Both mean "no entries".
pub(crate) type NotificationOutput =
    aws_sdk_s3::operation::get_bucket_notification_configuration::GetBucketNotificationConfigurationOutput;

fn is_empty_answer<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    matches!(e, aws_sdk_s3::error::SdkError::ServiceError(_))
        && e.raw_response().is_some_and(|r| {
            r.status().is_success()
                && r.body().bytes().is_some_and(|b| {
                    String::from_utf8_lossy(b).contains("<GetBucketNotificationResponse")
                })
        })
}

impl Aws {
    pub(crate) async fn get_notifications(
        &self,
        bucket: &str,
    ) -> Result<
        NotificationOutput,
        aws_sdk_s3::error::SdkError<
            aws_sdk_s3::operation::get_bucket_notification_configuration::GetBucketNotificationConfigurationError,
            aws_smithy_runtime_api::http::Response,
        >,
    >{
        match self
            .s3
            .get_bucket_notification_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Err(e) if is_empty_answer(&e) => Ok(NotificationOutput::builder().build()),
            other => other,
        }
    }

    /// Puts `entry` into the bucket's configuration (replacing an entry of the same id) or,
    /// with `None`, removes the entry `id`. Other entries are kept as they are.
    pub(crate) async fn merge_notification(
        &self,
        bucket: &str,
        id: &str,
        entry: Option<&LambdaNotification>,
    ) -> Result<(), AwsError> {
        let action = format!("update the notifications of bucket {bucket}");
        let current = match self.get_notifications(bucket).await {
            Ok(out) => out,
            Err(e) if entry.is_none() && crate::error::is_not_found(&e) => return Ok(()),
            Err(e) => return Err(call_error(action, e)),
        };
        let mut lambdas: Vec<LambdaFunctionConfiguration> = current
            .lambda_function_configurations()
            .iter()
            .filter(|c| c.id() != Some(id))
            .cloned()
            .collect();
        if entry.is_none() && lambdas.len() == current.lambda_function_configurations().len() {
            return Ok(()); // already gone
        }
        if let Some(entry) = entry {
            lambdas.push(to_sdk(entry, &action)?);
        }
        let config = NotificationConfiguration::builder()
            .set_topic_configurations(Some(current.topic_configurations().to_vec()))
            .set_queue_configurations(Some(current.queue_configurations().to_vec()))
            .set_lambda_function_configurations(Some(lambdas))
            .set_event_bridge_configuration(current.event_bridge_configuration().cloned())
            .build();
        self.s3
            .put_bucket_notification_configuration()
            .bucket(bucket)
            .notification_configuration(config)
            .send()
            .await
            .map_err(|e| call_error(action, e))?;
        Ok(())
    }
}
