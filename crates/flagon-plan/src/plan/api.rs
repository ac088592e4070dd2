//! The REST API and the HTTP API.
//!
//! Their definitions are compared through a hash recorded in the state (see
//! [`definition_hash`]): API Gateway has no cheap way to read an imported definition back.
//! An API the state lacks but AWS has under the model's name (a deploy cut off after
//! creating it) is overwritten, never duplicated.

use flagon_model::{HttpApi, ResourceId, RestApi};

use super::{Action, Ctx, PlanError, Planned, definition_hash};
use crate::observed::ObservedApi;
use crate::state::Record;
use crate::step::Step;

impl Ctx<'_> {
    fn api_function_arn(&self, f: &flagon_model::FunctionRef) -> Result<String, PlanError> {
        Ok(self.observed.env.function_arn(self.function_name(f)?))
    }

    pub(crate) fn rest_api(&mut self, api: &RestApi) -> Result<Planned, PlanError> {
        let function_arn = self.api_function_arn(&api.function)?;
        let hash = definition_hash(&(api, &function_arn));
        let recorded = match self.recorded(&ResourceId::RestApi) {
            Some(Record::RestApi {
                api_id,
                definition_hash,
                ..
            }) if self.observed.rest_apis.contains_key(api_id) => {
                Some((api_id.clone(), definition_hash.clone()))
            }
            _ => None,
        };
        let Some((api_id, recorded_hash)) = recorded else {
            self.api_created = true;
            let step = Step::CreateRestApi {
                api: api.clone(),
                function_arn,
                definition_hash: hash,
                existing_id: by_name(self.observed.rest_apis.values(), &api.name),
            };
            return Ok(Some((Action::Create, vec![step])));
        };
        if recorded_hash == hash {
            return Ok(None);
        }
        let step = Step::UpdateRestApi {
            api: api.clone(),
            api_id,
            function_arn,
            definition_hash: hash,
        };
        Ok(Some((
            Action::Update {
                changed: vec!["definition".to_owned()],
            },
            vec![step],
        )))
    }

    pub(crate) fn http_api(&mut self, api: &HttpApi) -> Result<Planned, PlanError> {
        let function_arn = self.api_function_arn(&api.function)?;
        let hash = definition_hash(&(api, &function_arn));
        let recorded = match self.recorded(&ResourceId::HttpApi) {
            Some(Record::HttpApi {
                api_id,
                definition_hash,
            }) if self.observed.http_apis.contains_key(api_id) => {
                Some((api_id.clone(), definition_hash.clone()))
            }
            _ => None,
        };
        let Some((api_id, recorded_hash)) = recorded else {
            self.api_created = true;
            let step = Step::CreateHttpApi {
                api: api.clone(),
                function_arn,
                definition_hash: hash,
                existing_id: by_name(self.observed.http_apis.values(), &api.name),
            };
            return Ok(Some((Action::Create, vec![step])));
        };
        if recorded_hash == hash {
            return Ok(None);
        }
        let step = Step::UpdateHttpApi {
            api: api.clone(),
            api_id,
            function_arn,
            definition_hash: hash,
        };
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
