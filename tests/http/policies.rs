//! Issue 18 through HTTP, `tier` area: versions in force by date, refused versions naming the
//! field, decisions by the version in force on the day they concern (a quarter's last day),
//! stored results that keep their version, and a second replica seeing a new version.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app_at};

/// The tier defaults of docs/rules.md with tier A's quarterly revenue at `revenue`.
fn tier_values(revenue: &str) -> Value {
    json!({
        "tier_a": {"quarterly_revenue": revenue, "quarterly_payments": "20000.00", "referrals": 3, "tenure_years": 3,
                   "flags": ["mass_market_campaign", "provincial_brand", "legal_rep_npc_deputy"]},
        "tier_b": {"quarterly_revenue": "3000.00", "quarterly_payments": "10000.00", "referrals": 1, "tenure_years": 2,
                   "flags": ["welfare_unit", "ethnic_minority_enterprise"]},
        "tier_a_min_margin_bp": 500
    })
}

fn new_version(based_on: i64, effective_from: &str, values: Value) -> Value {
    json!({"based_on_version": based_on, "effective_from": effective_from, "values": values, "reason": "一类客户门槛调整"})
}

const VERSIONS: &str = "/api/v1/policies/tier/versions";

fn evaluate(app: &TestApp, token: &str, revenue: &str, on: Option<&str>) -> Value {
    let mut body = json!({"quarterly_revenue": revenue, "quarterly_payments": "0.00"});
    if let Some(on) = on {
        body["on"] = json!(on);
    }
    app.post("/api/v1/tiers/evaluate", token, &body)
        .ok(200)
        .clone()
}

