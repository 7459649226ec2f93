//! AREA-1..3 through HTTP: monthly household figures with the growth target (+0.5%, rounded
//! up) and the stability rate (99% passes, 98.99% fails) joined to the SLA-9 report, and a
//! maintainer change taking effect on its date, on the public page and in the outbox.

use serde_json::{Value, json};
use time::macros::datetime;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{TestApp, spawn_app_at};

fn month_path(area: &Value, month: &str) -> String {
    format!(
        "/api/v1/service-areas/{}/months/{month}",
        area["id"].as_str().unwrap()
    )
}

fn kpis_of(app: &TestApp, token: &str, month: &str, area: &Value) -> (Value, Value) {
    let report = app
        .get(&format!("/api/v1/kpis/service-areas?month={month}"), token)
        .ok(200)
        .clone();
    let area_row = report["service_areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["service_area_id"] == area["id"])
        .unwrap()
        .clone();
    let maintainer_row = report["maintainers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["maintainer_id"] == area_row["maintainer_id"])
        .unwrap()
        .clone();
    (area_row, maintainer_row)
}

both_backends!(
    area_1_2_household_figures_growth_target_and_stability_at_their_boundaries,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-07 10:00 +8));
        let department = app.create_department("网络维护部");
        let (_, manager) = app.user_with_roles("area.mgr", &["manager"]);
        let (_, technician) = app.user_with_roles("wei.hu", &["technician"]);
        let maintainer = app.create_employee(
            &json!({"name": "维护员甲", "department_id": department, "rank": "staff"}),
        );
        let area = |name: &str| {
            app.post(
                "/api/v1/service-areas",
                &manager,
                &json!({"name": name, "area_type": "urban", "households": 10_000, "maintainer_id": maintainer}),
            )
            .ok(201)
            .clone()
        };
        let east = area("东城片区");
        let west = area("西城片区");

        let november = month_path(&east, "2026-11");
        let figures = json!({"opening": 10_000, "new": 150, "lost": 100});
        app.json("PUT", &november, Some(&technician), &figures)
            .problem(403);
        let missing_opening = app.json(
            "PUT",
            &november,
            Some(&manager),
            &json!({"new": 150, "lost": 100}),
        );
        assert_eq!(
            missing_opening.problem(422)["errors"][0]["field"],
            "opening"
        );
        let wrong_type = app.json(
            "PUT",
            &november,
            Some(&manager),
            &json!({"opening": 10_000, "new": "150", "lost": 100}),
        );
        assert_eq!(wrong_type.error_fields(), ["new"]);
        let unknown = app.json(
            "PUT",
            &november,
            Some(&manager),
            &json!({"opening": 10_000, "new": 150, "lost": 100, "closing": 1}),
        );
        unknown.problem(422);
        let too_many_lost = app.json(
            "PUT",
            &november,
            Some(&manager),
            &json!({"opening": 100, "new": 5, "lost": 106}),
        );
        assert_eq!(too_many_lost.problem(422)["errors"][0]["field"], "lost");
        let future = app.json(
            "PUT",
            &month_path(&east, "2027-01"),
            Some(&manager),
            &figures,
        );
        assert_eq!(future.problem(422)["errors"][0]["field"], "month");

        // 10,000 + 150 − 100 = 10,050: exactly the default target (+0.5%), and 99.00% kept.
        let filed = app
            .json("PUT", &november, Some(&manager), &figures)
            .ok(200)
            .clone();
        assert_eq!(filed["closing"], 10_050);
        assert_eq!(filed["growth_target"], 10_050);
        assert_eq!(filed["growth_passed"], true);
        assert_eq!(filed["target_set_by_company"], false);
        assert_eq!(
            filed["stability"],
            json!({"numerator": 9_900, "denominator": 10_000, "value_percent": "99.000000", "threshold": "≥ 99.00%", "passed": true})
        );
        assert_eq!(filed["version"], 1);

        // A correction needs the version read; the company's own target of one more household
        // fails a closing one short of it.
        app.json("PUT", &november, Some(&manager), &figures)
            .problem(412);
        let corrected = app
            .json(
                "PUT",
                &november,
                Some(&manager),
                &json!({"opening": 10_000, "new": 150, "lost": 100, "growth_target": 10_051, "version": 1}),
            )
            .ok(200)
            .clone();
        assert_eq!(corrected["growth_target"], 10_051);
        assert_eq!(corrected["growth_passed"], false);
        assert_eq!(corrected["target_set_by_company"], true);
        assert_eq!(corrected["version"], 2);

        // December opens where November closed; another opening is refused naming it. Its
        // default target is 10,050 + 50.25, rounded up to 10,101.
        let december = month_path(&east, "2026-12");
        let wrong_opening = app.json(
            "PUT",
            &december,
            Some(&manager),
            &json!({"opening": 10_049, "new": 0, "lost": 0}),
        );
        let refusal = wrong_opening.problem(422).clone();
        assert_eq!(refusal["errors"][0]["field"], "opening");
        assert!(
            refusal["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("10050"),
            "{refusal}"
        );
        let december_filed = app
            .json(
                "PUT",
                &december,
                Some(&manager),
                &json!({"new": 51, "lost": 0}),
            )
            .ok(200)
            .clone();
        assert_eq!(december_filed["opening"], 10_050);
        assert_eq!(december_filed["growth_target"], 10_101);
        assert_eq!(december_filed["closing"], 10_101);
        assert_eq!(december_filed["growth_passed"], true);

        // West loses 101 of 10,000: 98.99% kept fails.
        let west_november = app
            .json(
                "PUT",
                &month_path(&west, "2026-11"),
                Some(&manager),
                &json!({"opening": 10_000, "new": 151, "lost": 101}),
            )
            .ok(200)
            .clone();
        assert_eq!(west_november["stability"]["value_percent"], "98.990000");
        assert_eq!(west_november["stability"]["passed"], false);
        assert_eq!(west_november["growth_passed"], true);

        let months = app
            .get(
                &format!(
                    "/api/v1/service-areas/{}/months",
                    east["id"].as_str().unwrap()
                ),
                &technician,
            )
            .ok(200)
            .clone();
        let listed: Vec<&str> = months
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["month"].as_str().unwrap())
            .collect();
        assert_eq!(listed, ["2026-11", "2026-12"]);

        // The SLA-9 report carries the month's figures per area and, summed, per maintainer:
        // 20,000 opening, 201 lost: 98.995% fails; 20,201 closing against 10,051 + 10,050.
        let (east_kpis, maintainer_kpis) = kpis_of(&app, &technician, "2026-11", &east);
        assert_eq!(east_kpis["household_figures"]["growth_target"], 10_051);
        assert_eq!(east_kpis["household_figures"]["stability"]["passed"], true);
        let summed = &maintainer_kpis["household_figures"];
        assert_eq!(
            (
                summed["opening"].clone(),
                summed["lost"].clone(),
                summed["closing"].clone(),
                summed["growth_target"].clone()
            ),
            (json!(20_000), json!(201), json!(20_100), json!(20_101))
        );
        assert_eq!(summed["growth_passed"], false);
        assert_eq!(summed["stability"]["value_percent"], "98.995000");
        assert_eq!(summed["stability"]["passed"], false);
        let (west_october, _) = kpis_of(&app, &technician, "2026-10", &west);
        assert_eq!(west_october["household_figures"], Value::Null);

        let trail = app.audit(
            "area_month",
            &format!("{}/2026-11", east["id"].as_str().unwrap()),
        );
        assert_eq!(trail.len(), 2, "{trail:?}");
    }
);

