//! Cloud providers and the regions Atlas accepts for encryption-at-rest private endpoints.
//!
//! The lists are the official spec's `regionName` enums (see the README's design notes). They
//! let the tool reject a typo before any request is sent and suggest what was meant; Atlas adds
//! regions over time, which is why `--allow-unknown-region` exists. Azure's own spellings
//! (`westeurope`, `East US 2`) are read too (`azure_names.rs`), and a region of the other
//! provider is named as such rather than answered with near-spellings.

mod azure_names;

pub use azure_names::{AZURE_NAMES, atlas_name_of_azure};

use std::fmt;

/// The `cloudProvider` path segment. Atlas spells it in upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Provider {
    Aws,
    Azure,
}

impl Provider {
    /// The value Atlas uses in paths and bodies.
    pub fn as_api_str(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Azure => "AZURE",
        }
    }

    /// The other one: where a region or an endpoint may be found when it is not under this one.
    pub fn other(self) -> Provider {
        match self {
            Provider::Aws => Provider::Azure,
            Provider::Azure => Provider::Aws,
        }
    }

    /// The `--provider` value that selects it.
    pub fn flag_value(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
        }
    }

    /// Every region the official spec lists for this provider.
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Provider::Aws => AWS_REGIONS,
            Provider::Azure => AZURE_REGIONS,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api_str())
    }
}

pub const AWS_REGIONS: &[&str] = &[
    "US_GOV_WEST_1",
    "US_GOV_EAST_1",
    "US_EAST_1",
    "US_EAST_2",
    "US_WEST_1",
    "US_WEST_2",
    "CA_CENTRAL_1",
    "EU_NORTH_1",
    "EU_WEST_1",
    "EU_WEST_2",
    "EU_WEST_3",
    "EU_CENTRAL_1",
    "EU_CENTRAL_2",
    "AP_EAST_1",
    "AP_EAST_2",
    "AP_NORTHEAST_1",
    "AP_NORTHEAST_2",
    "AP_NORTHEAST_3",
    "AP_SOUTHEAST_1",
    "AP_SOUTHEAST_2",
    "AP_SOUTHEAST_3",
    "AP_SOUTHEAST_4",
    "AP_SOUTHEAST_5",
    "AP_SOUTHEAST_6",
    "AP_SOUTHEAST_7",
    "AP_SOUTH_1",
    "AP_SOUTH_2",
    "SA_EAST_1",
    "CN_NORTH_1",
    "CN_NORTHWEST_1",
    "ME_SOUTH_1",
    "ME_CENTRAL_1",
    "AF_SOUTH_1",
    "EU_SOUTH_1",
    "EU_SOUTH_2",
    "IL_CENTRAL_1",
    "CA_WEST_1",
    "MX_CENTRAL_1",
    "GLOBAL",
];

pub const AZURE_REGIONS: &[&str] = &[
    "US_CENTRAL",
    "US_EAST",
    "US_EAST_2",
    "US_NORTH_CENTRAL",
    "US_WEST",
    "US_SOUTH_CENTRAL",
    "EUROPE_NORTH",
    "EUROPE_WEST",
    "US_WEST_CENTRAL",
    "US_WEST_2",
    "US_WEST_3",
    "CANADA_EAST",
    "CANADA_CENTRAL",
    "BRAZIL_SOUTH",
    "BRAZIL_SOUTHEAST",
    "AUSTRALIA_CENTRAL",
    "AUSTRALIA_CENTRAL_2",
    "AUSTRALIA_EAST",
    "AUSTRALIA_SOUTH_EAST",
    "GERMANY_WEST_CENTRAL",
    "GERMANY_NORTH",
    "SWEDEN_CENTRAL",
    "SWEDEN_SOUTH",
    "SWITZERLAND_NORTH",
    "SWITZERLAND_WEST",
    "UK_SOUTH",
    "UK_WEST",
    "NORWAY_EAST",
    "NORWAY_WEST",
    "INDIA_CENTRAL",
    "INDIA_SOUTH",
    "INDIA_WEST",
    "CHINA_EAST",
    "CHINA_NORTH",
    "ASIA_EAST",
    "JAPAN_EAST",
    "JAPAN_WEST",
    "ASIA_SOUTH_EAST",
    "KOREA_CENTRAL",
    "KOREA_SOUTH",
    "FRANCE_CENTRAL",
    "FRANCE_SOUTH",
    "SOUTH_AFRICA_NORTH",
    "SOUTH_AFRICA_WEST",
    "UAE_CENTRAL",
    "UAE_NORTH",
    "QATAR_CENTRAL",
    "POLAND_CENTRAL",
    "ISRAEL_CENTRAL",
    "ITALY_NORTH",
    "SPAIN_CENTRAL",
    "MEXICO_CENTRAL",
    "NEW_ZEALAND_NORTH",
    "US_GOV_VIRGINIA",
    "US_GOV_ARIZONA",
    "US_GOV_TEXAS",
];

