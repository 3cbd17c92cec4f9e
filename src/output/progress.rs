//! What a wait shows while it runs, on stderr: live spinner lines on a terminal, plain lines in a
//! log.
//!
//! A person at a terminal wants one line per endpoint that updates in place (spinner, label,
//! status, elapsed time). A CI log wants one line per status change and nothing else, so that a
//! ten-minute wait is a handful of lines, not hundreds. Stdout is never touched: it carries only
//! the final result, so `-o json` stays parseable.

use crate::commands::ProgressSink;
use crate::output::quiet_ctrl_c::QuietCtrlC;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const SPINNER_TICKS: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", "•"];
const TICK_EVERY: Duration = Duration::from_millis(120);

/// The progress display of one wait, one entry per endpoint.
pub struct Progress {
    display: Display,
    started: Instant,
    labels: Vec<String>,
    statuses: Vec<Option<String>>,
}

enum Display {
    Live {
        multi: MultiProgress,
        bars: Vec<ProgressBar>,
        /// Dropped with the live lines, which restores the terminal.
        _quiet: QuietCtrlC,
    },
    Lines(Box<dyn Write>),
}

impl Progress {
    /// Live lines when stderr is a terminal, plain lines otherwise.
    pub fn on_stderr(labels: Vec<String>) -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::live(labels)
        } else {
            Progress::lines(labels, Box::new(std::io::stderr()))
        }
    }

    /// One plain line per status change, written to `out`.
    pub fn lines(labels: Vec<String>, out: Box<dyn Write>) -> Progress {
        Progress {
            statuses: vec![None; labels.len()],
            display: Display::Lines(out),
            started: Instant::now(),
            labels,
        }
    }

    fn live(labels: Vec<String>) -> Progress {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix} {msg} ({elapsed})")
            .map(|s| s.tick_strings(SPINNER_TICKS))
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bars = labels
            .iter()
            .map(|label| {
                let bar = multi.add(
                    ProgressBar::new_spinner()
                        .with_style(style.clone())
                        .with_prefix(label.clone())
                        .with_message("waiting"),
                );
                bar.enable_steady_tick(TICK_EVERY);
                bar
            })
            .collect();
        Progress {
            statuses: vec![None; labels.len()],
            display: Display::Live {
                multi,
                bars,
                _quiet: QuietCtrlC::on_stderr(),
            },
            started: Instant::now(),
            labels,
        }
    }

    /// Records the status of entry `index`; shown only when it differs from the last one.
    pub fn status(&mut self, index: usize, status: &str) {
        let status = crate::escape::printable(status);
        let status = status.as_str();
        let Some(last) = self.statuses.get_mut(index) else {
            return;
        };
        if last.as_deref() == Some(status) {
            return;
        }
        *last = Some(status.to_string());
        let elapsed = Duration::from_secs(self.started.elapsed().as_secs());
        match &mut self.display {
            Display::Live { bars, .. } => {
                if let Some(bar) = bars.get(index) {
                    bar.set_message(status.to_string());
                }
            }
            Display::Lines(out) => {
                let label = &self.labels[index];
                let _ = writeln!(
                    out,
                    "{label}: {status} after {}",
                    humantime::format_duration(elapsed)
                );
            }
        }
    }

    /// Replaces the label of entry `index` (for example once its region is known).
    pub fn relabel(&mut self, index: usize, label: &str) {
        let Some(current) = self.labels.get_mut(index) else {
            return;
        };
        if current == label {
            return;
        }
        *current = label.to_string();
        if let Display::Live { bars, .. } = &self.display
            && let Some(bar) = bars.get(index)
        {
            bar.set_prefix(label.to_string());
        }
    }

    /// Stops the spinner of entry `index`, leaving its last line in place.
    pub fn done(&mut self, index: usize, summary: &str) {
        let summary = crate::escape::printable(summary);
        let summary = summary.as_str();
        if let Display::Live { bars, .. } = &self.display {
            if let Some(bar) = bars.get(index) {
                bar.finish_with_message(summary.to_string());
            }
            return;
        }
        self.status(index, summary);
    }

    /// A message above the live lines (or one more plain line).
    pub fn note(&mut self, text: &str) {
        match &mut self.display {
            Display::Live { multi, .. } => {
                let _ = multi.println(text);
            }
            Display::Lines(out) => {
                let _ = writeln!(out, "{text}");
            }
        }
    }

    /// Stops every spinner that is still running, so the final result prints below them.
    pub fn finish(self) {
        if let Display::Live { bars, .. } = &self.display {
            for bar in bars.iter().filter(|b| !b.is_finished()) {
                bar.abandon();
            }
        }
    }

    /// Erases every live line, finished or not, leaving the cursor where the first one was
    /// (plain lines in a log stay: they are a record, not a display).
    pub fn clear(self) {
        if let Display::Live { multi, bars, .. } = &self.display {
            for bar in bars {
                bar.finish_and_clear();
            }
            let _ = multi.clear();
        }
    }
}

/// What commands report their progress to in a real run: nothing on screen until a wait
/// begins, then a [`Progress`] on stderr; remarks before that are plain stderr lines.
#[derive(Default)]
pub struct StderrProgress {
    current: Option<Progress>,
}

impl ProgressSink for StderrProgress {
    fn plan(&mut self, diff: &crate::commands::declared::Diff) {
        let mut text = Vec::new();
        let _ = crate::output::state::write_plan_lines(&mut text, diff, None);
        self.note(String::from_utf8_lossy(&text).trim_end());
    }

    fn begin(&mut self, labels: Vec<String>) {
        self.finish();
        self.current = Some(Progress::on_stderr(labels));
    }

    fn note(&mut self, text: &str) {
        match &mut self.current {
            Some(progress) => progress.note(text),
            None => {
                let _ = writeln!(std::io::stderr(), "{text}");
            }
        }
    }

    fn status(&mut self, slot: usize, status: &str) {
        if let Some(progress) = &mut self.current {
            progress.status(slot, status);
        }
    }

    fn relabel(&mut self, slot: usize, label: &str) {
        if let Some(progress) = &mut self.current {
            progress.relabel(slot, label);
        }
    }

    fn done(&mut self, slot: usize, summary: &str) {
        if let Some(progress) = &mut self.current {
            progress.done(slot, summary);
        }
    }

    fn finish(&mut self) {
        if let Some(progress) = self.current.take() {
            progress.finish();
        }
    }

    fn clear(&mut self) {
        if let Some(progress) = self.current.take() {
            progress.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn plain_lines_only_on_change() {
        let out = Captured::default();
        let mut progress = Progress::lines(vec!["US_EAST_1 a".into()], Box::new(out.clone()));
        progress.status(0, "INITIATING");
        progress.status(0, "INITIATING");
        progress.status(0, "INITIATING");
        progress.relabel(0, "US_EAST_1 b");
        progress.done(0, "ACTIVE");
        progress.note("done");
        progress.finish();
        let text = out.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("US_EAST_1 a: INITIATING after "));
        assert!(lines[1].starts_with("US_EAST_1 b: ACTIVE after "));
        assert_eq!(lines[2], "done");
    }

    #[test]
    fn out_of_range_indexes_are_ignored() {
        let out = Captured::default();
        let mut progress = Progress::lines(vec![], Box::new(out.clone()));
        progress.status(3, "ACTIVE");
        progress.relabel(3, "x");
        progress.done(3, "x");
        assert_eq!(out.text(), "");
    }
}
