//! Snapshots of every output format on fixed data (ids from the emulator are random, so the
//! formats are pinned here on values the test chooses; `output_formats.rs` drives the binary).

use atlas_ear as render;
use atlas_ear::JqFilter;
use atlas_ear::{EndpointList, EndpointView, RawEndpoint};
use atlas_ear::{TableStyle, write_table};
use serde_json::{Value, json};

fn endpoints() -> Vec<Value> {
    vec![
        json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a1","privateEndpointConnectionName":"vpce-0a1b2c3d4e5f67890","regionName":"US_EAST_1","status":"ACTIVE"}),
        json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a3","regionName":"EU_WEST_1","status":"FAILED","errorMessage":"The private endpoint could not be created: the AWS account reached its limit of interface endpoints in this region."}),
        json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a2","privateEndpointConnectionName":"vpce-1b2c3d4e5f6a78901","regionName":"AP_SOUTH_1","status":"PENDING_RECREATION"}),
        json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a4","regionName":"SA_EAST_1","status":"INITIATING"}),
    ]
}

fn views() -> Vec<EndpointView> {
    render::sorted_views(&endpoints())
}

fn list() -> EndpointList {
    EndpointList {
        results: endpoints(),
        total_count: Some(4),
    }
}

fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    write(&mut out);
    String::from_utf8(out).expect("utf-8")
}

fn table(style: TableStyle) -> String {
    text(|out| write_table(out, &views(), &style).unwrap())
}

#[test]
fn table_without_a_terminal_never_wraps() {
    insta::assert_snapshot!(table(TableStyle::default()));
}

#[test]
fn table_fitted_to_120_columns() {
    insta::assert_snapshot!(table(TableStyle {
        width: Some(120),
        ..TableStyle::default()
    }));
}

#[test]
fn table_fitted_to_80_columns() {
    let fitted = table(TableStyle {
        width: Some(80),
        ..TableStyle::default()
    });
    assert!(fitted.lines().all(|l| l.chars().count() <= 80));
    insta::assert_snapshot!(fitted);
}

#[test]
fn table_with_coloured_statuses_and_no_headers() {
    insta::assert_snapshot!(table(TableStyle {
        color: true,
        headers: false,
        width: None,
    }));
}

#[test]
fn empty_list_table() {
    let empty = EndpointList {
        results: vec![],
        total_count: Some(0),
    };
    insta::assert_snapshot!(text(|out| render::list_table(
        out,
        &empty,
        "AZURE",
        "32b6e34b3d91647abb20e7b8"
    )
    .unwrap()));
}

#[test]
fn plain_with_and_without_headers() {
    let with = text(|out| render::endpoints_plain(out, &views(), true).unwrap());
    let without = text(|out| render::endpoints_plain(out, &views(), false).unwrap());
    assert_eq!(
        with.lines().skip(1).collect::<Vec<_>>(),
        without.lines().collect::<Vec<_>>()
    );
    insta::assert_snapshot!(with);
}

#[test]
fn plain_keeps_one_endpoint_per_line() {
    let view = EndpointView::from_json(&json!({
        "id": "65f1c2d3e4a5b6c7d8e9f0a9", "status": "FAILED",
        "errorMessage": "line one\nline\ttwo"
    }));
    let out = text(|out| render::endpoints_plain(out, &[view], false).unwrap());
    assert_eq!(
        out,
        "65f1c2d3e4a5b6c7d8e9f0a9\t\t\tFAILED\t\tline one\\nline\\ttwo\n"
    );
}

#[test]
fn quiet_ids() {
    insta::assert_snapshot!(text(|out| render::endpoint_ids(out, &views()).unwrap()));
}

#[test]
fn list_json() {
    insta::assert_snapshot!(text(|out| render::list_json(out, &list()).unwrap()));
}

#[test]
fn endpoint_json_is_the_body_unchanged() {
    let body = r#"{"status":"ACTIVE","id":"65f1c2d3e4a5b6c7d8e9f0a1","regionName":"US_EAST_1","cloudProvider":"AWS"}"#;
    let raw = RawEndpoint {
        value: serde_json::from_str(body).unwrap(),
        body: Some(format!("{body}\n")),
    };
    let out = text(|out| render::endpoint_json(out, &raw).unwrap());
    assert_eq!(out, format!("{body}\n"));
}

#[test]
fn jq_outputs() {
    let doc = serde_json::to_vec(&render::list_document(&list())).unwrap();
    let mut all = String::new();
    for expr in [
        ".results[].id",
        r#"[.results[] | select(.status != "ACTIVE") | {id, status}]"#,
        ".totalCount",
        ".results | map(.regionName) | sort",
    ] {
        let filter = JqFilter::compile(expr).unwrap();
        all.push_str(&format!("$ --jq '{expr}'\n"));
        all.push_str(&text(|out| filter.run(&doc, out).unwrap()));
    }
    insta::assert_snapshot!(all);
}
