//! The fields of the `awsKms` and `azureKeyVault` objects (`AWSKMSConfiguration` and
//! `AzureKeyVault` in the official spec; see `emulator/spec/`), and reading one such object: each
//! field's type and allowed values, which are read-only, which are credentials that are checked
//! and dropped, and which a first configuration must carry. Used by the PATCH operation and by
//! seeding (flags, control API, library) alike, so both accept the same documents.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::model::regions::Provider;

/// How a field is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Flag,
    /// Kept and shown.
    Text,
    /// Kept and shown; one of these values.
    OneOf(&'static [&'static str]),
    /// Kept and shown; a region of the provider.
    Region,
    /// A credential (write-only, or an id of one): checked to be text, never kept.
    Credential,
    /// Read-only: refused in a request.
    ReadOnly,
}

const AZURE_ENVIRONMENTS: &[&str] = &["AZURE", "AZURE_CHINA", "AZURE_US_GOVERNMENT"];

#[rustfmt::skip]
const AWS_FIELDS: &[(&str, Kind)] = &[
    ("accessKeyID", Kind::Text), ("customerMasterKeyID", Kind::Text), ("enabled", Kind::Flag),
    ("region", Kind::Region), ("requirePrivateNetworking", Kind::Flag),
    ("roleId", Kind::Credential), ("secretAccessKey", Kind::Credential), ("valid", Kind::ReadOnly),
];

#[rustfmt::skip]
const AZURE_FIELDS: &[(&str, Kind)] = &[
    ("azureEnvironment", Kind::OneOf(AZURE_ENVIRONMENTS)), ("clientID", Kind::Text),
    ("enabled", Kind::Flag), ("keyIdentifier", Kind::Text), ("keyVaultName", Kind::Text),
    ("requirePrivateNetworking", Kind::Flag), ("resourceGroupName", Kind::Text),
    ("roleId", Kind::Credential), ("secret", Kind::Credential), ("subscriptionID", Kind::Text),
    ("tenantID", Kind::Text), ("valid", Kind::ReadOnly),
];

/// What a first configuration must carry besides `enabled` and the credentials.
const AWS_REQUIRED: &[&str] = &["customerMasterKeyID", "region"];
const AZURE_REQUIRED: &[&str] = &[
    "azureEnvironment",
    "keyIdentifier",
    "keyVaultName",
    "resourceGroupName",
    "subscriptionID",
    "tenantID",
];

/// Azure fields the spec says cannot be modified once private endpoints are set up.
pub(crate) const AZURE_FIXED_WITH_ENDPOINTS: &[&str] =
    &["keyVaultName", "resourceGroupName", "subscriptionID"];

/// The key of a provider's object in the configuration document.
pub(crate) fn object_key(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "awsKms",
        Provider::Azure => "azureKeyVault",
    }
}

/// One provider's object from a request, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProviderPatch {
    pub enabled: Option<bool>,
    pub require_private_networking: Option<bool>,
    /// The text fields to keep, by API name.
    pub fields: BTreeMap<String, String>,
    /// Every field the object named, credentials included.
    pub given: BTreeSet<String>,
}

/// Why an object was refused: an Atlas-style error code, the field (`awsKms.region`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    pub code: &'static str,
    pub field: String,
    pub why: String,
}

/// Reads one provider's object: unknown and read-only fields, wrong types and values are refused.
pub(crate) fn read_object(
    provider: Provider,
    value: &Value,
) -> Result<ProviderPatch, FieldProblem> {
    let key = object_key(provider);
    let problem = |code, field: &str, why: String| FieldProblem {
        code,
        field: format!("{key}.{field}"),
        why,
    };
    let Some(object) = value.as_object() else {
        return Err(FieldProblem {
            code: "INVALID_ATTRIBUTE",
            field: key.to_string(),
            why: "must be a JSON object".into(),
        });
    };
    let table = match provider {
        Provider::Aws => AWS_FIELDS,
        Provider::Azure => AZURE_FIELDS,
    };
    let mut patch = ProviderPatch::default();
    for (name, value) in object {
        let Some((_, kind)) = table.iter().find(|(field, _)| field == name) else {
            return Err(problem(
                "INVALID_ATTRIBUTE",
                name,
                "unknown attribute".into(),
            ));
        };
        read_field(provider, &mut patch, name, *kind, value)
            .map_err(|(code, why)| problem(code, name, why))?;
        patch.given.insert(name.clone());
    }
    Ok(patch)
}

