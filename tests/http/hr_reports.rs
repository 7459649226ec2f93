//! What departments report to the general manager (issue 17): EMP-7 monthly targets and
//! assessment standards on the business calendar (the official 2026 schedule loaded at the
//! first migration), EMP-8 work-injury reports and their ordered steps, on both databases.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, TestApp, spawn_app_at};

/// Three departments — 技术部 and 办公室 with their heads, 销售部 without one — an engineer in
/// 技术部, and HR, general-manager and plain-employee accounts.
struct Company {
    tech: String,
    office: String,
    sales: String,
    engineer: String,
    tech_head_token: String,
    office_head_user: String,
    office_head_token: String,
    engineer_token: String,
    hr_token: String,
    gm_user: String,
    gm_token: String,
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// A department headed by a new manager account; (department, head user, head token).
fn department_with_head(app: &TestApp, name: &str, username: &str) -> (String, String, String) {
    let department = app.create_department(name);
    let (user, token) = app.user_with_roles(username, &["manager"]);
    let head = app.create_employee(
        &json!({"name": username, "department_id": department, "rank": "manager", "user_id": user}),
    );
    app.json(
        "PUT",
        &format!("/api/v1/departments/{department}/manager"),
        Some(&app.admin_token),
        &json!({"employee_id": head, "version": 1}),
    )
    .ok(200);
    (department, user, token)
}

fn company(app: &TestApp) -> Company {
    let (tech, _, tech_head_token) = department_with_head(app, "技术部", "ji.shu");
    let (office, office_head_user, office_head_token) =
        department_with_head(app, "办公室", "ban.gong");
    let sales = app.create_department("销售部");
    let (engineer_user, engineer_token) = app.user_with_roles("gong.cheng", &["employee"]);
    let engineer = app.create_employee(
        &json!({"name": "工程师", "department_id": tech, "rank": "staff", "user_id": engineer_user}),
    );
    let (_, hr_token) = app.user_with_roles("ren.shi", &["hr"]);
    let (gm_user, gm_token) = app.user_with_roles("zong.jingli", &["general_manager"]);
    Company {
        tech,
        office,
        sales,
        engineer,
        tech_head_token,
        office_head_user,
        office_head_token,
        engineer_token,
        hr_token,
        gm_user,
        gm_token,
    }
}

fn file_targets(
    app: &TestApp,
    token: &str,
    department: &str,
    month: &str,
    standard: &str,
) -> Reply {
    app.post(
        "/api/v1/monthly-targets",
        token,
        &json!({"department_id": department, "month": month, "targets": "新增客户 20 家", "assessment_standard": standard}),
    )
}

fn month_report(app: &TestApp, query: &str) -> Value {
    app.get(
        &format!("/api/v1/monthly-targets?{query}"),
        &app.admin_token,
    )
    .ok(200)
    .clone()
}

fn department_ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}

