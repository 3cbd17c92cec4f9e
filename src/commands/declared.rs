//! `plan`: what exists against what is declared. One list per project and provider named, then a
//! pure comparison, region by region, into the changes `apply` would make.
//!
//! For a declared region: an endpoint that is ACTIVE, INITIATING, PENDING_ACCEPTANCE or
//! PENDING_RECREATION (or in a status this tool does not know yet) is kept; a FAILED one is
//! replaced (deleted, waited for until gone, created again); one still DELETING is waited for,
//! then the region is created; none means create. An endpoint in a region the declaration does
//! not name is deleted with `--prune`, and otherwise listed as not managed and kept.

use crate::api::clusters::{clusters_by_region, list_clusters, list_clusters_page_request};
use crate::api::{self, EndpointList, PlannedRequest, Scope};
use crate::commands::{Done, dry_run};
use crate::http::ApiClient;
use crate::regions::Provider;
use crate::settings::{DesiredState, DiffPlan, Settings};
use anyhow::{Context, Result};
use futures_util::{StreamExt, stream};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `--dry-run` of `plan` and `apply`: what comes after the lists.
pub const PLAN_NOTE: &str = "plan lists the endpoints of each project and provider declared (every page, as `list` reads\nthem) and sends nothing else.";
/// `--cover-clusters` adds one clusters list per project, before the endpoint lists.
pub const CLUSTERS_NOTE: &str = "--cover-clusters: the clusters list of each project comes first (every page); each region its\nclusters use on a declared provider is declared too.";

/// The `--dry-run` note: `note`, after the clusters note with `--cover-clusters`.
pub fn read_note(note: &str, cover_clusters: bool) -> String {
    if cover_clusters {
        format!("{CLUSTERS_NOTE}\n{note}")
    } else {
        note.to_string()
    }
}

/// What `apply` does for one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `+`: no endpoint in a declared region.
    Create,
    /// `=`: the declared region has an endpoint that is fine.
    Keep,
    /// `~`: the declared region's endpoint is FAILED: delete it, wait until gone, create again.
    Replace,
    /// `>`: the declared region's endpoint is DELETING: wait until gone, then create.
    AwaitDeletion,
    /// `-`: an endpoint in a region not declared, with `--prune`.
    Delete,
    /// An endpoint in a region not declared, without `--prune`: not managed, kept.
    Unmanaged,
}

impl Action {
    /// The sign a plan line starts with.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Keep => "=",
            Action::Replace => "~",
            Action::AwaitDeletion => ">",
            Action::Delete => "-",
            Action::Unmanaged => " ",
        }
    }

    /// The `action` of the JSON plan.
    pub fn name(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Keep => "keep",
            Action::Replace => "replace",
            Action::AwaitDeletion => "wait_then_create",
            Action::Delete => "delete",
            Action::Unmanaged => "unmanaged",
        }
    }

    /// Whether `apply` sends anything for it.
    pub fn changes_something(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Replace | Action::AwaitDeletion | Action::Delete
        )
    }
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub project_id: String,
    pub provider: Provider,
    pub region: String,
    pub action: Action,
    /// The endpoint there now, as the list showed it.
    pub endpoint: Option<Map<String, Value>>,
    /// With `--cover-clusters`, for a region declared only because these clusters have nodes
    /// there (sorted); empty otherwise.
    pub from_clusters: Vec<String>,
}

impl Change {
    pub fn endpoint_field(&self, name: &str) -> Option<&str> {
        self.endpoint.as_ref()?.get(name)?.as_str()
    }
}

/// A whole plan, in declaration order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
}

/// How many changes of each kind a plan holds, as its summary line counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Creates, waits for a deletion before a create included.
    pub create: usize,
    pub replace: usize,
    pub delete: usize,
    pub unchanged: usize,
    pub unmanaged: usize,
}

impl Diff {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                Action::Create | Action::AwaitDeletion => summary.create += 1,
                Action::Replace => summary.replace += 1,
                Action::Delete => summary.delete += 1,
                Action::Keep => summary.unchanged += 1,
                Action::Unmanaged => summary.unmanaged += 1,
            }
        }
        summary
    }

    /// Whether `apply` would send anything.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action.changes_something())
    }

    /// Whether `apply` would delete anything (a prune or a replace), which needs a confirmation.
    pub fn deletes_something(&self) -> bool {
        self.changes
            .iter()
            .any(|c| matches!(c.action, Action::Delete | Action::Replace))
    }
}

