//! The test clock through HTTP on both databases: admin only, forward only, absent on the
//! real clock; and what integrators use it for — a work order breaching, a return visit
//! falling overdue and a month closing for payroll when the clock is moved, not when rows are
//! back-dated.

use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::{TestDatabase, test_now};

use crate::support::{
    TestApp, instant, rfc3339, spawn_app, spawn_app_at, spawn_app_on_the_real_clock,
};
use crate::work_orders::{desk, general_fault, order_path};

fn put_clock(app: &TestApp, token: &str, body: &Value) -> crate::support::Reply {
    app.json("PUT", "/api/v1/test-clock", Some(token), body)
}

both_backends!(
    the_test_clock_is_for_admins_and_moves_only_forward,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let health = app.send("GET", "/healthz", None, None);
        assert_eq!(health.ok(200)["test_clock"], true);
        let reading = app
            .get("/api/v1/test-clock", &app.admin_token)
            .ok(200)
            .clone();
        assert_eq!(instant(&reading["now"]), test_now());
        assert!(reading["now"].as_str().unwrap().ends_with("+08:00"));
        assert_eq!(reading["real"], false);

        let (_, employee_token) = app.user_with_roles("li.kefu", &["employee"]);
        app.get("/api/v1/test-clock", &employee_token).problem(403);
        app.send("GET", "/api/v1/test-clock", None, None)
            .problem(401);
        let later = test_now() + Duration::hours(1);
        put_clock(&app, &employee_token, &json!({"now": rfc3339(later)})).problem(403);

        let moved = put_clock(&app, &app.admin_token, &json!({"now": rfc3339(later)}));
        assert_eq!(instant(&moved.ok(200)["now"]), later);
        assert_eq!(moved.body["real"], false);
        // Standing still: it reads the same until moved again.
        assert_eq!(app.now(), later);
        assert_eq!(app.now(), later);
        // Setting the instant it reads is no move backwards; one second earlier is.
        put_clock(&app, &app.admin_token, &json!({"now": rfc3339(later)})).ok(200);
        let backwards = put_clock(
            &app,
            &app.admin_token,
            &json!({"now": rfc3339(later - Duration::seconds(1))}),
        );
        assert_eq!(backwards.problem(422)["errors"][0]["field"], "now");
        assert_eq!(backwards.body["type"], "/problems/field-refused");
        assert_eq!(app.now(), later, "a refused move changes nothing");
        for bad in [
            json!({"now": "tomorrow"}),
            json!({"now": "2026-11-02T09:00:00"}),
            json!({"now": 1_700_000_000}),
            json!({}),
            json!({"now": rfc3339(later), "real": true}),
        ] {
            let refused = put_clock(&app, &app.admin_token, &bad);
            refused.problem(422);
        }
        let malformed = app.send(
            "PUT",
            "/api/v1/test-clock",
            Some(&app.admin_token),
            Some(("application/json", b"{\"now\": ")),
        );
        malformed.problem(400);

        // Far ahead of real time, it cannot return to it: that would move it backwards. A
        // token issued before still works there: tokens live on the real clock.
        let far = datetime!(2199-01-01 00:00 +8);
        put_clock(&app, &app.admin_token, &json!({"now": rfc3339(far)})).ok(200);
        let stay = app.send("DELETE", "/api/v1/test-clock", Some(&app.admin_token), None);
        assert_eq!(stay.problem(422)["errors"][0]["field"], "now");
        assert_eq!(stay.body["type"], "/problems/field-refused");
        assert_eq!(app.now(), far);
    }
);

both_backends!(
    a_test_clock_behind_real_time_returns_to_it,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(1971-01-01 09:00 +8));
        let real = app
            .send("DELETE", "/api/v1/test-clock", Some(&app.admin_token), None)
            .ok(200)
            .clone();
        assert_eq!(real["real"], true);
        assert!(instant(&real["now"]) > datetime!(1971-01-01 09:00 +8));
        assert_eq!(
            app.get("/api/v1/test-clock", &app.admin_token).ok(200)["real"],
            true
        );
    }
);

