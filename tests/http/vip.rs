//! VIP-1..3 through HTTP: a customer made tier A gets a monthly visit plan due at the month
//! end, a visit on the due date counts and the day after does not, an issue opens a work
//! order, leaving tier A ends the plan with its history kept, a quarter close opens and ends
//! plans, and the quarter report counts planned vs done per owner.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app_at};

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn customer(app: &TestApp, name: &str, owner_id: Option<&str>) -> String {
    id_of(
        &app.create_customer(
            &json!({"full_name": name, "area_type": "urban", "owner_id": owner_id}),
        ),
    )
}

fn override_to(app: &TestApp, token: &str, customer_id: &str, tier: &str) {
    app.post(
        &format!("/api/v1/customers/{customer_id}/tier-override"),
        token,
        &json!({"tier": tier, "reason": "战略客户调整"}),
    )
    .ok(201);
}

/// The plans a list answers, by customer id.
fn plans_of(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/vip-plans{query}"), token).ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn plan_of_customer(plans: &[Value], customer_id: &str) -> Value {
    plans
        .iter()
        .find(|p| p["customer_id"] == customer_id)
        .unwrap_or_else(|| panic!("no plan of {customer_id} in {plans:?}"))
        .clone()
}

both_backends!(
    vip_1_2_3_plans_follow_tier_a_visits_count_in_their_month_and_quarters_add_up,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-10-15 10:00 +8));
        let department_id = app.create_department("市场部");
        let (owner_user, _) = app.user_with_roles("sales.sun", &["marketing"]);
        let (_, manager) = app.user_with_roles("mgr.qian", &["manager"]);
        let (agent_user, agent) = app.user_with_roles("agent.zhou", &["cs_agent"]);
        let (_, technician) = app.user_with_roles("tech.li", &["technician"]);
        let visitor = app.create_employee(&json!({
            "name": "周客服", "department_id": department_id, "rank": "staff", "user_id": agent_user
        }));
        let big = customer(&app, "大客户", Some(&owner_user));
        let orphan = customer(&app, "无主客户", None);
        let later = customer(&app, "季末客户", None);

        // VIP-1: made tier A by override on 2026-10-15: a monthly plan, due at the month end.
        assert!(plans_of(&app, &agent, "").is_empty());
        override_to(&app, &manager, &big, "A");
        override_to(&app, &manager, &orphan, "A");
        let plans = plans_of(&app, &technician, "?status=open");
        assert_eq!(plans.len(), 2);
        let plan = plan_of_customer(&plans, &big);
        assert_eq!(
            (
                plan["started_on"].clone(),
                plan["next_due_on"].clone(),
                plan["visit_every_months"].clone(),
                plan["owner_id"].clone(),
                plan["customer_name"].clone(),
                plan["status"].clone(),
                plan["overdue_since"].clone(),
            ),
            (
                json!("2026-10-15"),
                json!("2026-10-31"),
                json!(1),
                json!(owner_user),
                json!("大客户"),
                json!("open"),
                Value::Null
            )
        );
        let plan_id = id_of(&plan);
        let orphan_plan = id_of(&plan_of_customer(&plans, &orphan));
        assert_eq!(plan_of_customer(&plans, &orphan)["owner_id"], Value::Null);
        // Overriding again to A keeps the one open plan.
        override_to(&app, &manager, &big, "A");
        assert_eq!(plans_of(&app, &agent, "?status=open").len(), 2);
        let owned = plans_of(&app, &agent, &format!("?owner_id={owner_user}"));
        assert_eq!(owned.len(), 1);
        assert_eq!(owned[0]["id"], plan_id);
        assert!(plans_of(&app, &agent, "?status=ended").is_empty());
        app.get("/api/v1/vip-plans?status=closed", &agent)
            .problem(422);

        // VIP-2: recording a visit — care staff only; bad input names its field.
        let visits = format!("/api/v1/vip-plans/{plan_id}/visits");
        let visit = |day: &str, issues: Value| {
            json!({
                "visited_on": day, "visitor_id": visitor, "contact": "王经理",
                "satisfaction": "satisfied", "issues": issues
            })
        };
        app.post(&visits, &technician, &visit("2026-10-15", json!([])))
            .problem(403);
        let mut extra = visit("2026-10-15", json!([]));
        extra["rating"] = json!(5);
        extra = app.post(&visits, &agent, &extra).problem(422).clone();
        assert!(
            extra["detail"].as_str().unwrap().contains("rating"),
            "{extra}"
        );
        let mut wrong = visit("2026-10-15", json!([]));
        wrong["satisfaction"] = json!(5);
        assert_eq!(
            app.post(&visits, &agent, &wrong).problem(422)["errors"][0]["field"],
            "satisfaction"
        );
        let future = app.post(&visits, &agent, &visit("2026-10-16", json!([])));
        assert_eq!(future.problem(422)["errors"][0]["field"], "visited_on");
        let early = app.post(&visits, &agent, &visit("2026-10-14", json!([])));
        assert_eq!(early.problem(422)["errors"][0]["field"], "visited_on");
        let mut stranger = visit("2026-10-15", json!([]));
        stranger["visitor_id"] = json!("nobody");
        assert_eq!(
            app.post(&visits, &agent, &stranger).problem(422)["errors"][0]["field"],
            "visitor_id"
        );
        let bad_kind = visit(
            "2026-10-15",
            json!([{"kind": "repair", "description": "空调"}]),
        );
        app.post(&visits, &agent, &bad_kind).problem(422);
        app.post(
            "/api/v1/vip-plans/no-such-plan/visits",
            &agent,
            &visit("2026-10-15", json!([])),
        )
        .problem(404);

        // A visit on the due date counts; its issue opens a work order for the customer.
        app.set_clock(datetime!(2026-10-31 16:00 +8));
        let recorded = app
            .post(
                &visits,
                &agent,
                &visit(
                    "2026-10-31",
                    json!([{"kind": "general_fault", "description": "机房空调噪声大"}]),
                ),
            )
            .ok(201)
            .clone();
        assert_eq!(recorded["visited_on"], "2026-10-31");
        assert_eq!(recorded["customer_id"], big);
        assert_eq!(recorded["satisfaction"], "satisfied");
        let issue = &recorded["issues"][0];
        assert_eq!(issue["kind"], "general_fault");
        let order_id = issue["work_order_id"].as_str().unwrap();
        let order = app.get(&format!("/api/v1/work-orders/{order_id}"), &app.admin_token);
        let order = order.ok(200);
        assert_eq!(
            (
                order["customer_id"].clone(),
                order["kind"].clone(),
                order["description"].clone(),
                order["first_responder_id"].clone()
            ),
            (
                json!(big),
                json!("general_fault"),
                json!("机房空调噪声大"),
                json!(visitor)
            )
        );
        let actions: Vec<String> = app
            .audit("vip_visit", recorded["id"].as_str().unwrap())
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(actions, ["vip_visit.record"]);

        // The day after the due date: the unvisited plan is overdue since it, the visited one
        // is not; a visit that day belongs to November and does not make up for October.
        app.set_clock(datetime!(2026-11-01 09:00 +8));
        let overdue = plans_of(&app, &agent, "/overdue");
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0]["id"], orphan_plan);
        assert_eq!(overdue[0]["overdue_since"], "2026-10-31");
        assert!(
            plans_of(&app, &agent, "/overdue?on=2026-10-31").is_empty(),
            "on the due date itself nothing is overdue yet"
        );
        app.post(
            &format!("/api/v1/vip-plans/{orphan_plan}/visits"),
            &agent,
            &visit("2026-11-01", json!([])),
        )
        .ok(201);
        let still = plans_of(&app, &agent, "/overdue");
        assert_eq!(still.len(), 1);
        assert_eq!(still[0]["overdue_since"], "2026-10-31");
        assert_eq!(still[0]["next_due_on"], "2026-12-31", "November is done");
        let december = plans_of(&app, &agent, "/overdue?on=2026-12-01");
        assert_eq!(
            (
                december.len(),
                december[0]["id"].clone(),
                december[0]["overdue_since"].clone()
            ),
            (1, json!(plan_id), json!("2026-11-30")),
            "on 12-01 the orphan's November is done and `big`'s November was missed"
        );
        app.get("/api/v1/vip-plans/overdue?on=2026-13-01", &agent)
            .problem(422);

        // VIP-3: leaving tier A ends the plan today: no new due dates, history still listed.
        app.set_clock(datetime!(2026-11-10 11:00 +8));
        override_to(&app, &manager, &big, "B");
        let ended = plans_of(&app, &agent, "?status=ended");
        assert_eq!(ended.len(), 1);
        assert_eq!(
            (
                ended[0]["id"].clone(),
                ended[0]["ended_on"].clone(),
                ended[0]["status"].clone(),
                ended[0]["next_due_on"].clone()
            ),
            (
                json!(plan_id),
                json!("2026-11-10"),
                json!("ended"),
                Value::Null
            )
        );
        let detail = app.get(&format!("/api/v1/vip-plans/{plan_id}"), &technician);
        let detail = detail.ok(200);
        assert_eq!(detail["visits"].as_array().unwrap().len(), 1);
        assert_eq!(detail["visits"][0]["issues"][0]["work_order_id"], order_id);
        app.get("/api/v1/vip-plans/no-such-plan", &agent)
            .problem(404);
        app.set_clock(datetime!(2026-11-12 11:00 +8));
        let after_end = app.post(&visits, &agent, &visit("2026-11-11", json!([])));
        assert_eq!(after_end.problem(422)["rule"], "VIP-3");
        app.post(&visits, &agent, &visit("2026-11-10", json!([])))
            .ok(201);
        let trail: Vec<String> = app
            .audit("vip_plan", &plan_id)
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(trail, ["vip_plan.open", "vip_plan.end"]);

        // The quarter report: `big` (ended 11-10) had October planned and done; the orphan
        // had October, November and December planned, November done, two missed.
        app.set_clock(datetime!(2027-01-05 10:00 +8));
        let report = app.get("/api/v1/vip-plans/quarters/2026Q4", &technician);
        let report = report.ok(200).clone();
        assert_eq!(report["quarter"], "2026Q4");
        assert_eq!(report["rule"], "VIP-3");
        assert_eq!(
            report["owners"],
            json!([
                {"owner_id": owner_user, "planned": 1, "done": 1, "missed": 0},
                {"owner_id": null, "planned": 3, "done": 1, "missed": 2}
            ])
        );
        app.get("/api/v1/vip-plans/quarters/2026Q5", &agent)
            .problem(422);

        // A quarter close that actually closes syncs the plans: `later` earned tier A in
        // 2026Q4 and gets a plan from the close day; the orphan's override lapses (C) and its
        // plan ends that day. The report of the closed quarter does not change.
        app.json(
            "PUT",
            &format!("/api/v1/customers/{later}/quarters/2026Q4"),
            Some(&app.admin_token),
            &json!({"revenue": "5000.00", "payments": "0.00"}),
        )
        .ok(201);
        app.post(
            "/api/v1/tier-runs",
            &app.admin_token,
            &json!({"quarter": "2026Q4"}),
        )
        .ok(201);
        let open = plans_of(&app, &agent, "?status=open");
        assert_eq!(open.len(), 1);
        assert_eq!(
            (
                open[0]["customer_id"].clone(),
                open[0]["started_on"].clone(),
                open[0]["next_due_on"].clone()
            ),
            (json!(later), json!("2027-01-05"), json!("2027-01-31"))
        );
        let orphan_now = app.get(&format!("/api/v1/vip-plans/{orphan_plan}"), &agent);
        assert_eq!(orphan_now.ok(200)["ended_on"], "2027-01-05");
        assert_eq!(
            app.get("/api/v1/vip-plans/quarters/2026Q4", &agent)
                .ok(200)
                .clone(),
            report
        );
        assert_eq!(plans_of(&app, &agent, "?status=ended").len(), 2);
        // Closing the closed quarter again changes nothing.
        app.post(
            "/api/v1/tier-runs",
            &app.admin_token,
            &json!({"quarter": "2026Q4"}),
        )
        .ok(200);
        assert_eq!(plans_of(&app, &agent, "").len(), 3);
    }
);

both_backends!(vip_plans_page_by_cursor, |db: &TestDatabase| {
    let app = spawn_app_at(db, datetime!(2026-10-15 10:00 +8));
    let (_, manager) = app.user_with_roles("mgr.qian", &["manager"]);
    for n in 0..3 {
        let id = customer(&app, &format!("客户{n}"), None);
        override_to(&app, &manager, &id, "A");
    }
    let first = app.get("/api/v1/vip-plans?limit=2", &manager);
    let first = first.ok(200).clone();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(
        &format!("/api/v1/vip-plans?limit=2&cursor={cursor}"),
        &manager,
    );
    let second = second.ok(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    assert_ne!(second["items"][0]["id"], first["items"][0]["id"]);
    assert_ne!(second["items"][0]["id"], first["items"][1]["id"]);
});
