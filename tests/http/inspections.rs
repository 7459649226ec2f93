//! INSP-1..4 through HTTP: service points, inspections, the rectification deadline at its
//! boundaries, who may do what, escalation into an accountability case, the monthly report.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, TestApp, spawn_app_at};

/// A supervisor, the responsible person (with a user account), a colleague, and a point.
struct Scene {
    supervisor: String,
    responsible: String,
    responsible_token: String,
    colleague: String,
    no_account: String,
    department: String,
}

fn scene(app: &TestApp) -> Scene {
    let department = app.create_department("客服部");
    let (_, supervisor) = app.user_with_roles("du.cha", &["cs_manager"]);
    let (user_id, responsible_token) = app.user_with_roles("ying.ye", &["cs_agent"]);
    let responsible = app.create_employee(
        &json!({"name": "营业员", "department_id": department, "rank": "staff", "user_id": user_id}),
    );
    let (_, colleague) = app.user_with_roles("tong.shi", &["cs_agent"]);
    let no_account = app
        .create_employee(&json!({"name": "无账号", "department_id": department, "rank": "staff"}));
    Scene {
        supervisor,
        responsible,
        responsible_token,
        colleague,
        no_account,
        department,
    }
}

fn point(app: &TestApp, token: &str, name: &str) -> String {
    app.post(
        "/api/v1/service-points",
        token,
        &json!({"kind": "business_hall", "name": name}),
    )
    .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn finding(scope: &str, severity: &str, responsible: &str) -> Value {
    json!({"scope": scope, "severity": severity, "description": "服务项目未公示", "responsible_employee_id": responsible})
}

fn inspect(app: &TestApp, token: &str, point: &str, on: &str, findings: &[Value]) -> Value {
    app.post(
        "/api/v1/inspections",
        token,
        &json!({"service_point_id": point, "inspected_on": on, "findings": findings}),
    )
    .ok(201)
    .clone()
}

fn finding_path(finding: &Value, action: &str) -> String {
    format!(
        "/api/v1/inspection-findings/{}{action}",
        finding["id"].as_str().unwrap()
    )
}

/// Posts `body` to a finding's `action` as `token`.
fn post_step(app: &TestApp, finding: &Value, action: &str, token: &str, body: &Value) -> Reply {
    app.post(&finding_path(finding, action), token, body)
}

fn overdue_ids(app: &TestApp, token: &str) -> Vec<String> {
    app.get("/api/v1/inspection-findings?overdue=true", token)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    insp_1_2_deadlines_by_severity_on_the_business_calendar_and_who_records_what,
    |db: &TestDatabase| {
        // Friday 2026-12-11, 10:00 Shanghai.
        let app = spawn_app_at(db, datetime!(2026-12-11 10:00 +08:00));
        let s = scene(&app);
        let hall = point(&app, &s.supervisor, "城区营业厅");

        // INSP-1: the point registry.
        app.post(
            "/api/v1/service-points",
            &s.colleague,
            &json!({"kind": "business_hall", "name": "x"}),
        )
        .problem(403);
        let refused = app.post(
            "/api/v1/service-points",
            &s.supervisor,
            &json!({"kind": "department", "name": "客服部"}),
        );
        assert_eq!(refused.problem(422)["errors"][0]["field"], "department_id");
        let refused = app.post(
            "/api/v1/service-points",
            &s.supervisor,
            &json!({"kind": "branch", "name": "分公司"}),
        );
        assert_eq!(refused.problem(422)["errors"][0]["field"], "kind");
        app.post(
            "/api/v1/service-points",
            &s.supervisor,
            &json!({"kind": "department", "name": "客服部", "department_id": s.department}),
        )
        .ok(201);
        app.post(
            "/api/v1/service-points",
            &s.supervisor,
            &json!({"kind": "business_hall", "name": "城区营业厅"}),
        )
        .problem(409);

        // Bad input: unknown severity and scope, a future day, unknown point, no account.
        let bad = |body: Value| app.post("/api/v1/inspections", &s.supervisor, &body);
        let base = |findings: Value| json!({"service_point_id": hall, "inspected_on": "2026-12-11", "findings": findings});
        let huge = bad(base(json!([finding("daily_work", "huge", &s.responsible)])));
        assert_eq!(
            huge.problem(422)["errors"][0]["field"],
            "findings[0].severity"
        );
        let scope = bad(base(json!([finding(
            "everything",
            "minor",
            &s.responsible
        )])));
        assert_eq!(
            scope.problem(422)["errors"][0]["field"],
            "findings[0].scope"
        );
        let future =
            bad(json!({"service_point_id": hall, "inspected_on": "2026-12-12", "findings": []}));
        assert_eq!(future.problem(422)["errors"][0]["field"], "inspected_on");
        let nowhere =
            bad(json!({"service_point_id": "ghost", "inspected_on": "2026-12-11", "findings": []}));
        assert_eq!(
            nowhere.problem(422)["errors"][0]["field"],
            "service_point_id"
        );
        let accountless = bad(base(json!([
            finding("daily_work", "minor", &s.responsible),
            finding("daily_work", "minor", &s.no_account)
        ])));
        assert_eq!(
            accountless.problem(422)["errors"][0]["field"],
            "findings[1].responsible_employee_id"
        );
        app.post(
            "/api/v1/inspections",
            &s.colleague,
            &base(json!([finding("daily_work", "minor", &s.responsible)])),
        )
        .problem(403);

        // INSP-2: serious the same day, major 1 working day (Friday → Monday), minor 3.
        let inspection = inspect(
            &app,
            &s.supervisor,
            &hall,
            "2026-12-11",
            &[
                finding("on_site_service", "serious", &s.responsible),
                finding("daily_work", "major", &s.responsible),
                finding("staff_training", "minor", &s.responsible),
            ],
        );
        let findings = inspection["findings"].as_array().unwrap().clone();
        let (serious, major, minor) = (&findings[0], &findings[1], &findings[2]);
        assert_eq!(serious["due_at"], "2026-12-11T23:59:59+08:00");
        assert_eq!(major["due_at"], "2026-12-14T23:59:59+08:00");
        assert_eq!(minor["due_at"], "2026-12-16T23:59:59+08:00");
        assert_eq!(serious["status"], "open");
        assert_eq!(serious["overdue"], false);
        // Across the National Day holiday: 2026-09-30 → 2026-10-08.
        let autumn = inspect(
            &app,
            &s.supervisor,
            &hall,
            "2026-09-30",
            &[finding("policy_compliance", "major", &s.responsible)],
        );
        let autumn_major = autumn["findings"][0].clone();
        assert_eq!(autumn_major["due_at"], "2026-10-08T23:59:59+08:00");
        assert_eq!(autumn_major["overdue"], true);

        // The deadline's last second is on time; the next day's midnight is overdue.
        app.set_clock(datetime!(2026-12-11 23:59:59 +08:00));
        let listed = overdue_ids(&app, &s.supervisor);
        assert_eq!(listed, [autumn_major["id"].as_str().unwrap()]);
        app.set_clock(datetime!(2026-12-12 00:00 +08:00));
        let listed = overdue_ids(&app, &s.supervisor);
        assert!(listed.contains(&serious["id"].as_str().unwrap().to_owned()));
        assert!(!listed.contains(&major["id"].as_str().unwrap().to_owned()));
        assert_eq!(listed.len(), 2);
        let mine = app.get(
            &format!(
                "/api/v1/inspection-findings?overdue=true&responsible_employee_id={}&status=rectified",
                s.responsible
            ),
            &s.supervisor,
        );
        assert!(mine.ok(200)["items"].as_array().unwrap().is_empty());
        app.get("/api/v1/inspection-findings?overdue=true", &s.colleague)
            .problem(403);
        let bad_status = app.get("/api/v1/inspection-findings?status=huge", &s.supervisor);
        assert_eq!(bad_status.problem(422)["errors"][0]["field"], "status");

        // The responsible person reads and rectifies; a colleague may do neither.
        let read = app.get(&finding_path(serious, ""), &s.responsible_token);
        assert_eq!(read.ok(200)["overdue"], true);
        app.get(&finding_path(serious, ""), &s.colleague)
            .problem(403);
        let note = json!({"version": 1, "note": "已补贴公示"});
        post_step(&app, serious, "/rectification", &s.colleague, &note).problem(403);
        post_step(
            &app,
            serious,
            "/verification",
            &s.supervisor,
            &json!({"version": 1}),
        )
        .problem(409);
        let rectified = post_step(&app, serious, "/rectification", &s.responsible_token, &note);
        let rectified = rectified.ok(200).clone();
        assert_eq!(rectified["status"], "rectified");
        assert_eq!(rectified["rectification"]["note"], "已补贴公示");
        assert_eq!(rectified["overdue"], false);
        // INBOX-1: the rectified finding waits on the supervisors, not on whoever rectified it.
        assert_eq!(
            app.inbox_ids(&s.supervisor, "rectification_verification"),
            [serious["id"].as_str().unwrap()]
        );
        assert!(
            app.inbox_ids(&s.responsible_token, "rectification_verification")
                .is_empty()
        );
        post_step(&app, serious, "/rectification", &s.responsible_token, &note).problem(412);
        post_step(
            &app,
            serious,
            "/verification",
            &s.responsible_token,
            &json!({"version": 2}),
        )
        .problem(403);
        let verified = post_step(
            &app,
            serious,
            "/verification",
            &s.supervisor,
            &json!({"version": 2, "note": "复查合格"}),
        );
        assert_eq!(verified.ok(200)["status"], "verified");
        assert!(
            app.inbox_ids(&s.supervisor, "rectification_verification")
                .is_empty()
        );
        post_step(
            &app,
            serious,
            "/reopening",
            &s.supervisor,
            &json!({"version": 3, "note": "x"}),
        )
        .problem(409);

        // Reopened: the rectification is struck, the original deadline stands.
        let major_path = |action: &str| finding_path(major, action);
        app.post(&major_path("/rectification"), &s.responsible_token, &note)
            .ok(200);
        let missing_note = app.post(
            &major_path("/reopening"),
            &s.supervisor,
            &json!({"version": 2}),
        );
        assert_eq!(missing_note.problem(422)["errors"][0]["field"], "note");
        let reopened = app.post(
            &major_path("/reopening"),
            &s.supervisor,
            &json!({"version": 2, "note": "仍未整改到位"}),
        );
        let reopened = reopened.ok(200).clone();
        assert_eq!(reopened["status"], "reopened");
        assert_eq!(reopened["rectification"], Value::Null);
        assert_eq!(reopened["review"]["note"], "仍未整改到位");
        assert_eq!(reopened["due_at"], "2026-12-14T23:59:59+08:00");
        app.post(
            &major_path("/rectification"),
            &s.responsible_token,
            &json!({"version": 3, "note": "重新整改"}),
        )
        .ok(200);

        let trail = app.audit("inspection_finding", serious["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "inspection_finding.create",
                "inspection_finding.rectify",
                "inspection_finding.verify"
            ]
        );
        let inspection_trail = app.audit("inspection", inspection["id"].as_str().unwrap());
        assert_eq!(inspection_trail[0]["action"], "inspection.create");
        let got = app.get(
            &format!("/api/v1/inspections/{}", inspection["id"].as_str().unwrap()),
            &s.supervisor,
        );
        assert_eq!(got.ok(200)["findings"].as_array().unwrap().len(), 3);
    }
);

both_backends!(
    insp_3_an_unrectified_finding_after_a_reminder_becomes_an_accountability_case,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-07 09:00 +08:00));
        let s = scene(&app);
        let hall = point(&app, &s.supervisor, "城区营业厅");
        let inspection = inspect(
            &app,
            &s.supervisor,
            &hall,
            "2026-12-07",
            &[
                finding("on_site_service", "serious", &s.responsible),
                finding("daily_work", "serious", &s.responsible),
            ],
        );
        let finding = inspection["findings"][0].clone();
        let unreminded = inspection["findings"][1].clone();
        let path = |action: &str| finding_path(&finding, action);

        let early = app.post(&path("/escalation"), &s.supervisor, &json!({"version": 1}));
        assert_eq!(early.problem(422)["rule"], "INSP-3");
        app.post(&path("/reminders"), &s.colleague, &json!({"version": 1}))
            .problem(403);
        let reminded = app.post(&path("/reminders"), &s.supervisor, &json!({"version": 1}));
        assert_eq!(reminded.ok(200)["reminders"], 1);
        // Reminded, but the deadline (today 23:59:59) has not passed.
        app.set_clock(datetime!(2026-12-07 23:59:59 +08:00));
        let on_time = app.post(&path("/escalation"), &s.supervisor, &json!({"version": 2}));
        assert_eq!(on_time.problem(422)["rule"], "INSP-3");

        app.set_clock(datetime!(2026-12-08 00:00 +08:00));
        let unreminded_refusal = post_step(
            &app,
            &unreminded,
            "/escalation",
            &s.supervisor,
            &json!({"version": 1}),
        );
        let unreminded_refusal = unreminded_refusal.problem(422).clone();
        assert_eq!(unreminded_refusal["rule"], "INSP-3");
        assert!(
            unreminded_refusal["detail"]
                .as_str()
                .unwrap()
                .contains("reminder"),
            "{unreminded_refusal}"
        );
        app.post(&path("/escalation"), &s.colleague, &json!({"version": 2}))
            .problem(403);
        app.post(&path("/escalation"), &s.supervisor, &json!({"version": 1}))
            .problem(412);
        let escalated = app.post(&path("/escalation"), &s.supervisor, &json!({"version": 2}));
        let escalated = escalated.ok(201).clone();
        let case = &escalated["accountability_case"];
        let case_id = case["id"].as_str().unwrap();
        assert_eq!(case["source"], "inspection");
        assert_eq!(case["inspection_finding_id"], finding["id"]);
        assert_eq!(case["employee_id"], s.responsible.as_str());
        assert_eq!(case["status"], "candidate");
        assert_eq!(escalated["finding"]["accountability_case_id"], case_id);
        assert_eq!(escalated["finding"]["version"], 3);

        // Linked both ways when read again.
        let read_case = app.get(
            &format!("/api/v1/accountability-cases/{case_id}"),
            &s.supervisor,
        );
        assert_eq!(read_case.ok(200)["inspection_finding_id"], finding["id"]);
        let read_finding = app.get(&path(""), &s.responsible_token);
        assert_eq!(read_finding.ok(200)["accountability_case_id"], case_id);
        // At most once.
        app.post(&path("/escalation"), &s.supervisor, &json!({"version": 3}))
            .problem(409);
        // The person is heard on the case as ACC-3 asks.
        let heard = app.post(
            &format!("/api/v1/accountability-cases/{case_id}/statement"),
            &s.responsible_token,
            &json!({"statement": "人手不足", "version": 1}),
        );
        assert_eq!(heard.ok(200)["status"], "open");

        let trail = app.audit("inspection_finding", finding["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "inspection_finding.create",
                "inspection_finding.remind",
                "inspection_finding.escalate"
            ]
        );
        let case_trail = app.audit("accountability_case", case_id);
        assert_eq!(case_trail[0]["action"], "accountability_case.create");
    }
);

