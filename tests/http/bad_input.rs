//! Bad input gets a precise problem+json and writes nothing.

use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app, spawn_app_with};

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
        assert_eq!(missing.error_fields(), ["area_type"], "named by its path");

        // Syntax first: an unknown field whose value is not JSON is malformed, not unknown.
        post(r#"{"full_name": x}"#, "application/json").problem(400);

        // U+0000 and half a surrogate pair are valid JSON that neither backend stores:
        // refused, named, on both.
        for (body, field) in [
            (
                r#"{"full_name": "Jia\ud800", "area_type": "urban"}"#,
                "full_name",
            ),
            (
                r#"{"full_name": "Jia", "area_type": "urban", "phone": "\udfff1"}"#,
                "phone",
            ),
            (
                r#"{"full_name": "Jia\u0000", "area_type": "urban"}"#,
                "full_name",
            ),
            (
                r#"{"full_name": "Jia", "area_type": "urban", "owner_id": "\u0000"}"#,
                "owner_id",
            ),
            (
                r#"{"full_name": "Jia", "area_type": "urb\u0000an"}"#,
                "area_type",
            ),
        ] {
            let nul = post(body, "application/json");
            assert_eq!(
                nul.problem(422).clone()["errors"][0]["field"],
                field,
                "{body}"
            );
        }
        let nul_in_query = app.get("/api/v1/customers?cursor=a%00b", &token);
        assert_eq!(nul_in_query.problem(422)["errors"][0]["field"], "cursor");
        // A cursor of the right form whose key holds U+0000 ("0iwA" is d2 2c 00) is still a
        // position, never a 500 from a database that cannot compare it.
        app.get("/api/v1/customers?cursor=0iwA", &token).ok(200);
        app.get(
            "/api/v1/audit?entity_type=customer&entity_id=x&cursor=0iwA",
            &token,
        )
        .ok(200);

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
        // A known path with another method: 405 naming the methods it answers (RFC 9110).
        let wrong_method = app.send("DELETE", "/api/v1/customers", Some(&app.admin_token), None);
        wrong_method.problem(405);
        assert_eq!(wrong_method.header("allow"), Some("GET, POST"));
        let on_one = app.send(
            "POST",
            "/api/v1/customers/0190f0a2-0000-7000-8000-000000000000",
            Some(&app.admin_token),
            None,
        );
        on_one.problem(405);
        let allow = on_one.header("allow").unwrap();
        assert!(
            allow.contains("GET") && allow.contains("PATCH") && !allow.contains("POST"),
            "{allow}"
        );
        app.send(
            "DELETE",
            "/api/v1/customers/a/b/c/d",
            Some(&app.admin_token),
            None,
        )
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

both_backends!(
    cors_answers_listed_origins_only_and_only_when_configured,
    |db: &TestDatabase| {
        let origin = "https://desk.example.com";
        let preflight = |app: &TestApp, from: &str| {
            app.send_with_headers(
                "OPTIONS",
                "/api/v1/customers",
                None,
                &[
                    ("Origin", from),
                    ("Access-Control-Request-Method", "POST"),
                    (
                        "Access-Control-Request-Headers",
                        "authorization, content-type",
                    ),
                ],
                None,
            )
        };
        let app = spawn_app_with(db, &[("ZHIDU_CORS_ORIGINS", origin)]);
        let allowed = preflight(&app, origin);
        assert!(
            allowed.status == 200 || allowed.status == 204,
            "{}",
            allowed.text
        );
        assert_eq!(allowed.header("access-control-allow-origin"), Some(origin));
        let methods = allowed.header("access-control-allow-methods").unwrap();
        assert!(methods.contains("POST"), "{methods}");
        let headers = allowed
            .header("access-control-allow-headers")
            .unwrap()
            .to_lowercase();
        assert!(headers.contains("authorization"), "{headers}");
        assert_eq!(allowed.header("access-control-allow-credentials"), None);
        let real = app.send_with_headers(
            "GET",
            "/api/v1/customers",
            Some(&app.admin_token),
            &[("Origin", origin)],
            None,
        );
        real.ok(200);
        assert_eq!(real.header("access-control-allow-origin"), Some(origin));
        let exposed = real
            .header("access-control-expose-headers")
            .unwrap()
            .to_lowercase();
        assert!(exposed.contains("x-request-id"), "{exposed}");
        let stranger = preflight(&app, "https://evil.example.com");
        assert_eq!(stranger.header("access-control-allow-origin"), None);
        drop(app);

        // Unset: no CORS headers at all.
        let closed = spawn_app(db);
        let no_cors = closed.send_with_headers(
            "GET",
            "/api/v1/customers",
            Some(&closed.admin_token),
            &[("Origin", origin)],
            None,
        );
        no_cors.ok(200);
        assert_eq!(no_cors.header("access-control-allow-origin"), None);
    }
);

both_backends!(
    money_dates_and_huge_text_are_refused_by_field,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let token = app.admin_token.clone();
        let customer =
            app.create_customer(&serde_json::json!({"full_name": "用户甲", "area_type": "urban"}));
        let quarter = format!(
            "/api/v1/customers/{}/quarters/2026Q3",
            customer["id"].as_str().unwrap()
        );
        for revenue in [
            "1e5",
            "0.001",
            "99999999999999999.99",
            "-1.00",
            "5,000.00",
            "",
        ] {
            let refused = app.json(
                "PUT",
                &quarter,
                Some(&token),
                &serde_json::json!({"revenue": revenue, "payments": "0.00"}),
            );
            assert_eq!(
                refused.problem(422)["errors"][0]["field"],
                "revenue",
                "{revenue:?}: {}",
                refused.text
            );
        }
        let post = |body: &str| {
            app.send(
                "POST",
                "/api/v1/customers",
                Some(&token),
                Some(("application/json", body.as_bytes())),
            )
        };
        for date in ["2026-02-30", "0000-01-01", "2026-13-01", "26-01-01"] {
            let refused = post(&format!(
                r#"{{"full_name": "Jia", "area_type": "urban", "first_contract_on": "{date}"}}"#
            ));
            assert_eq!(
                refused.problem(422)["errors"][0]["field"],
                "first_contract_on",
                "{date}"
            );
        }
        // A string of a million characters fits the 1 MiB body limit but not the field.
        let huge = post(&format!(
            r#"{{"full_name": "{}", "area_type": "urban"}}"#,
            "x".repeat(1_000_000)
        ));
        assert_eq!(huge.problem(422)["errors"][0]["field"], "full_name");
        assert_eq!(customer_count(&app), 1, "no refused request wrote anything");
    }
);
