//! The endpoints table: one row per endpoint, statuses coloured when asked, and a width that
//! fits the terminal.
//!
//! Fitting gives way where it loses least: first the ERROR column wraps (it holds long
//! sentences), then connection names are cut with an ellipsis, and only then does every
//! column but the id wrap, widest first. Ids stay whole as long as anything else can give,
//! because people copy them. Cells are wrapped here, before tabled lays them out, so that
//! lines break between words.

use crate::api::EndpointView;
use std::io::{self, Write};
use tabled::builder::Builder;
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
/// Borders and padding of a rounded table with six columns: seven rules, two spaces a cell.
const FRAME: usize = 7 + 2 * 6;

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
    let mut rows: Vec<[String; 6]> = Vec::with_capacity(views.len() + 1);
    if style.headers {
        rows.push(HEADERS.map(str::to_string));
    }
    rows.extend(views.iter().map(|v| {
        [
            v.id.clone(),
            v.provider.clone(),
            v.region.clone(),
            v.status.clone(),
            v.connection_name.clone(),
            v.error.clone(),
        ]
    }));
    let natural: [usize; 6] = std::array::from_fn(|column| {
        rows.iter()
            .map(|row| text_width(&row[column]))
            .max()
            .unwrap_or(0)
    });
    if let Some(width) = style.width {
        let widths = fitted_widths(natural, width);
        for row in &mut rows {
            for (column, cell) in row.iter_mut().enumerate() {
                if widths[column] < natural[column] {
                    *cell = if column == CONNECTION_COLUMN {
                        truncate(cell, widths[column])
                    } else {
                        wrap_words(cell, widths[column])
                    };
                }
            }
        }
    }
    let mut builder = Builder::default();
    for row in rows {
        builder.push_record(row);
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
        // A terminal narrower than an id: nothing can be kept whole any more.
        if table.total_width() > width {
            table.with(Width::wrap(width).priority(Priority::max(true)));
        }
    }
    writeln!(out, "{table}")
}

fn text_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Column widths that fit `width`, given the natural ones, in the order the module comment
/// gives: the error wraps (not below 16), connection names are cut (not below 10), then every
/// column but the id gives way, widest first, down to 3.
pub fn fitted_widths(natural: [usize; 6], width: usize) -> [usize; 6] {
    let mut widths = natural;
    let over = |widths: &[usize; 6]| (FRAME + widths.iter().sum::<usize>()).saturating_sub(width);
    for (column, min) in [
        (ERROR_COLUMN, MIN_ERROR_WIDTH),
        (CONNECTION_COLUMN, MIN_CONNECTION_WIDTH),
    ] {
        let shrunk = widths[column].saturating_sub(over(&widths)).max(min);
        widths[column] = shrunk.min(widths[column]);
    }
    while over(&widths) > 0 {
        let widest = widths
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, w)| **w > 3)
            .max_by_key(|(n, w)| (**w, *n))
            .map(|(n, _)| n);
        match widest {
            Some(column) => widths[column] -= 1,
            None => break,
        }
    }
    widths
}

/// Greedy word wrap; a word longer than the line is split.
fn wrap_words(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() {
            let used = line.chars().count();
            if used > 0 && used + 1 + rest.len() <= width {
                line.push(' ');
                line.extend(rest.drain(..));
            } else if used == 0 && rest.len() <= width {
                line.extend(rest.drain(..));
            } else if used > 0 {
                lines.push(std::mem::take(&mut line));
            } else {
                lines.push(rest.drain(..width).collect());
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// Cuts to `width` characters, the last one an ellipsis.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
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
    fn narrow_terminals_cut_connection_names_then_wrap_all_but_ids() {
        for width in [100, 80, 60] {
            let text = render(TableStyle {
                width: Some(width),
                ..TableStyle::default()
            });
            assert!(widest_line(&text) <= width, "{width}:\n{text}");
            assert!(text.contains('…'), "{width}:\n{text}");
            for id in ["64b0c0ffee0000000000000a", "64b0c0ffee0000000000000c"] {
                assert!(text.contains(id), "{width}: ids stay whole:\n{text}");
            }
        }
        let tiny = render(TableStyle {
            width: Some(30),
            ..TableStyle::default()
        });
        assert!(widest_line(&tiny) <= 30, "{tiny}");
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
    fn the_frame_constant_matches_tabled() {
        let text = render(TableStyle::default());
        let views = views();
        let longest = |f: fn(&EndpointView) -> &str, header: &str| {
            views
                .iter()
                .map(|v| f(v).len())
                .chain([header.len()])
                .max()
                .unwrap()
        };
        let natural = longest(|v| &v.id, "ID")
            + longest(|v| &v.provider, "PROVIDER")
            + longest(|v| &v.region, "REGION")
            + longest(|v| &v.status, "STATUS")
            + longest(|v| &v.connection_name, "CONNECTION NAME")
            + longest(|v| &v.error, "ERROR");
        assert_eq!(widest_line(&text), FRAME + natural);
    }

    #[test]
    fn words_wrap_and_long_words_split() {
        assert_eq!(wrap_words("a bb ccc dddd", 6), "a bb\nccc\ndddd");
        assert_eq!(wrap_words("abcdefgh", 3), "abc\ndef\ngh");
        assert_eq!(wrap_words("", 3), "");
        assert_eq!(truncate("vpce-0123456789", 8), "vpce-01…");
        assert_eq!(truncate("short", 8), "short");
    }

    #[test]
    fn unknown_statuses_stay_plain() {
        assert!(status_color("SOMETHING_NEW").is_none());
        assert!(status_color("PENDING_RECREATION").is_some());
    }
}
