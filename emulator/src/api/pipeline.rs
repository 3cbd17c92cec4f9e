//! The pipeline every request to the emulated routes goes through, in a fixed, documented order:
//! a well-formed HTTP/1.1 request (one `Host`, else 400), route and method (404/405),
//! authentication (401), the project's rate limit (429), `Accept` (406), `Content-Type` (415),
//! validation (400), faults, and finally the operation (404/409/2xx). The endpoint operations take
//! their last steps here, the project resources (`encryptionAtRest`, `clusters`) in `project.rs`.

use std::time::Instant;

use serde_json::json;

use crate::api::routes::{self, EndpointsTarget, Operation, Target};
use crate::api::{operations, params, project, token};
use crate::auth::gate::authenticate;
use crate::errors::ApiError;
use crate::faults::queue::{self, Consumed};
use crate::faults::ratelimit::{Quota, Refused};
use crate::http::incoming::Incoming;
use crate::http::reply::{Outcome, Reply};
use crate::http::version::{self, VersionError};
use crate::model::ids::is_object_id;
use crate::mutex::lock;
use crate::state::Shared;

/// Answers a request to `/api/...`: the four operations, the token endpoint or an unknown route.
pub(crate) async fn answer(shared: &Shared, request: &Incoming, fallback_origin: &str) -> Outcome {
    // Errors found before the query is validated still honour a plain `pretty=true`.
    let pretty = request
        .query_pairs()
        .iter()
        .any(|(n, v)| *n == "pretty" && v.eq_ignore_ascii_case("true"));
    // Before anything else: a request HTTP/1.1 calls malformed is not looked at further.
    if let Some(error) = request.host_error() {
        let quota = lock(&shared.limiter).quota(None, Instant::now());
        return with_quota(Reply::error(&error, pretty), quota).into();
    }
    let route = routes::match_route(&request.method, &request.path);
    // The project whose bucket this request spends from and whose quota its answer shows.
    let project = match &route {
        Ok(Target::Endpoints(target)) => Some(target.group_id).filter(|g| is_object_id(g)),
        Ok(Target::Project(target)) => Some(target.group_id).filter(|g| is_object_id(g)),
        _ => None,
    };
    let mut spent = None;
    let outcome = match route {
        Err(no_route) => {
            let reply = Reply::error(&no_route.error, pretty);
            match no_route.allow {
                Some(allow) => reply.header("allow", allow),
                None => reply,
            }
            .into()
        }
        Ok(Target::Token) => token::answer(shared, request).await,
        Ok(Target::Endpoints(target)) => {
            let context = Context {
                project,
                pretty,
                fallback_origin,
            };
            endpoints(shared, request, &target, &context, &mut spent).await
        }
        Ok(Target::Project(target)) => {
            let context = Context {
                project,
                pretty,
                fallback_origin,
            };
            match admit(shared, request, &context, &mut spent) {
                Err(refused) => refused,
                Ok(()) => {
                    let origin = request.origin(fallback_origin);
                    project::answer(shared, request, &target, pretty, &origin).await
                }
            }
        }
    };
    match outcome {
        Outcome::Reply(reply) if !reply.headers.iter().any(|(n, _)| *n == "ratelimit-limit") => {
            let quota =
                spent.unwrap_or_else(|| lock(&shared.limiter).quota(project, Instant::now()));
            Outcome::Reply(with_quota(reply, quota))
        }
        other => other,
    }
}

/// What the pipeline learned about a request before its operation's checks.
struct Context<'a> {
    /// The valid `groupId` of the path, if any: the project whose bucket the request spends from.
    project: Option<&'a str>,
    pretty: bool,
    fallback_origin: &'a str,
}

fn with_quota(reply: Reply, quota: Quota) -> Reply {
    reply
        .header("ratelimit-limit", quota.limit.to_string())
        .header("ratelimit-remaining", quota.remaining.to_string())
}

/// Steps 3 to 9 for the four operations; `spent` learns the quota when a token was spent.
async fn endpoints(
    shared: &Shared,
    request: &Incoming,
    target: &EndpointsTarget<'_>,
    context: &Context<'_>,
    spent: &mut Option<Quota>,
) -> Outcome {
    let pretty = context.pretty;
    if let Err(refused) = admit(shared, request, context, spent) {
        return refused;
    }
    if let Err(error) = negotiate(request, target.operation) {
        return Reply::error(&error, pretty).into();
    }
    let validated = match params::validate(target, request) {
        Ok(validated) => validated,
        Err(error) => return Reply::error(&error, pretty).into(),
    };
    let fault = queue::consume(&shared.faults, target.operation.fault_route()).await;
    let origin = request.origin(context.fallback_origin);
    match fault {
        Consumed::Replace(outcome) => outcome,
        Consumed::Proceed => operations::perform(shared, &validated, request, &origin).into(),
        Consumed::DropAfterHandling => {
            let _ = operations::perform(shared, &validated, request, &origin);
            Outcome::DropConnection
        }
    }
}

/// Steps 3 and 4, authentication and the project's rate limit; `spent` learns the quota when a
/// token was spent.
fn admit(
    shared: &Shared,
    request: &Incoming,
    context: &Context<'_>,
    spent: &mut Option<Quota>,
) -> Result<(), Outcome> {
    let pretty = context.pretty;
    if let Err(challenge) = authenticate(&shared.auth, &shared.config, request, pretty) {
        return Err(challenge.into());
    }
    let acquired = lock(&shared.limiter).try_acquire(context.project, Instant::now());
    match acquired {
        Ok(quota) => {
            *spent = Some(quota);
            Ok(())
        }
        Err(refused) => Err(throttled(request, &refused, pretty).into()),
    }
}

/// The 429 for an empty bucket, worded like the Atlas docs sample, with `Retry-After`.
fn throttled(request: &Incoming, refused: &Refused, pretty: bool) -> Reply {
    let limit = refused.limit;
    let error = ApiError::new(
        429,
        "RATE_LIMITED",
        format!(
            "Rate limit exceeded for {}. Please retry after {} seconds. Request capacity: {}. Refill rate: {} per 60 seconds.",
            request.path, refused.retry_after_secs, limit.capacity, limit.refill_per_minute
        ),
    )
    .with_parameters(vec![
        json!(request.path),
        json!(refused.retry_after_secs),
        json!(limit.capacity),
        json!(limit.refill_per_minute),
        json!(60),
    ]);
    let reply =
        Reply::error(&error, pretty).header("retry-after", refused.retry_after_secs.to_string());
    with_quota(reply, refused.quota)
}

/// Version negotiation: `Accept` (406), then a create's `Content-Type` (415).
fn negotiate(request: &Incoming, operation: Operation) -> Result<(), ApiError> {
    let today = version::today_utc();
    if let Err(why) = version::resolve_accept(request.header("accept"), today) {
        return Err(not_acceptable(&why));
    }
    if operation == Operation::Create
        && !version::content_type_is_accepted(request.header("content-type"), today)
    {
        let error = ApiError::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type must be application/json or application/vnd.atlas.2023-01-01+json.",
        )
        .with_parameters(vec![json!(request.header("content-type").unwrap_or(""))]);
        return Err(error);
    }
    Ok(())
}

fn not_acceptable(why: &VersionError) -> ApiError {
    let given = match why {
        VersionError::Missing => String::new(),
        VersionError::Malformed(v) | VersionError::TooEarly(v) | VersionError::Future(v) => {
            v.clone()
        }
    };
    ApiError::new(406, "INVALID_API_VERSION", why.describe())
        .with_parameters(vec![json!(given), json!("2023-01-01")])
}
