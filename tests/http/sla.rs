//! The SLA deadline preview on the official calendar (SLA table, CAL-4).

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

fn preview(app: &TestApp, body: Value) -> crate::support::Reply {
    app.post("/api/v1/sla/deadline", &app.admin_token, &body)
}

both_backends!(
    sla_deadlines_follow_the_table_and_the_holidays,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        // Just before National Day 2026: 1–7 October off, Saturday 10 October worked.
        let installation = preview(
            &app,
            json!({"kind": "installation", "area_type": "urban", "started_at": "2026-09-30T23:59:59+08:00"}),
        );
        assert_eq!(
            installation.ok(200).clone(),
            json!({
                "kind": "installation",
                "started_at": "2026-09-30T23:59:59+08:00",
                "due_at": "2026-10-13T23:59:59+08:00",
                "target": {"unit": "working_days", "amount": 5},
                "calendar_provisional": false,
                "policy_version": 1
            })
        );
        let rural = preview(
            &app,
            json!({"kind": "installation", "area_type": "rural", "started_at": "2026-09-30T15:59:59Z"}),
        );
        assert_eq!(rural.ok(200)["due_at"], "2026-10-20T23:59:59+08:00");
        let complaint = preview(
            &app,
            json!({"kind": "complaint", "started_at": "2026-10-09T23:59:59+08:00"}),
        );
        assert_eq!(complaint.ok(200)["due_at"], "2026-10-13T23:59:59+08:00");
        let fault = preview(
            &app,
            json!({"kind": "general_fault", "started_at": "2026-09-30T18:00:00+08:00"}),
        );
        assert_eq!(fault.ok(200)["due_at"], "2026-10-01T18:00:00+08:00");
        assert_eq!(
            fault.body["target"],
            json!({"unit": "clock_hours", "amount": 24})
        );
        let major = preview(
            &app,
            json!({"kind": "major_fault", "started_at": "2026-09-30T18:00:00+08:00"}),
        );
        assert_eq!(major.ok(200)["due_at"], "2026-10-02T18:00:00+08:00");
        let next_year = preview(
            &app,
            json!({"kind": "restoration", "started_at": "2027-03-01T09:00:00+08:00"}),
        );
        assert_eq!(next_year.ok(200)["due_at"], "2027-03-08T23:59:59+08:00");
        assert_eq!(next_year.body["calendar_provisional"], true);
    }
);

both_backends!(
    sla_deadline_preview_refuses_what_it_cannot_compute,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let no_area = preview(
            &app,
            json!({"kind": "installation", "started_at": "2026-09-30T09:00:00+08:00"}),
        );
        assert_eq!(no_area.problem(422)["errors"][0]["field"], "area_type");
        assert_eq!(no_area.body["type"], "/problems/field-refused");
        let unknown = preview(
            &app,
            json!({"kind": "repair", "started_at": "2026-09-30T09:00:00+08:00"}),
        );
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "kind");
        let no_offset = preview(
            &app,
            json!({"kind": "complaint", "started_at": "2026-09-30T09:00:00"}),
        );
        assert_eq!(no_offset.problem(422)["errors"][0]["field"], "started_at");
        assert_eq!(no_offset.body["type"], "/problems/validation");
        let (_, partnerless) = app.user_with_roles("tech.lin", &["technician"]);
        app.post(
            "/api/v1/sla/deadline",
            &partnerless,
            &json!({"kind": "complaint", "started_at": "2026-09-30T09:00:00+08:00"}),
        )
        .ok(200);
        app.json(
            "POST",
            "/api/v1/sla/deadline",
            None,
            &json!({"kind": "complaint"}),
        )
        .problem(401);
    }
);
