//! SLA-1..5, SLA-7 through HTTP: the clock, the queue, every transition and refusal.

use serde_json::{Value, json};
use time::Duration;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, instant, rfc3339, spawn_app};

/// A desk with people: agent (staff), manager, general manager, a cs_manager account.
pub struct Desk {
    pub agent: String,
    pub manager: String,
    pub general_manager: String,
    pub agent_token: String,
    pub cs_manager_token: String,
    pub customer: String,
}

pub fn desk(app: &TestApp) -> Desk {
    let department_id = app.create_department("客户服务中心");
    let employee = |name: &str, rank: &str| {
        app.create_employee(&json!({"name": name, "department_id": department_id, "rank": rank}))
    };
    let general_manager = employee("总经理", "general_manager");
    let manager = employee("王经理", "manager");
    let agent = employee("李客服", "staff");
    let (_, agent_token) = app.user_with_roles("li.kefu", &["cs_agent"]);
    let (_, cs_manager_token) = app.user_with_roles("wang.jingli", &["cs_manager"]);
    let customer = app.create_customer(&json!({"full_name": "用户甲", "area_type": "urban"}))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Desk {
        agent,
        manager,
        general_manager,
        agent_token,
        cs_manager_token,
        customer,
    }
}

pub fn create(app: &TestApp, desk: &Desk, body: Value) -> crate::support::Reply {
    app.post("/api/v1/work-orders", &desk.agent_token, &body)
}

/// An instant the API wrote.
/// A general fault (SLA-3: due 24 clock hours after its clock starts, which is on creation).
pub fn general_fault(app: &TestApp, desk: &Desk) -> Value {
    create(
        app,
        desk,
        json!({"customer_id": desk.customer, "kind": "general_fault", "description": "无信号", "received_by": [desk.agent]}),
    )
    .ok(201)
    .clone()
}

pub fn order_path(order: &Value, action: &str) -> String {
    format!(
        "/api/v1/work-orders/{}{action}",
        order["id"].as_str().unwrap()
    )
}

both_backends!(
    sla_1_the_clock_waits_for_materials_and_lists_all_missing,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let created = create(
            &app,
            &desk,
            json!({
                "customer_id": desk.customer, "kind": "general_fault", "description": "无信号",
                "received_by": [desk.agent, desk.manager],
                "required_materials": ["身份证复印件", "申请表", "房产证明"],
                "provided_materials": ["申请表"]
            }),
        );
        let order = created.ok(201).clone();
        assert_eq!(order["status"], "awaiting_materials");
        assert_eq!(
            order["missing_materials"],
            json!(["身份证复印件", "房产证明"])
        );
        assert_eq!(order["due_at"], Value::Null);
        assert_eq!(
            order["first_responder_id"], desk.manager,
            "SLA-7: the manager outranks the agent"
        );
        assert_eq!(order["accountable_id"], desk.manager);

        let supply = |provided: Value, version: i64| {
            app.post(
                &order_path(&order, "/materials"),
                &desk.agent_token,
                &json!({"provided": provided, "version": version}),
            )
        };
        let unknown = supply(json!(["营业执照"]), 1);
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "provided");
        assert_eq!(unknown.body["type"], "/problems/field-refused");
        supply(json!(["房产证明"]), 7).problem(412);
        let partial = supply(json!(["房产证明"]), 1);
        assert_eq!(
            partial.ok(200)["missing_materials"],
            json!(["身份证复印件"])
        );
        assert_eq!(partial.body["status"], "awaiting_materials");
        let complete = supply(json!(["身份证复印件"]), 2);
        let body = complete.ok(200).clone();
        assert_eq!(body["status"], "open");
        assert_eq!(body["missing_materials"], json!([]));
        // 24 clock hours from the moment the materials were complete.
        let preview = app.post(
            "/api/v1/sla/deadline",
            &desk.agent_token,
            &json!({"kind": "general_fault", "started_at": body["clock_started_at"]}),
        );
        assert_eq!(preview.ok(200)["due_at"], body["due_at"]);
        supply(json!(["申请表"]), 3).problem(409);
        let trail = app.audit("work_order", order["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "work_order.create",
                "work_order.supply_materials",
                "work_order.supply_materials"
            ]
        );
    }
);

