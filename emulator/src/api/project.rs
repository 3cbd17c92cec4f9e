//! The operations on a project's own resources that the endpoint work needs: `GET` and `PATCH
//! .../encryptionAtRest` (version 2023-01-01) and `GET .../clusters` (the 2024-08-05 answer).
//! Once a request passed authentication and the rate limit, it goes through the same steps as the
//! endpoint operations: `Accept` (406), `Content-Type` of a PATCH (415), validation (400), faults,
//! then the operation.
//!
//! The cluster list exists in Atlas as 2023-01-01, 2023-02-01 and 2024-08-05; the emulator models
//! only the 2024-08-05 answer (the one the official document keeps), so an `Accept` date that
//! resolves to an older version is answered 406 naming the version to ask for, rather than with a
//! body in the wrong shape.

use serde_json::{Value, json};

use crate::api::encryption::{EncryptionPatch, apply, read_patch};
use crate::api::operations::list_body;
use crate::api::params::{Page, boolean_param, page_params};
use crate::api::routes::{ProjectOperation, ProjectTarget};
use crate::errors::ApiError;
use crate::faults::queue::{self, Consumed};
use crate::http::incoming::Incoming;
use crate::http::reply::{Outcome, Reply, VERSIONED_JSON};
use crate::http::version::{self, CivilDate, VersionError};
use crate::model::ids::is_object_id;
use crate::model::regions::Provider;
use crate::mutex::lock;
use crate::state::Shared;

const ENCRYPTION_VERSIONS: &[CivilDate] = &[(2023, 1, 1)];
const CLUSTER_VERSIONS: &[CivilDate] = &[(2023, 1, 1), (2023, 2, 1), (2024, 8, 5)];
/// The one cluster-list version the emulator answers.
const SERVED_CLUSTER_VERSION: CivilDate = (2024, 8, 5);
const CLUSTERS_JSON: &str = "application/vnd.atlas.2024-08-05+json;charset=utf-8";

/// A request that passed validation.
struct Validated {
    operation: ProjectOperation,
    group_id: String,
    envelope: bool,
    pretty: bool,
    page: Page,
    patch: EncryptionPatch,
}

/// Steps 5 to 9 for the three operations.
pub(crate) async fn answer(
    shared: &Shared,
    request: &Incoming,
    target: &ProjectTarget<'_>,
    pretty: bool,
    origin: &str,
) -> Outcome {
    if let Err(error) = negotiate(request, target.operation) {
        return Reply::error(&error, pretty).into();
    }
    let validated = match validate(target, request) {
        Ok(validated) => validated,
        Err(error) => return Reply::error(&error, pretty).into(),
    };
    match queue::consume(&shared.faults, target.operation.fault_route()).await {
        Consumed::Replace(outcome) => outcome,
        Consumed::Proceed => perform(shared, &validated, request, origin).into(),
        Consumed::DropAfterHandling => {
            let _ = perform(shared, &validated, request, origin);
            Outcome::DropConnection
        }
    }
}

fn negotiate(request: &Incoming, operation: ProjectOperation) -> Result<(), ApiError> {
    let today = version::today_utc();
    let versions = match operation {
        ProjectOperation::ListClusters => CLUSTER_VERSIONS,
        _ => ENCRYPTION_VERSIONS,
    };
    let resolved = version::resolve_accept_among(request.header("accept"), today, versions)
        .map_err(|why| not_acceptable(&why, versions))?;
    if operation == ProjectOperation::ListClusters && resolved != SERVED_CLUSTER_VERSION {
        let (y, m, d) = resolved;
        return Err(ApiError::new(
            406,
            "INVALID_API_VERSION",
            format!(
                "The emulator serves the cluster list only as version 2024-08-05 (Accept: application/vnd.atlas.2024-08-05+json); the requested date resolves to {y:04}-{m:02}-{d:02}, which Atlas has but the emulator does not model."
            ),
        )
        .with_parameters(vec![json!(format!("{y:04}-{m:02}-{d:02}")), json!("2024-08-05")]));
    }
    if operation == ProjectOperation::UpdateEncryption
        && !version::content_type_is_accepted(request.header("content-type"), today)
    {
        return Err(ApiError::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type must be application/json or application/vnd.atlas.2023-01-01+json.",
        )
        .with_parameters(vec![json!(request.header("content-type").unwrap_or(""))]));
    }
    Ok(())
}

