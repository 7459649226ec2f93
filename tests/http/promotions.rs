//! EMP-6 through HTTP: a promotion proposed, recommended by the department head, reviewed by
//! HR and approved by the general manager in that order; refused while EMP-5 makes the
//! employee ineligible; in force from its effective date only once approved — the employee
//! record and payroll read the rank and base salary in force.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, TestApp, spawn_app_at};

/// A department with a general manager, its head, a staff member (5,200.00) and a colleague,
/// plus HR.
struct Office {
    department: String,
    staff: String,
    gm_token: String,
    head_token: String,
    staff_token: String,
    colleague_token: String,
    hr_token: String,
}

fn office(app: &TestApp, customer_service: bool) -> Office {
    let department = app
        .post(
            "/api/v1/departments",
            &app.admin_token,
            &json!({"name": "客服部", "customer_service": customer_service}),
        )
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (gm_user, gm_token) = app.user_with_roles("chen.zong", &["general_manager"]);
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (staff_user, staff_token) = app.user_with_roles("li.kefu", &["employee"]);
    let (colleague_user, colleague_token) = app.user_with_roles("zhao.kefu", &["manager"]);
    let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
    let gm = app.create_employee(&json!({"name": "陈总", "department_id": department, "rank": "general_manager", "user_id": gm_user}));
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "superior_id": gm, "user_id": head_user}));
    let staff = app.create_employee(&json!({"name": "李客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": staff_user}));
    app.create_employee(&json!({"name": "赵经理", "department_id": department, "rank": "manager", "superior_id": gm, "user_id": colleague_user}));
    let version = app.get("/api/v1/departments", &app.admin_token).ok(200)[0]["version"].clone();
    app.json(
        "PUT",
        &format!("/api/v1/departments/{department}/manager"),
        Some(&app.admin_token),
        &json!({"employee_id": head, "version": version}),
    )
    .ok(200);
    Office {
        department,
        staff,
        gm_token,
        head_token,
        staff_token,
        colleague_token,
        hr_token,
    }
}

fn propose(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.post("/api/v1/promotions", token, body)
}

fn decide(app: &TestApp, token: &str, promotion: &Value, body: &Value) -> Reply {
    app.post(
        &format!(
            "/api/v1/promotions/{}/decisions",
            promotion["id"].as_str().unwrap()
        ),
        token,
        body,
    )
}

fn approve(app: &TestApp, token: &str, promotion: &Value) -> Value {
    decide(app, token, promotion, &json!({"decision": "approved"}))
        .ok(200)
        .clone()
}

fn employee(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/api/v1/employees/{id}"), &app.admin_token)
        .ok(200)
        .clone()
}

