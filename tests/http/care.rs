//! Customer care through HTTP (issue #7): contract submissions (CARE-7), the phone visits they
//! schedule (CARE-1), and renewals (CARE-5), on both databases.

use serde_json::{Value, json};
use time::{Date, Duration};
use zhidu_domain::care::add_months_clamped;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), u8::from(date.month()))
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// A salesperson (marketing) owning a customer, a customer-service agent who submits orders,
/// and a technician who may not.
struct Desk {
    sales_user: String,
    sales_token: String,
    agent_user: String,
    agent_token: String,
    technician_token: String,
    customer: String,
}

fn desk(app: &TestApp) -> Desk {
    let (sales_user, sales_token) = app.user_with_roles("zhang.xiaoshou", &["marketing"]);
    let (agent_user, agent_token) = app.user_with_roles("li.kefu", &["cs_agent"]);
    let (_, technician_token) = app.user_with_roles("wu.jishu", &["technician"]);
    let customer = id_of(&app.create_customer(
        &json!({"full_name": "石家庄恒信网络科技有限公司", "area_type": "urban", "owner_id": sales_user}),
    ));
    Desk {
        sales_user,
        sales_token,
        agent_user,
        agent_token,
        technician_token,
        customer,
    }
}

fn service(kind: &str, expires_on: Date) -> Value {
    json!({
        "kind": kind,
        "description": format!("{kind} 服务"),
        "amount": "1200.00",
        "starts_on": (expires_on - Duration::days(365)).to_string(),
        "expires_on": expires_on.to_string(),
    })
}

fn order_body(customer: &str, services: Vec<Value>) -> Value {
    json!({
        "customer_id": customer,
        "responsible_name": "王建国",
        "responsible_phone": "0311-86000000",
        "responsible_mobile": "13800000000",
        "responsible_email": "wang@example.cn",
        "services": services,
    })
}

fn orders_of(app: &TestApp, customer: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/customer-orders?customer_id={customer}"),
        &app.admin_token,
    )
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

both_backends!(
    care_7_a_submission_missing_responsible_fields_is_refused_naming_each,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let today = app.today();
        let plus_days = |days: i64| today + Duration::days(days);
        let services = vec![service("hosting", plus_days(200))];

        // Name blank, phone absent, email empty: all three named at once, nothing written.
        let mut body = order_body(&desk.customer, services.clone());
        body["responsible_name"] = json!("  ");
        body.as_object_mut().unwrap().remove("responsible_phone");
        body["responsible_email"] = json!("");
        let refused = app.post("/api/v1/customer-orders", &desk.agent_token, &body);
        assert_eq!(refused.problem(422)["rule"], "CARE-7");
        assert_eq!(
            refused.error_fields(),
            ["responsible_name", "responsible_phone", "responsible_email"]
        );
        // Only the mobile missing: just that one.
        let mut body = order_body(&desk.customer, services.clone());
        body["responsible_mobile"] = json!("");
        let refused = app.post("/api/v1/customer-orders", &desk.agent_token, &body);
        assert_eq!(refused.problem(422)["rule"], "CARE-7");
        assert_eq!(refused.error_fields(), ["responsible_mobile"]);
        assert!(orders_of(&app, &desk.customer).is_empty());

        // Absent is missing, but null is no text at all.
        let mut body = order_body(&desk.customer, services.clone());
        body["responsible_phone"] = json!(null);
        let refused = app.post("/api/v1/customer-orders", &desk.agent_token, &body);
        assert_eq!(refused.problem(422)["type"], "/problems/validation");
        assert_eq!(refused.error_fields(), ["responsible_phone"]);

        // Other refusals: a malformed email, an expiry before the start, no services, an
        // unknown customer, a role outside customer care.
        let mut body = order_body(&desk.customer, services.clone());
        body["responsible_email"] = json!("wang.example.cn");
        let refused = app.post("/api/v1/customer-orders", &desk.agent_token, &body);
        assert_eq!(refused.problem(422)["type"], "/problems/validation");
        assert_eq!(refused.error_fields(), ["responsible_email"]);
        let mut backwards = service("domain", plus_days(10));
        backwards["starts_on"] = json!(plus_days(11).to_string());
        let refused = app.post(
            "/api/v1/customer-orders",
            &desk.agent_token,
            &order_body(&desk.customer, vec![backwards]),
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["services[0].expires_on"]);
        let refused = app.post(
            "/api/v1/customer-orders",
            &desk.agent_token,
            &order_body(&desk.customer, vec![]),
        );
        assert_eq!(refused.problem(422)["errors"][0]["field"], "services");
        let refused = app.post(
            "/api/v1/customer-orders",
            &desk.agent_token,
            &order_body("no-such-customer", services.clone()),
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["customer_id"]);
        app.post(
            "/api/v1/customer-orders",
            &desk.technician_token,
            &order_body(&desk.customer, services.clone()),
        )
        .problem(403);
        assert!(orders_of(&app, &desk.customer).is_empty());

        // Complete: accepted, read back one and in the list, audited.
        let created = app
            .post(
                "/api/v1/customer-orders",
                &desk.agent_token,
                &order_body(&desk.customer, services),
            )
            .ok(201)
            .clone();
        assert_eq!(created["responsible_name"], "王建国");
        assert_eq!(created["salesperson_id"], desk.sales_user.as_str());
        assert_eq!(created["ordered_on"], today.to_string());
        assert_eq!(created["services"][0]["amount"], "1200.00");
        assert_eq!(
            created["services"][0]["remind_on"],
            plus_days(193).to_string()
        );
        let order = id_of(&created);
        let read = app
            .get(
                &format!("/api/v1/customer-orders/{order}"),
                &desk.sales_token,
            )
            .ok(200)
            .clone();
        assert_eq!(read["services"], created["services"]);
        assert_eq!(read["visit_tasks"].as_array().unwrap().len(), 13);
        let listed = orders_of(&app, &desk.customer);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["services"].as_array().unwrap().len(), 1);
        assert!(listed[0].get("visit_tasks").is_none());
        app.get("/api/v1/customer-orders/no-such-order", &desk.sales_token)
            .problem(404);
        let audit = app.audit("customer_order", &order);
        assert_eq!(audit[0]["action"], "customer_order.submit");
    }
);

