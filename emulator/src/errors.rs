//! The Atlas error body (`ApiError` in the spec). Every error the emulator answers goes through here
//! so the shape (`detail`, `error`, `errorCode`, `parameters`, `reason`) can never drift.

use serde_json::{Map, Value, json};

/// One Atlas error response, before it is rendered.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub parameters: Vec<Value>,
    /// `(field, description)` pairs for `badRequestDetail.fields`.
    pub fields: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            detail: detail.into(),
            parameters: Vec::new(),
            fields: Vec::new(),
        }
    }

    pub fn with_parameters(mut self, parameters: Vec<Value>) -> Self {
        self.parameters = parameters;
        self
    }

    /// Adds a `badRequestDetail` field violation.
    pub fn with_field(mut self, field: &str, description: impl Into<String>) -> Self {
        self.fields.push((field.to_string(), description.into()));
        self
    }

    /// 404 for a path that is not one of the emulated routes (code and detail as the Atlas docs show).
    pub fn unknown_route(path: &str) -> Self {
        ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("Cannot find resource {path}."),
        )
        .with_parameters(vec![json!(path)])
    }

    /// The 400 used for path and query parameters that do not match the spec.
    pub fn invalid_parameter(code: &str, name: &str, value: &str, why: &str) -> Self {
        ApiError::new(
            400,
            code,
            format!("Invalid value {value:?} for {name}: {why}."),
        )
        .with_parameters(vec![json!(value), json!(name)])
        .with_field(name, why)
    }

    /// The error body a fault of kind `Status` answers with.
    pub fn for_status(status: u16) -> Self {
        let code = match status {
            429 => "RATE_LIMITED".to_string(),
            500 => "UNEXPECTED_ERROR".to_string(),
            _ => reason_phrase(status)
                .to_ascii_uppercase()
                .replace([' ', '-'], "_"),
        };
        let code = if code.is_empty() {
            "UNEXPECTED_ERROR".to_string()
        } else {
            code
        };
        ApiError::new(status, &code, format!("Injected {status} response."))
    }

    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("detail".into(), json!(self.detail));
        body.insert("error".into(), json!(self.status));
        body.insert("errorCode".into(), json!(self.code));
        body.insert("parameters".into(), Value::Array(self.parameters.clone()));
        body.insert("reason".into(), json!(reason_phrase(self.status)));
        if !self.fields.is_empty() {
            let fields: Vec<Value> = self
                .fields
                .iter()
                .map(|(field, description)| json!({"field": field, "description": description}))
                .collect();
            body.insert("badRequestDetail".into(), json!({ "fields": fields }));
        }
        Value::Object(body)
    }
}

/// The HTTP reason phrase Atlas puts in `reason`.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_atlas_fields() {
        let body = ApiError::new(409, "X_Y", "why")
            .with_parameters(vec![json!("a")])
            .to_json();
        assert_eq!(
            body,
            json!({"detail": "why", "error": 409, "errorCode": "X_Y", "parameters": ["a"], "reason": "Conflict"})
        );
    }

    #[test]
    fn fault_codes_follow_the_status() {
        assert_eq!(ApiError::for_status(429).code, "RATE_LIMITED");
        assert_eq!(ApiError::for_status(500).code, "UNEXPECTED_ERROR");
        assert_eq!(ApiError::for_status(502).code, "BAD_GATEWAY");
        assert_eq!(ApiError::for_status(503).code, "SERVICE_UNAVAILABLE");
        assert_eq!(ApiError::for_status(504).code, "GATEWAY_TIMEOUT");
    }
}
