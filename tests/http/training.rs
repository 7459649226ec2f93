//! TRAIN-1..4 through HTTP: sessions and attendance, assessments at the pass mark and the
//! retake limit, certificates (the leap day) and who lacks one, and customers' training cadence.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app_at};

/// A staff account with `roles` and its employee record; returns (employee id, token).
fn staff(app: &TestApp, department_id: &str, username: &str, roles: &[&str]) -> (String, String) {
    let (user_id, token) = app.user_with_roles(username, roles);
    let employee_id = app.create_employee(
        &json!({"name": username, "department_id": department_id, "rank": "staff", "user_id": user_id}),
    );
    (employee_id, token)
}

fn actions(trail: &[Value]) -> Vec<&str> {
    trail
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

both_backends!(
    train_1_2_3_sessions_attendance_assessments_and_a_leap_day_certificate,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2024-02-28 10:00 +8));
        let department_id = app.create_department("客服部");
        let (_, hr) = app.user_with_roles("li.renshi", &["hr"]);
        let (agent_a, agent) = staff(&app, &department_id, "zhang.kefu", &["cs_agent"]);
        let (agent_b, _) = staff(&app, &department_id, "wang.kefu", &["cs_agent"]);
        let (agent_c, _) = staff(&app, &department_id, "zhao.kefu", &["cs_agent"]);
        let (trainer, _) = staff(&app, &department_id, "sun.jingli", &["cs_manager"]);

        // Courses: trainers only; unknown fields and wrong types are refused naming the field.
        let course = json!({"name": "客服规范", "certification": true});
        app.post("/api/v1/training-courses", &agent, &course)
            .problem(403);
        let wrong = app.post(
            "/api/v1/training-courses",
            &hr,
            &json!({"name": "客服规范", "certification": "yes"}),
        );
        assert_eq!(wrong.problem(422)["errors"][0]["field"], "certification");
        let extra = app.post(
            "/api/v1/training-courses",
            &hr,
            &json!({"name": "客服规范", "certification": true, "level": "gold"}),
        );
        extra.problem(422);
        let course = app
            .post("/api/v1/training-courses", &hr, &course)
            .ok(201)
            .clone();
        let course_id = course["id"].as_str().unwrap();
        let again = app.post(
            "/api/v1/training-courses",
            &hr,
            &json!({"name": "客服规范", "certification": false}),
        );
        assert_eq!(again.problem(422)["errors"][0]["field"], "name");
        let listed = app.get("/api/v1/training-courses", &hr);
        assert_eq!(listed.ok(200)["items"].as_array().unwrap().len(), 1);

        // TRAIN-1: a session with its trainer, day, hours and attendees.
        let session = |hours: &str, attendees: Value| {
            json!({
                "course_id": course_id, "trainer_id": trainer, "held_on": "2024-02-29",
                "hours": hours, "attendee_ids": attendees
            })
        };
        let everyone = json!([agent_a, agent_b, agent_c]);
        app.post(
            "/api/v1/training-sessions",
            &agent,
            &session("2.5", everyone.clone()),
        )
        .problem(403);
        for bad in ["abc", "2.555", "-1"] {
            let reply = app.post(
                "/api/v1/training-sessions",
                &hr,
                &session(bad, everyone.clone()),
            );
            assert_eq!(reply.problem(422)["errors"][0]["field"], "hours", "{bad}");
        }
        for bad in ["0", "24.01"] {
            let reply = app.post(
                "/api/v1/training-sessions",
                &hr,
                &session(bad, everyone.clone()),
            );
            assert_eq!(reply.problem(422)["errors"][0]["field"], "hours", "{bad}");
        }
        let unknown = app.post(
            "/api/v1/training-sessions",
            &hr,
            &session("2.5", json!([agent_a, "nobody"])),
        );
        assert_eq!(
            unknown.problem(422)["errors"][0]["field"],
            "attendee_ids[1]"
        );
        let twice = app.post(
            "/api/v1/training-sessions",
            &hr,
            &session("2.5", json!([agent_a, agent_a])),
        );
        assert_eq!(twice.problem(422)["errors"][0]["field"], "attendee_ids[1]");
        let created = app.post("/api/v1/training-sessions", &hr, &session("2.5", everyone));
        let created = created.ok(201).clone();
        assert_eq!(created["hours"], "2.50");
        assert_eq!(created["version"], 1);
        let session_id = created["id"].as_str().unwrap().to_owned();
        let path = |tail: &str| format!("/api/v1/training-sessions/{session_id}{tail}");

        // Attendance is recorded from the session's day on, versioned.
        let marks = json!({"version": 1, "attendance": [
            {"employee_id": agent_a, "present": true},
            {"employee_id": agent_b, "present": false},
            {"employee_id": agent_c, "present": true}
        ]});
        let early = app.post(&path("/attendance"), &hr, &marks);
        assert_eq!(early.problem(422)["rule"], "TRAIN-1");
        app.set_clock(datetime!(2024-02-29 15:00 +8));
        let stranger = app.post(
            &path("/attendance"),
            &hr,
            &json!({"version": 1, "attendance": [{"employee_id": trainer, "present": true}]}),
        );
        assert_eq!(
            stranger.problem(422)["errors"][0]["field"],
            "attendance[0].employee_id"
        );
        let recorded = app.post(&path("/attendance"), &hr, &marks);
        assert_eq!(recorded.ok(200)["version"], 2);
        app.post(&path("/attendance"), &hr, &marks).problem(412);

        // TRAIN-2: the score scale, the absent, 59 against 60, and at most two retakes.
        let assess = |employee: &str, score: i64| {
            app.post(
                &path("/assessments"),
                &hr,
                &json!({"employee_id": employee, "score": score}),
            )
        };
        for bad in [101, -1] {
            let reply = assess(&agent_a, bad);
            assert_eq!(reply.problem(422)["errors"][0]["field"], "score", "{bad}");
        }
        assert_eq!(assess(&agent_b, 80).problem(422)["rule"], "TRAIN-2");
        assert_eq!(
            assess(&trainer, 80).problem(422)["errors"][0]["field"],
            "employee_id"
        );
        app.post(
            &path("/assessments"),
            &agent,
            &json!({"employee_id": agent_a, "score": 90}),
        )
        .problem(403);
        let first = assess(&agent_a, 59).ok(201).clone();
        assert_eq!(
            (
                first["assessment"]["passed"].clone(),
                first["assessment"]["attempt"].clone(),
                first["certificate"].clone()
            ),
            (json!(false), json!(1), Value::Null),
            "59 fails"
        );
        assert_eq!(assess(&agent_a, 30).ok(201)["assessment"]["attempt"], 2);
        assert_eq!(assess(&agent_a, 45).ok(201)["assessment"]["attempt"], 3);
        let fourth = assess(&agent_a, 95);
        assert_eq!(fourth.problem(422)["rule"], "TRAIN-2", "a third retake");

        // TRAIN-3: a pass at exactly 60 on the leap day issues a certificate through 2025-02-28.
        let passed = assess(&agent_c, 60).ok(201).clone();
        assert_eq!(passed["assessment"]["passed"], true, "60 passes");
        let certificate = &passed["certificate"];
        assert_eq!(certificate["number"], "ZD-CERT-2024-00001");
        assert_eq!(certificate["issued_on"], "2024-02-29");
        assert_eq!(certificate["valid_through"], "2025-02-28");
        assert_eq!(
            assess(&agent_c, 70).problem(422)["rule"],
            "TRAIN-2",
            "no attempt after a pass"
        );

        let read = app.get(&path(""), &hr).ok(200).clone();
        let attendees = read["attendees"].as_array().unwrap();
        let of = |id: &str| attendees.iter().find(|a| a["employee_id"] == id).unwrap();
        assert_eq!(of(&agent_a)["assessments"].as_array().unwrap().len(), 3);
        assert_eq!(of(&agent_b)["present"], false);
        let held = app.get(&format!("/api/v1/certificates?employee_id={agent_c}"), &hr);
        assert_eq!(held.ok(200)[0]["number"], "ZD-CERT-2024-00001");

        // Someone assessed cannot be marked absent afterwards.
        let unmark = app.post(
            &path("/attendance"),
            &hr,
            &json!({"version": 2, "attendance": [{"employee_id": agent_c, "present": false}]}),
        );
        unmark.problem(409);

        assert_eq!(
            actions(&app.audit("training_session", &session_id)),
            ["training_session.create", "training_session.attendance"]
        );
        assert_eq!(
            actions(&app.audit("certificate", certificate["id"].as_str().unwrap())),
            ["certificate.issue"]
        );
        assert_eq!(
            actions(&app.audit(
                "training_assessment",
                passed["assessment"]["id"].as_str().unwrap()
            )),
            ["training_assessment.record"]
        );
    }
);

