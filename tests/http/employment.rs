//! The employment lifecycle through HTTP (issue #6): probation extensions (EMP-1),
//! regularization (EMP-2), resignation notice (EMP-3), the departure checklist and the leaving
//! certificate (EMP-4), promotion eligibility (EMP-5) and the CARE-4 customer hand-over.

use serde_json::{Value, json};
use time::{Date, Duration};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

/// A customer-service department: a general manager, its head, a supervisor reporting to the
/// head, a newcomer reporting to the supervisor (hired ten days ago, so on probation), a
/// colleague outside that line, and HR and finance accounts.
struct Office {
    department: String,
    head: String,
    supervisor: String,
    newcomer: String,
    colleague: String,
    head_token: String,
    supervisor_token: String,
    supervisor_user: String,
    newcomer_token: String,
    newcomer_user: String,
    colleague_token: String,
    colleague_user: String,
    hr_token: String,
    finance_token: String,
}

/// `days` after (before, when negative) `today`, as the API writes a date.
fn days_from(today: Date, days: i64) -> String {
    (today + Duration::days(days)).to_string()
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn office(app: &TestApp) -> Office {
    let today = app.today();
    let department = id_of(
        app.post(
            "/api/v1/departments",
            &app.admin_token,
            &json!({"name": "客服部", "customer_service": true}),
        )
        .ok(201),
    );
    let (gm_user, _) = app.user_with_roles("chen.zong", &["general_manager"]);
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (supervisor_user, supervisor_token) = app.user_with_roles("liu.zhuguan", &["employee"]);
    let (newcomer_user, newcomer_token) = app.user_with_roles("li.xin", &["employee"]);
    let (colleague_user, colleague_token) = app.user_with_roles("zhao.kefu", &["employee"]);
    let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
    let (_, finance_token) = app.user_with_roles("sun.caiwu", &["finance"]);
    let gm = app.create_employee(&json!({"name": "陈总", "department_id": department, "rank": "general_manager", "user_id": gm_user}));
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "superior_id": gm, "user_id": head_user}));
    let supervisor = app.create_employee(&json!({"name": "刘主管", "department_id": department, "rank": "staff", "superior_id": head, "user_id": supervisor_user}));
    let newcomer = app.create_employee(&json!({"name": "李新", "department_id": department, "rank": "staff", "superior_id": supervisor, "user_id": newcomer_user, "hired_on": days_from(today, -10)}));
    let colleague = app.create_employee(&json!({"name": "赵客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": colleague_user}));
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
        head,
        supervisor,
        newcomer,
        colleague,
        head_token,
        supervisor_token,
        supervisor_user,
        newcomer_token,
        newcomer_user,
        colleague_token,
        colleague_user,
        hr_token,
        finance_token,
    }
}

fn employee(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/api/v1/employees/{id}"), &app.admin_token)
        .ok(200)
        .clone()
}

fn record_performance(
    app: &TestApp,
    token: &str,
    id: &str,
    month: &str,
    amount: &str,
    spend: &str,
) {
    app.post(
        &format!("/api/v1/employees/{id}/performance-records"),
        token,
        &json!({"month": month, "performance": amount, "company_funded_spend": spend}),
    )
    .ok(201);
}