both_backends!(
    area_3_a_maintainer_change_takes_effect_on_its_date_publicly_and_is_announced,
    |db: &TestDatabase| {
        let app = spawn_app_at(db, datetime!(2026-12-31 23:59:59 +8));
        let department = app.create_department("网络维护部");
        let (_, manager) = app.user_with_roles("area.mgr", &["manager"]);
        let (_, agent) = app.user_with_roles("kefu", &["cs_agent"]);
        let first = app.create_employee(
            &json!({"name": "维护员甲", "department_id": department, "rank": "staff"}),
        );
        let second = app.create_employee(
            &json!({"name": "维护员乙", "department_id": department, "rank": "staff"}),
        );
        let area = app
            .post(
                "/api/v1/service-areas",
                &manager,
                &json!({"name": "东城片区", "area_type": "urban", "households": 3_000, "maintainer_id": first, "boundary": "建设路以东", "maintainer_job_number": "KF0001"}),
            )
            .ok(201)
            .clone();
        assert_eq!(area["boundary"], "建设路以东");
        let changes = format!(
            "/api/v1/service-areas/{}/changes",
            area["id"].as_str().unwrap()
        );
        let change = json!({"effective_on": "2027-01-01", "maintainer_id": second, "maintainer_job_number": "KF0002", "boundary": "建设路以东及新区", "reason": "片区调整"});
        app.post(&changes, &agent, &change).problem(403);
        let yesterday = app.post(
            &changes,
            &manager,
            &json!({"effective_on": "2026-12-30", "maintainer_id": second, "maintainer_job_number": "KF0002", "boundary": "", "reason": "补录"}),
        );
        let refusal = yesterday.problem(422).clone();
        assert_eq!(refusal["rule"], "AREA-3");
        assert_eq!(refusal["errors"][0]["field"], "effective_on");
        let ghost = app.post(
            &changes,
            &manager,
            &json!({"effective_on": "2027-01-01", "maintainer_id": "ghost", "maintainer_job_number": "KF0002", "boundary": "", "reason": "x"}),
        );
        assert_eq!(ghost.problem(422)["errors"][0]["field"], "maintainer_id");
        let missing_job = app.post(
            &changes,
            &manager,
            &json!({"effective_on": "2027-01-01", "maintainer_id": second, "boundary": "", "reason": "x"}),
        );
        assert_eq!(missing_job.error_fields(), ["maintainer_job_number"]);
        let scheduled = app.post(&changes, &manager, &change).ok(201).clone();
        assert_eq!(scheduled["effective_on"], "2027-01-01");

        // Announced to both centers: creation (effective today) and the scheduled change.
        let outbox = app.get("/api/v1/outbox", &app.admin_token).ok(200).clone();
        let notices: Vec<(String, String)> = outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["recipient"].as_str().unwrap().to_owned(),
                    m["body"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(notices.len(), 4, "{notices:?}");
        assert!(
            notices
                .iter()
                .any(|(to, body)| to == "call-center@zhidu.local" && body.contains("KF0002")),
            "{notices:?}"
        );
        assert!(
            notices
                .iter()
                .any(|(to, body)| to == "customer-service-center@zhidu.local"
                    && body.contains("2027-01-01")),
            "{notices:?}"
        );

        // At 23:59:59 on 31 December the first maintainer is still in charge.
        app.json(
            "PUT",
            "/api/v1/public/service-info",
            Some(&app.admin_token),
            &json!({"commitments": ["首问负责"], "hotlines": [{"name": "客服热线", "number": "96766"}], "fees": [], "procedures": [], "branches": [], "staff": []}),
        )
        .ok(200);
        let public = app.send("GET", "/api/v1/public/service-info", None, None);
        let before = public.ok(200)["service_areas"][0].clone();
        let etag_before = public.header("etag").unwrap().to_owned();
        assert_eq!(
            before,
            json!({"name": "东城片区", "boundary": "建设路以东", "maintainer_job_number": "KF0001",
                   "next_change": {"effective_on": "2027-01-01", "maintainer_job_number": "KF0002", "boundary": "建设路以东及新区"}})
        );
        let listed = app.get("/api/v1/service-areas", &agent).ok(200)[0].clone();
        assert_eq!(listed["maintainer_id"], first.as_str());

        // One second later it is the second's, publicly by job number only, and the cached
        // page's tag changes with it.
        app.set_clock(datetime!(2027-01-01 00:00 +8));
        let public = app.send("GET", "/api/v1/public/service-info", None, None);
        let after = public.ok(200)["service_areas"][0].clone();
        assert_eq!(
            after,
            json!({"name": "东城片区", "boundary": "建设路以东及新区", "maintainer_job_number": "KF0002", "next_change": null})
        );
        assert_ne!(public.header("etag").unwrap(), etag_before);
        let listed = app.get("/api/v1/service-areas", &agent).ok(200)[0].clone();
        assert_eq!(listed["maintainer_id"], second.as_str());
        assert_eq!(listed["boundary"], "建设路以东及新区");

        // December's report counts the area for the maintainer of 31 December, January's for
        // the new one.
        let (december, _) = kpis_of(&app, &agent, "2026-12", &area);
        assert_eq!(december["maintainer_id"], first.as_str());
        let (january, _) = kpis_of(&app, &agent, "2027-01", &area);
        assert_eq!(january["maintainer_id"], second.as_str());

        let history = app.get(&changes, &agent).ok(200).clone();
        assert_eq!(history.as_array().unwrap().len(), 2);
        let trail = app.audit("service_area", area["id"].as_str().unwrap());
        let actions: Vec<&str> = trail
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "service_area.change")
                .count(),
            2,
            "{actions:?}"
        );
    }
);
