//! DISC and ACC-3 through HTTP: the ladders with their real numbers, the statement before the
//! confirmation, dismissal opening an HR case, the calendar-year window, admin edits of the
//! catalog, and who may record, confirm and read what.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

/// The customer-service department: its head (a `manager` with an account), a staff member
/// reporting to the head, a colleague, an HR officer, a manager of another department, and a
/// customer-service agent with no employee record.
struct Desk {
    staff: String,
    colleague: String,
    head_token: String,
    staff_token: String,
    colleague_token: String,
    hr_token: String,
    other_manager_token: String,
    agent_token: String,
}

fn desk(app: &TestApp) -> Desk {
    let department = |name: &str| app.create_department(name);
    let service = department("客服部");
    let sales = department("销售部");
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (staff_user, staff_token) = app.user_with_roles("li.kefu", &["cs_agent"]);
    let (colleague_user, colleague_token) = app.user_with_roles("zhao.kefu", &["employee"]);
    let (other_user, other_manager_token) = app.user_with_roles("sun.xiaoshou", &["manager"]);
    let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
    let (_, agent_token) = app.user_with_roles("qian.kefu", &["cs_agent"]);
    let head = app.create_employee(&json!({"name": "王经理", "department_id": service, "rank": "manager", "user_id": head_user}));
    let staff = app.create_employee(&json!({"name": "李客服", "department_id": service, "rank": "staff", "superior_id": head, "user_id": staff_user}));
    let colleague = app.create_employee(&json!({"name": "赵客服", "department_id": service, "rank": "staff", "superior_id": head, "user_id": colleague_user}));
    app.create_employee(&json!({"name": "孙经理", "department_id": sales, "rank": "manager", "user_id": other_user}));
    Desk {
        staff,
        colleague,
        head_token,
        staff_token,
        colleague_token,
        hr_token,
        other_manager_token,
        agent_token,
    }
}

fn record(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/discipline/records", token, &body)
        .ok(201)
        .clone()
}

fn offense_record(app: &TestApp, token: &str, employee: &str, offense: &str, at: &str) -> Value {
    record(
        app,
        token,
        json!({"employee_id": employee, "offense_code": offense, "occurred_at": at, "details": "现场发现"}),
    )
}

fn path(record: &Value, action: &str) -> String {
    format!(
        "/api/v1/discipline/records/{}{action}",
        record["id"].as_str().unwrap()
    )
}

/// The employee states, then `confirmer` confirms; returns the confirmed record.
fn heard_and_confirmed(
    app: &TestApp,
    record: &Value,
    employee_token: &str,
    confirmer: &str,
) -> Value {
    let heard = app.post(
        &path(record, "/statement"),
        employee_token,
        &json!({"statement": "我承认", "version": record["version"]}),
    );
    let heard = heard.ok(200).clone();
    assert_eq!(heard["status"], "awaiting_confirmation");
    let confirmed = app.post(
        &path(record, "/confirmation"),
        confirmer,
        &json!({"version": heard["version"]}),
    );
    let confirmed = confirmed.ok(200).clone();
    assert_eq!(confirmed["status"], "confirmed");
    confirmed
}