both_backends!(
    emp_1_probation_extends_to_the_sixth_month_and_no_further,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let trainee = app.create_employee(&json!({"name": "钱试用", "department_id": office.department, "rank": "staff", "superior_id": office.supervisor, "hired_on": "2026-03-02"}));
        let path = format!("/api/v1/employees/{trainee}/probation-extensions");
        let record = employee(&app, &trainee);
        assert_eq!(record["probation_end"], "2026-04-01");
        let version = record["version"].clone();

        // One day past six months from hiring (2 March → 1 September) is refused, and
        // nothing is written.
        let refused = app.post(
            &path,
            &office.hr_token,
            &json!({"until": "2026-09-02", "reason": "考核不合格", "version": version}),
        );
        let problem = refused.problem(422);
        assert_eq!(problem["rule"], "EMP-1");
        assert_eq!(problem["last_possible_day"], "2026-09-01");
        assert_eq!(employee(&app, &trainee)["version"], version);
        assert_eq!(employee(&app, &trainee)["probation_end"], "2026-04-01");
        assert!(
            app.get(&path, &office.hr_token)
                .ok(200)
                .as_array()
                .unwrap()
                .is_empty()
        );
        // Only HR (or admin) extends; both or neither of until/days is a field error.
        app.post(
            &path,
            &office.head_token,
            &json!({"days": 30, "reason": "考核不合格", "version": version}),
        )
        .problem(403);
        let both = app.post(
            &path,
            &office.hr_token,
            &json!({"days": 30, "until": "2026-05-01", "reason": "考核不合格", "version": version}),
        );
        assert_eq!(both.problem(422)["errors"][0]["field"], "until");
        assert_eq!(both.problem(422)["type"], "/problems/field-refused");

        // 30 days from 1 April.
        let extended = app
            .post(
                &path,
                &office.hr_token,
                &json!({"days": 30, "reason": "考核不合格", "version": version}),
            )
            .ok(201)
            .clone();
        assert_eq!(extended["probation_end"], "2026-05-01");
        assert_eq!(extended["last_possible_day"], "2026-09-01");
        assert_eq!(extended["extension"]["previous_end"], "2026-04-01");
        // The version read before is stale now.
        app.post(
            &path,
            &office.hr_token,
            &json!({"days": 30, "reason": "再延", "version": version}),
        )
        .problem(412);
        // The cap day itself is allowed.
        let to_cap = app
            .post(
                &path,
                &office.hr_token,
                &json!({"until": "2026-09-01", "reason": "再延", "version": extended["employee_version"]}),
            )
            .ok(201)
            .clone();
        assert_eq!(to_cap["probation_end"], "2026-09-01");
        let history = app.get(&path, &office.hr_token).ok(200).clone();
        let ends: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["new_end"].as_str().unwrap())
            .collect();
        assert_eq!(ends, ["2026-05-01", "2026-09-01"]);
        assert_eq!(history[0]["reason"], "考核不合格");
        // Nothing more once at the cap.
        let more = app.post(
            &path,
            &office.hr_token,
            &json!({"days": 1, "reason": "再延", "version": to_cap["employee_version"]}),
        );
        assert_eq!(more.problem(422)["rule"], "EMP-1");
        // The trainee's line reads the history; a colleague gets 404.
        app.get(&path, &office.supervisor_token).ok(200);
        app.get(&path, &office.colleague_token).problem(404);

        // A departed employee has no probation to extend.
        let gone = app
            .json(
                "PATCH",
                &format!("/api/v1/employees/{trainee}"),
                Some(&office.hr_token),
                &json!({"left_on": "2026-06-30", "leaving_reason": "dismissal", "version": to_cap["employee_version"]}),
            )
            .ok(200)
            .clone();
        app.post(
            &path,
            &office.hr_token,
            &json!({"until": "2026-08-01", "reason": "再延", "version": gone["version"]}),
        )
        .problem(409);
    }
);

