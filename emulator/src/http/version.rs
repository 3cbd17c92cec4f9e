//! Version negotiation: which `Accept` and `Content-Type` values resolve to the only version the four
//! operations have (2023-01-01). Dates are compared as civil dates in UTC, computed here from
//! `SystemTime` so no date crate is needed.

use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date, ordered the way dates are.
pub(crate) type CivilDate = (i64, u32, u32);

/// The one version these operations declare.
pub(crate) const ONLY_VERSION: CivilDate = (2023, 1, 1);

/// Why a media type did not resolve to a version.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum VersionError {
    /// No versioned media type at all (missing header, `*/*`, `application/json`, a preview type...).
    Missing,
    /// Looks versioned but the date is not a real `YYYY-MM-DD` date.
    Malformed(String),
    /// A real date before the first version.
    TooEarly(String),
    /// A real date after today.
    Future(String),
}

impl VersionError {
    pub fn describe(&self) -> String {
        match self {
            VersionError::Missing => {
                "The Accept header must name a version, like application/vnd.atlas.2023-01-01+json."
                    .to_string()
            }
            VersionError::Malformed(v) => {
                format!("The version {v:?} is not a valid YYYY-MM-DD date.")
            }
            VersionError::TooEarly(v) => {
                format!(
                    "No version of this resource exists on or before {v}; the first is 2023-01-01."
                )
            }
            VersionError::Future(v) => format!("The version {v} is in the future."),
        }
    }
}

/// Resolves an `Accept` header. Several comma-separated types are allowed; the first versioned one
/// decides. Anything else (no header, only `*/*`) is `Missing`.
pub(crate) fn resolve_accept(
    accept: Option<&str>,
    today: CivilDate,
) -> Result<CivilDate, VersionError> {
    resolve_accept_among(accept, today, &[ONLY_VERSION])
}

/// [`resolve_accept`] for a resource with several versions (oldest first): a date resolves to
/// the latest version on or before it.
pub(crate) fn resolve_accept_among(
    accept: Option<&str>,
    today: CivilDate,
    versions: &[CivilDate],
) -> Result<CivilDate, VersionError> {
    let accept = accept.ok_or(VersionError::Missing)?;
    let versioned = accept
        .split(',')
        .map(media_type_essence)
        .find(|essence| essence.starts_with("application/vnd.atlas."));
    match versioned {
        Some(essence) => resolve_versioned(&essence, today, versions),
        None => Err(VersionError::Missing),
    }
}

/// Checks a request body's `Content-Type`: `application/json`, or a versioned type that resolves.
pub(crate) fn content_type_is_accepted(content_type: Option<&str>, today: CivilDate) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let essence = media_type_essence(content_type);
    essence == "application/json" || resolve_versioned(&essence, today, &[ONLY_VERSION]).is_ok()
}

/// The media type without parameters, lower-cased (`Application/JSON; charset=x` -> `application/json`).
fn media_type_essence(media_type: &str) -> String {
    let essence = media_type.split(';').next().unwrap_or("");
    essence.trim().to_ascii_lowercase()
}

fn resolve_versioned(
    essence: &str,
    today: CivilDate,
    versions: &[CivilDate],
) -> Result<CivilDate, VersionError> {
    let date_text = essence
        .strip_prefix("application/vnd.atlas.")
        .and_then(|rest| rest.strip_suffix("+json"))
        .ok_or(VersionError::Missing)?;
    let date =
        parse_date(date_text).ok_or_else(|| VersionError::Malformed(date_text.to_string()))?;
    let resolved = versions.iter().rev().find(|version| **version <= date);
    match resolved {
        None => Err(VersionError::TooEarly(date_text.to_string())),
        Some(_) if date > today => Err(VersionError::Future(date_text.to_string())),
        Some(version) => Ok(*version),
    }
}

/// Parses exactly `YYYY-MM-DD` (four, two and two ASCII digits) naming a real day.
pub(crate) fn parse_date(text: &str) -> Option<CivilDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year: i64 = text[0..4].parse().ok()?;
    let month: u32 = text[5..7].parse().ok()?;
    let day: u32 = text[8..10].parse().ok()?;
    let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    valid.then_some((year, month, day))
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today's date in UTC.
pub(crate) fn today_utc() -> CivilDate {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    date_from_unix_days(days)
}

