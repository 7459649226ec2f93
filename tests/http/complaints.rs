//! CMP-1..5 through HTTP: routing by rank, escalation, the meeting agenda, dispatches.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::spawn_app;

both_backends!(
    cmp_complaints_are_routed_by_rank_escalated_and_answered,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let post = |path: &str, body: Value| app.post(path, &app.admin_token, &body);
        let department = post("/api/v1/departments", json!({"name": "工程部"}))
            .ok(201)
            .clone();
        let department_id = department["id"].as_str().unwrap().to_owned();
        let employee = |name: &str, rank: &str, superior: Value| {
            app.create_employee(&json!({"name": name, "department_id": department_id, "rank": rank, "superior_id": superior}))
        };
        let gm = employee("总经理", "general_manager", Value::Null);
        let manager = employee("工程部经理", "manager", json!(gm));
        let staff = employee("工程师", "staff", json!(manager));
        let (_, agent) = app.user_with_roles("kefu.a", &["cs_agent"]);
        let (_, cs_manager) = app.user_with_roles("kefu.mgr", &["cs_manager"]);
        let customer = app.create_customer(&json!({"full_name": "投诉客户", "area_type": "urban"}))
            ["id"]
            .clone();
        let complain = |token: &str, accused: Value, inform: bool| {
            app.post(
            "/api/v1/complaints",
            token,
            &json!({"customer_id": customer, "description": "态度差", "received_by": [staff], "accused_employee_id": accused, "inform_accused": inform}),
        )
        };

        // CMP-1 needs the department's manager on record.
        assert_eq!(
            complain(&agent, json!(staff), true).problem(422)["rule"],
            "CMP-1"
        );
        app.json(
            "PUT",
            &format!("/api/v1/departments/{department_id}/manager"),
            Some(&app.admin_token),
            &json!({"employee_id": manager, "version": 1}),
        )
        .ok(200);
        let about_staff = complain(&agent, json!(staff), true).ok(201).clone();
        assert_eq!(about_staff["route"], "department_manager");
        assert_eq!(about_staff["handler_employee_id"], manager.as_str());
        let order = app.get(
            &format!(
                "/api/v1/work-orders/{}",
                about_staff["work_order_id"].as_str().unwrap()
            ),
            &agent,
        );
        assert_eq!(order.ok(200)["kind"], "complaint");
        assert!(
            order.body["due_at"]
                .as_str()
                .unwrap()
                .ends_with("T23:59:59+08:00"),
            "CMP-4: 3 working days"
        );
        assert_eq!(
            order.body["accountability_cases"][0]["employee_id"],
            staff.as_str(),
            "ACC-2: a case candidate about the accused"
        );

        // CMP-2: only the customer-service manager may keep the accused manager uninformed.
        complain(&agent, json!(manager), false).problem(403);
        let about_manager = complain(&cs_manager, json!(manager), false).ok(201).clone();
        assert_eq!(
            (
                about_manager["route"].clone(),
                about_manager["handler_employee_id"].clone(),
                about_manager["inform_accused"].clone()
            ),
            (json!("superior"), json!(gm), json!(false))
        );
        // CMP-3: the general manager's complaint waits for the managers' meeting.
        let about_gm = complain(&agent, json!(gm), true).ok(201).clone();
        assert_eq!(about_gm["route"], "managers_meeting");
        assert_eq!(about_gm["handler_employee_id"], Value::Null);
        let agenda = app.get("/api/v1/meetings/next/agenda", &agent);
        assert_eq!(agenda.ok(200)["complaints"][0]["id"], about_gm["id"]);
        let about_service = complain(&agent, Value::Null, true).ok(201).clone();
        assert_eq!(about_service["route"], "customer_service");

        // Escalation: the manager cannot resolve it, so the superior must; the top has no superior.
        let path = |complaint: &Value, action: &str| {
            format!(
                "/api/v1/complaints/{}{action}",
                complaint["id"].as_str().unwrap()
            )
        };
        // CMP-1: the manager hands it to customer service, which gives it back when it
        // cannot resolve it; then the manager's superior; the top has no superior.
        let delegated = app.post(
            &path(&about_staff, "/delegation"),
            &agent,
            &json!({"version": 1}),
        );
        assert_eq!(delegated.ok(200)["route"], "customer_service");
        assert_eq!(delegated.body["handler_employee_id"], manager.as_str());
        let escalate = |version: i64| {
            app.post(
                &path(&about_staff, "/escalations"),
                &agent,
                &json!({"reason": "仍然没有解决", "version": version}),
            )
        };
        let back = escalate(2);
        assert_eq!(back.ok(200)["route"], "department_manager");
        assert_eq!(back.body["handler_employee_id"], manager.as_str());
        let escalated = escalate(3);
        assert_eq!(escalated.ok(200)["handler_employee_id"], gm.as_str());
        assert_eq!(escalated.body["escalations"], 2);
        assert_eq!(escalate(4).problem(422)["rule"], "CMP-1");
        escalate(1).problem(412);
        assert_eq!(
            app.post(
                &path(&about_gm, "/delegation"),
                &agent,
                &json!({"version": 1})
            )
            .problem(422)["rule"],
            "CMP-1"
        );

        // CMP-5: on-site dispatch, expenses against receipts.
        let dispatch = |receipts: Value| {
            app.post(
            &path(&about_staff, "/dispatches"),
            &agent,
            &json!({"employee_id": staff, "reason": "客户坚持上门", "dispatched_at": "2026-10-08T10:00:00+08:00", "expenses": "120.50", "receipts": receipts}),
        )
        };
        assert_eq!(dispatch(json!([])).problem(422)["rule"], "CMP-5");
        let dispatched = dispatch(json!(["发票 No.0001"]));
        assert_eq!(dispatched.ok(201)["dispatches"][0]["expenses"], "120.50");

        let answered = app.post(
            &path(&about_staff, "/result"),
            &agent,
            &json!({"result": "已道歉并修复", "version": 4}),
        );
        assert_eq!(answered.ok(200)["status"], "resolved");
        let order = app.get(
            &format!(
                "/api/v1/work-orders/{}",
                about_staff["work_order_id"].as_str().unwrap()
            ),
            &agent,
        );
        assert_eq!(order.ok(200)["status"], "resolved");
        app.post(
            &path(&about_staff, "/result"),
            &agent,
            &json!({"result": "again", "version": 5}),
        )
        .problem(409);
        app.post(
            &path(&about_gm, "/result"),
            &agent,
            &json!({"result": "会议决议", "version": 1}),
        )
        .ok(200);
        assert_eq!(
            app.get("/api/v1/meetings/next/agenda", &agent).ok(200)["complaints"],
            json!([])
        );
        app.get("/api/v1/complaints/missing", &agent).problem(404);
    }
);