both_backends!(
    sla_1_an_installation_waits_for_the_network,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let created = create(
            &app,
            &desk,
            json!({"customer_id": desk.customer, "kind": "installation", "description": "宽带开通", "received_by": [desk.agent]}),
        );
        let order = created.ok(201).clone();
        assert_eq!(order["status"], "awaiting_network");
        let ready = app.post(
            &order_path(&order, "/network-ready"),
            &desk.agent_token,
            &json!({"version": 1}),
        );
        let body = ready.ok(200).clone();
        assert_eq!(body["status"], "open");
        assert!(
            body["due_at"]
                .as_str()
                .unwrap()
                .ends_with("T23:59:59+08:00"),
            "working days end at 23:59:59"
        );
        let preview = app.post(
        "/api/v1/sla/deadline",
        &desk.agent_token,
        &json!({"kind": "installation", "area_type": "urban", "started_at": body["clock_started_at"]}),
    );
        assert_eq!(
            preview.ok(200)["due_at"],
            body["due_at"],
            "5 working days for an urban customer"
        );
        app.post(
            &order_path(&order, "/network-ready"),
            &desk.agent_token,
            &json!({"version": 2}),
        )
        .problem(409);

        let fault = create(
            &app,
            &desk,
            json!({"customer_id": desk.customer, "kind": "general_fault", "description": "x", "received_by": [desk.agent]}),
        );
        let fault = fault.ok(201).clone();
        assert_eq!(
            fault["status"], "open",
            "nothing required: the clock starts at once"
        );
        let refused = app.post(
            &order_path(&fault, "/network-ready"),
            &desk.agent_token,
            &json!({"version": 1}),
        );
        assert_eq!(refused.problem(422)["rule"], "SLA-1");
    }
);

both_backends!(
    work_order_creation_refuses_bad_input,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let base = json!({"customer_id": desk.customer, "kind": "general_fault", "description": "x", "received_by": [desk.agent]});
        let with = |key: &str, value: Value| {
            let mut body = base.clone();
            body[key] = value;
            create(&app, &desk, body)
        };
        let unknown_kind = with("kind", json!("repair"));
        assert_eq!(unknown_kind.problem(422)["errors"][0]["field"], "kind");
        assert_eq!(unknown_kind.body["type"], "/problems/validation");
        let nobody = with("customer_id", json!("nobody"));
        assert_eq!(nobody.problem(422)["errors"][0]["field"], "customer_id");
        assert_eq!(nobody.body["type"], "/problems/field-refused");
        let no_one = with("received_by", json!([]));
        assert_eq!(no_one.problem(422)["errors"][0]["field"], "received_by");
        assert_eq!(no_one.body["type"], "/problems/validation");
        assert_eq!(
            with("received_by", json!([desk.agent, "ghost"])).problem(422)["errors"][0]["field"],
            "received_by[1]"
        );
        let major_fault = with("flagged_major", json!(true));
        assert_eq!(
            major_fault.problem(422)["errors"][0]["field"],
            "flagged_major"
        );
        assert_eq!(major_fault.body["type"], "/problems/field-refused");
        let mut unknown_item = base.clone();
        unknown_item["required_materials"] = json!(["申请表"]);
        unknown_item["provided_materials"] = json!(["营业执照"]);
        let unknown_item = create(&app, &desk, unknown_item);
        assert_eq!(
            unknown_item.problem(422)["errors"][0]["field"],
            "provided_materials"
        );
        assert_eq!(unknown_item.body["type"], "/problems/field-refused");
        let (_, finance) = app.user_with_roles("fin.zhang", &["finance"]);
        app.post("/api/v1/work-orders", &finance, &base)
            .problem(403);
        assert_eq!(
            app.get("/api/v1/work-orders", &app.admin_token).ok(200)["items"],
            json!([]),
            "nothing was written"
        );
    }
);