both_backends!(
    on_the_real_clock_the_test_clock_does_not_exist,
    |db: &TestDatabase| {
        let app = spawn_app_on_the_real_clock(db);
        assert_eq!(
            app.send("GET", "/healthz", None, None).ok(200)["test_clock"],
            false
        );
        app.get("/api/v1/test-clock", &app.admin_token).problem(404);
        put_clock(
            &app,
            &app.admin_token,
            &json!({"now": "2199-01-01T00:00:00+08:00"}),
        )
        .problem(404);
        app.send("DELETE", "/api/v1/test-clock", Some(&app.admin_token), None)
            .problem(404);
    }
);

both_backends!(
    sla_5_a_work_order_breaches_when_the_clock_passes_its_deadline,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let order = general_fault(&app, &desk);
        // SLA-3: a general fault is due 24 clock hours after its clock starts, which is now.
        let due = instant(&order["due_at"]);
        assert_eq!(due - app.now(), Duration::hours(24));
        let sweep = || {
            app.post("/api/v1/sla/sweeps", &desk.cs_manager_token, &json!({}))
                .ok(200)["breached_count"]
                .clone()
        };
        // SLA-5: unresolved *at* its deadline is not yet late; a second after, it is.
        app.set_clock(due);
        assert_eq!(sweep(), 0);
        app.set_clock(due + Duration::seconds(1));
        assert_eq!(sweep(), 1);
        let detail = app.get(&order_path(&order, ""), &desk.agent_token);
        assert_eq!(detail.ok(200)["breached"], true);
        assert_eq!(
            detail.body["accountability_cases"][0]["status"],
            "candidate"
        );
        // The audit row of the breach is dated by the same clock.
        let breach = app
            .audit("work_order", order["id"].as_str().unwrap())
            .into_iter()
            .find(|entry| entry["action"] == "work_order.breached")
            .expect("the breach is audited");
        assert_eq!(instant(&breach["occurred_at"]), due + Duration::seconds(1));
    }
);

both_backends!(
    sla_6_a_return_visit_is_overdue_when_the_clock_passes_72_hours,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let order = general_fault(&app, &desk);
        app.advance(Duration::hours(2));
        let resolved = app.post(
            &order_path(&order, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "换猫", "version": 1}),
        );
        let resolved_at = instant(&resolved.ok(200)["resolved_at"]);
        assert_eq!(resolved_at, app.now());
        let due_entry = || {
            app.get("/api/v1/return-visits/due", &desk.agent_token)
                .ok(200)["items"][0]
                .clone()
        };
        assert_eq!(due_entry()["overdue"], false);
        // SLA-6: due 72 hours after resolution; overdue only after that.
        app.set_clock(resolved_at + Duration::hours(72));
        let at_the_deadline = due_entry();
        assert_eq!(instant(&at_the_deadline["visit_due_at"]), app.now());
        assert_eq!(at_the_deadline["overdue"], false);
        app.advance(Duration::seconds(1));
        assert_eq!(due_entry()["overdue"], true);
    }
);

both_backends!(
    pay_a_month_may_be_run_once_the_clock_reaches_the_next_month,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-11-30 23:59:59 +8));
        let department = app.create_department("客户服务中心");
        app.create_employee(
            &json!({"name": "李客服", "department_id": department, "rank": "staff"}),
        );
        let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
        let november = json!({"month": "2026-11"});
        let unfinished = app.post("/api/v1/payroll-runs", &hr_token, &november);
        assert_eq!(unfinished.problem(422)["errors"][0]["field"], "month");
        app.set_clock(datetime!(2026-12-01 00:00:00 +8));
        let run = app.post("/api/v1/payroll-runs", &hr_token, &november);
        assert_eq!(run.ok(201)["month"], "2026-11");
        assert_eq!(run.body["status"], "draft");
    }
);