/// Converts days since 1970-01-01 to a civil date, walking whole 400-year eras (146 097 days each)
/// and then years that start on March 1st so the leap day falls at the end of a year.
pub(crate) fn date_from_unix_days(days: i64) -> CivilDate {
    // Shift the origin to 0000-03-01.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: CivilDate = (2026, 9, 1);

    #[test]
    fn a_date_resolves_to_the_latest_version_on_or_before_it() {
        let versions = [(2023, 1, 1), (2023, 2, 1), (2024, 8, 5)];
        let resolve = |date: &str| {
            let accept = format!("application/vnd.atlas.{date}+json");
            resolve_accept_among(Some(&accept), TODAY, &versions)
        };
        assert_eq!(resolve("2024-01-01"), Ok((2023, 2, 1)));
        assert_eq!(resolve("2024-08-05"), Ok((2024, 8, 5)));
        assert_eq!(resolve("2025-03-12"), Ok((2024, 8, 5)));
        assert!(matches!(
            resolve("2022-12-31"),
            Err(VersionError::TooEarly(_))
        ));
        assert!(matches!(
            resolve("2027-01-01"),
            Err(VersionError::Future(_))
        ));
    }

    #[test]
    fn unix_days_convert_to_dates() {
        assert_eq!(date_from_unix_days(0), (1970, 1, 1));
        assert_eq!(date_from_unix_days(-1), (1969, 12, 31));
        assert_eq!(date_from_unix_days(11_016), (2000, 2, 29));
        assert_eq!(date_from_unix_days(19_358), (2023, 1, 1));
        assert_eq!(date_from_unix_days(20_513), (2026, 3, 1));
        assert_eq!(date_from_unix_days(47_481), (2099, 12, 31));
    }

    #[test]
    fn dates_are_parsed_strictly() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        assert_eq!(parse_date("2023-04-31"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("2023-1-01"), None);
        assert_eq!(parse_date("2023-01-01 "), None);
        assert_eq!(parse_date("+023-01-01"), None);
    }

    #[test]
    fn accept_resolution() {
        let ok = |a: &str| resolve_accept(Some(a), TODAY);
        assert_eq!(
            ok("application/vnd.atlas.2023-01-01+json"),
            Ok(ONLY_VERSION)
        );
        assert_eq!(
            ok("application/vnd.atlas.2026-09-01+json"),
            Ok(ONLY_VERSION)
        );
        assert_eq!(
            ok("*/*, application/vnd.atlas.2024-11-13+json;q=0.9"),
            Ok(ONLY_VERSION)
        );
        assert!(matches!(
            ok("application/vnd.atlas.2026-09-02+json"),
            Err(VersionError::Future(_))
        ));
        assert!(matches!(
            ok("application/vnd.atlas.2022-12-31+json"),
            Err(VersionError::TooEarly(_))
        ));
        assert!(matches!(
            ok("application/vnd.atlas.2023-02-30+json"),
            Err(VersionError::Malformed(_))
        ));
        assert!(matches!(
            ok("application/vnd.atlas.preview+json"),
            Err(VersionError::Malformed(_))
        ));
        assert_eq!(ok("application/json"), Err(VersionError::Missing));
        assert_eq!(resolve_accept(None, TODAY), Err(VersionError::Missing));
    }

    #[test]
    fn content_types() {
        assert!(content_type_is_accepted(Some("application/json"), TODAY));
        assert!(content_type_is_accepted(
            Some("application/json; charset=utf-8"),
            TODAY
        ));
        assert!(content_type_is_accepted(
            Some("application/vnd.atlas.2023-01-01+json"),
            TODAY
        ));
        assert!(!content_type_is_accepted(Some("text/plain"), TODAY));
        assert!(!content_type_is_accepted(
            Some("application/x-www-form-urlencoded"),
            TODAY
        ));
        assert!(!content_type_is_accepted(None, TODAY));
    }
}
