//! HR through HTTP (issue #4): employee records and who may read them, punches and device
//! imports, the month's evaluation (ATT-1..7), make-up punches (ATT-5), exception forms
//! (ATT-4) and leave requests with their approval chains (LEAVE-1..8).

use serde_json::{Value, json};
use time::macros::{format_description, offset, time};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Weekday};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

/// Whether the server's calendar makes `date` a working day (holidays and make-up working days
/// included).
fn is_working(app: &TestApp, date: Date) -> bool {
    app.get(&format!("/api/v1/calendar/days/{date}"), &app.admin_token)
        .ok(200)["working"]
        == true
}

/// The first working day on or after `date`, by the server's calendar.
pub(crate) fn working_day_from(app: &TestApp, date: Date) -> Date {
    let before = date.previous_day().unwrap();
    let reply = app.get(
        &format!("/api/v1/calendar/working-days/add?from={before}&days=1"),
        &app.admin_token,
    );
    let day = Date::parse(
        reply.ok(200)["date"].as_str().unwrap(),
        format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    assert!(is_working(app, day), "{day} is a working day");
    day
}

/// The first working day after `date`.
fn next_working_day(app: &TestApp, date: Date) -> Date {
    working_day_from(app, date.next_day().unwrap())
}

/// 10:00 in the company's zone on `date`: within the default 09:00–17:30 shift.
fn ten_on(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time!(10:00)).assume_offset(offset!(+8))
}

/// A small office: a general manager, a department head (with an account), a staff member
/// (with an account) reporting to the head, another staff member, an HR officer account and a
/// general-manager account.
pub(crate) struct Office {
    pub(crate) department: String,
    pub(crate) head: String,
    pub(crate) staff: String,
    pub(crate) colleague: String,
    pub(crate) head_token: String,
    pub(crate) staff_token: String,
    pub(crate) colleague_token: String,
    pub(crate) hr_token: String,
    pub(crate) gm_token: String,
}

pub(crate) fn office(app: &TestApp) -> Office {
    let department = app.create_department("客户服务中心");
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (staff_user, staff_token) = app.user_with_roles("li.kefu", &["employee"]);
    let (colleague_user, colleague_token) = app.user_with_roles("zhao.kefu", &["employee"]);
    let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
    let (gm_user, gm_token) = app.user_with_roles("chen.zong", &["general_manager"]);
    let gm = app.create_employee(&json!({"name": "陈总", "department_id": department, "rank": "general_manager", "user_id": gm_user}));
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "superior_id": gm, "user_id": head_user}));
    let staff = app.create_employee(&json!({"name": "李客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": staff_user, "gender": "female", "birth_date": "1998-04-10"}));
    let colleague = app.create_employee(&json!({"name": "赵客服", "department_id": department, "rank": "staff", "user_id": colleague_user}));
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
        staff,
        colleague,
        head_token,
        staff_token,
        colleague_token,
        hr_token,
        gm_token,
    }
}

