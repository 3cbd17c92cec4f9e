//! Turns API results into what the user sees. Rendering writes to an `impl Write` and does no
//! other I/O, so every format can be tested without a terminal.

use crate::api::{EndpointList, EndpointView, RawEndpoint};
use crate::output::table::{HEADERS, TableStyle, write_table};
use serde_json::Value;
use std::io::{self, Write};

/// Sorts for a stable table: by provider, region, then id, whatever order the server used.
pub fn sorted_views(values: &[Value]) -> Vec<EndpointView> {
    let mut views: Vec<EndpointView> = values.iter().map(EndpointView::from_json).collect();
    views.sort_by(|a, b| (&a.provider, &a.region, &a.id).cmp(&(&b.provider, &b.region, &b.id)));
    views
}

/// A bordered table with one row per endpoint, uncoloured and unlimited in width.
#[cfg(test)]
pub fn endpoints_table(out: &mut impl Write, views: &[EndpointView]) -> io::Result<()> {
    write_table(out, views, &TableStyle::default())
}

/// `list` as a table, or a sentence when there is nothing to show.
pub fn list_table(
    out: &mut impl Write,
    list: &EndpointList,
    provider: &str,
    project_id: &str,
) -> io::Result<()> {
    styled_list_table(out, list, provider, project_id, &TableStyle::default())
}

/// [`list_table`] with colour, width and headers chosen by the caller.
pub fn styled_list_table(
    out: &mut impl Write,
    list: &EndpointList,
    provider: &str,
    project_id: &str,
    style: &TableStyle,
) -> io::Result<()> {
    if list.results.is_empty() {
        return writeln!(
            out,
            "No {provider} encryption-at-rest private endpoints in project {project_id}."
        );
    }
    write_table(out, &sorted_views(&list.results), style)
}

/// `-o plain`: tab-separated columns, a header line unless `headers` is false. Every endpoint
/// stays one line for cut and awk because `EndpointView` already escaped control characters.
pub fn endpoints_plain(
    out: &mut impl Write,
    views: &[EndpointView],
    headers: bool,
) -> io::Result<()> {
    if headers {
        writeln!(out, "{}", HEADERS.join("\t"))?;
    }
    for v in views {
        let fields = [
            v.id.as_str(),
            &v.provider,
            &v.region,
            &v.status,
            &v.connection_name,
            &v.error,
        ];
        writeln!(out, "{}", fields.join("\t"))?;
    }
    Ok(())
}

/// `-q`: one id per line.
pub fn endpoint_ids(out: &mut impl Write, views: &[EndpointView]) -> io::Result<()> {
    for v in views {
        writeln!(out, "{}", v.id)?;
    }
    Ok(())
}

/// `list -o json`: one document holding every page's results.
pub fn list_json(out: &mut impl Write, list: &EndpointList) -> io::Result<()> {
    json_line(out, &list_document(list))
}

/// The document `list -o json` prints (and `--jq` filters).
pub fn list_document(list: &EndpointList) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("results".into(), Value::Array(list.results.clone()));
    if let Some(total) = list.total_count {
        doc.insert("totalCount".into(), Value::from(total));
    } else {
        doc.insert("totalCount".into(), Value::from(list.results.len()));
    }
    Value::Object(doc)
}

/// `get`/`create -o json`: the body exactly as Atlas sent it.
pub fn endpoint_json(out: &mut impl Write, endpoint: &RawEndpoint) -> io::Result<()> {
    writeln!(out, "{}", endpoint_text(endpoint))
}

/// The text `-o json` prints for one endpoint (without the line break): the body as Atlas
/// sent it, else the value as compact JSON.
pub fn endpoint_text(endpoint: &RawEndpoint) -> String {
    match &endpoint.body {
        Some(body) => body.trim_end().to_string(),
        None => Value::Object(endpoint.value.clone()).to_string(),
    }
}

pub fn json_line(out: &mut impl Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_is_sorted_and_has_all_columns() {
        let values = vec![
            json!({"id":"b","cloudProvider":"AWS","regionName":"US_EAST_2","status":"ACTIVE","privateEndpointConnectionName":"vpce-1"}),
            json!({"id":"a","cloudProvider":"AWS","regionName":"EU_WEST_1","status":"FAILED","errorMessage":"boom"}),
        ];
        let mut out = Vec::new();
        endpoints_table(&mut out, &sorted_views(&values)).unwrap();
        let text = String::from_utf8(out).unwrap();
        for h in HEADERS.iter().filter(|h| **h != "PROVIDER") {
            assert!(text.contains(h), "missing header {h}");
        }
        assert!(text.starts_with("provider: AWS\n"), "{text}");
        assert!(text.find("EU_WEST_1").unwrap() < text.find("US_EAST_2").unwrap());
        assert!(text.contains("boom"));
    }

    #[test]
    fn table_snapshot() {
        let values = vec![
            json!({"cloudProvider":"AZURE","id":"65f1c2d3e4a5b6c7d8e9f0a2","privateEndpointConnectionName":"pe-us-central","regionName":"US_CENTRAL","status":"PENDING_ACCEPTANCE"}),
            json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a1","privateEndpointConnectionName":"vpce-0a1b2c3d4e5f67890","regionName":"US_EAST_1","status":"ACTIVE"}),
            json!({"cloudProvider":"AWS","id":"65f1c2d3e4a5b6c7d8e9f0a3","regionName":"EU_WEST_1","status":"FAILED","errorMessage":"KMS key not reachable"}),
        ];
        let mut out = Vec::new();
        endpoints_table(&mut out, &sorted_views(&values)).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn empty_list_is_a_sentence() {
        let mut out = Vec::new();
        let list = EndpointList {
            results: vec![],
            total_count: Some(0),
        };
        list_table(&mut out, &list, "AWS", "p").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "No AWS encryption-at-rest private endpoints in project p.\n"
        );
    }
}
