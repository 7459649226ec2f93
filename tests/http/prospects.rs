//! LEAD through HTTP: ownership by the first invitation with a visit within 3 days (and not
//! at 3 days and one minute), the refused duplicate invitation and the discipline record it
//! leaves, contested deals agreed or voided but never split, and follow-up ownership with its
//! deposit tie-break, one-week hand-over and 40% failure bar.

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app};

/// A sales department: its head (a `manager` with an account) and three staff reporting to
/// the head, the first with an account of role `cs_agent`.
struct Sales {
    head: String,
    a: String,
    b: String,
    c: String,
    head_token: String,
    agent_token: String,
}

fn sales(app: &TestApp) -> Sales {
    let department = app.create_department("销售部");
    let (head_user, head_token) = app.user_with_roles("wang.jingli", &["manager"]);
    let (a_user, agent_token) = app.user_with_roles("li.xiaoshou", &["cs_agent"]);
    let head = app.create_employee(&json!({"name": "王经理", "department_id": department, "rank": "manager", "user_id": head_user}));
    let staff = |name: &str, user: Option<&str>| {
        let mut body = json!({"name": name, "department_id": department, "rank": "staff", "superior_id": head});
        if let Some(user) = user {
            body["user_id"] = json!(user);
        }
        app.create_employee(&body)
    };
    Sales {
        a: staff("李销售", Some(&a_user)),
        b: staff("赵销售", None),
        c: staff("孙销售", None),
        head,
        head_token,
        agent_token,
    }
}

fn prospect(app: &TestApp, token: &str, company: &str) -> Value {
    app.post(
        "/api/v1/prospects",
        token,
        &json!({"company_name": company, "contact_name": "陈总", "phone": "021-55550000", "source": "展会"}),
    )
    .ok(201)
    .clone()
}

fn at(instant: OffsetDateTime) -> String {
    instant
        .to_offset(UtcOffset::from_hms(8, 0, 0).unwrap())
        .format(&Rfc3339)
        .unwrap()
}

fn path(prospect: &Value, rest: &str) -> String {
    format!(
        "/api/v1/prospects/{}{rest}",
        prospect["id"].as_str().unwrap()
    )
}

fn invite(
    app: &TestApp,
    token: &str,
    prospect: &Value,
    staff: &str,
    confirmed: OffsetDateTime,
    visit_after: Duration,
) -> crate::support::Reply {
    app.post(
        &path(prospect, "/invitations"),
        token,
        &json!({
            "staff_id": staff,
            "confirmed_at": at(confirmed),
            "appointment_at": at(confirmed + visit_after),
            "place": "公司会议室"
        }),
    )
}

fn detail(app: &TestApp, prospect: &Value) -> Value {
    app.get(&path(prospect, ""), &app.admin_token)
        .ok(200)
        .clone()
}