fn read_field(
    provider: Provider,
    patch: &mut ProviderPatch,
    name: &str,
    kind: Kind,
    value: &Value,
) -> Result<(), (&'static str, String)> {
    match kind {
        Kind::ReadOnly => return Err(("INVALID_ATTRIBUTE", "read-only; never sent".into())),
        Kind::Flag => {
            let flag = value
                .as_bool()
                .ok_or(("INVALID_ATTRIBUTE", "must be true or false".to_string()))?;
            match name {
                "enabled" => patch.enabled = Some(flag),
                _ => patch.require_private_networking = Some(flag),
            }
            return Ok(());
        }
        _ => {}
    }
    let text = value.as_str().filter(|t| !t.is_empty()).ok_or((
        "INVALID_ATTRIBUTE",
        "must be a non-empty string".to_string(),
    ))?;
    let allowed: Option<&[&str]> = match kind {
        Kind::Region => Some(provider.regions()),
        Kind::OneOf(values) => Some(values),
        _ => None,
    };
    if allowed.is_some_and(|values| !values.contains(&text)) {
        return Err(("INVALID_ENUM_VALUE", format!("{text:?} is not allowed")));
    }
    if kind != Kind::Credential {
        patch.fields.insert(name.to_string(), text.to_string());
    }
    Ok(())
}

/// The fields a first configuration of `provider` lacks (`enabled`, the required text fields, and
/// the credentials: `roleId`, or the key pair), as `awsKms.region`-style names.
pub(crate) fn missing_for_first_configuration(
    provider: Provider,
    patch: &ProviderPatch,
) -> Vec<String> {
    let (required, pair): (&[&str], [&str; 2]) = match provider {
        Provider::Aws => (AWS_REQUIRED, ["accessKeyID", "secretAccessKey"]),
        Provider::Azure => (AZURE_REQUIRED, ["clientID", "secret"]),
    };
    let has = |name: &str| patch.given.contains(name);
    let mut missing: Vec<String> = std::iter::once("enabled")
        .chain(required.iter().copied())
        .filter(|name| !has(name))
        .map(str::to_string)
        .collect();
    if !has("roleId") {
        missing.extend(
            pair.iter()
                .filter(|name| !has(name))
                .map(|name| format!("{name} (or roleId)")),
        );
    }
    let key = object_key(provider);
    missing
        .into_iter()
        .map(|name| format!("{key}.{name}"))
        .collect()
}

/// Reads a whole configuration object's provider parts (for seeding), keyed by provider.
pub(crate) fn read_document(
    document: &Map<String, Value>,
) -> Result<Vec<(Provider, ProviderPatch)>, FieldProblem> {
    let mut patches = Vec::new();
    for provider in [Provider::Aws, Provider::Azure] {
        if let Some(value) = document.get(object_key(provider)) {
            patches.push((provider, read_object(provider, value)?));
        }
    }
    Ok(patches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every field dropped as a credential is also masked in the request log: the two lists
    /// live in different layers, and this keeps them from drifting apart.
    #[test]
    fn every_credential_field_is_masked_in_the_log() {
        for (name, kind) in AWS_FIELDS.iter().chain(AZURE_FIELDS) {
            if matches!(kind, Kind::Credential) {
                assert!(crate::log::CREDENTIAL_FIELDS.contains(name), "{name}");
            }
        }
    }

    #[test]
    fn credentials_are_checked_and_dropped() {
        let patch = read_object(
            Provider::Aws,
            &json!({"enabled": true, "region": "US_EAST_1", "secretAccessKey": "s3cr3t", "accessKeyID": "AKIA"}),
        )
        .unwrap();
        assert_eq!(patch.enabled, Some(true));
        assert_eq!(
            patch.fields.get("region").map(String::as_str),
            Some("US_EAST_1")
        );
        assert!(!patch.fields.contains_key("secretAccessKey"));
        assert!(patch.given.contains("secretAccessKey"));
        assert_eq!(
            missing_for_first_configuration(Provider::Aws, &patch),
            ["awsKms.customerMasterKeyID"]
        );
    }

    #[test]
    fn bad_objects_are_refused_with_the_field() {
        let refuse = |provider, value: Value| read_object(provider, &value).unwrap_err();
        let unknown = refuse(Provider::Aws, json!({"colour": "red"}));
        assert_eq!(
            (unknown.code, unknown.field.as_str()),
            ("INVALID_ATTRIBUTE", "awsKms.colour")
        );
        assert_eq!(
            refuse(Provider::Aws, json!({"valid": true})).field,
            "awsKms.valid"
        );
        assert_eq!(
            refuse(Provider::Aws, json!({"region": "EUROPE_WEST"})).code,
            "INVALID_ENUM_VALUE"
        );
        assert_eq!(
            refuse(Provider::Azure, json!({"azureEnvironment": "MARS"})).code,
            "INVALID_ENUM_VALUE"
        );
        assert_eq!(
            refuse(Provider::Azure, json!({"enabled": "yes"})).field,
            "azureKeyVault.enabled"
        );
        assert_eq!(refuse(Provider::Azure, json!([])).field, "azureKeyVault");
        let missing = missing_for_first_configuration(Provider::Azure, &ProviderPatch::default());
        assert!(
            missing.contains(&"azureKeyVault.secret (or roleId)".to_string()),
            "{missing:?}"
        );
        assert_eq!(missing.len(), 9);
    }
}
