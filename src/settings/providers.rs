//! Which providers a command looks under: the one `--provider` names, both with `--provider
//! all`, or, when the flag is not given, AWS first with Azure as the place an id or a region
//! that AWS does not know is looked for. Commands ask this value instead of re-reading the flag.

use crate::errors::UsageError;
use crate::escape::printable_snippet;
use crate::regions::{Provider, resolve_region};

/// `--provider` as typed, or not typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderChoice {
    /// `--provider aws|azure`: that provider only; nothing is looked for elsewhere.
    Given(Provider),
    /// No `--provider`: AWS; `get`, `delete` and `wait` look under Azure for an id AWS does not
    /// know, and a region is looked for under the provider that has it.
    Default,
    /// `--provider all`: both, AWS first.
    All,
}

impl ProviderChoice {
    /// The one provider of commands that work under one (`create`, `regions`, ...).
    pub fn primary(self) -> Provider {
        match self {
            ProviderChoice::Given(provider) => provider,
            ProviderChoice::Default | ProviderChoice::All => Provider::Aws,
        }
    }

    /// The providers `list` (and `wait --all`) covers.
    pub fn listed(self) -> Vec<Provider> {
        match self {
            ProviderChoice::All => vec![Provider::Aws, Provider::Azure],
            other => vec![other.primary()],
        }
    }

    /// Where an endpoint id is looked for, in order: the given provider alone, or both.
    pub fn lookup_order(self) -> Vec<Provider> {
        match self {
            ProviderChoice::Given(provider) => vec![provider],
            ProviderChoice::Default | ProviderChoice::All => vec![Provider::Aws, Provider::Azure],
        }
    }

    /// How a list of these providers is named in sentences: `AWS`, or `AWS or AZURE`.
    pub fn label(self) -> String {
        self.listed()
            .iter()
            .map(|p| p.as_api_str())
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// Refuses `--provider all` for a command that works under one provider.
    pub fn one(self, command: &str) -> Result<Provider, UsageError> {
        match self {
            ProviderChoice::All => Err(UsageError(format!(
                "{command} works under one provider: pass --provider aws or --provider azure, not all"
            ))),
            other => Ok(other.primary()),
        }
    }

    /// The providers whose endpoints in `--region R` a command addresses, each with R's Atlas
    /// name there. A given provider must know the region (else its error names the other
    /// provider); otherwise every provider that knows it, AWS first (`US_EAST_2` is in both).
    pub fn region_scopes(self, input: &str) -> Result<Vec<(Provider, String)>, UsageError> {
        let candidates = match self {
            ProviderChoice::Given(provider) => {
                return resolve_region(provider, input)
                    .map(|region| vec![(provider, region)])
                    .map_err(|unknown| UsageError(unknown.to_string()));
            }
            ProviderChoice::Default | ProviderChoice::All => [Provider::Aws, Provider::Azure],
        };
        // Each provider is asked once; when neither knows the region, the near-spellings of
        // both are offered (AWS first), so a misspelt Azure name gets its hint too.
        let mut scopes = Vec::new();
        let mut region = String::new();
        let mut suggestions: Vec<&'static str> = Vec::new();
        for provider in candidates {
            match resolve_region(provider, input) {
                Ok(found) => scopes.push((provider, found)),
                Err(unknown) => {
                    region = unknown.region;
                    for name in unknown.suggestions {
                        if !suggestions.contains(&name) {
                            suggestions.push(name);
                        }
                    }
                }
            }
        }
        if !scopes.is_empty() {
            return Ok(scopes);
        }
        Err(UsageError(format!(
            "unknown region '{}' for --region; neither AWS nor AZURE has it{} (`atlas-ear regions --provider aws` and `--provider azure` list them)",
            printable_snippet(region.as_bytes(), 40),
            match suggestions.as_slice() {
                [] => String::new(),
                some => format!("; did you mean {}?", some.join(", ")),
            }
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_finds_its_provider_unless_one_is_given() {
        let both = ProviderChoice::Default.region_scopes("US_EAST_2").unwrap();
        assert_eq!(
            both,
            [
                (Provider::Aws, "US_EAST_2".to_string()),
                (Provider::Azure, "US_EAST_2".to_string())
            ]
        );
        let azure = ProviderChoice::Default.region_scopes("westeurope").unwrap();
        assert_eq!(azure, [(Provider::Azure, "EUROPE_WEST".to_string())]);
        let err = ProviderChoice::Given(Provider::Aws)
            .region_scopes("westeurope")
            .unwrap_err();
        assert!(err.0.contains("--provider azure"), "{}", err.0);
        let err = ProviderChoice::All.region_scopes("EU_WESTT_1").unwrap_err();
        assert!(err.0.contains("did you mean EU_WEST_1"), "{}", err.0);
    }

    #[test]
    fn a_misspelt_azure_region_without_a_provider_gets_its_hint() {
        let err = ProviderChoice::Default
            .region_scopes("westeurop")
            .unwrap_err();
        assert!(err.0.contains("EUROPE_WEST"), "{}", err.0);
        let err = ProviderChoice::Default
            .region_scopes("US_\u{1b}[2J")
            .unwrap_err();
        assert!(!err.0.contains('\u{1b}'), "escaped: {:?}", err.0);
    }
}
