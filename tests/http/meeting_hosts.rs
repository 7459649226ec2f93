//! DISC meeting host (每日开会负责人) through HTTP: the roster of working days, a late report
//! (10:00 after the call on time, 10:01 late) warning then fining 100.00 with a hosting day
//! each, two forgotten calls owing two days, and an owed day skipping the weekend.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, TestApp, spawn_app_at};

/// The customer-service department: its head (a manager), a member reporting to the head,
/// and a customer-service agent without the right to set hosts.
struct Desk {
    head: String,
    member: String,
    head_token: String,
    member_token: String,
}

fn desk(app: &TestApp) -> Desk {
    let department = app.create_department("客服部");
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (member_user, member_token) = app.user_with_roles("li.kefu", &["cs_agent"]);
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "user_id": head_user}));
    let member = app.create_employee(&json!({"name": "李客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": member_user}));
    Desk {
        head,
        member,
        head_token,
        member_token,
    }
}

fn set_host(app: &TestApp, token: &str, date: &str, body: &Value) -> Reply {
    app.json(
        "PUT",
        &format!("/api/v1/meeting-hosts/{date}"),
        Some(token),
        body,
    )
}

fn roster(app: &TestApp, from: &str, to: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/meeting-hosts?from={from}&to={to}"),
        &app.admin_token,
    )
    .ok(200)
    .as_array()
    .unwrap()
    .clone()
}

fn report(app: &TestApp, desk: &Desk, called_at: &str, reported_at: &str) -> Value {
    app.post(
        "/api/v1/meeting-reports",
        &desk.head_token,
        &json!({"employee_id": desk.member, "called_at": called_at, "reported_at": reported_at}),
    )
    .ok(200)
    .clone()
}

/// The member states, the head confirms; returns the confirmed record.
fn confirmed(app: &TestApp, desk: &Desk, record_id: &str) -> Value {
    let path = format!("/api/v1/discipline/records/{record_id}");
    let heard = app
        .post(
            &format!("{path}/statement"),
            &desk.member_token,
            &json!({"statement": "我承认", "version": 1}),
        )
        .ok(200)
        .clone();
    let done = app
        .post(
            &format!("{path}/confirmation"),
            &desk.head_token,
            &json!({"version": heard["version"]}),
        )
        .ok(200)
        .clone();
    assert_eq!(done["status"], "confirmed");
    done
}

fn host_of(day: &Value) -> (&str, &str, &str) {
    (
        day["date"].as_str().unwrap(),
        day["employee_id"].as_str().unwrap_or("-"),
        day["source"].as_str().unwrap_or("-"),
    )
}