both_backends!(
    emp_2_regularization_needs_sixty_thousand_and_the_supervisor_then_the_manager,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let records = format!("/api/v1/employees/{}/performance-records", office.newcomer);
        record_performance(
            &app,
            &office.finance_token,
            &office.newcomer,
            "2026-01",
            "40000.00",
            "0.00",
        );
        record_performance(
            &app,
            &office.head_token,
            &office.newcomer,
            "2026-02",
            "19999.99",
            "0.00",
        );
        // One record per month; nobody records their own; a colleague cannot record.
        app.post(
            &records,
            &office.finance_token,
            &json!({"month": "2026-02", "performance": "1.00"}),
        )
        .problem(409);
        app.post(
            &records,
            &office.newcomer_token,
            &json!({"month": "2026-03", "performance": "1.00"}),
        )
        .problem(403);
        let negative = app.post(
            &records,
            &office.finance_token,
            &json!({"month": "2026-03", "performance": "-1.00"}),
        );
        assert_eq!(negative.problem(422)["type"], "/problems/validation");
        assert_eq!(negative.error_fields(), ["performance"]);
        let listed = app.get(&records, &office.newcomer_token).ok(200).clone();
        assert_eq!(listed["total_performance"], "59999.99");
        assert_eq!(listed["records"].as_array().unwrap().len(), 2);
        // Privacy: another employee cannot read them.
        app.get(&records, &office.colleague_token).problem(404);

        // 59,999.99 falls 0.01 short, and the refusal writes nothing.
        let file = |token: &str| {
            app.post(
                "/api/v1/regularization-applications",
                token,
                &json!({"statement": "试用期工作总结"}),
            )
        };
        let short = file(&office.newcomer_token);
        let problem = short.problem(422);
        assert_eq!(problem["rule"], "EMP-2");
        assert_eq!(problem["required"], "60000.00");
        assert_eq!(problem["recorded"], "59999.99");
        assert_eq!(problem["shortfall"], "0.01");
        let none = app
            .get("/api/v1/regularization-applications", &app.admin_token)
            .ok(200)
            .clone();
        assert!(none["items"].as_array().unwrap().is_empty());

        // 60,000.00 exactly passes.
        record_performance(
            &app,
            &office.finance_token,
            &office.newcomer,
            "2026-03",
            "0.01",
            "0.00",
        );
        let application = file(&office.newcomer_token).ok(201).clone();
        assert_eq!(application["performance"], "60000.00");
        assert_eq!(application["status"], "pending");
        let steps: Vec<(&str, &str)> = application["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["step"].as_str().unwrap(),
                    s["approver_id"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("supervisor", office.supervisor.as_str()),
                ("department_head", office.head.as_str())
            ]
        );
        // A second application while one is pending is a conflict.
        file(&office.newcomer_token).problem(409);

        let decisions = format!(
            "/api/v1/regularization-applications/{}/decisions",
            id_of(&application)
        );
        let approve = |token: &str, step: Option<&str>| {
            let mut body = json!({"decision": "approved"});
            if let Some(step) = step {
                body["step"] = json!(step);
            }
            app.post(&decisions, token, &body)
        };
        // The manager may not sign first (409), nor anyone but the supervisor sign the first
        // step (403), nor the applicant.
        approve(&office.head_token, Some("department_head")).problem(409);
        approve(&office.head_token, None).problem(403);
        approve(&office.colleague_token, None).problem(403);
        approve(&office.newcomer_token, None).problem(403);
        let half = approve(&office.supervisor_token, None).ok(200).clone();
        assert_eq!(half["status"], "pending");
        approve(&office.supervisor_token, Some("supervisor")).problem(409);
        approve(&office.supervisor_token, None).problem(403);
        // The applicant reads it; the approvers do; a colleague does not.
        let one = format!(
            "/api/v1/regularization-applications/{}",
            id_of(&application)
        );
        app.get(&one, &office.newcomer_token).ok(200);
        app.get(&one, &office.colleague_token).problem(404);

        let before = employee(&app, &office.newcomer);
        let done = approve(&office.head_token, None).ok(200).clone();
        assert_eq!(done["status"], "approved");
        approve(&office.head_token, None).problem(409);
        // Regular from the approval: the probation planned to run 20 more days ends today.
        let after = employee(&app, &office.newcomer);
        assert_eq!(after["probation_end"], today.to_string());
        assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
        let trail = app.audit("employee", &office.newcomer);
        assert!(
            trail
                .iter()
                .any(|row| row["action"] == "employee.regularize")
        );
        // Regular now: no probation extension, no second application.
        app.post(
            &format!("/api/v1/employees/{}/probation-extensions", office.newcomer),
            &office.hr_token,
            &json!({"days": 10, "reason": "考核", "version": after["version"]}),
        )
        .problem(409);
        file(&office.newcomer_token).problem(409);
        let mine = app
            .get(
                "/api/v1/regularization-applications",
                &office.newcomer_token,
            )
            .ok(200)
            .clone();
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
        let theirs = app
            .get(
                "/api/v1/regularization-applications",
                &office.colleague_token,
            )
            .ok(200)
            .clone();
        assert!(theirs["items"].as_array().unwrap().is_empty());
    }
);

