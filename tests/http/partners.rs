//! SET-1 through HTTP: partners, their credentials, the client-credentials grant, and a
//! partner never seeing another partner's records; SET-2/3/6 previews.

use serde_json::{Value, json};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

fn partner_token(app: &TestApp, client_id: &str, secret: &str) -> crate::support::Reply {
    app.json(
        "POST",
        "/api/v1/auth/token",
        None,
        &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}),
    )
}

both_backends!(
    set_1_partners_call_with_their_own_credentials_and_see_only_their_own_records,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let (_, employee) = app.user_with_roles("li.yuangong", &["employee"]);
        let create = |token: &str, body: Value| app.post("/api/v1/partners", token, &body);
        let insurer = create(
            &finance,
            json!({"partner_type": "insurer", "name": "平安保险四川分公司", "region": "四川"}),
        )
        .ok(201)
        .clone();
        let other = create(
            &finance,
            json!({"partner_type": "carrier", "name": "中国电信成都分公司", "region": "四川"}),
        )
        .ok(201)
        .clone();
        create(
            &finance,
            json!({"partner_type": "insurer", "name": "平安保险四川分公司", "region": "四川"}),
        )
        .problem(409);
        let split_on_insurer = create(
            &finance,
            json!({"partner_type": "insurer", "name": "人保", "region": "四川", "contract_split": {"company": 60, "franchisee": 40}}),
        );
        assert_eq!(
            split_on_insurer.problem(422)["type"],
            "/problems/field-refused"
        );
        assert_eq!(split_on_insurer.error_fields(), ["contract_split"]);
        let uneven = create(
            &finance,
            json!({"partner_type": "franchisee", "name": "德阳加盟店", "region": "四川", "contract_split": {"company": 60, "franchisee": 30}}),
        );
        assert_eq!(uneven.problem(422)["type"], "/problems/field-refused");
        assert_eq!(uneven.error_fields(), ["contract_split"]);
        let beyond = create(
            &finance,
            json!({"partner_type": "franchisee", "name": "德阳加盟店", "region": "四川", "contract_split": {"company": 101, "franchisee": -1}}),
        );
        assert_eq!(beyond.problem(422)["type"], "/problems/validation");
        assert_eq!(beyond.error_fields(), ["contract_split.company"]);
        let franchisee = create(
            &finance,
            json!({"partner_type": "franchisee", "name": "绵阳加盟店", "region": "四川", "contract_split": {"company": 55, "franchisee": 45}}),
        )
        .ok(201)
        .clone();
        assert_eq!(franchisee["contract_split"]["company"], 55);
        create(
            &employee,
            json!({"partner_type": "carrier", "name": "移动", "region": "四川"}),
        )
        .problem(403);

        let id = |p: &Value| p["id"].as_str().unwrap().to_owned();
        let issued = app
            .post(
                &format!("/api/v1/partners/{}/credentials", id(&insurer)),
                &finance,
                &json!({}),
            )
            .ok(201)
            .clone();
        let client_id = issued["client_id"].as_str().unwrap().to_owned();
        let secret = issued["client_secret"].as_str().unwrap().to_owned();
        let listed = app
            .get(
                &format!("/api/v1/partners/{}/credentials", id(&insurer)),
                &finance,
            )
            .ok(200)
            .clone();
        assert_eq!(listed[0]["client_id"], client_id.as_str());
        assert!(listed[0].get("client_secret").is_none());

        // The grant: a wrong secret and an unknown client get the same 401.
        let wrong = partner_token(&app, &client_id, "not-the-secret");
        let unknown = partner_token(&app, "partner-nobody", &secret);
        assert_eq!(wrong.problem(401)["detail"], unknown.problem(401)["detail"]);
        let token = partner_token(&app, &client_id, &secret).ok(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned();

        // Its own record only: another partner's id answers 404, like an unknown one.
        app.get(&format!("/api/v1/partners/{}", id(&insurer)), &token)
            .ok(200);
        app.get(&format!("/api/v1/partners/{}", id(&other)), &token)
            .problem(404);
        app.get("/api/v1/partners/no-such-partner", &token)
            .problem(404);
        let mine = app.get("/api/v1/partners", &token).ok(200).clone();
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
        let everyone = app.get("/api/v1/partners", &finance).ok(200).clone();
        assert_eq!(everyone["items"].as_array().unwrap().len(), 3);
        // Staff endpoints are closed to partners.
        app.get("/api/v1/employees", &token).problem(403);
        app.get(
            &format!("/api/v1/partners/{}/credentials", id(&insurer)),
            &token,
        )
        .problem(403);
        create(
            &token,
            json!({"partner_type": "carrier", "name": "联通", "region": "四川"}),
        )
        .problem(403);

        // Revoked: the token already issued stops at once, and no new one is issued.
        let revocation = format!(
            "/api/v1/partners/{}/credentials/{client_id}/revocation",
            id(&insurer)
        );
        let revoked = app.post(&revocation, &finance, &json!({})).ok(200).clone();
        assert!(revoked["revoked_at"].is_string());
        app.post(&revocation, &finance, &json!({})).problem(409);
        app.post(
            &format!(
                "/api/v1/partners/{}/credentials/{client_id}/revocation",
                id(&other)
            ),
            &finance,
            &json!({}),
        )
        .problem(404);
        app.get(&format!("/api/v1/partners/{}", id(&insurer)), &token)
            .problem(401);
        partner_token(&app, &client_id, &secret).problem(401);
        let trail = app.audit("partner", &id(&insurer));
        let actions: Vec<&str> = trail
            .iter()
            .map(|entry| entry["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"partner.credential.revoke"),
            "{actions:?}"
        );
    }
);

both_backends!(
    set_2_3_6_settlement_periods_and_the_franchise_split,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let periods = |query: &str| {
            app.get(&format!("/api/v1/settlement/periods?{query}"), &finance)
                .ok(200)["periods"]
                .as_array()
                .unwrap()
                .clone()
        };
        // SET-2: February's third due date is its last day; the first period starts after
        // January's last due date, the 30th.
        let february = periods("partner_type=insurer&month=2026-02");
        let due: Vec<&str> = february
            .iter()
            .map(|p| p["due_on"].as_str().unwrap())
            .collect();
        assert_eq!(due, ["2026-02-10", "2026-02-20", "2026-02-28"]);
        assert_eq!(february[0]["covers_from"], "2026-01-31");
        // SET-3: carriers settle at month end, 29 February in a leap year.
        let carrier = periods("partner_type=carrier&month=2028-02");
        assert_eq!(carrier[0]["due_on"], "2028-02-29");
        let bad = app.get(
            "/api/v1/settlement/periods?partner_type=bank&month=2026-02",
            &finance,
        );
        assert_eq!(bad.problem(422)["errors"][0]["field"], "partner_type");

        // SET-6: Hebei splits 60:40, half-even to the fen for the company.
        let split = |body: Value| app.post("/api/v1/settlement/franchise-split", &finance, &body);
        let hebei = split(json!({"region": "河北", "operating_profit": "1000.01"}))
            .ok(200)
            .clone();
        assert_eq!(hebei["company_share"], "600.01");
        assert_eq!(hebei["franchisee_share"], "400.00");
        let none = split(json!({"region": "浙江", "operating_profit": "1000.00"}));
        let problem = none.problem(422);
        assert_eq!(problem["rule"], "SET-6");
        assert_eq!(problem["region"], "浙江");
        let contract = split(json!({"region": "浙江", "operating_profit": "1000.00", "contract_split": {"company": 55, "franchisee": 45}}))
            .ok(200)
            .clone();
        assert_eq!(contract["company_share"], "550.00");
        let loss = split(json!({"region": "山西", "operating_profit": "-200.00"}))
            .ok(200)
            .clone();
        assert_eq!(loss["company_share"], "0.00");
        assert_eq!(loss["loss"], "-200.00");
    }
);