fn actions(app: &TestApp, entity_type: &str, id: &str) -> Vec<String> {
    app.audit(entity_type, id)
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    emp_7_the_third_working_day_is_on_time_the_fourth_is_late,
    |db: &TestDatabase| {
        // Saturday 1 August 2026: Monday 3, Tuesday 4, Wednesday 5 is the 3rd working day.
        let app = spawn_app_at(db, datetime!(2026-08-05 23:00 +8));
        let c = company(&app);

        // Only the department's head (or admin) files for it.
        file_targets(&app, &c.engineer_token, &c.tech, "2026-08", "A").problem(403);
        file_targets(&app, &c.office_head_token, &c.tech, "2026-08", "A").problem(403);
        file_targets(&app, &c.hr_token, &c.tech, "2026-08", "A").problem(403);

        let on_time = file_targets(&app, &c.tech_head_token, &c.tech, "2026-08", "A")
            .ok(201)
            .clone();
        assert_eq!(on_time["due_on"], "2026-08-05");
        assert_eq!(on_time["late"], false);
        assert_eq!(on_time["status"], "filed");
        assert_eq!(on_time["month"], "2026-08");
        assert_eq!(on_time["acknowledged_by"], Value::Null);
        file_targets(&app, &c.tech_head_token, &c.tech, "2026-08", "A").problem(409);
        // At most the next month ahead.
        let ahead = file_targets(&app, &c.tech_head_token, &c.tech, "2026-10", "A");
        assert_eq!(ahead.problem(422)["errors"][0]["field"], "month");
        let malformed = file_targets(&app, &c.tech_head_token, &c.tech, "2026-8", "A");
        assert!(
            malformed.problem(422)["detail"]
                .as_str()
                .unwrap()
                .contains("month")
        );

        // On the due day nobody is late yet.
        let before = month_report(&app, "month=2026-08&late=true");
        assert_eq!(before["overdue"], false);
        assert_eq!(before["filings"], json!([]));
        assert_eq!(before["not_filed"], json!([]));
        let all = month_report(&app, "month=2026-08");
        assert_eq!(
            department_ids(&all["filings"], "department_id"),
            [c.tech.as_str()]
        );
        assert_eq!(all["not_filed"].as_array().unwrap().len(), 2);

        // Thursday 6 August, the 4th working day: late.
        app.set_clock(datetime!(2026-08-06 00:00 +8));
        let late = file_targets(&app, &c.office_head_token, &c.office, "2026-08", "B")
            .ok(201)
            .clone();
        assert_eq!(late["late"], true);
        assert_eq!(late["due_on"], "2026-08-05");
        let report = month_report(&app, "month=2026-08&late=true");
        assert_eq!(report["overdue"], true);
        assert_eq!(report["due_on"], "2026-08-05");
        assert_eq!(report["provisional"], false);
        assert_eq!(
            department_ids(&report["filings"], "department_id"),
            [c.office.as_str()]
        );
        assert_eq!(
            department_ids(&report["not_filed"], "id"),
            [c.sales.as_str()]
        );
        assert_eq!(report["not_filed"][0]["name"], "销售部");
        let timely = month_report(&app, "month=2026-08&late=false");
        assert_eq!(
            department_ids(&timely["filings"], "department_id"),
            [c.tech.as_str()]
        );
        assert_eq!(timely["not_filed"], json!([]));
        app.get("/api/v1/monthly-targets?late=true", &app.admin_token)
            .problem(422);
        app.get("/api/v1/monthly-targets?month=2026-08", &c.tech_head_token)
            .problem(403);
        // An admin files for a department without a head.
        file_targets(&app, &app.admin_token, &c.sales, "2026-08", "C").ok(201);
        assert_eq!(
            month_report(&app, "month=2026-08&late=true")["not_filed"],
            json!([])
        );

        // Reported to the general manager: the filing waits for the acknowledgement.
        let id = id_of(&on_time);
        let ack = |token: &str, version: i64| {
            app.post(
                &format!("/api/v1/monthly-targets/{id}/acknowledgement"),
                token,
                &json!({"version": version}),
            )
        };
        // INBOX-1: it waits in the general manager's inbox, and in nobody else's.
        assert!(app.inbox_ids(&c.gm_token, "monthly_target").contains(&id));
        assert!(app.inbox_ids(&c.hr_token, "monthly_target").is_empty());
        ack(&c.hr_token, 1).problem(403);
        ack(&c.tech_head_token, 1).problem(403);
        ack(&c.gm_token, 2).problem(412);
        let acknowledged = ack(&c.gm_token, 1).ok(200).clone();
        assert_eq!(acknowledged["status"], "acknowledged");
        assert_eq!(acknowledged["acknowledged_by"], c.gm_user.as_str());
        assert_eq!(acknowledged["acknowledged_at"], "2026-08-06T00:00:00+08:00");
        assert_eq!(acknowledged["version"], 2);
        ack(&c.gm_token, 2).problem(409);
        assert!(!app.inbox_ids(&c.gm_token, "monthly_target").contains(&id));
        // The head reads their own department's filing; another head does not see it.
        app.get(&format!("/api/v1/monthly-targets/{id}"), &c.tech_head_token)
            .ok(200);
        app.get(
            &format!("/api/v1/monthly-targets/{id}"),
            &c.office_head_token,
        )
        .problem(404);
        assert_eq!(
            actions(&app, "monthly_target", &id),
            ["monthly_target.file", "monthly_target.acknowledge"]
        );

        // October 2026: 1–7 off, Thursday 8, Friday 9, make-up Saturday 10 is the 3rd.
        app.set_clock(datetime!(2026-10-10 18:00 +8));
        let make_up_day = file_targets(&app, &c.tech_head_token, &c.tech, "2026-10", "A")
            .ok(201)
            .clone();
        assert_eq!(make_up_day["due_on"], "2026-10-10");
        assert_eq!(make_up_day["late"], false);
        // Monday 12 October is the 4th.
        app.set_clock(datetime!(2026-10-12 09:00 +8));
        let monday = file_targets(&app, &c.office_head_token, &c.office, "2026-10", "B")
            .ok(201)
            .clone();
        assert_eq!(monday["late"], true);
    }
);

