//! Payroll through HTTP (issue #6): performance bonuses, a month's run computed from the
//! stored punches, its payslips, rerun, approval, immutability and corrections, the
//! employee's own payslip, and the CSV and XLSX exports.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

struct Office {
    head: String,
    head_user: String,
    staff: String,
    colleague: String,
    colleague_user: String,
    head_token: String,
    staff_token: String,
    colleague_token: String,
    hr_token: String,
    finance_token: String,
}

/// A department head with a staff member (a woman hired 2020-01-06 on 5,200.00) and a
/// colleague, plus HR and finance accounts.
fn office(app: &TestApp) -> Office {
    let department = app.create_department("客户服务中心");
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (staff_user, staff_token) = app.user_with_roles("li.kefu", &["employee"]);
    let (colleague_user, colleague_token) = app.user_with_roles("zhao.kefu", &["employee"]);
    let (_, hr_token) = app.user_with_roles("zhou.hr", &["hr"]);
    let (_, finance_token) = app.user_with_roles("qian.caiwu", &["finance"]);
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "user_id": head_user}));
    let staff = app.create_employee(&json!({"name": "李客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": staff_user, "gender": "female", "birth_date": "1998-04-10"}));
    let colleague = app.create_employee(&json!({"name": "赵客服", "department_id": department, "rank": "staff", "superior_id": head, "user_id": colleague_user}));
    Office {
        head,
        head_user,
        staff,
        colleague,
        colleague_user,
        head_token,
        staff_token,
        colleague_token,
        hr_token,
        finance_token,
    }
}

/// Every scheduled day of March 2026 (Monday–Saturday, no holiday) punched at 08:58 and
/// 17:31, except the 3rd (in at 09:10: the 1st late, free) and the 5th (09:20: the 2nd,
/// 10.00).
fn punch_march(app: &TestApp, office: &Office, employee: &str) {
    let mut punches = Vec::new();
    for day in 1..=31 {
        let date = time::Date::from_calendar_date(2026, time::Month::March, day).unwrap();
        if date.weekday() == time::Weekday::Sunday {
            continue;
        }
        let arrival = match day {
            3 => "09:10",
            5 => "09:20",
            _ => "08:58",
        };
        for at in [arrival, "17:31"] {
            punches.push(json!({"employee_id": employee, "punched_at": format!("{date}T{at}:00+08:00"), "device_id": "gate-1"}));
        }
    }
    app.post(
        "/api/v1/attendance/punches/batch",
        &office.hr_token,
        &json!({"punches": punches}),
    )
    .ok(200);
}

fn line_amounts(payslip: &Value) -> Vec<(String, String, String)> {
    payslip["payslip"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["kind"].as_str().unwrap().to_owned(),
                line["rule"].as_str().unwrap().to_owned(),
                line["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set_bonus(app: &TestApp, token: &str, employee: &str, body: &Value) -> crate::support::Reply {
    app.json(
        "PUT",
        &format!("/api/v1/employees/{employee}/performance-bonuses/2026-03"),
        Some(token),
        body,
    )
}

both_backends!(
    pay_2_bonuses_are_entered_by_the_manager_with_versions,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        let first = set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "500.00"}),
        );
        assert_eq!(first.ok(200)["amount"], "500.00");
        assert_eq!(first.ok(200)["version"], 1);
        // A second entry must name the version it read.
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "600.00"}),
        )
        .problem(412);
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "600.00", "version": 1}),
        )
        .ok(200);
        // The employee does not set their own bonus; negative amounts are refused.
        set_bonus(
            &app,
            &office.staff_token,
            &office.staff,
            &json!({"amount": "9999.00", "version": 2}),
        )
        .problem(403);
        let negative = set_bonus(
            &app,
            &office.hr_token,
            &office.staff,
            &json!({"amount": "-1.00", "version": 2}),
        );
        assert_eq!(negative.problem(422)["type"], "/problems/validation");
        assert_eq!(negative.error_fields(), ["amount"]);
        let read = app
            .get(
                &format!(
                    "/api/v1/employees/{}/performance-bonuses/2026-03",
                    office.staff
                ),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(read["amount"], "600.00");
        assert_eq!(read["version"], 2);
        assert_eq!(
            app.audit("performance_bonus", &format!("{}/2026-03", office.staff))
                .len(),
            2
        );
    }
);

