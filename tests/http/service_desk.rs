//! SLA-6, SLA-8, SLA-9 through HTTP: return visits, maintainer loads and monthly KPIs.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{rfc3339, spawn_app};
use crate::work_orders::{create, desk, order_path};

both_backends!(
    sla_6_return_visits_are_due_in_72_hours_and_unsolved_ones_reopen,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let new = |kind: &str| {
            create(
            &app,
            &desk,
            json!({"customer_id": desk.customer, "kind": kind, "description": "无信号", "received_by": [desk.agent]}),
        )
        .ok(201)
        .clone()
        };
        let order = new("general_fault");
        let visit = |order: &Value, solved: bool| {
            app.post(
                &order_path(order, "/return-visits"),
                &desk.agent_token,
                &json!({"satisfaction": "dissatisfied", "solved": solved, "notes": "仍然断网"}),
            )
        };
        visit(&order, true).problem(409);
        let resolved = app.post(
            &order_path(&order, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "换猫", "version": 1}),
        );
        let resolved_at = resolved.ok(200)["resolved_at"].as_str().unwrap().to_owned();

        let due = app.get("/api/v1/return-visits/due", &desk.agent_token);
        let entry = due.ok(200)["items"][0].clone();
        assert_eq!(entry["work_order_id"], order["id"]);
        assert_eq!(entry["resolved_at"], resolved_at.as_str());
        assert_eq!(entry["overdue"], false);
        let resolved_instant = time::OffsetDateTime::parse(
            &resolved_at,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        let due_instant = time::OffsetDateTime::parse(
            entry["visit_due_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(due_instant - resolved_instant, time::Duration::hours(72));

        let recorded = visit(&order, false);
        let follow_up = recorded.ok(201)["follow_up_order_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let follow_up_order = app.get(
            &format!("/api/v1/work-orders/{follow_up}"),
            &desk.agent_token,
        );
        assert_eq!(follow_up_order.ok(200)["follow_up_of"], order["id"]);
        assert_eq!(follow_up_order.body["status"], "open");
        assert_eq!(follow_up_order.body["kind"], "general_fault");
        visit(&order, true).problem(409);
        assert_eq!(
            app.get("/api/v1/return-visits/due", &desk.agent_token)
                .ok(200)["items"],
            json!([])
        );

        let installation = new("installation");
        let ready = app.post(
            &order_path(&installation, "/network-ready"),
            &desk.agent_token,
            &json!({"version": 1}),
        );
        ready.ok(200);
        app.post(
            &order_path(&installation, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "开通", "version": 2}),
        )
        .ok(200);
        assert_eq!(visit(&installation, true).problem(422)["rule"], "SLA-6");
    }
);

both_backends!(
    sla_8_9_loads_and_monthly_kpis_per_area_and_maintainer,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let desk = desk(&app);
        let (_, manager) = app.user_with_roles("area.mgr", &["manager"]);
        let area = |name: &str, area_type: &str, households: i64, maintainer: &str| {
            app.post(
            "/api/v1/service-areas",
            &manager,
            &json!({"name": name, "area_type": area_type, "households": households, "maintainer_id": maintainer}),
        )
        };
        app.post(
        "/api/v1/service-areas",
        &desk.agent_token,
        &json!({"name": "x", "area_type": "urban", "households": 1, "maintainer_id": desk.agent}),
    )
    .problem(403);
        let urban = area("城区一片", "urban", 4_500, &desk.agent)
            .ok(201)
            .clone();
        area("农村一片", "rural", 2_000, &desk.manager).ok(201);
        area("城区二片", "urban", 1, "ghost").problem(422);
        let loads = app.get("/api/v1/service-areas/load", &desk.agent_token);
        assert!(
            loads
                .ok(200)
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["overloaded"] == false),
            "at the standard, not above"
        );

        let path = format!("/api/v1/service-areas/{}", urban["id"].as_str().unwrap());
        app.json(
            "PATCH",
            &path,
            Some(&manager),
            &json!({"version": 7, "households": 4_501}),
        )
        .problem(412);
        app.json(
            "PATCH",
            &path,
            Some(&manager),
            &json!({"version": 1, "households": 4_501}),
        )
        .ok(200);
        let loads = app.get("/api/v1/service-areas/load", &desk.agent_token);
        let first = loads.ok(200)[0].clone();
        assert_eq!(
            (
                first["maintainer_id"].as_str().unwrap(),
                first["overloaded"].clone()
            ),
            (desk.agent.as_str(), json!(true))
        );
        assert_eq!(first["urban_households"], 4_501);

        // Orders of a customer in the urban area this month.
        let customer = app.create_customer(
            &json!({"full_name": "城区用户", "area_type": "urban", "service_area_id": urban["id"]}),
        );
        let order = |kind: &str| {
            create(
            &app,
            &desk,
            json!({"customer_id": customer["id"], "kind": kind, "description": "x", "received_by": [desk.agent]}),
        )
        .ok(201)
        .clone()
        };
        let fault = order("general_fault");
        order("complaint");
        let now = app.now();
        app.post(
            &order_path(&fault, "/contact-attempts"),
            &desk.agent_token,
            &json!({"channel": "phone", "reached": true, "attempted_at": rfc3339(now)}),
        )
        .ok(201);
        app.post(
            &order_path(&fault, "/resolve"),
            &desk.agent_token,
            &json!({"resolution": "修复", "version": 1}),
        )
        .ok(200);
        app.post(
            &order_path(&fault, "/return-visits"),
            &desk.agent_token,
            &json!({"satisfaction": "satisfied", "solved": true}),
        )
        .ok(201);

        let month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
        let report = app.get(
            &format!("/api/v1/kpis/service-areas?month={month}"),
            &desk.agent_token,
        );
        let body = report.ok(200).clone();
        let urban_kpis = body["service_areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["service_area_id"] == urban["id"])
            .unwrap()
            .clone();
        assert_eq!(
            urban_kpis["complaint_rate"],
            json!({"numerator": 1, "denominator": 4501, "value_percent": "0.022217", "threshold": "< 0.0015%", "passed": false})
        );
        assert_eq!(urban_kpis["reply_rate_24h"]["numerator"], 1);
        assert_eq!(urban_kpis["reply_rate_24h"]["denominator"], 2);
        assert_eq!(urban_kpis["reply_rate_24h"]["passed"], false);
        assert_eq!(urban_kpis["satisfaction"]["value_percent"], "100.000000");
        assert_eq!(urban_kpis["satisfaction"]["passed"], true);
        let rural_kpis = body["service_areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "农村一片")
            .unwrap()
            .clone();
        assert_eq!(
            rural_kpis["complaint_rate"]["passed"], true,
            "no complaints"
        );
        assert_eq!(
            rural_kpis["reply_rate_24h"]["passed"],
            Value::Null,
            "no orders: no verdict"
        );
        let agent_kpis = body["maintainers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["maintainer_id"] == desk.agent.as_str())
            .unwrap()
            .clone();
        assert_eq!(agent_kpis["households"], 4_501);

        app.get(
            "/api/v1/kpis/service-areas?month=2026-13",
            &desk.agent_token,
        )
        .problem(422);
        app.get("/api/v1/kpis/service-areas", &desk.agent_token)
            .problem(422);
    }
);
