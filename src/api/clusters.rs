//! The regions a project's clusters have nodes in, from `GET /api/atlas/v2/groups/{groupId}/clusters`
//! (version 2024-08-05): once private networking is required, Atlas adds nodes only in regions
//! with an approved private endpoint, so these are the regions that need one.
//!
//! Cluster descriptions are large; each page is reduced to names and (provider, region) pairs
//! as it arrives, and the walk is bounded like the endpoint list.

use super::pages::{Bounds, ITEMS_PER_PAGE, More, PageWalk, not_what_the_api_promises};
use super::request::PlannedRequest;
use crate::http::ApiClient;
use crate::regions::Provider;
use anyhow::Result;
use reqwest::Method;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The version whose answer carries `replicationSpecs[].regionConfigs[]` with a provider and
/// region per entry (older versions describe regions differently).
pub const CLUSTERS_API_VERSION: &str = "2024-08-05";
/// Most clusters one list may hold; a project has far fewer, so more means a broken server.
pub const MAX_CLUSTERS: usize = 5_000;
/// Most bytes of pages one list may read (descriptions run to several KiB each).
pub const MAX_CLUSTER_BYTES: usize = 64 * 1024 * 1024;

const CLUSTER_LIST: Bounds = Bounds {
    noun: "cluster",
    list_name: "a list of clusters",
    max_items: MAX_CLUSTERS,
    max_bytes: MAX_CLUSTER_BYTES,
};

/// One provider region a cluster has nodes in. `provider` is Atlas's name (`AWS`, `AZURE`,
/// `GCP`); for a shared-tier (`TENANT`) cluster it is the provider that hosts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ProviderRegion {
    pub provider: String,
    pub region: String,
}

/// A cluster's name and every provider region it has nodes in. Text is as Atlas sent it:
/// escape it (`escape::printable`) before it reaches a terminal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClusterRegions {
    pub name: String,
    pub regions: BTreeSet<ProviderRegion>,
}

impl ClusterRegions {
    /// Reads one cluster description leniently: region configurations without a provider or a
    /// region name are skipped, a missing name is empty.
    pub fn from_json(cluster: &Value) -> ClusterRegions {
        let name = cluster
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let specs = cluster.get("replicationSpecs").and_then(Value::as_array);
        let regions = specs
            .into_iter()
            .flatten()
            .filter_map(|spec| spec.get("regionConfigs").and_then(Value::as_array))
            .flatten()
            .filter_map(provider_region)
            .collect();
        ClusterRegions { name, regions }
    }

    /// The regions of `provider` this cluster uses.
    pub fn regions_of(&self, provider: Provider) -> impl Iterator<Item = &str> {
        self.regions
            .iter()
            .filter(move |r| r.provider == provider.as_api_str())
            .map(|r| r.region.as_str())
    }
}

fn provider_region(config: &Value) -> Option<ProviderRegion> {
    let field = |key: &str| config.get(key).and_then(Value::as_str);
    let provider = match field("providerName")? {
        "TENANT" => field("backingProviderName")?,
        other => other,
    };
    Some(ProviderRegion {
        provider: provider.to_string(),
        region: field("regionName")?.to_string(),
    })
}

/// Every region of `provider` that some cluster uses, with the names of those clusters (sorted).
pub fn clusters_by_region(
    clusters: &[ClusterRegions],
    provider: Provider,
) -> BTreeMap<String, Vec<String>> {
    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for cluster in clusters {
        for region in cluster.regions_of(provider) {
            by_region
                .entry(region.to_string())
                .or_default()
                .push(cluster.name.clone());
        }
    }
    for names in by_region.values_mut() {
        names.sort();
        names.dedup();
    }
    by_region
}

/// The request for page `page` (from 1) of [`list_clusters`].
pub fn list_clusters_page_request(project_id: &str, page: usize) -> PlannedRequest {
    PlannedRequest::new(
        Method::GET,
        format!(
            "/api/atlas/v2/groups/{project_id}/clusters?includeCount=true&itemsPerPage={ITEMS_PER_PAGE}&pageNum={page}"
        ),
    )
    .with_api_version(CLUSTERS_API_VERSION)
}

