//! Server text made safe for a terminal: control characters and the invisible characters that
//! reorder or hide text are escaped, so a hostile answer cannot redraw the screen, split a
//! tab-separated field or make a message read differently from what it says.

/// Makes the first bytes of a body safe to print: control characters (and the invisible
/// characters that reorder or hide text) escaped, length capped.
pub fn printable_snippet(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

/// Server text made safe for a terminal, a table cell or a tab-separated line: control and
/// invisible formatting characters escaped, nothing cut.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    out
}

/// One word of a command for a POSIX shell, as printed for the user to run: as it is when it
/// holds only safe characters, else in single quotes. `None` for a word with a control or
/// invisible character, which no printed command may carry (it could redraw the screen).
pub fn shell_word(word: &str) -> Option<String> {
    if word
        .chars()
        .any(|c| c.is_control() || is_invisible_format_char(c))
    {
        return None;
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        Some(word.to_string())
    } else {
        Some(format!("'{}'", word.replace('\'', r"'\''")))
    }
}

fn push_printable(out: &mut String, c: char) {
    if c.is_control() || is_invisible_format_char(c) {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// Zero-width characters, bidirectional overrides and the byte-order mark: printed raw they can
/// make a message read differently from what it says.
fn is_invisible_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_terminal_controls_and_tabs() {
        assert_eq!(
            printable("ok\tA\x1b[2J\u{202e}"),
            "ok\\tA\\u{1b}[2J\\u{202e}"
        );
        assert_eq!(printable("US_EAST_1"), "US_EAST_1");
    }

    #[test]
    fn snippets_escape_control_characters() {
        assert_eq!(
            printable_snippet(b"<html>\n\x1b[31m", 100),
            "<html>\\n\\u{1b}[31m"
        );
        assert_eq!(printable_snippet(b"abcdef", 3), "abc…");
        assert_eq!(
            printable_snippet("a\u{202e}b\u{200b}".as_bytes(), 10),
            "a\\u{202e}b\\u{200b}"
        );
        assert_eq!(printable_snippet(b"\xff\x00", 10), "\u{fffd}\\u{0}");
    }
}
