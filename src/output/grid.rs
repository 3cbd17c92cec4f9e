//! Tables that fit: the one layout every table of the tool goes through (endpoints, the report
//! of `apply`, `config show`), so that they all follow the same rules.
//!
//! First the shape, the same at any width: a column that is empty on every row is dropped, and
//! a context column (provider, project) that holds one value on every row becomes a caption
//! line above the table (`provider: AWS`). Then the width, when there is one to fit (a
//! terminal): the bordered table if it fits once free text gives way (error messages wrap,
//! connection names are cut with an ellipsis, each not below its minimum); else a borderless
//! table with the key columns on each row and free text on indented lines under it; else one
//! block per row. Key cells (ids, regions, statuses, actions) are never cut or wrapped: people
//! copy them, and a status split over two lines no longer reads as one.

use crate::output::text::{text_width, truncate, wrap_words};
use std::io::{self, Write};
use tabled::builder::Builder;
use tabled::settings::{Color, Style};

/// What a column holds, which decides how it may give way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Never cut or wrapped.
    Key,
    /// A key that becomes a caption when every row holds the same value.
    Context,
    /// Free text cut with an ellipsis, not below `min` characters.
    Cut,
    /// Free text wrapped between words, not below `min` characters.
    Wrap,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub role: Role,
    /// Narrowest a free-text column is shrunk to in the bordered table.
    pub min: usize,
}

impl Column {
    pub const fn key(header: &'static str) -> Column {
        Column {
            header,
            role: Role::Key,
            min: 0,
        }
    }
    pub const fn context(header: &'static str) -> Column {
        Column {
            header,
            role: Role::Context,
            min: 0,
        }
    }
    pub const fn cut(header: &'static str, min: usize) -> Column {
        Column {
            header,
            role: Role::Cut,
            min,
        }
    }
    pub const fn wrap(header: &'static str, min: usize) -> Column {
        Column {
            header,
            role: Role::Wrap,
            min,
        }
    }
    fn is_free(&self) -> bool {
        matches!(self.role, Role::Cut | Role::Wrap)
    }
}

/// How a table is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    pub headers: bool,
    pub color: bool,
    /// Total width to fit, or `None` for no limit (never wrap).
    pub width: Option<usize>,
}

impl TableStyle {
    /// The style `-o table` asks for: headers, colour and the terminal's width as resolved.
    pub fn of(presentation: &crate::settings::presentation::Presentation) -> TableStyle {
        TableStyle {
            headers: presentation.headers,
            color: presentation.color,
            width: presentation.width,
        }
    }
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

/// The colour of a cell's text, if it has one (a status).
pub type Paint = fn(&str) -> Option<Color>;

/// A table's columns and rows, with the colour of each cell that has one (statuses).
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// The column whose cells are coloured by `paint`, when colour is allowed.
    pub painted: Option<(usize, Paint)>,
}

/// Writes the caption (if any) and the table, laid out as the module comment says.
pub fn write_grid(out: &mut impl Write, grid: Grid, style: &TableStyle) -> io::Result<()> {
    let (caption, grid) = shape(grid, style.headers);
    if !caption.is_empty() {
        writeln!(out, "{}", caption.join("  "))?;
    }
    let natural = natural_widths(&grid, style.headers);
    let Some(width) = style.width else {
        return bordered(out, &grid, &natural, style);
    };
    if let Some(widths) = bordered_widths(&grid.columns, &natural, width) {
        return bordered(out, &grid, &widths, style);
    }
    let keys: Vec<usize> = (0..grid.columns.len())
        .filter(|c| !grid.columns[*c].is_free())
        .collect();
    let key_width: usize =
        keys.iter().map(|c| natural[*c]).sum::<usize>() + GAP * keys.len().saturating_sub(1);
    if key_width <= width {
        // Free text whole on the row when it still fits there, else under the row.
        let mut used = key_width;
        let mut inline = Vec::new();
        for (c, (column, wide)) in grid.columns.iter().zip(&natural).enumerate() {
            if !column.is_free() {
                inline.push(c);
            } else if used + GAP + wide <= width {
                used += GAP + wide;
                inline.push(c);
            }
        }
        compact(out, &grid, &inline, &natural, style, width)
    } else {
        records(out, &grid, style, width)
    }
}