both_backends!(
    emp_employee_records_keep_hr_facts_and_are_read_only_within_scope,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let path = format!("/api/v1/employees/{}", office.staff);
        let record = app.get(&path, &office.staff_token).ok(200).clone();
        assert_eq!(record["gender"], "female");
        assert_eq!(record["hired_on"], "2020-01-06");
        // EMP-1: probation defaults to one month after hiring.
        assert_eq!(record["probation_end"], "2020-02-05");
        assert_eq!(record["base_salary"], "5200.00");
        assert_eq!(record["rest_day"], "sunday");

        // The head and HR read it; a colleague gets the same 404 as for an unknown id.
        app.get(&path, &office.head_token).ok(200);
        app.get(&path, &office.hr_token).ok(200);
        app.get(&path, &office.colleague_token).problem(404);
        app.get(
            &format!("/api/v1/employees/{}", office.colleague),
            &office.staff_token,
        )
        .problem(404);
        let listed = app
            .get("/api/v1/employees", &office.colleague_token)
            .ok(200)
            .clone();
        assert_eq!(listed["items"].as_array().unwrap().len(), 1);
        // The head reads everyone of the department they head (all four here).
        let managed = app
            .get("/api/v1/employees", &office.head_token)
            .ok(200)
            .clone();
        assert_eq!(managed["items"].as_array().unwrap().len(), 4);

        // HR updates with the version read; a stale version is refused.
        let patch = |version: &Value| {
            app.json(
                "PATCH",
                &path,
                Some(&office.hr_token),
                &json!({"rest_day": "wednesday", "base_salary": "6000.00", "version": version}),
            )
        };
        let updated = patch(&record["version"]).ok(200).clone();
        assert_eq!(updated["rest_day"], "wednesday");
        assert_eq!(updated["base_salary"], "6000.00");
        patch(&record["version"]).problem(412);
        let bad = app.json(
            "PATCH",
            &path,
            Some(&office.hr_token),
            &json!({"left_on": "2019-12-31", "leaving_reason": "resignation", "version": updated["version"]}),
        );
        assert_eq!(bad.problem(422)["errors"][0]["field"], "left_on");
        assert_eq!(bad.problem(422)["type"], "/problems/field-refused");
        // PAY-4 needs to know why an employment ended, so a leaving date never comes alone.
        let unexplained = app.json(
            "PATCH",
            &path,
            Some(&office.hr_token),
            &json!({"left_on": "2026-12-31", "version": updated["version"]}),
        );
        assert_eq!(
            unexplained.problem(422)["errors"][0]["field"],
            "leaving_reason"
        );
        assert_eq!(unexplained.problem(422)["type"], "/problems/field-refused");
        // A negative salary is outside what the schema admits.
        let negative = app.json(
            "PATCH",
            &path,
            Some(&office.hr_token),
            &json!({"base_salary": "-1.00", "version": updated["version"]}),
        );
        assert_eq!(negative.problem(422)["type"], "/problems/validation");
        assert_eq!(negative.error_fields(), ["base_salary"]);
        app.json(
            "PATCH",
            &path,
            Some(&office.staff_token),
            &json!({"base_salary": "9999.00", "version": updated["version"]}),
        )
        .problem(403);
        assert_eq!(app.audit("employee", &office.staff).len(), 2);

        // CAL-3: a department's shift must be in order.
        let shift = json!({"start": "09:00", "end": "17:30", "lunch_start": "12:00", "lunch_end": "12:30", "rest_start": "12:30", "rest_end": "13:30"});
        let departments = app
            .get("/api/v1/departments", &app.admin_token)
            .ok(200)
            .clone();
        let version = departments[0]["version"].clone();
        let mut backwards = shift.clone();
        backwards["lunch_start"] = json!("18:00");
        let refused = app.json(
            "PUT",
            &format!("/api/v1/departments/{}/shift", office.department),
            Some(&office.hr_token),
            &json!({"shift": backwards, "version": version}),
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["shift"]);
        let mut later = shift;
        later["start"] = json!("08:30");
        let changed = app
            .json(
                "PUT",
                &format!("/api/v1/departments/{}/shift", office.department),
                Some(&office.hr_token),
                &json!({"shift": later, "version": version}),
            )
            .ok(200)
            .clone();
        assert_eq!(changed["shift"]["start"], "08:30");
    }
);

fn punch(employee: &str, at: &str) -> Value {
    json!({"employee_id": employee, "punched_at": at, "device_id": "gate-1"})
}