/// The changes for one project and provider, from its declared regions and its list.
pub fn compare(
    project_id: &str,
    provider: Provider,
    declared: &[String],
    listed: &EndpointList,
    prune: bool,
) -> Vec<Change> {
    let change = |region: &str, action, endpoint: Option<&Map<String, Value>>| Change {
        project_id: project_id.to_string(),
        provider,
        region: region.to_string(),
        action,
        endpoint: endpoint.cloned(),
        from_clusters: Vec::new(),
    };
    let mut changes = Vec::new();
    for region in declared {
        let in_region: Vec<&Map<String, Value>> = listed
            .results
            .iter()
            .filter_map(Value::as_object)
            .filter(|e| e.get("regionName").and_then(Value::as_str) == Some(region.as_str()))
            .collect();
        let status =
            |e: &Map<String, Value>| e.get("status").and_then(Value::as_str).map(str::to_string);
        let live = in_region
            .iter()
            .find(|e| status(e).as_deref() != Some("DELETING"));
        changes.push(match (live, in_region.first()) {
            (Some(e), _) if status(e).as_deref() == Some("FAILED") => {
                change(region, Action::Replace, Some(e))
            }
            (Some(e), _) => change(region, Action::Keep, Some(e)),
            (None, Some(deleting)) => change(region, Action::AwaitDeletion, Some(deleting)),
            (None, None) => change(region, Action::Create, None),
        });
    }
    let mut undeclared: Vec<&Map<String, Value>> = listed
        .results
        .iter()
        .filter_map(Value::as_object)
        .filter(|e| {
            let region = e.get("regionName").and_then(Value::as_str).unwrap_or("");
            !declared.iter().any(|d| d == region)
        })
        .collect();
    undeclared.sort_by_key(|e| {
        e.get("regionName")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    for endpoint in undeclared {
        let region = endpoint
            .get("regionName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let deleting = endpoint.get("status").and_then(Value::as_str) == Some("DELETING");
        let action = if prune && !deleting {
            Action::Delete
        } else {
            Action::Unmanaged
        };
        changes.push(change(region, action, Some(endpoint)));
    }
    changes
}

/// The list request of every project and provider declared, in order.
pub fn list_requests(state: &DesiredState) -> Vec<PlannedRequest> {
    state
        .projects
        .iter()
        .flat_map(|p| {
            p.providers()
                .into_iter()
                .map(|(provider, _)| api::list_page_request(&p.id, provider, 1))
        })
        .collect()
}

/// With `--cover-clusters`, the clusters list of every project too (its first page).
pub fn read_requests(state: &DesiredState, cover_clusters: bool) -> Vec<PlannedRequest> {
    let mut requests = Vec::new();
    if cover_clusters {
        requests.extend(
            state
                .projects
                .iter()
                .map(|p| list_clusters_page_request(&p.id, 1)),
        );
    }
    requests.extend(list_requests(state));
    requests
}

/// The declared regions followed by those the clusters use and the declaration does not name
/// (sorted), each of these with its clusters.
pub fn with_cluster_regions(
    declared: &[String],
    used: BTreeMap<String, Vec<String>>,
) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let added: BTreeMap<String, Vec<String>> = used
        .into_iter()
        .filter(|(region, _)| !declared.contains(region))
        .collect();
    let mut regions = declared.to_vec();
    regions.extend(added.keys().cloned());
    (regions, added)
}

/// Lists every project and provider declared, `parallel` projects at a time, and compares.
/// With `cover_clusters`, each project's clusters list comes first, and every region its
/// clusters use on a declared provider is declared too.
pub async fn read_and_compare(
    client: &ApiClient,
    state: &DesiredState,
    prune: bool,
    parallel: usize,
    cover_clusters: bool,
) -> Result<Diff> {
    let per_project = stream::iter(&state.projects)
        .map(|project| async move {
            let mut changes = Vec::new();
            let clusters = if cover_clusters {
                list_clusters(client, &project.id)
                    .await
                    .with_context(|| format!("reading the clusters of project {}", project.id))?
            } else {
                Vec::new()
            };
            for (provider, declared) in project.providers() {
                let (declared, added) =
                    with_cluster_regions(declared, clusters_by_region(&clusters, provider));
                let declared = declared.as_slice();
                let scope = Scope {
                    client,
                    project_id: &project.id,
                    provider,
                };
                let listed = api::list_endpoints(scope.client, scope.project_id, provider)
                    .await
                    .with_context(|| {
                        format!(
                            "reading the {} endpoints of project {}",
                            provider.as_api_str(),
                            project.id
                        )
                    })?;
                let mut compared = compare(&project.id, provider, declared, &listed, prune);
                for change in &mut compared {
                    if let Some(names) = added.get(&change.region) {
                        change.from_clusters = names.clone();
                    }
                }
                changes.extend(compared);
            }
            Ok::<_, anyhow::Error>(changes)
        })
        .buffered(parallel.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut diff = Diff::default();
    for changes in per_project {
        diff.changes.extend(changes?);
    }
    Ok(diff)
}

/// `atlas-ear plan`.
pub async fn run(settings: &Settings, plan: &DiffPlan) -> Result<Done> {
    if settings.dry_run {
        let requests = read_requests(&plan.state, plan.cover_clusters);
        let note = read_note(PLAN_NOTE, plan.cover_clusters);
        return Ok(dry_run(requests, Some(&note)));
    }
    let client = ApiClient::new(settings)?;
    let diff = read_and_compare(
        &client,
        &plan.state,
        plan.prune,
        plan.parallel,
        plan.cover_clusters,
    )
    .await?;
    Ok(Done::Plan {
        diff,
        exit_code: plan.exit_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listed(items: Value) -> EndpointList {
        EndpointList {
            results: items.as_array().cloned().unwrap_or_default(),
            total_count: None,
        }
    }

    fn actions(changes: &[Change]) -> Vec<(&str, Action)> {
        changes
            .iter()
            .map(|c| (c.region.as_str(), c.action))
            .collect()
    }

    #[test]
    fn each_status_maps_to_its_action() {
        let list = listed(json!([
            {"id": "a", "regionName": "US_EAST_1", "status": "ACTIVE"},
            {"id": "b", "regionName": "EU_WEST_1", "status": "FAILED", "errorMessage": "no key"},
            {"id": "c", "regionName": "AP_SOUTH_1", "status": "DELETING"},
            {"id": "d", "regionName": "SA_EAST_1", "status": "PENDING_RECREATION"},
            {"id": "e", "regionName": "US_WEST_2", "status": "ACTIVE"},
            {"id": "f", "regionName": "CA_CENTRAL_1", "status": "DELETING"},
        ]));
        let declared: Vec<String> = [
            "US_EAST_1",
            "EU_WEST_1",
            "AP_SOUTH_1",
            "SA_EAST_1",
            "EU_NORTH_1",
        ]
        .map(String::from)
        .to_vec();
        let kept = compare("p", Provider::Aws, &declared, &list, false);
        assert_eq!(
            actions(&kept),
            [
                ("US_EAST_1", Action::Keep),
                ("EU_WEST_1", Action::Replace),
                ("AP_SOUTH_1", Action::AwaitDeletion),
                ("SA_EAST_1", Action::Keep),
                ("EU_NORTH_1", Action::Create),
                ("CA_CENTRAL_1", Action::Unmanaged),
                ("US_WEST_2", Action::Unmanaged),
            ]
        );
        let pruned = compare("p", Provider::Aws, &declared, &list, true);
        assert_eq!(
            pruned[5].action,
            Action::Unmanaged,
            "already deleting: nothing to send"
        );
        assert_eq!(pruned[6].action, Action::Delete);
        let diff = Diff { changes: pruned };
        assert_eq!(
            diff.summary(),
            Summary {
                create: 2,
                replace: 1,
                delete: 1,
                unchanged: 2,
                unmanaged: 1
            }
        );
        assert!(diff.has_changes() && diff.deletes_something());
    }

    #[test]
    fn a_declared_region_with_a_live_endpoint_and_a_deleting_one_is_kept() {
        let list = listed(json!([
            {"id": "old", "regionName": "US_EAST_1", "status": "DELETING"},
            {"id": "new", "regionName": "US_EAST_1", "status": "INITIATING"},
        ]));
        let changes = compare("p", Provider::Aws, &["US_EAST_1".into()], &list, true);
        assert_eq!(actions(&changes), [("US_EAST_1", Action::Keep)]);
        assert_eq!(changes[0].endpoint_field("id"), Some("new"));
        assert!(!Diff { changes }.has_changes());
    }
}
