//! The binary's seeding flags: clusters and encryption-at-rest configurations for one project, so a
//! rehearsal (or the quick start) starts with a project that has something to show, such as a
//! cluster region without a private endpoint. Parsed here, applied through the library's
//! `seed_cluster` and `seed_encryption` once the emulator runs.

use anyhow::{Context, bail};
use atlas_ear_emulator::Emulator;
use clap::ValueEnum;
use serde_json::{Map, Value, json};

/// `--seed-cluster NAME:PROVIDER:REGION[,[PROVIDER:]REGION...]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSeed {
    pub name: String,
    /// `(provider, region)` in the order given.
    pub regions: Vec<(String, String)>,
}

/// `--encryption aws[:REGION]` or `azure[:VAULT:RESOURCE_GROUP:SUBSCRIPTION]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionSeed {
    pub provider: ProviderArg,
    /// The provider's object, with the API's field names.
    pub object: Map<String, Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Aws,
    Azure,
}

impl ProviderArg {
    fn object_key(self) -> &'static str {
        match self {
            ProviderArg::Aws => "awsKms",
            ProviderArg::Azure => "azureKeyVault",
        }
    }

    fn flag_value(self) -> &'static str {
        match self {
            ProviderArg::Aws => "aws",
            ProviderArg::Azure => "azure",
        }
    }
}

/// Demo values of a seeded Azure Key Vault, for the parts `--encryption azure` leaves out.
const DEMO_VAULT: [(&str, &str); 3] = [
    ("keyVaultName", "atlas-ear-demo-vault"),
    ("resourceGroupName", "atlas-ear-demo-rg"),
    ("subscriptionID", "00000000-0000-0000-0000-000000000000"),
];

pub fn parse_cluster(text: &str) -> anyhow::Result<ClusterSeed> {
    const FORM: &str =
        "expected NAME:PROVIDER:REGION[,[PROVIDER:]REGION...], e.g. orders:AWS:US_EAST_1,EU_WEST_2";
    let (name, rest) = text.split_once(':').context(FORM)?;
    if name.is_empty() || rest.is_empty() {
        bail!(FORM);
    }
    let mut provider: Option<&str> = None;
    let mut regions = Vec::new();
    for item in rest.split(',') {
        let region = match item.split_once(':') {
            Some((named, region)) => {
                provider = Some(named);
                region
            }
            None => item,
        };
        let provider =
            provider.with_context(|| format!("{item}: name its provider first ({FORM})"))?;
        if region.is_empty() {
            bail!("an empty region ({FORM})");
        }
        regions.push((provider.to_ascii_uppercase(), region.to_string()));
    }
    Ok(ClusterSeed {
        name: name.to_string(),
        regions,
    })
}

pub fn parse_encryption(text: &str) -> anyhow::Result<EncryptionSeed> {
    let mut parts = text.split(':');
    let provider = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        Some("aws") => ProviderArg::Aws,
        Some("azure") => ProviderArg::Azure,
        _ => bail!("expected aws[:REGION] or azure[:VAULT:RESOURCE_GROUP:SUBSCRIPTION]"),
    };
    let details: Vec<&str> = parts.collect();
    let mut object = Map::new();
    object.insert("enabled".into(), json!(true));
    match provider {
        ProviderArg::Aws => {
            if details.len() > 1 {
                bail!("expected aws or aws:REGION");
            }
            let region = details.first().copied().unwrap_or("US_EAST_1");
            object.insert("region".into(), json!(region));
            object.insert("customerMasterKeyID".into(), json!("atlas-ear-demo-key"));
        }
        ProviderArg::Azure => {
            if !details.is_empty() && details.len() != 3 {
                bail!(
                    "expected azure or azure:VAULT:RESOURCE_GROUP:SUBSCRIPTION (leave a part empty to leave it unset)"
                );
            }
            object.insert("azureEnvironment".into(), json!("AZURE"));
            for (index, (field, demo)) in DEMO_VAULT.iter().enumerate() {
                let value = details.get(index).copied().unwrap_or(demo);
                if !value.is_empty() {
                    object.insert((*field).into(), json!(value));
                }
            }
        }
    }
    Ok(EncryptionSeed { provider, object })
}

