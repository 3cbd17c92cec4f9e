//! Region names as users type them: normalisation and resolution with suggestions.
#![no_main]

use atlas_ear::{Provider, normalize_region, resolve_region};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = normalize_region(&text);
    assert_eq!(normalize_region(&once), once);
    for provider in [Provider::Aws, Provider::Azure] {
        match resolve_region(provider, &text) {
            Ok(region) => assert!(provider.regions().contains(&region.as_str())),
            Err(unknown) => {
                assert!(unknown.suggestions.len() <= 3);
                let _ = unknown.to_string();
            }
        }
    }
});