both_backends!(
    disc_acc_3_private_call_ladder_is_heard_then_confirmed,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let first = offense_record(
            &app,
            &desk.head_token,
            &desk.staff,
            "private_call",
            "2026-03-02T10:00:00+08:00",
        );
        assert_eq!(first["status"], "pending_statement");
        assert_eq!(first["occurrence"], 1);
        assert_eq!(
            first["penalty"]["notice"], true,
            "DISC private call 1st: notice"
        );
        assert_eq!(first["fine"], "0.00");

        // ACC-3: no confirmation before the statement, and the refusal writes nothing.
        let unheard = app.post(
            &path(&first, "/confirmation"),
            &desk.head_token,
            &json!({"version": 1}),
        );
        assert_eq!(unheard.problem(409)["rule"], "ACC-3");
        let unchanged = app.get(&path(&first, ""), &app.admin_token).ok(200).clone();
        assert_eq!(unchanged["status"], "pending_statement");
        assert_eq!(unchanged["version"], 1);
        assert_eq!(
            app.audit("discipline_record", first["id"].as_str().unwrap())
                .len(),
            1
        );

        // Only the employee (or HR, with a note) gives the statement; a colleague cannot even see it.
        app.post(
            &path(&first, "/statement"),
            &desk.colleague_token,
            &json!({"statement": "代他说", "version": 1}),
        )
        .problem(404);
        app.post(
            &path(&first, "/statement"),
            &desk.head_token,
            &json!({"statement": "代他说", "version": 1}),
        )
        .problem(403);
        let confirmed = heard_and_confirmed(&app, &first, &desk.staff_token, &desk.head_token);
        assert_eq!(confirmed["occurrence"], 1);
        assert_eq!(confirmed["statement"], "我承认");
        assert!(confirmed["confirmed_at"].is_string());

        let second = offense_record(
            &app,
            &desk.head_token,
            &desk.staff,
            "private_call",
            "2026-04-02T10:00:00+08:00",
        );
        assert_eq!(second["occurrence"], 2);
        assert_eq!(second["fine"], "50.00", "DISC private call 2nd: 50.00");
        let on_behalf = app.post(
            &path(&second, "/statement"),
            &desk.hr_token,
            &json!({"statement": "本人口述", "version": 1}),
        );
        assert_eq!(on_behalf.problem(422)["errors"][0]["field"], "note");
        assert_eq!(on_behalf.problem(422)["type"], "/problems/field-refused");
        let taken = app.post(
            &path(&second, "/statement"),
            &desk.hr_token,
            &json!({"statement": "本人口述", "note": "电话记录", "version": 1}),
        );
        assert_eq!(taken.ok(200)["statement_note"], "电话记录");
        app.post(
            &path(&second, "/confirmation"),
            &desk.head_token,
            &json!({"version": 1}),
        )
        .problem(412);
        let confirmed = app.post(
            &path(&second, "/confirmation"),
            &desk.head_token,
            &json!({"version": 2}),
        );
        assert_eq!(confirmed.ok(200)["fine"], "50.00");
        app.post(
            &path(&second, "/confirmation"),
            &desk.head_token,
            &json!({"version": 3}),
        )
        .problem(409);

        let third = offense_record(
            &app,
            &desk.head_token,
            &desk.staff,
            "private_call",
            "2026-05-02T10:00:00+08:00",
        );
        let third = heard_and_confirmed(&app, &third, &desk.staff_token, &desk.head_token);
        assert_eq!(third["occurrence"], 3);
        assert_eq!(third["fine"], "100.00", "DISC private call 3rd: 100.00");

        // Two records pending at once are recounted at confirmation: not both "1st".
        let visit = |at: &str| {
            offense_record(
                &app,
                &desk.head_token,
                &desk.staff,
                "after_sales_visit_missed",
                at,
            )
        };
        let (a, b) = (
            visit("2026-06-01T10:00:00+08:00"),
            visit("2026-06-02T10:00:00+08:00"),
        );
        assert_eq!(
            (a["occurrence"].clone(), b["occurrence"].clone()),
            (json!(1), json!(1))
        );
        let a = heard_and_confirmed(&app, &a, &desk.staff_token, &desk.head_token);
        let b = heard_and_confirmed(&app, &b, &desk.staff_token, &desk.head_token);
        assert_eq!(
            (a["fine"].clone(), b["fine"].clone()),
            (json!("100.00"), json!("200.00"))
        );
        assert_eq!(b["occurrence"], 2);
        let c = visit("2026-06-03T10:00:00+08:00");
        assert_eq!(c["occurrence"], 3);
        assert_eq!(
            c["fine"], "300.00",
            "DISC after-sales visit missed 3rd: 3 × 100.00"
        );

        let trail = app.audit("discipline_record", second["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "discipline_record.create",
                "discipline_record.statement",
                "discipline_record.confirm"
            ]
        );
    }
);