both_backends!(
    att_batch_import_is_all_or_nothing_and_idempotent,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let good = punch(&office.staff, "2026-03-02T08:58:00+08:00");
        let batch = json!({"punches": [
            good,
            punch(&office.staff, "2026-03-02 17:31"),
            punch("nobody", "2026-03-03T08:58:00+08:00"),
            punch(&office.staff, "2026-03-03T17:31:00+08:00"),
        ]});
        let refused = app.post("/api/v1/attendance/punches/batch", &office.hr_token, &batch);
        assert_eq!(refused.problem(422)["type"], "/problems/validation");
        assert_eq!(refused.error_fields(), ["punches[1].punched_at"]);
        let batch = json!({"punches": [good, punch("nobody", "2026-03-03T08:58:00+08:00")]});
        let refused = app.post("/api/v1/attendance/punches/batch", &office.hr_token, &batch);
        assert_eq!(
            refused.problem(422)["errors"][0]["field"],
            "punches[1].employee_id"
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        // Nothing of the refused batches was stored.
        let month = app
            .get(
                &format!(
                    "/api/v1/employees/{}/attendance?month=2026-03",
                    office.staff
                ),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert!(month["days"][1]["punch_in"].is_null());

        let rows: Vec<Value> = (2..=7)
            .flat_map(|day| {
                [
                    punch(&office.staff, &format!("2026-03-0{day}T08:59:00+08:00")),
                    punch(&office.staff, &format!("2026-03-0{day}T17:31:00+08:00")),
                ]
            })
            .collect();
        let batch = json!({"punches": rows});
        let first = app.post("/api/v1/attendance/punches/batch", &office.hr_token, &batch);
        assert_eq!(first.ok(200)["inserted"], 12);
        let again = app.post("/api/v1/attendance/punches/batch", &office.hr_token, &batch);
        assert_eq!(again.ok(200)["inserted"], 0);
        assert_eq!(again.ok(200)["duplicates"], 12);

        let too_many: Vec<Value> = (0..10_001)
            .map(|_| punch(&office.staff, "2026-03-02T08:58:00+08:00"))
            .collect();
        let refused = app.post(
            "/api/v1/attendance/punches/batch",
            &office.hr_token,
            &json!({"punches": too_many}),
        );
        assert_eq!(refused.problem(422)["errors"][0]["field"], "punches");

        // One punch: new → 201, the same second again → 200 duplicate; staff may not post.
        let one = json!({"employee_id": office.staff, "punched_at": "2026-03-09T08:57:30+08:00"});
        app.post("/api/v1/attendance/punches", &office.hr_token, &one)
            .ok(201);
        let repeat = app.post("/api/v1/attendance/punches", &office.hr_token, &one);
        assert_eq!(repeat.ok(200)["duplicate"], true);
        app.post("/api/v1/attendance/punches", &office.staff_token, &one)
            .problem(403);
        let future =
            json!({"employee_id": office.staff, "punched_at": "2099-03-09T08:57:30+08:00"});
        let refused = app.post("/api/v1/attendance/punches", &office.hr_token, &future);
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["punched_at"]);
    }
);

