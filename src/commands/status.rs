//! `status`: the questions people have before and after creating endpoints, answered in one
//! place. Per project and provider: is customer-key encryption enabled, is private networking
//! required, which endpoints exist, and does every region a cluster has nodes in have an ACTIVE
//! endpoint. Once private networking is required, Atlas adds nodes only in regions with an
//! approved endpoint, so a region without one is a finding: a scale-out there will be refused.
//!
//! Reading costs one GET of the configuration, one clusters list and one endpoint list per
//! provider, per project, sent together; the judgement is a pure function of what they return.

use crate::api::clusters::{clusters_by_region, list_clusters, list_clusters_page_request};
use crate::api::encryption::{KeySettings, get_encryption, get_encryption_request};
use crate::api::{self, EndpointList, PlannedRequest};
use crate::commands::approval::{VaultDetails, VaultLookup, azure_step};
use crate::commands::{Done, dry_run};
use crate::escape::printable;
use crate::http::ApiClient;
use crate::regions::Provider;
use crate::settings::{Settings, StatusPlan};
use anyhow::Result;
use futures_util::{StreamExt, TryFutureExt, stream};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `--dry-run` of `status`: what the first pages stand for.
pub const STATUS_NOTE: &str = "status reads, for each project at the same time: the encryption-at-rest configuration, every page\nof the clusters list and every page of each provider's endpoints (as `list` reads them); it\nsends nothing else.";

/// The first request of each read, project after project.
pub fn read_requests(project_id: &str, providers: &[Provider]) -> Vec<PlannedRequest> {
    let mut requests = vec![
        get_encryption_request(project_id),
        list_clusters_page_request(project_id, 1),
    ];
    requests.extend(
        providers
            .iter()
            .map(|&p| api::list_page_request(project_id, p, 1)),
    );
    requests
}

/// `atlas-ear status`.
pub async fn run(settings: &Settings, plan: &StatusPlan) -> Result<Done> {
    if settings.dry_run {
        let requests = plan
            .project_ids
            .iter()
            .flat_map(|p| read_requests(p, &plan.providers))
            .collect();
        return Ok(dry_run(requests, Some(STATUS_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    let read = stream::iter(&plan.project_ids)
        .map(|project_id| read_project(&client, project_id, &plan.providers))
        .buffered(plan.parallel.max(1))
        .collect::<Vec<_>>()
        .await;
    Ok(Done::Status(StatusReport {
        projects: read.into_iter().collect::<Result<_>>()?,
        exit_code: plan.exit_code,
    }))
}

/// One project: its configuration, clusters and endpoint lists, read at the same time.
async fn read_project(
    client: &ApiClient,
    project_id: &str,
    providers: &[Provider],
) -> Result<ProjectStatus> {
    let config = get_encryption(client, project_id).map_err(|e| {
        e.context(format!(
            "reading the encryption-at-rest configuration of project {project_id}"
        ))
    });
    let clusters = list_clusters(client, project_id)
        .map_err(|e| e.context(format!("reading the clusters of project {project_id}")));
    let lists = futures_util::future::join_all(providers.iter().map(|&provider| {
        api::list_endpoints(client, project_id, provider).map_err(move |e| {
            e.context(format!(
                "reading the {} endpoints of project {project_id}",
                provider.as_api_str()
            ))
        })
    }));
    let (config, clusters, lists) = tokio::join!(config, clusters, lists);
    let (config, clusters) = (config?, clusters?);
    let vault = VaultLookup::Found(VaultDetails::of(&config));
    let mut read = Vec::new();
    for (&provider, listed) in providers.iter().zip(lists) {
        let setup = config.settings(provider);
        let (listed, list_error) = match listed {
            Ok(listed) => (listed, None),
            Err(error) if !setup.enabled && refused_as_unused(&error) => {
                let why = crate::commands::approval::unreadable_because(&error);
                let empty = EndpointList {
                    results: Vec::new(),
                    total_count: None,
                };
                (empty, Some(why))
            }
            Err(error) => return Err(error),
        };
        let used = clusters_by_region(&clusters, provider);
        let mut status = assess(provider, setup, &listed, used, &vault);
        status.list_error = list_error;
        read.push(status);
    }
    let providers = read;
    Ok(ProjectStatus {
        project_id: project_id.to_string(),
        providers,
    })
}

/// Whether a failed endpoint list is Atlas refusing to list a provider the project does not use
/// (a 4xx other than 401 and 429). How Atlas answers such a list is not documented, and a
/// project with keys on one provider must still get the status of that one.
fn refused_as_unused(error: &anyhow::Error) -> bool {
    error
        .chain()
        .find_map(|c| c.downcast_ref::<crate::errors::ApiError>())
        .is_some_and(|api| (400..500).contains(&api.status) && ![401, 429].contains(&api.status))
}

/// One region where a cluster of the project has nodes on a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub region: String,
    /// The clusters with nodes there, sorted.
    pub clusters: Vec<String>,
    /// The region's endpoint in any status but DELETING (the ACTIVE one when there is one).
    pub endpoint: Option<Map<String, Value>>,
    /// It has an ACTIVE endpoint.
    pub covered: bool,
    /// Not covered while private networking is required: new nodes there will be refused.
    pub finding: bool,
}

/// An Azure endpoint that awaits approval, and how to approve it.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub endpoint_id: String,
    pub region: String,
    pub connection_name: Option<String>,
    /// The whole next step, the `az` command on a line of its own.
    pub step: String,
    pub command: String,
    /// Which values are placeholders and why (empty when none are).
    pub missing: String,
}

/// Everything `status` shows of one provider of one project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderStatus {
    pub provider: Provider,
    pub setup: KeySettings,
    /// Every endpoint as Atlas listed it, sorted by region and id.
    pub endpoints: Vec<Map<String, Value>>,
    /// Every region a cluster uses on this provider, sorted.
    pub coverage: Vec<Coverage>,
    pub approvals: Vec<Approval>,
    /// Why the endpoints could not be listed, for a provider without customer-key encryption
    /// (shown as having none).
    pub list_error: Option<String>,
}

/// One project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectStatus {
    pub project_id: String,
    pub providers: Vec<ProviderStatus>,
}