both_backends!(
    lead_1_first_invitation_within_three_days_owns_and_a_duplicate_is_refused,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let s = sales(&app);
        let p = prospect(&app, &s.agent_token, "上海某某贸易有限公司");
        assert_eq!(p["ownership"], "unclaimed");
        assert!(p["owner_id"].is_null());
        assert!(!app.audit("prospect", p["id"].as_str().unwrap()).is_empty());
        let now = app.now();
        let confirmed = now - Duration::hours(5);

        // 3 days and one minute: shared.
        let shared = invite(
            &app,
            &s.agent_token,
            &p,
            &s.a,
            confirmed,
            Duration::days(3) + Duration::minutes(1),
        );
        let shared = shared.ok(201);
        assert_eq!(shared["invitation"]["claims"], false);
        assert_eq!(shared["prospect"]["ownership"], "shared");
        assert!(shared["prospect"]["owner_id"].is_null());

        // Exactly 3 days: B confirmed first with a claiming visit and owns it.
        let owned = invite(
            &app,
            &s.agent_token,
            &p,
            &s.b,
            confirmed + Duration::minutes(10),
            Duration::days(3),
        );
        let owned = owned.ok(201).clone();
        assert_eq!(owned["invitation"]["claims"], true);
        assert_eq!(owned["prospect"]["ownership"], "owned");
        assert_eq!(owned["prospect"]["owner_id"], s.b.as_str());

        // C claims it too within the window: refused, and recorded for DISC.
        let refused = invite(
            &app,
            &s.agent_token,
            &p,
            &s.c,
            confirmed + Duration::minutes(20),
            Duration::days(1),
        );
        let problem = refused.problem(409);
        assert_eq!(problem["rule"], "LEAD-1");
        assert_eq!(problem["owner_id"], s.b.as_str());
        let record_id = problem["discipline_record_id"].as_str().unwrap();
        let record = app
            .get(
                &format!("/api/v1/discipline/records/{record_id}"),
                &app.admin_token,
            )
            .ok(200)
            .clone();
        assert_eq!(record["employee_id"], s.c.as_str());
        assert_eq!(record["offense_code"], "intentional_duplicate_invitation");
        assert_eq!(record["status"], "pending_statement");
        assert_eq!(record["fine"], "500.00");
        let after = detail(&app, &p);
        assert_eq!(after["invitations"].as_array().unwrap().len(), 2);
        assert_eq!(after["version"], owned["prospect"]["version"]);
        assert_eq!(after["owner_id"], s.b.as_str());

        // Others may help: C's invitation with a visit beyond the window is recorded.
        let help = invite(
            &app,
            &s.agent_token,
            &p,
            &s.c,
            confirmed + Duration::minutes(30),
            Duration::days(4),
        );
        assert_eq!(help.ok(201)["prospect"]["owner_id"], s.b.as_str());
        // And the owner may confirm again.
        let again = invite(
            &app,
            &s.agent_token,
            &p,
            &s.b,
            confirmed + Duration::minutes(40),
            Duration::days(1),
        );
        again.ok(201);

        // Field problems, unknown prospect and staff.
        let bad = app.post(
            &path(&p, "/invitations"),
            &s.agent_token,
            &json!({"staff_id": s.a, "confirmed_at": at(confirmed), "appointment_at": at(confirmed - Duration::minutes(1)), "place": "公司"}),
        );
        assert_eq!(bad.problem(422)["type"], "/problems/field-refused");
        assert_eq!(bad.error_fields(), vec!["appointment_at"]);
        let future = invite(
            &app,
            &s.agent_token,
            &p,
            &s.a,
            now + Duration::hours(1),
            Duration::days(1),
        );
        assert_eq!(future.problem(422)["type"], "/problems/field-refused");
        assert_eq!(future.error_fields(), vec!["confirmed_at"]);
        let nobody = invite(
            &app,
            &s.agent_token,
            &p,
            "no-such-employee",
            confirmed,
            Duration::days(1),
        );
        assert_eq!(nobody.problem(422)["type"], "/problems/field-refused");
        assert_eq!(nobody.error_fields(), vec!["staff_id"]);
        invite(
            &app,
            &s.agent_token,
            &json!({"id": "no-such-prospect"}),
            &s.a,
            confirmed,
            Duration::days(1),
        )
        .problem(404);
        assert_eq!(detail(&app, &p)["invitations"].as_array().unwrap().len(), 4);
    }
);

both_backends!(
    lead_prospects_are_listed_by_owner_and_ownership_with_a_cursor,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let s = sales(&app);
        let owned = prospect(&app, &s.agent_token, "甲公司");
        invite(
            &app,
            &s.agent_token,
            &owned,
            &s.a,
            app.now() - Duration::hours(1),
            Duration::days(2),
        )
        .ok(201);
        let first_open = prospect(&app, &s.agent_token, "乙公司");
        let second_open = prospect(&app, &s.agent_token, "丙公司");

        let mine = app.get(&format!("/api/v1/prospects?owner={}", s.a), &s.agent_token);
        let mine = mine.ok(200)["items"].as_array().unwrap().clone();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["id"], owned["id"]);

        let page = app
            .get("/api/v1/prospects?status=unclaimed&limit=1", &s.agent_token)
            .ok(200)
            .clone();
        assert_eq!(page["items"][0]["id"], first_open["id"]);
        let cursor = page["next_cursor"].as_str().unwrap();
        let next = app
            .get(
                &format!("/api/v1/prospects?status=unclaimed&limit=1&cursor={cursor}"),
                &s.agent_token,
            )
            .ok(200)
            .clone();
        assert_eq!(next["items"][0]["id"], second_open["id"]);
        assert!(next["next_cursor"].is_null());

        app.get("/api/v1/prospects?status=mine", &s.agent_token)
            .problem(422);
        // Each field is refused for breaking what the schema states about it.
        for (body, field) in [
            (
                json!({"company_name": " ", "contact_name": "陈总", "phone": "021-5555", "source": "展会"}),
                "company_name",
            ),
            (
                json!({"company_name": "丁公司", "contact_name": "陈总", "phone": "1", "source": "展会"}),
                "phone",
            ),
        ] {
            let refused = app.post("/api/v1/prospects", &s.agent_token, &body);
            assert_eq!(refused.problem(422)["type"], "/problems/validation");
            assert_eq!(refused.error_fields(), vec![field]);
        }
        let chosen = app.post(
            "/api/v1/prospects",
            &s.agent_token,
            &json!({"company_name": "丁公司", "contact_name": "陈总", "phone": "021-5555", "source": "展会", "ownership": "owned"}),
        );
        chosen.problem(422);
        let all = app.get("/api/v1/prospects", &s.agent_token).ok(200).clone();
        assert_eq!(all["items"].as_array().unwrap().len(), 3);
    }
);