both_backends!(
    emp_2_staff_outside_customer_service_need_no_performance,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let version =
            app.get("/api/v1/departments", &app.admin_token).ok(200)[0]["version"].clone();
        let flag = app
            .json(
                "PUT",
                &format!("/api/v1/departments/{}/customer-service", office.department),
                Some(&office.hr_token),
                &json!({"customer_service": false, "version": version}),
            )
            .ok(200)
            .clone();
        assert_eq!(flag["customer_service"], false);
        // HR files for the newcomer.
        let filed = app
            .post(
                "/api/v1/regularization-applications",
                &office.hr_token,
                &json!({"employee_id": office.newcomer, "statement": "转正申请"}),
            )
            .ok(201)
            .clone();
        assert_eq!(filed["performance"], "0.00");
        // Withdrawal before the decision: the employee (or HR), with the version read.
        let withdrawal = format!(
            "/api/v1/regularization-applications/{}/withdrawal",
            id_of(&filed)
        );
        app.post(&withdrawal, &office.colleague_token, &json!({"version": 1}))
            .problem(404);
        app.post(&withdrawal, &office.newcomer_token, &json!({"version": 0}))
            .problem(412);
        let withdrawn = app
            .post(&withdrawal, &office.newcomer_token, &json!({"version": 1}))
            .ok(200)
            .clone();
        assert_eq!(withdrawn["status"], "withdrawn");
        app.post(
            &format!(
                "/api/v1/regularization-applications/{}/decisions",
                id_of(&filed)
            ),
            &office.supervisor_token,
            &json!({"decision": "approved"}),
        )
        .problem(409);
        app.post(
            "/api/v1/regularization-applications",
            &office.newcomer_token,
            &json!({"statement": "再次申请"}),
        )
        .ok(201);
        // A colleague cannot file for someone else.
        app.post(
            "/api/v1/regularization-applications",
            &office.colleague_token,
            &json!({"employee_id": office.newcomer, "statement": "转正申请"}),
        )
        .problem(403);
    }
);

