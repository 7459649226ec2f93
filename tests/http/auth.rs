use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{ADMIN_PASSWORD, spawn_app};

both_backends!(
    wrong_password_and_unknown_user_get_the_same_401,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let attempt = |username: &str, password: &str| {
            app.json(
                "POST",
                "/api/v1/auth/token",
                None,
                &json!({"grant_type": "password", "username": username, "password": password}),
            )
        };
        let wrong_password = attempt("admin", "not-the-password");
        let unknown_user = attempt("nobody", ADMIN_PASSWORD);
        assert_eq!(wrong_password.problem(401), unknown_user.problem(401));

        let issued = attempt("admin", ADMIN_PASSWORD);
        let body = issued.ok(200);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        let me = app.get("/api/v1/users/me", body["access_token"].as_str().unwrap());
        assert_eq!(me.ok(200)["username"], "admin");
        assert_eq!(me.body["roles"], json!(["admin"]));
    }
);

both_backends!(
    tokens_are_checked_and_roles_enforced,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        app.send("GET", "/api/v1/users/me", None, None).problem(401);
        app.get("/api/v1/users/me", "not.a.token").problem(401);
        // A token signed with another key is refused even though it is well formed.
        let mut forged = app.admin_token.clone();
        forged.pop();
        forged.push(if app.admin_token.ends_with('A') {
            'B'
        } else {
            'A'
        });
        app.get("/api/v1/users/me", &forged).problem(401);

        let (_, agent_token) = app.user_with_roles("wang.agent", &["cs_agent"]);
        let refused = app.post(
        "/api/v1/users",
        &agent_token,
        &json!({"username": "x.y", "display_name": "x", "password": "long-enough-password", "roles": ["hr"]}),
    );
        assert!(
            refused.problem(403)["detail"]
                .as_str()
                .unwrap()
                .contains("admin")
        );
        app.send("GET", "/api/v1/users/me", Some(&agent_token), None)
            .ok(200);
    }
);

both_backends!(
    user_creation_validates_and_refuses_duplicates,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let create = |body: serde_json::Value| app.post("/api/v1/users", &app.admin_token, &body);
        let good = json!({"username": "li.na", "display_name": "李娜", "password": "a-good-long-password", "roles": ["hr"]});
        for (field, value) in [
            ("username", json!("A")),
            ("display_name", json!("")),
            ("display_name", json!("   ")),
            ("password", json!("short")),
            ("roles", json!([])),
        ] {
            let mut body = good.clone();
            body[field] = value;
            let bad = create(body);
            bad.problem(422);
            assert_eq!(bad.error_fields(), [field], "{field}");
            assert_eq!(bad.body["type"], "/problems/validation", "{field}");
        }
        // A role the schema names, refused for staff: partners get credentials instead.
        let mut partner = good.clone();
        partner["roles"] = json!(["partner"]);
        let refused = create(partner);
        assert_eq!(refused.problem(422)["type"], "/problems/field-refused");
        assert_eq!(refused.error_fields(), ["roles"]);

        let body = json!({"username": "li.na", "display_name": "李娜", "password": "a-good-long-password", "roles": ["hr", "manager"]});
        let created = create(body.clone());
        assert_eq!(created.ok(201)["roles"], json!(["hr", "manager"]));
        create(body).problem(409);
        let audit = app.audit("user", created.body["id"].as_str().unwrap());
        assert_eq!(audit.len(), 1);
        assert!(
            audit[0]["after"]["password_hash"].is_null(),
            "the audit never holds the password hash"
        );
    }
);
