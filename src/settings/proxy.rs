//! Whether requests go through a proxy, decided the way curl decides it, from the environment.
//!
//! For an `https://` target: `https_proxy`, else `HTTPS_PROXY`, else `all_proxy`, else
//! `ALL_PROXY` (curl reads the lowercase name first); `no_proxy`, else `NO_PROXY`, lists hosts
//! that go direct (`no_proxy.rs` matches them). Two rules come before all of that: a target on this machine never goes
//! through a proxy (curl does the same), and neither does plain http, whose digest answers and
//! client secret a proxy could read (plain http is only allowed to this machine anyway, so
//! `http_proxy` never applies). Every request of a run goes to its base URL's host (redirects
//! are refused), so one decision per run covers them all.
//!
//! The proxy URL can carry `user:password@`; it is kept in a [`Secret`] and shown only with
//! its credentials masked.

use crate::cli::environment::{ALL_PROXY_VARS, HTTPS_PROXY_VARS, NO_PROXY_VARS};
use crate::errors::UsageError;
use crate::escape::printable_snippet;
use crate::secret::{MASK, Secret};
use crate::settings::no_proxy;
use crate::settings::sources::Env;
use reqwest::Url;
use std::fmt;

/// curl's port for a proxy URL that names none.
const DEFAULT_HTTP_PROXY_PORT: u16 = 1080;

/// How the requests of this run reach the API host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight to the host, and why.
    Direct(Direct),
    Proxy(ProxyUrl),
}

/// Why no proxy is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direct {
    /// The base URL is on this machine, or plain http; with the proxy variable that is set
    /// (and ignored), if any.
    NeverProxied(Option<&'static str>),
    /// No proxy variable is set.
    NoProxySet,
    /// `no_proxy` / `NO_PROXY` (the name that was read) lists the host.
    Excluded(&'static str),
}

/// A proxy URL and the variable it came from; the URL may hold credentials, so it is never
/// shown whole.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    full: Secret,
    shown: String,
    pub variable: &'static str,
    pub has_credentials: bool,
}

impl ProxyUrl {
    /// The URL with its credentials, for the HTTP client and nothing else.
    pub fn expose(&self) -> &str {
        self.full.expose()
    }

    /// `scheme://host:port`, with `********@` where credentials were given.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({} from {})", self.shown, self.variable)
    }
}

impl Route {
    /// One line for `-v`, or nothing when no proxy variable played a part.
    pub fn describe(&self, host: &str) -> Option<String> {
        match self {
            Route::Direct(Direct::Excluded(name)) => {
                Some(format!("no proxy for {host}: {name} lists it"))
            }
            Route::Direct(_) => None,
            Route::Proxy(proxy) => Some(format!(
                "through the proxy {} (from {})",
                proxy.shown(),
                proxy.variable
            )),
        }
    }
}

/// The route to `target` under the proxy variables of `env`.
pub fn route(env: &Env, target: &Url) -> Result<Route, UsageError> {
    if !may_use_a_proxy(target) {
        let ignored = [HTTPS_PROXY_VARS, ALL_PROXY_VARS]
            .into_iter()
            .find_map(|names| first_set(env, names).ok().flatten());
        return Ok(Route::Direct(Direct::NeverProxied(
            ignored.map(|(variable, _)| variable),
        )));
    }
    // ALL_PROXY is read only when no https proxy is set, as curl does: an unreadable ALL_PROXY
    // must not fail a run that would never use it.
    let https_proxy = first_set(env, HTTPS_PROXY_VARS)?;
    let chosen = match https_proxy {
        Some(found) => Some(found),
        None => first_set(env, ALL_PROXY_VARS)?,
    };
    let Some((variable, value)) = chosen else {
        return Ok(Route::Direct(Direct::NoProxySet));
    };
    if let Some((name, list)) = first_set(env, NO_PROXY_VARS)?
        && no_proxy::excluded(&list, target)
    {
        return Ok(Route::Direct(Direct::Excluded(name)));
    }
    Ok(Route::Proxy(parse_proxy_url(&value, variable)?))
}

