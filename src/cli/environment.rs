//! The environment variables the tool reads, in one table: the top-level help lists them from
//! here, settings look them up by these names, and tests check that hints name only these.

/// One variable the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    pub name: &'static str,
    /// What it sets, as `--help` says it.
    pub meaning: &'static str,
}

pub const PUBLIC_API_KEY: &str = "MONGODB_ATLAS_PUBLIC_API_KEY";
pub const PRIVATE_API_KEY: &str = "MONGODB_ATLAS_PRIVATE_API_KEY";
/// The Terraform provider's spellings of the two keys.
pub const PUBLIC_KEY: &str = "MONGODB_ATLAS_PUBLIC_KEY";
pub const PRIVATE_KEY: &str = "MONGODB_ATLAS_PRIVATE_KEY";
pub const CLIENT_ID: &str = "MONGODB_ATLAS_CLIENT_ID";
pub const CLIENT_SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
pub const PROJECT_ID: &str = "MONGODB_ATLAS_PROJECT_ID";
pub const OPS_MANAGER_URL: &str = "MONGODB_ATLAS_OPS_MANAGER_URL";
pub const BASE_URL: &str = "MONGODB_ATLAS_BASE_URL";
pub const PROFILE: &str = "MONGODB_ATLAS_PROFILE";
pub const NO_COLOR: &str = "NO_COLOR";
pub const CLICOLOR_FORCE: &str = "CLICOLOR_FORCE";
pub const COLUMNS: &str = "COLUMNS";
/// This tool's own: hints are a convention of this tool, not of the Atlas CLI.
pub const NO_HINTS: &str = "ATLAS_EAR_NO_HINTS";
pub const CA_CERT: &str = "MONGODB_ATLAS_CA_CERT";
/// OpenSSL's names, read by curl and most tools: roots that replace the system store.
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";
pub const SSL_CERT_DIR: &str = "SSL_CERT_DIR";
/// The proxy variables in the order curl reads them (lowercase first). `http_proxy` is left
/// out: it applies only to plain-http targets, which are never proxied.
pub const HTTPS_PROXY_VARS: &[&str] = &["https_proxy", "HTTPS_PROXY"];
pub const ALL_PROXY_VARS: &[&str] = &["all_proxy", "ALL_PROXY"];
pub const NO_PROXY_VARS: &[&str] = &["no_proxy", "NO_PROXY"];

/// Where two names set the same thing, the first one named wins (the Atlas CLI's spelling).
pub const PUBLIC_KEY_VARS: &[&str] = &[PUBLIC_API_KEY, PUBLIC_KEY];
pub const PRIVATE_KEY_VARS: &[&str] = &[PRIVATE_API_KEY, PRIVATE_KEY];
pub const BASE_URL_VARS: &[&str] = &[OPS_MANAGER_URL, BASE_URL];

/// Every variable, in the order the help lists them.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: PUBLIC_API_KEY,
        meaning: "public API key (--public-key)",
    },
    Variable {
        name: PRIVATE_API_KEY,
        meaning: "private API key (--private-key)",
    },
    Variable {
        name: CLIENT_ID,
        meaning: "service account client id (--client-id)",
    },
    Variable {
        name: CLIENT_SECRET,
        meaning: "service account client secret (--client-secret)",
    },
    Variable {
        name: PROJECT_ID,
        meaning: "project id (--project-id)",
    },
    Variable {
        name: OPS_MANAGER_URL,
        meaning: "API host (--base-url)",
    },
    Variable {
        name: BASE_URL,
        meaning: "API host, e.g. http://127.0.0.1:8080 for the emulator",
    },
    Variable {
        name: PROFILE,
        meaning: "Atlas CLI profile to read (--profile)",
    },
    Variable {
        name: CA_CERT,
        meaning: "extra trusted root certificate, a PEM file (--ca-cert)",
    },
    Variable {
        name: SSL_CERT_FILE,
        meaning: "PEM bundle of trusted roots, instead of the system's",
    },
    Variable {
        name: SSL_CERT_DIR,
        meaning: "directories of trusted roots, instead of the system's",
    },
    Variable {
        name: "HTTPS_PROXY",
        meaning: "proxy for https (also https_proxy, ALL_PROXY)",
    },
    Variable {
        name: "NO_PROXY",
        meaning: "hosts that bypass the proxy (also no_proxy)",
    },
    Variable {
        name: NO_COLOR,
        meaning: "if set and not empty: no colour (unless --color always)",
    },
    Variable {
        name: CLICOLOR_FORCE,
        meaning: "if set and not 0: colour even when stdout is not a terminal",
    },
    Variable {
        name: COLUMNS,
        meaning: "width tables fit on a terminal (default: the terminal's)",
    },
    Variable {
        name: NO_HINTS,
        meaning: "if set and not empty or 0: no hints on stderr (--no-hints)",
    },
];

/// The "Environment" block of the top-level help and the manual.
pub fn help_text() -> String {
    let mut text = String::from(
        "Environment (a flag beats its variable; a variable beats the Atlas CLI profile):",
    );
    for variable in VARIABLES {
        text.push_str(&format!("\n  {:<30} {}", variable.name, variable.meaning));
    }
    text.push_str(&format!(
        "\n  The Terraform provider's {PUBLIC_KEY} and {PRIVATE_KEY}\n  work too. Where two names exist, the Atlas CLI's wins: MONGODB_ATLAS_*_API_KEY\n  over MONGODB_ATLAS_*_KEY, {OPS_MANAGER_URL} over {BASE_URL}.\n`atlas-ear config show` prints every resolved setting and where it came from."
    ));
    text
}

/// Every name the tool reads, the Terraform spellings included.
#[cfg(test)]
pub fn is_known(name: &str) -> bool {
    VARIABLES.iter().any(|v| v.name == name) || name == PUBLIC_KEY || name == PRIVATE_KEY
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `MONGODB_ATLAS_*` name that a message, hint or help text of the tool spells out.
    fn names_in(text: &str) -> Vec<&str> {
        text.match_indices("MONGODB_ATLAS_")
            .map(|(start, _)| {
                let rest = &text[start..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                    .unwrap_or(rest.len());
                rest[..end].trim_end_matches('_')
            })
            .collect()
    }

    #[test]
    fn messages_name_only_variables_the_tool_reads() {
        let sources = [
            ("errors.rs", include_str!("../errors.rs")),
            ("cli/mod.rs", include_str!("mod.rs")),
            ("settings/mod.rs", include_str!("../settings/mod.rs")),
            (
                "settings/credentials.rs",
                include_str!("../settings/credentials.rs"),
            ),
            ("http/bearer.rs", include_str!("../http/bearer.rs")),
        ];
        for (file, text) in sources {
            for name in names_in(text) {
                // `MONGODB_ATLAS_*_API_KEY` in the help is a pattern, not a name.
                if name == "MONGODB_ATLAS" {
                    continue;
                }
                assert!(
                    is_known(name),
                    "{file} names {name}, which the tool does not read"
                );
            }
        }
    }

    #[test]
    fn the_readme_documents_every_variable() {
        let readme = include_str!("../../README.md");
        for variable in VARIABLES {
            assert!(
                readme.contains(variable.name),
                "README lacks {}",
                variable.name
            );
        }
    }

    #[test]
    fn help_lists_every_variable_once() {
        let text = help_text();
        for variable in VARIABLES {
            let lines = text
                .lines()
                .filter(|l| l.trim_start().starts_with(variable.name))
                .count();
            assert_eq!(lines, 1, "{}", variable.name);
        }
    }
}
