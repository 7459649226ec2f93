//! The OpenAPI document is the contract: the committed file must match what the code
//! generates, the server must serve the same, and every operation must describe its errors.

use std::process::Command;

use serde_json::Value;
use zhidu_store::testing::{Backend, TestDatabase};

use crate::support::spawn_app;

fn generated() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_zhidu"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn committed_spec_matches_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        committed == generated(),
        "openapi/openapi.json is stale: run `make openapi` and commit the result"
    );
}

#[test]
fn every_operation_is_described_with_its_errors() {
    let spec = generated();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = spec["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success response"
            );
            // PUB-1: the service page is read without authentication (and kept by admin).
            let public = ["/healthz", "/readyz", "/api/v1/auth/token"].contains(&path.as_str())
                || (path == "/api/v1/public/service-info" && method == "get");
            if !public {
                assert!(
                    operation["security"].is_array(),
                    "{method} {path} names no security"
                );
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} does not describe 401"
                );
            }
            for (status, response) in responses
                .iter()
                .filter(|(s, _)| s.starts_with('4') || s.starts_with('5'))
            {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status} is not problem+json"
                );
            }
        }
    }
    assert!(operations >= 20, "only {operations} operations documented");
}

/// Clients name their functions by operation id: two operations with one id collide there.
#[test]
fn every_operation_id_is_unique() {
    let spec = generated();
    let mut ids: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "an operation id is used twice");
    assert!(count > 100);
}

#[test]
fn the_server_serves_the_same_spec_and_swagger_ui() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let app = spawn_app(&db);
    let served = app.send("GET", "/api-docs/openapi.json", None, None);
    assert_eq!(served.ok(200).clone(), generated());
    let ui = app.send("GET", "/swagger-ui/", None, None);
    assert_eq!(ui.status, 200);
    assert!(ui.text.contains("swagger"), "Swagger UI page expected");
}
