//! The SDK clients, configured as the SDK resolves credentials, profile and region, with
//! `--profile`/`--region` on top and `AWS_ENDPOINT_URL` honoured.

use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_lambda::config::Region;
use flagon_plan::AwsEnv;

use crate::calls::{CallLog, CallLogInterceptor};
use crate::error::{AwsError, call_error};

/// How to reach AWS: what the CLI's `--profile` and `--region` say (anything else comes from
/// the environment and the shared config files, as the SDK resolves it).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// A named profile.
    pub profile: Option<String>,
    /// A region.
    pub region: Option<String>,
    /// An endpoint for every service (tests; `AWS_ENDPOINT_URL` does the same).
    pub endpoint_url: Option<String>,
    /// Fixed credentials (access key id, secret) instead of the SDK's chain: for emulators.
    pub static_credentials: Option<(String, String)>,
}

impl ConnectOptions {
    /// An AWS emulator (moto, LocalStack) at `endpoint_url`: region `us-east-1`, the fixed
    /// credentials `testing`/`testing` emulators accept.
    pub fn emulator(endpoint_url: impl Into<String>) -> Self {
        Self {
            profile: None,
            region: Some("us-east-1".to_owned()),
            endpoint_url: Some(endpoint_url.into()),
            static_credentials: Some(("testing".to_owned(), "testing".to_owned())),
        }
    }
}

/// Clients of every service Flagon uses, sharing one [`CallLog`].
#[derive(Debug, Clone)]
pub struct Aws {
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) apigateway: aws_sdk_apigateway::Client,
    pub(crate) apigatewayv2: aws_sdk_apigatewayv2::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) events: aws_sdk_eventbridge::Client,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) sns: aws_sdk_sns::Client,
    pub(crate) sts: aws_sdk_sts::Client,
    log: Arc<CallLog>,
}

impl Aws {
    /// Loads the SDK configuration and builds the clients.
    pub async fn connect(options: &ConnectOptions) -> Self {
        Self::connect_with_log(options, CallLog::new()).await
    }

    /// As [`Aws::connect`], recording calls in `log` (tests inject faults through it).
    pub async fn connect_with_log(options: &ConnectOptions, log: Arc<CallLog>) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((key, secret)) = &options.static_credentials {
            loader = loader.credentials_provider(aws_sdk_lambda::config::Credentials::new(
                key,
                secret,
                None,
                None,
                "flagon-static",
            ));
        }
        let sdk = loader.load().await;
        Self::from_sdk_config(&sdk, log)
    }

    /// Builds the clients from a loaded SDK configuration.
    pub fn from_sdk_config(sdk: &SdkConfig, log: Arc<CallLog>) -> Self {
        let i = CallLogInterceptor(Arc::clone(&log));
        // A custom endpoint (an emulator) cannot serve virtual-hosted bucket names.
        let path_style = sdk.endpoint_url().is_some();
        Self {
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            apigateway: aws_sdk_apigateway::Client::from_conf(
                aws_sdk_apigateway::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            apigatewayv2: aws_sdk_apigatewayv2::Client::from_conf(
                aws_sdk_apigatewayv2::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            events: aws_sdk_eventbridge::Client::from_conf(
                aws_sdk_eventbridge::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(sdk)
                    .force_path_style(path_style)
                    .interceptor(i.clone())
                    .build(),
            ),
            sns: aws_sdk_sns::Client::from_conf(
                aws_sdk_sns::config::Builder::from(sdk)
                    .interceptor(i.clone())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(sdk)
                    .interceptor(i)
                    .build(),
            ),
            log,
        }
    }

    /// The Lambda client (for reads in tests and tools; mutations belong in the executor).
    pub fn lambda_client(&self) -> &aws_sdk_lambda::Client {
        &self.lambda
    }

    /// The S3 client.
    pub fn s3_client(&self) -> &aws_sdk_s3::Client {
        &self.s3
    }

    /// The SNS client.
    pub fn sns_client(&self) -> &aws_sdk_sns::Client {
        &self.sns
    }

    /// The EventBridge client.
    pub fn events_client(&self) -> &aws_sdk_eventbridge::Client {
        &self.events
    }

    /// The IAM client.
    pub fn iam_client(&self) -> &aws_sdk_iam::Client {
        &self.iam
    }

    /// The API Gateway (REST) client.
    pub fn apigateway_client(&self) -> &aws_sdk_apigateway::Client {
        &self.apigateway
    }

    /// The API Gateway v2 (HTTP API) client.
    pub fn apigatewayv2_client(&self) -> &aws_sdk_apigatewayv2::Client {
        &self.apigatewayv2
    }

    /// The CloudWatch Logs client.
    pub fn logs_client(&self) -> &aws_sdk_cloudwatchlogs::Client {
        &self.logs
    }

    /// The SNS client for the region of `arn` (a topic or a subscription): SNS only answers
    /// about a topic in the topic's own region, which may not be the deploy's.
    pub(crate) fn sns_for(&self, arn: &str) -> aws_sdk_sns::Client {
        let region = arn.split(':').nth(3).filter(|r| !r.is_empty());
        match region {
            Some(r)
                if self
                    .sns
                    .config()
                    .region()
                    .is_none_or(|own| own.as_ref() != r) =>
            {
                let config = self
                    .sns
                    .config()
                    .to_builder()
                    .region(Region::new(r.to_owned()))
                    .build();
                aws_sdk_sns::Client::from_conf(config)
            }
            _ => self.sns.clone(),
        }
    }

    /// The calls made so far.
    pub fn call_log(&self) -> &Arc<CallLog> {
        &self.log
    }

    /// The caller's account (STS GetCallerIdentity), region and partition.
    pub async fn env(&self) -> Result<AwsEnv, AwsError> {
        let action = "identify the caller (sts get-caller-identity)";
        let id = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| call_error(action, e))?;
        let account_id = id
            .account()
            .ok_or(AwsError::Incomplete {
                action: action.into(),
                what: "Account",
            })?
            .to_owned();
        let partition = id
            .arn()
            .and_then(|arn| arn.split(':').nth(1))
            .unwrap_or("aws")
            .to_owned();
        let region = self
            .lambda
            .config()
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| {
                AwsError::Usage(
                    "find the AWS region: pass --region, set AWS_REGION, or set a region in \
                     your profile"
                        .into(),
                )
            })?;
        Ok(AwsEnv {
            account_id,
            region,
            partition,
        })
    }
}
