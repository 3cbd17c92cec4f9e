//! The Azure approval step as a command the user can run: an Azure endpoint stays
//! PENDING_ACCEPTANCE until someone approves its connection on the Key Vault, and the values that
//! command needs (vault, resource group, subscription) are in the project's `azureKeyVault`
//! configuration, which people rarely have at hand.
//!
//! The configuration costs one GET per project, and only when an endpoint awaits approval, so a
//! run that meets none pays nothing extra. A value that is missing, unreadable or not safe to put
//! on a command line becomes a placeholder such as `<resource-group>`, and the step says why.

use crate::api::encryption::{EncryptionAtRest, get_encryption};
use crate::commands::outcome::Outcome;
use crate::commands::progress::ProgressSink;
use crate::escape::{printable_snippet, shell_word};
use crate::http::ApiClient;
use crate::regions::Provider;

/// The Azure CLI command that approves a private endpoint connection on a Key Vault.
pub const AZ_APPROVE: &str = "az keyvault private-endpoint-connection approve";

/// What the Key Vault approval needs from the project's `azureKeyVault` configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultDetails {
    pub key_vault_name: Option<String>,
    pub resource_group_name: Option<String>,
    pub subscription_id: Option<String>,
}

/// What reading the configuration gave: its vault details, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultLookup {
    Found(VaultDetails),
    /// The configuration could not be read; the words say why (status, error code).
    Unreadable(String),
}

impl VaultDetails {
    /// The vault details of a configuration (all unknown when it has no `azureKeyVault`).
    pub fn of(config: &EncryptionAtRest) -> VaultDetails {
        let vault = config.azure_key_vault.as_ref();
        VaultDetails {
            key_vault_name: vault.and_then(|v| v.key_vault_name.clone()),
            resource_group_name: vault.and_then(|v| v.resource_group_name.clone()),
            subscription_id: vault.and_then(|v| v.subscription_id.clone()),
        }
    }
}

/// Reads the project's configuration for its vault details; a failure is kept as words, since
/// the step is still worth giving with placeholders.
pub async fn read_vault(client: &ApiClient, project_id: &str) -> VaultLookup {
    match get_encryption(client, project_id).await {
        Ok(config) => VaultLookup::Found(VaultDetails::of(&config)),
        Err(error) => VaultLookup::Unreadable(unreadable_because(&error)),
    }
}

/// Turns the approval step of each Azure outcome of one project that awaits approval into the
/// runnable command: one GET of the configuration when there is such an outcome, none otherwise.
pub async fn make_steps_runnable<'a>(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
    outcomes: impl IntoIterator<Item = &'a mut Outcome>,
) {
    if provider != Provider::Azure {
        return;
    }
    let waiting: Vec<&mut Outcome> = outcomes
        .into_iter()
        .filter(|o| awaits_approval(o))
        .collect();
    if waiting.is_empty() {
        return;
    }
    let lookup = read_vault(client, project_id).await;
    for outcome in waiting {
        let step = azure_step(&lookup, connection_name(outcome));
        outcome.next_step = Some(step);
    }
}

/// One value of the command: the name the user knows it by in Atlas, the flag, the placeholder.
struct Slot<'a> {
    field: &'static str,
    flag: &'static str,
    placeholder: &'static str,
    value: Option<&'a str>,
}

/// The `az` command that approves `connection_name` on the project's Key Vault, and one line
/// naming each value that had to be left as a placeholder (empty when every value is known).
pub fn approve_command(lookup: &VaultLookup, connection_name: Option<&str>) -> (String, String) {
    let vault = match lookup {
        VaultLookup::Found(details) => details.clone(),
        VaultLookup::Unreadable(_) => VaultDetails::default(),
    };
    let slots = [
        Slot {
            field: "resourceGroupName",
            flag: "--resource-group",
            placeholder: "<resource-group>",
            value: vault.resource_group_name.as_deref(),
        },
        Slot {
            field: "keyVaultName",
            flag: "--vault-name",
            placeholder: "<key-vault-name>",
            value: vault.key_vault_name.as_deref(),
        },
        Slot {
            field: "privateEndpointConnectionName",
            flag: "--name",
            placeholder: "<connection-name>",
            value: connection_name,
        },
        Slot {
            field: "subscriptionID",
            flag: "--subscription",
            placeholder: "<subscription-id>",
            value: vault.subscription_id.as_deref(),
        },
    ];
    let mut command = String::from(AZ_APPROVE);
    let mut missing = Vec::new();
    for slot in &slots {
        let usable = slot.value.filter(|v| !v.trim().is_empty());
        let word = match usable.and_then(shell_word) {
            Some(word) => word,
            None => {
                missing.push((slot, usable.is_some()));
                slot.placeholder.to_string()
            }
        };
        command.push_str(&format!(" {} {word}", slot.flag));
    }
    (command, missing_words(lookup, &missing))
}