both_backends!(
    att_1_to_7_the_month_classifies_days_fines_occurrences_and_totals_absence,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let at =
            |day: u8, time: &str| punch(&office.staff, &format!("2026-03-{day:02}T{time}+08:00"));
        let batch = json!({"punches": [
            at(2, "08:58:00"), at(2, "17:31:00"),  // on time
            at(3, "09:06:00"), at(3, "17:30:00"),  // 6 minutes: late, 1st occurrence
            at(4, "09:05:59"), at(4, "17:30:00"),  // 5 minutes: on time
            at(5, "09:20:00"), at(5, "17:40:00"),  // late, 2nd occurrence
            at(6, "09:31:00"), at(6, "17:30:00"),  // 31 minutes: half-day absence
            at(7, "09:00:00"),                      // no punch-out: half-day absence
        ]});
        app.post("/api/v1/attendance/punches/batch", &office.hr_token, &batch)
            .ok(200);
        let path = format!(
            "/api/v1/employees/{}/attendance?month=2026-03",
            office.staff
        );
        let month = app.get(&path, &office.staff_token).ok(200).clone();
        let day = |n: usize| &month["days"][n - 1];
        assert_eq!(day(2)["status"], "on_time");
        assert_eq!(day(3)["status"], "late");
        assert_eq!(day(3)["late_minutes"], 6);
        assert_eq!(day(4)["status"], "on_time");
        assert_eq!(day(5)["status"], "late");
        assert_eq!(day(6)["status"], "half_day_absence");
        assert_eq!(day(7)["status"], "half_day_absence");
        assert_eq!(day(8)["status"], "rest");
        assert_eq!(day(9)["status"], "full_day_absence");
        // ATT-2: the 1st occurrence is free, the 2nd costs 10.00.
        let occurrences = month["occurrences"].as_array().unwrap();
        assert_eq!(occurrences.len(), 2);
        assert_eq!(occurrences[0]["fine"], "0.00");
        assert_eq!(occurrences[1]["fine"], "10.00");
        assert_eq!(month["fines_total"], "10.00");
        // March 2026 has 26 scheduled days; 20 without any punch are full-day absences.
        assert_eq!(month["scheduled_days"], 26);
        assert_eq!(month["absence"]["total"], 21.0);
        assert_eq!(month["deduction_days"], 63.0);
        assert_eq!(month["base_salary_only"], true);
        assert_eq!(month["full_attendance"], false);
        assert_eq!(month["calendar_provisional"], false);

        // Only those in scope read it; HR's summary lists every employee.
        app.get(&path, &office.colleague_token).problem(404);
        app.get(&path, &office.head_token).ok(200);
        let summary = app
            .get(
                &format!(
                    "/api/v1/attendance/summary?month=2026-03&department={}",
                    office.department
                ),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        let rows = summary["items"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        let staff_row = rows
            .iter()
            .find(|r| r["employee_id"] == office.staff)
            .unwrap();
        assert_eq!(staff_row["fines_total"], "10.00");
        assert_eq!(staff_row["occurrences"], 2);
        app.get(
            "/api/v1/attendance/summary?month=2026-03",
            &office.staff_token,
        )
        .problem(403);
        let bad = app.get(
            &format!(
                "/api/v1/employees/{}/attendance?month=2026-13",
                office.staff
            ),
            &office.staff_token,
        );
        assert_eq!(bad.problem(422)["errors"][0]["field"], "month");
    }
);

both_backends!(
    att_5_one_make_up_punch_per_employment_signed_by_the_supervisor,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        app.post(
            "/api/v1/attendance/punches",
            &office.hr_token,
            &json!({"employee_id": office.staff, "punched_at": "2026-03-02T08:58:00+08:00"}),
        )
        .ok(201);
        let path = format!(
            "/api/v1/employees/{}/attendance?month=2026-03",
            office.staff
        );
        let before = app.get(&path, &office.staff_token).ok(200).clone();
        assert_eq!(before["days"][1]["status"], "half_day_absence");

        let request = app
            .post(
                "/api/v1/attendance/make-up-requests",
                &office.staff_token,
                &json!({"punched_at": "2026-03-02T17:35:00+08:00", "reason": "打卡机故障"}),
            )
            .ok(201)
            .clone();
        assert_eq!(request["chain"][0]["step"], "supervisor");
        assert_eq!(request["chain"][0]["approver_id"], office.head);
        let decide = |token: &str| {
            app.post(
                &format!(
                    "/api/v1/attendance/make-up-requests/{}/decisions",
                    request["id"].as_str().unwrap()
                ),
                token,
                &json!({"decision": "approved"}),
            )
        };
        decide(&office.colleague_token).problem(403);
        decide(&office.staff_token).problem(403);
        assert_eq!(decide(&office.head_token).ok(200)["status"], "approved");
        decide(&office.head_token).problem(409);
        let after = app.get(&path, &office.staff_token).ok(200).clone();
        assert_eq!(after["days"][1]["status"], "on_time");

        // ATT-5: the allowance is spent.
        let second = app.post(
            "/api/v1/attendance/make-up-requests",
            &office.staff_token,
            &json!({"punched_at": "2026-03-03T17:35:00+08:00", "reason": "忘记打卡"}),
        );
        assert_eq!(second.problem(422)["rule"], "ATT-5");
    }
);