fn deal(app: &TestApp, prospect: &Value, claimants: &[&str]) -> Value {
    app.post(
        &path(prospect, "/deals"),
        &app.admin_token,
        &json!({"claimant_ids": claimants, "amount": "12000.00", "closed_at": at(app.now() - Duration::hours(1))}),
    )
    .ok(201)
    .clone()
}

fn resolution_path(prospect: &Value, deal: &Value) -> String {
    path(
        prospect,
        &format!("/deals/{}/resolution", deal["id"].as_str().unwrap()),
    )
}

both_backends!(
    lead_2_a_contested_deal_is_agreed_on_one_owner_or_void_never_split,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let s = sales(&app);
        let p = prospect(&app, &s.agent_token, "上海某某贸易有限公司");
        let single = deal(&app, &p, &[&s.a]);
        assert_eq!(single["status"], "won");
        assert_eq!(single["owner_id"], s.a.as_str());
        let contested = deal(&app, &p, &[&s.a, &s.b]);
        assert_eq!(contested["status"], "contested");
        assert!(contested["owner_id"].is_null());
        let resolve = resolution_path(&p, &contested);

        let split = app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "agreed", "owner_id": s.a, "shares": [{"employee_id": s.a, "percent": 50}, {"employee_id": s.b, "percent": 50}], "note": "各一半", "version": 1}),
        );
        assert_eq!(split.problem(422)["rule"], "LEAD-2");
        let stranger = app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "agreed", "owner_id": s.c, "note": "给孙", "version": 1}),
        );
        assert_eq!(stranger.problem(422)["type"], "/problems/field-refused");
        assert_eq!(stranger.error_fields(), vec!["owner_id"]);
        let ownerless = app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "agreed", "note": "商定", "version": 1}),
        );
        assert_eq!(ownerless.problem(422)["type"], "/problems/field-refused");
        assert_eq!(ownerless.error_fields(), vec!["owner_id"]);
        app.post(
            &resolve,
            &s.agent_token,
            &json!({"outcome": "agreed", "owner_id": s.a, "note": "商定", "version": 1}),
        )
        .problem(403);
        app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "agreed", "owner_id": s.a, "note": "商定", "version": 7}),
        )
        .problem(412);
        let unchanged = detail(&app, &p);
        assert_eq!(unchanged["deals"][1]["status"], "contested");
        assert_eq!(unchanged["deals"][1]["version"], 1);

        let agreed = app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "agreed", "owner_id": s.a, "note": "二人商定归李", "version": 1}),
        );
        let agreed = agreed.ok(200).clone();
        assert_eq!(agreed["deal"]["status"], "agreed");
        assert_eq!(agreed["deal"]["owner_id"], s.a.as_str());
        assert_eq!(agreed["deal"]["reported_to"], s.head.as_str());
        assert_eq!(agreed["discipline_record_ids"], json!([]));
        app.post(
            &resolve,
            &s.head_token,
            &json!({"outcome": "void", "note": "再议", "version": 2}),
        )
        .problem(409);
        app.post(
            &resolution_path(&p, &single),
            &s.head_token,
            &json!({"outcome": "void", "note": "再议", "version": 1}),
        )
        .problem(409);

        // Could not agree, and quarrelled: void, and each gets the DISC record.
        let quarrel = deal(&app, &p, &[&s.b, &s.c]);
        let void = app.post(
            &resolution_path(&p, &quarrel),
            &s.head_token,
            &json!({"outcome": "void", "quarrel": true, "note": "争执不下", "version": 1}),
        );
        let void = void.ok(200).clone();
        assert_eq!(void["deal"]["status"], "void");
        assert!(void["deal"]["owner_id"].is_null());
        let records = void["discipline_record_ids"].as_array().unwrap();
        assert_eq!(records.len(), 2);
        for id in records {
            let record = app
                .get(
                    &format!("/api/v1/discipline/records/{}", id.as_str().unwrap()),
                    &app.admin_token,
                )
                .ok(200)
                .clone();
            assert_eq!(record["offense_code"], "deal_collision_quarrel");
            assert_eq!(record["fine"], "100.00");
            assert_eq!(record["status"], "pending_statement");
        }

        let bad = app.post(
            &path(&p, "/deals"),
            &app.admin_token,
            &json!({"claimant_ids": [s.a, "nobody"], "amount": "0.00", "closed_at": at(app.now())}),
        );
        assert_eq!(bad.problem(422)["type"], "/problems/validation");
        assert_eq!(bad.error_fields(), vec!["amount"]);
        let nobody = app.post(
            &path(&p, "/deals"),
            &app.admin_token,
            &json!({"claimant_ids": [s.a, "nobody"], "amount": "10.00", "closed_at": at(app.now() - Duration::minutes(1))}),
        );
        assert_eq!(nobody.problem(422)["type"], "/problems/field-refused");
        assert_eq!(nobody.error_fields(), vec!["claimant_ids[1]"]);
        assert_eq!(detail(&app, &p)["deals"].as_array().unwrap().len(), 3);
    }
);

