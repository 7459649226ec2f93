//! CARE-2 touches and the outbox (no message lost when the sender fails), CARE-3 after-sales
//! visits and their DISC records, CARE-6 domain transfers, PUB-1 the public service page.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, format_description};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, rfc3339, spawn_app, spawn_app_at, spawn_app_with};

/// The local date of an instant the API wrote (`2026-11-28T16:00:00+08:00`).
fn local_day(instant: &Value) -> time::Date {
    let text = instant.as_str().unwrap();
    time::Date::parse(&text[..10], format_description!("[year]-[month]-[day]")).unwrap()
}

fn overdue(app: &TestApp, as_of: impl std::fmt::Display) -> Vec<Value> {
    app.get(
        &format!("/api/v1/care-touches/overdue?as_of={as_of}"),
        &app.admin_token,
    )
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items
        .iter()
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}

fn outbox(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/outbox", &app.admin_token).ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

both_backends!(
    care_2_touches_recorded_or_queued_and_the_15_day_list,
    |db: &TestDatabase| {
        // No dispatcher: a queued touch stays unsent.
        let app = spawn_app_with(db, &[("ZHIDU_OUTBOX_DISPATCH_MS", "0")]);
        let touched = app.create_customer(
            &json!({"area_type": "urban", "full_name": "已联系客户", "phone": "0311-5555"}),
        );
        let silent = app.create_customer(&json!({"area_type": "urban", "full_name": "未联系客户"}));
        let queued = app.create_customer(
            &json!({"area_type": "urban", "full_name": "排队客户", "phone": "13800000001"}),
        );
        let (touched_id, silent_id, queued_id) = (
            touched["id"].as_str().unwrap(),
            silent["id"].as_str().unwrap(),
            queued["id"].as_str().unwrap(),
        );
        let created_on = local_day(&silent["created_at"]);
        // Sent an hour ago, recorded now.
        let sent_at = rfc3339(app.now() - time::Duration::hours(1));
        let touched_on = local_day(&json!(sent_at));

        let recorded = app.post(
            "/api/v1/care-touches",
            &app.admin_token,
            &json!({"customer_id": touched_id, "channel": "sms", "template": "holiday_greeting",
                    "body": "国庆快乐", "sent_at": sent_at}),
        );
        let recorded = recorded.ok(201);
        assert_eq!(recorded["recipient"], "0311-5555");
        assert_eq!(recorded["sent_at"], sent_at.as_str());
        assert_eq!(recorded["outbox"], Value::Null);

        let sending = app.post(
            "/api/v1/care-touches",
            &app.admin_token,
            &json!({"customer_id": queued_id, "channel": "email", "template": "notice",
                    "subject": "服务通知", "body": "系统升级", "recipient": "boss@example.cn"}),
        );
        let sending = sending.ok(201).clone();
        assert_eq!(sending["sent_at"], Value::Null);
        assert_eq!(sending["outbox"]["status"], "pending");
        assert_eq!(sending["outbox"]["attempts"], 0);
        assert_eq!(outbox(&app).len(), 1);

        // CARE-2: 14 days after the last touch → not listed; 15 → listed.
        let touched_14 = overdue(&app, touched_on + time::Duration::days(14));
        assert!(!ids(&touched_14, "customer_id").contains(&touched_id.to_owned()));
        let on_15th = overdue(&app, touched_on + time::Duration::days(15));
        let entry = on_15th
            .iter()
            .find(|c| c["customer_id"] == touched_id)
            .expect("listed on day 15");
        assert_eq!(entry["days_since_last_touch"], 15);
        assert_eq!(entry["last_touched_at"], sent_at.as_str());
        // Never touched (and queued, not yet sent) counts from creation.
        let day_14 = created_on + time::Duration::days(14);
        let listed = ids(&overdue(&app, day_14), "customer_id");
        assert!(!listed.contains(&silent_id.to_owned()) && !listed.contains(&queued_id.to_owned()));
        let day_15 = created_on + time::Duration::days(15);
        let all = overdue(&app, day_15);
        assert_eq!(all.len(), 3);
        let silent_entry = all.iter().find(|c| c["customer_id"] == silent_id).unwrap();
        assert_eq!(silent_entry["days_since_last_touch"], 15);
        assert_eq!(silent_entry["last_touched_at"], Value::Null);

        // Cursor pagination walks the same list.
        let first = app.get(
            &format!("/api/v1/care-touches/overdue?as_of={day_15}&limit=2"),
            &app.admin_token,
        );
        let first = first.ok(200);
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = app.get(
            &format!("/api/v1/care-touches/overdue?as_of={day_15}&limit=2&cursor={cursor}"),
            &app.admin_token,
        );
        assert_eq!(second.ok(200)["items"].as_array().unwrap().len(), 1);
        assert_eq!(second.body["next_cursor"], Value::Null);

        // Refusals, each writing nothing: a field that breaks its schema, or one that
        // contradicts the channel, the customer or the clock.
        let refused = "/problems/field-refused";
        let invalid = "/problems/validation";
        let refusals = [
            (
                json!({"customer_id": queued_id, "channel": "email", "template": "t", "body": "b", "recipient": "a@b.cn"}),
                "subject",
                refused,
            ),
            (
                json!({"customer_id": queued_id, "channel": "email", "template": "t", "subject": "s", "body": "b"}),
                "recipient",
                refused,
            ),
            (
                json!({"customer_id": queued_id, "channel": "sms", "template": "t", "subject": "s", "body": "b"}),
                "subject",
                refused,
            ),
            (
                json!({"customer_id": silent_id, "channel": "sms", "template": "t", "body": "b"}),
                "recipient",
                refused,
            ),
            (
                json!({"customer_id": "no-such", "channel": "sms", "template": "t", "body": "b"}),
                "customer_id",
                refused,
            ),
            (
                json!({"customer_id": queued_id, "channel": "sms", "template": "t", "body": "b", "sent_at": "2099-01-01T00:00:00+08:00"}),
                "sent_at",
                refused,
            ),
            (
                json!({"customer_id": queued_id, "channel": "fax", "template": "t", "body": "b"}),
                "channel",
                invalid,
            ),
            (
                json!({"customer_id": queued_id, "channel": "sms", "template": " ", "body": "b"}),
                "template",
                invalid,
            ),
        ];
        for (body, field, problem) in refusals {
            let reply = app.post("/api/v1/care-touches", &app.admin_token, &body);
            assert_eq!(reply.problem(422)["type"], problem, "{body}");
            assert_eq!(reply.error_fields(), vec![field.to_owned()], "{body}");
        }
        let (_, technician) = app.user_with_roles("tech.li", &["technician"]);
        let body =
            json!({"customer_id": queued_id, "channel": "sms", "template": "t", "body": "b"});
        app.post("/api/v1/care-touches", &technician, &body)
            .problem(403);
        app.send(
            "GET",
            &format!("/api/v1/care-touches/overdue?as_of={day_15}"),
            None,
            None,
        )
        .problem(401);
        app.get("/api/v1/outbox", &technician).problem(403);
        assert_eq!(outbox(&app).len(), 1);
        assert_eq!(overdue(&app, day_15).len(), 3);
        let no_day = app.get("/api/v1/care-touches/overdue", &app.admin_token);
        assert!(
            no_day.problem(422)["detail"]
                .as_str()
                .unwrap()
                .contains("as_of")
        );
        let touch = app.get(
            &format!("/api/v1/care-touches/{}", sending["id"].as_str().unwrap()),
            &app.admin_token,
        );
        assert_eq!(touch.ok(200)["outbox"]["id"], sending["outbox"]["id"]);
        assert_eq!(
            app.audit("care_touch", recorded["id"].as_str().unwrap())
                .len(),
            1
        );
    }
);

/// Polls the outbox until `done` holds for the only message (10 s at most).
fn wait_for(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages = outbox(app);
        if let Some(message) = messages.first().filter(|m| done(m)) {
            return message.clone();
        }
        assert!(
            Instant::now() < deadline,
            "outbox never reached the state: {messages:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the only message was refused and is kept pending for its retry, due
/// `retry_after` later on the server's clock (which stands still meanwhile); returns it.
fn refused_and_waiting(app: &TestApp, retry_after: time::Duration) -> Value {
    let due = app.now() + retry_after;
    let refused = wait_for(app, |m| {
        m["status"] == "pending"
            && m["attempts"].as_i64().unwrap_or(0) >= 1
            && m["last_error"].is_string()
            && m["next_attempt_at"]
                .as_str()
                .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok())
                == Some(due)
    });
    // The clock stands still: however often the dispatcher runs, the retry is not due yet.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(outbox(app)[0]["version"], refused["version"]);
    refused
}

both_backends!(
    care_2_outbox_keeps_a_refused_message_until_it_is_sent,
    |db: &TestDatabase| {
        let app = spawn_app_with(
            db,
            &[
                ("ZHIDU_OUTBOX_SENDER", "fail:3"),
                ("ZHIDU_OUTBOX_DISPATCH_MS", "50"),
                ("ZHIDU_OUTBOX_RETRY_FIRST_MS", "60000"),
                ("ZHIDU_OUTBOX_MAX_ATTEMPTS", "2"),
            ],
        );
        let retry_after = time::Duration::minutes(1);
        let customer = app.create_customer(
            &json!({"area_type": "urban", "full_name": "短信客户", "phone": "13900000002"}),
        );
        let customer_id = customer["id"].as_str().unwrap();
        let touch = app.post(
            "/api/v1/care-touches",
            &app.admin_token,
            &json!({"customer_id": customer_id, "channel": "sms", "template": "news", "body": "新品上市"}),
        );
        let touch_id = touch.ok(201)["id"].as_str().unwrap().to_owned();

        // Refused once: kept, due again a minute later on the clock; when the clock gets there
        // it is refused again, the maximum here, and kept as failed with the error and both
        // attempts.
        let first = refused_and_waiting(&app, retry_after);
        assert_eq!(first["attempts"], 1);
        assert_eq!(first["sent_at"], Value::Null);
        app.set_clock(app.now() + retry_after);
        let failed = wait_for(&app, |m| m["status"] == "failed");
        assert_eq!(failed["attempts"], 2);
        assert!(failed["last_error"].as_str().unwrap().contains("refused"));
        assert_eq!(failed["sent_at"], Value::Null);
        let failed_list = app.get("/api/v1/outbox?status=failed", &app.admin_token);
        assert_eq!(failed_list.ok(200)["items"].as_array().unwrap().len(), 1);
        let touch_now = app.get(
            &format!("/api/v1/care-touches/{touch_id}"),
            &app.admin_token,
        );
        assert_eq!(touch_now.ok(200)["sent_at"], Value::Null);

        // Retry: admin only, at the current version; then one more refusal and a success.
        let id = failed["id"].as_str().unwrap();
        let version = failed["version"].as_i64().unwrap();
        let retry = format!("/api/v1/outbox/{id}/retry");
        let (_, manager) = app.user_with_roles("cs.boss", &["cs_manager"]);
        app.post(&retry, &manager, &json!({"version": version}))
            .problem(403);
        app.post(&retry, &app.admin_token, &json!({"version": version - 1}))
            .problem(412);
        app.post(
            "/api/v1/outbox/no-such/retry",
            &app.admin_token,
            &json!({"version": 1}),
        )
        .problem(404);
        let retried = app.post(&retry, &app.admin_token, &json!({"version": version}));
        assert_eq!(retried.ok(200)["status"], "pending");
        let third = refused_and_waiting(&app, retry_after);
        assert_eq!(third["attempts"], 1);
        let sent_at = app.now() + retry_after;
        app.set_clock(sent_at);
        let sent = wait_for(&app, |m| m["status"] == "sent");
        assert_eq!(sent["attempts"], 2);
        assert_eq!(sent["sent_at"], rfc3339(sent_at).as_str());
        let sent_version = sent["version"].as_i64().unwrap();
        app.post(&retry, &app.admin_token, &json!({"version": sent_version}))
            .problem(409);

        // Sent: the touch is sent and counts for CARE-2.
        let touch_now = app.get(
            &format!("/api/v1/care-touches/{touch_id}"),
            &app.admin_token,
        );
        assert_eq!(touch_now.ok(200)["sent_at"], sent["sent_at"]);
        let day_15 = local_day(&sent["sent_at"]) + time::Duration::days(15);
        let listed = overdue(&app, day_15);
        assert_eq!(listed[0]["last_touched_at"], sent["sent_at"]);
        let actions: Vec<String> = app
            .audit("outbox", id)
            .iter()
            .map(|row| row["action"].as_str().unwrap().to_owned())
            .collect();
        for action in [
            "outbox.enqueue",
            "outbox.retry_scheduled",
            "outbox.failed",
            "outbox.retry",
            "outbox.sent",
        ] {
            assert!(
                actions.contains(&action.to_owned()),
                "{action} in {actions:?}"
            );
        }
    }
);

/// A customer-service employee with a user account, and a training customer.
fn training_setup(app: &TestApp) -> (String, String) {
    let department = app.create_department("培训部");
    let employee = app
        .create_employee(&json!({"name": "周培训", "department_id": department, "rank": "staff"}));
    let customer = app.create_customer(&json!({"area_type": "urban", "full_name": "培训客户"}));
    (employee, customer["id"].as_str().unwrap().to_owned())
}

fn missed(app: &TestApp, as_of: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/after-sales-visits/missed?as_of={as_of}"),
        &app.admin_token,
    )
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

both_backends!(
    care_3_after_sales_visits_and_the_missed_ones_as_disc_records,
    |db: &TestDatabase| {
        // A story told in November 2026, while that month's window is still open.
        let app = spawn_app_at(db, datetime!(2026-11-20 10:00 +8));
        let (employee, customer) = training_setup(&app);
        let deal = |deal_on: &str| {
            app.post(
                "/api/v1/training-deals",
                &app.admin_token,
                &json!({"customer_id": customer, "responsible_id": employee, "deal_on": deal_on}),
            )
            .ok(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let september = deal("2026-09-28");
        let november = deal("2026-11-10");
        let visit = |deal_id: &str, on: &str| {
            app.post(
                "/api/v1/after-sales-visits",
                &app.admin_token,
                &json!({"deal_id": deal_id, "visited_on": on, "screenshot": "attachments/visit.png"}),
            )
        };
        assert_eq!(
            visit(&september, "2026-10-02").ok(201)["screenshot"],
            "attachments/visit.png"
        );

        // Refusals: the screenshot is required (the schema says so), the day within the deal
        // and not ahead, the deal one that exists (the schema cannot say so).
        let refused = "/problems/field-refused";
        let invalid = "/problems/validation";
        let refusals = [
            (
                json!({"deal_id": september, "visited_on": "2026-10-03"}),
                "screenshot",
                invalid,
            ),
            (
                json!({"deal_id": september, "visited_on": "2026-10-03", "screenshot": "  "}),
                "screenshot",
                invalid,
            ),
            (
                json!({"deal_id": september, "visited_on": "2026-09-27", "screenshot": "a.png"}),
                "visited_on",
                refused,
            ),
            (
                json!({"deal_id": september, "visited_on": "2099-01-01", "screenshot": "a.png"}),
                "visited_on",
                refused,
            ),
            (
                json!({"deal_id": "no-such", "visited_on": "2026-10-03", "screenshot": "a.png"}),
                "deal_id",
                refused,
            ),
        ];
        for (body, field, problem) in refusals {
            let reply = app.post("/api/v1/after-sales-visits", &app.admin_token, &body);
            let detail = reply.problem(422)["detail"].as_str().unwrap();
            // A field left out is reported against the body, naming the field.
            let named = reply.error_fields() == [field] || detail.contains(field);
            assert!(named, "{body}: {}", reply.text);
            assert_eq!(reply.body["type"], problem, "{body}");
        }
        let backwards = app.post(
            "/api/v1/training-deals",
            &app.admin_token,
            &json!({"customer_id": customer, "responsible_id": employee, "deal_on": "2026-10-01", "ends_on": "2026-09-30"}),
        );
        assert_eq!(backwards.problem(422)["type"], refused);
        assert_eq!(backwards.error_fields(), ["ends_on"]);

        // CARE-3 boundaries: the first week closes after its 7th day; a month after its last.
        assert!(
            missed(&app, "2026-11-16")
                .iter()
                .all(|m| m["deal_id"] != november)
        );
        let week = missed(&app, "2026-11-17");
        let week: Vec<&Value> = week.iter().filter(|m| m["deal_id"] == november).collect();
        assert_eq!(week.len(), 1);
        assert_eq!(
            (
                week[0]["window"].clone(),
                week[0]["first_day"].clone(),
                week[0]["last_day"].clone(),
                week[0]["missed"].clone()
            ),
            (
                json!("first-week"),
                json!("2026-11-10"),
                json!("2026-11-16"),
                json!(1)
            )
        );
        assert!(
            missed(&app, "2026-10-31").is_empty(),
            "October still open, first week kept"
        );
        let october = missed(&app, "2026-11-01");
        assert_eq!(october.len(), 1);
        assert_eq!(october[0]["window"], "2026-10");
        assert_eq!(
            (
                october[0]["required"].clone(),
                october[0]["visits_made"].clone(),
                october[0]["missed"].clone()
            ),
            (json!(2), json!(1), json!(1))
        );

        // One call turns it into the DISC offense, fined per missed visit; a repeat returns it.
        let (_, agent) = app.user_with_roles("kefu.a", &["cs_agent"]);
        let path = format!("/api/v1/after-sales-visits/missed/{september}/2026-10/discipline");
        app.send("POST", &path, Some(&agent), None).problem(403);
        let made = app.send("POST", &path, Some(&app.admin_token), None);
        let record = made.ok(201).clone();
        assert_eq!(record["offense_code"], "after_sales_visit_missed");
        assert_eq!(record["employee_id"], employee.as_str());
        assert_eq!(record["count"], 1);
        assert_eq!(record["fine"], "100.00");
        assert_eq!(record["occurred_at"], "2026-10-31T23:59:59+08:00");
        let again = app.send("POST", &path, Some(&app.admin_token), None);
        assert_eq!(again.ok(200)["id"], record["id"]);
        let listed = missed(&app, "2026-11-01");
        assert_eq!(listed[0]["discipline_record_id"], record["id"]);
        let records = app.get(
            &format!("/api/v1/discipline/records?employee={employee}"),
            &app.admin_token,
        );
        assert_eq!(records.ok(200)["items"].as_array().unwrap().len(), 1);

        // Not missed (kept, or still open), unknown window or deal: refused, nothing written.
        let first_week =
            format!("/api/v1/after-sales-visits/missed/{september}/first-week/discipline");
        app.send("POST", &first_week, Some(&app.admin_token), None)
            .problem(409);
        let open = format!("/api/v1/after-sales-visits/missed/{september}/2026-11/discipline");
        app.send("POST", &open, Some(&app.admin_token), None)
            .problem(409);
        let bad = format!("/api/v1/after-sales-visits/missed/{september}/2026-13/discipline");
        app.send("POST", &bad, Some(&app.admin_token), None)
            .problem(404);
        app.send(
            "POST",
            "/api/v1/after-sales-visits/missed/no-such/first-week/discipline",
            Some(&app.admin_token),
            None,
        )
        .problem(404);
        let records = app.get(
            &format!("/api/v1/discipline/records?employee={employee}"),
            &app.admin_token,
        );
        assert_eq!(records.ok(200)["items"].as_array().unwrap().len(), 1);

        // December: November's window has closed with no visit, both of its visits missed.
        app.set_clock(datetime!(2026-12-01 00:00 +8));
        let december = missed(&app, "2026-12-01");
        let november_window = december
            .iter()
            .find(|m| m["deal_id"] == september && m["window"] == "2026-11")
            .expect("November missed");
        assert_eq!(
            (
                november_window["required"].clone(),
                november_window["visits_made"].clone(),
                november_window["missed"].clone()
            ),
            (json!(2), json!(0), json!(2))
        );
        let made = app.send("POST", &open, Some(&app.admin_token), None);
        let record = made.ok(201).clone();
        assert_eq!(record["count"], 2);
        assert_eq!(record["fine"], "200.00");
        assert_eq!(record["occurred_at"], "2026-11-30T23:59:59+08:00");
        let records = app.get(
            &format!("/api/v1/discipline/records?employee={employee}"),
            &app.admin_token,
        );
        assert_eq!(records.ok(200)["items"].as_array().unwrap().len(), 2);
    }
);

both_backends!(
    care_6_domain_transfer_approval_names_every_missing_requirement,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let customer = app.create_customer(&json!({"area_type": "urban", "full_name": "域名客户"}));
        let created = app.post(
            "/api/v1/domain-transfers",
            &app.admin_token,
            &json!({"customer_id": customer["id"], "domain_name": "Example.CN"}),
        );
        let created = created.ok(201).clone();
        assert_eq!(created["domain_name"], "example.cn");
        assert_eq!(
            created["missing"],
            json!([
                "proof_document",
                "general_manager_signature",
                "confirmation_call"
            ])
        );
        let id = created["id"].as_str().unwrap();
        let path = format!("/api/v1/domain-transfers/{id}");
        let approval = format!("{path}/approval");

        let refused = app.post(&approval, &app.admin_token, &json!({"version": 1}));
        assert_eq!(refused.problem(422)["rule"], "CARE-6");
        assert_eq!(
            refused.error_fields(),
            [
                "proof_document",
                "general_manager_signature",
                "confirmation_call"
            ]
        );

        let proof = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 1, "proof_document": "docs/proof.pdf"}),
        );
        assert_eq!(proof.ok(200)["version"], 2);
        let refused = app.post(&approval, &app.admin_token, &json!({"version": 2}));
        assert_eq!(
            refused.problem(422)["missing"],
            json!(["general_manager_signature", "confirmation_call"])
        );

        let signed = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 2, "general_manager_signature": {"signatory": "张总", "document": "docs/signed.pdf"}}),
        );
        assert_eq!(
            signed.ok(200)["general_manager_signature"]["signatory"],
            "张总"
        );
        let refused = app.post(&approval, &app.admin_token, &json!({"version": 3}));
        assert_eq!(
            refused.problem(422)["missing"],
            json!(["confirmation_call"])
        );
        assert_eq!(refused.error_fields(), ["confirmation_call"]);

        // The call is customer service's; a stale version and an empty patch are refused.
        let (_, marketing) = app.user_with_roles("shichang", &["marketing"]);
        let called_at = rfc3339(app.now() - time::Duration::hours(1));
        let call = json!({"version": 3, "confirmation_call": {"called_at": called_at, "note": "客户确认"}});
        app.json("PATCH", &path, Some(&marketing), &call)
            .problem(403);
        app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 2, "proof_document": "x"}),
        )
        .problem(412);
        let empty = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 3}),
        );
        assert_eq!(empty.problem(422)["type"], "/problems/field-refused");
        assert_eq!(empty.error_fields(), ["body"]);
        let (_, agent) = app.user_with_roles("kefu.b", &["cs_agent"]);
        let ahead = rfc3339(app.now() + time::Duration::seconds(1));
        let future_call =
            json!({"version": 3, "confirmation_call": {"called_at": ahead, "note": "客户确认"}});
        let refused = app.json("PATCH", &path, Some(&agent), &future_call);
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["confirmation_call.called_at"]);
        let called = app.json("PATCH", &path, Some(&agent), &call);
        assert_eq!(called.ok(200)["missing"], json!([]));
        assert_eq!(
            called.body["confirmation_call"]["called_at"],
            called_at.as_str()
        );

        app.post(&approval, &agent, &json!({"version": 4}))
            .problem(403);
        app.post(&approval, &app.admin_token, &json!({"version": 3}))
            .problem(412);
        let approved = app.post(&approval, &app.admin_token, &json!({"version": 4}));
        assert_eq!(approved.ok(200)["status"], "approved");
        app.post(&approval, &app.admin_token, &json!({"version": 5}))
            .problem(409);
        app.post(
            "/api/v1/domain-transfers/no-such/approval",
            &app.admin_token,
            &json!({"version": 1}),
        )
        .problem(404);
        let actions: Vec<String> = app
            .audit("domain_transfer", id)
            .iter()
            .map(|row| row["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(actions.len(), 5, "{actions:?}");
    }
);