both_backends!(
    att_4_exception_forms_within_24_hours_once_a_month_head_then_hr,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        // ATT-4 reads the time of day: file at 10:00 on a working day that another working
        // day of the same month follows, so that the second filing below is in time and only
        // the month's allowance refuses it.
        let (day, later) = {
            let mut day = next_working_day(&app, app.today());
            loop {
                let later = next_working_day(&app, day);
                if later.month() == day.month() {
                    break (day, later);
                }
                day = later;
            }
        };
        app.set_clock(ten_on(day));
        let file = |date: Date| {
            app.post(
                "/api/v1/attendance/exceptions",
                &office.staff_token,
                &json!({"occurred_on": date.to_string(), "cause": "traffic_accident", "reason": "追尾事故"}),
            )
        };
        // Two days back, the shift started 49 hours ago.
        let too_late = file(day - Duration::days(2));
        let problem = too_late.problem(422);
        assert_eq!(problem["rule"], "ATT-4");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("within 24 hours"),
            "{problem}"
        );
        // Today's shift started an hour ago.
        let form = file(day).ok(201).clone();
        let steps: Vec<&str> = form["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["department_head", "hr"]);
        let path = format!(
            "/api/v1/attendance/exceptions/{}/decisions",
            form["id"].as_str().unwrap()
        );
        // HR cannot confirm before the head signs.
        app.post(
            &path,
            &office.hr_token,
            &json!({"step": "hr", "decision": "approved"}),
        )
        .problem(409);
        app.post(&path, &office.head_token, &json!({"decision": "approved"}))
            .ok(200);
        let done = app
            .post(&path, &office.hr_token, &json!({"decision": "approved"}))
            .ok(200)
            .clone();
        assert_eq!(done["status"], "approved");
        // ATT-4: one a month. On the next working day of the month, at 10:00, a form for that
        // day is in time but the month has had its one.
        app.set_clock(ten_on(later));
        let again = file(later);
        let problem = again.problem(422);
        assert_eq!(problem["rule"], "ATT-4");
        assert!(
            problem["detail"].as_str().unwrap().contains("per month"),
            "{problem}"
        );
    }
);