both_backends!(disc_dismissal_opens_an_hr_case, |db: &TestDatabase| {
    let app = spawn_app(db);
    let desk = desk(&app);
    let admitted = offense_record(
        &app,
        &desk.hr_token,
        &desk.staff,
        "false_accounts",
        "2026-03-02T10:00:00+08:00",
    );
    assert_eq!(
        admitted["fine"], "3000.00",
        "DISC false accounts 1st: 3,000.00"
    );
    heard_and_confirmed(&app, &admitted, &desk.staff_token, &desk.hr_token);
    let open_cases = || {
        app.get("/api/v1/hr-cases?status=open", &desk.hr_token)
            .ok(200)["items"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert!(open_cases().is_empty(), "a fine opens no HR case");

    let again = offense_record(
        &app,
        &desk.hr_token,
        &desk.staff,
        "false_accounts",
        "2026-04-02T10:00:00+08:00",
    );
    assert_eq!(
        again["penalty"]["dismissal"], true,
        "DISC false accounts 2nd: dismissal"
    );
    let again = heard_and_confirmed(&app, &again, &desk.staff_token, &desk.hr_token);
    let cases = open_cases();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["kind"], "dismissal");
    assert_eq!(cases[0]["employee_id"], desk.staff.as_str());
    assert_eq!(cases[0]["source_type"], "discipline_record");
    assert_eq!(cases[0]["source_id"], again["id"]);

    // Discovered by the company: dismissal at the first occurrence.
    let discovered = record(
        &app,
        &desk.hr_token,
        json!({"employee_id": desk.colleague, "offense_code": "false_accounts", "occurred_at": "2026-03-05T10:00:00+08:00",
               "details": "审计发现", "flags": {"discovered_by_company": true}}),
    );
    assert_eq!(discovered["occurrence"], 1);
    assert_eq!(discovered["penalty"]["dismissal"], true);
    assert_eq!(discovered["flags"]["discovered_by_company"], true);
    heard_and_confirmed(&app, &discovered, &desk.colleague_token, &desk.hr_token);
    assert_eq!(open_cases().len(), 2);

    let case_path = format!("/api/v1/hr-cases/{}", cases[0]["id"].as_str().unwrap());
    app.get(&case_path, &desk.staff_token).problem(403);
    app.post(
        &format!("{case_path}/closure"),
        &desk.head_token,
        &json!({"note": "已办理", "version": 1}),
    )
    .problem(403);
    app.post(
        &format!("{case_path}/closure"),
        &desk.hr_token,
        &json!({"note": "已办理", "version": 2}),
    )
    .problem(412);
    let closed = app.post(
        &format!("{case_path}/closure"),
        &desk.hr_token,
        &json!({"note": "已办理离职", "version": 1}),
    );
    assert_eq!(closed.ok(200)["status"], "closed");
    assert_eq!(closed.body["closing_note"], "已办理离职");
    app.post(
        &format!("{case_path}/closure"),
        &desk.hr_token,
        &json!({"note": "再次", "version": 2}),
    )
    .problem(409);
    assert_eq!(open_cases().len(), 1);
    assert_eq!(
        app.get(&case_path, &desk.hr_token).ok(200)["status"],
        "closed"
    );
});

both_backends!(disc_the_count_resets_on_1_january, |db: &TestDatabase| {
    let app = spawn_app(db);
    let desk = desk(&app);
    let report =
        |at: &str| offense_record(&app, &desk.head_token, &desk.staff, "daily_report_late", at);
    let last_day = report("2025-12-31T23:59:00+08:00");
    assert_eq!(
        last_day["penalty"]["warning"], true,
        "DISC daily report 1st: warning"
    );
    heard_and_confirmed(&app, &last_day, &desk.staff_token, &desk.head_token);
    // 1 January 00:00 in Shanghai is still 31 December in UTC: the window is the local year.
    let new_year = report("2026-01-01T00:00:00+08:00");
    assert_eq!(new_year["occurrence"], 1);
    assert_eq!(new_year["penalty"]["warning"], true);
    assert_eq!(new_year["fine"], "0.00");
    let same_year = report("2025-12-31T08:00:00+08:00");
    assert_eq!(same_year["occurrence"], 2);
    assert_eq!(same_year["fine"], "100.00", "DISC daily report 2nd: 100.00");
});

both_backends!(
    disc_an_admin_edit_changes_new_records_only,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let offenses = app
            .get("/api/v1/discipline/offenses", &desk.staff_token)
            .ok(200)
            .clone();
        assert_eq!(offenses.as_array().unwrap().len(), 16);
        let offense_path = "/api/v1/discipline/offenses/plan_wrong";
        let stored = app.get(offense_path, &desk.staff_token).ok(200).clone();
        assert_eq!(stored["version"], 1);
        assert_eq!(stored["definition"]["steps"][1]["fine"], "200.00");
        app.get(
            "/api/v1/discipline/offenses/no_such_thing",
            &desk.staff_token,
        )
        .problem(404);

        let before_edit = offense_record(
            &app,
            &desk.head_token,
            &desk.staff,
            "plan_wrong",
            "2026-03-02T10:00:00+08:00",
        );
        assert_eq!(before_edit["fine"], "100.00");

        let mut definition = stored["definition"].clone();
        definition["steps"] = json!([{"fine": "150.00"}, {"fine": "300.00"}]);
        app.json(
            "PUT",
            offense_path,
            Some(&desk.hr_token),
            &json!({"definition": definition, "version": 1}),
        )
        .problem(403);
        let mut milder = definition.clone();
        milder["steps"] = json!([{"fine": "150.00"}, {"fine": "-1.00"}]);
        let refused = app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": milder, "version": 1}),
        );
        assert_eq!(
            refused.problem(422).clone()["errors"][0]["field"],
            "definition.steps[1].fine"
        );
        let mut shrinking = definition.clone();
        shrinking["steps"] = json!([{"fine": "150.00"}, {"fine": "100.00"}]);
        let refused = app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": shrinking, "version": 1}),
        );
        assert_eq!(
            refused.problem(422).clone()["errors"][0]["field"],
            "definition.steps[1]"
        );
        let mut renamed = definition.clone();
        renamed["code"] = json!("plan_wrong_v2");
        let refused = app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": renamed, "version": 1}),
        );
        assert_eq!(
            refused.problem(422).clone()["errors"][0]["field"],
            "definition.code"
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        let mut no_steps = definition.clone();
        no_steps["steps"] = json!([]);
        let refused = app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": no_steps, "version": 1}),
        );
        assert_eq!(
            refused.problem(422).clone()["errors"][0]["field"],
            "definition.steps"
        );

        let edited = app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": definition, "version": 1}),
        );
        assert_eq!(edited.ok(200)["version"], 2);
        assert_eq!(edited.body["definition"]["steps"][0]["fine"], "150.00");
        app.json(
            "PUT",
            offense_path,
            Some(&app.admin_token),
            &json!({"definition": definition, "version": 1}),
        )
        .problem(412);
        assert_eq!(
            app.audit("discipline_offense", "plan_wrong").len(),
            2,
            "seeded, then edited"
        );

        // The record made before the edit keeps its ladder, also when confirmed after it.
        let kept = heard_and_confirmed(&app, &before_edit, &desk.staff_token, &desk.head_token);
        assert_eq!(kept["fine"], "100.00");
        assert_eq!(kept["offense_version"], 1);
        let after_edit = offense_record(
            &app,
            &desk.head_token,
            &desk.staff,
            "plan_wrong",
            "2026-04-02T10:00:00+08:00",
        );
        assert_eq!(after_edit["occurrence"], 2);
        assert_eq!(after_edit["fine"], "300.00");
        assert_eq!(after_edit["offense_version"], 2);
    }
);

