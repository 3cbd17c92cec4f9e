//! Which endpoints `get`, `delete` and `wait` address, found before anything else is sent: ids
//! looked up under the providers in scope (the other provider too when `--provider` was not
//! given), the endpoint of a `--region`, or every endpoint a wait still has to wait for.
//!
//! Finding costs one GET for one id and one list per provider for several, so the delete
//! prompt can show region and status and a wait knows where each endpoint lives.

use crate::api::{self, EndpointList, RawEndpoint, Scope};
use crate::commands::progress::ProgressSink;
use crate::errors::{ApiError, ExitWith, exit};
use crate::http::ApiClient;
use crate::regions::Provider;
use anyhow::Result;
use serde_json::Value;

/// An endpoint found, and the provider it lives under.
#[derive(Debug, Clone)]
pub struct Located {
    pub id: String,
    pub provider: Provider,
    pub endpoint: RawEndpoint,
}

/// Whether an error is Atlas saying 404 for the endpoint.
pub fn is_not_found(error: &anyhow::Error) -> bool {
    error
        .chain()
        .find_map(|c| c.downcast_ref::<ApiError>())
        .is_some_and(|a| a.status == 404)
}

/// What is known of one id while the providers are asked in turn.
enum Search {
    /// Not found yet; the last 404, if a provider was asked.
    Unknown(Option<anyhow::Error>),
    Found(Located),
    Failed(anyhow::Error),
}

/// Looks each id up under the providers of `order`, in turn, asking the next one only for the
/// ids still missing: one GET per provider for a single id, one list per provider for several.
/// An id found under a later provider is said on stderr (`found under AZURE`). Answers are in
/// the order of `ids`; a missing id is a 404 error whose message names the providers asked.
pub async fn locate_ids(
    client: &ApiClient,
    project_id: &str,
    order: &[Provider],
    ids: &[String],
    progress: &mut dyn ProgressSink,
) -> Vec<Result<Located>> {
    let mut searches: Vec<Search> = ids.iter().map(|_| Search::Unknown(None)).collect();
    for (step, &provider) in order.iter().enumerate() {
        let pending: Vec<usize> = (0..ids.len())
            .filter(|&i| matches!(searches[i], Search::Unknown(_)))
            .collect();
        if pending.is_empty() {
            break;
        }
        let scope = Scope {
            client,
            project_id,
            provider,
        };
        let answers: Vec<(usize, Result<RawEndpoint>)> = if ids.len() == 1 {
            let answer = api::get_endpoint(client, project_id, provider, &ids[0]).await;
            vec![(0, answer)]
        } else {
            let listed: Result<EndpointList> =
                api::list_endpoints(client, project_id, provider).await;
            pending
                .iter()
                .map(|&i| (i, from_list(&scope, &listed, &ids[i])))
                .collect()
        };
        for (index, answer) in answers {
            searches[index] = match answer {
                Ok(endpoint) => {
                    if step > 0 {
                        progress.note(&format!(
                            "note: endpoint {} is not under {}; found under {provider}",
                            ids[index], order[0]
                        ));
                    }
                    Search::Found(Located {
                        id: ids[index].clone(),
                        provider,
                        endpoint,
                    })
                }
                Err(error) if is_not_found(&error) => Search::Unknown(Some(error)),
                Err(error) => Search::Failed(error),
            };
        }
    }
    searches
        .into_iter()
        .zip(ids)
        .map(|(search, id)| match search {
            Search::Found(located) => Ok(located),
            Search::Failed(error) => Err(error),
            Search::Unknown(error) => Err(missing(error, id, project_id, order)),
        })
        .collect()
}