both_backends!(
    pay_1_to_5_a_month_is_run_rerun_approved_and_corrected,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        punch_march(&app, &office, &office.staff);
        punch_march(&app, &office, &office.colleague);
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "500.00"}),
        )
        .ok(200);

        // Only HR and finance compute; the month must be over.
        let march = json!({"month": "2026-03"});
        app.post("/api/v1/payroll-runs", &office.staff_token, &march)
            .problem(403);
        let today = app.today();
        let this_month = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
        let unfinished = app.post(
            "/api/v1/payroll-runs",
            &office.hr_token,
            &json!({"month": this_month}),
        );
        assert_eq!(unfinished.problem(422)["type"], "/problems/field-refused");
        assert_eq!(unfinished.error_fields(), ["month"]);
        let correction_of_nothing = app.post(
            "/api/v1/payroll-runs",
            &office.hr_token,
            &json!({"month": "2026-03", "correction_reason": "typo"}),
        );
        assert_eq!(
            correction_of_nothing.problem(422)["type"],
            "/problems/field-refused"
        );
        assert_eq!(correction_of_nothing.error_fields(), ["correction_reason"]);
        assert!(
            app.get("/api/v1/payroll-runs", &office.hr_token).ok(200)["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        let run = app
            .post("/api/v1/payroll-runs", &office.hr_token, &march)
            .ok(201)
            .clone();
        assert_eq!(run["status"], "draft");
        assert_eq!(run["revision"], 1);
        // PAY-1: 3 April 2026 is a Friday.
        assert_eq!(
            run["pay_date"],
            json!({"date": "2026-04-03", "provisional": false})
        );
        assert_eq!(run["employee_count"], 3);
        assert_eq!(run["problem_count"], 0);
        let id = run["id"].as_str().unwrap().to_owned();

        // The staff member: base, 6 years of seniority, Women's Day, the bonus, the 2nd late.
        let staff_slip = |token: &str| {
            app.get(
                &format!("/api/v1/employees/{}/payslips/2026-03", office.staff),
                token,
            )
        };
        let slip = staff_slip(&office.hr_token).ok(200).clone();
        assert_eq!(
            line_amounts(&slip),
            [
                ("base_salary", "PAY-2", "5200.00"),
                ("seniority", "PAY-2", "600.00"),
                ("womens_day", "PAY-2", "100.00"),
                ("performance_bonus", "PAY-2", "500.00"),
                ("lateness_fines", "ATT-2", "-10.00"),
            ]
            .map(|(k, r, a)| (k.to_owned(), r.to_owned(), a.to_owned()))
        );
        assert_eq!(slip["payslip"]["net"], "6390.00");
        assert_eq!(slip["status"], "draft");
        // The employee sees only approved payslips, and never a colleague's.
        staff_slip(&office.staff_token).problem(404);
        staff_slip(&office.colleague_token).problem(403);
        staff_slip(&office.head_token).problem(403);

        // The head never punched: 26 absence days, base only, each deducting 3 days of
        // 200.00 — a net below zero, reported as such.
        let page = app
            .get(
                &format!("/api/v1/payroll-runs/{id}/payslips?limit=2"),
                &office.finance_token,
            )
            .ok(200)
            .clone();
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        let rest = app
            .get(
                &format!(
                    "/api/v1/payroll-runs/{id}/payslips?cursor={}",
                    page["next_cursor"].as_str().unwrap()
                ),
                &office.finance_token,
            )
            .ok(200)
            .clone();
        let everyone: Vec<Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(rest["items"].as_array().unwrap())
            .cloned()
            .collect();
        assert_eq!(everyone.len(), 3);
        let head = everyone
            .iter()
            .find(|s| s["employee_name"] == "王经理")
            .unwrap();
        assert_eq!(head["payslip"]["base_salary_only"], true);
        assert_eq!(head["payslip"]["net"], "-10400.00");
        assert_eq!(head["payslip"]["negative_net"], true);
        let total: i64 = everyone
            .iter()
            .map(|s| {
                s["payslip"]["net"]
                    .as_str()
                    .unwrap()
                    .replace('.', "")
                    .parse::<i64>()
                    .unwrap()
            })
            .sum();
        let run_net = app
            .get(&format!("/api/v1/payroll-runs/{id}"), &office.hr_token)
            .ok(200)["net"]
            .clone();
        assert_eq!(
            run_net
                .as_str()
                .unwrap()
                .replace('.', "")
                .parse::<i64>()
                .unwrap(),
            total
        );

        // Rerunning the draft recomputes it in place.
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "600.00", "version": 1}),
        )
        .ok(200);
        let rerun = app
            .post("/api/v1/payroll-runs", &office.hr_token, &march)
            .ok(200)
            .clone();
        assert_eq!(rerun["id"], run["id"]);
        assert_eq!(rerun["version"], 2);
        assert_eq!(
            staff_slip(&office.hr_token).ok(200)["payslip"]["net"],
            "6490.00"
        );

        // Approval: finance, at the current version, not HR who computed it.
        let approve = |token: &str, version: &Value| {
            app.post(
                &format!("/api/v1/payroll-runs/{id}/approval"),
                token,
                &json!({"version": version}),
            )
        };
        approve(&office.hr_token, &rerun["version"]).problem(403);
        approve(&office.finance_token, &run["version"]).problem(412);
        let approved = approve(&office.finance_token, &rerun["version"])
            .ok(200)
            .clone();
        assert_eq!(approved["status"], "approved");
        approve(&office.finance_token, &approved["version"]).problem(409);
        let mine = staff_slip(&office.staff_token).ok(200).clone();
        assert_eq!(mine["payslip"]["net"], "6490.00");
        assert_eq!(mine["revision"], 1);

        // Approved is immutable: running the month again needs a correction reason and makes
        // revision 2, which supersedes revision 1 once approved.
        app.post("/api/v1/payroll-runs", &office.hr_token, &march)
            .problem(409);
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "700.00", "version": 2}),
        )
        .ok(200);
        let correction = app
            .post(
                "/api/v1/payroll-runs",
                &office.hr_token,
                &json!({"month": "2026-03", "correction_reason": "奖金更正"}),
            )
            .ok(201)
            .clone();
        assert_eq!(correction["revision"], 2);
        assert_eq!(staff_slip(&office.staff_token).ok(200)["revision"], 1);
        assert_eq!(staff_slip(&office.hr_token).ok(200)["revision"], 2);
        app.post(
            &format!(
                "/api/v1/payroll-runs/{}/approval",
                correction["id"].as_str().unwrap()
            ),
            &office.finance_token,
            &json!({"version": correction["version"]}),
        )
        .ok(200);
        let corrected = staff_slip(&office.staff_token).ok(200).clone();
        assert_eq!(corrected["revision"], 2);
        assert_eq!(corrected["payslip"]["net"], "6590.00");
        let first = app
            .get(&format!("/api/v1/payroll-runs/{id}"), &office.hr_token)
            .ok(200)
            .clone();
        assert_eq!(first["status"], "superseded");
        let listed = app
            .get("/api/v1/payroll-runs?month=2026-03", &office.finance_token)
            .ok(200)
            .clone();
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);
        // ACC-1: computed, recomputed, approved, superseded.
        let actions: Vec<String> = app
            .audit("payroll_run", &id)
            .iter()
            .map(|entry| entry["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            actions,
            [
                "payroll_run.compute",
                "payroll_run.recompute",
                "payroll_run.approve",
                "payroll_run.supersede"
            ]
        );
    }
);

