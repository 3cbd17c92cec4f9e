//! The project's encryption-at-rest configuration (customer-managed keys): `GET` and `PATCH
//! /api/atlas/v2/groups/{groupId}/encryptionAtRest`, the switch for private networking to the
//! key service, and the details that locate an Azure key vault for the approval step.
//!
//! The configuration can hold credentials (AWS `accessKeyID`, `secretAccessKey`, `roleId`;
//! Azure `secret`, `clientID`). They are never decoded: the answer is read into
//! [`EncryptionAtRest`], which holds only the fields named below, and the body itself is dropped,
//! so no secret can reach an output, a trace of this layer, an error or `Debug`.

use super::request::PlannedRequest;
use crate::errors::TransportError;
use crate::escape::printable_snippet;
use crate::http::{ApiClient, ApiResponse};
use crate::regions::Provider;
use anyhow::Result;
use reqwest::Method;
use serde_json::{Map, Value, json};

/// The only version these two operations exist in.
pub const ENCRYPTION_API_VERSION: &str = "2023-01-01";

/// `/api/atlas/v2/groups/{groupId}/encryptionAtRest`.
pub fn encryption_path(project_id: &str) -> String {
    format!("/api/atlas/v2/groups/{project_id}/encryptionAtRest")
}

/// The key of a provider's object in the configuration: `awsKms`, `azureKeyVault`.
pub fn provider_key(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "awsKms",
        Provider::Azure => "azureKeyVault",
    }
}

/// The request [`get_encryption`] sends.
pub fn get_encryption_request(project_id: &str) -> PlannedRequest {
    PlannedRequest::new(Method::GET, encryption_path(project_id))
        .with_api_version(ENCRYPTION_API_VERSION)
}

/// A `PATCH` of the configuration with `body`.
pub fn update_encryption_request(project_id: &str, body: Value) -> PlannedRequest {
    PlannedRequest::new(Method::PATCH, encryption_path(project_id))
        .with_body(body)
        .with_api_version(ENCRYPTION_API_VERSION)
}

/// The smallest body that sets `requirePrivateNetworking` of one provider, e.g.
/// `{"awsKms":{"requirePrivateNetworking":true}}`. Once customer-key encryption is enabled for
/// a provider, the PATCH takes only the changed fields of its object (the official document's
/// request body description), so nothing else is sent and no credential is ever sent back.
pub fn private_networking_body(provider: Provider, required: bool) -> Value {
    let mut inner = Map::new();
    inner.insert("requirePrivateNetworking".into(), Value::Bool(required));
    json!({ provider_key(provider): inner })
}

/// The PATCH that turns private networking to `provider`'s key service on or off.
pub fn private_networking_request(
    project_id: &str,
    provider: Provider,
    required: bool,
) -> PlannedRequest {
    update_encryption_request(project_id, private_networking_body(provider, required))
}

/// `GET .../encryptionAtRest`.
pub async fn get_encryption(client: &ApiClient, project_id: &str) -> Result<EncryptionAtRest> {
    let response = get_encryption_request(project_id).send(client).await?;
    decode_encryption(&response)
}

/// Sends a PATCH built by [`update_encryption_request`] or [`private_networking_request`];
/// Atlas answers with the whole configuration as it now is.
pub async fn update_encryption(
    client: &ApiClient,
    request: &PlannedRequest,
) -> Result<EncryptionAtRest> {
    let response = request.send(client).await?;
    decode_encryption(&response)
}

/// What a provider's object says about its key and private networking. A missing object or
/// field reads as off: a project without customer-key encryption has nothing to require.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct KeySettings {
    /// Customer-key encryption is enabled for this provider.
    pub enabled: bool,
    /// Atlas reaches the key service only over private endpoints.
    pub require_private_networking: bool,
    /// Whether the key can encrypt and decrypt, when Atlas says.
    pub valid: Option<bool>,
}

/// The AWS KMS side of the configuration, without its credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AwsKms {
    #[serde(flatten)]
    pub settings: KeySettings,
    pub region: Option<String>,
    pub customer_master_key_id: Option<String>,
}