both_backends!(
    insp_4_the_monthly_report_names_uninspected_points_counts_findings_and_rates_rectification,
    |db: &TestDatabase| {
        // Monday 2026-12-07.
        let app = spawn_app_at(db, datetime!(2026-12-07 09:00 +08:00));
        let s = scene(&app);
        let visited = point(&app, &s.supervisor, "城区营业厅");
        let skipped = point(&app, &s.supervisor, "郊区营业厅");
        let inspection = inspect(
            &app,
            &s.supervisor,
            &visited,
            "2026-12-07",
            &[
                finding("on_site_service", "serious", &s.responsible),
                finding("on_site_service", "serious", &s.responsible),
                finding("daily_work", "major", &s.responsible),
                finding("staff_training", "minor", &s.responsible),
            ],
        );
        let f: Vec<Value> = inspection["findings"].as_array().unwrap().clone();
        let rectify = |finding: &Value| {
            post_step(
                &app,
                finding,
                "/rectification",
                &s.responsible_token,
                &json!({"version": 1, "note": "已整改"}),
            )
            .ok(200);
        };
        app.set_clock(datetime!(2026-12-07 15:00 +08:00));
        rectify(&f[0]); // serious, on time
        app.set_clock(datetime!(2026-12-08 09:00 +08:00));
        rectify(&f[1]); // serious, a day late
        app.set_clock(datetime!(2026-12-09 09:00 +08:00));
        rectify(&f[3]); // minor, due 12-10: on time
        // The major one (due 12-08) is never rectified.
        app.set_clock(datetime!(2026-12-21 10:00 +08:00));
        inspect(
            &app,
            &s.supervisor,
            &visited,
            "2026-12-21",
            &[finding("branch_management", "minor", &s.responsible)],
        ); // due 12-24: pending

        app.get("/api/v1/inspections/report?month=2026-12", &s.colleague)
            .problem(403);
        let bad = app.get("/api/v1/inspections/report?month=2026-13", &s.supervisor);
        assert_eq!(bad.problem(422)["errors"][0]["field"], "month");
        let report = app
            .get("/api/v1/inspections/report?month=2026-12", &s.supervisor)
            .ok(200)
            .clone();
        assert_eq!(report["month"], "2026-12");
        assert_eq!(report["points"], 2);
        assert_eq!(report["inspected"], 1);
        assert_eq!(report["every_point_inspected"], false);
        let missing = report["not_inspected"].as_array().unwrap();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0]["id"], skipped.as_str());
        assert_eq!(report["findings"], 5);
        let cells = report["findings_by_scope_and_severity"].as_array().unwrap();
        assert_eq!(cells.len(), 15);
        let cell = |scope: &str, severity: &str| {
            cells
                .iter()
                .find(|c| c["scope"] == scope && c["severity"] == severity)
                .unwrap()["findings"]
                .clone()
        };
        assert_eq!(cell("on_site_service", "serious"), 2);
        assert_eq!(cell("daily_work", "major"), 1);
        assert_eq!(cell("branch_management", "minor"), 1);
        assert_eq!(cell("policy_compliance", "minor"), 0);
        assert_eq!(
            report["on_time_rectification"],
            json!({"on_time": 2, "late": 1, "unrectified": 1, "pending": 1, "rate_bp": 5000})
        );

        // A month before the points were registered expects nothing of them.
        let november = app
            .get("/api/v1/inspections/report?month=2026-11", &s.supervisor)
            .ok(200)
            .clone();
        assert_eq!(november["points"], 0);
        assert_eq!(november["every_point_inspected"], true);
        assert_eq!(november["on_time_rectification"]["rate_bp"], Value::Null);
    }
);
