//! Bad input gets a precise problem+json and writes nothing.

use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

fn customer_count(app: &TestApp) -> usize {
    app.get("/api/v1/customers", &app.admin_token).ok(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

both_backends!(
    malformed_and_mistyped_bodies_are_refused_and_nothing_is_written,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let token = app.admin_token.clone();
        let post = |body: &str, content_type: &str| {
            app.send(
                "POST",
                "/api/v1/customers",
                Some(&token),
                Some((content_type, body.as_bytes())),
            )
        };

        let malformed = post(
            r#"{"full_name": "Jia", "area_type": "urban""#,
            "application/json",
        );
        assert!(
            malformed.problem(400)["detail"]
                .as_str()
                .unwrap()
                .contains("not valid JSON")
        );
        post("", "application/json").problem(400);
        post(
            r#"{"full_name":"a","area_type":"urban"} trailing"#,
            "application/json",
        )
        .problem(400);

        let wrong_type = post(
            r#"{"full_name": 42, "area_type": "urban"}"#,
            "application/json",
        );
        wrong_type.problem(422);
        assert_eq!(wrong_type.error_fields(), ["full_name"]);

        let missing = post(r#"{"full_name": "Jia"}"#, "application/json");
        missing.problem(422);
        assert!(missing.text.contains("area_type"), "{}", missing.text);

        let unknown_enum = post(
            r#"{"full_name": "Jia", "area_type": "suburban"}"#,
            "application/json",
        );
        unknown_enum.problem(422);
        assert_eq!(unknown_enum.error_fields(), ["area_type"]);

        let unknown_field = post(
            r#"{"full_name": "Jia", "area_type": "urban", "ful_name": "x"}"#,
            "application/json",
        );
        assert!(
            unknown_field.problem(422)["detail"]
                .as_str()
                .unwrap()
                .contains("ful_name")
        );

        let bad_date = post(
            r#"{"full_name": "Jia", "area_type": "urban", "first_contract_on": "2025-02-29"}"#,
            "application/json",
        );
        bad_date.problem(422);
        assert_eq!(bad_date.error_fields(), ["first_contract_on"]);
        let far_date = post(
            r#"{"full_name": "Jia", "area_type": "urban", "first_contract_on": "9999-01-01"}"#,
            "application/json",
        );
        far_date.problem(422);

        let blank = post(
            r#"{"full_name": "   ", "area_type": "urban"}"#,
            "application/json",
        );
        assert_eq!(blank.problem(422)["errors"][0]["field"], "full_name");

        post(
            r#"{"full_name": "Jia", "area_type": "urban"}"#,
            "text/plain",
        )
        .problem(415);
        app.send("POST", "/api/v1/customers", Some(&token), None)
            .problem(415);

        let oversized = format!(
            r#"{{"full_name": "{}", "area_type": "urban"}}"#,
            "x".repeat(2 * 1024 * 1024)
        );
        post(&oversized, "application/json").problem(413);

        assert_eq!(customer_count(&app), 0, "no bad request wrote anything");
    }
);

both_backends!(
    unknown_routes_methods_and_bad_query_strings_are_problems,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        app.get("/api/v1/no-such-thing", &app.admin_token)
            .problem(404);
        app.send("GET", "/nowhere", None, None).problem(404);
        app.send("DELETE", "/api/v1/customers", Some(&app.admin_token), None)
            .problem(404);
        let bad_limit = app.get("/api/v1/customers?limit=abc", &app.admin_token);
        assert_eq!(bad_limit.problem(422)["errors"][0]["field"], "limit");
        app.get("/api/v1/customers?limit=0", &app.admin_token)
            .problem(422);
        app.get("/api/v1/customers?limit=501", &app.admin_token)
            .problem(422);
        app.get("/api/v1/customers?tier=D", &app.admin_token)
            .problem(422);
        app.get("/api/v1/customers?cursor=%%%", &app.admin_token)
            .problem(422);
        app.get("/api/v1/customers?colour=red", &app.admin_token)
            .problem(422);
        let reply = app.send("GET", "/healthz", None, None);
        assert!(
            reply
                .header("x-request-id")
                .is_some_and(|id| !id.is_empty())
        );
    }
);

both_backends!(
    an_exhausted_pool_answers_503_and_the_waiting_write_still_lands,
    |db: &TestDatabase| {
        let app = crate::support::spawn_app_with(
            db,
            &[
                ("ZHIDU_DB_POOL_SIZE", "1"),
                ("ZHIDU_DB_ACQUIRE_TIMEOUT_MS", "200"),
            ],
        );
        let lock = db.lock_customers();
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| {
                app.json(
                    "POST",
                    "/api/v1/customers",
                    Some(&app.admin_token),
                    &serde_json::json!({"full_name": "Waits", "area_type": "urban"}),
                )
            });
            // The write holds the only connection while it waits for the lock.
            std::thread::sleep(std::time::Duration::from_millis(700));
            let busy = app.send("GET", "/readyz", None, None);
            assert!(
                busy.problem(503)["detail"]
                    .as_str()
                    .unwrap()
                    .contains("retry")
            );
            drop(lock);
            waiting.join().unwrap().ok(201);
        });
        app.send("GET", "/readyz", None, None).ok(200);
        assert_eq!(customer_count(&app), 1);
    }
);
