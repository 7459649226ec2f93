//! TIER-1..5 through HTTP: previews, quarterly metrics, quarter closes, overrides, quotes.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

fn evaluate(app: &TestApp, body: Value) -> Value {
    app.post("/api/v1/tiers/evaluate", &app.admin_token, &body)
        .ok(200)
        .clone()
}

fn metrics(revenue: &str, payments: &str) -> Value {
    json!({"quarterly_revenue": revenue, "quarterly_payments": payments})
}

both_backends!(
    tier_1_2_3_evaluate_at_the_boundaries,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let at_5000 = evaluate(&app, metrics("5000.00", "0.00"));
        assert_eq!(at_5000["tier"], "A");
        assert_eq!(at_5000["reasons"][0]["rule"], "TIER-1");
        assert_eq!(
            at_5000["reasons"][0]["detail"],
            "quarterly revenue 5000.00 ≥ 5000.00"
        );
        let at_4999 = evaluate(&app, metrics("4999.99", "0.00"));
        assert_eq!(at_4999["tier"], "B");
        assert_eq!(
            at_4999["reasons"],
            json!([{"rule": "TIER-2", "tier": "B", "criterion": "quarterly_revenue", "detail": "quarterly revenue 4999.99 ≥ 3000.00", "policy_version": 1}])
        );
        assert_eq!(evaluate(&app, metrics("0.00", "20000.00"))["tier"], "A");
        assert_eq!(evaluate(&app, metrics("0.00", "19999.99"))["tier"], "B");
        assert_eq!(
            evaluate(
                &app,
                json!({"quarterly_revenue": "0", "quarterly_payments": "0", "tenure_years": 3})
            )["tier"],
            "A"
        );
        assert_eq!(
            evaluate(
                &app,
                json!({"quarterly_revenue": "0", "quarterly_payments": "0", "tenure_years": 2})
            )["tier"],
            "B"
        );
        assert_eq!(
            evaluate(
                &app,
                json!({"quarterly_revenue": "0", "quarterly_payments": "0", "referrals": 3})
            )["tier"],
            "A"
        );
        assert_eq!(
            evaluate(
                &app,
                json!({"quarterly_revenue": "0", "quarterly_payments": "0", "flags": ["legal_rep_npc_deputy"]})
            )["tier"],
            "A"
        );
        assert_eq!(
            evaluate(
                &app,
                json!({"quarterly_revenue": "0", "quarterly_payments": "0", "flags": ["ethnic_minority_enterprise"]})
            )["tier"],
            "B"
        );
        let nothing = evaluate(&app, metrics("2999.99", "9999.99"));
        assert_eq!(nothing["tier"], "C");
        assert_eq!(nothing["reasons"][0]["rule"], "TIER-3");

        let refused = app.post(
            "/api/v1/tiers/evaluate",
            &app.admin_token,
            &json!({"quarterly_revenue": 5000, "quarterly_payments": "0"}),
        );
        assert_eq!(
            refused.problem(422)["errors"][0]["field"],
            "quarterly_revenue"
        );
        let precise = app.post(
            "/api/v1/tiers/evaluate",
            &app.admin_token,
            &metrics("1.001", "0"),
        );
        assert!(
            precise.problem(422)["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("two decimals")
        );
        app.post(
            "/api/v1/tiers/evaluate",
            &app.admin_token,
            &metrics("-1.00", "0"),
        )
        .problem(422);
        app.post(
            "/api/v1/tiers/evaluate",
            &app.admin_token,
            &json!({"quarterly_revenue": "0", "quarterly_payments": "0", "flags": ["royal"]}),
        )
        .problem(422);
    }
);