fn page(star: &str, staff: &[(&str, &str)], hotlines: &[&str], version: Option<i64>) -> Value {
    json!({
        "version": version,
        "commitments": ["首问负责", "限时办结"],
        "hotlines": hotlines.iter().map(|n| json!({"name": "热线", "number": n})).collect::<Vec<_>>(),
        "fees": [{"item": "宽带安装", "amount": "100.00", "unit": "次", "note": ""}],
        "procedures": [{"name": "报装", "steps": ["受理", "勘察", "安装"]}],
        "branches": [{"name": "长安营业厅", "address": "中山东路1号", "phone": "0311-8888"}],
        "staff": staff.iter().map(|(id, job)| json!({"employee_id": id, "job_number": job, "photo_url": format!("https://img.example.cn/{job}.jpg")})).collect::<Vec<_>>(),
        "service_star": {"employee_id": star, "month": "2026-11", "citation": "服务之星"}
    })
}

both_backends!(
    pub_1_public_service_page_shows_nothing_personal,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        app.send("GET", "/api/v1/public/service-info", None, None)
            .problem(404);
        let department = app.create_department("营业厅");
        let star = app.create_employee(
            &json!({"name": "刘明星", "department_id": department, "rank": "staff"}),
        );
        let other = app.create_employee(
            &json!({"name": "陈员工", "department_id": department, "rank": "staff"}),
        );
        let staff = [(star.as_str(), "A001"), (other.as_str(), "A002")];
        let path = "/api/v1/public/service-info";

        let no_hotline = app.json(
            "PUT",
            path,
            Some(&app.admin_token),
            &page(&star, &staff, &["0311-12345"], None),
        );
        assert_eq!(no_hotline.problem(422)["rule"], "PUB-1");
        let outsider = app.json(
            "PUT",
            path,
            Some(&app.admin_token),
            &page("not-staff", &staff, &["96766"], None),
        );
        assert_eq!(
            outsider.problem(422)["errors"][0]["field"],
            "service_star.employee_id"
        );
        let (_, hr) = app.user_with_roles("hr.a", &["hr"]);
        app.json(
            "PUT",
            path,
            Some(&hr),
            &page(&star, &staff, &["96766"], None),
        )
        .problem(403);
        app.send("GET", path, None, None).problem(404);

        let published = app.json(
            "PUT",
            path,
            Some(&app.admin_token),
            &page(&star, &staff, &["96766", "0311-12345"], None),
        );
        assert_eq!(published.ok(200)["version"], 1);
        app.json(
            "PUT",
            path,
            Some(&app.admin_token),
            &page(&star, &staff, &["96766"], None),
        )
        .problem(412);

        let public = app.send("GET", path, None, None);
        let body = public.ok(200).clone();
        assert_eq!(public.header("cache-control"), Some("public, max-age=300"));
        let etag = public.header("etag").unwrap().to_owned();
        assert_eq!(body["hotlines"][0]["number"], "96766");
        assert_eq!(body["fees"][0]["amount"], "100.00");
        assert_eq!(
            body["staff"][0],
            json!({"name": "刘明星", "job_number": "A001", "photo_url": "https://img.example.cn/A001.jpg"})
        );
        assert_eq!(
            body["service_star"],
            json!({"name": "刘明星", "job_number": "A001", "photo_url": "https://img.example.cn/A001.jpg", "month": "2026-11", "citation": "服务之星"})
        );
        for secret in [
            star.as_str(),
            other.as_str(),
            "5200.00",
            "1990-05-20",
            "2020-01-06",
            "employee_id",
            "male",
        ] {
            assert!(
                !public.text.contains(secret),
                "{secret} leaked: {}",
                public.text
            );
        }
        let unchanged = app.send_with_headers("GET", path, None, &[("If-None-Match", &etag)], None);
        assert_eq!(unchanged.status, 304);

        let second = app.json(
            "PUT",
            path,
            Some(&app.admin_token),
            &page(&other, &staff, &["96766"], Some(1)),
        );
        assert_eq!(second.ok(200)["service_star"]["job_number"], "A002");
        let fresh = app.send_with_headers("GET", path, None, &[("If-None-Match", &etag)], None);
        assert_eq!(fresh.ok(200)["version"], 2);
        assert_eq!(app.audit("public_service_info", "current").len(), 2);
    }
);