both_backends!(
    disc_meeting_host_late_report_warns_then_fines_and_each_owes_the_next_working_day,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-03-02 15:00 +8));
        let desk = desk(&app);

        // The base host of a working day, set by a manager at the version read.
        let set = set_host(
            &app,
            &desk.head_token,
            "2026-03-02",
            &json!({"employee_id": desk.head}),
        )
        .ok(200)
        .clone();
        assert_eq!(set["version"], 1);
        set_host(
            &app,
            &desk.head_token,
            "2026-03-02",
            &json!({"employee_id": desk.head}),
        )
        .problem(412);
        set_host(
            &app,
            &desk.member_token,
            "2026-03-03",
            &json!({"employee_id": desk.member}),
        )
        .problem(403);
        let saturday = set_host(
            &app,
            &desk.head_token,
            "2026-03-07",
            &json!({"employee_id": desk.head}),
        );
        saturday.problem(422);
        assert_eq!(saturday.error_fields(), ["date"]);
        assert_eq!(app.audit("meeting_host_day", "2026-03-02").len(), 1);

        // 10:00 after the call is on time; 10:01 is late.
        let on_time = report(
            &app,
            &desk,
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T10:10:00+08:00",
        );
        assert_eq!(on_time["late"], false);
        assert!(on_time["discipline_record_id"].is_null());
        let late = report(
            &app,
            &desk,
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T10:11:00+08:00",
        );
        assert_eq!(late["late"], true);
        let first_id = late["discipline_record_id"].as_str().unwrap().to_owned();

        // ACC-3: nothing is owed before the record is confirmed.
        let days = roster(&app, "2026-03-02", "2026-03-03");
        assert_eq!(
            days.iter().map(host_of).collect::<Vec<_>>(),
            [
                ("2026-03-02", desk.head.as_str(), "base"),
                ("2026-03-03", "-", "-")
            ]
        );
        let first = confirmed(&app, &desk, &first_id);
        assert_eq!(first["offense_code"], "meeting_report_late");
        assert_eq!(first["penalty"]["warning"], true);
        assert_eq!(first["fine"], "0.00");
        let days = roster(&app, "2026-03-02", "2026-03-04");
        assert_eq!(
            host_of(&days[1]),
            ("2026-03-03", desk.member.as_str(), "owed")
        );
        assert_eq!(days[1]["discipline_record_id"], first_id.as_str());
        assert_eq!(app.audit("meeting_host_duty", "2026-03-03").len(), 1);

        // The second late report: 100.00 and the next working day.
        app.set_clock(datetime!(2026-03-03 15:00 +8));
        let second = report(
            &app,
            &desk,
            "2026-03-03T10:00:00+08:00",
            "2026-03-03T10:15:00+08:00",
        );
        let second_id = second["discipline_record_id"].as_str().unwrap().to_owned();
        let second = confirmed(&app, &desk, &second_id);
        assert_eq!(second["occurrence"], 2);
        assert_eq!(second["penalty"]["warning"], false);
        assert_eq!(second["fine"], "100.00");
        let days = roster(&app, "2026-03-03", "2026-03-04");
        assert_eq!(
            days.iter().map(host_of).collect::<Vec<_>>(),
            [
                ("2026-03-03", desk.member.as_str(), "owed"),
                ("2026-03-04", desk.member.as_str(), "owed")
            ]
        );

        // The fine flows to the month's payslip like every DISC fine.
        app.set_clock(datetime!(2026-04-02 10:00 +8));
        app.post(
            "/api/v1/payroll-runs",
            &app.admin_token,
            &json!({"month": "2026-03"}),
        )
        .ok(201);
        let slip = app
            .get(
                &format!("/api/v1/employees/{}/payslips/2026-03", desk.member),
                &app.admin_token,
            )
            .ok(200)
            .clone();
        let fines: Vec<&Value> = slip["payslip"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|line| line["kind"] == "discipline_fine")
            .collect();
        assert_eq!(fines.len(), 1, "the warning costs nothing");
        assert_eq!(fines[0]["amount"], "-100.00");
        assert_eq!(fines[0]["reference"], second_id.as_str());

        // Bad spans name the field.
        let backwards = app.get(
            "/api/v1/meeting-hosts?from=2026-03-04&to=2026-03-03",
            &app.admin_token,
        );
        backwards.problem(422);
        assert_eq!(backwards.error_fields(), ["to"]);
    }
);

both_backends!(
    disc_meeting_host_two_forgotten_calls_owe_two_days_after_the_weekend,
    |db: &TestDatabase| {
        // Friday 6 March 2026.
        let app = spawn_app_at(db, datetime!(2026-03-06 16:00 +8));
        let desk = desk(&app);
        let mut ids = Vec::new();
        for at in ["2026-03-06T10:00:00+08:00", "2026-03-06T11:00:00+08:00"] {
            let record = app
                .post(
                    "/api/v1/discipline/records",
                    &desk.head_token,
                    &json!({"employee_id": desk.member, "offense_code": "meeting_call_forgotten", "occurred_at": at, "details": "整点未召集报数"}),
                )
                .ok(201)
                .clone();
            ids.push(record["id"].as_str().unwrap().to_owned());
        }
        for id in &ids {
            let record = confirmed(&app, &desk, id);
            assert_eq!(record["fine"], "0.00");
        }
        let days = roster(&app, "2026-03-06", "2026-03-11");
        assert_eq!(
            days.iter().map(host_of).collect::<Vec<_>>(),
            [
                ("2026-03-06", "-", "-"),
                ("2026-03-09", desk.member.as_str(), "owed"),
                ("2026-03-10", desk.member.as_str(), "owed"),
                ("2026-03-11", "-", "-"),
            ],
            "the weekend is skipped; one more day per forgotten call"
        );
        assert_eq!(days[1]["discipline_record_id"], ids[0].as_str());
        assert_eq!(days[2]["discipline_record_id"], ids[1].as_str());
    }
);
