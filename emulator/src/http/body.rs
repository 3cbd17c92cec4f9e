//! The body of an answer: bytes held in memory, optionally followed by filler generated while it
//! is sent. The filler lets a fault send a body far larger than the client's read cap without the
//! emulator ever holding it: hyper pulls the next chunk only when the socket can take it.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// Size of one filler chunk; all chunks share this one static buffer of spaces (valid JSON
/// whitespace), so streaming allocates nothing.
const CHUNK: usize = 64 * 1024;
static SPACES: [u8; CHUNK] = [b' '; CHUNK];

pub(crate) struct ReplyBody {
    head: Option<Bytes>,
    filler_left: u64,
    /// Whether the total length is announced; when not, hyper sends the body chunked.
    length_known: bool,
}

impl ReplyBody {
    pub fn full(bytes: Bytes) -> Self {
        ReplyBody {
            head: Some(bytes),
            filler_left: 0,
            length_known: true,
        }
    }

    /// `head`, then `filler` bytes of spaces generated on the fly.
    pub fn with_filler(head: Bytes, filler: u64, length_known: bool) -> Self {
        ReplyBody {
            head: Some(head),
            filler_left: filler,
            length_known,
        }
    }
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(head) = self.head.take().filter(|h| !h.is_empty()) {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        if self.filler_left == 0 {
            return Poll::Ready(None);
        }
        let n = usize::try_from(self.filler_left).map_or(CHUNK, |left| left.min(CHUNK));
        self.filler_left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&SPACES[..n])))))
    }

    fn is_end_stream(&self) -> bool {
        self.head.as_ref().is_none_or(Bytes::is_empty) && self.filler_left == 0
    }

    fn size_hint(&self) -> SizeHint {
        let head = self.head.as_ref().map_or(0, |h| h.len() as u64);
        if self.length_known {
            SizeHint::with_exact(head + self.filler_left)
        } else {
            SizeHint::new()
        }
    }
}