/// The Azure Key Vault side of the configuration, without its credentials. The vault name,
/// resource group and subscription address the vault where endpoint connections are approved.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AzureKeyVault {
    #[serde(flatten)]
    pub settings: KeySettings,
    pub key_vault_name: Option<String>,
    pub resource_group_name: Option<String>,
    pub subscription_id: Option<String>,
    pub tenant_id: Option<String>,
    pub azure_environment: Option<String>,
}

/// The project's encryption-at-rest configuration, read leniently: a provider object that is
/// absent is `None`, a field of an unexpected type is treated as absent. Text fields are as
/// Atlas sent them: escape them (`escape::printable`) before they reach a terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EncryptionAtRest {
    pub aws_kms: Option<AwsKms>,
    pub azure_key_vault: Option<AzureKeyVault>,
}

impl EncryptionAtRest {
    /// Reads the fields this tool uses out of the answer's JSON; nothing else is kept.
    pub fn from_json(value: &Value) -> EncryptionAtRest {
        let object = |key: &str| value.get(key).and_then(Value::as_object);
        EncryptionAtRest {
            aws_kms: object(provider_key(Provider::Aws)).map(|o| AwsKms {
                settings: key_settings(o),
                region: text(o, "region"),
                customer_master_key_id: text(o, "customerMasterKeyID"),
            }),
            azure_key_vault: object(provider_key(Provider::Azure)).map(|o| AzureKeyVault {
                settings: key_settings(o),
                key_vault_name: text(o, "keyVaultName"),
                resource_group_name: text(o, "resourceGroupName"),
                subscription_id: text(o, "subscriptionID"),
                tenant_id: text(o, "tenantID"),
                azure_environment: text(o, "azureEnvironment"),
            }),
        }
    }

    /// The key settings of one provider (all off when its object is absent).
    pub fn settings(&self, provider: Provider) -> KeySettings {
        let settings = match provider {
            Provider::Aws => self.aws_kms.as_ref().map(|a| &a.settings),
            Provider::Azure => self.azure_key_vault.as_ref().map(|a| &a.settings),
        };
        settings.copied().unwrap_or_default()
    }
}

fn key_settings(object: &Map<String, Value>) -> KeySettings {
    let flag = |key: &str| object.get(key).and_then(Value::as_bool);
    KeySettings {
        enabled: flag("enabled").unwrap_or(false),
        require_private_networking: flag("requirePrivateNetworking").unwrap_or(false),
        valid: flag("valid"),
    }
}

