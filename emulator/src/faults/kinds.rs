//! The faults a test can inject, as the public API names them: what a fault does and which requests
//! it is aimed at.

use std::time::Duration;

/// A fault for the next `count` requests of `route`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub route: Route,
    pub kind: FaultKind,
    pub count: u32,
}

/// Which requests a fault applies to. `Any` matches every emulated operation and the token
/// endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Any,
    List,
    Create,
    Get,
    Delete,
    Token,
    /// `GET .../encryptionAtRest`.
    GetEncryptionAtRest,
    /// `PATCH .../encryptionAtRest`.
    UpdateEncryptionAtRest,
    /// `GET .../clusters`.
    ListClusters,
}

impl Route {
    /// Parses the name used by the control API (`any`, `list`, `create`, `get`, `delete`, `token`,
    /// `getEncryptionAtRest`, `updateEncryptionAtRest`, `listClusters`; any case).
    pub fn from_name(name: &str) -> Option<Route> {
        match name.to_ascii_lowercase().as_str() {
            "any" => Some(Route::Any),
            "list" => Some(Route::List),
            "create" => Some(Route::Create),
            "get" => Some(Route::Get),
            "delete" => Some(Route::Delete),
            "token" => Some(Route::Token),
            "getencryptionatrest" => Some(Route::GetEncryptionAtRest),
            "updateencryptionatrest" => Some(Route::UpdateEncryptionAtRest),
            "listclusters" => Some(Route::ListClusters),
            _ => None,
        }
    }
}

/// What a fault does to the request it hits.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer this status with an Atlas error body (429 uses errorCode `RATE_LIMITED`), and a
    /// `Retry-After` header when given. Statuses outside 400..=599 are answered as 500.
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Close the TCP connection without any response.
    DropConnection,
    /// Carry the request out (an endpoint is created or deleted), then close the connection
    /// without answering: the client cannot tell whether it worked, as when a response is lost.
    DropAfterHandling,
    /// 200 with an `application/json` body cut in the middle.
    TruncatedJson,
    /// 200 with an `application/json` body that is not JSON at all.
    MalformedJson,
    /// 200 with a `text/html` page, like a proxy or a login page would send.
    Html,
    /// A redirect: `status` (300..=399, otherwise 302) with this `Location` and no body, like a
    /// moved host or a single-sign-on page would send.
    Redirect { status: u16, location: String },
    /// 200 `application/json` with a body of `bytes` bytes: the start of a page, then spaces
    /// generated while sending, so the emulator never holds the body in memory. With `chunked`
    /// the length is not announced (no `Content-Length`), so only counting what arrives can stop
    /// a client.
    OversizedBody { bytes: u64, chunked: bool },
}