both_backends!(
    tier_policy_versions_decide_by_the_day_concerned_and_keep_stored_results,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let (_, finance) = app.user_with_roles("cai.wu", &["finance"]);
        let (_, manager) = app.user_with_roles("jing.li", &["manager"]);
        let (_, policy_admin) = app.user_with_roles("zhi.du", &["policy_admin"]);

        let current = app.get("/api/v1/policies", &manager).ok(200).clone();
        assert_eq!(current[0]["area"], "tier");
        assert_eq!(current[0]["version"], 1);
        assert_eq!(current[0]["effective_from"], "1970-01-01");
        assert_eq!(current[0]["values"], tier_values("5000.00"));

        // Who may write, and what is refused, naming the field.
        let raised = new_version(1, "2027-01-01", tier_values("6000.00"));
        app.post(VERSIONS, &manager, &raised).problem(403);
        let mut b_above_a = tier_values("5000.00");
        b_above_a["tier_b"]["quarterly_revenue"] = json!("5000.00");
        let refused = app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2027-01-01", b_above_a),
        );
        assert_eq!(refused.error_fields(), ["values.tier_a.quarterly_revenue"]);
        let mut three_decimals = tier_values("6000.001");
        three_decimals["tier_a_min_margin_bp"] = json!(500);
        let refused = app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2027-01-01", three_decimals),
        );
        assert_eq!(refused.error_fields(), ["values.tier_a.quarterly_revenue"]);
        let mut wrong_type = tier_values("6000.00");
        wrong_type["tier_a"]["referrals"] = json!("3");
        let refused = app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2027-01-01", wrong_type),
        );
        assert_eq!(refused.error_fields(), ["values.tier_a.referrals"]);
        let mut unknown = tier_values("6000.00");
        unknown["tier_c"] = json!({});
        app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2027-01-01", unknown),
        )
        .problem(422);
        let mut full_margin = tier_values("6000.00");
        full_margin["tier_a_min_margin_bp"] = json!(10_000);
        let refused = app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2027-01-01", full_margin),
        );
        assert_eq!(refused.error_fields(), ["values.tier_a_min_margin_bp"]);
        let yesterday = app.post(
            VERSIONS,
            &policy_admin,
            &new_version(1, "2026-12-06", tier_values("6000.00")),
        );
        assert_eq!(yesterday.error_fields(), ["effective_from"]);
        app.post(
            VERSIONS,
            &policy_admin,
            &new_version(7, "2027-01-01", tier_values("6000.00")),
        )
        .problem(412);

        let created = app.post(VERSIONS, &policy_admin, &raised).ok(201).clone();
        assert_eq!(created["version"], 2);
        assert_eq!(
            created["changes"],
            json!([{"path": "tier_a.quarterly_revenue", "from": "5000.00", "to": "6000.00"}])
        );
        app.post(
            VERSIONS,
            &app.admin_token,
            &new_version(2, "2027-01-01", tier_values("6500.00")),
        )
        .problem(422);
        app.post(VERSIONS, &app.admin_token, &raised).problem(412);

        // Reading: the version in force on a day, the history paged, one version's changes.
        assert_eq!(
            app.get("/api/v1/policies/tier", &manager).ok(200)["version"],
            1
        );
        assert_eq!(
            app.get("/api/v1/policies/tier?on=2026-12-31", &manager)
                .ok(200)["version"],
            1
        );
        assert_eq!(
            app.get("/api/v1/policies/tier?on=2027-01-01", &manager)
                .ok(200)["version"],
            2
        );
        app.get("/api/v1/policies/nope", &manager).problem(404);
        app.get("/api/v1/policies/tier?on=2027-02-30", &manager)
            .problem(422);
        let first_page = app
            .get("/api/v1/policies/tier/versions?limit=1", &manager)
            .ok(200)
            .clone();
        assert_eq!(first_page["items"][0]["version"], 1);
        let cursor = first_page["next_cursor"].as_str().unwrap();
        let second_page = app
            .get(
                &format!("/api/v1/policies/tier/versions?limit=1&cursor={cursor}"),
                &manager,
            )
            .ok(200)
            .clone();
        assert_eq!(second_page["items"][0]["version"], 2);
        assert_eq!(second_page["next_cursor"], Value::Null);
        let second = app
            .get("/api/v1/policies/tier/versions/2", &manager)
            .ok(200)
            .clone();
        assert_eq!(second["changes"][0]["path"], "tier_a.quarterly_revenue");
        assert_eq!(second["reason"], "一类客户门槛调整");
        app.get("/api/v1/policies/tier/versions/3", &manager)
            .problem(404);
        app.get(
            "/api/v1/policies/tier/versions/9223372036854775808",
            &manager,
        )
        .problem(404);
        let foreign = app
            .get(
                "/api/v1/policies/tier/versions?cursor=BUg0b0RZCrpAI-y06s6kFBl-",
                &manager,
            )
            .ok(200)
            .clone();
        assert_eq!(
            foreign["items"],
            json!([]),
            "a cursor this list did not give"
        );
        let trail = app.audit("policy_version", "tier/2");
        assert_eq!(trail.len(), 1, "{trail:?}");

        // 5,500.00 of revenue: A by version 1 up to 31 December, B by version 2 from 1 January.
        let before = evaluate(&app, &manager, "5500.00", Some("2026-12-31"));
        assert_eq!(
            (before["tier"].clone(), before["policy_version"].clone()),
            (json!("A"), json!(1))
        );
        assert_eq!(before["reasons"][0]["policy_version"], 1);
        let after = evaluate(&app, &manager, "5500.00", Some("2027-01-01"));
        assert_eq!(
            (after["tier"].clone(), after["policy_version"].clone()),
            (json!("B"), json!(2))
        );
        assert_eq!(after["reasons"][0]["rule"], "TIER-2");
        assert_eq!(evaluate(&app, &manager, "5500.00", None)["tier"], "A");
        assert_eq!(
            evaluate(&app, &manager, "6000.00", Some("2027-01-01"))["tier"],
            "A"
        );

        // Quarter closes: the quarter ending before the new version's day keeps A under
        // version 1, the next one is judged by version 2.
        let customer = app.create_customer(&json!({"full_name": "门槛客户", "area_type": "urban"}))
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for quarter in ["2026Q4", "2027Q1"] {
            app.json(
                "PUT",
                &format!("/api/v1/customers/{customer}/quarters/{quarter}"),
                Some(&finance),
                &json!({"revenue": "5500.00", "payments": "0.00"}),
            )
            .ok(201);
        }
        app.set_clock(datetime!(2027-01-02 09:00 +8));
        let q4 = app
            .post("/api/v1/tier-runs", &finance, &json!({"quarter": "2026Q4"}))
            .ok(201)
            .clone();
        assert_eq!(
            (q4["tier_a_count"].clone(), q4["policy_version"].clone()),
            (json!(1), json!(1))
        );
        app.set_clock(datetime!(2027-04-01 09:00 +8));
        let q1 = app
            .post("/api/v1/tier-runs", &finance, &json!({"quarter": "2027Q1"}))
            .ok(201)
            .clone();
        assert_eq!(
            (q1["tier_b_count"].clone(), q1["policy_version"].clone()),
            (json!(1), json!(2))
        );
        let kept = app
            .get(
                &format!("/api/v1/customers/{customer}/tier?quarter=2026Q4"),
                &manager,
            )
            .ok(200)
            .clone();
        assert_eq!(kept["tier"], "A");
        assert_eq!(kept["reasons"][0]["policy_version"], 1);
        let judged = app
            .get(
                &format!("/api/v1/customers/{customer}/tier?quarter=2027Q1"),
                &manager,
            )
            .ok(200)
            .clone();
        assert_eq!(judged["tier"], "B");
        assert_eq!(judged["reasons"][0]["policy_version"], 2);

        // A third version changes neither closed quarter.
        app.post(
            VERSIONS,
            &policy_admin,
            &new_version(2, "2027-04-02", tier_values("5000.00")),
        )
        .ok(201);
        let still = app
            .get(
                &format!("/api/v1/customers/{customer}/tier?quarter=2027Q1"),
                &manager,
            )
            .ok(200)
            .clone();
        assert_eq!(still["tier"], "B");
        assert_eq!(still["reasons"][0]["policy_version"], 2);
    }
);