both_backends!(
    disc_refusals_write_nothing_and_employees_see_only_their_own,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let records = "/api/v1/discipline/records";
        let body = |employee: &str, offense: &str| json!({"employee_id": employee, "offense_code": offense, "occurred_at": "2026-03-02T10:00:00+08:00", "details": "现场发现"});
        // What the schema cannot state is refused as such; what it states, as invalid.
        let refusal_of = |reply: crate::support::Reply| {
            let problem = reply.problem(422);
            (
                problem["type"].clone(),
                problem["errors"][0]["field"].clone(),
            )
        };
        let refused = |field: &str| (json!("/problems/field-refused"), json!(field));
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &body(&desk.staff, "napping"))),
            refused("offense_code")
        );
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &body("nobody", "private_call"))),
            refused("employee_id")
        );
        let mut future = body(&desk.staff, "private_call");
        future["occurred_at"] = json!("2099-01-01T10:00:00+08:00");
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &future)),
            refused("occurred_at")
        );
        let mut counted = body(&desk.staff, "private_call");
        counted["count"] = json!(2);
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &counted)),
            refused("count")
        );
        let mut flagged = body(&desk.staff, "private_call");
        flagged["flags"] = json!({"discovered_by_company": true});
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &flagged)),
            refused("flags.discovered_by_company")
        );
        let mut blank = body(&desk.staff, "private_call");
        blank["details"] = json!("  ");
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &blank)),
            (json!("/problems/validation"), json!("details"))
        );
        let mut uncountable = body(&desk.staff, "idle_chat_with_salespeople");
        uncountable["count"] = json!(1001);
        assert_eq!(
            refusal_of(app.post(records, &desk.head_token, &uncountable)),
            (json!("/problems/validation"), json!("count"))
        );
        app.send(
            "POST",
            records,
            Some(&desk.head_token),
            Some(("application/json", b"{\"employee_id\": ")),
        )
        .problem(400);
        app.post(
            records,
            &desk.staff_token,
            &body(&desk.colleague, "private_call"),
        )
        .problem(403);
        app.post(
            records,
            &desk.other_manager_token,
            &body(&desk.staff, "private_call"),
        )
        .problem(403);
        let all = app.get(records, &app.admin_token).ok(200).clone();
        assert!(
            all["items"].as_array().unwrap().is_empty(),
            "no refusal wrote a record"
        );

        // DISC idle chat: 500.00 per salesperson.
        let mut chat = body(&desk.staff, "idle_chat_with_salespeople");
        chat["count"] = json!(3);
        let chat = record(&app, &desk.head_token, chat);
        assert_eq!(chat["fine"], "1500.00");
        assert_eq!(chat["count"], 3);
        let colleague_record = record(&app, &desk.head_token, body(&desk.colleague, "plan_late"));
        assert_eq!(colleague_record["fine"], "200.00");
        assert_eq!(
            colleague_record["penalty"]["consequences"][0]["code"],
            "months_data_statistics_duty"
        );

        // An employee sees only their own records.
        let own = app.get(records, &desk.staff_token).ok(200).clone();
        let ids: Vec<&Value> = own["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["id"])
            .collect();
        assert_eq!(ids, [&chat["id"]]);
        app.get(
            &format!("{records}?employee={}", desk.colleague),
            &desk.staff_token,
        )
        .problem(404);
        app.get(&path(&colleague_record, ""), &desk.staff_token)
            .problem(404);
        app.get(&path(&colleague_record, ""), &desk.agent_token)
            .problem(404);
        assert_eq!(
            app.get(&path(&colleague_record, ""), &desk.head_token)
                .ok(200)["id"],
            colleague_record["id"]
        );
        let filtered = app.get(
            &format!("{records}?status=pending_statement&offense=plan_late"),
            &desk.hr_token,
        );
        assert_eq!(filtered.ok(200)["items"].as_array().unwrap().len(), 1);
        app.get(&format!("{records}?status=bogus"), &desk.hr_token)
            .problem(422);
        let first_page = app
            .get(&format!("{records}?limit=1"), &desk.hr_token)
            .ok(200)
            .clone();
        let cursor = first_page["next_cursor"].as_str().unwrap();
        let second_page = app
            .get(
                &format!("{records}?limit=1&cursor={cursor}"),
                &desk.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(second_page["items"][0]["id"], colleague_record["id"]);

        // Withdrawal: by the recorder or HR, only before confirmation.
        app.post(
            &path(&chat, "/withdrawal"),
            &desk.staff_token,
            &json!({"version": 1}),
        )
        .problem(403);
        let withdrawn = app.post(
            &path(&chat, "/withdrawal"),
            &desk.head_token,
            &json!({"version": 1}),
        );
        assert_eq!(withdrawn.ok(200)["status"], "withdrawn");
        app.post(
            &path(&chat, "/statement"),
            &desk.staff_token,
            &json!({"statement": "晚了", "version": 2}),
        )
        .problem(409);
        app.post(
            &path(&chat, "/withdrawal"),
            &desk.hr_token,
            &json!({"version": 2}),
        )
        .problem(409);
        let confirmed = heard_and_confirmed(
            &app,
            &colleague_record,
            &desk.colleague_token,
            &desk.head_token,
        );
        app.post(
            &path(&confirmed, "/withdrawal"),
            &desk.hr_token,
            &json!({"version": confirmed["version"]}),
        )
        .problem(409);
    }
);
