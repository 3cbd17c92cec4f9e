//! The endpoints table: one row per endpoint, statuses coloured when asked, and a width that
//! fits the terminal.
//!
//! Fitting gives way where it loses least: first the ERROR column wraps (it holds long
//! sentences), then connection names are cut with an ellipsis, and only then does every
//! column wrap, widest first. Ids, regions and statuses keep their width as long as possible
//! because people copy them.

use crate::api::EndpointView;
use std::io::{self, Write};
use tabled::Table;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::peaker::Priority;
use tabled::settings::{Color, Style, Width};

pub const HEADERS: [&str; 6] = [
    "ID",
    "PROVIDER",
    "REGION",
    "STATUS",
    "CONNECTION NAME",
    "ERROR",
];
const STATUS_COLUMN: usize = 3;
const CONNECTION_COLUMN: usize = 4;
const ERROR_COLUMN: usize = 5;
/// Narrowest an error message is wrapped to before other columns give way.
const MIN_ERROR_WIDTH: usize = 16;
/// Narrowest a connection name is cut to (with the ellipsis).
const MIN_CONNECTION_WIDTH: usize = 10;

/// How a table is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    pub headers: bool,
    pub color: bool,
    /// Total width to fit, or `None` for no limit (never wrap).
    pub width: Option<usize>,
}

impl Default for TableStyle {
    fn default() -> Self {
        TableStyle {
            headers: true,
            color: false,
            width: None,
        }
    }
}

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

/// Writes the bordered table.
pub fn write_table(
    out: &mut impl Write,
    views: &[EndpointView],
    style: &TableStyle,
) -> io::Result<()> {
    let rows: Vec<[&str; 6]> = views
        .iter()
        .map(|v| {
            [
                v.id.as_str(),
                v.provider.as_str(),
                v.region.as_str(),
                v.status.as_str(),
                v.connection_name.as_str(),
                v.error.as_str(),
            ]
        })
        .collect();
    let mut builder = Builder::default();
    if style.headers {
        builder.push_record(HEADERS);
    }
    for row in &rows {
        builder.push_record(*row);
    }
    let mut table = builder.build();
    if style.headers {
        table.with(Style::rounded());
    } else {
        // The rule under the first row marks the header; without one it would split the data.
        table.with(Style::rounded().remove_horizontals());
    }
    if style.color {
        let first_row = usize::from(style.headers);
        for (n, view) in views.iter().enumerate() {
            if let Some(color) = status_color(&view.status) {
                table.modify((first_row + n, STATUS_COLUMN), color);
            }
        }
    }
    if let Some(width) = style.width {
        let natural = |column: usize| {
            let cells = rows.iter().map(|r| r[column]);
            let header = style.headers.then_some(HEADERS[column]);
            header
                .into_iter()
                .chain(cells)
                .map(|c| c.lines().map(|l| l.chars().count()).max().unwrap_or(0))
                .max()
                .unwrap_or(0)
        };
        fit(
            &mut table,
            width,
            natural(ERROR_COLUMN),
            natural(CONNECTION_COLUMN),
        );
    }
    writeln!(out, "{table}")
}

fn fit(table: &mut Table, width: usize, error_width: usize, connection_width: usize) {
    let excess = |table: &Table| table.total_width().saturating_sub(width);
    let over = excess(table);
    if over == 0 {
        return;
    }
    let target = error_width.saturating_sub(over).max(MIN_ERROR_WIDTH);
    if target < error_width {
        table.modify(
            Columns::one(ERROR_COLUMN),
            Width::wrap(target).keep_words(true),
        );
    }
    let over = excess(table);
    if over > 0 {
        let target = connection_width
            .saturating_sub(over)
            .max(MIN_CONNECTION_WIDTH);
        if target < connection_width {
            table.modify(
                Columns::one(CONNECTION_COLUMN),
                Width::truncate(target).suffix("…"),
            );
        }
    }
    if excess(table) > 0 {
        table.with(Width::wrap(width).priority(Priority::max(true)));
    }
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
        assert_eq!(text.lines().count(), 3 + 1 + 2 + 1, "one line per row");
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
        assert!(text.lines().count() > 7, "the error wrapped:\n{text}");
    }

    #[test]
    fn narrow_terminals_cut_connection_names_then_wrap_everything() {
        let text = render(TableStyle {
            width: Some(100),
            ..TableStyle::default()
        });
        assert!(widest_line(&text) <= 100, "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("64b0c0ffee0000000000000a"), "{text}");
        let tiny = render(TableStyle {
            width: Some(40),
            ..TableStyle::default()
        });
        assert!(widest_line(&tiny) <= 40, "{tiny}");
    }

    #[test]
    fn statuses_are_coloured_only_when_asked() {
        let text = render(TableStyle {
            color: true,
            ..TableStyle::default()
        });
        assert!(text.contains("\u{1b}[32mACTIVE\u{1b}[39m"), "{text:?}");
        assert!(text.contains("\u{1b}[31mFAILED\u{1b}[39m"), "{text:?}");
        assert!(text.contains("\u{1b}[33mINITIATING\u{1b}[39m"), "{text:?}");
        assert!(!render(TableStyle::default()).contains('\u{1b}'));
    }

    #[test]
    fn no_headers_drops_the_header_row() {
        let text = render(TableStyle {
            headers: false,
            ..TableStyle::default()
        });
        assert!(!text.contains("CONNECTION NAME"));
        assert_eq!(text.lines().count(), 3 + 2);
    }

    #[test]
    fn unknown_statuses_stay_plain() {
        assert!(status_color("SOMETHING_NEW").is_none());
        assert!(status_color("PENDING_RECREATION").is_some());
    }
}
