//! Gathers the parts of an API key and of a service account from every source, and picks the
//! one to use.
//!
//! Each part resolves on its own (flag > environment > profile), so a public key on the
//! command line can pair with a private key from the environment. When parts of both kinds are
//! present, the kind whose highest-precedence part comes from the higher-precedence source
//! wins; at equal precedence the service account wins, as MongoDB recommends service accounts
//! over API keys.

use crate::cli::GlobalArgs;
use crate::cli::environment::{CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY_VARS, PUBLIC_KEY_VARS};
use crate::errors::UsageError;
use crate::secret::Secret;
use crate::settings::profile::{Profile, ProfileKey};
use crate::settings::sources::{Env, Source, Sourced, layered, strongest};

/// How requests prove who is calling.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Programmatic API key pair, used with HTTP digest authentication.
    ApiKey {
        public_key: String,
        private_key: Secret,
    },
    /// Service-account client credentials, exchanged for a bearer token (`auth/token.rs`).
    ServiceAccount {
        client_id: String,
        client_secret: Secret,
    },
}

const KEYRING_NOTE: &str = "the Atlas CLI keeps keys in the system keyring when it can, and atlas-ear does not read the keyring";
/// Every way to give credentials: the flags, the variables and the Atlas CLI profile keys.
const HOW_TO_PASS: &str = "pass --public-key and --private-key (or set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY, or public_api_key and private_api_key in an Atlas CLI profile), or a service account with --client-id and --client-secret (or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET, or client_id and client_secret in a profile)";

/// Every credential part found, with its source; secrets already wrapped.
#[derive(Debug, Clone, Default)]
pub struct CredentialParts {
    pub public_key: Option<Sourced<String>>,
    pub private_key: Option<Sourced<Secret>>,
    pub client_id: Option<Sourced<String>>,
    pub client_secret: Option<Sourced<Secret>>,
}

/// The credentials to use and one line for `-v` saying which and why.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub credentials: Credentials,
    pub summary: String,
}

impl CredentialParts {
    pub fn gather(
        args: &GlobalArgs,
        env: &Env,
        profile: Option<&Profile>,
    ) -> Result<CredentialParts, UsageError> {
        let from = |key| profile.and_then(|p| p.sourced(key));
        let secret = |part: Option<Sourced<String>>| part.map(|s| s.map(Secret::new));
        Ok(CredentialParts {
            public_key: layered(
                ("--public-key", args.public_key.as_deref()),
                env,
                PUBLIC_KEY_VARS,
                from(ProfileKey::PublicApiKey),
            )?,
            private_key: secret(layered(
                (
                    "--private-key",
                    args.private_key.as_ref().map(Secret::expose),
                ),
                env,
                PRIVATE_KEY_VARS,
                from(ProfileKey::PrivateApiKey),
            )?),
            client_id: layered(
                ("--client-id", args.client_id.as_deref()),
                env,
                &[CLIENT_ID],
                from(ProfileKey::ClientId),
            )?,
            client_secret: secret(layered(
                (
                    "--client-secret",
                    args.client_secret.as_ref().map(Secret::expose),
                ),
                env,
                &[CLIENT_SECRET],
                from(ProfileKey::ClientSecret),
            )?),
        })
    }

    /// Picks the credential kind and checks it is complete. `profile` is the profile that was
    /// read, if any, so an empty one can be explained.
    pub fn choose(&self, profile: Option<&Profile>) -> Result<Chosen, UsageError> {
        let api_rank = best_rank(
            self.public_key.as_ref().map(|s| s.source.rank()),
            self.private_key.as_ref().map(|s| s.source.rank()),
        );
        let sa_rank = best_rank(
            self.client_id.as_ref().map(|s| s.source.rank()),
            self.client_secret.as_ref().map(|s| s.source.rank()),
        );
        match (api_rank, sa_rank) {
            (None, None) => Err(self.nothing_found(profile)),
            (api, Some(sa)) if api.is_none_or(|api| sa >= api) => {
                let chosen = self.service_account(profile)?;
                Ok(self.with_summary(chosen, api.map(|api| api == sa)))
            }
            (_, sa) => {
                let chosen = self.api_key(profile)?;
                Ok(self.with_summary(chosen, sa.map(|_| false)))
            }
        }
    }