both_backends!(
    tier_4_a_quarter_close_keeps_history_and_overrides_last_until_the_next,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (owner_id, _) = app.user_with_roles("sales.sun", &["marketing"]);
        let (_, manager) = app.user_with_roles("mgr.qian", &["manager"]);
        let (_, agent) = app.user_with_roles("agent.zhou", &["cs_agent"]);
        let (_, finance) = app.user_with_roles("fin.wu", &["finance"]);
        let big = app.create_customer(&json!({"full_name": "大客户", "area_type": "urban"}))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let loyal = app.create_customer(&json!({"full_name": "老客户", "area_type": "urban", "first_contract_on": "2022-10-01", "owner_id": owner_id}))["id"]
        .as_str()
        .unwrap()
        .to_owned();
        let small =
            app.create_customer(&json!({"full_name": "小客户", "area_type": "rural"}))["id"]
                .as_str()
                .unwrap()
                .to_owned();

        let put = |id: &str, quarter: &str, token: &str, revenue: &str| {
            app.json(
                "PUT",
                &format!("/api/v1/customers/{id}/quarters/{quarter}"),
                Some(token),
                &json!({"revenue": revenue, "payments": "0.00"}),
            )
        };
        put(&big, "2025Q4", &agent, "5000.00").problem(403);
        assert_eq!(
            put(&big, "2025Q4", &finance, "4000.00").ok(201)["revenue"],
            "4000.00"
        );
        assert_eq!(
            put(&big, "2025Q4", &finance, "5000.00").ok(200)["revenue"],
            "5000.00"
        );
        put(&big, "2025Q5", &finance, "1.00").problem(422);
        put("missing", "2025Q4", &finance, "1.00").problem(404);
        // `small` referred someone: B by TIER-2 referrals ≥ 1.
        let referred =
            app.create_customer(&json!({"full_name": "被推荐", "area_type": "urban"}))["id"]
                .as_str()
                .unwrap()
                .to_owned();
        app.post(
            &format!("/api/v1/customers/{small}/referrals"),
            &app.admin_token,
            &json!({"referred_customer_id": referred, "referred_on": "2025-11-11"}),
        )
        .ok(201);
        app.post(
            &format!("/api/v1/customers/{big}/referrals"),
            &app.admin_token,
            &json!({"referred_customer_id": referred, "referred_on": "2025-11-12"}),
        )
        .problem(409);
        app.post(
            &format!("/api/v1/customers/{small}/referrals"),
            &app.admin_token,
            &json!({"referred_customer_id": small, "referred_on": "2025-11-12"}),
        )
        .problem(422);

        // Before the close: a live evaluation.
        let live = app.get(
            &format!("/api/v1/customers/{loyal}/tier?quarter=2025Q4"),
            &app.admin_token,
        );
        assert_eq!(live.ok(200)["closed"], false);
        // 2022-10-01 to 2025-12-31: three full years (TIER-1 tenure).
        assert_eq!(live.body["tier"], "A");

        let future = app.post("/api/v1/tier-runs", &finance, &json!({"quarter": "2099Q1"}));
        assert_eq!(future.problem(422)["rule"], "TIER-4");
        app.post("/api/v1/tier-runs", &agent, &json!({"quarter": "2025Q4"}))
            .problem(403);
        let closed = app.post("/api/v1/tier-runs", &finance, &json!({"quarter": "2025Q4"}));
        let run = closed.ok(201).clone();
        assert_eq!(
            (
                run["customer_count"].clone(),
                run["tier_a_count"].clone(),
                run["tier_b_count"].clone(),
                run["tier_c_count"].clone()
            ),
            (json!(4), json!(2), json!(1), json!(1))
        );
        let again = app.post("/api/v1/tier-runs", &finance, &json!({"quarter": "2025Q4"}));
        assert_eq!(
            again.ok(200).clone(),
            run,
            "closing a closed quarter returns the first close"
        );
        assert_eq!(
            app.get("/api/v1/tier-runs/2025Q4", &agent).ok(200).clone(),
            run
        );
        app.get("/api/v1/tier-runs/2024Q1", &agent).problem(404);

        let tier = |id: &str, query: &str| {
            app.get(
                &format!("/api/v1/customers/{id}/tier{query}"),
                &app.admin_token,
            )
        };
        let big_tier = tier(&big, "");
        assert_eq!(big_tier.ok(200)["quarter"], "2025Q4");
        assert_eq!(big_tier.body["closed"], true);
        assert_eq!(big_tier.body["tier"], "A");
        assert_eq!(
            big_tier.body["owner_gap"], true,
            "TIER-5: an A customer without an owner is a gap"
        );
        assert_eq!(
            big_tier.body["reasons"][0]["criterion"],
            "quarterly_revenue"
        );
        assert_eq!(tier(&loyal, "").ok(200)["owner_gap"], false);
        assert_eq!(tier(&small, "").ok(200)["tier"], "B");
        let listed_a = app.get("/api/v1/customers?tier=A", &app.admin_token);
        assert_eq!(listed_a.ok(200)["items"].as_array().unwrap().len(), 2);

        // Metrics entered after the close do not change the closed quarter.
        put(&small, "2025Q4", &finance, "9000.00").ok(201);
        assert_eq!(tier(&small, "?quarter=2025Q4").ok(200)["tier"], "B");

        // TIER-4 override: managers only, with a reason; lasts until the next close.
        let path = format!("/api/v1/customers/{small}/tier-override");
        app.post(
            &path,
            &agent,
            &json!({"tier": "A", "reason": "strategic account"}),
        )
        .problem(403);
        app.post(&path, &manager, &json!({"tier": "A", "reason": ""}))
            .problem(422);
        let overridden = app.post(
            &path,
            &manager,
            &json!({"tier": "A", "reason": "strategic account"}),
        );
        let body = overridden.ok(201);
        assert_eq!(
            (
                body["tier"].clone(),
                body["evaluated_tier"].clone(),
                body["overridden"].clone()
            ),
            (json!("A"), json!("B"), json!(true))
        );
        assert_eq!(body["override"]["reason"], "strategic account");
        let customer = app.get(&format!("/api/v1/customers/{small}"), &app.admin_token);
        assert_eq!(
            (
                customer.body["tier"].clone(),
                customer.body["tier_overridden"].clone()
            ),
            (json!("A"), json!(true))
        );
        assert_eq!(
            app.audit("customer", &small).last().unwrap()["action"],
            "customer.tier_override"
        );

        let next = app.post("/api/v1/tier-runs", &finance, &json!({"quarter": "2026Q1"}));
        next.ok(201);
        let after = app.get(&format!("/api/v1/customers/{small}"), &app.admin_token);
        assert_eq!(after.body["tier_quarter"], "2026Q1");
        assert_eq!(
            after.body["tier_overridden"], false,
            "the override lapsed at the next close"
        );
        assert_eq!(
            after.body["tier"], "B",
            "2026Q1 has no revenue; the referral keeps B"
        );
        let history = tier(&small, "?quarter=2025Q4");
        assert_eq!(
            history.ok(200)["tier"],
            "A",
            "the 2025Q4 history shows the override that was in force"
        );
        assert_eq!(history.body["evaluated_tier"], "B");
    }
);