both_backends!(
    train_3_who_lacks_a_certificate_or_holds_one_expiring_within_30_days,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2025-03-01 09:00 +8));
        let department_id = app.create_department("维护部");
        let (_, hr) = app.user_with_roles("li.renshi", &["hr"]);
        let (certified, agent) = staff(&app, &department_id, "zhang.kefu", &["cs_agent"]);
        let (uncertified, _) = staff(&app, &department_id, "zhao.weihu", &["technician"]);
        let (office, _) = staff(&app, &department_id, "qian.renshi", &["hr"]);
        let (trainer, _) = staff(&app, &department_id, "sun.jingli", &["manager"]);

        let course = app.post(
            "/api/v1/training-courses",
            &hr,
            &json!({"name": "上岗认证", "certification": true}),
        );
        let course_id = course.ok(201)["id"].as_str().unwrap().to_owned();
        let session = app.post(
            "/api/v1/training-sessions",
            &hr,
            &json!({"course_id": course_id, "trainer_id": trainer, "held_on": "2025-03-01",
                    "hours": "4", "attendee_ids": [certified]}),
        );
        let session_id = session.ok(201)["id"].as_str().unwrap().to_owned();
        app.post(
            &format!("/api/v1/training-sessions/{session_id}/attendance"),
            &hr,
            &json!({"version": 1, "attendance": [{"employee_id": certified, "present": true}]}),
        )
        .ok(200);
        let passed = app.post(
            &format!("/api/v1/training-sessions/{session_id}/assessments"),
            &hr,
            &json!({"employee_id": certified, "score": 88}),
        );
        assert_eq!(passed.ok(201)["certificate"]["valid_through"], "2026-02-28");

        let gaps = |on: &str| {
            let page = app.get(&format!("/api/v1/certificates/gaps?on={on}"), &hr);
            page.ok(200)["items"].as_array().unwrap().clone()
        };
        let reason_of = |items: &[Value], id: &str| {
            items
                .iter()
                .find(|item| item["employee_id"] == id)
                .map(|item| item["reason"].as_str().unwrap().to_owned())
        };

        // 30 days before the last valid day: expiring; 31 days: fine.
        let at_30 = gaps("2026-01-29");
        assert_eq!(reason_of(&at_30, &certified).as_deref(), Some("expiring"));
        let row = at_30
            .iter()
            .find(|i| i["employee_id"] == certified)
            .unwrap();
        assert_eq!(row["valid_through"], "2026-02-28");
        assert_eq!(row["roles"], json!(["cs_agent"]));
        let at_31 = gaps("2026-01-28");
        assert_eq!(reason_of(&at_31, &certified), None);
        assert_eq!(reason_of(&at_31, &uncertified).as_deref(), Some("missing"));
        assert_eq!(reason_of(&at_31, &office), None, "hr needs no certificate");
        assert_eq!(reason_of(&at_31, &trainer), None);
        assert_eq!(
            reason_of(&gaps("2026-02-28"), &certified).as_deref(),
            Some("expiring"),
            "its last valid day"
        );
        assert_eq!(
            reason_of(&gaps("2026-03-01"), &certified).as_deref(),
            Some("expired")
        );
        assert_eq!(
            reason_of(&gaps("2025-02-28"), &certified).as_deref(),
            Some("missing"),
            "not yet issued that day"
        );

        app.get("/api/v1/certificates/gaps?on=2026-01-29", &agent)
            .problem(403);
        let bad_day = app.get("/api/v1/certificates/gaps?on=2026-02-30", &hr);
        assert_eq!(bad_day.problem(422)["errors"][0]["field"], "on");
        let paged = app.get("/api/v1/certificates/gaps?on=2026-01-29&limit=1", &hr);
        let first_page = paged.ok(200).clone();
        assert_eq!(first_page["items"].as_array().unwrap().len(), 1);
        let next = first_page["next_cursor"].as_str().unwrap();
        let second = app.get(
            &format!("/api/v1/certificates/gaps?on=2026-01-29&limit=1&cursor={next}"),
            &hr,
        );
        assert_eq!(second.ok(200)["items"].as_array().unwrap().len(), 1);
        assert_ne!(
            second.body["items"][0]["employee_id"],
            first_page["items"][0]["employee_id"]
        );
    }
);