/// The 404 of an id no provider knows, with words naming where it was looked for: under one
/// given provider, the hint names the other one's `--provider` explicitly.
pub(crate) fn missing(
    error: Option<anyhow::Error>,
    id: &str,
    project_id: &str,
    order: &[Provider],
) -> anyhow::Error {
    let words = match order {
        [only] => format!(
            "endpoint {id} does not exist under {only} in project {project_id} (if it is an {} endpoint, add --provider {})",
            only.other(),
            only.other().flag_value()
        ),
        _ => format!(
            "endpoint {id} does not exist under {} in project {project_id}",
            order
                .iter()
                .map(|p| p.as_api_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    match error {
        Some(error) => error.context(words),
        None => ExitWith {
            code: exit::NOT_FOUND,
            message: Some(words),
        }
        .into(),
    }
}

/// The endpoints of every listed provider that `keep` accepts, each with its provider: one list
/// per provider.
pub async fn locate_listed(
    client: &ApiClient,
    project_id: &str,
    providers: &[Provider],
    keep: impl Fn(Provider, &serde_json::Map<String, Value>) -> bool,
) -> Result<Vec<Located>> {
    // One list per provider, sent together, as `list --provider all` does.
    let lists = futures_util::future::try_join_all(
        providers
            .iter()
            .map(|&provider| api::list_endpoints(client, project_id, provider)),
    )
    .await?;
    let mut found = Vec::new();
    for (&provider, list) in providers.iter().zip(lists) {
        for endpoint in list.results.iter().filter_map(Value::as_object) {
            if !keep(provider, endpoint) {
                continue;
            }
            let Some(id) = endpoint.get("id").and_then(Value::as_str) else {
                continue;
            };
            found.push(Located {
                id: id.to_string(),
                provider,
                endpoint: RawEndpoint {
                    value: endpoint.clone(),
                    body: None,
                },
            });
        }
    }
    Ok(found)
}

/// The endpoints in a region, under each provider that has it (`--region` of `delete` and
/// `wait`), with `DELETING` ones only when `deleting` is true. None is a not-found error.
pub async fn locate_region(
    client: &ApiClient,
    project_id: &str,
    scopes: &[(Provider, String)],
    deleting: bool,
) -> Result<Vec<Located>> {
    let providers: Vec<Provider> = scopes.iter().map(|(p, _)| *p).collect();
    let found = locate_listed(client, project_id, &providers, |provider, endpoint| {
        let field = |name: &str| endpoint.get(name).and_then(Value::as_str);
        let in_region = scopes
            .iter()
            .any(|(p, region)| *p == provider && field("regionName") == Some(region.as_str()));
        in_region && (deleting || field("status") != Some("DELETING"))
    })
    .await?;
    if found.is_empty() {
        let wheres: Vec<String> = scopes.iter().map(|(p, r)| format!("{p} {r}")).collect();
        return Err(ExitWith {
            code: exit::NOT_FOUND,
            message: Some(format!(
                "no endpoint{} in {} of project {project_id} (`atlas-ear list` shows what exists)",
                if deleting {
                    ""
                } else {
                    " other than DELETING ones"
                },
                wheres.join(" or ")
            )),
        }
        .into());
    }
    Ok(found)
}

/// "<id> (AWS EU_WEST_1, ACTIVE)": one endpoint in a prompt or a message.
pub fn describe(located: &Located) -> String {
    let field = |name: &str| {
        located
            .endpoint
            .value
            .get(name)
            .and_then(Value::as_str)
            .map(crate::escape::printable)
            .unwrap_or_else(|| "?".into())
    };
    format!(
        "{} ({} {}, {})",
        located.id,
        located.provider,
        field("regionName"),
        field("status")
    )
}

/// A copy of a round's error for each endpoint it concerns, keeping the type its exit code and
/// reason come from.
fn same_error(error: &anyhow::Error) -> anyhow::Error {
    let words = format!("{error:#}");
    for cause in error.chain() {
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return anyhow::Error::new(api.clone()).context(words);
        }
        if let Some(rejected) = cause.downcast_ref::<crate::errors::AuthRejected>() {
            let public_key = rejected.public_key.clone();
            return crate::errors::AuthRejected { public_key }.into();
        }
        if cause.is::<crate::errors::NetworkError>() || cause.is::<crate::errors::TransportError>()
        {
            return crate::errors::TransportError(words).into();
        }
    }
    anyhow::anyhow!(words)
}

/// One endpoint out of a round's list, or the error a GET of it would have met.
pub(crate) fn from_list(
    scope: &Scope<'_>,
    listed: &Result<api::EndpointList>,
    id: &str,
) -> Result<RawEndpoint> {
    let list = match listed {
        Ok(list) => list,
        Err(error) => return Err(same_error(error)),
    };
    match list.by_id(id) {
        Some(value) => Ok(RawEndpoint {
            value: value.clone(),
            body: None,
        }),
        None => Err(ApiError {
            status: 404,
            method: "GET".into(),
            url: scope
                .client
                .url(&api::get_request(scope.project_id, scope.provider, id).path_and_query),
            error_code: Some("RESOURCE_NOT_FOUND".into()),
            detail: Some("the endpoint is not in the provider's list".into()),
            body_snippet: None,
        }
        .into()),
    }
}
