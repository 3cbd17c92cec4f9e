//! `PATCH .../encryptionAtRest`: reading the body, then the rules the official documents give for
//! changing a provider's customer-key configuration, and the refusals that go with them:
//!
//! - before a provider is enabled, its object must carry every field (`MISSING_ATTRIBUTE`); once
//!   enabled, only the changed fields are passed (the spec's request body description);
//! - `{"…": {"enabled": false}}` alone disables the provider and removes its details;
//! - turning `requirePrivateNetworking` off while the provider has private endpoints in any
//!   status is refused with `CANNOT_DISABLE_ENCRYPTION_AT_REST_REQUIRE_PRIVATE_NETWORKING_WHILE_PRIVATE_ENDPOINTS_EXIST`
//!   (as Atlas answers in the Terraform provider's test logs);
//! - the emulator's choices: turning it on for a provider whose customer-key encryption is not
//!   enabled is `ENCRYPTION_AT_REST_NOT_ENABLED_FOR_PROVIDER` (the Atlas docs make the key a
//!   prerequisite); disabling a provider that has endpoints is refused like turning private
//!   networking off; the Azure vault, resource group and subscription cannot change while Azure
//!   has endpoints (`CANNOT_MODIFY_AZURE_KEY_VAULT_WHILE_PRIVATE_ENDPOINTS_EXIST`; the spec says
//!   they "cannot be modified" then); `googleCloudKms` is not emulated (400).

use serde_json::json;

use crate::api::params::json_object;
use crate::errors::ApiError;
use crate::model::encryption::{KeyConfig, ProjectEncryption};
use crate::model::key_fields::{
    AZURE_FIXED_WITH_ENDPOINTS, FieldProblem, ProviderPatch, missing_for_first_configuration,
    object_key, read_object,
};
use crate::model::regions::Provider;

pub(crate) const CANNOT_DISABLE: &str =
    "CANNOT_DISABLE_ENCRYPTION_AT_REST_REQUIRE_PRIVATE_NETWORKING_WHILE_PRIVATE_ENDPOINTS_EXIST";
pub(crate) const NOT_ENABLED: &str = "ENCRYPTION_AT_REST_NOT_ENABLED_FOR_PROVIDER";
pub(crate) const VAULT_FIXED: &str = "CANNOT_MODIFY_AZURE_KEY_VAULT_WHILE_PRIVATE_ENDPOINTS_EXIST";

/// A PATCH body that passed the checks which do not depend on the project's state.
#[derive(Debug, Default)]
pub(crate) struct EncryptionPatch {
    pub providers: Vec<(Provider, ProviderPatch)>,
    pub enabled_for_search_nodes: Option<bool>,
}

/// The body must be a JSON object of `awsKms`, `azureKeyVault` and `enabledForSearchNodes`;
/// each provider object is checked field by field (unknown and read-only fields are 400).
pub(crate) fn read_patch(body: &[u8]) -> Result<EncryptionPatch, ApiError> {
    let object = json_object(body)?;
    let mut patch = EncryptionPatch::default();
    for (key, value) in &object {
        match key.as_str() {
            "awsKms" => patch.providers.push((
                Provider::Aws,
                read_object(Provider::Aws, value).map_err(refusal)?,
            )),
            "azureKeyVault" => patch.providers.push((
                Provider::Azure,
                read_object(Provider::Azure, value).map_err(refusal)?,
            )),
            "enabledForSearchNodes" => {
                let flag = value.as_bool().ok_or_else(|| {
                    refusal(FieldProblem {
                        code: "INVALID_ATTRIBUTE",
                        field: key.clone(),
                        why: "must be true or false".into(),
                    })
                })?;
                patch.enabled_for_search_nodes = Some(flag);
            }
            "googleCloudKms" => {
                return Err(refusal(FieldProblem {
                    code: "INVALID_ATTRIBUTE",
                    field: key.clone(),
                    why: "Google Cloud KMS is not emulated; only awsKms and azureKeyVault are"
                        .into(),
                }));
            }
            _ => {
                return Err(refusal(FieldProblem {
                    code: "INVALID_ATTRIBUTE",
                    field: key.clone(),
                    why: "unknown attribute".into(),
                }));
            }
        }
    }
    Ok(patch)
}