/// A finding, worded as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub project_id: String,
    pub provider: Provider,
    pub region: String,
    pub clusters: Vec<String>,
    pub message: String,
}

/// What `status` hands to `output/`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    pub projects: Vec<ProjectStatus>,
    /// `--exit-code`: a finding ends the run with exit 10.
    pub exit_code: bool,
}

impl StatusReport {
    /// Every finding, in project, provider and region order.
    pub fn findings(&self) -> Vec<Finding> {
        let mut found = Vec::new();
        for project in &self.projects {
            for provider in &project.providers {
                for gap in provider.coverage.iter().filter(|c| c.finding) {
                    found.push(Finding {
                        project_id: project.project_id.clone(),
                        provider: provider.provider,
                        region: gap.region.clone(),
                        clusters: gap.clusters.clone(),
                        message: finding_message(gap),
                    });
                }
            }
        }
        found
    }
}

fn field<'a>(endpoint: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    endpoint.get(name).and_then(Value::as_str)
}

/// "EU_WEST_2: used by cluster `orders`; no active private endpoint, new nodes there will be
/// refused", with the status of the endpoint the region has when it has one. Server text is
/// escaped: this line reaches a terminal.
pub fn finding_message(gap: &Coverage) -> String {
    let names: Vec<String> = gap
        .clusters
        .iter()
        .map(|c| format!("`{}`", printable(c)))
        .collect();
    let noun = if names.len() == 1 {
        "cluster"
    } else {
        "clusters"
    };
    let now = gap
        .endpoint
        .as_ref()
        .and_then(|e| field(e, "status"))
        .map(|s| format!(" (its endpoint is {})", printable(s)))
        .unwrap_or_default();
    format!(
        "{}: used by {noun} {}; no active private endpoint{now}, new nodes there will be refused",
        printable(&gap.region),
        names.join(", ")
    )
}

/// Judges one provider of one project from what was read.
/// `used` is every region the project's clusters use on `provider`, with their names (sorted).
pub fn assess(
    provider: Provider,
    setup: KeySettings,
    listed: &EndpointList,
    used: BTreeMap<String, Vec<String>>,
    vault: &VaultLookup,
) -> ProviderStatus {
    let mut endpoints: Vec<Map<String, Value>> = listed
        .results
        .iter()
        .filter_map(Value::as_object)
        .cloned()
        .collect();
    endpoints.sort_by(|a, b| {
        (field(a, "regionName"), field(a, "id")).cmp(&(field(b, "regionName"), field(b, "id")))
    });
    let required = setup.require_private_networking;
    let coverage = used
        .into_iter()
        .map(|(region, clusters)| {
            let in_region = |e: &&Map<String, Value>| field(e, "regionName") == Some(&region);
            let active = endpoints
                .iter()
                .filter(in_region)
                .find(|e| field(e, "status") == Some("ACTIVE"));
            let live = active.or_else(|| {
                endpoints
                    .iter()
                    .filter(in_region)
                    .find(|e| field(e, "status") != Some("DELETING"))
            });
            let covered = active.is_some();
            Coverage {
                endpoint: live.cloned(),
                covered,
                finding: required && !covered,
                region,
                clusters,
            }
        })
        .collect();
    let approvals = match provider {
        Provider::Azure => approvals(&endpoints, vault),
        Provider::Aws => Vec::new(),
    };
    ProviderStatus {
        provider,
        setup,
        endpoints,
        coverage,
        approvals,
        list_error: None,
    }
}

