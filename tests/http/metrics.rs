//! `GET /metrics` (Prometheus text) on `ZHIDU_METRICS_BIND` only: requests by route template
//! and status, request latency, the database pool and the outbox backlog.

use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{content_type, spawn_app, spawn_app_with};

fn scrape(url: &str) -> String {
    let mut response = ureq::get(url).call().expect("the metrics address answers");
    assert_eq!(response.status(), 200);
    let content_type = content_type(response.headers());
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.body_mut().read_to_string().unwrap()
}

/// The value of the sample line that starts with `series` (name and labels, as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

both_backends!(
    metrics_count_requests_by_route_template_on_their_own_address,
    |db: &TestDatabase| {
        let app = spawn_app_with(db, &[("ZHIDU_METRICS_BIND", "127.0.0.1:0")]);
        let url = app
            .metrics_url
            .clone()
            .expect("the metrics address is printed");
        assert_ne!(
            url.split('/').nth(2),
            app.base.split('/').nth(2),
            "not on the API's address"
        );
        for id in ["a", "b", "c"] {
            app.get(&format!("/api/v1/customers/{id}"), &app.admin_token)
                .problem(404);
        }
        app.post(
            "/api/v1/customers",
            &app.admin_token,
            &json!({"full_name": "Jia", "area_type": "urban"}),
        )
        .ok(201);

        let text = scrape(&url);
        // Three ids, one series: the template, not the path.
        assert_eq!(
            sample(
                &text,
                r#"http_requests_total{method="GET",route="/api/v1/customers/{id}",status="404"}"#
            ),
            Some(3.0),
            "{text}"
        );
        assert_eq!(
            sample(
                &text,
                r#"http_requests_total{method="POST",route="/api/v1/customers",status="201"}"#
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"http_request_duration_seconds_count{method="GET",route="/api/v1/customers/{id}"}"#
            ),
            Some(3.0)
        );
        assert!(sample(&text, "db_pool_wait_seconds_count").is_some_and(|n| n >= 4.0));
        assert_eq!(sample(&text, "db_pool_max_connections"), Some(4.0));
        assert!(sample(&text, "db_pool_connections").is_some_and(|n| n >= 1.0));
        assert_eq!(sample(&text, "outbox_backlog"), Some(0.0));
        assert_eq!(
            sample(&text, "db_pool_timeouts_total"),
            None,
            "no wait timed out"
        );

        // Never on the API's own address.
        app.get("/metrics", &app.admin_token).problem(404);
    }
);

both_backends!(
    metrics_are_off_unless_an_address_is_given,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        assert!(app.metrics_url.is_none());
        app.get("/metrics", &app.admin_token).problem(404);
    }
);
