//! `atlas-ear config show`: every resolved setting, its value and where it came from, so a
//! user can see why a run went where it went, with which credentials, without reading code.
//!
//! Secrets are shown only as a mask. The settings that only a flag can set (provider, output,
//! ...) report `flag` or `default`, from clap's record of the command line taken at parse time.
//! `output/config.rs` prints the rows.

use crate::secret::MASK;
use crate::settings::proxy::{Direct, Route};
use crate::settings::sources::{Source, Sourced, strongest};
use crate::settings::{Credentials, Settings};

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: &'static str,
    pub value: Option<String>,
    pub source: Option<Source>,
    /// A problem or a remark worth reading (an invalid value, a missing profile, ...).
    pub note: Option<String>,
}

impl Row {
    fn new(name: &'static str, value: Option<String>, source: Option<Source>) -> Row {
        Row {
            name,
            value,
            source,
            note: None,
        }
    }

    fn from_part<T>(
        name: &'static str,
        part: Option<&Sourced<T>>,
        shown: impl Fn(&T) -> String,
    ) -> Row {
        Row::new(
            name,
            part.map(|p| shown(&p.value)),
            part.map(|p| p.source.clone()),
        )
    }
}

/// Builds the report from resolved settings.
pub fn rows(settings: &Settings) -> Vec<Row> {
    let mut rows = vec![profile_row(settings)];
    rows.push(Row::new(
        "base_url",
        Some(settings.base_url.as_str().trim_end_matches('/').to_string()),
        Some(settings.provenance.base_url.clone()),
    ));
    let mut project = Row::from_part(
        "project_id",
        settings.provenance.project_id.as_ref(),
        Clone::clone,
    );
    if let Err(e) = settings.project_id_alone() {
        project.note = Some(e.0);
    }
    rows.push(project);
    rows.push(auth_row(settings));
    rows.extend(credential_rows(settings));
    rows.extend(flag_only_rows(settings));
    rows.extend(network_rows(settings));
    rows
}

/// The extra root certificate and the route to the API host (a proxy's credentials masked).
fn network_rows(settings: &Settings) -> Vec<Row> {
    let ca_cert = Row::from_part(
        "ca_cert",
        settings.trust.extra.as_ref().map(|e| &e.path),
        |path| path.display().to_string(),
    );
    let mut proxy = Row::new("proxy", None, None);
    match settings.route() {
        Ok(Route::Proxy(url)) => {
            proxy.value = Some(url.shown().to_string());
            proxy.source = Some(Source::Env(url.variable));
        }
        Ok(Route::Direct(Direct::Excluded(name))) => {
            proxy.note = Some(format!("{name} lists the API host: requests go direct"));
            proxy.source = Some(Source::Env(name));
        }
        Ok(Route::Direct(Direct::NeverProxied(Some(name)))) => {
            proxy.note = Some(format!(
                "{name} is not used for this machine or plain http: requests go direct"
            ));
        }
        Ok(Route::Direct(Direct::NeverProxied(None) | Direct::NoProxySet)) => {}
        Err(e) => proxy.note = Some(e.0),
    }
    vec![ca_cert, proxy]
}

fn profile_row(settings: &Settings) -> Row {
    let p = &settings.provenance;
    let mut profile = Row::new(
        "profile",
        Some(p.profile.name.clone()),
        Some(p.profile.source.clone()),
    );
    profile.note = Some(match (&p.profile_file, p.profile_found) {
        (Some(file), true) => format!("read from {}", file.display()),
        (Some(file), false) => format!("not found in {}; no profile values used", file.display()),
        (None, _) => "no Atlas CLI configuration directory is known".into(),
    });
    profile
}

/// The four credential parts (secrets masked) and the token cache.
fn credential_rows(settings: &Settings) -> Vec<Row> {
    let c = &settings.provenance.credentials;
    vec![
        Row::from_part("public_key", c.public_key.as_ref(), Clone::clone),
        Row::from_part("private_key", c.private_key.as_ref(), |_| MASK.to_string()),
        Row::from_part("client_id", c.client_id.as_ref(), Clone::clone),
        Row::from_part("client_secret", c.client_secret.as_ref(), |_| {
            MASK.to_string()
        }),
        Row::new(
            "token_cache",
            settings
                .token_cache_dir
                .as_ref()
                .map(|d| d.display().to_string()),
            settings.token_cache_dir.as_ref().map(|_| Source::Default),
        ),
    ]
}

/// Settings only a flag can set: `flag` when it was typed, else `default`.
fn flag_only_rows(settings: &Settings) -> Vec<Row> {
    let typed = &settings.provenance.typed_flags;
    let source = |id: &str, flag: &'static str| {
        if typed.iter().any(|t| t == id) {
            Source::Flag(flag)
        } else {
            Source::Default
        }
    };
    let plain: [(&'static str, &'static str, String); 5] = [
        (
            "provider",
            "--provider",
            match settings.providers {
                crate::settings::ProviderChoice::All => "all".to_string(),
                _ => settings.provider.flag_value().to_string(),
            },
        ),
        ("api_version", "--api-version", settings.api_version.clone()),
        ("output", "--output", settings.output.name().to_string()),
        ("retries", "--retries", settings.retries.to_string()),
        (
            "request_timeout",
            "--request-timeout",
            humantime::format_duration(settings.request_timeout).to_string(),
        ),
    ];
    plain
        .into_iter()
        .map(|(name, flag, value)| Row::new(name, Some(value), Some(source(name, flag))))
        .collect()
}

/// Which credential kind will be used, from where; or why none can be.
fn auth_row(settings: &Settings) -> Row {
    let c = &settings.provenance.credentials;
    let best = |a: Option<&Source>, b: Option<&Source>| strongest([a, b]).cloned();
    match settings.credentials() {
        Ok(Credentials::ApiKey { .. }) => Row::new(
            "auth",
            Some("API key".into()),
            best(
                c.public_key.as_ref().map(|s| &s.source),
                c.private_key.as_ref().map(|s| &s.source),
            ),
        ),
        Ok(Credentials::ServiceAccount { .. }) => Row::new(
            "auth",
            Some("service account".into()),
            best(
                c.client_id.as_ref().map(|s| &s.source),
                c.client_secret.as_ref().map(|s| &s.source),
            ),
        ),
        Err(e) => Row {
            note: Some(e.0),
            ..Row::new("auth", None, None)
        },
    }
}
