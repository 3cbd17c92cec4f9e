//! The regions of one `create`: every `--region` value, repeated or comma-separated, read the
//! way people type them (Azure's own names too), checked against the provider's list before any
//! request is sent.

use crate::errors::UsageError;
use crate::regions::{Provider, normalize_region, resolve_region};

/// Reads every `--region` value (repeated or comma-separated), normalised, duplicates dropped,
/// order kept. Unknown regions are refused together, with suggestions, unless
/// `allow_unknown` — but a name with characters no region has is refused either way.
pub fn resolve_regions(
    provider: Provider,
    inputs: &[String],
    allow_unknown: bool,
) -> Result<Vec<String>, UsageError> {
    let mut regions: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for input in inputs {
        let name = normalize_region(input);
        let region = match resolve_region(provider, input) {
            Ok(region) => region,
            Err(_) if name.is_empty() => {
                problems.push("--region has an empty name (check for a stray comma)".into());
                continue;
            }
            // Another provider's region is named as such, whatever --allow-unknown-region says:
            // the flag is for regions Atlas added, not for the wrong --provider.
            Err(unknown) if unknown.belongs_to.is_some() => {
                problems.push(unknown.to_string());
                continue;
            }
            Err(_) if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                problems.push(format!(
                    "--region '{}' is not a region name: use letters, digits, '_' or '-'",
                    crate::escape::printable_snippet(input.as_bytes(), 40)
                ));
                continue;
            }
            Err(_) if allow_unknown => name,
            Err(unknown) => {
                problems.push(unknown.to_string());
                continue;
            }
        };
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if problems.is_empty() {
        Ok(regions)
    } else {
        Err(UsageError(problems.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_normalised_deduplicated_and_checked_together() {
        let inputs = ["us-east-1", "EU_WEST_1", "US_EAST_1", " ap-south-1 "].map(String::from);
        assert_eq!(
            resolve_regions(Provider::Aws, &inputs, false).unwrap(),
            ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"]
        );
        let inputs = ["US_EAST_7", "", "EU_WEST_1", "EU_WESTT_1"].map(String::from);
        let err = resolve_regions(Provider::Aws, &inputs, false)
            .unwrap_err()
            .0;
        assert!(
            err.contains("US_EAST_7") && err.contains("US_EAST_1"),
            "{err}"
        );
        assert!(err.contains("empty"), "{err}");
        assert!(err.contains("EU_WESTT_1"), "{err}");
        assert_eq!(err.lines().count(), 3, "{err}");
    }

    #[test]
    fn unknown_regions_pass_only_when_allowed_and_plausible() {
        let inputs = ["me-west-9".to_string()];
        assert!(resolve_regions(Provider::Aws, &inputs, false).is_err());
        assert_eq!(
            resolve_regions(Provider::Aws, &inputs, true).unwrap(),
            ["ME_WEST_9"]
        );
        let odd = ["US EAST;1".to_string()];
        let err = resolve_regions(Provider::Aws, &odd, true).unwrap_err().0;
        assert!(err.contains("not a region name"), "{err}");
    }

    #[test]
    fn azure_names_with_spaces_resolve_and_the_wrong_provider_is_named() {
        let inputs = ["East US 2", "westeurope", "EUROPE_WEST"].map(String::from);
        assert_eq!(
            resolve_regions(Provider::Azure, &inputs, false).unwrap(),
            ["US_EAST_2", "EUROPE_WEST"]
        );
        let aws = ["EU_WEST_1".to_string()];
        let err = resolve_regions(Provider::Azure, &aws, true).unwrap_err().0;
        assert!(err.contains("EU_WEST_1 is an AWS region"), "{err}");
        assert!(err.contains("--provider aws"), "{err}");
    }
}
