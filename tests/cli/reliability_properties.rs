//! Property tests: whatever a server, a proxy or a user sends, the parsers and decoders return a
//! value or an error and never panic; and the retry policy never exceeds its bounds.

use atlas_ear::printable_snippet;
use atlas_ear::{ApiResponse, api_error};
use atlas_ear::{Decision, Failure, RetryPolicy};
use atlas_ear::{EndpointView, check_deletion, decode_endpoint, decode_page};
use atlas_ear::{Provider, normalize_region, resolve_region};
use atlas_ear::{parse_challenge, parse_challenges};
use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("results".to_string()),
                    Just("totalCount".to_string()),
                    Just("links".to_string()),
                    Just("rel".to_string()),
                    Just("id".to_string()),
                    Just("status".to_string()),
                    Just("regionName".to_string()),
                    Just("errorCode".to_string()),
                    Just("detail".to_string()),
                    ".{0,8}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn response(status: u16, content_type: Option<String>, body: Vec<u8>) -> ApiResponse {
    ApiResponse {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        content_type,
        body,
    }
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

proptest! {
    #[test]
    fn challenge_parsing_never_panics(header in ".*", others in prop::collection::vec(".*", 0..4)) {
        let _ = parse_challenge(&header);
        let _ = parse_challenges(others.iter().map(String::as_str));
    }

    #[test]
    fn challenge_parsing_of_digest_like_input_never_panics(
        parts in prop::collection::vec(
            prop_oneof![
                Just("Digest ".to_string()),
                Just("realm=".to_string()),
                Just("nonce=".to_string()),
                Just("qop=\"auth\"".to_string()),
                Just("algorithm=".to_string()),
                Just("stale=true".to_string()),
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just(",".to_string()),
                Just("=".to_string()),
                Just(" ".to_string()),
                "[a-zA-Z0-9+/=-]{0,6}",
                ".{0,3}",
            ],
            0..24,
        )
    ) {
        let header: String = parts.concat();
        if let Ok(mut challenge) = parse_challenge(&header) {
            prop_assert!(!challenge.nonce.is_empty());
            let answer = challenge.authorize("GET", "/api/atlas/v2/x?a=1", "user", "pass");
            prop_assert!(answer.starts_with("Digest"));
        }
    }

    #[test]
    fn well_formed_challenges_round_trip(
        realm in "[ -~]{0,30}",
        nonce in "[!-~]{1,40}",
        stale in any::<bool>(),
        sha in any::<bool>(),
    ) {
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let header = format!(
            "Digest realm=\"{}\", domain=\"\", nonce=\"{}\", algorithm={}, qop=\"auth\", stale={}",
            quote(&realm), quote(&nonce), if sha { "SHA-256" } else { "MD5" }, stale
        );
        let mut challenge = parse_challenge(&header).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&challenge.realm, &realm);
        prop_assert_eq!(&challenge.nonce, &nonce);
        prop_assert_eq!(challenge.stale, stale);
        let answer = challenge.authorize("DELETE", "/p", "u", "secret-pass");
        prop_assert!(answer.contains("nc=00000001"), "{}", answer);
        prop_assert!(!answer.contains("secret-pass"));
    }

    #[test]
    fn region_normalisation_never_panics_and_is_idempotent(input in ".*") {
        let once = normalize_region(&input);
        prop_assert_eq!(normalize_region(&once), once.clone());
        for provider in [Provider::Aws, Provider::Azure] {
            match resolve_region(provider, &input) {
                Ok(region) => prop_assert!(provider.regions().contains(&region.as_str())),
                Err(unknown) => {
                    prop_assert!(unknown.suggestions.len() <= 3);
                    for s in &unknown.suggestions {
                        prop_assert!(provider.regions().contains(s));
                    }
                    let _ = unknown.to_string();
                }
            }
        }
    }

    #[test]
    fn regions_resolve_however_they_are_spelled(index in 0usize..95, lower in any::<bool>(), pad in "[ \t]{0,3}") {
        let (provider, regions) = if index < 39 {
            (Provider::Aws, Provider::Aws.regions())
        } else {
            (Provider::Azure, Provider::Azure.regions())
        };
        let region = regions[index % regions.len()];
        let mut typed = region.replace('_', "-");
        if lower {
            typed = typed.to_lowercase();
        }
        let typed = format!("{pad}{typed}{pad}");
        prop_assert_eq!(resolve_region(provider, &typed), Ok(region.to_string()));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(
        status in 200u16..300,
        content_type in proptest::option::of(".{0,30}"),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let r = response(status, content_type.clone(), body.clone());
        if let Err(e) = decode_page(&r) {
            let message = e.to_string();
            prop_assert!(message.contains(&status.to_string()));
            prop_assert!(!has_raw_control(&message), "{}", message);
        }
        let _ = check_deletion(&r);
        if let Err(e) = decode_endpoint(r) {
            prop_assert!(!has_raw_control(&e.to_string()));
        }
    }

    #[test]
    fn decoding_arbitrary_json_never_panics(value in any_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        let page = decode_page(&response(200, None, body.clone()));
        if let Ok((items, _, _)) = &page {
            for item in items {
                let _ = EndpointView::from_json(item);
            }
        }
        let is_object = value.is_object();
        prop_assert_eq!(decode_endpoint(response(200, None, body.clone())).is_ok(), is_object);
        prop_assert!(check_deletion(&response(204, None, body)).is_ok(), "any JSON is accepted");
        let _ = EndpointView::from_json(&value);
    }

    #[test]
    fn error_bodies_decode_to_printable_messages(
        status in 300u16..600,
        content_type in proptest::option::of(".{0,30}"),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            any_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
            (".{0,40}", ".{0,80}").prop_map(|(code, detail)| {
                serde_json::to_vec(&serde_json::json!({"errorCode": code, "detail": detail})).unwrap()
            }),
        ],
    ) {
        let error = api_error("GET", "http://127.0.0.1/x", status, content_type.as_deref(), &body);
        let message = error.to_string();
        prop_assert!(message.contains(&format!("HTTP {status}")), "{}", message);
        prop_assert!(!has_raw_control(&message), "{}", message);
        // Only the hint starts a second line.
        for line in message.lines().skip(1) {
            prop_assert!(line.starts_with("hint: "), "{}", message);
        }
    }

    #[test]
    fn snippets_are_printable_and_bounded(body in prop::collection::vec(any::<u8>(), 0..400), max in 0usize..200) {
        let snippet = printable_snippet(&body, max);
        prop_assert!(!snippet.chars().any(char::is_control));
        // Escapes may lengthen the text, but never past the documented worst case.
        prop_assert!(snippet.chars().count() <= max * 10 + 1);
    }

    #[test]
    fn retry_policy_never_exceeds_its_bounds(
        retries in 0u32..=10,
        idempotent in any::<bool>(),
        failures in prop::collection::vec(
            prop_oneof![
                Just(Failure::Network),
                (prop_oneof![Just(429u16), Just(500), Just(502), Just(503), Just(504), 400u16..600],
                 proptest::option::of(prop_oneof![0u64..200, Just(u64::MAX)]))
                    .prop_map(|(status, after)| Failure::Status {
                        status,
                        retry_after: after.map(Duration::from_secs),
                    }),
            ],
            1..20,
        ),
        jitter in 0.0f64..1.0,
    ) {
        let policy = RetryPolicy::new(retries);
        let mut waited = Duration::ZERO;
        let mut attempt = 1u32;
        for failure in failures {
            match policy.decide(idempotent, failure, attempt, waited, jitter) {
                Decision::RetryAfter(delay) => {
                    waited += delay;
                    attempt += 1;
                }
                Decision::GiveUp { .. } => break,
            }
        }
        prop_assert!(attempt <= retries + 1);
        prop_assert!(waited <= policy.max_total_wait);
    }
}