both_backends!(
    emp_7_the_assessment_standard_changes_once_a_quarter,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-07-01 09:00 +8));
        let c = company(&app);
        let july = file_targets(&app, &c.tech_head_token, &c.tech, "2026-07", "标准 A");
        assert_eq!(
            july.ok(201)["standard_changed"],
            false,
            "the first standard sets it"
        );

        app.set_clock(datetime!(2026-08-03 09:00 +8));
        let august = file_targets(&app, &c.tech_head_token, &c.tech, "2026-08", "标准 B");
        assert_eq!(august.ok(201)["standard_changed"], true);

        // A second change in the third quarter is refused.
        app.set_clock(datetime!(2026-09-01 09:00 +8));
        let second = file_targets(&app, &c.tech_head_token, &c.tech, "2026-09", "标准 C");
        assert_eq!(second.problem(422)["rule"], "EMP-7");
        assert_eq!(second.error_fields(), ["assessment_standard"]);
        assert_eq!(second.body["quarter"], "2026Q3");
        // Keeping the standard is no change.
        let kept = file_targets(&app, &c.tech_head_token, &c.tech, "2026-09", "标准 B");
        assert_eq!(kept.ok(201)["standard_changed"], false);
        // Another department's changes are its own.
        file_targets(&app, &c.office_head_token, &c.office, "2026-09", "X").ok(201);

        // The fourth quarter allows a change again.
        app.set_clock(datetime!(2026-10-08 09:00 +8));
        let october = file_targets(&app, &c.tech_head_token, &c.tech, "2026-10", "标准 C");
        assert_eq!(october.ok(201)["standard_changed"], true);
        let november = file_targets(&app, &c.tech_head_token, &c.tech, "2026-11", "标准 D");
        assert_eq!(november.problem(422)["rule"], "EMP-7");
    }
);

fn file_injury(app: &TestApp, token: &str, employee: &str, occurred_at: &str) -> Reply {
    app.post(
        "/api/v1/injury-reports",
        token,
        &json!({"employee_id": employee, "occurred_at": occurred_at, "description": "搬运设备时扭伤手腕"}),
    )
}

fn injury_ids(page: &Value) -> Vec<String> {
    department_ids(&page["items"], "id")
}

both_backends!(
    emp_8_twelve_hours_after_the_incident_is_on_time_a_minute_more_is_late,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-10-02 08:30 +8));
        let c = company(&app);

        // Only the injured employee's department head (or admin) files.
        file_injury(
            &app,
            &c.engineer_token,
            &c.engineer,
            "2026-10-01T20:30:00+08:00",
        )
        .problem(403);
        file_injury(
            &app,
            &c.office_head_token,
            &c.engineer,
            "2026-10-01T20:30:00+08:00",
        )
        .problem(403);

        let on_time = file_injury(
            &app,
            &c.tech_head_token,
            &c.engineer,
            "2026-10-01T20:30:00+08:00",
        )
        .ok(201)
        .clone();
        assert_eq!(on_time["late"], false);
        assert_eq!(on_time["due_at"], "2026-10-02T08:30:00+08:00");
        assert_eq!(on_time["status"], "reported");
        assert_eq!(on_time["department_id"], c.tech.as_str());
        let late = file_injury(
            &app,
            &c.tech_head_token,
            &c.engineer,
            "2026-10-01T20:29:00+08:00",
        )
        .ok(201)
        .clone();
        assert_eq!(late["late"], true);
        assert_eq!(late["due_at"], "2026-10-02T08:29:00+08:00");

        let future = file_injury(
            &app,
            &c.tech_head_token,
            &c.engineer,
            "2026-10-02T08:31:00+08:00",
        );
        assert_eq!(future.problem(422)["errors"][0]["field"], "occurred_at");
        let unknown = file_injury(
            &app,
            &c.tech_head_token,
            "nobody",
            "2026-10-01T20:30:00+08:00",
        );
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "employee_id");

        let late_page = app
            .get("/api/v1/injury-reports?late=true", &c.hr_token)
            .ok(200)
            .clone();
        assert_eq!(injury_ids(&late_page), [id_of(&late).as_str()]);
        assert_eq!(late_page["items"][0]["late"], true);
        let timely = app
            .get("/api/v1/injury-reports?late=false", &c.gm_token)
            .ok(200)
            .clone();
        assert_eq!(injury_ids(&timely), [id_of(&on_time).as_str()]);
        let every = app
            .get("/api/v1/injury-reports", &app.admin_token)
            .ok(200)
            .clone();
        assert_eq!(every["items"].as_array().unwrap().len(), 2);
        app.get("/api/v1/injury-reports", &c.tech_head_token)
            .problem(403);
        app.get("/api/v1/injury-reports?late=maybe", &c.hr_token)
            .problem(422);
    }
);