both_backends!(
    sla_4_the_queue_puts_urgent_first_then_the_earliest_deadline,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let new = |kind: &str, extra: Value| {
            let mut body = json!({"customer_id": desk.customer, "kind": kind, "description": "x", "received_by": [desk.agent]});
            for (key, value) in extra.as_object().unwrap() {
                body[key] = value.clone();
            }
            create(&app, &desk, body).ok(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let major = new("major_fault", json!({}));
        let general = new("general_fault", json!({}));
        let waiting = new("restoration", json!({"required_materials": ["申请表"]}));
        let urgent_complaint = new("complaint", json!({"flagged_major": true}));
        let queue = |query: &str| -> Vec<String> {
            app.get(&format!("/api/v1/work-orders{query}"), &desk.agent_token)
                .ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            queue(""),
            [
                urgent_complaint.as_str(),
                general.as_str(),
                major.as_str(),
                waiting.as_str()
            ]
        );
        assert_eq!(queue("?urgent=true"), [urgent_complaint.as_str()]);
        assert_eq!(
            queue("?urgent=false"),
            [general.as_str(), major.as_str(), waiting.as_str()]
        );
        assert_eq!(
            queue("?urgent=false&status=open&kind=general_fault"),
            [general.as_str()]
        );
        assert_eq!(queue("?urgent=true&kind=general_fault"), Vec::<&str>::new());
        assert_eq!(queue("?status=awaiting_materials"), [waiting.as_str()]);
        assert_eq!(queue("?kind=major_fault"), [major.as_str()]);
        assert_eq!(queue("?due_within=PT25H"), [general.as_str()]);
        assert_eq!(
            queue("?due_within=P2DT1H"),
            [general.as_str(), major.as_str()]
        );
        assert_eq!(
            queue(&format!("?assignee={}", desk.manager)),
            Vec::<&str>::new()
        );
        app.get("/api/v1/work-orders?due_within=4H", &desk.agent_token)
            .problem(422);
        app.get("/api/v1/work-orders?status=closed", &desk.agent_token)
            .problem(422);

        let mut seen = Vec::new();
        let mut path = "/api/v1/work-orders?limit=3".to_owned();
        loop {
            let page = app.get(&path, &desk.agent_token);
            let body = page.ok(200);
            seen.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["id"].as_str().unwrap().to_owned()),
            );
            match body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/work-orders?limit=3&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen, queue(""), "pages follow the queue order");
    }
);

both_backends!(
    sla_2_3_7_extensions_hand_overs_and_deemed_met,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let order = general_fault(&app, &desk);
        let due = order["due_at"].as_str().unwrap().to_owned();

        // SLA-3: an extension needs a reason and the cs manager.
        let earlier = app.post(
            &order_path(&order, "/extensions"),
            &desk.agent_token,
            &json!({"reason": "需要更换设备", "requested_due_at": "2020-01-01T00:00:00+08:00"}),
        );
        assert_eq!(
            earlier.problem(422)["errors"][0]["field"],
            "requested_due_at"
        );
        assert_eq!(earlier.body["type"], "/problems/field-refused");
        let requested = app.post(
            &order_path(&order, "/extensions"),
            &desk.agent_token,
            &json!({"reason": "需要更换设备", "requested_due_at": "2099-01-01T00:00:00+08:00"}),
        );
        let extension = requested.ok(201)["id"].as_str().unwrap().to_owned();
        assert_eq!(requested.body["status"], "pending");
        let decision = order_path(&order, &format!("/extensions/{extension}/decision"));
        app.post(&decision, &desk.agent_token, &json!({"approved": true}))
            .problem(403);
        let pending = app.get(&order_path(&order, ""), &desk.agent_token);
        assert_eq!(
            pending.ok(200)["due_at"],
            due.as_str(),
            "a pending extension does not move the deadline"
        );
        let approved = app.post(
            &decision,
            &desk.cs_manager_token,
            &json!({"approved": true}),
        );
        assert_eq!(approved.ok(200)["due_at"], "2099-01-01T00:00:00+08:00");
        assert_eq!(approved.body["extensions"][0]["status"], "approved");
        app.post(
            &decision,
            &desk.cs_manager_token,
            &json!({"approved": false}),
        )
        .problem(409);

        // SLA-7: hand-overs are kept; accountability moves only when the owner accepts.
        let version = approved.body["version"].as_i64().unwrap();
        let handed = app.post(
            &order_path(&order, "/handovers"),
            &desk.agent_token,
            &json!({"to_employee_id": desk.manager, "note": "转维护部", "version": version}),
        );
        assert_eq!(handed.ok(200)["assignee_id"], desk.manager);
        assert_eq!(handed.body["accountable_id"], desk.agent);
        let accepted = app.post(
        &order_path(&order, "/handovers"),
        &desk.agent_token,
        &json!({"to_employee_id": desk.general_manager, "accepted_by_owner": true, "version": version + 1}),
    );
        assert_eq!(accepted.ok(200)["accountable_id"], desk.general_manager);
        assert_eq!(accepted.body["handovers"].as_array().unwrap().len(), 2);
        assert_eq!(
            accepted.body["handovers"][0]["from_employee_id"],
            desk.agent
        );

        // SLA-2: deemed met only after a failed phone call and a failed visit.
        let version = accepted.body["version"].as_i64().unwrap();
        let deem = || {
            app.post(
                &order_path(&order, "/deemed-met"),
                &desk.agent_token,
                &json!({"version": version}),
            )
        };
        assert_eq!(deem().problem(422)["rule"], "SLA-2");
        let attempted_at = rfc3339(app.now());
        let attempt = |channel: &str| {
            app.post(
            &order_path(&order, "/contact-attempts"),
            &desk.agent_token,
            &json!({"channel": channel, "reached": false, "attempted_at": attempted_at, "note": "无人"}),
        )
        .ok(201)
        .clone()
        };
        attempt("phone");
        deem().problem(422);
        attempt("visit");
        let closed = deem();
        assert_eq!(closed.ok(200)["status"], "deemed_met");
        app.post(
            &order_path(&order, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "x", "version": version + 1}),
        )
        .problem(409);
    }
);

