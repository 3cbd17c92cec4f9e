//! Walking the pages of an Atlas list with bounds, shared by the endpoint list and the cluster
//! list: a server that keeps sending pages, repeats items or announces an impossible total is
//! stopped with an error naming the page, and a partial list is never returned as if whole. Also
//! decoding one page, and the error for any answer that is not what the API promises.

use crate::errors::TransportError;
use crate::escape::printable_snippet;
use crate::http::ApiResponse;
use anyhow::Result;
use serde_json::Value;
use std::collections::HashSet;

/// Largest page Atlas serves; fewer pages mean fewer round trips.
pub const ITEMS_PER_PAGE: usize = 500;

/// What is being listed and how much of it one list may hold.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// The item in messages: "endpoint", "cluster".
    pub noun: &'static str,
    /// The list in messages: "a list of private endpoints".
    pub list_name: &'static str,
    pub max_items: usize,
    pub max_bytes: usize,
}

/// Whether another page should be read.
#[derive(Debug, PartialEq, Eq)]
pub enum More {
    Yes,
    No,
}

/// The checks that keep one walk bounded, and what they have counted so far. The items
/// themselves are handed back page by page, so the caller keeps only what it needs of them.
pub struct PageWalk {
    bounds: Bounds,
    received: usize,
    total_count: Option<u64>,
    bytes: usize,
    seen_ids: HashSet<String>,
}

impl PageWalk {
    pub fn new(bounds: Bounds) -> PageWalk {
        PageWalk {
            bounds,
            received: 0,
            total_count: None,
            bytes: 0,
            seen_ids: HashSet::new(),
        }
    }

    /// The `totalCount` of the last page that had one.
    pub fn total_count(&self) -> Option<u64> {
        self.total_count
    }

    /// Checks page `page` (from 1) and returns its items and whether to read on, or says why
    /// the list cannot be trusted.
    pub fn take(&mut self, page: usize, response: &ApiResponse) -> Result<(Vec<Value>, More)> {
        let Bounds {
            noun,
            list_name,
            max_items,
            max_bytes,
        } = self.bounds;
        let stop = |why: String| {
            anyhow::Error::new(TransportError(format!(
                "listing stopped at page {page}: {why}; a partial list is never used"
            )))
        };
        self.bytes += response.body.len();
        if self.bytes > max_bytes {
            return Err(stop(format!(
                "the pages so far hold more than {} MiB, more than {list_name} can",
                max_bytes / (1024 * 1024)
            )));
        }
        let (items, count, has_next) = decode_page(response)?;
        let received = items.len();
        if let Some(total) = count {
            if total > max_items as u64 {
                return Err(stop(format!(
                    "the server reports totalCount {total}, more than the {max_items} {noun}s a list may hold"
                )));
            }
            self.total_count = Some(total);
        }
        if self.received + received > max_items {
            return Err(stop(format!(
                "the list would grow past {max_items} {noun}s"
            )));
        }
        for item in &items {
            let Some(id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            if !self.seen_ids.insert(id.to_string()) {
                return Err(stop(format!(
                    "the page repeats {noun} {} already received; the server is not paging forward",
                    printable_snippet(id.as_bytes(), 40)
                )));
            }
        }
        self.received += received;
        // Stop on the first sign that this was the last page. `totalCount` is documented as an
        // estimate, so a short page or a missing `next` link ends the walk as well.
        let short_page = received < ITEMS_PER_PAGE;
        let counted_all = self.total_count.is_some_and(|t| self.received as u64 >= t);
        let more = if received == 0 || short_page || counted_all || has_next == Some(false) {
            More::No
        } else {
            More::Yes
        };
        Ok((items, more))
    }
}

pub(super) fn not_what_the_api_promises(response: &ApiResponse, expected: &str) -> TransportError {
    TransportError(format!(
        "the server answered HTTP {} with {} that is not {expected}; body starts: {}",
        response.status.as_u16(),
        response
            .content_type
            .as_deref()
            .map(|c| format!("content type '{}'", printable_snippet(c.as_bytes(), 80)))
            .unwrap_or_else(|| "no content type".into()),
        if response.body.is_empty() {
            "(empty)".to_string()
        } else {
            printable_snippet(&response.body, 120)
        }
    ))
}

/// The items of one page, its `totalCount` if present, and whether a `next` link was present
/// (`None` when the page has no `links` at all).
pub fn decode_page(response: &ApiResponse) -> Result<(Vec<Value>, Option<u64>, Option<bool>)> {
    let Ok(Value::Object(mut page)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(not_what_the_api_promises(response, "a JSON page of results").into());
    };
    let Some(Value::Array(items)) = page.remove("results") else {
        return Err(not_what_the_api_promises(response, "a page with a 'results' array").into());
    };
    let total = page.get("totalCount").and_then(Value::as_u64);
    let has_next = page.get("links").and_then(Value::as_array).map(|links| {
        links
            .iter()
            .any(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
    });
    Ok((items, total, has_next))
}
