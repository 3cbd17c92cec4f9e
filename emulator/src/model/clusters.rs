//! The clusters of each project, reduced to what the encryption-at-rest work needs: a name and the
//! provider regions its nodes are in. They are seeded (the emulator does not create clusters) and
//! shown in the 2024-08-05 shape of `GET .../clusters`, `replicationSpecs[].regionConfigs[]`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::ids::new_object_id;
use crate::model::regions::Provider;

/// One region a cluster has nodes in: `AWS`, `AZURE` or `GCP` and the Atlas region name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ClusterRegion {
    pub provider: String,
    pub region: String,
}

impl ClusterRegion {
    /// Checks a provider and region: an AWS or Azure region from that provider's list, or a GCP
    /// region in Atlas's upper-case form (GCP endpoints are not emulated, so no list is kept).
    pub fn parse(provider: &str, region: &str) -> Result<ClusterRegion, String> {
        let provider = provider.to_ascii_uppercase();
        let known = match Provider::parse(&provider) {
            Some(p) => p.has_region(region),
            None if provider == "GCP" => {
                !region.is_empty()
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            }
            None => {
                return Err(format!(
                    "{provider} is not a provider; use AWS, AZURE or GCP"
                ));
            }
        };
        if !known {
            return Err(format!("{region} is not a {provider} region"));
        }
        Ok(ClusterRegion {
            provider,
            region: region.to_string(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cluster {
    pub id: String,
    pub group_id: String,
    pub name: String,
    /// In priority order: the first is where the primary is preferred.
    pub regions: Vec<ClusterRegion>,
}

impl Cluster {
    /// The cluster as `ClusterDescription20240805`, with one replication spec holding a region
    /// configuration per region (electable nodes, priorities from 7 down), as a multi-region
    /// replica set is described.
    pub fn view(&self) -> Value {
        let region_configs: Vec<Value> = self
            .regions
            .iter()
            .enumerate()
            .map(|(index, r)| {
                json!({
                    "providerName": r.provider,
                    "regionName": r.region,
                    "priority": 7usize.saturating_sub(index),
                    "electableSpecs": {"instanceSize": "M10", "nodeCount": 3},
                })
            })
            .collect();
        json!({
            "clusterType": "REPLICASET",
            "groupId": self.group_id,
            "id": self.id,
            "mongoDBMajorVersion": "8.0",
            "name": self.name,
            "paused": false,
            "replicationSpecs": [{
                "id": self.id,
                "zoneName": "Zone 1",
                "regionConfigs": region_configs,
            }],
            "stateName": "IDLE",
        })
    }
}

/// Every project's clusters, in the order they were seeded.
#[derive(Default)]
pub(crate) struct ClusterStore {
    clusters: Vec<Cluster>,
}

impl ClusterStore {
    /// Adds a cluster, or replaces the regions of the project's cluster of that name (keeping its
    /// id), so seeding the same cluster twice is harmless. Returns its id.
    pub fn seed(&mut self, group_id: &str, name: &str, regions: Vec<ClusterRegion>) -> String {
        if let Some(existing) = self
            .clusters
            .iter_mut()
            .find(|c| c.group_id == group_id && c.name == name)
        {
            existing.regions = regions;
            return existing.id.clone();
        }
        let id = new_object_id();
        self.clusters.push(Cluster {
            id: id.clone(),
            group_id: group_id.to_string(),
            name: name.to_string(),
            regions,
        });
        id
    }

    /// Removes the project's cluster of that name; false if there is none.
    pub fn remove(&mut self, group_id: &str, name: &str) -> bool {
        let before = self.clusters.len();
        self.clusters
            .retain(|c| !(c.group_id == group_id && c.name == name));
        self.clusters.len() != before
    }

    /// The project's clusters as the API shows them.
    pub fn list(&self, group_id: &str) -> Vec<Value> {
        self.clusters
            .iter()
            .filter(|c| c.group_id == group_id)
            .map(Cluster::view)
            .collect()
    }

    /// Every cluster, for the state file.
    pub fn snapshot(&self) -> Vec<Cluster> {
        self.clusters.clone()
    }

    pub fn restore(clusters: Vec<Cluster>) -> ClusterStore {
        ClusterStore { clusters }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(provider: &str, region: &str) -> ClusterRegion {
        ClusterRegion {
            provider: provider.into(),
            region: region.into(),
        }
    }

    #[test]
    fn regions_are_checked_against_their_provider() {
        assert_eq!(
            ClusterRegion::parse("aws", "EU_WEST_2").unwrap(),
            region("AWS", "EU_WEST_2")
        );
        assert!(ClusterRegion::parse("AWS", "EUROPE_WEST").is_err());
        assert!(ClusterRegion::parse("AZURE", "EUROPE_WEST").is_ok());
        assert!(ClusterRegion::parse("GCP", "CENTRAL_US").is_ok());
        assert!(ClusterRegion::parse("GCP", "us-central1").is_err());
        assert!(ClusterRegion::parse("TENANT", "US_EAST_1").is_err());
    }

    #[test]
    fn seeding_a_name_again_replaces_its_regions() {
        let mut store = ClusterStore::default();
        let id = store.seed("g", "orders", vec![region("AWS", "US_EAST_1")]);
        let again = store.seed("g", "orders", vec![region("AZURE", "EUROPE_WEST")]);
        assert_eq!(id, again);
        store.seed("other", "orders", vec![region("AWS", "EU_WEST_2")]);
        let listed = store.list("g");
        assert_eq!(listed.len(), 1);
        let configs = &listed[0]["replicationSpecs"][0]["regionConfigs"];
        assert_eq!(configs[0]["providerName"], "AZURE");
        assert_eq!(configs[0]["regionName"], "EUROPE_WEST");
        assert_eq!(configs[0]["priority"], 7);
        assert!(store.remove("g", "orders"));
        assert!(!store.remove("g", "orders"));
        assert!(store.list("g").is_empty());
    }
}
