//! Response bodies from a hostile server: success bodies for every operation and error bodies,
//! whose messages must stay printable.
#![no_main]

use atlas_ear::{EndpointView, check_deletion, decode_endpoint, decode_page};
use atlas_ear::{ApiResponse, api_error};
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;

fuzz_target!(|data: &[u8]| {
    // First byte picks the status, the next up to 32 bytes (to a newline) are the content type.
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let cut = rest.iter().take(32).position(|&b| b == b'\n');
    let (content_type, body) = match cut {
        Some(n) => (Some(String::from_utf8_lossy(&rest[..n]).into_owned()), &rest[n + 1..]),
        None => (None, rest),
    };
    let success = 200 + u16::from(selector % 100);
    let response = || ApiResponse {
        status: StatusCode::from_u16(success).unwrap_or(StatusCode::OK),
        content_type: content_type.clone(),
        body: body.to_vec(),
    };
    if let Ok((items, _, _)) = decode_page(&response()) {
        for item in &items {
            let _ = EndpointView::from_json(item);
        }
    }
    let _ = check_deletion(&response());
    let _ = decode_endpoint(response());

    let failure = 300 + u16::from(selector) % 300;
    let message = api_error("GET", "http://127.0.0.1/x", failure, content_type.as_deref(), body)
        .to_string();
    assert!(!message.chars().any(|c| c.is_control() && c != '\n'));
});
