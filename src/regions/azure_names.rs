//! Azure's own names for the regions Atlas lists under its own spelling: `westeurope` (what
//! `az` and ARM templates use) and `West Europe` (what the portal shows) both mean Atlas's
//! `EUROPE_WEST`. People copy these from Azure, so `--provider azure` understands them.

/// Atlas's name, Azure's programmatic name (`az account list-locations -o table`, "Name"),
/// and the portal's display name, for each of the 56 regions Atlas accepts for Azure.
pub const AZURE_NAMES: &[(&str, &str, &str)] = &[
    ("US_CENTRAL", "centralus", "Central US"),
    ("US_EAST", "eastus", "East US"),
    ("US_EAST_2", "eastus2", "East US 2"),
    ("US_NORTH_CENTRAL", "northcentralus", "North Central US"),
    ("US_WEST", "westus", "West US"),
    ("US_SOUTH_CENTRAL", "southcentralus", "South Central US"),
    ("EUROPE_NORTH", "northeurope", "North Europe"),
    ("EUROPE_WEST", "westeurope", "West Europe"),
    ("US_WEST_CENTRAL", "westcentralus", "West Central US"),
    ("US_WEST_2", "westus2", "West US 2"),
    ("US_WEST_3", "westus3", "West US 3"),
    ("CANADA_EAST", "canadaeast", "Canada East"),
    ("CANADA_CENTRAL", "canadacentral", "Canada Central"),
    ("BRAZIL_SOUTH", "brazilsouth", "Brazil South"),
    ("BRAZIL_SOUTHEAST", "brazilsoutheast", "Brazil Southeast"),
    ("AUSTRALIA_CENTRAL", "australiacentral", "Australia Central"),
    (
        "AUSTRALIA_CENTRAL_2",
        "australiacentral2",
        "Australia Central 2",
    ),
    ("AUSTRALIA_EAST", "australiaeast", "Australia East"),
    (
        "AUSTRALIA_SOUTH_EAST",
        "australiasoutheast",
        "Australia Southeast",
    ),
    (
        "GERMANY_WEST_CENTRAL",
        "germanywestcentral",
        "Germany West Central",
    ),
    ("GERMANY_NORTH", "germanynorth", "Germany North"),
    ("SWEDEN_CENTRAL", "swedencentral", "Sweden Central"),
    ("SWEDEN_SOUTH", "swedensouth", "Sweden South"),
    ("SWITZERLAND_NORTH", "switzerlandnorth", "Switzerland North"),
    ("SWITZERLAND_WEST", "switzerlandwest", "Switzerland West"),
    ("UK_SOUTH", "uksouth", "UK South"),
    ("UK_WEST", "ukwest", "UK West"),
    ("NORWAY_EAST", "norwayeast", "Norway East"),
    ("NORWAY_WEST", "norwaywest", "Norway West"),
    ("INDIA_CENTRAL", "centralindia", "Central India"),
    ("INDIA_SOUTH", "southindia", "South India"),
    ("INDIA_WEST", "westindia", "West India"),
    ("CHINA_EAST", "chinaeast", "China East"),
    ("CHINA_NORTH", "chinanorth", "China North"),
    ("ASIA_EAST", "eastasia", "East Asia"),
    ("JAPAN_EAST", "japaneast", "Japan East"),
    ("JAPAN_WEST", "japanwest", "Japan West"),
    ("ASIA_SOUTH_EAST", "southeastasia", "Southeast Asia"),
    ("KOREA_CENTRAL", "koreacentral", "Korea Central"),
    ("KOREA_SOUTH", "koreasouth", "Korea South"),
    ("FRANCE_CENTRAL", "francecentral", "France Central"),
    ("FRANCE_SOUTH", "francesouth", "France South"),
    (
        "SOUTH_AFRICA_NORTH",
        "southafricanorth",
        "South Africa North",
    ),
    ("SOUTH_AFRICA_WEST", "southafricawest", "South Africa West"),
    ("UAE_CENTRAL", "uaecentral", "UAE Central"),
    ("UAE_NORTH", "uaenorth", "UAE North"),
    ("QATAR_CENTRAL", "qatarcentral", "Qatar Central"),
    ("POLAND_CENTRAL", "polandcentral", "Poland Central"),
    ("ISRAEL_CENTRAL", "israelcentral", "Israel Central"),
    ("ITALY_NORTH", "italynorth", "Italy North"),
    ("SPAIN_CENTRAL", "spaincentral", "Spain Central"),
    ("MEXICO_CENTRAL", "mexicocentral", "Mexico Central"),
    ("NEW_ZEALAND_NORTH", "newzealandnorth", "New Zealand North"),
    ("US_GOV_VIRGINIA", "usgovvirginia", "USGov Virginia"),
    ("US_GOV_ARIZONA", "usgovarizona", "USGov Arizona"),
    ("US_GOV_TEXAS", "usgovtexas", "USGov Texas"),
];

/// The Atlas name for an Azure name in either spelling: case, spaces, `-` and `_` are ignored,
/// so `westeurope`, `West Europe` and `west-europe` all give `EUROPE_WEST`.
pub fn atlas_name_of_azure(input: &str) -> Option<&'static str> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    AZURE_NAMES
        .iter()
        .find(|(_, programmatic, _)| *programmatic == compact)
        .map(|(atlas, _, _)| *atlas)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::AZURE_REGIONS;

    #[test]
    fn every_atlas_azure_region_has_exactly_one_azure_name() {
        assert_eq!(AZURE_NAMES.len(), AZURE_REGIONS.len());
        for region in AZURE_REGIONS {
            let rows = AZURE_NAMES.iter().filter(|(a, _, _)| a == region).count();
            assert_eq!(rows, 1, "{region}");
        }
        for (atlas, programmatic, display) in AZURE_NAMES {
            assert_eq!(atlas_name_of_azure(programmatic), Some(*atlas));
            assert_eq!(atlas_name_of_azure(display), Some(*atlas), "{display}");
        }
    }

    #[test]
    fn both_spellings_are_read() {
        assert_eq!(atlas_name_of_azure("westeurope"), Some("EUROPE_WEST"));
        assert_eq!(atlas_name_of_azure("East US 2"), Some("US_EAST_2"));
        assert_eq!(atlas_name_of_azure("eastus"), Some("US_EAST"));
        assert_eq!(atlas_name_of_azure("west-europe"), Some("EUROPE_WEST"));
        assert_eq!(atlas_name_of_azure("EU_WEST_1"), None);
    }
}
