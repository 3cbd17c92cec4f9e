//! Faults waiting to be consumed. A request consumes a fault only after it passed authentication
//! and validation, so a test can count exactly which requests fail however many 401 challenges the
//! client goes through.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::faults::answers::faulty_outcome;
use crate::faults::kinds::{Fault, FaultKind, Route};
use crate::http::reply::Outcome;
use crate::mutex::lock;

/// Faults waiting to be consumed, in the order they were injected.
#[derive(Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.queue.push_back(fault);
        }
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Consumes one use of the oldest fault that applies to `route`.
    pub fn take(&mut self, route: Route) -> Option<FaultKind> {
        let index = self
            .queue
            .iter()
            .position(|f| f.route == Route::Any || f.route == route)?;
        let fault = &mut self.queue[index];
        fault.count -= 1;
        let kind = fault.kind.clone();
        if fault.count == 0 {
            self.queue.remove(index);
        }
        Some(kind)
    }
}

/// What the next fault for a route does to a request.
pub(crate) enum Consumed {
    /// No fault, or a delay that has passed: answer normally.
    Proceed,
    /// Answer normally, then drop the connection instead of sending the answer.
    DropAfterHandling,
    /// This answer replaces the real one.
    Replace(Outcome),
}

/// Consumes the next fault for `route`, if any, waiting out a delay.
pub(crate) async fn consume(faults: &Mutex<FaultQueue>, route: Route) -> Consumed {
    let Some(kind) = lock(faults).take(route) else {
        return Consumed::Proceed;
    };
    match kind {
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            Consumed::Proceed
        }
        FaultKind::DropAfterHandling => Consumed::DropAfterHandling,
        other => faulty_outcome(&other).map_or(Consumed::Proceed, Consumed::Replace),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(kind: Option<FaultKind>) -> Option<u16> {
        match kind {
            Some(FaultKind::Status { status, .. }) => Some(status),
            _ => None,
        }
    }

    #[test]
    fn faults_are_consumed_in_order_per_route() {
        let mut queue = FaultQueue::default();
        let fault = |route, status, count| Fault {
            route,
            kind: FaultKind::Status {
                status,
                retry_after: None,
            },
            count,
        };
        queue.push(fault(Route::Get, 500, 2));
        queue.push(fault(Route::Any, 503, 1));
        queue.push(fault(Route::Get, 504, 0));
        assert_eq!(status(queue.take(Route::List)), Some(503));
        assert_eq!(status(queue.take(Route::Get)), Some(500));
        assert_eq!(status(queue.take(Route::Get)), Some(500));
        assert_eq!(status(queue.take(Route::Get)), None);
    }
}