/// Drops the columns empty on every row and turns uniform context columns into captions
/// (only with headers: without them a caption would be the one unlabelled line that is not a
/// row, so the column stays).
fn shape(grid: Grid, headers: bool) -> (Vec<String>, Grid) {
    if grid.rows.is_empty() {
        return (Vec::new(), grid);
    }
    let mut caption = Vec::new();
    let mut kept = Vec::new();
    for (c, column) in grid.columns.iter().enumerate() {
        let first = &grid.rows[0][c];
        let uniform = grid.rows.iter().all(|row| &row[c] == first);
        if uniform && first.is_empty() {
            continue;
        }
        if uniform && headers && column.role == Role::Context {
            caption.push(format!("{}: {first}", column.header.to_lowercase()));
            continue;
        }
        kept.push(c);
    }
    let painted = grid.painted.and_then(|(column, paint)| {
        let at = kept.iter().position(|c| *c == column)?;
        Some((at, paint))
    });
    let shaped = Grid {
        columns: kept.iter().map(|c| grid.columns[*c]).collect(),
        rows: grid
            .rows
            .iter()
            .map(|row| kept.iter().map(|c| row[*c].clone()).collect())
            .collect(),
        painted,
    };
    (caption, shaped)
}

fn natural_widths(grid: &Grid, headers: bool) -> Vec<usize> {
    (0..grid.columns.len())
        .map(|c| {
            let header = if headers {
                text_width(grid.columns[c].header)
            } else {
                0
            };
            grid.rows
                .iter()
                .map(|row| text_width(&row[c]))
                .chain([header])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Columns between borders in the bordered table: the rules and one space each side of a cell.
fn frame(columns: usize) -> usize {
    3 * columns + 1
}

/// The widths of a bordered table that fits `width`: wrapped text gives way first, then cut
/// text, each down to its minimum; `None` when that is not enough.
pub fn bordered_widths(columns: &[Column], natural: &[usize], width: usize) -> Option<Vec<usize>> {
    let mut widths = natural.to_vec();
    let total = |widths: &[usize]| frame(widths.len()) + widths.iter().sum::<usize>();
    for role in [Role::Wrap, Role::Cut] {
        for (c, column) in columns.iter().enumerate() {
            let over = total(&widths).saturating_sub(width);
            if column.role == role && over > 0 {
                let floor = column.min.min(natural[c]);
                widths[c] = widths[c].saturating_sub(over).max(floor);
            }
        }
    }
    (total(&widths) <= width).then_some(widths)
}

fn bordered(
    out: &mut impl Write,
    grid: &Grid,
    widths: &[usize],
    style: &TableStyle,
) -> io::Result<()> {
    let mut builder = Builder::default();
    if style.headers {
        builder.push_record(
            grid.columns
                .iter()
                .enumerate()
                .map(|(c, column)| fit_cell(column.header, Role::Wrap, widths[c])),
        );
    }
    for row in &grid.rows {
        builder.push_record(
            row.iter()
                .enumerate()
                .map(|(c, cell)| fit_cell(cell, grid.columns[c].role, widths[c])),
        );
    }
    let mut table = builder.build();
    if style.headers {
        table.with(Style::rounded());
    } else {
        // The rule under the first row marks the header; without one it would split the data.
        table.with(Style::rounded().remove_horizontals());
    }
    if style.color
        && let Some((column, paint)) = grid.painted
    {
        let first_row = usize::from(style.headers);
        for (n, row) in grid.rows.iter().enumerate() {
            if let Some(color) = paint(&row[column]) {
                table.modify((first_row + n, column), color);
            }
        }
    }
    writeln!(out, "{table}")
}

/// A cell narrowed to `width` as its role allows; key cells are returned whole.
fn fit_cell(text: &str, role: Role, width: usize) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    match role {
        Role::Key | Role::Context => text.to_string(),
        Role::Cut => truncate(text, width),
        Role::Wrap => wrap_words(text, width),
    }
}

/// Spaces between the columns of the borderless table.
const GAP: usize = 2;
/// Narrowest free text is wrapped to under a row, however narrow the terminal.
const MIN_DETAIL_WIDTH: usize = 20;

/// The borderless table: the `inline` columns on each row, then each non-empty free-text cell
/// of the row that is not inline on its own indented, labelled lines, wrapped to `width`.
fn compact(
    out: &mut impl Write,
    grid: &Grid,
    inline: &[usize],
    natural: &[usize],
    style: &TableStyle,
    width: usize,
) -> io::Result<()> {
    let line = |cells: Vec<(usize, &str)>, paint: bool| -> String {
        let mut text = String::new();
        for (n, (c, cell)) in cells.into_iter().enumerate() {
            if n > 0 {
                text.push_str(&" ".repeat(GAP));
            }
            if paint {
                text.push_str(&painted(grid, style, c, cell));
            } else {
                text.push_str(cell);
            }
            text.push_str(&" ".repeat(natural[c].saturating_sub(text_width(cell))));
        }
        text.trim_end().to_string()
    };
    if style.headers {
        let headers = inline
            .iter()
            .map(|c| (*c, grid.columns[*c].header))
            .collect();
        writeln!(out, "{}", line(headers, false))?;
    }
    for row in &grid.rows {
        let cells = inline.iter().map(|c| (*c, row[*c].as_str())).collect();
        writeln!(out, "{}", line(cells, true))?;
        for (c, column) in grid.columns.iter().enumerate() {
            if column.is_free() && !inline.contains(&c) && !row[c].is_empty() {
                write_labelled(out, 2, column.header, &row[c], width)?;
            }
        }
    }
    Ok(())
}

/// One block per row, for a terminal narrower than the key columns side by side: the first
/// cell as a heading, every other non-empty cell under it as `label: value`.
fn records(out: &mut impl Write, grid: &Grid, style: &TableStyle, width: usize) -> io::Result<()> {
    for row in &grid.rows {
        writeln!(out, "{}", painted(grid, style, 0, &row[0]))?;
        for (c, column) in grid.columns.iter().enumerate().skip(1) {
            if row[c].is_empty() {
                continue;
            }
            if column.is_free() {
                write_labelled(out, 2, column.header, &row[c], width)?;
            } else {
                let label = column.header.to_lowercase();
                writeln!(out, "  {label}: {}", painted(grid, style, c, &row[c]))?;
            }
        }
    }
    Ok(())
}

/// `  label: text`, the text wrapped with a hanging indent under its first character; a word
/// too long for that (a connection name) starts on the next line instead, where it may fit.
fn write_labelled(
    out: &mut impl Write,
    indent: usize,
    header: &str,
    text: &str,
    width: usize,
) -> io::Result<()> {
    let lead = format!("{}{}: ", " ".repeat(indent), header.to_lowercase());
    let room = width.saturating_sub(text_width(&lead));
    let longest = text.split_whitespace().map(text_width).max().unwrap_or(0);
    let (first, hang, room) = if longest > room && room < width.saturating_sub(indent + 2) {
        writeln!(out, "{}", lead.trim_end())?;
        let hang = " ".repeat(indent + 2);
        let room = width.saturating_sub(hang.len());
        (hang.clone(), hang, room)
    } else {
        (lead.clone(), " ".repeat(text_width(&lead)), room)
    };
    let wrapped = wrap_words(text, room.max(MIN_DETAIL_WIDTH));
    for (n, piece) in wrapped.lines().enumerate() {
        let start = if n == 0 { &first } else { &hang };
        writeln!(out, "{start}{piece}")?;
    }
    Ok(())
}

/// `cell` coloured when colour is allowed and `column` is the painted one.
fn painted(grid: &Grid, style: &TableStyle, column: usize, cell: &str) -> String {
    match grid.painted {
        Some((at, paint)) if style.color && at == column => match paint(cell) {
            Some(color) => color.colorize(cell),
            None => cell.to_string(),
        },
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[[&str; 3]]) -> Grid {
        Grid {
            columns: vec![
                Column::key("ID"),
                Column::context("PROVIDER"),
                Column::wrap("NOTE", 8),
            ],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            painted: None,
        }
    }

    fn render(grid: Grid, style: TableStyle) -> String {
        let mut out = Vec::new();
        write_grid(&mut out, grid, &style).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_frame_matches_tabled() {
        let text = render(
            grid(&[["abc", "AWS", "x"], ["de", "AZURE", "yy"]]),
            TableStyle::default(),
        );
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert_eq!(widest, frame(3) + 3 + "PROVIDER".len() + "NOTE".len());
    }

    #[test]
    fn uniform_context_is_a_caption_and_empty_columns_go() {
        let text = render(
            grid(&[["a", "AWS", ""], ["b", "AWS", ""]]),
            TableStyle::default(),
        );
        assert!(text.starts_with("provider: AWS\n"), "{text}");
        assert!(
            !text.contains("NOTE") && !text.contains("PROVIDER"),
            "{text}"
        );
        let empty = render(grid(&[]), TableStyle::default());
        assert!(!empty.contains("provider:"), "no rows, no caption: {empty}");
    }

    #[test]
    fn free_text_gives_way_down_to_its_minimum_only() {
        let columns = [Column::key("K"), Column::wrap("W", 8), Column::cut("C", 6)];
        assert_eq!(
            bordered_widths(&columns, &[10, 20, 20], 100),
            Some(vec![10, 20, 20])
        );
        assert_eq!(
            bordered_widths(&columns, &[10, 20, 20], 40),
            Some(vec![10, 8, 12])
        );
        assert_eq!(bordered_widths(&columns, &[10, 20, 20], 33), None);
        assert_eq!(bordered_widths(&columns, &[10, 4, 4], 10), None);
    }

    #[test]
    fn long_words_start_on_their_own_line_under_the_label() {
        let mut out = Vec::new();
        write_labelled(
            &mut out,
            2,
            "CONNECTION NAME",
            "abcdefghijklmnopqrstuvwxyz0123",
            40,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  connection name:\n    abcdefghijklmnopqrstuvwxyz0123\n"
        );
        let mut out = Vec::new();
        write_labelled(&mut out, 2, "ERROR", "one two three four five six", 30).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  error: one two three four\n         five six\n"
        );
    }
}