/// Never for this machine, as curl does; and never for plain http, whose requests carry the
/// client secret (HTTP Basic, in the token request) or digest answers in clear for any proxy to
/// read. https to another host may: a proxy only tunnels TLS it cannot read.
pub fn may_use_a_proxy(target: &Url) -> bool {
    target.scheme() == "https" && !crate::settings::is_loopback(target)
}

fn first_set(
    env: &Env,
    names: &[&'static str],
) -> Result<Option<(&'static str, String)>, UsageError> {
    for name in names {
        if let Some(value) = env.text(name)? {
            return Ok(Some((name, value)));
        }
    }
    Ok(None)
}

/// `[scheme://][user[:password]@]host[:port][/]`, as curl reads it: no scheme means http, no
/// port means 1080 for http (443 for https). Anything else is a usage error naming the
/// variable and showing the value without its credentials.
fn parse_proxy_url(value: &str, variable: &'static str) -> Result<ProxyUrl, UsageError> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let refuse = |why: &str| {
        UsageError(format!(
            "{variable}: {why}; expected a proxy URL like http://proxy.example.com:3128 or http://user:password@proxy.example.com:3128 (got '{}')",
            masked_text(value)
        ))
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| refuse(&e.to_string()))?;
    match url.scheme() {
        "http" => {
            // The url crate drops a port equal to the scheme's default, so `:80` is looked for
            // in the text itself.
            if url.port().is_none() && !names_a_port(&with_scheme) {
                // Only fails for URLs without a host, refused just below.
                let _ = url.set_port(Some(DEFAULT_HTTP_PROXY_PORT));
            }
        }
        "https" => {}
        other => {
            return Err(refuse(&format!(
                "the proxy scheme '{other}' is not supported (http and https are)"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("no host"));
    }
    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let mut shown = url.clone();
    let _ = shown.set_password(None);
    let _ = shown.set_username(if has_credentials { MASK } else { "" });
    Ok(ProxyUrl {
        full: Secret::new(url.as_str().trim_end_matches('/')),
        shown: shown.as_str().trim_end_matches('/').to_string(),
        variable,
        has_credentials,
    })
}

/// Whether the authority of `scheme://authority/...` ends with `:PORT`.
fn names_a_port(with_scheme: &str) -> bool {
    let after_scheme = with_scheme
        .find("://")
        .map_or(with_scheme, |i| &with_scheme[i + 3..]);
    let authority = after_scheme.split('/').next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let host_end = host_port.rfind(']').map_or(0, |i| i + 1);
    host_port[host_end..]
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

/// A proxy value that could not be parsed, with anything between `://` and `@` masked.
fn masked_text(value: &str) -> String {
    let after_scheme = value.find("://").map_or(0, |i| i + 3);
    let masked = match value[after_scheme..].rfind('@') {
        Some(at) => format!(
            "{}{MASK}{}",
            &value[..after_scheme],
            &value[after_scheme + at..]
        ),
        None => value.to_string(),
    };
    printable_snippet(masked.as_bytes(), 120)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn route_for(target: &str, pairs: &[(&str, &str)]) -> Route {
        route(&Env::from_pairs(pairs.iter().copied()), &url(target)).unwrap()
    }

    #[test]
    fn proxies_only_for_https_to_other_hosts() {
        let allowed = |text: &str| may_use_a_proxy(&url(text));
        assert!(allowed("https://cloud.mongodb.com"));
        assert!(allowed("https://10.0.0.1:8443/atlas"));
        for text in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10:1",
            "http://localhost:1",
            "http://LOCALHOST:1",
            "http://[::1]:1",
            "https://localhost:8443",
            "https://127.0.0.1",
            "https://[::1]",
            "http://cloud.mongodb.com",
        ] {
            assert!(!allowed(text), "{text}");
        }
    }

    /// curl never reads ALL_PROXY when an https proxy is set, so one it could not read must not
    /// stop the run either.
    #[cfg(unix)]
    #[test]
    fn an_unreadable_all_proxy_is_not_read_when_an_https_proxy_is_set() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let not_utf8 = OsString::from_vec(vec![b'h', 0xff, b'p']);
        let env = Env::from_os_pairs([
            (
                OsString::from("HTTPS_PROXY"),
                OsString::from("http://proxy:3128"),
            ),
            (OsString::from("ALL_PROXY"), not_utf8.clone()),
        ]);
        let target = url("https://cloud.mongodb.com");
        assert!(matches!(route(&env, &target), Ok(Route::Proxy(_))));
        // Alone, it is still an error that names the variable.
        let env = Env::from_os_pairs([(OsString::from("ALL_PROXY"), not_utf8)]);
        assert!(route(&env, &target).is_err());
    }

    #[test]
    fn lowercase_names_come_first_and_https_proxy_beats_all_proxy() {
        let pairs = [
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
            ("ALL_PROXY", "http://all:3"),
        ];
        let Route::Proxy(proxy) = route_for("https://cloud.mongodb.com", &pairs) else {
            panic!("a proxy is set");
        };
        assert_eq!(
            (proxy.expose(), proxy.variable),
            ("http://lower:2", "https_proxy")
        );
        let Route::Proxy(proxy) = route_for(
            "https://cloud.mongodb.com",
            &[("all_proxy", "http://all:3")],
        ) else {
            panic!("all_proxy is set");
        };
        assert_eq!(proxy.variable, "all_proxy");
        assert_eq!(
            route_for("https://cloud.mongodb.com", &[("HTTP_PROXY", "http://h:1")]),
            Route::Direct(Direct::NoProxySet),
            "http_proxy is for http:// targets only"
        );
        assert_eq!(
            route_for("https://localhost:8443", &pairs),
            Route::Direct(Direct::NeverProxied(Some("https_proxy")))
        );
    }

    #[test]
    fn a_proxy_url_is_read_like_curl_and_shown_without_credentials() {
        let read = |value: &str| parse_proxy_url(value, "HTTPS_PROXY").unwrap();
        let plain = read("proxy.corp:3128");
        assert_eq!(plain.expose(), "http://proxy.corp:3128");
        assert!(!plain.has_credentials);
        assert_eq!(read("http://proxy.corp").expose(), "http://proxy.corp:1080");
        assert_eq!(read("http://proxy.corp:80").expose(), "http://proxy.corp");
        assert_eq!(
            read("http://[2001:db8::2]").expose(),
            "http://[2001:db8::2]:1080"
        );
        assert_eq!(read("https://proxy.corp/").expose(), "https://proxy.corp");
        let secret = read("http://alice:pa%40ss-sentinel@proxy.corp:8080");
        assert_eq!(
            secret.expose(),
            "http://alice:pa%40ss-sentinel@proxy.corp:8080"
        );
        assert_eq!(secret.shown(), "http://********@proxy.corp:8080");
        let printed = format!(
            "{secret:?} {}",
            Route::Proxy(secret.clone()).describe("h").unwrap()
        );
        assert!(
            !printed.contains("sentinel") && !printed.contains("alice"),
            "{printed}"
        );
    }

    #[test]
    fn a_bad_proxy_url_names_the_variable_and_hides_the_password() {
        let error = parse_proxy_url("socks5://bob:hunter2-sentinel@proxy:1080", "ALL_PROXY")
            .unwrap_err()
            .0;
        assert!(
            error.starts_with("ALL_PROXY: the proxy scheme 'socks5'"),
            "{error}"
        );
        assert!(
            !error.contains("hunter2") && !error.contains("bob"),
            "{error}"
        );
        assert!(error.contains("'socks5://********@proxy:1080'"), "{error}");
        let error = parse_proxy_url("http://bob:pw-sentinel@", "https_proxy")
            .unwrap_err()
            .0;
        assert!(!error.contains("pw-sentinel"), "{error}");
    }

    #[test]
    fn no_proxy_keeps_a_target_off_the_proxy() {
        let pairs = [
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("no_proxy", "mongodb.com"),
            ("NO_PROXY", "other.org"),
        ];
        assert_eq!(
            route_for("https://cloud.mongodb.com", &pairs),
            Route::Direct(Direct::Excluded("no_proxy"))
        );
        let broken = [("HTTPS_PROXY", "socks5://x"), ("NO_PROXY", "*")];
        assert_eq!(
            route_for("https://cloud.mongodb.com", &broken),
            Route::Direct(Direct::Excluded("NO_PROXY")),
            "an excluded host never reads the proxy value"
        );
    }
}