    fn api_key(&self, profile: Option<&Profile>) -> Result<Credentials, UsageError> {
        match (&self.public_key, &self.private_key) {
            (Some(public), Some(private)) => Ok(Credentials::ApiKey {
                public_key: public.value.clone(),
                private_key: private.value.clone(),
            }),
            (Some(public), None) => Err(UsageError(format!(
                "a public key was given ({}) but no private key: pass --private-key or set MONGODB_ATLAS_PRIVATE_API_KEY{}",
                public.source,
                keyring_note(profile)
            ))),
            (None, Some(private)) => Err(UsageError(format!(
                "a private key was given ({}) but no public key: pass --public-key or set MONGODB_ATLAS_PUBLIC_API_KEY{}",
                private.source,
                keyring_note(profile)
            ))),
            (None, None) => Err(self.nothing_found(profile)),
        }
    }

    fn service_account(&self, profile: Option<&Profile>) -> Result<Credentials, UsageError> {
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) => Ok(Credentials::ServiceAccount {
                client_id: id.value.clone(),
                client_secret: secret.value.clone(),
            }),
            (Some(id), None) => Err(UsageError(format!(
                "a service account client id was given ({}) but no client secret: pass --client-secret or set MONGODB_ATLAS_CLIENT_SECRET{}",
                id.source,
                keyring_note(profile)
            ))),
            (None, Some(secret)) => Err(UsageError(format!(
                "a service account client secret was given ({}) but no client id: pass --client-id or set MONGODB_ATLAS_CLIENT_ID",
                secret.source
            ))),
            (None, None) => Err(self.nothing_found(profile)),
        }
    }

    fn nothing_found(&self, profile: Option<&Profile>) -> UsageError {
        match profile {
            Some(p) if !p.holds_credentials() => UsageError(format!(
                "profile '{}' in {} holds no API key and no service account: {KEYRING_NOTE}. To use them, {HOW_TO_PASS}",
                p.name,
                p.path.display()
            )),
            _ => UsageError(format!(
                "no credentials: {HOW_TO_PASS}; or name an Atlas CLI profile that holds them with --profile"
            )),
        }
    }

    /// `other_tied` is `None` when the other kind is absent, else whether it tied on precedence.
    fn with_summary(&self, credentials: Credentials, other_tied: Option<bool>) -> Chosen {
        let source_of = |a: Option<&Source>, b: Option<&Source>| {
            strongest([a, b])
                .map(ToString::to_string)
                .unwrap_or_default()
        };
        let api_source = source_of(
            self.public_key.as_ref().map(|s| &s.source),
            self.private_key.as_ref().map(|s| &s.source),
        );
        let sa_source = source_of(
            self.client_id.as_ref().map(|s| &s.source),
            self.client_secret.as_ref().map(|s| &s.source),
        );
        let part = |label: &str, source: Option<&Source>| {
            source.map_or(String::new(), |s| format!("{label} from {s}"))
        };
        let (used, ignored, ignored_source) = match &credentials {
            Credentials::ServiceAccount { client_id, .. } => (
                format!(
                    "service account {client_id} ({}; {})",
                    part("client id", self.client_id.as_ref().map(|s| &s.source)),
                    part("secret", self.client_secret.as_ref().map(|s| &s.source)),
                ),
                "an API key",
                api_source,
            ),
            Credentials::ApiKey { public_key, .. } => (
                format!(
                    "API key {public_key} ({}; {})",
                    part("public key", self.public_key.as_ref().map(|s| &s.source)),
                    part("private key", self.private_key.as_ref().map(|s| &s.source)),
                ),
                "a service account",
                sa_source,
            ),
        };
        let summary = match other_tied {
            None => format!("auth: {used}"),
            Some(true) => format!(
                "auth: {used}; {ignored} ({ignored_source}) is also set at the same precedence, and a service account wins ties"
            ),
            Some(false) => format!(
                "auth: {used}; {ignored} ({ignored_source}) is also set but comes from a lower-precedence source"
            ),
        };
        Chosen {
            credentials,
            summary,
        }
    }
}