/// A text field; empty text counts as absent.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The configuration from a 2xx answer. Anything but a JSON object is an error that names the
/// status, content type and size, but never shows the body: it could hold credentials.
pub fn decode_encryption(response: &ApiResponse) -> Result<EncryptionAtRest> {
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(value @ Value::Object(_)) => Ok(EncryptionAtRest::from_json(&value)),
        _ => Err(TransportError(format!(
            "the server answered HTTP {} with {} and {} bytes that are not an encryption-at-rest \
             configuration (a JSON object); the body is not shown because it may hold credentials",
            response.status.as_u16(),
            response
                .content_type
                .as_deref()
                .map(|c| format!("content type '{}'", printable_snippet(c.as_bytes(), 80)))
                .unwrap_or_else(|| "no content type".into()),
            response.body.len(),
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    const SECRETS: [&str; 5] = [
        "AKIAEXAMPLEACCESSKEY",
        "wJalrXUtnFEMIEXAMPLESECRET",
        "0123456789abcdef01234567",
        "azure-client-secret-value",
        "7f0c2f6e-client-id",
    ];

    fn full_answer() -> Value {
        json!({
            "awsKms": {
                "enabled": true, "requirePrivateNetworking": false, "valid": true,
                "region": "US_EAST_1", "customerMasterKeyID": "arn:aws:kms:key/1",
                "accessKeyID": SECRETS[0], "secretAccessKey": SECRETS[1], "roleId": SECRETS[2]
            },
            "azureKeyVault": {
                "enabled": true, "requirePrivateNetworking": true, "valid": false,
                "keyVaultName": "vault-1", "resourceGroupName": "rg-1",
                "subscriptionID": "sub-1", "tenantID": "tenant-1", "azureEnvironment": "AZURE",
                "secret": SECRETS[3], "clientID": SECRETS[4], "keyIdentifier": "https://k"
            },
            "googleCloudKms": { "enabled": false },
            "enabledForSearchNodes": true
        })
    }

    fn answer(body: &str) -> ApiResponse {
        ApiResponse {
            status: StatusCode::OK,
            content_type: Some("application/vnd.atlas.2023-01-01+json".into()),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reads_both_providers() {
        let config = EncryptionAtRest::from_json(&full_answer());
        let aws = config.aws_kms.clone().unwrap();
        assert_eq!(
            aws.settings,
            KeySettings {
                enabled: true,
                require_private_networking: false,
                valid: Some(true)
            }
        );
        assert_eq!(aws.region.as_deref(), Some("US_EAST_1"));
        assert_eq!(
            aws.customer_master_key_id.as_deref(),
            Some("arn:aws:kms:key/1")
        );
        let azure = config.azure_key_vault.clone().unwrap();
        assert!(azure.settings.require_private_networking);
        assert_eq!(azure.settings.valid, Some(false));
        assert_eq!(azure.key_vault_name.as_deref(), Some("vault-1"));
        assert_eq!(azure.resource_group_name.as_deref(), Some("rg-1"));
        assert_eq!(azure.subscription_id.as_deref(), Some("sub-1"));
        assert_eq!(azure.tenant_id.as_deref(), Some("tenant-1"));
        assert_eq!(azure.azure_environment.as_deref(), Some("AZURE"));
        assert!(config.settings(Provider::Azure).enabled);
    }

    #[test]
    fn is_lenient_about_missing_and_odd_fields() {
        let config = EncryptionAtRest::from_json(&json!({
            "awsKms": { "enabled": "yes", "valid": 1, "region": 5 },
            "azureKeyVault": "not an object"
        }));
        assert_eq!(
            config.aws_kms.as_ref().unwrap().settings,
            KeySettings::default()
        );
        assert_eq!(config.aws_kms.as_ref().unwrap().region, None);
        assert_eq!(config.azure_key_vault, None);
        assert_eq!(config.settings(Provider::Azure), KeySettings::default());
        assert_eq!(
            EncryptionAtRest::from_json(&json!({})),
            EncryptionAtRest::default()
        );
    }

    #[test]
    fn secrets_are_not_kept() {
        let config = decode_encryption(&answer(&full_answer().to_string())).unwrap();
        let debug = format!("{config:?} {config:#?}");
        let serialized = serde_json::to_string(&config).unwrap();
        for secret in SECRETS {
            assert!(!debug.contains(secret), "{secret} in {debug}");
            assert!(!serialized.contains(secret), "{secret} in {serialized}");
        }
        assert!(debug.contains("vault-1"));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_an_error_without_the_body() {
        let body = format!("[{}]", full_answer());
        let error = decode_encryption(&answer(&body)).unwrap_err().to_string();
        assert!(error.contains("HTTP 200"), "{error}");
        assert!(error.contains("not shown"), "{error}");
        for secret in SECRETS {
            assert!(!error.contains(secret), "{error}");
        }
    }

    #[test]
    fn private_networking_patch_carries_only_the_flag() {
        assert_eq!(
            private_networking_body(Provider::Aws, true).to_string(),
            r#"{"awsKms":{"requirePrivateNetworking":true}}"#
        );
        let request = private_networking_request("p1", Provider::Azure, false);
        assert_eq!(request.method, Method::PATCH);
        assert_eq!(
            request.path_and_query,
            "/api/atlas/v2/groups/p1/encryptionAtRest"
        );
        assert_eq!(request.api_version, Some("2023-01-01"));
        assert_eq!(
            request.body_text().as_deref(),
            Some(r#"{"azureKeyVault":{"requirePrivateNetworking":false}}"#)
        );
        let get = get_encryption_request("p1");
        assert_eq!((get.method, get.body), (Method::GET, None));
    }
}
