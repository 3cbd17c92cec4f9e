//! `--dry-run`: the requests a command would send, printed as curl commands in the style of the
//! Atlas documentation instead of being sent.
//!
//! The API layer builds each [`PlannedRequest`]; the same value is either sent through the one
//! `ApiClient` or printed here, so the printed command cannot drift from what would be sent.
//! The keys are always the documentation's `{PUBLIC-KEY}:{PRIVATE-KEY}` placeholders (for a
//! service account `{CLIENT-ID}:{CLIENT-SECRET}` and `{ACCESS-TOKEN}`): a dry run never prints
//! a secret, and works without keys at all.

use crate::api::PlannedRequest;
use crate::settings::{Credentials, Settings};
use anyhow::Result;
use std::io::{self, Write};

/// How the printed commands authenticate: as the configured credentials would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurlAuth {
    /// `--user "{PUBLIC-KEY}:{PRIVATE-KEY}" --digest` (also when no credentials are set).
    Digest,
    /// A token request first, then `Authorization: Bearer {ACCESS-TOKEN}`.
    Bearer,
}

/// What a curl command needs besides the request: where, which API version, which auth.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Scheme, host and optional path prefix, as in `--base-url`.
    pub base_url: &'a str,
    /// The date of `application/vnd.atlas.<date>+json`.
    pub api_version: &'a str,
    pub auth: CurlAuth,
}

/// Said before the token request of a service account.
pub const TOKEN_NOTE: &str = "service account: first get an access token (the \"access_token\" of the answer) for {ACCESS-TOKEN};\natlas-ear reuses a cached token while it is valid, so it may skip this request.";

/// One request as a multi-line curl command, the way the Atlas documentation writes them.
pub fn curl_command(request: &PlannedRequest, target: &Target<'_>) -> String {
    let version = request.api_version.unwrap_or(target.api_version);
    let media_type = crate::http::media_type(version);
    let url = format!(
        "{}{}",
        target.base_url.trim_end_matches('/'),
        request.path_and_query
    );
    let mut lines = vec![
        match target.auth {
            CurlAuth::Digest => r#"curl --user "{PUBLIC-KEY}:{PRIVATE-KEY}" --digest"#.to_string(),
            CurlAuth::Bearer => {
                r#"curl --header "Authorization: Bearer {ACCESS-TOKEN}""#.to_string()
            }
        },
        format!("--header {}", shell_quote(&format!("Accept: {media_type}"))),
    ];
    let body = request.body_text();
    if body.is_some() {
        lines.push(format!(
            "--header {}",
            shell_quote(&format!("Content-Type: {media_type}"))
        ));
    }
    lines.push(format!(
        "--request {} {}",
        request.method.as_str(),
        shell_quote(&url)
    ));
    if let Some(body) = body {
        lines.push(format!("--data {}", single_quoted(&body)));
    }
    lines.join(" \\\n  ")
}

/// The service-account token request, as the client sends it.
pub fn token_command(base_url: &str) -> String {
    let url = format!(
        "{}{}",
        base_url.trim_end_matches('/'),
        crate::auth::token::TOKEN_PATH
    );
    [
        r#"curl --user "{CLIENT-ID}:{CLIENT-SECRET}""#.to_string(),
        r#"--header "Accept: application/json""#.to_string(),
        r#"--header "Content-Type: application/x-www-form-urlencoded""#.to_string(),
        format!("--request POST {}", shell_quote(&url)),
        "--data 'grant_type=client_credentials'".to_string(),
    ]
    .join(" \\\n  ")
}

/// Prints each request (with an optional comment before it) for `--dry-run`; with a service
/// account, the token request comes first.
pub fn print(
    out: &mut impl Write,
    requests: &[PlannedRequest],
    target: &Target<'_>,
    note: Option<&str>,
) -> io::Result<()> {
    let comment = |out: &mut dyn Write, text: &str| -> io::Result<()> {
        for line in text.lines() {
            writeln!(out, "# {line}")?;
        }
        Ok(())
    };
    if target.auth == CurlAuth::Bearer && !requests.is_empty() {
        comment(out, TOKEN_NOTE)?;
        writeln!(out, "{}", token_command(target.base_url))?;
    }
    if let Some(note) = note {
        comment(out, note)?;
    }
    for request in requests {
        writeln!(out, "{}", curl_command(request, target))?;
    }
    Ok(())
}