fn assign(
    app: &TestApp,
    prospect: &Value,
    inviter: &str,
    closer: &str,
    agreed: Option<&str>,
    interviewed: &str,
) -> crate::support::Reply {
    let current = detail(app, prospect);
    let mut body = json!({"inviter_id": inviter, "closer_id": closer, "interviewed_at": interviewed, "version": current["version"]});
    if let Some(agreed) = agreed {
        body["agreed_owner_id"] = json!(agreed);
    }
    app.post(&path(prospect, "/follow-up-owner"), &app.admin_token, &body)
}

fn outcome(app: &TestApp, prospect: &Value, result: &str, occurred: &str) -> crate::support::Reply {
    app.post(
        &path(prospect, "/follow-ups"),
        &app.admin_token,
        &json!({"result": result, "occurred_at": occurred, "note": "电话跟进"}),
    )
}

both_backends!(
    lead_3_follow_up_goes_to_the_deposit_collector_and_passes_after_one_week,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let s = sales(&app);
        let p = prospect(&app, &s.agent_token, "上海某某贸易有限公司");
        let now = app.now();
        let week_ago = now - Duration::days(7);

        let undecided = assign(&app, &p, &s.a, &s.b, None, &at(week_ago));
        assert_eq!(undecided.problem(422)["rule"], "LEAD-3");
        let outsider = assign(&app, &p, &s.a, &s.b, Some(&s.c), &at(week_ago));
        assert_eq!(outsider.problem(422)["type"], "/problems/field-refused");
        assert_eq!(outsider.error_fields(), vec!["agreed_owner_id"]);
        assert!(detail(&app, &p)["follow_up"].is_null());
        outcome(&app, &p, "failure", &at(week_ago)).problem(409);

        let deposit = app.post(
            &path(&p, "/deposits"),
            &s.agent_token,
            &json!({"collector_id": s.b, "amount": "500.00", "collected_at": at(week_ago - Duration::hours(1))}),
        );
        assert_eq!(deposit.ok(201)["amount"], "500.00");
        let bad_deposit = app.post(
            &path(&p, "/deposits"),
            &s.agent_token,
            &json!({"collector_id": s.b, "amount": "-1.00", "collected_at": at(week_ago)}),
        );
        assert_eq!(bad_deposit.problem(422)["type"], "/problems/validation");
        assert_eq!(bad_deposit.error_fields(), vec!["amount"]);

        // Both want it: B collected the deposit and owns it. A week has passed exactly, without
        // a result: it belongs to A now.
        let assigned = assign(&app, &p, &s.a, &s.b, None, &at(week_ago));
        let assigned = assigned.ok(200).clone();
        assert_eq!(assigned["follow_up"]["assigned_owner_id"], s.b.as_str());
        assert_eq!(assigned["follow_up"]["other_id"], s.a.as_str());
        assert_eq!(assigned["follow_up"]["passed_to_other"], true);
        assert_eq!(assigned["follow_up"]["owner_id"], s.a.as_str());
        assign(&app, &p, &s.a, &s.b, Some(&s.a), &at(week_ago)).problem(409);

        // A week less a minute: still the assigned owner's.
        let q = prospect(&app, &s.agent_token, "乙公司");
        let recent = week_ago + Duration::minutes(1);
        let kept = assign(&app, &q, &s.a, &s.b, Some(&s.a), &at(recent));
        let kept = kept.ok(200).clone();
        assert_eq!(kept["follow_up"]["owner_id"], s.a.as_str());
        assert_eq!(kept["follow_up"]["passed_to_other"], false);

        // Outcomes count to whoever owned the follow-up then.
        let early = outcome(&app, &p, "failure", &at(week_ago + Duration::days(1)));
        assert_eq!(early.ok(201)["owner_id"], s.b.as_str());
        let late = outcome(&app, &p, "failure", &at(week_ago + Duration::days(7)));
        assert_eq!(late.ok(201)["owner_id"], s.a.as_str());
        let before_start = outcome(&app, &p, "failure", &at(week_ago - Duration::minutes(1)));
        assert_eq!(before_start.problem(422)["type"], "/problems/field-refused");
        assert_eq!(before_start.error_fields(), vec!["occurred_at"]);
        let done = outcome(&app, &p, "success", &at(now - Duration::minutes(1)));
        done.ok(201);
        let converted = detail(&app, &p);
        assert!(converted["converted_at"].is_string());
        assert_eq!(converted["follow_ups"].as_array().unwrap().len(), 3);
        outcome(&app, &p, "failure", &at(now)).problem(409);
    }
);

