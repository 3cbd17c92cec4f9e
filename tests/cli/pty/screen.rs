//! What a person would see: the bytes written to a pseudo-terminal replayed onto a grid of
//! cells, as a terminal draws them (text, line wrap at the right edge, carriage return, line
//! feed, and the cursor and erase sequences that progress lines use). A test can then assert
//! what is left on the screen, not only what went through the stream.
#![allow(dead_code)]

/// A terminal screen of a fixed width and unbounded height (nothing scrolls away).
pub struct Screen {
    width: usize,
    lines: Vec<Vec<char>>,
    row: usize,
    col: usize,
    /// The cursor is past the last column: the next character goes to the next line.
    pending_wrap: bool,
}

impl Screen {
    pub fn new(width: usize) -> Screen {
        Screen {
            width,
            lines: vec![Vec::new()],
            row: 0,
            col: 0,
            pending_wrap: false,
        }
    }

    /// Replays `bytes` (UTF-8 text with control sequences) onto the screen.
    pub fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => self.carriage_return(),
                '\n' => self.line_feed(),
                '\u{8}' => {
                    self.pending_wrap = false;
                    self.col = self.col.saturating_sub(1);
                }
                '\t' => {
                    let next = (self.col / 8 + 1) * 8;
                    self.col = next.min(self.width - 1);
                }
                // Escapes other than control sequences (charset selection, save/restore)
                // take one more character and change no cell.
                '\u{1b}' => {
                    if chars.next() == Some('[') {
                        let mut params = String::new();
                        let mut last = None;
                        for p in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&p) {
                                last = Some(p);
                                break;
                            }
                            params.push(p);
                        }
                        if let Some(command) = last {
                            self.control_sequence(&params, command);
                        }
                    }
                }
                c if c.is_control() => {}
                c => self.put(c),
            }
        }
    }

    /// Every line of the screen, trailing blanks removed, trailing empty lines dropped.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| l.iter().collect::<String>().trim_end().to_string())
            .collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }

    fn line(&mut self) -> &mut Vec<char> {
        while self.lines.len() <= self.row {
            self.lines.push(Vec::new());
        }
        &mut self.lines[self.row]
    }

    fn put(&mut self, c: char) {
        if self.pending_wrap {
            self.pending_wrap = false;
            self.col = 0;
            self.row += 1;
        }
        let col = self.col;
        let line = self.line();
        if line.len() <= col {
            line.resize(col + 1, ' ');
        }
        line[col] = c;
        if self.col + 1 == self.width {
            self.pending_wrap = true;
        } else {
            self.col += 1;
        }
    }

    fn carriage_return(&mut self) {
        self.pending_wrap = false;
        self.col = 0;
    }

    fn line_feed(&mut self) {
        self.pending_wrap = false;
        self.row += 1;
        self.line();
    }

    fn control_sequence(&mut self, params: &str, command: char) {
        self.pending_wrap = false;
        if params.starts_with('?') {
            return; // private modes: cursor visibility and the like
        }
        let numbers: Vec<usize> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
        let n = numbers.first().copied().unwrap_or(0);
        let count = n.max(1);
        match command {
            'A' => self.row = self.row.saturating_sub(count),
            'B' => {
                self.row += count;
                self.line();
            }
            'C' => self.col = (self.col + count).min(self.width - 1),
            'D' => self.col = self.col.saturating_sub(count),
            'G' => self.col = (count - 1).min(self.width - 1),
            'K' => self.erase_in_line(n),
            'J' => self.erase_in_display(n),
            _ => {} // colours (m) and anything else leave the cells alone
        }
    }

    fn erase_in_line(&mut self, mode: usize) {
        let col = self.col;
        let line = self.line();
        match mode {
            0 => line.truncate(col),
            1 => line.iter_mut().take(col + 1).for_each(|c| *c = ' '),
            _ => line.clear(),
        }
    }

    fn erase_in_display(&mut self, mode: usize) {
        match mode {
            0 => {
                self.erase_in_line(0);
                self.lines.truncate(self.row + 1);
            }
            1 => {
                for line in &mut self.lines[..self.row] {
                    line.clear();
                }
                self.erase_in_line(1);
            }
            _ => self.lines.iter_mut().for_each(Vec::clear),
        }
    }
}

#[test]
fn the_screen_model_wraps_moves_and_erases_as_a_terminal_does() {
    let mut screen = Screen::new(4);
    screen.feed(b"abcd");
    assert_eq!(screen.lines(), ["abcd"], "the cursor waits at the edge");
    screen.feed(b"e\r\n");
    assert_eq!(screen.lines(), ["abcd", "e"]);
    screen.feed(b"x\x1b[2A\r\x1b[2Kz\x1b[1B\x1b[31mq\x1b[0m");
    assert_eq!(screen.lines(), ["z", "eq", "x"]);
    screen.feed(b"\r\x1b[J");
    assert_eq!(screen.lines(), ["z"]);
}
