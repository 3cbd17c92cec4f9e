//! Validation of everything a request says beyond its route: path values, query parameters and the
//! create body, as strictly as the spec and the Atlas docs describe (unknown body fields are 400).

use serde_json::{Map, Value, json};

use crate::api::routes::{EndpointsTarget, Operation};
use crate::errors::ApiError;
use crate::http::incoming::Incoming;
use crate::model::ids::is_object_id;
use crate::model::regions::Provider;

const DEFAULT_ITEMS_PER_PAGE: usize = 100;
const MAX_ITEMS_PER_PAGE: usize = 500;

/// A request that passed validation.
#[derive(Debug)]
pub(crate) struct Validated {
    pub operation: Operation,
    pub group_id: String,
    pub provider: Provider,
    pub endpoint_id: Option<String>,
    pub envelope: bool,
    pub pretty: bool,
    pub page: Page,
    /// The region of a create request.
    pub region: Option<String>,
}

/// The list parameters, with the spec's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub include_count: bool,
    pub items_per_page: usize,
    pub page_num: usize,
}

/// Checks path values, then query parameters, then (for a create) the body.
pub(crate) fn validate(
    target: &EndpointsTarget<'_>,
    request: &Incoming,
) -> Result<Validated, ApiError> {
    let provider = path_values(target)?;
    let pairs = request.query_pairs();
    let envelope = boolean_param(&pairs, "envelope", false)?;
    let pretty = boolean_param(&pairs, "pretty", false)?;
    let page = if target.operation == Operation::List {
        page_params(&pairs)?
    } else {
        Page {
            include_count: true,
            items_per_page: DEFAULT_ITEMS_PER_PAGE,
            page_num: 1,
        }
    };
    let region = match target.operation {
        Operation::Create => Some(region_from_body(&request.body, provider)?),
        _ => None,
    };
    Ok(Validated {
        operation: target.operation,
        group_id: target.group_id.to_string(),
        provider,
        endpoint_id: target.endpoint_id.map(str::to_string),
        envelope,
        pretty,
        page,
        region,
    })
}

/// `groupId`, `cloudProvider` and `endpointId`, in that order.
fn path_values(target: &EndpointsTarget<'_>) -> Result<Provider, ApiError> {
    if !is_object_id(target.group_id) {
        return Err(ApiError::invalid_parameter(
            "INVALID_GROUP_ID",
            "groupId",
            target.group_id,
            "must be 24 lower-case hexadecimal characters",
        ));
    }
    let provider = Provider::parse(target.provider).ok_or_else(|| {
        ApiError::invalid_parameter(
            "INVALID_ENUM_VALUE",
            "cloudProvider",
            target.provider,
            "must be AWS or AZURE",
        )
    })?;
    if let Some(id) = target.endpoint_id.filter(|id| !is_object_id(id)) {
        return Err(ApiError::invalid_parameter(
            "INVALID_ENDPOINT_ID",
            "endpointId",
            id,
            "must be 24 lower-case hexadecimal characters",
        ));
    }
    Ok(provider)
}

/// `includeCount`, `itemsPerPage` and `pageNum` of a list, with the spec's defaults and bounds.
pub(crate) fn page_params(pairs: &[(&str, &str)]) -> Result<Page, ApiError> {
    Ok(Page {
        include_count: boolean_param(pairs, "includeCount", true)?,
        items_per_page: integer_param(
            pairs,
            "itemsPerPage",
            DEFAULT_ITEMS_PER_PAGE,
            1,
            MAX_ITEMS_PER_PAGE,
        )?,
        page_num: integer_param(pairs, "pageNum", 1, 1, usize::MAX)?,
    })
}

/// The last value given for `name`, if any.
fn last_value<'a>(pairs: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

pub(crate) fn boolean_param(
    pairs: &[(&str, &str)],
    name: &str,
    default: bool,
) -> Result<bool, ApiError> {
    match last_value(pairs, name) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::invalid_parameter(
            "INVALID_QUERY_PARAMETER",
            name,
            v,
            "must be true or false",
        )),
    }
}

fn integer_param(
    pairs: &[(&str, &str)],
    name: &str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(text) = last_value(pairs, name) else {
        return Ok(default);
    };
    let why = if max == usize::MAX {
        format!("must be an integer of at least {min}")
    } else {
        format!("must be an integer from {min} to {max}")
    };
    let refuse =
        |why: &str| ApiError::invalid_parameter("INVALID_QUERY_PARAMETER", name, text, why);
    // Digits only: `parse` alone would also take a leading `+`.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse(&why));
    }
    // A run of digits that does not fit is a number too large, and the answer says so.
    match text.parse::<usize>() {
        Ok(n) if n < min => Err(refuse(&why)),
        Ok(n) if n <= max => Ok(n),
        _ => Err(refuse(&format!("too large; the maximum is {max}"))),
    }
}

