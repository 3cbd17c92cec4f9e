//! The endpoints table: one row per endpoint, statuses coloured when asked, laid out by
//! `grid.rs` so that it fits the terminal.
//!
//! Ids, providers, regions and statuses are keys, never cut; the provider becomes a caption
//! when every endpoint has the same one (the usual case: one provider per run). Error messages
//! wrap first (they hold long sentences), then connection names are cut with an ellipsis.

use crate::api::EndpointView;
pub use crate::output::grid::TableStyle;
use crate::output::grid::{Column, Grid, write_grid};
use std::io::{self, Write};
use tabled::settings::Color;

pub const HEADERS: [&str; 6] = [
    "ID",
    "PROVIDER",
    "REGION",
    "STATUS",
    "CONNECTION NAME",
    "ERROR",
];
const STATUS_COLUMN: usize = 3;
/// Narrowest an error message is wrapped to in a bordered table.
const MIN_ERROR_WIDTH: usize = 16;
/// Narrowest a connection name is cut to (with the ellipsis); "CONNECTION" still fits.
const MIN_CONNECTION_WIDTH: usize = 10;

const COLUMNS: [Column; 6] = [
    Column::key(HEADERS[0]),
    Column::context(HEADERS[1]),
    Column::key(HEADERS[2]),
    Column::key(HEADERS[3]),
    Column::cut(HEADERS[4], MIN_CONNECTION_WIDTH),
    Column::wrap(HEADERS[5], MIN_ERROR_WIDTH),
];

/// The colour a status is shown in: settled and good green, failed red, in progress yellow;
/// statuses Atlas may add later stay plain.
pub fn status_color(status: &str) -> Option<Color> {
    match status {
        "ACTIVE" => Some(Color::FG_GREEN),
        "FAILED" => Some(Color::FG_RED),
        "INITIATING" | "PENDING_ACCEPTANCE" | "PENDING_RECREATION" | "DELETING" => {
            Some(Color::FG_YELLOW)
        }
        _ => None,
    }
}

/// Writes the table (with its caption when the provider is the same on every row).
pub fn write_table(
    out: &mut impl Write,
    views: &[EndpointView],
    style: &TableStyle,
) -> io::Result<()> {
    let rows = views
        .iter()
        .map(|v| {
            vec![
                v.id.clone(),
                v.provider.clone(),
                v.region.clone(),
                v.status.clone(),
                v.connection_name.clone(),
                v.error.clone(),
            ]
        })
        .collect();
    let grid = Grid {
        columns: COLUMNS.to_vec(),
        rows,
        painted: Some((STATUS_COLUMN, status_color)),
    };
    write_grid(out, grid, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn views() -> Vec<EndpointView> {
        [
            json!({"id":"64b0c0ffee0000000000000a","cloudProvider":"AWS","regionName":"US_EAST_1","status":"ACTIVE","privateEndpointConnectionName":"vpce-0a1b2c3d4e5f60718"}),
            json!({"id":"64b0c0ffee0000000000000b","cloudProvider":"AWS","regionName":"EU_WEST_1","status":"FAILED","errorMessage":"The private endpoint could not be created because the AWS account reached its limit of interface endpoints in this region."}),
            json!({"id":"64b0c0ffee0000000000000c","cloudProvider":"AWS","regionName":"AP_SOUTH_1","status":"INITIATING"}),
        ]
        .iter()
        .map(EndpointView::from_json)
        .collect()
    }

    fn render(style: TableStyle) -> String {
        let mut out = Vec::new();
        write_table(&mut out, &views(), &style).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn widest_line(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn without_a_width_nothing_wraps() {
        let text = render(TableStyle::default());
        assert!(text.contains("in this region."));
        assert_eq!(
            text.lines().count(),
            1 + 3 + 1 + 2 + 1,
            "caption, one line per row"
        );
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn error_messages_wrap_first_and_ids_stay_whole() {
        let text = render(TableStyle {
            width: Some(120),
            ..TableStyle::default()
        });
        assert!(widest_line(&text) <= 120, "{text}");
        for id in ["64b0c0ffee0000000000000a", "64b0c0ffee0000000000000b"] {
            assert!(text.contains(id), "{text}");
        }
        assert!(text.contains("vpce-0a1b2c3d4e5f60718"), "{text}");
        assert!(text.lines().count() > 8, "the error wrapped:\n{text}");
    }

    #[test]
    fn narrow_terminals_keep_keys_whole_and_free_text_complete() {
        for width in [100, 80, 60, 30] {
            let text = render(TableStyle {
                width: Some(width),
                ..TableStyle::default()
            });
            assert!(widest_line(&text) <= width, "{width}:\n{text}");
            for key in ["64b0c0ffee0000000000000a", "AP_SOUTH_1", "INITIATING"] {
                assert!(text.contains(key), "{width}: keys stay whole:\n{text}");
            }
        }
        let eighty = render(TableStyle {
            width: Some(80),
            ..TableStyle::default()
        });
        assert!(
            !eighty.contains('│'),
            "borderless below the bordered width:\n{eighty}"
        );
        assert!(eighty.contains("  error: The private endpoint"), "{eighty}");
    }

    #[test]
    fn empty_columns_are_dropped_and_a_shared_provider_is_a_caption() {
        let text = render(TableStyle::default());
        assert!(text.starts_with("provider: AWS\n"), "{text}");
        assert!(!text.contains("PROVIDER"), "{text}");
        let settled: Vec<EndpointView> = views().into_iter().take(1).collect();
        let mut out = Vec::new();
        write_table(&mut out, &settled, &TableStyle::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("ERROR"), "{text}");
        assert!(text.contains("CONNECTION NAME"), "{text}");
    }

    #[test]
    fn statuses_are_coloured_only_when_asked() {
        for width in [None, Some(80), Some(40)] {
            let text = render(TableStyle {
                color: true,
                width,
                ..TableStyle::default()
            });
            assert!(text.contains("\u{1b}[32mACTIVE\u{1b}[39m"), "{text:?}");
            assert!(text.contains("\u{1b}[31mFAILED\u{1b}[39m"), "{text:?}");
            assert!(text.contains("\u{1b}[33mINITIATING\u{1b}[39m"), "{text:?}");
        }
        assert!(!render(TableStyle::default()).contains('\u{1b}'));
    }

    #[test]
    fn no_headers_drops_the_header_row_and_keeps_the_provider() {
        let text = render(TableStyle {
            headers: false,
            ..TableStyle::default()
        });
        assert!(!text.contains("CONNECTION NAME"));
        assert!(!text.contains("provider:"));
        assert_eq!(text.matches("AWS").count(), 3 + 1, "{text}");
        assert_eq!(text.lines().count(), 3 + 2);
    }

    #[test]
    fn unknown_statuses_stay_plain() {
        assert!(status_color("SOMETHING_NEW").is_none());
        assert!(status_color("PENDING_RECREATION").is_some());
    }
}