both_backends!(
    sla_5_a_sweep_marks_breaches_once_and_opens_cases,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let new = || general_fault(&app, &desk);
        let late = new();
        let resolved = new();
        let due = instant(&late["due_at"]);
        assert_eq!(due - app.now(), Duration::hours(24));
        assert_eq!(instant(&resolved["due_at"]), due);
        // A second past both deadlines. The order created now is on time for 24 hours more.
        app.set_clock(due + Duration::seconds(1));
        let on_time = new();
        assert_eq!(
            instant(&on_time["due_at"]),
            due + Duration::seconds(1) + Duration::hours(24)
        );
        // Resolved after its deadline, before any sweep ran.
        let resolution = app.post(
            &order_path(&resolved, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "修复", "version": 1}),
        );
        assert_eq!(instant(&resolution.ok(200)["resolved_at"]), app.now());
        app.post("/api/v1/sla/sweeps", &desk.agent_token, &json!({}))
            .problem(403);
        let sweep = app.post("/api/v1/sla/sweeps", &desk.cs_manager_token, &json!({}));
        assert_eq!(
            sweep.ok(200).clone(),
            json!({"breached_count": 1, "breached_work_order_ids": [late["id"]]})
        );
        let again = app.post("/api/v1/sla/sweeps", &desk.cs_manager_token, &json!({}));
        assert_eq!(
            again.ok(200)["breached_count"],
            0,
            "a breach is marked once"
        );
        let detail = app.get(&order_path(&late, ""), &desk.agent_token);
        assert_eq!(detail.ok(200)["breached"], true);
        assert_eq!(
            detail.body["accountability_cases"][0]["employee_id"],
            desk.agent
        );
        assert_eq!(
            detail.body["accountability_cases"][0]["status"],
            "candidate"
        );
        let breached = |query: &str| -> Vec<String> {
            let mut ids: Vec<String> = app
                .get(
                    &format!("/api/v1/work-orders?breached=true{query}"),
                    &desk.agent_token,
                )
                .ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(breached("&status=open"), [late["id"].as_str().unwrap()]);
        let mut late_ones = vec![
            late["id"].as_str().unwrap().to_owned(),
            resolved["id"].as_str().unwrap().to_owned(),
        ];
        late_ones.sort();
        assert_eq!(breached(""), late_ones);
        assert_eq!(
            app.get(&order_path(&on_time, ""), &desk.agent_token)
                .ok(200)["breached"],
            false
        );
        // Resolved after its deadline: a breach by SLA-5, though the sweep, which looks for
        // open orders, opened no case for it.
        let late_resolution = app.get(&order_path(&resolved, ""), &desk.agent_token);
        assert_eq!(late_resolution.ok(200)["breached"], true);
        assert_eq!(late_resolution.body["accountability_cases"], json!([]));
    }
);