/// The 400 for one field.
pub(crate) fn refusal(problem: FieldProblem) -> ApiError {
    ApiError::new(
        400,
        problem.code,
        format!("Invalid attribute {}: {}.", problem.field, problem.why),
    )
    .with_parameters(vec![json!(problem.field)])
    .with_field(&problem.field, problem.why)
}

/// The configuration after `patch`, or the refusal; nothing changes unless every provider's part
/// is accepted. `has_endpoints` tells whether a provider has private endpoints in any status.
pub(crate) fn apply(
    current: &ProjectEncryption,
    patch: &EncryptionPatch,
    has_endpoints: impl Fn(Provider) -> bool,
) -> Result<ProjectEncryption, ApiError> {
    let mut next = current.clone();
    for (provider, part) in &patch.providers {
        let changed = apply_provider(
            *provider,
            current.provider(*provider),
            part,
            has_endpoints(*provider),
        )?;
        *next.provider_mut(*provider) = changed;
    }
    if let Some(flag) = patch.enabled_for_search_nodes {
        next.enabled_for_search_nodes = flag;
    }
    Ok(next)
}

fn apply_provider(
    provider: Provider,
    current: &KeyConfig,
    part: &ProviderPatch,
    has_endpoints: bool,
) -> Result<KeyConfig, ApiError> {
    let key = object_key(provider);
    if part.enabled == Some(false) {
        if part.given.len() > 1 {
            return Err(ApiError::new(
                400,
                "INVALID_ATTRIBUTE",
                format!(
                    "To disable encryption at rest with {provider}, send only {key}.enabled: false."
                ),
            )
            .with_field(&format!("{key}.enabled"), "send alone to disable"));
        }
        if has_endpoints {
            return Err(cannot_disable(provider));
        }
        return Ok(KeyConfig::default());
    }
    if !current.enabled {
        if part.require_private_networking == Some(true) && part.enabled != Some(true) {
            return Err(ApiError::new(
                400,
                NOT_ENABLED,
                format!(
                    "Private networking for {provider} needs encryption at rest with customer key management enabled for {provider} first ({key}.enabled)."
                ),
            )
            .with_parameters(vec![json!(provider.as_str())]));
        }
        let missing = missing_for_first_configuration(provider, part);
        if !missing.is_empty() {
            let mut error = ApiError::new(
                400,
                "MISSING_ATTRIBUTE",
                format!(
                    "Encryption at rest with {provider} is not enabled yet, so {key} must carry every field; missing: {}.",
                    missing.join(", ")
                ),
            )
            .with_parameters(missing.iter().map(|m| json!(m)).collect());
            for field in &missing {
                error = error.with_field(field, "required before the provider is enabled");
            }
            return Err(error);
        }
        return Ok(KeyConfig {
            enabled: true,
            require_private_networking: part.require_private_networking.unwrap_or(false),
            fields: part.fields.clone(),
        });
    }
    let mut next = current.clone();
    if let Some(required) = part.require_private_networking {
        if !required && current.require_private_networking && has_endpoints {
            return Err(cannot_disable(provider));
        }
        next.require_private_networking = required;
    }
    if provider == Provider::Azure && has_endpoints {
        for field in AZURE_FIXED_WITH_ENDPOINTS {
            if let Some(value) = part.fields.get(*field)
                && current.fields.get(*field) != Some(value)
            {
                return Err(ApiError::new(
                    400,
                    VAULT_FIXED,
                    format!("{key}.{field} cannot be modified while Azure Key Vault private endpoints exist."),
                )
                .with_field(&format!("{key}.{field}"), "fixed while private endpoints exist"));
            }
        }
    }
    next.fields
        .extend(part.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(next)
}

fn cannot_disable(provider: Provider) -> ApiError {
    ApiError::new(
        400,
        CANNOT_DISABLE,
        format!(
            "Cannot disable private networking for encryption at rest with {provider} while {provider} private endpoints exist; delete them first."
        ),
    )
    .with_parameters(vec![json!(provider.as_str())])
}