both_backends!(
    emp_3_notice_is_three_days_on_probation_and_thirty_after,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let resign = |token: &str, body: Value| app.post("/api/v1/resignations", token, &body);

        // On probation (hired ten days ago): three days.
        let early = resign(
            &office.newcomer_token,
            json!({"requested_last_day": days_from(today, 2), "reason": "个人原因"}),
        );
        let problem = early.problem(422);
        assert_eq!(problem["rule"], "EMP-3");
        assert_eq!(problem["earliest_last_day"], days_from(today, 3));
        assert_eq!(early.error_fields(), ["requested_last_day"]);
        let notice = resign(
            &office.newcomer_token,
            json!({"requested_last_day": days_from(today, 3), "reason": "个人原因"}),
        )
        .ok(201)
        .clone();
        assert_eq!(notice["on_probation"], true);
        assert_eq!(notice["earliest_last_day"], days_from(today, 3));
        assert_eq!(notice["submitted_on"], today.to_string());
        assert_eq!(notice["pay_in_lieu_days"], 0);
        // One pending resignation at a time; withdrawal frees the way.
        resign(
            &office.newcomer_token,
            json!({"requested_last_day": days_from(today, 5), "reason": "个人原因"}),
        )
        .problem(409);
        let withdrawal = format!("/api/v1/resignations/{}/withdrawal", id_of(&notice));
        app.post(&withdrawal, &office.colleague_token, &json!({"version": 1}))
            .problem(404);
        app.post(&withdrawal, &office.newcomer_token, &json!({"version": 0}))
            .problem(412);
        let withdrawn = app
            .post(&withdrawal, &office.newcomer_token, &json!({"version": 1}))
            .ok(200)
            .clone();
        assert_eq!(withdrawn["status"], "withdrawn");
        app.post(&withdrawal, &office.newcomer_token, &json!({"version": 2}))
            .problem(409);

        // Or at once, with three days' pay in lieu of notice.
        let at_once = resign(
            &office.newcomer_token,
            json!({"requested_last_day": days_from(today, 0), "pay_in_lieu": true, "reason": "个人原因"}),
        )
        .ok(201)
        .clone();
        assert_eq!(at_once["earliest_last_day"], today.to_string());
        assert_eq!(at_once["pay_in_lieu"], true);
        assert_eq!(at_once["pay_in_lieu_days"], 3);

        // After probation (hired 2020): thirty days, and no pay in lieu.
        let in_lieu = resign(
            &office.colleague_token,
            json!({"requested_last_day": days_from(today, 30), "pay_in_lieu": true, "reason": "个人原因"}),
        );
        assert_eq!(in_lieu.problem(422)["rule"], "EMP-3");
        assert_eq!(in_lieu.error_fields(), ["pay_in_lieu"]);
        let short = resign(
            &office.colleague_token,
            json!({"requested_last_day": days_from(today, 29), "reason": "个人原因"}),
        );
        assert_eq!(
            short.problem(422)["earliest_last_day"],
            days_from(today, 30)
        );
        let regular = resign(
            &office.colleague_token,
            json!({"requested_last_day": days_from(today, 30), "reason": "个人原因"}),
        )
        .ok(201)
        .clone();
        assert_eq!(regular["on_probation"], false);
        assert_eq!(regular["earliest_last_day"], days_from(today, 30));
        // The refusals wrote nothing: the trail holds the one accepted submission.
        let trail = app.audit("resignation", &id_of(&regular));
        assert_eq!(trail.len(), 1);
        // Privacy: the newcomer cannot read the colleague's resignation.
        app.get(
            &format!("/api/v1/resignations/{}", id_of(&regular)),
            &office.newcomer_token,
        )
        .problem(404);
    }
);

