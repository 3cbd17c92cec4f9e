//! Cloud providers and the regions each accepts (NOTES.md section 7). The lists are per provider,
//! although the spec does not tie them together, so a region of the other cloud is refused.

use std::fmt;

/// The `cloudProvider` path value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Provider {
    Aws,
    Azure,
}

impl Provider {
    /// Parses the path value, which is upper case on the wire.
    pub fn parse(text: &str) -> Option<Provider> {
        match text {
            "AWS" => Some(Provider::Aws),
            "AZURE" => Some(Provider::Azure),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Azure => "AZURE",
        }
    }

    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Provider::Aws => AWS_REGIONS,
            Provider::Azure => AZURE_REGIONS,
        }
    }

    pub fn has_region(self, region: &str) -> bool {
        self.regions().contains(&region)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[rustfmt::skip]
const AWS_REGIONS: &[&str] = &[
    "US_GOV_WEST_1", "US_GOV_EAST_1", "US_EAST_1", "US_EAST_2", "US_WEST_1", "US_WEST_2",
    "CA_CENTRAL_1", "EU_NORTH_1", "EU_WEST_1", "EU_WEST_2", "EU_WEST_3", "EU_CENTRAL_1",
    "EU_CENTRAL_2", "AP_EAST_1", "AP_EAST_2", "AP_NORTHEAST_1", "AP_NORTHEAST_2", "AP_NORTHEAST_3",
    "AP_SOUTHEAST_1", "AP_SOUTHEAST_2", "AP_SOUTHEAST_3", "AP_SOUTHEAST_4", "AP_SOUTHEAST_5",
    "AP_SOUTHEAST_6", "AP_SOUTHEAST_7", "AP_SOUTH_1", "AP_SOUTH_2", "SA_EAST_1", "CN_NORTH_1",
    "CN_NORTHWEST_1", "ME_SOUTH_1", "ME_CENTRAL_1", "AF_SOUTH_1", "EU_SOUTH_1", "EU_SOUTH_2",
    "IL_CENTRAL_1", "CA_WEST_1", "MX_CENTRAL_1", "GLOBAL",
];

#[rustfmt::skip]
const AZURE_REGIONS: &[&str] = &[
    "US_CENTRAL", "US_EAST", "US_EAST_2", "US_NORTH_CENTRAL", "US_WEST", "US_SOUTH_CENTRAL",
    "EUROPE_NORTH", "EUROPE_WEST", "US_WEST_CENTRAL", "US_WEST_2", "US_WEST_3", "CANADA_EAST",
    "CANADA_CENTRAL", "BRAZIL_SOUTH", "BRAZIL_SOUTHEAST", "AUSTRALIA_CENTRAL", "AUSTRALIA_CENTRAL_2",
    "AUSTRALIA_EAST", "AUSTRALIA_SOUTH_EAST", "GERMANY_WEST_CENTRAL", "GERMANY_NORTH",
    "SWEDEN_CENTRAL", "SWEDEN_SOUTH", "SWITZERLAND_NORTH", "SWITZERLAND_WEST", "UK_SOUTH", "UK_WEST",
    "NORWAY_EAST", "NORWAY_WEST", "INDIA_CENTRAL", "INDIA_SOUTH", "INDIA_WEST", "CHINA_EAST",
    "CHINA_NORTH", "ASIA_EAST", "JAPAN_EAST", "JAPAN_WEST", "ASIA_SOUTH_EAST", "KOREA_CENTRAL",
    "KOREA_SOUTH", "FRANCE_CENTRAL", "FRANCE_SOUTH", "SOUTH_AFRICA_NORTH", "SOUTH_AFRICA_WEST",
    "UAE_CENTRAL", "UAE_NORTH", "QATAR_CENTRAL", "POLAND_CENTRAL", "ISRAEL_CENTRAL", "ITALY_NORTH",
    "SPAIN_CENTRAL", "MEXICO_CENTRAL", "NEW_ZEALAND_NORTH", "US_GOV_VIRGINIA", "US_GOV_ARIZONA",
    "US_GOV_TEXAS",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_lists_match_the_notes() {
        assert_eq!(Provider::Aws.regions().len(), 39);
        assert_eq!(Provider::Azure.regions().len(), 56);
        assert!(Provider::Aws.has_region("US_EAST_2") && Provider::Azure.has_region("US_EAST_2"));
        assert!(!Provider::Aws.has_region("US_CENTRAL"));
        assert!(!Provider::Azure.has_region("US_EAST_1"));
    }
}