/// `--dry-run` of a command: its requests as curl commands on stdout, authenticated as the
/// configured credentials would be (digest placeholders when none are configured).
pub fn print_for(
    settings: &Settings,
    requests: &[PlannedRequest],
    note: Option<&str>,
) -> Result<()> {
    let auth = match settings.credentials() {
        Ok(Credentials::ServiceAccount { .. }) => CurlAuth::Bearer,
        _ => CurlAuth::Digest,
    };
    let target = Target {
        base_url: settings.base_url.as_str(),
        api_version: &settings.api_version,
        auth,
    };
    print(&mut io::stdout().lock(), requests, &target, note)?;
    Ok(())
}

/// Double quotes like the documentation when nothing in the text is special inside them;
/// otherwise single quotes, which keep everything literal.
fn shell_quote(text: &str) -> String {
    if text.contains(['"', '$', '`', '\\', '!']) {
        single_quoted(text)
    } else {
        format!("\"{text}\"")
    }
}

fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;
    use serde_json::json;

    const TARGET: Target<'static> = Target {
        base_url: "https://cloud.mongodb.com",
        api_version: "2023-01-01",
        auth: CurlAuth::Digest,
    };

    #[test]
    fn post_looks_like_the_documentation() {
        let request = PlannedRequest::new(
            Method::POST,
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/encryptionAtRest/AWS/privateEndpoints",
        )
        .with_body(json!({"regionName": "US_EAST_1"}));
        assert_eq!(
            curl_command(&request, &TARGET),
            r#"curl --user "{PUBLIC-KEY}:{PRIVATE-KEY}" --digest \
  --header "Accept: application/vnd.atlas.2023-01-01+json" \
  --header "Content-Type: application/vnd.atlas.2023-01-01+json" \
  --request POST "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/encryptionAtRest/AWS/privateEndpoints" \
  --data '{"regionName":"US_EAST_1"}'"#
        );
    }

    #[test]
    fn get_has_no_body_or_content_type() {
        let request =
            PlannedRequest::new(Method::GET, "/api/atlas/v2/x?pageNum=1&itemsPerPage=500");
        let text = curl_command(
            &request,
            &Target {
                base_url: "http://127.0.0.1:8080/",
                api_version: "2024-11-13",
                auth: CurlAuth::Digest,
            },
        );
        assert!(!text.contains("Content-Type"));
        assert!(!text.contains("--data"));
        assert!(text.contains(
            r#"--request GET "http://127.0.0.1:8080/api/atlas/v2/x?pageNum=1&itemsPerPage=500""#
        ));
        assert!(text.contains("vnd.atlas.2024-11-13+json"));
    }

    #[test]
    fn a_pinned_operation_keeps_its_version() {
        let request = PlannedRequest::new(Method::PATCH, "/api/atlas/v2/groups/g/encryptionAtRest")
            .with_body(json!({"awsKms": {"requirePrivateNetworking": true}}))
            .with_api_version("2023-01-01");
        let target = Target {
            api_version: "2024-11-13",
            ..TARGET
        };
        let text = curl_command(&request, &target);
        assert!(text.contains(r#"--header "Accept: application/vnd.atlas.2023-01-01+json""#));
        assert!(text.contains(r#"--header "Content-Type: application/vnd.atlas.2023-01-01+json""#));
        assert!(!text.contains("2024-11-13"), "{text}");
    }

    #[test]
    fn service_accounts_get_a_token_first() {
        let target = Target {
            auth: CurlAuth::Bearer,
            ..TARGET
        };
        let mut out = Vec::new();
        let request = PlannedRequest::new(Method::GET, "/api/atlas/v2/z");
        print(&mut out, &[request], &target, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let token = text
            .find("--request POST \"https://cloud.mongodb.com/api/oauth/token\"")
            .unwrap();
        let call = text
            .find(r#"curl --header "Authorization: Bearer {ACCESS-TOKEN}""#)
            .unwrap();
        assert!(token < call, "{text}");
        assert!(text.starts_with("# service account"), "{text}");
        assert!(text.contains("--data 'grant_type=client_credentials'"));
        assert!(!text.contains("{PRIVATE-KEY}"));
    }

    #[test]
    fn quoting_keeps_special_characters_literal() {
        assert_eq!(shell_quote("a b"), "\"a b\"");
        assert_eq!(shell_quote("a$b"), "'a$b'");
        assert_eq!(single_quoted("it's"), r"'it'\''s'");
    }

    #[test]
    fn comment_lines_come_first() {
        let mut out = Vec::new();
        let request = PlannedRequest::new(Method::DELETE, "/api/atlas/v2/y");
        print(&mut out, &[request], &TARGET, Some("one\ntwo")).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("# one\n# two\ncurl "), "{text}");
        assert!(text.ends_with("\"https://cloud.mongodb.com/api/atlas/v2/y\"\n"));
    }
}
