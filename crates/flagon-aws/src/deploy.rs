//! The whole pipeline for one stage: observe, plan, execute.

use std::path::Path;

use flagon_model::Model;
use flagon_plan::{AwsEnv, Plan, State, Targets};

use crate::Aws;
use crate::error::AwsError;
use crate::execute::{Progress, execute};
use crate::ops::api_url;
use crate::state_file::load_state;

/// What `deploy` ends with.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployReport {
    /// The plan that ran.
    pub plan: Plan,
    /// The API's invoke URL, if the app has an API.
    pub api_url: Option<String>,
    /// The deployed functions' names.
    pub functions: Vec<String>,
}

impl Aws {
    /// Observes AWS and plans a deploy of `model` over the state at `state_path`.
    pub async fn plan_deploy(
        &self,
        model: &Model,
        state_path: &Path,
    ) -> Result<(Plan, State, AwsEnv), AwsError> {
        let env = self.env().await?;
        let state = load_state(state_path)?.unwrap_or_else(|| State::new(&model.app, &model.stage));
        let observed = self
            .observe(env.clone(), &Targets::new(model, &state, &env))
            .await?;
        let plan = flagon_plan::plan(model, &state, &observed)?;
        Ok((plan, state, env))
    }

    /// Plans and executes a deploy, writing the state after every step.
    pub async fn deploy(
        &self,
        model: &Model,
        state_path: &Path,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<DeployReport, AwsError> {
        let (plan, mut state, env) = self.plan_deploy(model, state_path).await?;
        execute(self, &env, &plan, &mut state, state_path, progress).await?;
        Ok(DeployReport {
            api_url: api_url(&state),
            functions: model.functions().map(|f| f.function_name.clone()).collect(),
            plan,
        })
    }

    /// Observes AWS and plans the removal of everything the state at `state_path` records.
    pub async fn plan_delete(
        &self,
        app: &str,
        stage: &str,
        state_path: &Path,
    ) -> Result<(Plan, State, AwsEnv), AwsError> {
        let env = self.env().await?;
        let state = load_state(state_path)?.unwrap_or_else(|| State::new(app, stage));
        let observed = self
            .observe(env.clone(), &Targets::for_state(&state))
            .await?;
        Ok((flagon_plan::plan_delete(&state, &observed), state, env))
    }

    /// Removes everything the state records, in reverse dependency order. Safe to re-run:
    /// what is already gone is not an error.
    pub async fn delete(
        &self,
        app: &str,
        stage: &str,
        state_path: &Path,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Plan, AwsError> {
        let (plan, mut state, env) = self.plan_delete(app, stage, state_path).await?;
        execute(self, &env, &plan, &mut state, state_path, progress).await?;
        Ok(plan)
    }
}