both_backends!(
    emp_8_investigation_review_and_informing_go_in_order_by_their_roles,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-10-02 08:00 +8));
        let c = company(&app);
        let report = file_injury(
            &app,
            &c.tech_head_token,
            &c.engineer,
            "2026-10-02T07:00:00+08:00",
        )
        .ok(201)
        .clone();
        let id = id_of(&report);
        let step = |token: &str, path: &str, body: Value| {
            app.post(&format!("/api/v1/injury-reports/{id}/{path}"), token, &body)
        };
        let noted = |version: i64| json!({"version": version, "note": "现场核实属实"});

        // Out of order: HR and the general manager wait for the investigation.
        step(&c.hr_token, "review", noted(1)).problem(409);
        step(
            &c.gm_token,
            "general-manager-informed",
            json!({"version": 1}),
        )
        .problem(409);

        // The office (its head) investigates; nobody else.
        step(&c.tech_head_token, "investigation", noted(1)).problem(403);
        step(&c.hr_token, "investigation", noted(1)).problem(403);
        step(&c.office_head_token, "investigation", noted(2)).problem(412);
        let bad = step(&c.office_head_token, "investigation", json!({"version": 1}));
        bad.problem(422);
        app.advance(time::Duration::hours(2));
        let investigated = step(&c.office_head_token, "investigation", noted(1))
            .ok(200)
            .clone();
        assert_eq!(investigated["status"], "investigated");
        assert_eq!(
            investigated["investigation"]["by"],
            c.office_head_user.as_str()
        );
        assert_eq!(
            investigated["investigation"]["at"],
            "2026-10-02T10:00:00+08:00"
        );
        assert_eq!(investigated["investigation"]["note"], "现场核实属实");
        assert_eq!(investigated["review"], Value::Null);
        step(&c.office_head_token, "investigation", noted(2)).problem(409);

        // HR reviews.
        step(&c.office_head_token, "review", noted(2)).problem(403);
        step(&c.hr_token, "review", noted(1)).problem(412);
        let reviewed = step(
            &c.hr_token,
            "review",
            json!({"version": 2, "note": "符合工伤认定"}),
        )
        .ok(200)
        .clone();
        assert_eq!(reviewed["status"], "reviewed");
        assert_eq!(reviewed["review"]["note"], "符合工伤认定");

        // The general manager is informed.
        step(
            &c.hr_token,
            "general-manager-informed",
            json!({"version": 3}),
        )
        .problem(403);
        let informed = step(
            &c.gm_token,
            "general-manager-informed",
            json!({"version": 3}),
        )
        .ok(200)
        .clone();
        assert_eq!(informed["status"], "informed");
        assert_eq!(
            informed["general_manager_informed"]["by"],
            c.gm_user.as_str()
        );
        assert_eq!(informed["version"], 4);
        step(
            &c.gm_token,
            "general-manager-informed",
            json!({"version": 4}),
        )
        .problem(409);

        // Read by the department's head and the office's head, not by a plain employee.
        app.get(&format!("/api/v1/injury-reports/{id}"), &c.tech_head_token)
            .ok(200);
        app.get(
            &format!("/api/v1/injury-reports/{id}"),
            &c.office_head_token,
        )
        .ok(200);
        app.get(&format!("/api/v1/injury-reports/{id}"), &c.engineer_token)
            .problem(404);

        assert_eq!(
            actions(&app, "injury_report", &id),
            [
                "injury_report.file",
                "injury_report.investigation",
                "injury_report.review",
                "injury_report.general_manager_informed"
            ]
        );
    }
);
