//! AR-2..4 through HTTP: credit terms, the approver an entry beyond the limit needs, payments
//! and notes, aging buckets with the six-month flag, and outcomes.

use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::spawn_app;

both_backends!(
    ar_2_to_4_the_ledger_limits_ages_and_settles_receivables,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, employee) = app.user_with_roles("li.yuangong", &["employee"]);
        let department = app
            .post(
                "/api/v1/departments",
                &app.admin_token,
                &json!({"name": "财务部"}),
            )
            .ok(201)["id"]
            .clone();
        let handler = app.create_employee(
            &json!({"name": "钱会计", "department_id": department, "rank": "staff"}),
        );
        let approver = app.create_employee(
            &json!({"name": "财务经理", "department_id": department, "rank": "manager"}),
        );
        let customer = app.create_customer(&json!({"full_name": "应收客户", "area_type": "urban"}))
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let terms = format!("/api/v1/customers/{customer}/credit-terms");
        let set = app
            .json(
                "PUT",
                &terms,
                Some(&finance),
                &json!({"credit_limit": "5000.00", "credit_period_days": 30}),
            )
            .ok(200)
            .clone();
        assert_eq!(set["version"], 1);
        app.json(
            "PUT",
            &terms,
            Some(&finance),
            &json!({"credit_limit": "6000.00", "credit_period_days": 30}),
        )
        .problem(412);

        let entry = |amount: &str, invoiced_on: &str, approver: Option<&str>| {
            app.post(
                "/api/v1/receivables",
                &finance,
                &json!({"customer_id": customer, "contract_number": "HT-2026-001", "amount": amount,
                        "invoiced_on": invoiced_on, "handler_id": handler, "approver_id": approver,
                        "delivery_method": "快递", "delivered_on": invoiced_on}),
            )
        };
        // AR-2: up to the limit without an approver; one fen beyond needs one.
        let first = entry("3000.00", "2026-01-10", None).ok(201).clone();
        entry("2000.00", "2026-05-20", None).ok(201);
        let beyond = entry("0.01", "2026-06-01", None);
        assert_eq!(beyond.problem(422)["rule"], "AR-2");
        assert_eq!(beyond.error_fields(), ["approver_id"]);
        entry("0.01", "2026-06-01", Some(&approver)).ok(201);
        app.post("/api/v1/receivables", &employee, &json!({}))
            .problem(403);

        // Payments: at most what is outstanding, with the version read.
        let id = first["id"].as_str().unwrap();
        let pay = |amount: &str, version: i64| {
            app.post(
                &format!("/api/v1/receivables/{id}/payments"),
                &finance,
                &json!({"amount": amount, "paid_on": "2026-02-01", "version": version}),
            )
        };
        let beyond = pay("3000.01", 1);
        assert_eq!(beyond.problem(422)["type"], "/problems/field-refused");
        assert_eq!(beyond.error_fields(), ["amount"]);
        let nothing = pay("0.00", 1);
        assert_eq!(nothing.problem(422)["type"], "/problems/validation");
        assert_eq!(nothing.error_fields(), ["amount"]);
        let paid = pay("1000.00", 1).ok(200).clone();
        assert_eq!(paid["outstanding"], "2000.00");
        pay("1.00", 1).problem(412);
        let noted = app
            .post(
                &format!("/api/v1/receivables/{id}/notes"),
                &finance,
                &json!({"note": "电话催收，客户承诺月底付款", "noted_on": "2026-02-15"}),
            )
            .ok(200)
            .clone();
        assert_eq!(noted["events"].as_array().unwrap().len(), 2);
        let reconciled = app
            .post(
                &format!("/api/v1/receivables/{id}/notes"),
                &finance,
                &json!({"kind": "reconciliation", "note": "与客户对账，余额2000.00无误", "noted_on": "2026-02-28"}),
            )
            .ok(200)
            .clone();
        assert_eq!(reconciled["events"][2]["kind"], "reconciliation");

        // AR-3 as of 2026-07-20: May and June invoices are 31-90 days old; the January one, 191
        // days, is over 180 and, past six months, flagged.
        let aging = app
            .get("/api/v1/receivables/aging?as_of=2026-07-20", &finance)
            .ok(200)
            .clone();
        let labels: Vec<&str> = aging["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["31-90", "over 180"]);
        let entries = aging["entries"].as_array().unwrap();
        assert_eq!(entries[0]["id"], first["id"]);
        assert_eq!(entries[0]["days"], 191);
        assert_eq!(entries[0]["outstanding"], "2000.00");
        assert_eq!(entries[0]["needs_analysis"], true);
        assert_eq!(entries[1]["needs_analysis"], false);
        // Buckets of the caller's choosing; nonsense is refused.
        let custom = app
            .get(
                "/api/v1/receivables/aging?as_of=2026-07-20&buckets=60,365",
                &finance,
            )
            .ok(200)
            .clone();
        let labels: Vec<&str> = custom["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["0-60", "61-365"]);
        // Out of the parameter's pattern, or in it but not ascending.
        for (bad, problem) in [
            ("90,30", "/problems/field-refused"),
            ("0,30", "/problems/validation"),
            ("x", "/problems/validation"),
            ("", "/problems/validation"),
        ] {
            let refused = app.get(
                &format!("/api/v1/receivables/aging?buckets={bad}"),
                &finance,
            );
            assert_eq!(refused.problem(422)["type"], problem, "{bad}");
            assert_eq!(refused.problem(422)["errors"][0]["field"], "buckets");
        }

        // AR-4: the outcome, with the person responsible.
        let outcome = app
            .json(
                "PUT",
                &format!("/api/v1/receivables/{id}/outcome"),
                Some(&finance),
                &json!({"outcome": "repayment_agreement", "owner_id": handler, "version": 4}),
            )
            .ok(200)
            .clone();
        assert_eq!(outcome["outcome"], "repayment_agreement");
        assert_eq!(app.audit("receivable", id).len(), 5);

        // AR-2: month-end balances follow invoices and payments as they happened.
        let balance = |month: &str| {
            app.get(
                &format!("/api/v1/customers/{customer}/receivables?month={month}"),
                &finance,
            )
            .ok(200)["month_end_balance"]
                .clone()
        };
        assert_eq!(balance("2025-12"), "0.00");
        assert_eq!(balance("2026-01"), "3000.00");
        assert_eq!(balance("2026-02"), "2000.00");
        assert_eq!(balance("2026-06"), "4000.01");
    }
);