both_backends!(
    train_4_customers_are_due_a_training_by_tier_or_on_request,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-03-31 16:00 +8));
        let (_, agent) = app.user_with_roles("zhang.kefu", &["cs_agent"]);
        let (_, manager) = app.user_with_roles("wang.jingli", &["cs_manager"]);
        let (_, technician) = app.user_with_roles("zhao.weihu", &["technician"]);
        let customer = |name: &str, tier: &str| {
            let id = app.create_customer(&json!({"area_type": "urban", "full_name": name}))["id"]
                .as_str()
                .unwrap()
                .to_owned();
            app.post(
                &format!("/api/v1/customers/{id}/tier-override"),
                &manager,
                &json!({"tier": tier, "reason": "培训节奏测试用"}),
            )
            .ok(201);
            id
        };
        let tier_a = customer("甲类客户", "A");
        let tier_b = customer("乙类客户", "B");
        let tier_c = customer("丙类客户", "C");

        let train = |id: &str, on: &str| {
            app.post(
                &format!("/api/v1/customers/{id}/trainings"),
                &agent,
                &json!({"trained_on": on, "topic": "网站后台操作"}),
            )
        };
        let tomorrow = train(&tier_a, "2026-04-01");
        assert_eq!(tomorrow.problem(422)["errors"][0]["field"], "trained_on");
        app.post(
            &format!("/api/v1/customers/{tier_a}/trainings"),
            &technician,
            &json!({"trained_on": "2026-03-31", "topic": "网站后台操作"}),
        )
        .problem(403);
        train("no-such-customer", "2026-03-31").problem(404);
        let extra = app.post(
            &format!("/api/v1/customers/{tier_a}/trainings"),
            &agent,
            &json!({"trained_on": "2026-03-31", "topic": "x", "channel": "sms"}),
        );
        extra.problem(422);
        let trained = train(&tier_a, "2026-03-31").ok(201).clone();
        assert_eq!(trained["trained_on"], "2026-03-31");
        train(&tier_b, "2026-02-10").ok(201);

        let due = |on: &str| {
            let page = app.get(&format!("/api/v1/customer-trainings/due?on={on}"), &agent);
            page.ok(200)["items"].as_array().unwrap().clone()
        };
        let entry = |items: &[Value], id: &str| {
            items
                .iter()
                .find(|item| item["customer_id"] == id)
                .map(|item| {
                    (
                        item["status"].as_str().unwrap().to_owned(),
                        item["due_by"].as_str().unwrap().to_owned(),
                        item["reason"].as_str().unwrap().to_owned(),
                    )
                })
        };
        let own = |status: &str, due_by: &str, reason: &str| {
            Some((status.to_owned(), due_by.to_owned(), reason.to_owned()))
        };

        // Tier A trained on the quarter's last day: covered that day, due in the next quarter,
        // overdue once it ends.
        assert_eq!(entry(&due("2026-03-31"), &tier_a), None);
        assert_eq!(
            entry(&due("2026-04-01"), &tier_a),
            own("due", "2026-06-30", "cadence")
        );
        assert_eq!(
            entry(&due("2026-07-01"), &tier_a),
            own("overdue", "2026-06-30", "cadence")
        );
        // Tier B: half years.
        assert_eq!(entry(&due("2026-06-30"), &tier_b), None);
        assert_eq!(
            entry(&due("2026-07-01"), &tier_b),
            own("due", "2026-12-31", "cadence")
        );
        assert_eq!(
            entry(&due("2027-01-01"), &tier_b),
            own("overdue", "2026-12-31", "cadence")
        );
        // Tier C: never due without a request.
        assert_eq!(entry(&due("2027-06-01"), &tier_c), None);

        let request = app.post(
            &format!("/api/v1/customers/{tier_c}/training-requests"),
            &agent,
            &json!({"requested_on": "2026-03-20", "note": "新员工需要培训"}),
        );
        let request = request.ok(201).clone();
        assert_eq!(request["status"], "open");
        let future = app.post(
            &format!("/api/v1/customers/{tier_c}/training-requests"),
            &agent,
            &json!({"requested_on": "2026-04-02"}),
        );
        assert_eq!(future.problem(422)["errors"][0]["field"], "requested_on");
        assert_eq!(
            entry(&due("2026-03-31"), &tier_c),
            own("due", "2026-04-19", "request")
        );
        assert_eq!(
            entry(&due("2026-04-20"), &tier_c),
            own("overdue", "2026-04-19", "request")
        );
        app.get("/api/v1/customer-trainings/due?on=2026-03-31", &technician)
            .problem(403);
        let bad = app.get("/api/v1/customer-trainings/due?on=31-03-2026", &agent);
        assert_eq!(bad.problem(422)["errors"][0]["field"], "on");

        // A training fulfils the request: tier C drops off the list.
        train(&tier_c, "2026-03-31").ok(201);
        assert_eq!(entry(&due("2026-04-20"), &tier_c), None);
        let request_id = request["id"].as_str().unwrap();
        assert_eq!(
            actions(&app.audit("customer_training_request", request_id)),
            [
                "customer_training_request.create",
                "customer_training_request.fulfil"
            ]
        );
        assert_eq!(
            actions(&app.audit("customer_training", trained["id"].as_str().unwrap())),
            ["customer_training.record"]
        );
    }
);