fn due(app: &TestApp, token: &str, query: &str) -> Value {
    app.get(&format!("/api/v1/care-visits/due?{query}"), token)
        .ok(200)
        .clone()
}

both_backends!(
    care_1_an_order_schedules_monthly_visits_listed_when_due_and_overdue,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let today = app.today();
        let plus_days = |days: i64| today + Duration::days(days);
        let (other_user, _) = app.user_with_roles("qian.xiaoshou", &["marketing"]);
        let created = app
            .post(
                "/api/v1/customer-orders",
                &desk.agent_token,
                &order_body(&desk.customer, vec![service("promotion", plus_days(300))]),
            )
            .ok(201)
            .clone();
        let tasks = created["visit_tasks"].as_array().unwrap().clone();
        // The initial visit today, then the same day of each of the next 12 months.
        assert_eq!(tasks.len(), 13);
        assert_eq!(tasks[0]["kind"], "initial");
        assert_eq!(tasks[0]["due_on"], today.to_string());
        for (n, task) in tasks.iter().enumerate().skip(1) {
            assert_eq!(task["kind"], "monthly");
            let months = i32::try_from(n).unwrap();
            assert_eq!(
                task["due_on"],
                add_months_clamped(today, months).to_string()
            );
            assert_eq!(task["agent_id"], desk.sales_user.as_str());
        }
        let second_due = add_months_clamped(today, 1);
        let agent = &desk.sales_user;

        // On the day: due, not overdue. The day after: one day overdue.
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", today),
        );
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["id"], tasks[0]["id"]);
        assert_eq!(page["items"][0]["overdue"], false);
        assert_eq!(page["items"][0]["days_overdue"], 0);
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", plus_days(1)),
        );
        assert_eq!(page["items"][0]["overdue"], true);
        assert_eq!(page["items"][0]["days_overdue"], 1);
        // The day before the order: nothing; another agent: nothing.
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", plus_days(-1)),
        );
        assert!(page["items"].as_array().unwrap().is_empty());
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={second_due}&agent={other_user}"),
        );
        assert!(page["items"].as_array().unwrap().is_empty());
        // On the second visit's day both are listed, oldest first, one page at a time.
        let first = due(
            &app,
            &desk.sales_token,
            &format!("as_of={second_due}&agent={agent}&limit=1"),
        );
        assert_eq!(first["items"][0]["id"], tasks[0]["id"]);
        assert_eq!(
            first["items"][0]["days_overdue"],
            (second_due - today).whole_days()
        );
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = due(
            &app,
            &desk.sales_token,
            &format!("as_of={second_due}&agent={agent}&limit=1&cursor={cursor}"),
        );
        assert_eq!(second["items"][0]["id"], tasks[1]["id"]);
        assert_eq!(second["items"][0]["overdue"], false);
        assert!(second["next_cursor"].is_null());
        // Every agent's when none is named.
        let all = due(&app, &app.admin_token, &format!("as_of={second_due}"));
        assert_eq!(all["items"].as_array().unwrap().len(), 2);
        app.get(
            "/api/v1/care-visits/due?as_of=2026-02-30",
            &desk.sales_token,
        )
        .problem(422);
        app.get(
            &format!("/api/v1/care-visits/due?as_of={}", today),
            &desk.technician_token,
        )
        .problem(403);

        // Recording the initial visit: every missing answer named, the monthly questions
        // refused, a stale version 412; nothing written by any of them.
        let initial = id_of(&tasks[0]);
        let refused = app.post(
            "/api/v1/care-visits",
            &desk.sales_token,
            &json!({"task_id": initial, "version": 1, "satisfaction": 6, "shortcomings": " "}),
        );
        assert_eq!(refused.problem(422)["rule"], "CARE-1");
        assert_eq!(
            refused.error_fields(),
            ["satisfaction", "chose_us_because", "shortcomings", "wishes"]
        );
        let answers = json!({
            "task_id": initial, "version": 1, "satisfaction": 5,
            "chose_us_because": "朋友推荐", "shortcomings": "响应稍慢", "wishes": "多做推广",
        });
        let mut mixed = answers.clone();
        mixed["effect_reached"] = json!(true);
        let refused = app.post("/api/v1/care-visits", &desk.sales_token, &mixed);
        assert_eq!(refused.problem(422)["rule"], "CARE-1");
        assert_eq!(refused.error_fields(), ["effect_reached"]);
        let mut stale = answers.clone();
        stale["version"] = json!(7);
        app.post("/api/v1/care-visits", &desk.sales_token, &stale)
            .problem(412);
        app.post(
            "/api/v1/care-visits",
            &desk.sales_token,
            &json!({"task_id": "no-such-task", "version": 1}),
        )
        .problem(404);
        app.post("/api/v1/care-visits", &desk.technician_token, &answers)
            .problem(403);
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", today),
        );
        assert_eq!(page["items"][0]["status"], "due");
        assert_eq!(page["items"][0]["version"], 1);

        let visit = app
            .post("/api/v1/care-visits", &desk.sales_token, &answers)
            .ok(201)
            .clone();
        assert_eq!(visit["kind"], "initial");
        assert_eq!(visit["satisfaction"], 5);
        assert_eq!(visit["task_id"], initial.as_str());
        assert_eq!(visit["visited_by"], desk.sales_user.as_str());
        assert_eq!(
            app.audit("care_visit", &id_of(&visit))[0]["action"],
            "care_visit.record"
        );
        // Done: off the due list, and not recorded twice.
        let page = due(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", today),
        );
        assert!(page["items"].as_array().unwrap().is_empty());
        let mut again = answers.clone();
        again["version"] = json!(2);
        app.post("/api/v1/care-visits", &desk.sales_token, &again)
            .problem(409);
        let order = app
            .get(
                &format!("/api/v1/customer-orders/{}", id_of(&created)),
                &desk.sales_token,
            )
            .ok(200)
            .clone();
        assert_eq!(order["visit_tasks"][0]["status"], "done");
        assert_eq!(order["visit_tasks"][0]["visit_id"], visit["id"]);

        // The monthly visit is not due before its day.
        let monthly = json!({
            "task_id": id_of(&tasks[1]), "version": 1,
            "staff_contacted": true, "effect_reached": false,
        });
        app.post("/api/v1/care-visits", &desk.sales_token, &monthly)
            .problem(409);
    }
);

