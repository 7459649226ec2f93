//! SET-5 through HTTP: our records, partner statements with idempotency keys and revisions,
//! the reconciliation and its export, disputed-line threads, and partner isolation.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{Reply, TestApp, spawn_app};

/// A partner with a token: (partner id, token).
fn partner(app: &TestApp, finance: &str, name: &str) -> (String, String) {
    let id = app
        .post(
            "/api/v1/partners",
            finance,
            &json!({"partner_type": "insurer", "name": name, "region": "四川"}),
        )
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let issued = app
        .post(
            &format!("/api/v1/partners/{id}/credentials"),
            finance,
            &json!({}),
        )
        .ok(201)
        .clone();
    let token = app
        .json(
            "POST",
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": issued["client_id"], "client_secret": issued["client_secret"]}),
        )
        .ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, token)
}

fn line(reference: &str, amount: &str, day: &str) -> Value {
    json!({"reference": reference, "amount": amount, "occurred_on": day})
}

fn post_statement(app: &TestApp, token: &str, key: &str, body: &Value) -> Reply {
    app.post_with_headers(
        "/api/v1/partner-statements",
        token,
        &[("Idempotency-Key", key)],
        body,
    )
}

both_backends!(
    set_5_statements_are_idempotent_revised_and_reconciled_in_one_pass,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (ours, token) = partner(&app, &finance, "平安保险");
        let (_, other_token) = partner(&app, &finance, "人保财险");

        // Our records: a bad row and a repeated reference are named by index, nothing stored.
        let batch = |orders: Vec<Value>| {
            app.post(
                "/api/v1/partner-orders/batch",
                &finance,
                &json!({"partner_id": ours, "orders": orders}),
            )
        };
        let refused = batch(vec![
            line("R1", "100.00", "2026-03-02"),
            line("R2", "2.001", "2026-03-03"),
            line("R1", "100.00", "2026-03-04"),
        ]);
        // A row that breaks the schema makes it a validation problem, naming every bad row.
        assert_eq!(refused.problem(422)["type"], "/problems/validation");
        assert_eq!(
            refused.error_fields(),
            ["orders[1].amount", "orders[2].reference"]
        );
        let repeated = batch(vec![
            line("R1", "100.00", "2026-03-02"),
            line("R1", "100.00", "2026-03-04"),
        ]);
        assert_eq!(repeated.problem(422)["type"], "/problems/field-refused");
        assert_eq!(repeated.error_fields(), ["orders[1].reference"]);
        let recorded = batch(vec![
            line("R1", "100.00", "2026-03-02"),
            line("R2", "200.00", "2026-03-03"),
            line("R3", "300.00", "2026-03-10"),
            line("R9", "900.00", "2026-04-01"),
        ]);
        assert_eq!(recorded.ok(201)["recorded"], 4);
        assert_eq!(recorded.ok(201)["total"], "1500.00");
        app.post(
            "/api/v1/partner-orders",
            &finance,
            &json!({"partner_id": ours, "reference": "R3", "amount": "1.00", "occurred_on": "2026-03-11"}),
        )
        .problem(409);
        app.post(
            "/api/v1/partner-orders",
            &finance,
            &json!({"partner_id": ours, "reference": "R4", "amount": "400.00", "occurred_on": "2026-03-20"}),
        )
        .ok(201);

        let statement = json!({"month": "2026-03", "lines": [
            line("R1", "100.00", "2026-03-02"),
            line("R2", "250.00", "2026-03-03"),
            line("R5", "50.00", "2026-03-09"),
        ]});
        let missing_key = app.post("/api/v1/partner-statements", &token, &statement);
        missing_key.problem(400);
        app.post_with_headers(
            "/api/v1/partner-statements",
            &finance,
            &[("Idempotency-Key", "k1")],
            &statement,
        )
        .problem(403);
        let bad = post_statement(
            &app,
            &token,
            "k0",
            &json!({"month": "2026-03", "lines": [
                line("R1", "100.00", "2026-03-02"),
                line("R2", "1.234", "2026-03-03"),
                line("R6", "1.00", "2026-04-01"),
            ]}),
        );
        assert_eq!(bad.problem(422)["type"], "/problems/validation");
        assert_eq!(
            bad.error_fields(),
            ["lines[1].amount", "lines[2].occurred_on"]
        );

        let first = post_statement(&app, &token, "k1", &statement);
        let created = first.ok(201).clone();
        assert_eq!(first.header("idempotent-replayed"), Some("false"));
        assert_eq!(created["revision"], 1);
        assert_eq!(created["total"], "400.00");
        // The same key and body: the first response again; another body: refused.
        let replay = post_statement(&app, &token, "k1", &statement);
        assert_eq!(replay.ok(201)["id"], created["id"]);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
        let mut changed = statement.clone();
        changed["lines"][0]["amount"] = json!("101.00");
        let conflict = post_statement(&app, &token, "k1", &changed);
        assert_eq!(
            conflict.problem(422)["errors"][0]["field"],
            "Idempotency-Key"
        );
        // Another partner's keys are its own.
        let theirs = post_statement(&app, &other_token, "k1", &statement);
        assert_ne!(theirs.ok(201)["id"], created["id"]);

        // The reconciliation: one pass, totals per verdict, lines by reference.
        let id = created["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/partner-statements/{id}/reconciliation");
        let report = app.get(&path, &finance).ok(200).clone();
        let statuses: Vec<(&str, &str)> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["reference"].as_str().unwrap(),
                    l["status"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                ("R1", "matched"),
                ("R2", "amount_mismatch"),
                ("R3", "missing_in_theirs"),
                ("R4", "missing_in_theirs"),
                ("R5", "missing_in_ours"),
            ]
        );
        let total = |status: &str| {
            report["totals"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["status"] == status)
                .unwrap()
                .clone()
        };
        assert_eq!(total("amount_mismatch")["theirs"], "250.00");
        assert_eq!(total("amount_mismatch")["ours"], "200.00");
        assert_eq!(total("missing_in_theirs")["lines"], 2);
        assert_eq!(total("missing_in_theirs")["ours"], "700.00");
        let filtered = app
            .get(&format!("{path}?status=missing_in_theirs&limit=1"), &token)
            .ok(200)
            .clone();
        assert_eq!(filtered["items"][0]["reference"], "R3");
        let cursor = filtered["next_cursor"].as_str().unwrap();
        let next = app
            .get(
                &format!("{path}?status=missing_in_theirs&limit=1&cursor={cursor}"),
                &token,
            )
            .ok(200)
            .clone();
        assert_eq!(next["items"][0]["reference"], "R4");
        assert!(next["next_cursor"].is_null());
        let csv = app.get(&format!("{path}?format=csv"), &finance);
        assert!(csv.content_type.starts_with("text/csv"));
        assert_eq!(
            csv.text.lines().collect::<Vec<_>>(),
            [
                "reference,status,theirs,ours",
                "R1,matched,100.00,100.00",
                "R2,amount_mismatch,250.00,200.00",
                "R3,missing_in_theirs,,300.00",
                "R4,missing_in_theirs,,400.00",
                "R5,missing_in_ours,50.00,",
            ]
        );

        // Another partner cannot see it, nor write to its threads.
        app.get(&path, &other_token).problem(404);
        app.get(&format!("/api/v1/partner-statements/{id}"), &other_token)
            .problem(404);
        let thread = format!("/api/v1/partner-statements/{id}/lines/R2/comments");
        app.post(&thread, &other_token, &json!({"body": "?"}))
            .problem(404);
        app.get(&thread, &other_token).problem(404);
        // Both sides write the disputed line's thread.
        app.post(&thread, &token, &json!({"body": "我方系统记录为250元"}))
            .ok(201);
        app.post(&thread, &finance, &json!({"body": "合同价200元，请核对"}))
            .ok(201);
        let comments = app.get(&thread, &token).ok(200).clone();
        let kinds: Vec<&str> = comments
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["author_kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["partner", "staff"]);
        app.post(
            &format!("/api/v1/partner-statements/{id}/lines/NOPE/comments"),
            &token,
            &json!({"body": "?"}),
        )
        .problem(404);

        // A second statement for the month is the next revision; the first stays as it was.
        let revised = post_statement(&app, &token, "k2", &changed).ok(201).clone();
        assert_eq!(revised["revision"], 2);
        let original = app
            .get(&format!("/api/v1/partner-statements/{id}"), &token)
            .ok(200)
            .clone();
        assert_eq!(original["superseded_by"], revised["id"]);
        assert_eq!(original["total"], "400.00");
    }
);

