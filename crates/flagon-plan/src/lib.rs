//! The deploy planner: a pure function from (model, recorded state, observed AWS) to an
//! ordered list of typed steps.
//!
//! Deploying is observe, plan, execute. This crate is the middle part and the data the other
//! two exchange with it: [`Observed`] (what the observer in `flagon-aws` read, and
//! [`Targets`], what it must read), [`State`] (the versioned state file, `.flagon/deployed/
//! <stage>.json`), and [`Plan`] made of [`Step`]s (what the executor does, a closed enum). It
//! has no I/O and no AWS SDK: every behaviour is tested on in-memory values, and the plan
//! prints as a diff ([`Plan`]'s `Display`) or as JSON ([`Plan::to_json`]).
//!
//! ```
//! use flagon_plan::{AwsEnv, Observed, State, plan_delete};
//!
//! let state = State::new("helloworld", "dev");
//! let observed = Observed { env: AwsEnv::new("123456789012", "us-east-1"), ..Default::default() };
//! let plan = plan_delete(&state, &observed);
//! assert!(plan.is_noop());
//! assert!(plan.to_string().contains("no changes"));
//! ```

mod arn;
mod diff;
mod observed;
mod plan;
mod state;
mod step;

pub use arn::AwsEnv;
pub use observed::{
    LambdaNotification, Observed, ObservedApi, ObservedFunction, ObservedMapping, ObservedRole,
    ObservedRule, ObservedSubscription, Targets,
};
pub use plan::{Action, Change, Plan, PlanError, definition_hash, plan, plan_delete};
pub use state::{Record, STATE_SCHEMA_VERSION, State, StateError};
pub use step::{MappingSettings, SourceArn, Step};

/// Lambda's `TracingConfig.Mode` for the model's X-Ray flag.
pub fn tracing_mode(xray: bool) -> &'static str {
    if xray { "Active" } else { "PassThrough" }
}