fn reminders(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    app.get(&format!("/api/v1/renewals/reminders?{query}"), token)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["description"].as_str().unwrap().to_owned())
        .collect()
}

fn described(kind: &str, label: &str, expires_on: Date) -> Value {
    let mut s = service(kind, expires_on);
    s["description"] = json!(label);
    s
}

both_backends!(
    care_5_reminders_seven_days_and_one_month_before_expiry,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        // "Exactly one calendar month before" needs a day of the month that the next month
        // has too: on the 29th to the 31st, the story starts on the 1st of the next month.
        if app.today().day() > 28 {
            let first_of_next = add_months_clamped(app.today().replace_day(1).unwrap(), 1);
            app.set_clock(first_of_next.midnight().assume_offset(app.now().offset()));
        }
        let today = app.today();
        let plus_days = |days: i64| today + Duration::days(days);
        let month_later = add_months_clamped(today, 1);
        app.post(
            "/api/v1/customer-orders",
            &desk.agent_token,
            &order_body(
                &desk.customer,
                vec![
                    described("hosting", "hosting+7", plus_days(7)),
                    described("domain", "domain+8", plus_days(8)),
                    described("promotion", "promotion+1m", month_later),
                    described(
                        "promotion",
                        "promotion+1m+1d",
                        month_later + Duration::days(1),
                    ),
                    described("training", "training+3", plus_days(3)),
                    described("domain", "domain-expired", plus_days(-1)),
                ],
            ),
        )
        .ok(201);
        let agent = &desk.sales_user;
        // Exactly 7 days before: due; 8 days: not yet. Exactly one calendar month before: due;
        // one day more: not yet. Training: never; already expired: no longer.
        let mut today_list = reminders(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", today),
        );
        today_list.sort();
        assert_eq!(today_list, ["hosting+7", "promotion+1m"]);
        let mut tomorrow = reminders(
            &app,
            &desk.sales_token,
            &format!("as_of={}&agent={agent}", plus_days(1)),
        );
        tomorrow.sort();
        assert_eq!(
            tomorrow,
            ["domain+8", "hosting+7", "promotion+1m", "promotion+1m+1d"]
        );
        let (other, _) = app.user_with_roles("qian.xiaoshou", &["marketing"]);
        assert!(
            reminders(
                &app,
                &desk.sales_token,
                &format!("as_of={}&agent={other}", today)
            )
            .is_empty()
        );
        app.get(
            &format!("/api/v1/renewals/reminders?as_of={}", today),
            &desk.technician_token,
        )
        .problem(403);
    }
);