fn not_acceptable(why: &VersionError, versions: &[CivilDate]) -> ApiError {
    let given = match why {
        VersionError::Missing => String::new(),
        VersionError::Malformed(v) | VersionError::TooEarly(v) | VersionError::Future(v) => {
            v.clone()
        }
    };
    let (y, m, d) = versions.last().copied().unwrap_or((2023, 1, 1));
    ApiError::new(406, "INVALID_API_VERSION", why.describe())
        .with_parameters(vec![json!(given), json!(format!("{y:04}-{m:02}-{d:02}"))])
}

/// `groupId`, then `envelope` and `pretty` (and the list parameters), then a PATCH body.
fn validate(target: &ProjectTarget<'_>, request: &Incoming) -> Result<Validated, ApiError> {
    if !is_object_id(target.group_id) {
        return Err(ApiError::invalid_parameter(
            "INVALID_GROUP_ID",
            "groupId",
            target.group_id,
            "must be 24 lower-case hexadecimal characters",
        ));
    }
    let pairs = request.query_pairs();
    let envelope = boolean_param(&pairs, "envelope", false)?;
    let pretty = boolean_param(&pairs, "pretty", false)?;
    // The list parameters belong to the cluster list; the configuration ignores them.
    let page = if target.operation == ProjectOperation::ListClusters {
        boolean_param(&pairs, "includeDeletedWithRetainedBackups", false)?;
        page_params(&pairs)?
    } else {
        page_params(&[])?
    };
    let patch = match target.operation {
        ProjectOperation::UpdateEncryption => read_patch(&request.body)?,
        _ => EncryptionPatch::default(),
    };
    Ok(Validated {
        operation: target.operation,
        group_id: target.group_id.to_string(),
        envelope,
        pretty,
        page,
        patch,
    })
}

fn perform(shared: &Shared, request: &Validated, incoming: &Incoming, origin: &str) -> Reply {
    let group = request.group_id.as_str();
    match request.operation {
        ProjectOperation::GetEncryption => {
            let view = lock(&shared.encryption).get(group).view();
            entity(view, request)
        }
        ProjectOperation::UpdateEncryption => {
            // One lock at a time: which providers have endpoints, then the configuration.
            let aws = shared.has_endpoints(group, Provider::Aws);
            let azure = shared.has_endpoints(group, Provider::Azure);
            let current = lock(&shared.encryption).get(group);
            let has_endpoints = |provider| match provider {
                Provider::Aws => aws,
                Provider::Azure => azure,
            };
            match apply(&current, &request.patch, has_endpoints) {
                Ok(next) => {
                    let view = next.view();
                    lock(&shared.encryption).set(group, next);
                    entity(view, request)
                }
                Err(error) => Reply::error(&error, request.pretty),
            }
        }
        ProjectOperation::ListClusters => {
            let all = lock(&shared.clusters).list(group);
            let mut body = list_body(all, request.page, incoming, origin);
            if request.envelope {
                body["status"] = json!(200);
            }
            Reply::json(200, CLUSTERS_JSON, &body, request.pretty)
        }
    }
}

/// A single entity, wrapped as `{status, content}` with `envelope=true`.
fn entity(body: Value, request: &Validated) -> Reply {
    let body = if request.envelope {
        json!({"status": 200, "content": body})
    } else {
        body
    };
    Reply::json(200, VERSIONED_JSON, &body, request.pretty)
}
