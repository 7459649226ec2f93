//! ACC-1..3 through HTTP: statements, factors, decisions and who may record what.

use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::spawn_app;

both_backends!(
    acc_2_3_a_case_is_decided_only_after_the_statement,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let department_id = app.create_department("维护部");
        let (user_id, own_token) = app.user_with_roles("zhao.weihu", &["technician"]);
        let employee_id = app.create_employee(
            &json!({"name": "赵维护", "department_id": department_id, "rank": "staff", "user_id": user_id}),
        );
        let (_, officer) = app.user_with_roles("wang.jingli", &["cs_manager"]);
        let (_, colleague) = app.user_with_roles("qian.kefu", &["cs_agent"]);

        app.post(
            "/api/v1/accountability-cases",
            &colleague,
            &json!({"employee_id": employee_id, "summary": "未按时上门"}),
        )
        .problem(403);
        let opened = app.post(
            "/api/v1/accountability-cases",
            &officer,
            &json!({"employee_id": employee_id, "summary": "未按时上门维修"}),
        );
        let case = opened.ok(201).clone();
        assert_eq!(case["status"], "open");
        let path = |action: &str| {
            format!(
                "/api/v1/accountability-cases/{}{action}",
                case["id"].as_str().unwrap()
            )
        };

        let decision = json!({"assessed_severity": "light", "aggravating": ["obstructed_inquiry"], "version": 1});
        let unheard = app.post(&path("/decision"), &officer, &decision);
        assert_eq!(unheard.problem(422)["rule"], "ACC-3");

        app.post(
            &path("/statement"),
            &colleague,
            &json!({"statement": "代他说", "version": 1}),
        )
        .problem(403);
        let heard = app.post(
            &path("/statement"),
            &own_token,
            &json!({"statement": "路上车坏了", "version": 1}),
        );
        assert_eq!(heard.ok(200)["statement"], "路上车坏了");
        app.post(&path("/decision"), &officer, &decision)
            .problem(412);
        let decided = app.post(
        &path("/decision"),
        &officer,
        &json!({"assessed_severity": "light", "aggravating": ["obstructed_inquiry"], "version": 2}),
    );
        assert_eq!(
            decided.ok(200)["decided_severity"],
            "heavy",
            "an aggravating factor raises one level"
        );
        assert_eq!(decided.body["status"], "decided");
        app.post(
            &path("/decision"),
            &officer,
            &json!({"assessed_severity": "severe", "version": 3}),
        )
        .problem(409);
        let unknown_factor = app.post(
            "/api/v1/accountability-cases",
            &officer,
            &json!({"employee_id": "nobody", "summary": "未按时上门维修"}),
        );
        assert_eq!(
            unknown_factor.problem(422)["errors"][0]["field"],
            "employee_id"
        );

        let listed = app.get(
            &format!("/api/v1/accountability-cases?employee_id={employee_id}"),
            &officer,
        );
        assert_eq!(listed.ok(200)["items"].as_array().unwrap().len(), 1);
        let trail = app.audit("accountability_case", case["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "accountability_case.create",
                "accountability_case.statement",
                "accountability_case.decide"
            ]
        );
    }
);