both_backends!(
    tier_5_minimum_price_and_quote_checks,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let minimum = |cost: &str| {
            app.post(
                "/api/v1/quotes/minimum-price",
                &app.admin_token,
                &json!({"unit_cost": cost}),
            )
        };
        assert_eq!(
            minimum("100.00").ok(200).clone(),
            json!({"unit_cost": "100.00", "min_price": "105.27", "margin_percent": "5.00", "policy_version": 1})
        );
        assert_eq!(minimum("95.00").ok(200)["min_price"], "100.00");
        minimum("-1.00").problem(422);

        let tier_a = app.create_customer(
            &json!({"full_name": "A", "area_type": "urban", "flags": ["provincial_brand"]}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let tier_c = app.create_customer(&json!({"full_name": "C", "area_type": "urban"}))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let quote = |id: &str, price: &str| {
            app.post(
                &format!("/api/v1/customers/{id}/quotes"),
                &app.admin_token,
                &json!({"unit_cost": "100.00", "list_price": "150.00", "price": price}),
            )
        };
        let at_floor = quote(&tier_a, "105.27");
        assert_eq!(at_floor.ok(200)["accepted"], true);
        assert_eq!(at_floor.body["tier"], "A");
        let under = quote(&tier_a, "105.26");
        let problem = under.problem(422);
        assert_eq!(problem["min_price"], "105.27");
        assert_eq!(problem["rule"], "TIER-5");
        let no_discount = quote(&tier_c, "149.99");
        assert_eq!(no_discount.problem(422)["floor"], "150.00");
        assert_eq!(quote(&tier_c, "150.00").ok(200)["floor"], "150.00");
        quote("missing", "150.00").problem(404);
    }
);
