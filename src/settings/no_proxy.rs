//! `no_proxy` / `NO_PROXY`: which hosts go direct, by curl's rules (with ports as Go tools add
//! them). Kept apart from `proxy.rs` so the matching rules and their cases read on their own.

use reqwest::Url;
use std::net::IpAddr;

/// Whether the `no_proxy` list names the target, by curl's rules: entries are separated by
/// commas or blanks; `*` matches every host; a name matches itself and every host under it
/// (`example.com` and `.example.com` both match `api.example.com`, not `badexample.com`),
/// ignoring case and a trailing dot; an IP address matches itself, and `10.0.0.0/8` style
/// entries match their range. Beyond curl, an entry with a port (`host:8443`, `[::1]:443`)
/// matches only that port, as Go tools such as the Atlas CLI read it.
pub fn excluded(list: &str, target: &Url) -> bool {
    let Some(host) = target.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = target.port_or_known_default();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|entry| !entry.is_empty())
        .any(|entry| entry_matches(entry, host, port))
}

fn entry_matches(entry: &str, host: &str, port: Option<u16>) -> bool {
    if entry == "*" {
        return true;
    }
    let (pattern, wanted_port) = split_port(entry);
    if wanted_port.is_some() && wanted_port != port {
        return false;
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip_matches(pattern, ip);
    }
    let pattern = pattern.trim_end_matches('.').trim_start_matches('.');
    let host = host.trim_end_matches('.');
    if pattern.is_empty() || pattern.len() > host.len() {
        return false;
    }
    let tail = &host[host.len() - pattern.len()..];
    tail.eq_ignore_ascii_case(pattern)
        && (host.len() == pattern.len() || host.as_bytes()[host.len() - pattern.len() - 1] == b'.')
}

/// `host:port`, `[v6]:port` or `[v6]` into the pattern and its port. A bare IPv6 address (more
/// than one colon) has no port.
fn split_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((address, tail)) => (address, tail.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (rest, None),
        };
    }
    match entry.rsplit_once(':') {
        Some((pattern, port)) if !pattern.contains(':') => match port.parse() {
            Ok(port) => (pattern, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

/// An address or `address/bits` entry against an IP host.
fn ip_matches(pattern: &str, ip: IpAddr) -> bool {
    let (address, bits) = match pattern.split_once('/') {
        Some((address, bits)) => match bits.parse::<u32>() {
            Ok(bits) => (address, Some(bits)),
            Err(_) => return false,
        },
        None => (pattern, None),
    };
    let Ok(network) = address.parse::<IpAddr>() else {
        return false;
    };
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            prefix_equal(&ip.octets(), &net.octets(), bits.unwrap_or(32))
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            prefix_equal(&ip.octets(), &net.octets(), bits.unwrap_or(128))
        }
        _ => false,
    }
}

/// Whether the first `bits` bits of two addresses agree (a prefix longer than the address never
/// matches).
fn prefix_equal(a: &[u8], b: &[u8], bits: u32) -> bool {
    let Ok(bits) = usize::try_from(bits) else {
        return false;
    };
    if bits > a.len() * 8 {
        return false;
    }
    let (whole, rest) = (bits / 8, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn no_proxy_follows_curls_host_rules() {
        let target = url("https://api.example.com");
        for list in [
            "example.com",
            ".example.com",
            "EXAMPLE.COM.",
            "other.org, example.com",
            "other.org example.com",
            "*",
            "api.example.com",
        ] {
            assert!(excluded(list, &target), "{list}");
        }
        for list in [
            "badexample.com",
            "ample.com",
            "other.org",
            "",
            "api.example.com.au",
        ] {
            assert!(!excluded(list, &target), "{list}");
        }
        assert!(excluded("example.com", &url("https://example.com.")));
    }

    #[test]
    fn no_proxy_entries_with_a_port_match_only_that_port() {
        assert!(excluded("example.com:443", &url("https://api.example.com")));
        assert!(!excluded(
            "example.com:8443",
            &url("https://api.example.com")
        ));
        assert!(excluded(
            "example.com:8443",
            &url("https://api.example.com:8443")
        ));
        assert!(excluded("[2001:db8::1]:443", &url("https://[2001:db8::1]")));
        assert!(!excluded(
            "[2001:db8::1]:444",
            &url("https://[2001:db8::1]")
        ));
    }

    #[test]
    fn no_proxy_matches_addresses_and_ranges() {
        let v4 = url("https://10.1.2.3:8443");
        assert!(excluded("10.1.2.3", &v4));
        assert!(excluded("10.0.0.0/8", &v4));
        assert!(excluded("10.1.2.0/23", &v4));
        assert!(!excluded("10.1.4.0/24", &v4));
        assert!(!excluded("10.0.0.0/40", &v4));
        assert!(!excluded("10.1.2", &v4), "no partial addresses");
        let v6 = url("https://[2001:db8::1]");
        assert!(excluded("2001:db8::/32", &v6));
        assert!(!excluded("2001:db9::/32", &v6));
        assert!(!excluded("10.0.0.0/8", &v6));
    }
}