both_backends!(
    pay_2_a_run_exports_as_csv_and_xlsx_that_add_up,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        punch_march(&app, &office, &office.staff);
        set_bonus(
            &app,
            &office.head_token,
            &office.staff,
            &json!({"amount": "500.00"}),
        )
        .ok(200);
        let run = app
            .post(
                "/api/v1/payroll-runs",
                &office.hr_token,
                &json!({"month": "2026-03"}),
            )
            .ok(201)
            .clone();
        let id = run["id"].as_str().unwrap();

        let csv = app.get(
            &format!("/api/v1/payroll-runs/{id}/payslips.csv"),
            &office.finance_token,
        );
        assert_eq!(csv.status, 200);
        assert!(csv.content_type.starts_with("text/csv"));
        assert_eq!(
            csv.header("content-disposition"),
            Some("attachment; filename=\"payroll-2026-03-r1.csv\"")
        );
        let text = csv.text.trim_start_matches('\u{feff}');
        let rows: Vec<Vec<&str>> = text.lines().map(|line| line.split(',').collect()).collect();
        assert_eq!(rows.len(), 4, "a heading and three employees: {text}");
        let heading = &rows[0];
        let column = |name: &str| heading.iter().position(|h| *h == name).unwrap();
        let staff_row = rows.iter().find(|row| row[0] == office.staff).unwrap();
        assert_eq!(staff_row[1], "李客服");
        assert_eq!(staff_row[column("base_salary")], "5200.00");
        assert_eq!(staff_row[column("seniority")], "600.00");
        assert_eq!(staff_row[column("womens_day")], "100.00");
        assert_eq!(staff_row[column("performance_bonus")], "500.00");
        assert_eq!(staff_row[column("lateness_fines")], "-10.00");
        assert_eq!(staff_row[column("net")], "6390.00");
        app.get(
            &format!("/api/v1/payroll-runs/{id}/payslips.csv"),
            &office.staff_token,
        )
        .problem(403);

        let xlsx = app.send(
            "GET",
            &format!("/api/v1/payroll-runs/{id}/payslips.xlsx"),
            Some(&office.finance_token),
            None,
        );
        assert_eq!(xlsx.status, 200);
        assert_eq!(
            xlsx.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let bytes = app.bytes(
            &format!("/api/v1/payroll-runs/{id}/payslips.xlsx"),
            &office.finance_token,
        );
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["Payslips", "Lines"]);
        let sheet = workbook.worksheet_range("Payslips").unwrap();
        let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(cells.len(), 4);
        let heading: Vec<String> = cells[0].iter().map(ToString::to_string).collect();
        let net = heading.iter().position(|h| h == "net").unwrap();
        let staff = cells
            .iter()
            .find(|row| row[0].to_string() == office.staff)
            .unwrap();
        assert_eq!(staff[net], Data::Float(6390.0));
        let lines = workbook.worksheet_range("Lines").unwrap();
        let staff_lines = lines
            .rows()
            .filter(|row| row[0].to_string() == office.staff)
            .count();
        assert_eq!(staff_lines, 5);
    }
);