both_backends!(
    leave_1_the_chain_is_computed_and_decided_in_order_by_its_approvers,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        // A one-day personal leave well ahead: department head, then HR.
        let today = app.today();
        let day = working_day_from(&app, today + Duration::days(30));
        let one_day = app
            .post(
                "/api/v1/leave-requests",
                &office.staff_token,
                &json!({"leave_type": "personal", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "家中有事"}),
            )
            .ok(201)
            .clone();
        let steps = |request: &Value| -> Vec<String> {
            request["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["step"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(steps(&one_day), ["department_head", "hr"]);
        assert_eq!(one_day["duration"], 1.0);
        // LEAVE-3: one day deducts three days of base salary.
        assert_eq!(one_day["assessment"]["consequences"]["deduction_days"], 3.0);
        let path = format!(
            "/api/v1/leave-requests/{}/decisions",
            one_day["id"].as_str().unwrap()
        );
        app.post(&path, &office.hr_token, &json!({"decision": "approved"}))
            .problem(403);
        app.post(
            &path,
            &office.hr_token,
            &json!({"step": "hr", "decision": "approved"}),
        )
        .problem(409);
        app.post(&path, &office.staff_token, &json!({"decision": "approved"}))
            .problem(403);
        app.post(&path, &office.head_token, &json!({"decision": "approved"}))
            .ok(200);
        app.post(
            &path,
            &office.head_token,
            &json!({"step": "department_head", "decision": "approved"}),
        )
        .problem(409);
        let approved = app
            .post(&path, &office.hr_token, &json!({"decision": "approved"}))
            .ok(200)
            .clone();
        assert_eq!(approved["status"], "approved");

        // Overlapping the approved day is refused with the reason.
        let overlap = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "personal", "first_day": day.to_string(), "first_half": "pm", "last_day": day.to_string(), "reason": "再请"}),
        );
        let problem = overlap.problem(422);
        assert_eq!(problem["refusals"][0]["code"], "overlap");

        // Two working days in a row: the general manager too. Withdrawn before the end, it takes
        // no decision.
        let start = {
            let mut start = working_day_from(&app, today + Duration::days(40));
            while next_working_day(&app, start) != start + Duration::days(1) {
                start = next_working_day(&app, start);
            }
            start
        };
        let end = start + Duration::days(1);
        let two_days = app
            .post(
                "/api/v1/leave-requests",
                &office.staff_token,
                &json!({"leave_type": "personal", "first_day": start.to_string(), "last_day": end.to_string(), "reason": "回老家"}),
            )
            .ok(201)
            .clone();
        assert_eq!(two_days["duration"], 2.0);
        assert_eq!(
            steps(&two_days),
            ["department_head", "hr", "general_manager"]
        );
        let id = two_days["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/leave-requests/{id}/withdrawal"),
            &office.colleague_token,
            &json!({"version": two_days["version"]}),
        )
        .problem(404);
        let withdrawn = app
            .post(
                &format!("/api/v1/leave-requests/{id}/withdrawal"),
                &office.staff_token,
                &json!({"version": two_days["version"]}),
            )
            .ok(200)
            .clone();
        assert_eq!(withdrawn["status"], "withdrawn");
        app.post(
            &format!("/api/v1/leave-requests/{id}/decisions"),
            &office.head_token,
            &json!({"decision": "approved"}),
        )
        .problem(409);

        // The balance counts the approved day.
        let balances = app
            .get(
                &format!(
                    "/api/v1/employees/{}/leave-balances?year={}",
                    office.staff,
                    day.year()
                ),
                &office.staff_token,
            )
            .ok(200)
            .clone();
        let personal = balances["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["leave_type"] == "personal")
            .unwrap()
            .clone();
        assert_eq!(personal["taken"], 1.0);
        let listed = app
            .get("/api/v1/leave-requests", &office.staff_token)
            .ok(200)
            .clone();
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);
        app.get(
            &format!("/api/v1/leave-requests/{}", one_day["id"].as_str().unwrap()),
            &office.colleague_token,
        )
        .problem(404);
        // The general manager reads every request.
        app.get(&format!("/api/v1/leave-requests/{id}"), &office.gm_token)
            .ok(200);
    }
);

both_backends!(
    leave_2_and_6_refusals_name_the_rule_and_the_field,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        // LEAVE-2 is about the filing day: file at 10:00 on a working day, so that a leave
        // starting that day holds a scheduled day and is refused only for its notice.
        let filing_day = next_working_day(&app, app.today());
        app.set_clock(ten_on(filing_day));
        let today = app.today();
        assert_eq!(today, filing_day);
        // LEAVE-2: personal leave starting today was not asked a day ahead.
        let late = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "personal", "first_day": today.to_string(), "last_day": today.to_string(), "reason": "临时有事"}),
        );
        assert_eq!(late.problem(422)["refusals"][0]["code"], "too_late");
        // LEAVE-6: marriage leave is for a first marriage, and needs its facts.
        let day = working_day_from(&app, today + Duration::days(30));
        let missing = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "marriage", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "结婚"}),
        );
        let fields = missing.error_fields();
        assert!(
            fields.contains(&"facts.marriage_registered_on".to_owned()),
            "{fields:?}"
        );
        let second = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "marriage", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "结婚",
                    "facts": {"marriage_registered_on": today.to_string(), "first_marriage": false}}),
        );
        assert_eq!(
            second.problem(422)["refusals"][0]["code"],
            "not_first_marriage"
        );
        let unknown = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "holiday", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "x"}),
        );
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "leave_type");
        let stray = app.post(
            "/api/v1/leave-requests",
            &office.staff_token,
            &json!({"leave_type": "sick", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "x",
                    "facts": {"doctor": "张医生"}}),
        );
        assert!(
            stray.problem(422)["detail"]
                .as_str()
                .unwrap()
                .contains("doctor")
        );
    }
);

