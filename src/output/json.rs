//! `-o json` for a person at a terminal: indented, and coloured when colour is allowed. Piped,
//! the document is written exactly as before, compact on one line, because scripts and tests
//! compare those bytes.
//!
//! The indenting works on the JSON text itself, token by token, not on a parsed value: the
//! keys keep the order Atlas sent them in and numbers keep their spelling, so the terminal shows
//! the same document a pipe would get, only laid out.

use crate::settings::presentation::Presentation;
use std::io::{self, Write};

/// How a JSON document is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonStyle {
    /// Indented, one value per line (stdout is a terminal).
    pub pretty: bool,
    /// Keys, strings, numbers, booleans and null each in their colour (only when pretty).
    pub color: bool,
}

impl JsonStyle {
    /// Indented on a terminal; coloured there when colour is allowed. `--color always` or
    /// `CLICOLOR_FORCE` into a pipe leave JSON alone: it is data there, not a view.
    pub fn of(presentation: &Presentation) -> JsonStyle {
        JsonStyle {
            pretty: presentation.pretty_json,
            color: presentation.pretty_json && presentation.color,
        }
    }
}

const KEY: &str = "\u{1b}[1;34m";
const STRING: &str = "\u{1b}[32m";
const NUMBER: &str = "\u{1b}[36m";
const BOOLEAN: &str = "\u{1b}[33m";
const NULL: &str = "\u{1b}[90m";
const RESET: &str = "\u{1b}[0m";
const INDENT: &str = "  ";

/// Every `-o json` result goes out here: through `--jq` when one was given, else as
/// [`write_document`] lays it out for where stdout goes.
pub fn emit(
    out: &mut impl Write,
    compact: &str,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    match &presentation.jq {
        Some(filter) => filter.run(compact.as_bytes(), out),
        None => Ok(write_document(out, compact, JsonStyle::of(presentation))?),
    }
}

/// Writes `compact` (one valid JSON document) and a line break: unchanged unless `style` asks
/// for the terminal form.
pub fn write_document(out: &mut impl Write, compact: &str, style: JsonStyle) -> io::Result<()> {
    if !style.pretty {
        return writeln!(out, "{compact}");
    }
    writeln!(out, "{}", pretty(compact, style.color))
}

/// The document indented by two spaces a level; empty objects and arrays stay `{}` and `[]`.
pub fn pretty(json: &str, color: bool) -> String {
    let chars: Vec<char> = json.chars().collect();
    let paint = |text: &str, colour: &str| {
        if color {
            format!("{colour}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&INDENT.repeat(depth));
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                match next_significant(&chars, i + 1) {
                    Some(j) if chars[j] == close => {
                        out.push(c);
                        out.push(close);
                        i = j;
                    }
                    _ => {
                        out.push(c);
                        depth += 1;
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            '"' => {
                let end = string_end(&chars, i);
                let token: String = chars[i..end].iter().collect();
                let is_key = next_significant(&chars, end).is_some_and(|j| chars[j] == ':');
                out.push_str(&paint(&token, if is_key { KEY } else { STRING }));
                i = end;
                continue;
            }
            c if c.is_whitespace() => {}
            _ => {
                let end = (i..chars.len())
                    .find(|j| {
                        matches!(chars[*j], ',' | '}' | ']' | ':') || chars[*j].is_whitespace()
                    })
                    .unwrap_or(chars.len());
                let token: String = chars[i..end].iter().collect();
                let colour = match token.as_str() {
                    "true" | "false" => BOOLEAN,
                    "null" => NULL,
                    _ => NUMBER,
                };
                out.push_str(&paint(&token, colour));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The index just past the string that opens at `start`, escapes included.
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

fn next_significant(chars: &[char], from: usize) -> Option<usize> {
    (from..chars.len()).find(|i| !chars[*i].is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"results":[{"id":"a\"b","n":1.50,"ok":true,"gone":false,"x":null,"e":{},"l":[]}],"totalCount":1}"#;

    #[test]
    fn compact_is_written_unchanged() {
        let mut out = Vec::new();
        write_document(&mut out, DOC, JsonStyle::default()).unwrap();
        assert_eq!(out, format!("{DOC}\n").into_bytes());
        let mut out = Vec::new();
        let coloured_but_piped = JsonStyle {
            pretty: false,
            color: true,
        };
        write_document(&mut out, DOC, coloured_but_piped).unwrap();
        assert_eq!(out, format!("{DOC}\n").into_bytes());
    }

    #[test]
    fn pretty_keeps_order_and_spelling() {
        let text = pretty(DOC, false);
        assert_eq!(
            text,
            r#"{
  "results": [
    {
      "id": "a\"b",
      "n": 1.50,
      "ok": true,
      "gone": false,
      "x": null,
      "e": {},
      "l": []
    }
  ],
  "totalCount": 1
}"#
        );
        let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            reparsed,
            serde_json::from_str::<serde_json::Value>(DOC).unwrap()
        );
    }

    #[test]
    fn each_kind_has_its_colour() {
        let text = pretty(r#"{"k":"v","n":-2e3,"t":true,"z":null}"#, true);
        assert!(
            text.contains("\u{1b}[1;34m\"k\"\u{1b}[0m: \u{1b}[32m\"v\"\u{1b}[0m"),
            "{text:?}"
        );
        assert!(text.contains("\u{1b}[36m-2e3\u{1b}[0m"), "{text:?}");
        assert!(text.contains("\u{1b}[33mtrue\u{1b}[0m"), "{text:?}");
        assert!(text.contains("\u{1b}[90mnull\u{1b}[0m"), "{text:?}");
    }

    #[test]
    fn whitespace_in_the_body_does_not_matter_and_strings_keep_theirs() {
        let body = "{ \"a\" : [ 1 , 2 ] ,\n \"b\":\"x , y: {z}\" }";
        assert_eq!(
            pretty(body, false),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x , y: {z}\"\n}"
        );
    }
}
