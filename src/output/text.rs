//! Measuring cells, and fitting free text to a width: wrapped between words, or cut with an
//! ellipsis. Used by every table (`grid.rs`) and by `plan`'s lines; keys are measured here,
//! never cut or wrapped.

/// The widest line of `text`, in characters.
pub fn text_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Greedy word wrap; a word longer than the line is split.
pub fn wrap_words(text: &str, width: usize) -> String {
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
pub fn truncate(text: &str, width: usize) -> String {
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

    #[test]
    fn words_wrap_and_long_words_split() {
        assert_eq!(wrap_words("a bb ccc dddd", 6), "a bb\nccc\ndddd");
        assert_eq!(wrap_words("abcdefgh", 3), "abc\ndef\ngh");
        assert_eq!(wrap_words("", 3), "");
        assert_eq!(truncate("vpce-0123456789", 8), "vpce-01…");
        assert_eq!(truncate("short", 8), "short");
    }
}