fn best_rank(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    a.max(b)
}

fn keyring_note(profile: Option<&Profile>) -> String {
    match profile {
        Some(p) => format!(" (profile '{}' was read; {KEYRING_NOTE})", p.name),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(value: &str, source: Source) -> Option<Sourced<String>> {
        Some(Sourced::new(value.to_string(), source))
    }

    fn secret(value: &str, source: Source) -> Option<Sourced<Secret>> {
        Some(Sourced::new(Secret::new(value), source))
    }

    fn profile_source() -> Source {
        Source::Profile {
            name: "default".into(),
            path: "/c.toml".into(),
            key: "x",
            line: 1,
        }
    }

    #[test]
    fn debug_output_masks_the_private_key() {
        let credentials = Credentials::ApiKey {
            public_key: "pub".into(),
            private_key: Secret::new("very-private-value"),
        };
        let printed = format!("{credentials:?}");
        assert!(printed.contains("pub"));
        assert!(!printed.contains("very-private-value"));
    }

    #[test]
    fn higher_precedence_kind_wins() {
        let parts = CredentialParts {
            public_key: part("pub", Source::Env("MONGODB_ATLAS_PUBLIC_API_KEY")),
            private_key: secret(
                "priv-sentinel",
                Source::Env("MONGODB_ATLAS_PRIVATE_API_KEY"),
            ),
            client_id: part("id", profile_source()),
            client_secret: secret("sec", profile_source()),
        };
        let chosen = parts.choose(None).unwrap();
        assert!(matches!(chosen.credentials, Credentials::ApiKey { .. }));
        assert!(
            chosen.summary.contains("lower-precedence"),
            "{}",
            chosen.summary
        );
        assert!(
            !chosen.summary.contains("priv-sentinel"),
            "{}",
            chosen.summary
        );

        let parts = CredentialParts {
            client_id: part("id", Source::Flag("--client-id")),
            client_secret: secret("sec", Source::Env("MONGODB_ATLAS_CLIENT_SECRET")),
            ..parts
        };
        let chosen = parts.choose(None).unwrap();
        assert!(matches!(
            chosen.credentials,
            Credentials::ServiceAccount { .. }
        ));
        assert!(
            chosen.summary.contains("flag --client-id"),
            "{}",
            chosen.summary
        );
    }

    #[test]
    fn service_account_wins_ties() {
        let parts = CredentialParts {
            public_key: part("pub", Source::Env("A")),
            private_key: secret("priv", Source::Env("B")),
            client_id: part("id", Source::Env("C")),
            client_secret: secret("sec-sentinel", Source::Env("D")),
        };
        let chosen = parts.choose(None).unwrap();
        assert!(matches!(
            chosen.credentials,
            Credentials::ServiceAccount { .. }
        ));
        assert!(chosen.summary.contains("ties"), "{}", chosen.summary);
        assert!(
            !chosen.summary.contains("sec-sentinel"),
            "{}",
            chosen.summary
        );
    }

    #[test]
    fn the_winning_kind_must_be_complete() {
        let parts = CredentialParts {
            public_key: part("pub", Source::Env("A")),
            private_key: secret("priv", Source::Env("B")),
            client_id: part("id", Source::Flag("--client-id")),
            client_secret: None,
        };
        let err = parts.choose(None).unwrap_err().0;
        assert!(
            err.contains("--client-secret") && err.contains("MONGODB_ATLAS_CLIENT_SECRET"),
            "{err}"
        );
        let parts = CredentialParts {
            private_key: None,
            client_id: None,
            ..parts
        };
        let err = parts.choose(None).unwrap_err().0;
        assert!(err.contains("--private-key"), "{err}");
        let err = CredentialParts::default().choose(None).unwrap_err().0;
        assert!(
            err.contains("--public-key") && err.contains("--client-id"),
            "{err}"
        );
    }
}
