//! INBOX-1, INBOX-2 through HTTP: a department head's inbox, its summary and pages, and a
//! chain step handed to the next holder while its own holder is on approved leave.

use serde_json::{Value, json};
use time::Duration;
use time::macros::{offset, time};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::hr::{Office, office, working_day_from};
use crate::support::{TestApp, spawn_app};

fn file_leave(app: &TestApp, token: &str, day: time::Date) -> Value {
    app.post(
        "/api/v1/leave-requests",
        token,
        &json!({"leave_type": "personal", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "家中有事"}),
    )
    .ok(201)
    .clone()
}

fn inbox(app: &TestApp, token: &str, query: &str) -> Value {
    app.get(&format!("/api/v1/approvals/inbox{query}"), token)
        .ok(200)
        .clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn count_of(summary: &Value, kind: &str) -> u64 {
    summary["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|count| count["kind"] == kind)
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

/// Approves every step of `request`'s chain with the token that holds it.
fn approve_chain(app: &TestApp, office: &Office, request: &Value) {
    let path = format!(
        "/api/v1/leave-requests/{}/decisions",
        request["id"].as_str().unwrap()
    );
    for step in request["chain"].as_array().unwrap() {
        let token = match step["step"].as_str().unwrap() {
            "hr" => &office.hr_token,
            _ if step["approver_id"] == office.head.as_str() => &office.head_token,
            _ => &office.gm_token,
        };
        app.post(&path, token, &json!({"decision": "approved"}))
            .ok(200);
    }
}

both_backends!(
    inbox_1_a_department_head_sees_what_waits_on_them_and_only_that,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let first = file_leave(
            &app,
            &office.staff_token,
            working_day_from(&app, today + Duration::days(30)),
        );
        let second = file_leave(
            &app,
            &office.colleague_token,
            working_day_from(&app, today + Duration::days(31)),
        );

        let head = inbox(&app, &office.head_token, "");
        assert_eq!(
            ids(&head),
            [
                first["id"].as_str().unwrap(),
                second["id"].as_str().unwrap()
            ]
        );
        let item = &head["items"][0];
        assert_eq!(item["kind"], "leave_request");
        assert_eq!(item["step"], "department_head");
        assert_eq!(item["requested_by"], office.staff.as_str());
        assert!(item["on_behalf_of"].is_null());
        assert_eq!(
            item["path"],
            format!(
                "/api/v1/leave-requests/{}/decisions",
                first["id"].as_str().unwrap()
            )
        );
        // Due when the leave starts: 00:00 of its first day in the company's zone.
        let first_day = first["first_day"].as_str().unwrap();
        assert_eq!(item["due_by"], format!("{first_day}T00:00:00+08:00"));

        // HR's step is not reached yet; the employee's own request never waits on them.
        assert!(ids(&inbox(&app, &office.hr_token, "")).is_empty());
        assert!(ids(&inbox(&app, &office.staff_token, "")).is_empty());

        let summary = app
            .get("/api/v1/approvals/summary", &office.head_token)
            .ok(200)
            .clone();
        assert_eq!(summary["total"], 2);
        assert_eq!(count_of(&summary, "leave_request"), 2);
        assert_eq!(count_of(&summary, "payroll_run"), 0);

        // Filtered by kind, and paged.
        assert!(ids(&inbox(&app, &office.head_token, "?kind=payroll_run")).is_empty());
        let page_one = inbox(&app, &office.head_token, "?kind=leave_request&limit=1");
        assert_eq!(ids(&page_one), [first["id"].as_str().unwrap()]);
        let cursor = page_one["next_cursor"].as_str().unwrap();
        let page_two = inbox(
            &app,
            &office.head_token,
            &format!("?limit=1&cursor={cursor}"),
        );
        assert_eq!(ids(&page_two), [second["id"].as_str().unwrap()]);
        assert!(page_two["next_cursor"].is_null());

        // Once the head decides, the item leaves their inbox and reaches HR's.
        app.post(
            head["items"][0]["path"].as_str().unwrap(),
            &office.head_token,
            &json!({"decision": "approved"}),
        )
        .ok(200);
        assert_eq!(
            ids(&inbox(&app, &office.head_token, "")),
            [second["id"].as_str().unwrap()]
        );
        let hr = inbox(&app, &office.hr_token, "");
        assert_eq!(ids(&hr), [first["id"].as_str().unwrap()]);
        assert_eq!(hr["items"][0]["step"], "hr");

        let unknown = app.get("/api/v1/approvals/inbox?kind=holiday", &office.head_token);
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "kind");
        app.get("/api/v1/approvals/inbox", "not-a-token")
            .problem(401);
    }
);

both_backends!(
    inbox_2_while_the_head_is_on_approved_leave_their_steps_wait_on_hr,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let away = working_day_from(&app, today + Duration::days(20));
        let heads_leave = file_leave(&app, &office.head_token, away);
        approve_chain(&app, &office, &heads_leave);
        let staff_leave = file_leave(
            &app,
            &office.staff_token,
            working_day_from(&app, away + Duration::days(10)),
        );
        let decide = format!(
            "/api/v1/leave-requests/{}/decisions",
            staff_leave["id"].as_str().unwrap()
        );
        // The head is at work today: the step is theirs alone.
        app.post(
            &decide,
            &office.hr_token,
            &json!({"step": "department_head", "decision": "approved"}),
        )
        .problem(403);

        // The day before the leave the head still holds it; on the leave day HR does.
        let previous = away.previous_day().unwrap();
        app.set_clock(
            previous
                .with_time(time!(23:59:59))
                .assume_offset(offset!(+8)),
        );
        assert_eq!(
            ids(&inbox(&app, &office.head_token, "")),
            [staff_leave["id"].as_str().unwrap()]
        );
        assert!(ids(&inbox(&app, &office.hr_token, "")).is_empty());

        app.set_clock(away.with_time(time!(00:00)).assume_offset(offset!(+8)));
        assert!(ids(&inbox(&app, &office.head_token, "")).is_empty());
        let hr = inbox(&app, &office.hr_token, "");
        assert_eq!(ids(&hr), [staff_leave["id"].as_str().unwrap()]);
        assert_eq!(hr["items"][0]["step"], "department_head");
        assert_eq!(hr["items"][0]["on_behalf_of"], office.head.as_str());
        let summary = app
            .get("/api/v1/approvals/summary", &office.hr_token)
            .ok(200)
            .clone();
        assert_eq!(count_of(&summary, "leave_request"), 1);

        // HR decides the head's step on the request's own endpoint, then its own.
        app.post(
            &decide,
            &office.hr_token,
            &json!({"step": "department_head", "decision": "approved"}),
        )
        .ok(200);
        let approved = app
            .post(&decide, &office.hr_token, &json!({"decision": "approved"}))
            .ok(200)
            .clone();
        assert_eq!(approved["status"], "approved");
        assert!(ids(&inbox(&app, &office.hr_token, "")).is_empty());
    }
);