/// Every cluster of the project, every page, reduced to names and regions. Bounded by
/// [`MAX_CLUSTERS`] and [`MAX_CLUSTER_BYTES`]; a page that repeats a cluster or an impossible
/// `totalCount` is an error naming the page, never a partial list.
pub async fn list_clusters(client: &ApiClient, project_id: &str) -> Result<Vec<ClusterRegions>> {
    let mut walk = PageWalk::new(CLUSTER_LIST);
    let mut clusters = Vec::new();
    for page in 1.. {
        let response = list_clusters_page_request(project_id, page)
            .send(client)
            .await?;
        let (items, more) = walk.take(page, &response)?;
        for item in &items {
            if !item.is_object() {
                return Err(
                    not_what_the_api_promises(&response, "a page of cluster objects").into(),
                );
            }
            clusters.push(ClusterRegions::from_json(item));
        }
        if more == More::No {
            break;
        }
    }
    Ok(clusters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn region(provider: &str, region: &str) -> ProviderRegion {
        ProviderRegion {
            provider: provider.into(),
            region: region.into(),
        }
    }

    #[test]
    fn reads_every_region_of_every_spec() {
        let cluster = ClusterRegions::from_json(&json!({
            "name": "orders",
            "replicationSpecs": [
                { "regionConfigs": [
                    { "providerName": "AWS", "regionName": "US_EAST_1", "priority": 7 },
                    { "providerName": "AZURE", "regionName": "EUROPE_WEST", "priority": 6 }
                ]},
                { "regionConfigs": [
                    { "providerName": "AWS", "regionName": "EU_WEST_2" },
                    { "providerName": "AWS", "regionName": "US_EAST_1" },
                    { "providerName": "TENANT", "backingProviderName": "GCP", "regionName": "CENTRAL_US" }
                ]}
            ]
        }));
        assert_eq!(cluster.name, "orders");
        assert_eq!(
            cluster.regions,
            BTreeSet::from([
                region("AWS", "EU_WEST_2"),
                region("AWS", "US_EAST_1"),
                region("AZURE", "EUROPE_WEST"),
                region("GCP", "CENTRAL_US"),
            ])
        );
        let aws: Vec<_> = cluster.regions_of(Provider::Aws).collect();
        assert_eq!(aws, ["EU_WEST_2", "US_EAST_1"]);
    }

    #[test]
    fn is_lenient_about_odd_entries() {
        let cluster = ClusterRegions::from_json(&json!({
            "replicationSpecs": [
                { "regionConfigs": [
                    { "providerName": "AWS" },
                    { "regionName": "US_EAST_1" },
                    { "providerName": "TENANT", "regionName": "US_EAST_1" },
                    { "providerName": 5, "regionName": "US_EAST_1" },
                    "not an object"
                ]},
                { "zoneName": "no region configs" },
                7
            ]
        }));
        assert_eq!(cluster.name, "");
        assert!(cluster.regions.is_empty());
        assert!(
            ClusterRegions::from_json(&json!({"name": "x"}))
                .regions
                .is_empty()
        );
    }

    #[test]
    fn regions_name_their_clusters() {
        let clusters: Vec<_> = [
            json!({"name": "web", "replicationSpecs": [{"regionConfigs": [
                {"providerName": "AWS", "regionName": "EU_WEST_2"}]}]}),
            json!({"name": "orders", "replicationSpecs": [{"regionConfigs": [
                {"providerName": "AWS", "regionName": "EU_WEST_2"},
                {"providerName": "AWS", "regionName": "US_EAST_1"},
                {"providerName": "AZURE", "regionName": "US_EAST_2"}]}]}),
        ]
        .iter()
        .map(ClusterRegions::from_json)
        .collect();
        let aws = clusters_by_region(&clusters, Provider::Aws);
        assert_eq!(aws["EU_WEST_2"], ["orders", "web"]);
        assert_eq!(aws["US_EAST_1"], ["orders"]);
        assert_eq!(aws.len(), 2);
        let azure = clusters_by_region(&clusters, Provider::Azure);
        assert_eq!(azure.keys().collect::<Vec<_>>(), ["US_EAST_2"]);
    }

    #[test]
    fn pages_ask_for_the_2024_08_05_answer() {
        let request = list_clusters_page_request("p1", 2);
        assert_eq!(request.api_version, Some("2024-08-05"));
        assert_eq!(
            request.path_and_query,
            "/api/atlas/v2/groups/p1/clusters?includeCount=true&itemsPerPage=500&pageNum=2"
        );
    }
}