/// The base-salary line of the employee's payslip of `month` after HR runs the month.
fn base_salary_paid(app: &TestApp, office: &Office, month: &str) -> String {
    app.post(
        "/api/v1/payroll-runs",
        &office.hr_token,
        &json!({"month": month}),
    )
    .ok(201);
    let slip = app
        .get(
            &format!("/api/v1/employees/{}/payslips/{month}", office.staff),
            &office.hr_token,
        )
        .ok(200)
        .clone();
    slip["payslip"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["kind"] == "base_salary")
        .map(|line| line["amount"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

both_backends!(
    emp_6_head_then_hr_then_general_manager_and_payroll_from_the_effective_month,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-03-02 10:00 +8));
        let office = office(&app, false);
        let body = json!({"employee_id": office.staff, "to_rank": "manager", "base_salary": "8000.00", "effective_on": "2026-04-15", "reason": "带队表现突出"});

        // Who proposes, and what a proposal must say.
        propose(&app, &office.staff_token, &body).problem(403);
        let unknown_rank = propose(
            &app,
            &office.hr_token,
            &json!({"employee_id": office.staff, "to_rank": "director", "base_salary": "8000.00", "effective_on": "2026-04-15", "reason": "x"}),
        );
        unknown_rank.problem(422);
        assert_eq!(unknown_rank.error_fields(), ["to_rank"]);
        let past = propose(
            &app,
            &office.hr_token,
            &json!({"employee_id": office.staff, "to_rank": "manager", "base_salary": "8000.00", "effective_on": "2026-03-01", "reason": "x"}),
        );
        past.problem(422);
        assert_eq!(past.error_fields(), ["effective_on"]);
        let lower = propose(
            &app,
            &office.hr_token,
            &json!({"employee_id": office.staff, "to_rank": "staff", "base_salary": "5000.00", "effective_on": "2026-04-15", "reason": "x"}),
        );
        lower.problem(422);
        assert_eq!(lower.error_fields(), ["base_salary"]);

        let promotion = propose(&app, &office.head_token, &body).ok(201).clone();
        assert_eq!(promotion["status"], "pending");
        assert_eq!(promotion["from_rank"], "staff");
        assert_eq!(promotion["from_base_salary"], "5200.00");
        assert_eq!(promotion["to_base_salary"], "8000.00");
        let steps: Vec<&str> = promotion["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["department_head", "hr", "general_manager"]);
        propose(&app, &office.hr_token, &body).problem(409);
        // INBOX-1: the department head's step waits on the head, not yet on HR.
        assert_eq!(
            app.inbox_ids(&office.head_token, "promotion"),
            [promotion["id"].as_str().unwrap()]
        );
        assert!(app.inbox_ids(&office.hr_token, "promotion").is_empty());

        // In order (409), by the holder of the step (403).
        decide(
            &app,
            &office.hr_token,
            &promotion,
            &json!({"step": "hr", "decision": "approved"}),
        )
        .problem(409);
        decide(
            &app,
            &office.gm_token,
            &promotion,
            &json!({"step": "general_manager", "decision": "approved"}),
        )
        .problem(409);
        decide(
            &app,
            &office.colleague_token,
            &promotion,
            &json!({"decision": "approved"}),
        )
        .problem(403);
        decide(
            &app,
            &office.staff_token,
            &promotion,
            &json!({"decision": "approved"}),
        )
        .problem(403);
        let recommended = approve(&app, &office.head_token, &promotion);
        assert_eq!(recommended["status"], "pending");
        decide(
            &app,
            &office.head_token,
            &promotion,
            &json!({"decision": "approved"}),
        )
        .problem(403);
        decide(
            &app,
            &office.gm_token,
            &promotion,
            &json!({"decision": "approved"}),
        )
        .problem(403);
        let reviewed = approve(&app, &office.hr_token, &promotion);
        assert_eq!(reviewed["status"], "pending");
        let approved = approve(&app, &office.gm_token, &promotion);
        assert_eq!(approved["status"], "approved");
        decide(
            &app,
            &office.gm_token,
            &promotion,
            &json!({"decision": "approved"}),
        )
        .problem(409);
        let id = promotion["id"].as_str().unwrap();
        assert_eq!(app.audit("promotion", id).len(), 4);

        // Approved, but before its date the record still shows the old terms.
        let before = employee(&app, &office.staff);
        assert_eq!(before["rank"], "staff");
        assert_eq!(before["base_salary"], "5200.00");

        // A second proposal, withdrawn at the version read (412 for a stale one).
        let next = propose(
            &app,
            &office.hr_token,
            &json!({"employee_id": office.staff, "to_rank": "general_manager", "base_salary": "9000.00", "effective_on": "2026-06-01", "reason": "x"}),
        )
        .ok(201)
        .clone();
        assert_eq!(
            next["from_rank"], "manager",
            "the terms in force on its date"
        );
        let withdrawal = format!(
            "/api/v1/promotions/{}/withdrawal",
            next["id"].as_str().unwrap()
        );
        app.post(&withdrawal, &office.hr_token, &json!({"version": 7}))
            .problem(412);
        let withdrawn = app
            .post(&withdrawal, &office.hr_token, &json!({"version": 1}))
            .ok(200)
            .clone();
        assert_eq!(withdrawn["status"], "withdrawn");

        app.set_clock(datetime!(2026-04-14 23:59 +8));
        assert_eq!(employee(&app, &office.staff)["rank"], "staff");
        app.set_clock(datetime!(2026-04-15 00:00 +8));
        let after = employee(&app, &office.staff);
        assert_eq!(after["rank"], "manager");
        assert_eq!(after["base_salary"], "8000.00");

        // Reading: a month is paid on the terms in force on its last day.
        app.set_clock(datetime!(2026-05-06 10:00 +8));
        assert_eq!(base_salary_paid(&app, &office, "2026-03"), "5200.00");
        assert_eq!(base_salary_paid(&app, &office, "2026-04"), "8000.00");
        let listed = app
            .get(
                &format!("/api/v1/promotions?employee_id={}", office.staff),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    }
);

fn record_performance(app: &TestApp, office: &Office, month: &str, amount: &str, spend: &str) {
    app.post(
        &format!("/api/v1/employees/{}/performance-records", office.staff),
        &office.hr_token,
        &json!({"month": month, "performance": amount, "company_funded_spend": spend}),
    )
    .ok(201);
}

both_backends!(
    emp_6_refused_while_emp_5_makes_the_employee_ineligible_and_not_in_force_before_approval,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-03-02 10:00 +8));
        let office = office(&app, true);
        // Exactly 3.00% of the year's performance: still eligible.
        record_performance(&app, &office, "2026-01", "100000.00", "3000.00");
        let body = json!({"employee_id": office.staff, "to_rank": "staff", "base_salary": "6000.00", "effective_on": "2026-03-03", "reason": "业绩"});
        let promotion = propose(&app, &office.hr_token, &body).ok(201).clone();
        approve(&app, &office.head_token, &promotion);
        approve(&app, &office.hr_token, &promotion);
        // One fen more of spend: above 3%, so the general manager's approval is refused and
        // nothing is stored.
        record_performance(&app, &office, "2026-02", "0.00", "0.01");
        let refused = decide(
            &app,
            &office.gm_token,
            &promotion,
            &json!({"decision": "approved"}),
        );
        assert_eq!(refused.problem(422)["rule"], "EMP-5");
        let id = promotion["id"].as_str().unwrap();
        let unchanged = app
            .get(&format!("/api/v1/promotions/{id}"), &office.hr_token)
            .ok(200)
            .clone();
        assert_eq!(unchanged["status"], "pending");
        assert!(unchanged["chain"][2]["decision"].is_null());
        // And a new proposal is refused outright.
        app.post(
            &format!("/api/v1/promotions/{id}/withdrawal"),
            &office.hr_token,
            &json!({"version": unchanged["version"]}),
        )
        .ok(200);
        let again = propose(&app, &office.hr_token, &body);
        assert_eq!(again.problem(422)["rule"], "EMP-5");

        // Not in force before approval: past its effective date, still pending, the old terms.
        let department = office.department.clone();
        let version =
            app.get("/api/v1/departments", &app.admin_token).ok(200)[0]["version"].clone();
        app.json(
            "PUT",
            &format!("/api/v1/departments/{department}/customer-service"),
            Some(&office.hr_token),
            &json!({"customer_service": false, "version": version}),
        )
        .ok(200);
        let pending = propose(&app, &office.hr_token, &body).ok(201).clone();
        app.set_clock(datetime!(2026-03-10 10:00 +8));
        assert_eq!(employee(&app, &office.staff)["base_salary"], "5200.00");
        approve(&app, &office.head_token, &pending);
        approve(&app, &office.hr_token, &pending);
        assert_eq!(employee(&app, &office.staff)["base_salary"], "5200.00");
        approve(&app, &office.gm_token, &pending);
        // Approved after its date: in force from the approval day.
        assert_eq!(employee(&app, &office.staff)["base_salary"], "6000.00");
    }
);
