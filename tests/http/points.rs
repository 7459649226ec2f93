//! SET-7 through HTTP: the configured rate, earning once per app order, and redemptions that
//! take their points exactly once, even when they race, and give them back once on rejection.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, spawn_app};

both_backends!(
    set_7_points_are_earned_once_and_redeemed_through_review_approval_and_transfer,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, leader) = app.user_with_roles("wang.jingli", &["manager"]);
        let (_, employee) = app.user_with_roles("li.yuangong", &["employee"]);
        let customer = app.create_customer(&json!({"full_name": "App用户", "area_type": "urban"}))
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let order = |reference: &str, amount: &str| {
            app.post(
                "/api/v1/app-orders",
                &finance,
                &json!({"customer_id": customer, "reference": reference, "amount": amount}),
            )
        };
        // The rate is blank in the source: earning is refused until finance sets it.
        assert_eq!(order("APP-1", "125.50").problem(422)["rule"], "SET-7");
        let rate = |body: Value| app.json("PUT", "/api/v1/point-settings", Some(&finance), &body);
        let set = rate(json!({"yuan_per_point": "10.00"})).ok(200).clone();
        assert_eq!(set["version"], 1);
        rate(json!({"yuan_per_point": "5.00"})).problem(412);
        let free = rate(json!({"yuan_per_point": "0.00", "version": 1}));
        assert_eq!(free.problem(422)["type"], "/problems/validation");
        assert_eq!(free.error_fields(), ["yuan_per_point"]);
        assert_eq!(order("APP-1", "125.50").ok(201)["points_earned"], 12);
        order("APP-1", "125.50").problem(409);
        assert_eq!(order("APP-2", "9.99").ok(201)["points_earned"], 0);

        let redeem = |points: i64| {
            app.post(
                "/api/v1/point-redemptions",
                &finance,
                &json!({"customer_id": customer, "points": points, "alipay_account": "user@example.com"}),
            )
        };
        let redemption = redeem(10).ok(201).clone();
        assert_eq!(redeem(5).problem(422)["rule"], "SET-7");
        let nothing = redeem(0);
        assert_eq!(nothing.problem(422)["type"], "/problems/validation");
        assert_eq!(nothing.error_fields(), ["points"]);
        let stranger = app.post(
            "/api/v1/point-redemptions",
            &finance,
            &json!({"customer_id": "no-such", "points": 1, "alipay_account": "user@example.com"}),
        );
        assert_eq!(stranger.problem(422)["type"], "/problems/field-refused");
        assert_eq!(stranger.error_fields(), ["customer_id"]);
        let id = redemption["id"].as_str().unwrap().to_owned();
        let step = |token: &str, action: &str, body: Value| {
            app.post(
                &format!("/api/v1/point-redemptions/{id}/{action}"),
                token,
                &body,
            )
        };
        step(
            &employee,
            "review",
            json!({"decision": "approved", "version": 1}),
        )
        .problem(403);
        step(
            &leader,
            "approval",
            json!({"decision": "approved", "version": 1}),
        )
        .problem(409);
        let reviewed = step(
            &finance,
            "review",
            json!({"decision": "approved", "version": 1}),
        )
        .ok(200)
        .clone();
        assert_eq!(reviewed["status"], "pending_approval");
        step(
            &leader,
            "approval",
            json!({"decision": "approved", "version": 1}),
        )
        .problem(412);
        step(
            &leader,
            "approval",
            json!({"decision": "approved", "version": 2}),
        )
        .ok(200);
        let transferred = step(
            &finance,
            "transfer",
            json!({"transaction_reference": "ALIPAY-2026-0001", "amount": "10.00", "version": 3}),
        )
        .ok(200)
        .clone();
        assert_eq!(transferred["status"], "transferred");
        assert_eq!(transferred["transfer_reference"], "ALIPAY-2026-0001");
        step(
            &finance,
            "transfer",
            json!({"transaction_reference": "again", "amount": "10.00", "version": 4}),
        )
        .problem(409);

        // A rejection gives the points back, once.
        order("APP-3", "100.00").ok(201);
        let second = redeem(8).ok(201).clone();
        let id = second["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/point-redemptions/{id}/review"),
            &finance,
            &json!({"decision": "rejected", "version": 1}),
        )
        .ok(200);
        app.post(
            &format!("/api/v1/point-redemptions/{id}/review"),
            &finance,
            &json!({"decision": "rejected", "version": 2}),
        )
        .problem(409);
        let points = app
            .get(&format!("/api/v1/customers/{customer}/points"), &finance)
            .ok(200)
            .clone();
        assert_eq!(points["balance"], 12);
        let kinds: Vec<&str> = points["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "returned").count(), 1);
    }
);

both_backends!(
    set_7_racing_redemptions_take_the_points_once,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let customer = app.create_customer(&json!({"full_name": "App用户", "area_type": "urban"}))
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.json(
            "PUT",
            "/api/v1/point-settings",
            Some(&finance),
            &json!({"yuan_per_point": "1.00"}),
        )
        .ok(200);
        app.post(
            "/api/v1/app-orders",
            &finance,
            &json!({"customer_id": customer, "reference": "APP-1", "amount": "10.00"}),
        )
        .ok(201);
        let replies: Vec<Reply> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..6)
                .map(|_| {
                    scope.spawn(|| {
                        app.post(
                            "/api/v1/point-redemptions",
                            &finance,
                            &json!({"customer_id": customer, "points": 10, "alipay_account": "user@example.com"}),
                        )
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let granted = replies.iter().filter(|r| r.status == 201).count();
        let refused = replies.iter().filter(|r| r.status == 422).count();
        assert_eq!(
            (granted, refused),
            (1, 5),
            "{:?}",
            replies.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        let points = app
            .get(&format!("/api/v1/customers/{customer}/points"), &finance)
            .ok(200)
            .clone();
        assert_eq!(points["balance"], 0);
    }
);
