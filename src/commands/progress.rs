//! How a long command tells what it is doing while it runs. Commands talk to a
//! [`ProgressSink`]; `output/progress.rs` draws it on stderr (live lines on a terminal, one line
//! per change otherwise), and tests can capture it. Keeping the trait here lets commands report
//! progress without importing the layer that prints.

use crate::commands::declared::Diff;

/// Receives what a wait or a multi-region create is doing.
pub trait ProgressSink {
    /// The plan `apply` is about to carry out, shown before it asks and before anything is sent.
    fn plan(&mut self, diff: &Diff);
    /// Starts showing one line per endpoint, in this order; `slot`s below index these.
    fn begin(&mut self, labels: Vec<String>);
    /// A remark of its own line (what is being waited for, a Ctrl-C, a next step).
    fn note(&mut self, text: &str);
    /// The endpoint in `slot` has this status now.
    fn status(&mut self, slot: usize, status: &str);
    /// The endpoint in `slot` is now known by this label (its id became known).
    fn relabel(&mut self, slot: usize, label: &str);
    /// The endpoint in `slot` needs no more polls; `summary` is its last word.
    fn done(&mut self, slot: usize, summary: &str);
    /// Stops live lines, leaving each endpoint's last line in place; nothing more is shown for
    /// the endpoints begun.
    fn finish(&mut self);
    /// Like [`ProgressSink::finish`], but erases the live lines: after Ctrl-C the report that
    /// follows says where each endpoint stands.
    fn clear(&mut self) {
        self.finish();
    }
}