both_backends!(
    care_5_unowned_customers_renewals_and_non_renewals,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let today = app.today();
        let (leaver, _) = app.user_with_roles("zhao.lizhi", &["marketing"]);
        let no_owner =
            id_of(&app.create_customer(&json!({"full_name": "无主客户", "area_type": "rural"})));
        let left_owner = id_of(&app.create_customer(
            &json!({"full_name": "离职销售的客户", "area_type": "urban", "owner_id": leaver}),
        ));
        db.execute(&format!(
            "UPDATE users SET active = FALSE WHERE id = '{leaver}'"
        ));
        let expiry = add_months_clamped(today, 1);
        let month = month_of(expiry);
        let submit = |customer: &str, label: &str| {
            app.post(
                "/api/v1/customer-orders",
                &desk.agent_token,
                &order_body(customer, vec![described("hosting", label, expiry)]),
            )
            .ok(201)
            .clone()
        };
        // An order for a customer without an active owner puts its visits on the submitter.
        for (customer, label) in [(&no_owner, "no-owner"), (&left_owner, "left-owner")] {
            let order = submit(customer, label);
            assert_eq!(order["salesperson_id"], desk.agent_user.as_str());
            assert_eq!(
                order["visit_tasks"][0]["agent_id"],
                desk.agent_user.as_str()
            );
        }
        let owned = submit(&desk.customer, "owned")["services"][0].clone();
        let (_, director_token) = app.user_with_roles("sun.shichang", &["marketing"]);
        let unowned = app
            .get(
                &format!("/api/v1/renewals/unowned?month={month}"),
                &director_token,
            )
            .ok(200)["items"]
            .as_array()
            .unwrap()
            .clone();
        let mut names: Vec<&str> = unowned
            .iter()
            .map(|i| i["description"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["left-owner", "no-owner"]);
        let next_month = month_of(add_months_clamped(expiry, 1));
        let later = app
            .get(
                &format!("/api/v1/renewals/unowned?month={next_month}"),
                &director_token,
            )
            .ok(200)
            .clone();
        assert!(later["items"].as_array().unwrap().is_empty());
        app.get(
            &format!("/api/v1/renewals/unowned?month={month}"),
            &desk.agent_token,
        )
        .problem(403);
        app.get("/api/v1/renewals/unowned?month=2026-13", &director_token)
            .problem(422);

        // Renewal: a stale version and a new expiry not after the current one are refused and
        // change nothing; then the expiry and the reminder day move.
        let service_id = id_of(&owned);
        let renew = format!("/api/v1/services/{service_id}/renewal");
        app.post(
            &renew,
            &desk.sales_token,
            &json!({"version": 9, "new_expires_on": add_months_clamped(expiry, 12).to_string()}),
        )
        .problem(412);
        let refused = app.post(
            &renew,
            &desk.sales_token,
            &json!({"version": 1, "new_expires_on": expiry.to_string()}),
        );
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["new_expires_on"]);
        app.post(
            &renew,
            &desk.technician_token,
            &json!({"version": 1, "new_expires_on": add_months_clamped(expiry, 12).to_string()}),
        )
        .problem(403);
        app.post(
            "/api/v1/services/no-such-service/renewal",
            &desk.sales_token,
            &json!({"version": 1, "new_expires_on": expiry.to_string()}),
        )
        .problem(404);
        let new_expiry = add_months_clamped(expiry, 12);
        let renewed = app
            .post(
                &renew,
                &desk.sales_token,
                &json!({"version": 1, "new_expires_on": new_expiry.to_string()}),
            )
            .ok(200)
            .clone();
        assert_eq!(renewed["expires_on"], new_expiry.to_string());
        assert_eq!(
            renewed["remind_on"],
            (new_expiry - Duration::days(7)).to_string()
        );
        assert_eq!(renewed["version"], 2);
        assert_eq!(
            app.audit("customer_service", &service_id)[0]["action"],
            "customer_service.renew"
        );

        // Non-renewal: the reason is required (nothing recorded without it); then recorded,
        // listed by the expiry month, and the service is off the unowned list and closed.
        let no_owner_service = unowned
            .iter()
            .find(|i| i["description"] == "no-owner")
            .unwrap();
        let refuse = format!("/api/v1/services/{}/non-renewal", id_of(no_owner_service));
        let refused = app.post(
            &refuse,
            &desk.sales_token,
            &json!({"version": 1, "reason": "  "}),
        );
        assert_eq!(refused.problem(422)["type"], "/problems/validation");
        assert_eq!(refused.error_fields(), ["reason"]);
        let listed = |month: &str| {
            app.get(
                &format!("/api/v1/renewals/non-renewals?month={month}"),
                &desk.sales_token,
            )
            .ok(200)["items"]
                .as_array()
                .unwrap()
                .clone()
        };
        assert!(listed(&month).is_empty());
        app.post(
            &refuse,
            &desk.sales_token,
            &json!({"version": 2, "reason": "客户公司停业"}),
        )
        .problem(412);
        let recorded = app
            .post(
                &refuse,
                &desk.sales_token,
                &json!({"version": 1, "reason": "客户公司停业"}),
            )
            .ok(201)
            .clone();
        assert_eq!(recorded["reason"], "客户公司停业");
        assert_eq!(recorded["customer_id"], no_owner.as_str());
        assert_eq!(recorded["expires_on"], expiry.to_string());
        let month_list = listed(&month);
        assert_eq!(month_list.len(), 1);
        assert_eq!(month_list[0]["id"], recorded["id"]);
        assert!(listed(&next_month).is_empty());
        app.post(
            &refuse,
            &desk.sales_token,
            &json!({"version": 2, "reason": "again"}),
        )
        .problem(409);
        app.post(
            &format!("/api/v1/services/{}/renewal", id_of(no_owner_service)),
            &desk.sales_token,
            &json!({"version": 2, "new_expires_on": new_expiry.to_string()}),
        )
        .problem(409);
        let unowned_after = app
            .get(
                &format!("/api/v1/renewals/unowned?month={month}"),
                &director_token,
            )
            .ok(200)["items"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(unowned_after.len(), 1);
        assert_eq!(unowned_after[0]["description"], "left-owner");
        assert_eq!(unowned_after[0]["owner_id"], leaver.as_str());
    }
);