both_backends!(
    a_second_replica_sees_a_new_tier_version_within_its_recheck,
    |db: &TestDatabase| {
        let writer = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let reader = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let (_, manager) = writer.user_with_roles("jing.li", &["manager"]);
        // One signing secret: a token of one replica is good on the other.
        let token = manager.clone();
        assert_eq!(
            evaluate(&reader, &token, "5500.00", Some("2027-01-01"))["tier"],
            "A"
        );
        writer
            .post(
                VERSIONS,
                &writer.admin_token,
                &new_version(1, "2027-01-01", tier_values("6000.00")),
            )
            .ok(201);
        assert_eq!(
            evaluate(&writer, &manager, "5500.00", Some("2027-01-01"))["tier"],
            "B",
            "the writing replica sees its own version at once"
        );
        // The other replica rechecks the revision once a second; allow for a loaded machine.
        let written = Instant::now();
        loop {
            let seen = evaluate(&reader, &token, "5500.00", Some("2027-01-01"));
            if seen["policy_version"] == 2 {
                assert_eq!(seen["tier"], "B");
                break;
            }
            assert!(
                written.elapsed() < Duration::from_secs(3),
                "the second replica still uses version 1 after {:?}",
                written.elapsed()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
);

/// The SLA defaults of docs/rules.md with a general fault due in `hours` clock hours.
fn sla_values(hours: u32) -> Value {
    json!({
        "general_fault": {"unit": "clock_hours", "amount": hours},
        "major_fault": {"unit": "clock_hours", "amount": 48},
        "installation_urban": {"unit": "working_days", "amount": 5},
        "installation_rural": {"unit": "working_days", "amount": 10},
        "restoration": {"unit": "working_days", "amount": 5},
        "complaint": {"unit": "working_days", "amount": 3},
        "return_visit_hours": 72,
        "reply_within_hours": 24,
        "standard_households_urban": 4500,
        "standard_households_rural": 2000
    })
}

both_backends!(
    sla_policy_versions_decide_by_the_day_the_clock_starts,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let desk = crate::work_orders::desk(&app);
        let (_, policy_admin) = app.user_with_roles("zhi.du", &["policy_admin"]);
        let sla_versions = "/api/v1/policies/sla/versions";
        assert_eq!(
            app.get("/api/v1/policies/sla", &desk.agent_token).ok(200)["values"],
            sla_values(24)
        );
        let zero = app.post(
            sla_versions,
            &policy_admin,
            &new_version(1, "2026-12-08", sla_values(0)),
        );
        assert_eq!(zero.error_fields(), ["values.general_fault.amount"]);
        app.post(
            sla_versions,
            &policy_admin,
            &new_version(1, "2026-12-08", tier_values("6000.00")),
        )
        .problem(422);
        app.post(
            "/api/v1/policies/nope/versions",
            &policy_admin,
            &new_version(1, "2026-12-08", sla_values(12)),
        )
        .problem(404);
        let mut unknown_unit = sla_values(12);
        unknown_unit["general_fault"]["unit"] = json!("minutes");
        app.post(
            sla_versions,
            &policy_admin,
            &new_version(1, "2026-12-08", unknown_unit),
        )
        .problem(422);
        app.post(
            sla_versions,
            &desk.agent_token,
            &new_version(1, "2026-12-08", sla_values(12)),
        )
        .problem(403);
        let created = app
            .post(
                sla_versions,
                &policy_admin,
                &new_version(1, "2026-12-08", sla_values(12)),
            )
            .ok(201)
            .clone();
        assert_eq!(
            created["changes"],
            json!([{"path": "general_fault.amount", "from": 24, "to": 12}])
        );

        // Today's order runs 24 hours under version 1; tomorrow's 12 under version 2, and the
        // first keeps its deadline.
        let today = crate::work_orders::general_fault(&app, &desk);
        assert_eq!(today["due_at"], "2026-12-08T10:00:00+08:00");
        assert_eq!(today["sla_policy_version"], 1);
        let preview = |started_at: &str| {
            app.post(
                "/api/v1/sla/deadline",
                &desk.agent_token,
                &json!({"kind": "general_fault", "area_type": "urban", "started_at": started_at}),
            )
            .ok(200)
            .clone()
        };
        let before = preview("2026-12-07T23:59:59+08:00");
        assert_eq!(
            (before["due_at"].clone(), before["policy_version"].clone()),
            (json!("2026-12-08T23:59:59+08:00"), json!(1))
        );
        let after = preview("2026-12-08T00:00:00+08:00");
        assert_eq!(
            (after["due_at"].clone(), after["policy_version"].clone()),
            (json!("2026-12-08T12:00:00+08:00"), json!(2))
        );
        app.set_clock(datetime!(2026-12-08 09:00 +8));
        let tomorrow = crate::work_orders::general_fault(&app, &desk);
        assert_eq!(tomorrow["due_at"], "2026-12-08T21:00:00+08:00");
        assert_eq!(tomorrow["sla_policy_version"], 2);
        let kept = app
            .get(
                &format!("/api/v1/work-orders/{}", today["id"].as_str().unwrap()),
                &desk.agent_token,
            )
            .ok(200)
            .clone();
        assert_eq!(kept["due_at"], "2026-12-08T10:00:00+08:00");
        assert_eq!(kept["sla_policy_version"], 1);
    }
);

both_backends!(
    publication_policy_versions_decide_by_the_publishing_day,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let (_, policy_admin) = app.user_with_roles("zhi.du", &["policy_admin"]);
        let versions = "/api/v1/policies/publication/versions";
        let page = |hotline: &str| {
            json!({"commitments": ["首问负责"], "hotlines": [{"name": "客服热线", "number": hotline}],
                   "fees": [], "procedures": [], "branches": [], "staff": []})
        };
        let letters = app.post(
            versions,
            &policy_admin,
            &new_version(1, "2026-12-08", json!({"service_hotline": "9676a"})),
        );
        assert_eq!(letters.error_fields(), ["values.service_hotline"]);
        app.post(
            versions,
            &policy_admin,
            &new_version(1, "2026-12-08", json!({"service_hotline": "95555"})),
        )
        .ok(201);

        // Today the page must still list 96766; from tomorrow 95555.
        let path = "/api/v1/public/service-info";
        app.json("PUT", path, Some(&app.admin_token), &page("95555"))
            .problem(422);
        let first = app
            .json("PUT", path, Some(&app.admin_token), &page("96766"))
            .ok(200)
            .clone();
        app.set_clock(datetime!(2026-12-08 00:00 +8));
        let mut stale = page("96766");
        stale["version"] = first["version"].clone();
        let refused = app.json("PUT", path, Some(&app.admin_token), &stale);
        assert_eq!(refused.problem(422)["rule"], "PUB-1");
        let mut renewed = page("95555");
        renewed["version"] = first["version"].clone();
        app.json("PUT", path, Some(&app.admin_token), &renewed)
            .ok(200);
    }
);