/// The approval step of every Azure endpoint awaiting approval.
fn approvals(endpoints: &[Map<String, Value>], vault: &VaultLookup) -> Vec<Approval> {
    endpoints
        .iter()
        .filter(|e| field(e, "status") == Some("PENDING_ACCEPTANCE"))
        .map(|e| {
            let connection = field(e, "privateEndpointConnectionName");
            let (command, missing) = crate::commands::approval::approve_command(vault, connection);
            Approval {
                endpoint_id: field(e, "id").unwrap_or_default().to_string(),
                region: field(e, "regionName").unwrap_or_default().to_string(),
                connection_name: connection.map(str::to_string),
                step: azure_step(vault, connection),
                command,
                missing,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::approval::VaultDetails;
    use serde_json::json;

    fn listed(items: Value) -> EndpointList {
        EndpointList {
            results: items.as_array().cloned().unwrap_or_default(),
            total_count: None,
        }
    }

    fn used(regions: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        regions
            .iter()
            .map(|(r, names)| (r.to_string(), names.iter().map(|n| n.to_string()).collect()))
            .collect()
    }

    fn required(on: bool) -> KeySettings {
        KeySettings {
            enabled: true,
            require_private_networking: on,
            valid: Some(true),
        }
    }

    #[test]
    fn a_region_used_without_an_active_endpoint_is_a_finding_only_when_required() {
        let list = listed(json!([
            {"id": "b", "regionName": "US_EAST_1", "status": "ACTIVE"},
            {"id": "c", "regionName": "EU_WEST_2", "status": "INITIATING"},
            {"id": "a", "regionName": "AP_SOUTH_1", "status": "ACTIVE"},
        ]));
        let clusters = used(&[
            ("EU_WEST_2", &["billing", "orders"]),
            ("US_EAST_1", &["orders"]),
        ]);
        let vault = VaultLookup::Found(VaultDetails::default());
        let status = assess(
            Provider::Aws,
            required(true),
            &list,
            clusters.clone(),
            &vault,
        );
        let regions: Vec<(&str, bool, bool)> = status
            .coverage
            .iter()
            .map(|c| (c.region.as_str(), c.covered, c.finding))
            .collect();
        assert_eq!(
            regions,
            [("EU_WEST_2", false, true), ("US_EAST_1", true, false)]
        );
        assert_eq!(status.coverage[0].clusters, ["billing", "orders"]);
        assert_eq!(
            finding_message(&status.coverage[0]),
            "EU_WEST_2: used by clusters `billing`, `orders`; no active private endpoint (its endpoint is INITIATING), new nodes there will be refused"
        );
        assert_eq!(
            field(&status.endpoints[0], "id"),
            Some("a"),
            "sorted by region"
        );
        let relaxed = assess(Provider::Aws, required(false), &list, clusters, &vault);
        assert!(relaxed.coverage.iter().all(|c| !c.finding));
        assert!(!relaxed.coverage[0].covered);
    }

    #[test]
    fn an_active_endpoint_covers_its_region_whatever_else_is_there() {
        let list = listed(json!([
            {"id": "old", "regionName": "US_CENTRAL", "status": "DELETING"},
            {"id": "new", "regionName": "US_CENTRAL", "status": "ACTIVE"},
        ]));
        let clusters = used(&[("US_CENTRAL", &["orders"])]);
        let vault = VaultLookup::Unreadable("HTTP 403".into());
        let status = assess(Provider::Azure, required(true), &list, clusters, &vault);
        assert!(status.coverage[0].covered);
        assert_eq!(
            status.coverage[0]
                .endpoint
                .as_ref()
                .and_then(|e| field(e, "id")),
            Some("new")
        );
        assert!(status.approvals.is_empty());
    }

    #[test]
    fn azure_endpoints_awaiting_approval_carry_the_command() {
        let list = listed(json!([
            {"id": "p", "regionName": "US_EAST_2", "status": "PENDING_ACCEPTANCE",
             "privateEndpointConnectionName": "kv.pe-1"},
        ]));
        let vault = VaultLookup::Found(VaultDetails {
            key_vault_name: Some("kv".into()),
            resource_group_name: Some("rg".into()),
            subscription_id: Some("sub".into()),
        });
        let status = assess(
            Provider::Azure,
            required(true),
            &list,
            BTreeMap::new(),
            &vault,
        );
        assert_eq!(status.approvals.len(), 1);
        assert!(
            status.approvals[0]
                .command
                .ends_with("--resource-group rg --vault-name kv --name kv.pe-1 --subscription sub")
        );
        assert!(status.coverage.is_empty());
    }
}