both_backends!(
    att_7_only_approved_leave_counts_and_certified_sick_leave_is_leave,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        // Requests of a past month, as if filed and decided then; the filing rules are tested
        // elsewhere, this checks how the month reads them.
        let leave = |id: &str, kind: &str, day: &str, status: &str, certified: bool| {
            format!(
                "INSERT INTO leave_requests (id, employee_id, leave_type, first_day, first_half, \
                 last_day, last_half, duration_half_days, reason, facts, assessment, certified, \
                 status, filed_at, version, created_at, updated_at) VALUES ('{id}', '{}', \
                 '{kind}', '{day}', 'am', '{day}', 'pm', 2, 'x', '{{}}', '{{}}', {certified}, \
                 '{status}', '2026-02-20 01:00:00', 1, '2026-02-20 01:00:00', \
                 '2026-02-20 01:00:00');",
                office.staff
            )
        };
        db.execute(&leave(
            "l-personal",
            "personal",
            "2026-03-09",
            "approved",
            false,
        ));
        db.execute(&leave(
            "l-pending",
            "personal",
            "2026-03-10",
            "pending",
            false,
        ));
        db.execute(&leave("l-sick", "sick", "2026-03-11", "approved", true));
        db.execute(
            &leave("l-half", "personal", "2026-03-12", "approved", false).replace(
                "'2026-03-12', 'am', '2026-03-12', 'pm'",
                "'2026-03-12', 'am', '2026-03-12', 'am'",
            ),
        );
        let punches: Vec<Value> = ["2026-03-12T13:29:00+08:00", "2026-03-12T17:31:00+08:00"]
            .iter()
            .map(|at| punch(&office.staff, at))
            .collect();
        app.post(
            "/api/v1/attendance/punches/batch",
            &office.hr_token,
            &json!({"punches": punches}),
        )
        .ok(200);
        let month = app
            .get(
                &format!(
                    "/api/v1/employees/{}/attendance?month=2026-03",
                    office.staff
                ),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        let day = |n: usize| &month["days"][n - 1];
        assert_eq!(day(9)["status"], "leave");
        // LEAVE: a request not approved is no leave; the day is an absence (ATT-5).
        assert_eq!(day(10)["status"], "full_day_absence");
        assert_eq!(day(11)["status"], "leave");
        // A morning's leave moves the expected start to 13:30; 13:29 is on time.
        assert_eq!(day(12)["status"], "on_time");
        assert_eq!(month["leave"]["personal"], 1.5);
        assert_eq!(month["leave"]["sick_certified"], 1.0);
    }
);

/// The first Monday at least two days after the server's today whose Monday to Wednesday are
/// all working days.
fn clear_monday(app: &TestApp) -> Date {
    let mut date = app.today() + Duration::days(2);
    loop {
        while date.weekday() != Weekday::Monday {
            date += Duration::days(1);
        }
        if (0..3).all(|offset| is_working(app, date + Duration::days(offset))) {
            return date;
        }
        date += Duration::days(7);
    }
}