both_backends!(
    ar_5_bad_debt_is_reported_approved_by_the_general_manager_and_recovered,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, gm) = app.user_with_roles("chen.zong", &["general_manager"]);
        let department = app
            .post(
                "/api/v1/departments",
                &app.admin_token,
                &json!({"name": "财务部"}),
            )
            .ok(201)["id"]
            .clone();
        let handler = app.create_employee(
            &json!({"name": "钱会计", "department_id": department, "rank": "staff"}),
        );
        let customer = app.create_customer(&json!({"full_name": "坏账客户", "area_type": "urban"}))
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.json(
            "PUT",
            &format!("/api/v1/customers/{customer}/credit-terms"),
            Some(&finance),
            &json!({"credit_limit": "10000.00", "credit_period_days": 30}),
        )
        .ok(200);
        let entry = app
            .post(
                "/api/v1/receivables",
                &finance,
                &json!({"customer_id": customer, "contract_number": "HT-1", "amount": "800.00",
                        "invoiced_on": "2025-01-10", "handler_id": handler,
                        "delivery_method": "快递", "delivered_on": "2025-01-10"}),
            )
            .ok(201)
            .clone();
        let id = entry["id"].as_str().unwrap();
        let path = |action: &str| format!("/api/v1/receivables/{id}/{action}");
        app.post(
            &path("payments"),
            &finance,
            &json!({"amount": "300.00", "paid_on": "2025-03-01", "version": 1}),
        )
        .ok(200);
        // The general manager decides only what finance reported.
        app.post(
            &path("bad-debt-approval"),
            &gm,
            &json!({"decision": "approved", "version": 2}),
        )
        .problem(409);
        app.post(
            &path("bad-debt-report"),
            &finance,
            &json!({"reason": "客户失联", "responsible_department": "销售部", "responsible_person": "赵销售", "version": 2}),
        )
        .ok(200);
        app.post(
            &path("bad-debt-approval"),
            &finance,
            &json!({"decision": "approved", "version": 3}),
        )
        .problem(403);
        let written = app
            .post(
                &path("bad-debt-approval"),
                &gm,
                &json!({"decision": "approved", "version": 3}),
            )
            .ok(200)
            .clone();
        assert_eq!(written["bad_debt_status"], "written_off");
        assert_eq!(written["written_off"], "500.00");
        // Out of the aging, into the memo ledger; payments now go in as recoveries.
        let aging = app
            .get("/api/v1/receivables/aging", &finance)
            .ok(200)
            .clone();
        assert!(aging["entries"].as_array().unwrap().is_empty());
        app.post(
            &path("payments"),
            &finance,
            &json!({"amount": "100.00", "paid_on": "2026-03-01", "version": 4}),
        )
        .problem(422);
        app.post(
            &path("recoveries"),
            &finance,
            &json!({"amount": "500.01", "recovered_on": "2026-03-01", "version": 4}),
        )
        .problem(422);
        app.post(
            &path("recoveries"),
            &finance,
            &json!({"amount": "200.00", "recovered_on": "2026-03-01", "version": 4}),
        )
        .ok(200);
        let memo = app
            .get("/api/v1/receivables/bad-debts", &finance)
            .ok(200)
            .clone();
        assert_eq!(memo["written_off"], "500.00");
        assert_eq!(memo["recovered"], "200.00");
        assert_eq!(memo["net"], "300.00");
        assert_eq!(memo["entries"][0]["responsible_person"], "赵销售");
    }
);