both_backends!(
    set_5_concurrent_first_uses_of_a_key_store_one_statement,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, token) = partner(&app, &finance, "平安保险");
        let lines: Vec<Value> = (0..2_000)
            .map(|n| line(&format!("L{n:05}"), "10.00", "2026-03-05"))
            .collect();
        let statement = json!({"month": "2026-03", "lines": lines});
        let replies: Vec<Reply> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| post_statement(&app, &token, "same-key", &statement)))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let ids: Vec<&Value> = replies.iter().map(|r| &r.ok(201)["id"]).collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        let fresh = replies
            .iter()
            .filter(|r| r.header("idempotent-replayed") == Some("false"))
            .count();
        assert_eq!(fresh, 1);
        let again = post_statement(&app, &token, "another-key", &statement);
        assert_eq!(again.ok(201)["revision"], 2);
    }
);

both_backends!(
    set_4_payments_settle_periods_and_the_rest_are_overdue_with_their_follow_up,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, marketing) = app.user_with_roles("sun.shichang", &["marketing"]);
        let (_, employee) = app.user_with_roles("li.yuangong", &["employee"]);
        let (insurer, _) = partner(&app, &finance, "平安保险");
        let orders = |partner: &str, lines: Vec<Value>| {
            app.post(
                "/api/v1/partner-orders/batch",
                &finance,
                &json!({"partner_id": partner, "orders": lines}),
            )
            .ok(201);
        };
        orders(
            &insurer,
            vec![
                line("A1", "100.00", "2026-03-02"),
                line("A2", "50.00", "2026-03-10"),
                line("A3", "70.00", "2026-03-11"),
            ],
        );
        let pay = |due_on: &str, amount: &str| {
            app.post(
                &format!("/api/v1/partners/{insurer}/payments"),
                &finance,
                &json!({"due_on": due_on, "amount": amount, "received_on": "2026-03-10", "reference": "BANK-1"}),
            )
        };
        // SET-2: the 9th is not an insurer's due date.
        let not_due = pay("2026-03-09", "150.00");
        assert_eq!(not_due.problem(422)["type"], "/problems/field-refused");
        assert_eq!(not_due.error_fields(), ["due_on"]);
        let paid = pay("2026-03-10", "150.00").ok(201).clone();
        assert_eq!(paid["period"]["covers_from"], "2026-03-01");

        let overdue = |as_of: &str, token: &str| {
            app.get(&format!("/api/v1/settlement/overdue?as_of={as_of}"), token)
        };
        // On its due date the period of the 20th is not yet overdue; the day after it is.
        assert_eq!(
            overdue("2026-03-20", &finance)
                .ok(200)
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let late = overdue("2026-03-21", &finance).ok(200).clone();
        let late = late.as_array().unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0]["period"]["due_on"], "2026-03-20");
        assert_eq!(late[0]["expected"], "70.00");
        assert_eq!(late[0]["outstanding"], "70.00");
        assert_eq!(late[0]["days_overdue"], 1);
        assert!(late[0]["follow_up"].is_null());
        overdue("2026-03-21", &employee).problem(403);

        // The follow-up: finance notified, marketing's contact and the partner's reason.
        let path = format!("/api/v1/settlement/follow-ups/{insurer}/2026-03-20");
        let created = app
            .json(
                "PUT",
                &path,
                Some(&finance),
                &json!({"finance_notified": true}),
            )
            .ok(200)
            .clone();
        assert!(created["finance_notified_at"].is_string());
        let updated = app
            .json(
                "PUT",
                &path,
                Some(&marketing),
                &json!({"marketing_contact": "电话联系对方财务张女士", "partner_reason": "付款审批延误", "version": created["version"]}),
            )
            .ok(200)
            .clone();
        assert_eq!(updated["partner_reason"], "付款审批延误");
        app.json(
            "PUT",
            &path,
            Some(&marketing),
            &json!({"decision": "x", "version": created["version"]}),
        )
        .problem(412);
        app.json(
            "PUT",
            &format!("/api/v1/settlement/follow-ups/{insurer}/2026-03-10"),
            Some(&finance),
            &json!({"finance_notified": true}),
        )
        .problem(404);
        let listed = overdue("2026-03-21", &finance).ok(200).clone();
        assert_eq!(
            listed[0]["follow_up"]["marketing_contact"],
            "电话联系对方财务张女士"
        );
        // Paid in full, it leaves the list.
        pay("2026-03-20", "70.00").ok(201);
        assert_eq!(
            overdue("2026-03-25", &finance)
                .ok(200)
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }
);
