//! Lifecycle checks with an explicit clock, so every intermediate status is observed exactly.

use serde_json::json;

use super::*;

const GROUP: &str = "0123456789abcdef01234567";
const SETTLE: Duration = Duration::from_secs(10);

fn status_at(store: &mut EndpointStore, id: &str, provider: &str, at: Instant) -> Option<String> {
    let view = store.get(GROUP, provider, id, at, SETTLE)?;
    Some(view["status"].as_str().unwrap_or_default().to_string())
}

fn id_of(view: &Value) -> String {
    view["id"].as_str().unwrap().to_string()
}

#[test]
fn aws_settles_to_active_and_azure_waits_for_approval() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    let aws = id_of(&store.create(GROUP, "AWS", "US_EAST_1", t0, SETTLE).unwrap());
    let azure = id_of(
        &store
            .create(GROUP, "AZURE", "US_EAST_2", t0, SETTLE)
            .unwrap(),
    );
    let t9 = t0 + Duration::from_secs(9);
    assert_eq!(
        status_at(&mut store, &aws, "AWS", t9).as_deref(),
        Some("INITIATING")
    );
    let t10 = t0 + SETTLE;
    assert_eq!(
        status_at(&mut store, &aws, "AWS", t10).as_deref(),
        Some("ACTIVE")
    );
    assert_eq!(
        status_at(&mut store, &azure, "AZURE", t10).as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    assert_eq!(
        store.approve(&aws, t10, SETTLE),
        Err(ActionError::WrongStatus("ACTIVE".into()))
    );
    assert_eq!(store.approve(&azure, t10, SETTLE), Ok(()));
    assert_eq!(
        status_at(&mut store, &azure, "AZURE", t10).as_deref(),
        Some("ACTIVE")
    );
}

#[test]
fn recreation_passes_through_initiating_and_needs_approval_again() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    let id = id_of(
        &store
            .create(GROUP, "AZURE", "US_CENTRAL", t0, SETTLE)
            .unwrap(),
    );
    let t1 = t0 + SETTLE;
    store.approve(&id, t1, SETTLE).unwrap();
    let name_before =
        store.get(GROUP, "AZURE", &id, t1, SETTLE).unwrap()["privateEndpointConnectionName"]
            .clone();
    store.reject(&id, false, t1, SETTLE).unwrap();
    let at = |secs| t1 + Duration::from_secs(secs);
    assert_eq!(
        status_at(&mut store, &id, "AZURE", at(5)).as_deref(),
        Some("PENDING_RECREATION")
    );
    assert_eq!(
        status_at(&mut store, &id, "AZURE", at(15)).as_deref(),
        Some("INITIATING")
    );
    assert_eq!(
        status_at(&mut store, &id, "AZURE", at(25)).as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    let name_after =
        store.get(GROUP, "AZURE", &id, at(25), SETTLE).unwrap()["privateEndpointConnectionName"]
            .clone();
    assert_ne!(name_before, name_after);
}

#[test]
fn a_replacement_takes_a_new_id_once_recreation_ends() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    let id = id_of(&store.create(GROUP, "AWS", "US_EAST_1", t0, SETTLE).unwrap());
    let t1 = t0 + SETTLE;
    store.reject(&id, true, t1, SETTLE).unwrap();
    let at = |secs| t1 + Duration::from_secs(secs);
    assert_eq!(
        status_at(&mut store, &id, "AWS", at(5)).as_deref(),
        Some("PENDING_RECREATION")
    );
    assert_eq!(status_at(&mut store, &id, "AWS", at(15)), None);
    let listed = store.list(GROUP, "AWS", at(15), SETTLE);
    assert_eq!(listed.len(), 1);
    let new_id = listed[0]["id"].as_str().unwrap().to_string();
    assert_ne!(new_id, id);
    assert_eq!(listed[0]["regionName"], "US_EAST_1");
    assert_eq!(listed[0]["status"], "INITIATING");
    assert_eq!(
        status_at(&mut store, &new_id, "AWS", at(25)).as_deref(),
        Some("ACTIVE")
    );
}

#[test]
fn failed_region_deletion_and_conflicts() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    store.fail_region("aws", "eu_west_1", "quota exceeded");
    let id = id_of(&store.create(GROUP, "AWS", "EU_WEST_1", t0, SETTLE).unwrap());
    assert!(store.create(GROUP, "AWS", "EU_WEST_1", t0, SETTLE).is_err());
    let view = store.get(GROUP, "AWS", &id, t0 + SETTLE, SETTLE).unwrap();
    assert_eq!(view["status"], "FAILED");
    assert_eq!(view["errorMessage"], "quota exceeded");
    let t1 = t0 + SETTLE;
    assert!(store.request_deletion(GROUP, "AWS", &id, t1, SETTLE));
    assert!(store.create(GROUP, "AWS", "EU_WEST_1", t1, SETTLE).is_ok());
    assert_eq!(
        status_at(&mut store, &id, "AWS", t1).as_deref(),
        Some("DELETING")
    );
    assert_eq!(status_at(&mut store, &id, "AWS", t1 + SETTLE), None);
    assert!(!store.request_deletion(GROUP, "AWS", &id, t1 + SETTLE, SETTLE));
}

#[test]
fn seeded_statuses_and_shapes() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    let custom = store.seed(GROUP, "aws", "US_EAST_1", "SOMETHING_NEW", None, t0);
    let azure = store.seed(GROUP, "AZURE", "UK_SOUTH", "ACTIVE", None, t0);
    assert_eq!(
        status_at(&mut store, &custom, "AWS", t0 + SETTLE * 5).as_deref(),
        Some("SOMETHING_NEW")
    );
    let view = store.get(GROUP, "AZURE", &azure, t0, SETTLE).unwrap();
    assert!(
        view["privateEndpointConnectionName"]
            .as_str()
            .unwrap()
            .starts_with("atlas-kms-pe-uk-south.")
    );
    let aws = store.get(GROUP, "AWS", &custom, t0, SETTLE).unwrap();
    let name = aws["privateEndpointConnectionName"].as_str().unwrap();
    assert_eq!(name.len(), 5 + 17);
    assert!(name.starts_with("vpce-") && name[5..].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(aws["id"].as_str().unwrap().len(), 24);
}

#[test]
fn endpoints_can_be_failed_or_deleted_from_the_control_side() {
    let mut store = EndpointStore::default();
    let t0 = Instant::now();
    let failed = store.seed(GROUP, "AZURE", "UK_SOUTH", "FAILED", Some("vault gone"), t0);
    let view = store.get(GROUP, "AZURE", &failed, t0, SETTLE).unwrap();
    assert_eq!(view["errorMessage"], "vault gone");
    let id = id_of(&store.create(GROUP, "AWS", "US_EAST_1", t0, SETTLE).unwrap());
    assert_eq!(store.fail(&id, "quota", t0, SETTLE), Ok(()));
    let view = store.get(GROUP, "AWS", &id, t0, SETTLE).unwrap();
    assert_eq!(
        (&view["status"], &view["errorMessage"]),
        (&json!("FAILED"), &json!("quota"))
    );
    assert!(store.request_deletion_by_id(&id, t0, SETTLE));
    assert_eq!(
        store.fail(&id, "late", t0, SETTLE),
        Err(ActionError::WrongStatus("DELETING".into()))
    );
    assert_eq!(status_at(&mut store, &id, "AWS", t0 + SETTLE), None);
    assert!(!store.request_deletion_by_id(&id, t0 + SETTLE, SETTLE));
    assert_eq!(
        store.fail("nope", "", t0, SETTLE),
        Err(ActionError::NotFound)
    );
}