/// The create body must be a JSON object holding `regionName` (a region of `provider`) and nothing
/// else, except `cloudProvider`: it is read-only in the spec, but the Terraform provider sends it
/// and Atlas takes it, so it is accepted when it names the path's provider (in any case).
fn region_from_body(body: &[u8], provider: Provider) -> Result<String, ApiError> {
    let object = json_object(body)?;
    let known = |key: &str| key == "regionName" || key == "cloudProvider";
    if let Some(unknown) = object.keys().find(|k| !known(k)) {
        return Err(ApiError::new(
            400,
            "INVALID_ATTRIBUTE",
            format!("Invalid attribute {unknown} specified."),
        )
        .with_parameters(vec![json!(unknown)])
        .with_field(
            unknown,
            "unknown attribute; only regionName (and cloudProvider) may be sent",
        ));
    }
    if let Some(given) = object.get("cloudProvider") {
        body_provider_matches(given, provider)?;
    }
    let Some(region) = object.get("regionName") else {
        return Err(ApiError::new(
            400,
            "MISSING_ATTRIBUTE",
            "The required attribute regionName was not specified.",
        )
        .with_parameters(vec![json!("regionName")])
        .with_field("regionName", "required"));
    };
    match region.as_str() {
        Some(name) if provider.has_region(name) => Ok(name.to_string()),
        _ => {
            let shown = region
                .as_str()
                .map_or_else(|| region.to_string(), str::to_string);
            Err(ApiError::new(
                400,
                "INVALID_ENUM_VALUE",
                format!("Invalid value {shown:?} for regionName: not a {provider} region."),
            )
            .with_parameters(vec![json!(shown), json!("regionName")])
            .with_field(
                "regionName",
                format!("must be one of the {provider} regions"),
            ))
        }
    }
}

/// `cloudProvider` in a create body: `AWS` or `AZURE` in any case (else `INVALID_ENUM_VALUE`), and
/// the provider of the path (else `INVALID_ATTRIBUTE`, the code for a body attribute Atlas does not
/// take here).
fn body_provider_matches(given: &Value, provider: Provider) -> Result<(), ApiError> {
    let shown = given
        .as_str()
        .map_or_else(|| given.to_string(), str::to_string);
    let Some(named) = given
        .as_str()
        .and_then(|text| Provider::parse(&text.to_ascii_uppercase()))
    else {
        return Err(ApiError::new(
            400,
            "INVALID_ENUM_VALUE",
            format!("Invalid value {shown:?} for cloudProvider: must be AWS or AZURE."),
        )
        .with_parameters(vec![json!(shown), json!("cloudProvider")])
        .with_field("cloudProvider", "must be AWS or AZURE"));
    };
    if named != provider {
        return Err(ApiError::new(
            400,
            "INVALID_ATTRIBUTE",
            format!("cloudProvider {shown} in the body does not match {provider} in the path."),
        )
        .with_parameters(vec![json!("cloudProvider"), json!(shown)])
        .with_field(
            "cloudProvider",
            format!("must be {provider}, the provider in the path"),
        ));
    }
    Ok(())
}

/// A request body that must be a JSON object; 400 `INVALID_JSON` for anything else.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            400,
            "INVALID_JSON",
            "A request body is required.",
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            400,
            "INVALID_JSON",
            format!("Received JSON is malformed: {e}."),
        )
    })?;
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(ApiError::new(
            400,
            "INVALID_JSON",
            "The request body must be a JSON object.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_bodies() {
        let aws = Provider::Aws;
        assert_eq!(
            region_from_body(br#"{"regionName":"US_EAST_1"}"#, aws).unwrap(),
            "US_EAST_1"
        );
        let code = |body: &[u8]| region_from_body(body, aws).unwrap_err().code;
        assert_eq!(code(b""), "INVALID_JSON");
        assert_eq!(code(b"{\"regionName\":"), "INVALID_JSON");
        assert_eq!(code(b"[]"), "INVALID_JSON");
        assert_eq!(
            region_from_body(br#"{"regionName":"US_EAST_1","cloudProvider":"aws"}"#, aws).unwrap(),
            "US_EAST_1"
        );
        assert_eq!(
            code(br#"{"regionName":"US_EAST_1","cloudProvider":"AZURE"}"#),
            "INVALID_ATTRIBUTE"
        );
        assert_eq!(
            code(br#"{"regionName":"US_EAST_1","cloudProvider":"GCP"}"#),
            "INVALID_ENUM_VALUE"
        );
        assert_eq!(code(b"{}"), "MISSING_ATTRIBUTE");
        assert_eq!(
            code(br#"{"regionName":"US_CENTRAL"}"#),
            "INVALID_ENUM_VALUE"
        );
        assert_eq!(code(br#"{"regionName":1}"#), "INVALID_ENUM_VALUE");
    }

    #[test]
    fn integers_are_range_checked() {
        let pairs = [("itemsPerPage", "500"), ("pageNum", "0"), ("x", "+3")];
        assert_eq!(
            integer_param(&pairs, "itemsPerPage", 100, 1, 500).unwrap(),
            500
        );
        assert!(integer_param(&pairs, "pageNum", 1, 1, usize::MAX).is_err());
        let huge = [("pageNum", "18446744073709551616"), ("itemsPerPage", "501")];
        let detail = |name, max| integer_param(&huge, name, 1, 1, max).unwrap_err().detail;
        assert!(
            detail("pageNum", usize::MAX)
                .contains(&format!("too large; the maximum is {}", usize::MAX))
        );
        assert!(detail("itemsPerPage", 500).contains("too large; the maximum is 500"));
        assert!(integer_param(&pairs, "x", 1, 1, 9).is_err());
        assert_eq!(integer_param(&pairs, "absent", 7, 1, 9).unwrap(), 7);
    }
}