both_backends!(
    set_6_a_franchisee_month_is_settled_once_with_its_region_split,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let (_, finance) = app.user_with_roles("qian.caiwu", &["finance"]);
        let create = |body: Value| {
            app.post("/api/v1/partners", &finance, &body).ok(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let hebei =
            create(json!({"partner_type": "franchisee", "name": "石家庄加盟店", "region": "河北"}));
        let zhejiang =
            create(json!({"partner_type": "franchisee", "name": "杭州加盟店", "region": "浙江"}));
        let insurer =
            create(json!({"partner_type": "insurer", "name": "平安保险", "region": "四川"}));
        let settle = |partner: &str, month: &str, profit: &str| {
            app.post(
                "/api/v1/franchise-settlements",
                &finance,
                &json!({"partner_id": partner, "month": month, "operating_profit": profit}),
            )
        };
        let march = settle(&hebei, "2026-03", "1000.01").ok(201).clone();
        assert_eq!(march["company_share"], "600.01");
        assert_eq!(march["franchisee_share"], "400.00");
        assert_eq!(march["basis"], "fixed_region");
        settle(&hebei, "2026-03", "1.00").problem(409);
        let loss = settle(&hebei, "2026-04", "-50.00").ok(201).clone();
        assert_eq!(loss["franchisee_share"], "0.00");
        assert_eq!(loss["loss"], "-50.00");
        let no_split = settle(&zhejiang, "2026-03", "100.00");
        assert_eq!(no_split.problem(422)["region"], "浙江");
        let not_franchisee = settle(&insurer, "2026-03", "100.00");
        assert_eq!(
            not_franchisee.problem(422)["type"],
            "/problems/field-refused"
        );
        assert_eq!(not_franchisee.error_fields(), ["partner_id"]);

        // A franchisee reads its own months only.
        let issued = app
            .post(
                &format!("/api/v1/partners/{zhejiang}/credentials"),
                &finance,
                &json!({}),
            )
            .ok(201)
            .clone();
        let token = partner_token(
            &app,
            issued["client_id"].as_str().unwrap(),
            issued["client_secret"].as_str().unwrap(),
        )
        .ok(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let own = app
            .get(
                &format!("/api/v1/franchise-settlements?partner_id={hebei}"),
                &token,
            )
            .ok(200)
            .clone();
        assert_eq!(own.as_array().unwrap().len(), 0);
        let all = app
            .get("/api/v1/franchise-settlements", &finance)
            .ok(200)
            .clone();
        assert_eq!(all.as_array().unwrap().len(), 2);
        app.post(
            "/api/v1/franchise-settlements",
            &token,
            &json!({"partner_id": zhejiang, "month": "2026-05", "operating_profit": "1.00"}),
        )
        .problem(403);
    }
);