both_backends!(
    disc_pay_a_confirmed_fine_is_deducted_in_its_month_and_only_once,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        punch_march(&app, &office, &office.staff);
        // Eating at the desk on 10 March: 100.00, heard and confirmed by the head.
        let record = app
            .post(
                "/api/v1/discipline/records",
                &office.head_token,
                &json!({"employee_id": office.staff, "offense_code": "grooming_eating_sleeping_at_work", "occurred_at": "2026-03-10T10:00:00+08:00", "details": "工位吃早餐"}),
            )
            .ok(201)
            .clone();
        let record_path = format!(
            "/api/v1/discipline/records/{}",
            record["id"].as_str().unwrap()
        );
        let heard = app
            .post(
                &format!("{record_path}/statement"),
                &office.staff_token,
                &json!({"statement": "我承认", "version": record["version"]}),
            )
            .ok(200)
            .clone();
        app.post(
            &format!("{record_path}/confirmation"),
            &office.head_token,
            &json!({"version": heard["version"]}),
        )
        .ok(200);

        let run = app
            .post(
                "/api/v1/payroll-runs",
                &office.hr_token,
                &json!({"month": "2026-03"}),
            )
            .ok(201)
            .clone();
        let slip = app
            .get(
                &format!("/api/v1/employees/{}/payslips/2026-03", office.staff),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        let fine = slip["payslip"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|line| line["kind"] == "discipline_fine")
            .unwrap()
            .clone();
        assert_eq!(fine["amount"], "-100.00");
        assert_eq!(fine["rule"], "DISC");
        assert_eq!(fine["reference"], record["id"]);
        // 5,200.00 + 600.00 + 100.00 (Women's Day) − 10.00 − 100.00
        assert_eq!(slip["payslip"]["net"], "5790.00");
        app.post(
            &format!(
                "/api/v1/payroll-runs/{}/approval",
                run["id"].as_str().unwrap()
            ),
            &office.finance_token,
            &json!({"version": run["version"]}),
        )
        .ok(200);

        // April's payroll does not deduct it again.
        app.post(
            "/api/v1/payroll-runs",
            &office.hr_token,
            &json!({"month": "2026-04"}),
        )
        .ok(201);
        let april = app
            .get(
                &format!("/api/v1/employees/{}/payslips/2026-04", office.staff),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        let kinds: Vec<&str> = april["payslip"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["kind"].as_str().unwrap())
            .collect();
        assert!(!kinds.contains(&"discipline_fine"), "{april}");
    }
);

both_backends!(
    emp_4_pay_5_a_leavers_final_pay_is_pro_rated_and_withheld_until_the_checklist_is_back,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let office = office(&app);
        punch_march(&app, &office, &office.colleague);
        let customer = app.create_customer(&json!({"full_name": "成都某科技公司", "area_type": "urban", "owner_id": office.colleague_user}));
        let record = app
            .get(
                &format!("/api/v1/employees/{}", office.colleague),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        app.json(
            "PATCH",
            &format!("/api/v1/employees/{}", office.colleague),
            Some(&office.hr_token),
            &json!({"left_on": "2026-03-14", "leaving_reason": "dismissal", "version": record["version"]}),
        )
        .ok(200);
        // CARE-4: the leaver's customer passes to their superior, with a hand-over task.
        let tasks = app
            .get(
                &format!("/api/v1/customer-handover-tasks?assignee={}", office.head),
                &office.hr_token,
            )
            .ok(200)
            .clone();
        assert_eq!(tasks["items"].as_array().unwrap().len(), 1);
        assert_eq!(tasks["items"][0]["customer_id"], customer["id"]);
        let moved = app
            .get(
                &format!("/api/v1/customers/{}", customer["id"].as_str().unwrap()),
                &app.admin_token,
            )
            .ok(200)
            .clone();
        assert_eq!(moved["owner_id"], office.head_user.as_str());
        let march = json!({"month": "2026-03"});
        app.post("/api/v1/payroll-runs", &office.hr_token, &march)
            .ok(201);
        let slip = || {
            app.get(
                &format!("/api/v1/employees/{}/payslips/2026-03", office.colleague),
                &office.hr_token,
            )
            .ok(200)
            .clone()
        };
        let first = slip();
        // 2–14 March: 12 of 26 scheduled days of 5,200.00, seniority, the 2nd late's 10.00.
        assert_eq!(
            line_amounts(&first),
            [
                ("base_salary", "PAY-5", "2400.00"),
                ("seniority", "PAY-2", "600.00"),
                ("lateness_fines", "ATT-2", "-10.00"),
            ]
            .map(|(k, r, a)| (k.to_owned(), r.to_owned(), a.to_owned()))
        );
        assert_eq!(first["payslip"]["final_pay_withheld"], true);

        // Every item handed back: the rerun releases the pay.
        let mut version = 1;
        for item in [
            "badge",
            "devices",
            "business_passwords",
            "training_material",
            "locker_key",
            "tools",
            "books",
        ] {
            version = app
                .json(
                    "PUT",
                    &format!(
                        "/api/v1/employees/{}/departure-checklist/items/{item}",
                        office.colleague
                    ),
                    Some(&office.hr_token),
                    &json!({"version": version}),
                )
                .ok(200)["version"]
                .as_i64()
                .unwrap();
        }
        app.post("/api/v1/payroll-runs", &office.hr_token, &march)
            .ok(200);
        let released = slip();
        assert_eq!(released["payslip"]["final_pay_withheld"], false);
        assert_eq!(released["payslip"]["net"], "2990.00");
    }
);