/// Reads a region the way people type it: `us-east-1`, `Us_East_1` and ` US_EAST_1 ` all mean
/// `US_EAST_1`. Anything that is not letters, digits, `-` or `_` is kept, so validation can name it.
pub fn normalize_region(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// A region that is not in the provider's list: either a region of the other provider (named
/// as such, with no near-spellings), or the closest names from this provider's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRegion {
    pub region: String,
    pub provider: Provider,
    pub suggestions: Vec<&'static str>,
    /// The provider this region belongs to instead, and its Atlas name there.
    pub belongs_to: Option<(Provider, &'static str)>,
}

impl UnknownRegion {
    /// "EU_WEST_1 is an AWS region", or "'westeurope' is an AZURE region (EUROPE_WEST)".
    pub fn other_provider_words(&self) -> Option<String> {
        let (other, atlas) = self.belongs_to?;
        Some(if atlas == self.region {
            format!("{atlas} is an {other} region, not an {} one", self.provider)
        } else {
            format!(
                "'{}' is an {other} region ({atlas} in Atlas), not an {} one",
                self.region, self.provider
            )
        })
    }
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(words), Some((other, _))) = (self.other_provider_words(), self.belongs_to) {
            return write!(
                f,
                "--region {words}; did you mean --provider {}?",
                other.flag_value()
            );
        }
        write!(
            f,
            "unknown {} region '{}' for --region",
            self.provider, self.region
        )?;
        if !self.suggestions.is_empty() {
            write!(f, "; did you mean {}?", self.suggestions.join(", "))?;
        }
        write!(
            f,
            " (run `atlas-ear regions --provider {}` for the full list, or pass --allow-unknown-region if Atlas has added it)",
            self.provider.flag_value()
        )
    }
}

/// Reads `input` as a region of `provider`: an Atlas name in any usual spelling (`us-east-1`),
/// or for Azure also Azure's own name (`westeurope`, `East US 2`).
pub fn resolve_region(provider: Provider, input: &str) -> Result<String, UnknownRegion> {
    let region = normalize_region(input);
    if let Some(known) = atlas_name(provider, input) {
        return Ok(known.to_string());
    }
    let belongs_to = atlas_name(provider.other(), input).map(|name| (provider.other(), name));
    Err(UnknownRegion {
        suggestions: match belongs_to {
            Some(_) => Vec::new(),
            None => closest_regions(provider, &region),
        },
        region: if belongs_to.is_some_and(|(_, atlas)| atlas != region) {
            input.trim().to_string()
        } else {
            region
        },
        provider,
        belongs_to,
    })
}

/// The Atlas name `input` stands for under `provider`, if it is one of its regions.
fn atlas_name(provider: Provider, input: &str) -> Option<&'static str> {
    let region = normalize_region(input);
    let listed = provider.regions().iter().find(|r| **r == region).copied();
    match provider {
        Provider::Aws => listed,
        Provider::Azure => listed.or_else(|| atlas_name_of_azure(input)),
    }
}

