//! Tables fitted to 60, 80 and 120 columns: ids, regions and statuses stay whole, a column
//! empty on every row is dropped, the provider shared by every row is a caption, and only
//! free text (connection names, error messages) gives way. Fixed data, so snapshots are
//! stable; `colour_and_width.rs` drives the binary on a pseudo-terminal.

use atlas_ear::{EndpointView, TableStyle, sorted_views, write_table};
use serde_json::{Value, json};

const WIDTHS: [usize; 3] = [60, 80, 120];

/// Many regions, long connection names (Azure's are long), one error message.
fn many_regions() -> Vec<Value> {
    vec![
        json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0b1","regionName":"US_EAST_2","status":"ACTIVE","privateEndpointConnectionName":"atlas-ear-pe-us-east-2-connection-65f1c2d3"}),
        json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0b2","regionName":"EUROPE_WEST","status":"PENDING_ACCEPTANCE","privateEndpointConnectionName":"atlas-ear-pe-europe-west-connection-65f1c2d3"}),
        json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0b3","regionName":"GERMANY_WEST_CENTRAL","status":"FAILED","errorMessage":"The private endpoint could not be created: the Azure subscription reached its limit of private endpoints in this region."}),
        json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0b4","regionName":"ASIA_SOUTH_EAST","status":"INITIATING"}),
        json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0b5","regionName":"US_WEST","status":"PENDING_RECREATION","privateEndpointConnectionName":"atlas-ear-pe-us-west-connection-65f1c2d3"}),
    ]
}

/// What a quiet afternoon looks like: every endpoint settled, no errors.
fn uniform() -> Vec<Value> {
    ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"]
        .iter()
        .enumerate()
        .map(|(n, region)| {
            json!({"cloudProvider":"AWS","id":format!("65f1c2d3e4a5b6c7d8e9f0a{n}"),"regionName":region,"status":"ACTIVE","privateEndpointConnectionName":format!("vpce-0a1b2c3d4e5f6789{n}")})
        })
        .collect()
}

fn render(values: &[Value], width: Option<usize>) -> String {
    let mut out = Vec::new();
    let style = TableStyle {
        width,
        ..TableStyle::default()
    };
    write_table(&mut out, &sorted_views(values), &style).expect("rendered");
    String::from_utf8(out).expect("utf-8")
}

fn words(views: &[EndpointView], field: fn(&EndpointView) -> &str) -> Vec<String> {
    views.iter().map(|v| field(v).to_string()).collect()
}

/// The rules every fitted table keeps, whatever its layout.
fn assert_fits_and_keeps_keys(values: &[Value], width: usize, text: &str) {
    assert!(
        text.lines().all(|l| l.chars().count() <= width),
        "{width}:\n{text}"
    );
    let views = sorted_views(values);
    let keys = [
        words(&views, |v| &v.id),
        words(&views, |v| &v.region),
        words(&views, |v| &v.status),
    ];
    for key in keys.iter().flatten() {
        let whole = text
            .lines()
            .any(|l| l.split([' ', '│']).any(|cell| cell == key));
        assert!(whole, "{width}: {key} is whole on one line:\n{text}");
    }
}

#[test]
fn many_regions_fit_60_80_and_120_columns() {
    let values = many_regions();
    for width in WIDTHS {
        let text = render(&values, Some(width));
        assert_fits_and_keeps_keys(&values, width, &text);
        assert!(text.starts_with("provider: AZURE\n"), "{width}:\n{text}");
        assert!(!text.contains("PROVIDER"), "{width}:\n{text}");
        insta::assert_snapshot!(format!("many_regions_{width}"), text);
    }
}

#[test]
fn a_uniform_list_fits_60_80_and_120_columns() {
    let values = uniform();
    for width in WIDTHS {
        let text = render(&values, Some(width));
        assert_fits_and_keeps_keys(&values, width, &text);
        assert!(!text.contains("ERROR"), "no error anywhere:\n{text}");
        assert!(text.contains("vpce-0a1b2c3d4e5f67892"), "{width}:\n{text}");
        insta::assert_snapshot!(format!("uniform_{width}"), text);
    }
}

#[test]
fn mixed_providers_keep_the_provider_column() {
    let mut values = uniform();
    values.extend(many_regions().into_iter().take(2));
    let text = render(&values, Some(120));
    assert!(text.contains("PROVIDER"), "{text}");
    assert!(!text.contains("provider:"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn free_text_is_never_cut_off_a_terminal() {
    let values = many_regions();
    let text = render(&values, None);
    for name in [
        "atlas-ear-pe-europe-west-connection-65f1c2d3",
        "limit of private endpoints in this region.",
    ] {
        assert!(text.contains(name), "{text}");
    }
    assert_eq!(
        text.lines().count(),
        1 + 3 + values.len() + 1,
        "caption, head, rows:\n{text}"
    );
}

#[test]
fn without_headers_the_provider_stays_a_column() {
    let values = uniform();
    let mut out = Vec::new();
    let style = TableStyle {
        headers: false,
        width: Some(80),
        ..TableStyle::default()
    };
    write_table(&mut out, &sorted_views(&values), &style).expect("rendered");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(!text.contains("provider:"), "{text}");
    assert_eq!(text.matches("AWS").count(), values.len(), "{text}");
}