both_backends!(
    leave_4_probation_is_extended_when_the_leave_is_finally_approved,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let (user, token) = app.user_with_roles("xin.yuangong", &["employee"]);
        let hired = app.today() - Duration::days(5);
        let newcomer = app.create_employee(&json!({"name": "新员工", "department_id": office.department, "rank": "staff", "superior_id": office.head, "user_id": user, "hired_on": hired.to_string()}));
        let record = app
            .get(&format!("/api/v1/employees/{newcomer}"), &token)
            .ok(200)
            .clone();
        let probation_end = Date::parse(
            record["probation_end"].as_str().unwrap(),
            format_description!("[year]-[month]-[day]"),
        )
        .unwrap();
        let monday = clear_monday(&app);
        // The three days lie within the newcomer's probation.
        assert!(
            monday + Duration::days(2) <= probation_end,
            "{monday} {probation_end}"
        );
        let wednesday = monday + Duration::days(2);
        let request = app
            .post(
                "/api/v1/leave-requests",
                &token,
                &json!({"leave_type": "personal", "first_day": monday.to_string(), "last_day": wednesday.to_string(), "reason": "搬家"}),
            )
            .ok(201)
            .clone();
        // LEAVE-4: three consecutive days on probation exceed the two allowed by one.
        let consequences = &request["assessment"]["consequences"];
        assert_eq!(consequences["probation_extension_days"], 1);
        let extended = (probation_end + Duration::days(1)).to_string();
        assert_eq!(consequences["probation_end_after"], extended.as_str());
        let path = format!(
            "/api/v1/leave-requests/{}/decisions",
            request["id"].as_str().unwrap()
        );
        for approver in [&office.head_token, &office.hr_token] {
            app.post(&path, approver, &json!({"decision": "approved"}))
                .ok(200);
            let unchanged = app
                .get(&format!("/api/v1/employees/{newcomer}"), &token)
                .ok(200)
                .clone();
            assert_eq!(unchanged["probation_end"], record["probation_end"]);
        }
        let approved = app
            .post(&path, &office.gm_token, &json!({"decision": "approved"}))
            .ok(200)
            .clone();
        assert_eq!(approved["status"], "approved");
        let after = app
            .get(&format!("/api/v1/employees/{newcomer}"), &token)
            .ok(200)
            .clone();
        assert_eq!(after["probation_end"], extended.as_str());
        let trail = app.audit("employee", &newcomer);
        assert!(
            trail
                .iter()
                .any(|entry| entry["action"] == "employee.extend_probation")
        );
    }
);

both_backends!(
    leave_5_a_sick_leave_certificate_from_grade_2a_may_follow,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let today = app.today();
        let day = working_day_from(&app, today + Duration::days(10));
        let sick = app
            .post(
                "/api/v1/leave-requests",
                &office.staff_token,
                &json!({"leave_type": "sick", "first_day": day.to_string(), "last_day": day.to_string(), "reason": "发烧"}),
            )
            .ok(201)
            .clone();
        assert_eq!(sick["certified"], false);
        assert!(sick["assessment"]["certificate_due_by"].is_string());
        let path = format!(
            "/api/v1/leave-requests/{}/certificate",
            sick["id"].as_str().unwrap()
        );
        let attach = |token: &str, grade: &str, version: &Value| {
            app.post(
                &path,
                token,
                &json!({"reference": "川医2026-001", "hospital_grade": grade, "version": version}),
            )
        };
        let low = attach(&office.staff_token, "grade_2b", &sick["version"]);
        assert_eq!(low.problem(422)["rule"], "LEAVE-5");
        attach(&office.colleague_token, "grade_2a", &sick["version"]).problem(404);
        attach(&office.staff_token, "grade_2a", &json!(99)).problem(412);
        let certified = attach(&office.staff_token, "grade_2a", &sick["version"])
            .ok(200)
            .clone();
        assert_eq!(certified["certified"], true);
        assert_eq!(
            certified["facts"]["certificate"]["hospital_grade"],
            "grade_2a"
        );
        attach(&office.staff_token, "grade_3a", &certified["version"]).problem(409);
        let other_day = working_day_from(&app, today + Duration::days(20));
        let personal = app
            .post(
                "/api/v1/leave-requests",
                &office.staff_token,
                &json!({"leave_type": "personal", "first_day": other_day.to_string(), "last_day": other_day.to_string(), "reason": "办事"}),
            )
            .ok(201)
            .clone();
        app.post(
            &format!(
                "/api/v1/leave-requests/{}/certificate",
                personal["id"].as_str().unwrap()
            ),
            &office.staff_token,
            &json!({"reference": "x", "hospital_grade": "grade_3a", "version": personal["version"]}),
        )
        .problem(409);
    }
);