/// Why placeholders are there, naming each value, or nothing when there are none.
fn missing_words(lookup: &VaultLookup, missing: &[(&Slot, bool)]) -> String {
    if missing.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    if let VaultLookup::Unreadable(why) = lookup {
        parts.push(format!(
            "the project's encryption-at-rest configuration could not be read ({why})"
        ));
    }
    for (slot, unsafe_text) in missing {
        let from_config = slot.field != "privateEndpointConnectionName";
        if from_config && matches!(lookup, VaultLookup::Unreadable(_)) {
            continue;
        }
        let whose = if from_config {
            "the project's azureKeyVault configuration"
        } else {
            "the endpoint"
        };
        let state = if *unsafe_text {
            "holds characters that are not shown on a command line"
        } else {
            "is not set"
        };
        parts.push(format!("{} of {whose} {state}", slot.field));
    }
    let placeholders: Vec<&str> = missing.iter().map(|(s, _)| s.placeholder).collect();
    format!(
        "{}; replace {} before running it",
        parts.join("; "),
        placeholders.join(", ")
    )
}

/// The whole next step for an Azure endpoint awaiting approval: what to do, the command on a
/// line of its own (so it can be copied whole), and what to replace in it.
pub fn azure_step(lookup: &VaultLookup, connection_name: Option<&str>) -> String {
    let (command, missing) = approve_command(lookup, connection_name);
    let mut step = format!(
        "approve the private endpoint connection on the Azure Key Vault; Atlas then reports ACTIVE:\n    {command}"
    );
    if !missing.is_empty() {
        step.push_str(&format!("\n  ({missing})"));
    }
    step
}

/// The connection name of an outcome's endpoint, if Atlas gave one.
pub fn connection_name(outcome: &Outcome) -> Option<&str> {
    outcome
        .endpoint
        .as_ref()?
        .value
        .get("privateEndpointConnectionName")?
        .as_str()
}

/// Whether an outcome awaits approval and has a next step that is not yet the command.
pub fn awaits_approval(outcome: &Outcome) -> bool {
    outcome.status() == Some("PENDING_ACCEPTANCE")
        && outcome
            .next_step
            .as_deref()
            .is_some_and(|step| !step.contains(AZ_APPROVE))
}

/// What `wait --for active` says while it keeps waiting through PENDING_ACCEPTANCE: the command
/// that approves each Azure endpoint, as soon as it is seen awaiting approval, from one read of
/// the configuration for the whole wait. Approving is what ends such a wait.
#[derive(Default)]
pub struct Announcements {
    lookup: Option<VaultLookup>,
}

impl Announcements {
    /// Announces the step of every outcome among `pending` that awaits approval and has not
    /// been given the command yet.
    pub async fn announce(
        &mut self,
        client: &ApiClient,
        project_id: &str,
        outcomes: &mut [Outcome],
        pending: &[usize],
        progress: &mut dyn ProgressSink,
    ) {
        for &index in pending {
            let Some(outcome) = outcomes.get_mut(index) else {
                continue;
            };
            if !awaits_approval(outcome) {
                continue;
            }
            if self.lookup.is_none() {
                self.lookup = Some(read_vault(client, project_id).await);
            }
            let Some(lookup) = &self.lookup else {
                continue;
            };
            let step = azure_step(lookup, connection_name(outcome));
            progress.note(&format!("{}: {step}", outcome.label()));
            outcome.next_step = Some(step);
        }
    }
}

