//! The encryption-at-rest configuration of each project (customer-managed keys with AWS KMS or
//! Azure Key Vault), and how `GET .../encryptionAtRest` shows it. Which changes a PATCH may make
//! is decided by the API layer; this file only holds and shows the result.
//!
//! Secrets are never held: the write-only fields (`secretAccessKey`, `secret`, `roleId`) are
//! checked by the API layer and dropped, so no answer, log or state file can contain them. The
//! identifiers `accessKeyID` and `clientID` are kept and shown, as Atlas shows them; the request
//! log masks them too (`log::CREDENTIAL_FIELDS`).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::model::key_fields::read_document;
use crate::model::regions::Provider;

/// What is kept of one provider's object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyConfig {
    pub enabled: bool,
    pub require_private_networking: bool,
    /// The provider's readable text fields by their API names (`region`, `keyVaultName`, ...).
    pub fields: BTreeMap<String, String>,
}

impl KeyConfig {
    /// The provider's object as the API shows it. `valid` is read-only: the emulator's key is
    /// valid exactly when it is enabled.
    fn view(&self) -> Value {
        let mut object = Map::new();
        object.insert("enabled".into(), json!(self.enabled));
        object.insert(
            "requirePrivateNetworking".into(),
            json!(self.require_private_networking),
        );
        object.insert("valid".into(), json!(self.enabled));
        for (name, value) in &self.fields {
            object.insert(name.clone(), json!(value));
        }
        Value::Object(object)
    }
}

/// One project's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProjectEncryption {
    pub aws_kms: KeyConfig,
    pub azure_key_vault: KeyConfig,
    pub enabled_for_search_nodes: bool,
}

impl ProjectEncryption {
    pub fn provider(&self, provider: Provider) -> &KeyConfig {
        match provider {
            Provider::Aws => &self.aws_kms,
            Provider::Azure => &self.azure_key_vault,
        }
    }

    pub fn provider_mut(&mut self, provider: Provider) -> &mut KeyConfig {
        match provider {
            Provider::Aws => &mut self.aws_kms,
            Provider::Azure => &mut self.azure_key_vault,
        }
    }

    /// Seeding: each provider object of `document` (`awsKms`, `azureKeyVault`) replaces that
    /// provider's configuration as given (absent flags read as off), with the field checks of a
    /// request but none of the PATCH rules, so any state can be set up. Other providers are kept.
    pub fn seed(&mut self, document: &Value) -> Result<(), String> {
        let object = document
            .as_object()
            .ok_or("the configuration must be a JSON object")?;
        if let Some(key) = object
            .keys()
            .find(|k| *k != "awsKms" && *k != "azureKeyVault")
        {
            return Err(format!(
                "{key}: only awsKms and azureKeyVault can be seeded"
            ));
        }
        let parts = read_document(object).map_err(|p| format!("{}: {}", p.field, p.why))?;
        for (provider, part) in parts {
            *self.provider_mut(provider) = KeyConfig {
                enabled: part.enabled.unwrap_or(false),
                require_private_networking: part.require_private_networking.unwrap_or(false),
                fields: part.fields,
            };
        }
        Ok(())
    }

    /// The `EncryptionAtRest` document. Google Cloud KMS is not emulated and always shows off.
    pub fn view(&self) -> Value {
        json!({
            "awsKms": self.aws_kms.view(),
            "azureKeyVault": self.azure_key_vault.view(),
            "enabledForSearchNodes": self.enabled_for_search_nodes,
            "googleCloudKms": {"enabled": false, "valid": false},
        })
    }
}

/// Every project's configuration; a project never configured has the default (all off).
#[derive(Default)]
pub(crate) struct EncryptionStore {
    projects: HashMap<String, ProjectEncryption>,
}

impl EncryptionStore {
    pub fn get(&self, group_id: &str) -> ProjectEncryption {
        self.projects.get(group_id).cloned().unwrap_or_default()
    }

    pub fn set(&mut self, group_id: &str, config: ProjectEncryption) {
        self.projects.insert(group_id.to_string(), config);
    }

    /// Every configured project, for the state file.
    pub fn snapshot(&self) -> BTreeMap<String, ProjectEncryption> {
        self.projects
            .iter()
            .map(|(group, config)| (group.clone(), config.clone()))
            .collect()
    }

    pub fn restore(snapshot: BTreeMap<String, ProjectEncryption>) -> EncryptionStore {
        EncryptionStore {
            projects: snapshot.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_project_shows_everything_off() {
        let view = EncryptionStore::default().get("g").view();
        assert_eq!(
            view["awsKms"],
            json!({"enabled": false, "requirePrivateNetworking": false, "valid": false})
        );
        assert_eq!(view["azureKeyVault"]["enabled"], false);
        assert_eq!(view["googleCloudKms"]["enabled"], false);
    }

    #[test]
    fn seeding_replaces_only_the_named_provider() {
        let mut config = ProjectEncryption::default();
        config.aws_kms.enabled = true;
        config
            .seed(&json!({"azureKeyVault": {"enabled": true, "secret": "s3cr3t", "keyVaultName": "v"}}))
            .unwrap();
        assert!(config.aws_kms.enabled);
        assert!(config.azure_key_vault.enabled);
        assert!(!format!("{config:?}").contains("s3cr3t"));
        assert!(config.seed(&json!({"googleCloudKms": {}})).is_err());
        assert!(
            config
                .seed(&json!({"awsKms": {"region": "EUROPE_WEST"}}))
                .is_err()
        );
    }

    #[test]
    fn fields_are_shown_with_the_flags() {
        let mut config = ProjectEncryption::default();
        let azure = config.provider_mut(Provider::Azure);
        azure.enabled = true;
        azure.fields.insert("keyVaultName".into(), "vault".into());
        let view = config.view();
        assert_eq!(view["azureKeyVault"]["keyVaultName"], "vault");
        assert_eq!(view["azureKeyVault"]["valid"], true);
    }
}