/// What the seeding flags ask for, for one project.
#[derive(Debug, Default)]
pub struct Seeds {
    pub project_id: String,
    pub clusters: Vec<ClusterSeed>,
    pub encryption: Vec<EncryptionSeed>,
    pub require_private_networking: Vec<ProviderArg>,
}

impl Seeds {
    /// Checks the combination: one `--encryption` per provider, and private networking only for
    /// a provider given to `--encryption`.
    pub fn check(&self) -> anyhow::Result<()> {
        for provider in [ProviderArg::Aws, ProviderArg::Azure] {
            let given = self
                .encryption
                .iter()
                .filter(|e| e.provider == provider)
                .count();
            if given > 1 {
                bail!(
                    "--encryption {} is given {given} times; give each provider once",
                    provider.flag_value()
                );
            }
        }
        for provider in &self.require_private_networking {
            if !self.encryption.iter().any(|e| e.provider == *provider) {
                let name = provider.flag_value();
                bail!(
                    "--require-private-networking {name} needs --encryption {name}: private networking requires customer-key encryption"
                );
            }
        }
        Ok(())
    }

    /// Whether any seeding flag was given.
    pub fn asked(&self) -> bool {
        !self.clusters.is_empty() || !self.encryption.is_empty()
    }

    /// Seeds the project through the library.
    pub fn apply(&self, emulator: &Emulator) -> anyhow::Result<()> {
        for cluster in &self.clusters {
            let regions: Vec<(&str, &str)> = cluster
                .regions
                .iter()
                .map(|(p, r)| (p.as_str(), r.as_str()))
                .collect();
            emulator
                .seed_cluster(&self.project_id, &cluster.name, &regions)
                .map_err(|why| anyhow::anyhow!("--seed-cluster {why}"))?;
        }
        let mut document = Map::new();
        for seed in &self.encryption {
            let mut object = seed.object.clone();
            let required = self.require_private_networking.contains(&seed.provider);
            object.insert("requirePrivateNetworking".into(), json!(required));
            document.insert(seed.provider.object_key().into(), Value::Object(object));
        }
        if !document.is_empty() {
            emulator
                .seed_encryption(&self.project_id, &Value::Object(document))
                .map_err(|why| anyhow::anyhow!("--encryption: {why}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_name_their_providers() {
        let seed = parse_cluster("orders:AWS:US_EAST_1,EU_WEST_2,azure:EUROPE_WEST").unwrap();
        assert_eq!(seed.name, "orders");
        assert_eq!(
            seed.regions,
            [
                ("AWS".to_string(), "US_EAST_1".to_string()),
                ("AWS".into(), "EU_WEST_2".into()),
                ("AZURE".into(), "EUROPE_WEST".into())
            ]
        );
        assert!(parse_cluster("orders").is_err());
        assert!(parse_cluster("orders:US_EAST_1").is_err());
        assert!(parse_cluster(":AWS:US_EAST_1").is_err());
        assert!(parse_cluster("orders:AWS:").is_err());
    }

    #[test]
    fn encryption_forms() {
        let aws = parse_encryption("aws:EU_WEST_1").unwrap();
        assert_eq!(aws.object["region"], "EU_WEST_1");
        let azure = parse_encryption("AZURE:vault::sub").unwrap();
        assert_eq!(azure.object["keyVaultName"], "vault");
        assert!(!azure.object.contains_key("resourceGroupName"));
        assert_eq!(
            parse_encryption("azure").unwrap().object["keyVaultName"],
            "atlas-ear-demo-vault"
        );
        assert!(parse_encryption("gcp").is_err());
        assert!(parse_encryption("azure:vault").is_err());
        assert!(parse_encryption("aws:a:b").is_err());
    }

    #[test]
    fn private_networking_needs_the_provider_encrypted() {
        let seeds = Seeds {
            require_private_networking: vec![ProviderArg::Azure],
            encryption: vec![parse_encryption("aws").unwrap()],
            ..Seeds::default()
        };
        let error = seeds.check().unwrap_err().to_string();
        assert!(error.contains("--encryption azure"), "{error}");
    }
}