both_backends!(
    emp_4_acceptance_records_the_departure_and_the_certificate_waits_for_the_checklist,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let owned: Vec<String> = ["客户甲", "客户乙"]
            .iter()
            .map(|name| {
                id_of(&app.create_customer(
                    &json!({"full_name": name, "area_type": "urban", "owner_id": office.newcomer_user}),
                ))
            })
            .collect();
        let resignation = app
            .post(
                "/api/v1/resignations",
                &office.newcomer_token,
                &json!({"requested_last_day": days_from(today, 3), "reason": "个人原因"}),
            )
            .ok(201)
            .clone();
        let acceptance = format!("/api/v1/resignations/{}/acceptance", id_of(&resignation));
        // Only HR accepts; a stale version is refused; neither writes anything.
        app.post(&acceptance, &office.head_token, &json!({"version": 1}))
            .problem(403);
        app.post(&acceptance, &office.hr_token, &json!({"version": 7}))
            .problem(412);
        assert!(employee(&app, &office.newcomer)["left_on"].is_null());
        app.get(
            &format!("/api/v1/employees/{}/departure-checklist", office.newcomer),
            &office.hr_token,
        )
        .problem(409);

        let accepted = app
            .post(&acceptance, &office.hr_token, &json!({"version": 1}))
            .ok(200)
            .clone();
        assert_eq!(accepted["resignation"]["status"], "accepted");
        assert_eq!(accepted["left_on"], days_from(today, 3));
        assert_eq!(accepted["outstanding_items"].as_array().unwrap().len(), 7);
        let record = employee(&app, &office.newcomer);
        assert_eq!(record["left_on"], days_from(today, 3));
        assert_eq!(record["leaving_reason"], "resignation");
        app.post(&acceptance, &office.hr_token, &json!({"version": 2}))
            .problem(409);

        // CARE-4: a task per customer, for the superior by default, who now owns them.
        let tasks = accepted["handover_tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 2);
        for task in tasks {
            assert_eq!(task["successor_id"], office.supervisor.as_str());
            assert_eq!(task["leaver_id"], office.newcomer.as_str());
            assert_eq!(task["status"], "open");
        }
        for customer in &owned {
            let stored = app
                .get(&format!("/api/v1/customers/{customer}"), &app.admin_token)
                .ok(200)
                .clone();
            assert_eq!(stored["owner_id"], office.supervisor_user.as_str());
        }
        let open = app
            .get(
                "/api/v1/customer-handover-tasks?status=open",
                &office.supervisor_token,
            )
            .ok(200)
            .clone();
        assert_eq!(open["items"].as_array().unwrap().len(), 2);
        let none = app
            .get("/api/v1/customer-handover-tasks", &office.colleague_token)
            .ok(200)
            .clone();
        assert!(none["items"].as_array().unwrap().is_empty());
        let task = &tasks[0];
        let completion = format!("/api/v1/customer-handover-tasks/{}/completion", id_of(task));
        let answer = json!({"promised_services": "承诺免费上门一次", "version": 1});
        app.post(&completion, &office.colleague_token, &answer)
            .problem(404);
        app.post(&completion, &office.head_token, &answer)
            .problem(403);
        app.post(
            &completion,
            &office.supervisor_token,
            &json!({"promised_services": "无", "version": 5}),
        )
        .problem(412);
        let done = app
            .post(&completion, &office.supervisor_token, &answer)
            .ok(200)
            .clone();
        assert_eq!(done["status"], "done");
        assert_eq!(done["promised_services"], "承诺免费上门一次");
        app.post(
            &completion,
            &office.supervisor_token,
            &json!({"promised_services": "无", "version": 2}),
        )
        .problem(409);

        // EMP-4: the certificate is withheld, naming what is out, until the last item.
        let certificate = format!("/api/v1/employees/{}/leaving-certificate", office.newcomer);
        let withheld = app.get(&certificate, &office.hr_token);
        let problem = withheld.problem(409);
        assert_eq!(problem["rule"], "EMP-4");
        assert_eq!(problem["outstanding"].as_array().unwrap().len(), 7);
        let item = |name: &str, version: i64| {
            app.json(
                "PUT",
                &format!(
                    "/api/v1/employees/{}/departure-checklist/items/{name}",
                    office.newcomer
                ),
                Some(&office.hr_token),
                &json!({"version": version}),
            )
        };
        item("umbrella", 1).problem(404);
        item("badge", 9).problem(412);
        let mut version = 1;
        for name in [
            "badge",
            "devices",
            "business_passwords",
            "training_material",
            "locker_key",
            "tools",
        ] {
            let list = item(name, version).ok(200).clone();
            version = list["version"].as_i64().unwrap();
        }
        item("badge", version).problem(409);
        let last_one = app.get(&certificate, &office.newcomer_token);
        assert_eq!(last_one.problem(409)["outstanding"], json!(["books"]));
        let checklist = app
            .get(
                &format!("/api/v1/employees/{}/departure-checklist", office.newcomer),
                &office.newcomer_token,
            )
            .ok(200)
            .clone();
        assert_eq!(checklist["complete"], false);
        assert!(checklist["items"][0]["returned_at"].is_string());
        let complete = item("books", version).ok(200).clone();
        assert_eq!(complete["complete"], true);
        let issued = app
            .get(&certificate, &office.newcomer_token)
            .ok(200)
            .clone();
        assert_eq!(issued["name"], "李新");
        assert_eq!(issued["hired_on"], days_from(today, -10));
        assert_eq!(issued["left_on"], days_from(today, 3));
        assert_eq!(issued["leaving_reason"], "resignation");
        assert_eq!(issued["department"]["name"], "客服部");
        // Privacy: a colleague reads neither checklist nor certificate.
        app.get(&certificate, &office.colleague_token).problem(404);
    }
);

