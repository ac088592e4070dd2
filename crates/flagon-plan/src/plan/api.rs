//! The REST API and the HTTP API.
//!
//! Their definitions are compared through a hash recorded in the state (see
//! [`definition_hash`]): API Gateway has no cheap way to read an imported definition back.
//! An API the state lacks but AWS has under the model's name (a deploy cut off after
//! creating it) is overwritten, never duplicated. Both kinds are planned by one
//! [`Ctx::api`]; [`PlannedApi`] says where each keeps its state, observation and steps.

use std::collections::BTreeMap;

use flagon_model::{FunctionRef, HttpApi, ResourceId, RestApi};
use serde::Serialize;

use super::{Action, Ctx, PlanError, Planned, definition_hash};
use crate::observed::{Observed, ObservedApi};
use crate::state::Record;
use crate::step::Step;

/// What tells a REST API from an HTTP API when planning; the planning itself is shared.
pub(crate) trait PlannedApi: Serialize + Clone {
    /// The API's resource id in the state.
    fn resource_id() -> ResourceId;
    /// The API's name, which a half-finished deploy's API is found by.
    fn name(&self) -> &str;
    /// The function every route integrates with.
    fn function(&self) -> &FunctionRef;
    /// The observed APIs of this kind, by id.
    fn observed(observed: &Observed) -> &BTreeMap<String, ObservedApi>;
    /// The API id and definition hash of this kind's record, or `None` for another record.
    fn record(record: &Record) -> Option<(&str, &str)>;
    /// The step creating the API (over `existing_id` if one of its name exists).
    fn create(
        self,
        function_arn: String,
        definition_hash: String,
        existing_id: Option<String>,
    ) -> Step;
    /// The step replacing the definition of API `api_id`.
    fn update(self, api_id: String, function_arn: String, definition_hash: String) -> Step;
}

impl PlannedApi for RestApi {
    fn resource_id() -> ResourceId {
        ResourceId::RestApi
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn function(&self) -> &FunctionRef {
        &self.function
    }
    fn observed(observed: &Observed) -> &BTreeMap<String, ObservedApi> {
        &observed.rest_apis
    }
    fn record(record: &Record) -> Option<(&str, &str)> {
        match record {
            Record::RestApi {
                api_id,
                definition_hash,
                ..
            } => Some((api_id, definition_hash)),
            _ => None,
        }
    }
    fn create(
        self,
        function_arn: String,
        definition_hash: String,
        existing_id: Option<String>,
    ) -> Step {
        Step::CreateRestApi {
            api: self,
            function_arn,
            definition_hash,
            existing_id,
        }
    }
    fn update(self, api_id: String, function_arn: String, definition_hash: String) -> Step {
        Step::UpdateRestApi {
            api: self,
            api_id,
            function_arn,
            definition_hash,
        }
    }
}

impl PlannedApi for HttpApi {
    fn resource_id() -> ResourceId {
        ResourceId::HttpApi
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn function(&self) -> &FunctionRef {
        &self.function
    }
    fn observed(observed: &Observed) -> &BTreeMap<String, ObservedApi> {
        &observed.http_apis
    }
    fn record(record: &Record) -> Option<(&str, &str)> {
        match record {
            Record::HttpApi {
                api_id,
                definition_hash,
            } => Some((api_id, definition_hash)),
            _ => None,
        }
    }
    fn create(
        self,
        function_arn: String,
        definition_hash: String,
        existing_id: Option<String>,
    ) -> Step {
        Step::CreateHttpApi {
            api: self,
            function_arn,
            definition_hash,
            existing_id,
        }
    }
    fn update(self, api_id: String, function_arn: String, definition_hash: String) -> Step {
        Step::UpdateHttpApi {
            api: self,
            api_id,
            function_arn,
            definition_hash,
        }
    }
}

impl Ctx<'_> {
    /// Creates the API when the state has none that AWS still has, updates it when its
    /// definition (with the function's ARN) hashes differently from the recorded one.
    pub(crate) fn api<A: PlannedApi>(&mut self, api: &A) -> Result<Planned, PlanError> {
        let function_arn = self
            .observed
            .env
            .function_arn(self.function_name(api.function())?);
        let hash = definition_hash(&(api, &function_arn));
        let observed = A::observed(self.observed);
        let recorded = self
            .recorded(&A::resource_id())
            .and_then(A::record)
            .filter(|(api_id, _)| observed.contains_key(*api_id));
        let Some((api_id, recorded_hash)) = recorded else {
            self.api_created = true;
            let existing_id = by_name(observed.values(), api.name());
            let step = api.clone().create(function_arn, hash, existing_id);
            return Ok(Some((Action::Create, vec![step])));
        };
        if recorded_hash == hash {
            return Ok(None);
        }
        let step = api.clone().update(api_id.to_owned(), function_arn, hash);
        Ok(Some((
            Action::Update {
                changed: vec!["definition".to_owned()],
            },
            vec![step],
        )))
    }
}

fn by_name<'a>(apis: impl Iterator<Item = &'a ObservedApi>, name: &str) -> Option<String> {
    apis.filter(|a| a.name == name).map(|a| a.id.clone()).min()
}