/// The short words for a configuration that could not be read, from the error's chain.
pub fn unreadable_because(error: &anyhow::Error) -> String {
    match error
        .chain()
        .find_map(|c| c.downcast_ref::<crate::errors::ApiError>())
    {
        Some(api) => match &api.error_code {
            Some(code) => format!(
                "HTTP {} {}",
                api.status,
                printable_snippet(code.as_bytes(), 80)
            ),
            None => format!("HTTP {}", api.status),
        },
        None => printable_snippet(format!("{error:#}").as_bytes(), 160),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(rg: Option<&str>, vault: Option<&str>, sub: Option<&str>) -> VaultLookup {
        VaultLookup::Found(VaultDetails {
            key_vault_name: vault.map(String::from),
            resource_group_name: rg.map(String::from),
            subscription_id: sub.map(String::from),
        })
    }

    #[test]
    fn every_value_known_gives_a_command_with_nothing_to_replace() {
        let lookup = found(
            Some("rg-prod"),
            Some("kv-orders"),
            Some("0ac4c8d2-0000-4000-8000-00000000000a"),
        );
        let (command, missing) = approve_command(&lookup, Some("kv-orders.pe-1a2b"));
        assert_eq!(
            command,
            "az keyvault private-endpoint-connection approve --resource-group rg-prod --vault-name kv-orders --name kv-orders.pe-1a2b --subscription 0ac4c8d2-0000-4000-8000-00000000000a"
        );
        assert_eq!(missing, "");
    }

    #[test]
    fn values_a_shell_would_split_or_expand_are_single_quoted() {
        let lookup = found(Some("my rg"), Some("it's$HOME"), Some("sub;rm -rf"));
        let (command, _) = approve_command(&lookup, Some("`x`"));
        assert!(command.contains("--resource-group 'my rg' "), "{command}");
        assert!(
            command.contains(r"--vault-name 'it'\''s$HOME' "),
            "{command}"
        );
        assert!(command.contains("--name '`x`' "), "{command}");
        assert!(
            command.ends_with("--subscription 'sub;rm -rf'"),
            "{command}"
        );
    }

    #[test]
    fn missing_values_become_placeholders_and_are_named() {
        let lookup = found(Some("rg-prod"), None, Some(""));
        let (command, missing) = approve_command(&lookup, None);
        assert!(
            command.contains("--vault-name <key-vault-name> "),
            "{command}"
        );
        assert!(command.contains("--name <connection-name> "), "{command}");
        assert!(
            command.ends_with("--subscription <subscription-id>"),
            "{command}"
        );
        assert!(
            missing
                .contains("keyVaultName of the project's azureKeyVault configuration is not set"),
            "{missing}"
        );
        assert!(
            missing.contains("privateEndpointConnectionName of the endpoint is not set"),
            "{missing}"
        );
        assert!(
            missing
                .contains("subscriptionID of the project's azureKeyVault configuration is not set"),
            "{missing}"
        );
        assert!(!missing.contains("resourceGroupName"), "{missing}");
    }

    #[test]
    fn an_unreadable_configuration_says_why_once_and_leaves_every_vault_value_open() {
        let lookup = VaultLookup::Unreadable("HTTP 403 USER_UNAUTHORIZED".into());
        let step = azure_step(&lookup, Some("pe-1"));
        assert!(step.contains("--resource-group <resource-group> --vault-name <key-vault-name> --name pe-1 --subscription <subscription-id>"), "{step}");
        assert!(
            step.contains("could not be read (HTTP 403 USER_UNAUTHORIZED)"),
            "{step}"
        );
        assert!(!step.contains("is not set"), "{step}");
    }

    #[test]
    fn control_characters_never_reach_the_command() {
        let lookup = found(Some("rg\x1b[2J"), Some("kv"), Some("s"));
        let (command, missing) = approve_command(&lookup, Some("pe"));
        assert!(!command.contains('\x1b'), "{command:?}");
        assert!(command.contains("--resource-group <resource-group>"));
        assert!(
            missing.contains(
                "resourceGroupName of the project's azureKeyVault configuration holds characters"
            ),
            "{missing}"
        );
    }
}