both_backends!(
    emp_5_three_percent_of_spend_is_the_promotion_limit,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        record_performance(
            &app,
            &office.finance_token,
            &office.newcomer,
            "2026-05",
            "100000.00",
            "3000.00",
        );
        record_performance(
            &app,
            &office.finance_token,
            &office.colleague,
            "2026-05",
            "60000.00",
            "1000.00",
        );
        record_performance(
            &app,
            &office.finance_token,
            &office.colleague,
            "2026-06",
            "40000.00",
            "2010.00",
        );
        // Another year does not count.
        record_performance(
            &app,
            &office.finance_token,
            &office.colleague,
            "2025-12",
            "900000.00",
            "0.00",
        );
        let eligibility = |id: &str, token: &str| {
            app.get(
                &format!("/api/v1/employees/{id}/promotion-eligibility?year=2026"),
                token,
            )
        };
        let at = eligibility(&office.newcomer, &office.hr_token)
            .ok(200)
            .clone();
        assert_eq!(at["eligible"], true);
        assert_eq!(at["ratio_percent"], "3.00");
        assert_eq!(at["threshold_percent"], "3.00");
        assert_eq!(at["customer_service"], true);
        let above = eligibility(&office.colleague, &office.colleague_token)
            .ok(200)
            .clone();
        assert_eq!(above["eligible"], false);
        assert_eq!(above["ratio_percent"], "3.01");
        assert_eq!(above["performance"], "100000.00");
        assert_eq!(above["company_funded_spend"], "3010.00");
        assert!(above["reasons"][0].as_str().unwrap().starts_with("EMP-5"));
        // Privacy and parameters.
        eligibility(&office.colleague, &office.newcomer_token).problem(404);
        app.get(
            &format!(
                "/api/v1/employees/{}/promotion-eligibility",
                office.newcomer
            ),
            &office.hr_token,
        )
        .problem(422);
    }
);

both_backends!(
    care_4_a_named_successor_takes_the_customers_and_an_unfit_one_is_refused,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let customer = id_of(&app.create_customer(
            &json!({"full_name": "客户丙", "area_type": "urban", "owner_id": office.newcomer_user}),
        ));
        let resignation = app
            .post(
                "/api/v1/resignations",
                &office.hr_token,
                &json!({"employee_id": office.newcomer, "requested_last_day": days_from(today, 0), "pay_in_lieu": true, "reason": "个人原因"}),
            )
            .ok(201)
            .clone();
        let acceptance = format!("/api/v1/resignations/{}/acceptance", id_of(&resignation));
        // A successor without a staff account cannot own customers; nothing is written.
        let no_account = app.create_employee(
            &json!({"name": "无账号", "department_id": office.department, "rank": "staff"}),
        );
        let refused = app.post(
            &acceptance,
            &office.hr_token,
            &json!({"successor_id": no_account, "version": 1}),
        );
        assert_eq!(refused.problem(422)["rule"], "CARE-4");
        assert_eq!(refused.error_fields(), ["successor_id"]);
        assert!(employee(&app, &office.newcomer)["left_on"].is_null());
        let unchanged = app
            .get(&format!("/api/v1/customers/{customer}"), &app.admin_token)
            .ok(200)
            .clone();
        assert_eq!(unchanged["owner_id"], office.newcomer_user.as_str());
        let resignation_now = app
            .get(
                &format!("/api/v1/resignations/{}", id_of(&resignation)),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(resignation_now["status"], "pending");

        let accepted = app
            .post(
                &acceptance,
                &office.hr_token,
                &json!({"successor_id": office.colleague, "version": 1}),
            )
            .ok(200)
            .clone();
        assert_eq!(accepted["left_on"], today.to_string());
        let task = &accepted["handover_tasks"][0];
        assert_eq!(task["successor_id"], office.colleague.as_str());
        assert_eq!(task["customer_id"], customer.as_str());
        let moved = app
            .get(&format!("/api/v1/customers/{customer}"), &app.admin_token)
            .ok(200)
            .clone();
        assert_eq!(moved["owner_id"], office.colleague_user.as_str());
        let assigned = app
            .get(
                &format!(
                    "/api/v1/customer-handover-tasks?assignee={}",
                    office.colleague
                ),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(assigned["items"].as_array().unwrap().len(), 1);
    }
);