both_backends!(
    lead_3_forty_percent_failed_follow_ups_bar_the_next_month,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let s = sales(&app);
        // March 2026: A has 2 failures in 5 outcomes (40%), B 1 in 3 (33.33%).
        let march = |day: u8| format!("2026-03-{day:02}T10:00:00+08:00");
        let follow = |owner: &str, results: &[&str]| {
            let p = prospect(&app, &s.agent_token, "某公司");
            assign(&app, &p, owner, &s.c, Some(owner), &march(2)).ok(200);
            for (i, result) in results.iter().enumerate() {
                let day = 3 + u8::try_from(i).unwrap();
                outcome(&app, &p, result, &march(day)).ok(201);
            }
        };
        follow(&s.a, &["failure", "failure", "success"]);
        follow(&s.a, &["success"]);
        follow(&s.a, &["success"]);
        follow(&s.b, &["failure", "success"]);
        follow(&s.b, &["success"]);

        let report = app
            .get(
                "/api/v1/follow-up-eligibility?month=2026-04",
                &s.agent_token,
            )
            .ok(200)
            .clone();
        assert_eq!(report["counted_month"], "2026-03");
        let staff = report["staff"].as_array().unwrap();
        let of = |id: &str| {
            staff
                .iter()
                .find(|entry| entry["employee_id"] == id)
                .unwrap()
                .clone()
        };
        let a = of(&s.a);
        assert_eq!(
            (
                &a["outcomes"],
                &a["failures"],
                &a["failure_rate_bp"],
                &a["eligible"]
            ),
            (&json!(5), &json!(2), &json!(4000), &json!(false))
        );
        let b = of(&s.b);
        assert_eq!(
            (
                &b["outcomes"],
                &b["failures"],
                &b["failure_rate_bp"],
                &b["eligible"]
            ),
            (&json!(3), &json!(1), &json!(3333), &json!(true))
        );
        let may = app
            .get(
                "/api/v1/follow-up-eligibility?month=2026-05",
                &s.agent_token,
            )
            .ok(200)
            .clone();
        assert_eq!(may["staff"], json!([]));

        // April: A may not own a follow-up; B may.
        let april = "2026-04-01T09:00:00+08:00";
        let p = prospect(&app, &s.agent_token, "丙公司");
        let barred = assign(&app, &p, &s.a, &s.b, Some(&s.a), april);
        let problem = barred.problem(422);
        assert_eq!(problem["rule"], "LEAD-3");
        assert_eq!(problem["owner_id"], s.a.as_str());
        let unchanged = detail(&app, &p);
        assert!(unchanged["follow_up"].is_null());
        assert_eq!(unchanged["version"], 1);
        let allowed = assign(&app, &p, &s.a, &s.b, Some(&s.b), april);
        assert_eq!(
            allowed.ok(200)["follow_up"]["assigned_owner_id"],
            s.b.as_str()
        );

        app.get(
            "/api/v1/follow-up-eligibility?month=2026-13",
            &s.agent_token,
        )
        .problem(422);
        app.get("/api/v1/follow-up-eligibility", &s.agent_token)
            .problem(422);
    }
);