/// Up to three regions of the provider closest to `region` by edit distance, nearest first.
/// Names too far away to be a typo are left out, so nonsense gets no misleading suggestion.
/// For Azure, a misspelt Azure name (`westeurop`) suggests the Atlas name it is close to.
pub fn closest_regions(provider: Provider, region: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = provider
        .regions()
        .iter()
        .map(|candidate| (edit_distance(region, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len().max(region.len()) / 2)
        .collect();
    if provider == Provider::Azure {
        let compact: String = region
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        // Azure's names are typed whole, so only a slip of a letter or two counts.
        scored.extend(
            AZURE_NAMES
                .iter()
                .map(|(atlas, azure, _)| (edit_distance(&compact, azure), *atlas))
                .filter(|(distance, _)| *distance <= 2),
        );
    }
    scored.sort();
    let mut closest: Vec<&'static str> = Vec::new();
    for (_, candidate) in scored {
        if !closest.contains(&candidate) && closest.len() < 3 {
            closest.push(candidate);
        }
    }
    closest
}

/// Levenshtein distance over chars; the inputs are short region names, so O(n*m) is fine.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_accepts_the_usual_spellings() {
        assert_eq!(normalize_region("us-east-1"), "US_EAST_1");
        assert_eq!(normalize_region(" Us_East_1 "), "US_EAST_1");
        assert_eq!(
            resolve_region(Provider::Azure, "europe-north").as_deref(),
            Ok("EUROPE_NORTH")
        );
    }

    #[test]
    fn lists_match_the_spec_sizes() {
        assert_eq!(AWS_REGIONS.len(), 39);
        assert_eq!(AZURE_REGIONS.len(), 56);
    }

    #[test]
    fn unknown_region_gets_close_suggestions() {
        let err = resolve_region(Provider::Aws, "US_EAST_3").unwrap_err();
        assert_eq!(err.suggestions.len(), 3);
        assert!(err.suggestions.contains(&"US_EAST_1"));
        assert!(err.suggestions.contains(&"US_EAST_2"));
        let err = resolve_region(Provider::Aws, "ZZZZZZZZZZZZZZZZZZZZ").unwrap_err();
        assert!(err.suggestions.is_empty());
        // An Azure-only region is unknown for AWS, and named as Azure's.
        let err = resolve_region(Provider::Aws, "US_CENTRAL").unwrap_err();
        assert_eq!(err.belongs_to, Some((Provider::Azure, "US_CENTRAL")));
        assert!(err.suggestions.is_empty());
    }

    #[test]
    fn azure_names_are_understood_for_azure_only() {
        for (input, atlas) in [
            ("westeurope", "EUROPE_WEST"),
            ("eastus", "US_EAST"),
            ("East US 2", "US_EAST_2"),
            ("eastus2", "US_EAST_2"),
        ] {
            assert_eq!(resolve_region(Provider::Azure, input).as_deref(), Ok(atlas));
        }
        let err = resolve_region(Provider::Aws, "westeurope").unwrap_err();
        assert_eq!(err.belongs_to, Some((Provider::Azure, "EUROPE_WEST")));
        assert_eq!(
            err.to_string(),
            "--region 'westeurope' is an AZURE region (EUROPE_WEST in Atlas), not an AWS one; did you mean --provider azure?"
        );
    }

    #[test]
    fn a_region_of_the_other_provider_is_named_as_such() {
        let err = resolve_region(Provider::Azure, "eu-west-1").unwrap_err();
        assert_eq!(err.belongs_to, Some((Provider::Aws, "EU_WEST_1")));
        assert!(err.suggestions.is_empty());
        assert_eq!(
            err.to_string(),
            "--region EU_WEST_1 is an AWS region, not an AZURE one; did you mean --provider aws?"
        );
        // A misspelt Azure name suggests its Atlas name.
        let err = resolve_region(Provider::Azure, "westeurop").unwrap_err();
        assert_eq!(err.suggestions.first(), Some(&"EUROPE_WEST"), "{err}");
        // A region in both lists is simply accepted.
        assert!(resolve_region(Provider::Azure, "US_EAST_2").is_ok());
    }
}