both_backends!(
    set_6_a_franchisee_owes_its_joining_fee_once,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let department = app
            .post(
                "/api/v1/departments",
                &app.admin_token,
                &json!({"name": "财务部"}),
            )
            .ok(201)["id"]
            .clone();
        let handler = app.create_employee(
            &json!({"name": "钱会计", "department_id": department, "rank": "staff"}),
        );
        let partner = |kind: &str, name: &str| {
            app.post(
                "/api/v1/partners",
                &finance,
                &json!({"partner_type": kind, "name": name, "region": "河北"}),
            )
            .ok(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let franchisee = partner("franchisee", "保定加盟店");
        let insurer = partner("insurer", "平安保险");
        let facts = json!({"contract_number": "JM-2026-01", "invoiced_on": "2026-03-01",
                           "handler_id": handler, "delivery_method": "面交", "delivered_on": "2026-03-01"});
        let fee = |partner: &str| {
            app.post(
                &format!("/api/v1/partners/{partner}/joining-fee"),
                &finance,
                &facts,
            )
        };
        let recorded = fee(&franchisee).ok(201).clone();
        assert_eq!(recorded["amount"], "500000.00");
        assert_eq!(recorded["partner_id"], franchisee.as_str());
        assert!(recorded["customer_id"].is_null());
        fee(&franchisee).problem(409);
        assert_eq!(fee(&insurer).problem(422)["rule"], "SET-6");
        let aging = app
            .get("/api/v1/receivables/aging?as_of=2026-03-31", &finance)
            .ok(200)
            .clone();
        assert_eq!(aging["entries"][0]["partner_id"], franchisee.as_str());
        assert_eq!(aging["buckets"][0]["outstanding"], "500000.00");
    }
);
