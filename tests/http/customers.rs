//! Customers: archive fields, filters, cursor pages, optimistic locking, audit.

use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::spawn_app;

both_backends!(
    customers_are_created_read_and_updated_with_versions,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (owner_id, _) = app.user_with_roles("sales.liu", &["marketing"]);
        let created = app.create_customer(&json!({
            "full_name": "石家庄恒信网络科技有限公司",
            "address": "石家庄市长安区中山东路1号",
            "postcode": "050000",
            "phone": "0311-86000000",
            "bank_account": "6222000000000000",
            "bank_name": "中国工商银行石家庄分行",
            "legal_representative": "张伟",
            "area_type": "rural",
            "owner_id": owner_id,
            "first_contract_on": "2023-09-30",
            "flags": ["welfare_unit"]
        }));
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["version"], 1);
        assert_eq!(created["tier"], serde_json::Value::Null);
        assert!(created["created_at"].as_str().unwrap().ends_with("+08:00"));
        let read = app.get(&format!("/api/v1/customers/{id}"), &app.admin_token);
        assert_eq!(read.ok(200).clone(), created);

        let path = format!("/api/v1/customers/{id}");
        let updated = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 1, "phone": "0311-1", "owner_id": null}),
        );
        assert_eq!(updated.ok(200)["phone"], "0311-1");
        assert_eq!(updated.body["owner_id"], serde_json::Value::Null);
        assert_eq!(updated.body["version"], 2);
        assert_eq!(
            updated.body["legal_representative"], "张伟",
            "fields not sent stay"
        );

        let stale = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 1, "phone": "lost update"}),
        );
        stale.problem(412);
        let unknown_owner = app.json(
            "PATCH",
            &path,
            Some(&app.admin_token),
            &json!({"version": 2, "owner_id": "nobody"}),
        );
        assert_eq!(unknown_owner.problem(422)["errors"][0]["field"], "owner_id");
        assert_eq!(unknown_owner.body["type"], "/problems/field-refused");
        app.json(
            "PATCH",
            "/api/v1/customers/missing",
            Some(&app.admin_token),
            &json!({"version": 1}),
        )
        .problem(404);
        assert_eq!(app.get(&path, &app.admin_token).ok(200)["phone"], "0311-1");

        let trail = app.audit("customer", &id);
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["customer.create", "customer.update"]);
        assert_eq!(trail[1]["before"]["phone"], "0311-86000000");
        assert_eq!(trail[1]["after"]["phone"], "0311-1");
        assert!(trail[1]["request_id"].is_string());
        // The trail is a list like every other: one entry a page, then the last page.
        let first = app
            .get(
                &format!("/api/v1/audit?entity_type=customer&entity_id={id}&limit=1"),
                &app.admin_token,
            )
            .ok(200)
            .clone();
        assert_eq!(first["items"][0]["action"], "customer.create");
        let cursor = first["next_cursor"].as_str().unwrap();
        let last = app
            .get(
                &format!(
                    "/api/v1/audit?entity_type=customer&entity_id={id}&limit=1&cursor={cursor}"
                ),
                &app.admin_token,
            )
            .ok(200)
            .clone();
        assert_eq!(last["items"][0]["action"], "customer.update");
        assert!(last["next_cursor"].is_null());

        let (_, technician) = app.user_with_roles("tech.he", &["technician"]);
        app.post(
            "/api/v1/customers",
            &technician,
            &json!({"full_name": "x", "area_type": "urban"}),
        )
        .problem(403);
        app.get(&path, &technician).ok(200);
        app.get("/api/v1/customers/missing", &app.admin_token)
            .problem(404);
    }
);

both_backends!(
    customer_lists_filter_and_page_with_a_cursor,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (owner_id, _) = app.user_with_roles("sales.ma", &["marketing"]);
        let mut rural_ids = Vec::new();
        for index in 0..5 {
            let area = if index % 2 == 0 { "rural" } else { "urban" };
            let owner = if index < 2 {
                json!(owner_id)
            } else {
                json!(null)
            };
            let created = app.create_customer(
                &json!({"full_name": format!("客户{index}"), "area_type": area, "owner_id": owner}),
            );
            if area == "rural" {
                rural_ids.push(created["id"].as_str().unwrap().to_owned());
            }
        }
        let mut seen = Vec::new();
        let mut path = "/api/v1/customers?area_type=rural&limit=2".to_owned();
        loop {
            let page = app.get(&path, &app.admin_token);
            let body = page.ok(200);
            assert!(body["items"].as_array().unwrap().len() <= 2);
            seen.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["id"].as_str().unwrap().to_owned()),
            );
            match body["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/v1/customers?area_type=rural&limit=2&cursor={cursor}")
                }
                None => break,
            }
        }
        assert_eq!(
            seen, rural_ids,
            "every rural customer once, in creation order"
        );
        let owned = app.get(
            &format!("/api/v1/customers?owner_id={owner_id}"),
            &app.admin_token,
        );
        assert_eq!(owned.ok(200)["items"].as_array().unwrap().len(), 2);
        let tier_a = app.get("/api/v1/customers?tier=A", &app.admin_token);
        assert_eq!(tier_a.ok(200)["items"], json!([]), "no quarter closed yet");
    }
);
