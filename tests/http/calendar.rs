//! CAL-1..4 through HTTP, on the official 2024–2026 schedules loaded at the first migration.

use serde_json::json;
use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::spawn_app;

both_backends!(
    cal_1_official_days_are_loaded_at_first_migration,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let day = |date: &str| app.get(&format!("/api/v1/calendar/days/{date}"), &app.admin_token);
        let national_day = day("2026-10-01");
        assert_eq!(
            national_day.ok(200).clone(),
            json!({"date": "2026-10-01", "working": false, "kind": "public_holiday", "name": "国庆节", "provisional": false})
        );
        // Sunday 20 September 2026 is a make-up working day.
        let make_up = day("2026-09-20");
        assert_eq!(make_up.ok(200)["working"], true);
        assert_eq!(make_up.body["kind"], "make_up_workday");
        assert_eq!(day("2026-09-19").ok(200)["kind"], "weekend");
        assert_eq!(day("2024-02-29").ok(200)["kind"], "workday");
        // CAL-2: 2027 has no schedule yet.
        let unknown = day("2027-01-04");
        assert_eq!(unknown.ok(200)["provisional"], true);
        assert_eq!(unknown.body["working"], true);

        let bad = day("2026-02-30");
        assert_eq!(bad.problem(422)["errors"][0]["field"], "date");

        let year = app.get("/api/v1/calendar/years/2026", &app.admin_token);
        assert_eq!(year.ok(200)["provisional"], false);
        assert_eq!(year.body["days"].as_array().unwrap().len(), 39);
        assert_eq!(year.body["imported_by"], "system");
        let missing = app.get("/api/v1/calendar/years/2027", &app.admin_token);
        assert_eq!(missing.ok(200)["provisional"], true);
        assert_eq!(missing.body["days"], json!([]));
        app.get("/api/v1/calendar/years/1900", &app.admin_token)
            .problem(422);
    }
);

both_backends!(cal_4_working_days_after_a_date, |db: &TestDatabase| {
    let app = spawn_app(db);
    let add = |from: &str, days: u32| {
        app.get(
            &format!("/api/v1/calendar/working-days/add?from={from}&days={days}"),
            &app.admin_token,
        )
    };
    // Wednesday 30 September 2026 + 1: 1–7 October off → Thursday 8 October.
    assert_eq!(
        add("2026-09-30", 1).ok(200).clone(),
        json!({"from": "2026-09-30", "days": 1, "date": "2026-10-08", "provisional": false})
    );
    // Thursday 24 September + 1: Mid-Autumn 25–27 off → Monday 28 September.
    assert_eq!(add("2026-09-24", 1).ok(200)["date"], "2026-09-28");
    // + 3 from 8 October: Friday 9, make-up Saturday 10, Monday 12.
    assert_eq!(add("2026-10-08", 3).ok(200)["date"], "2026-10-12");
    // Across the new year into unscheduled 2027: provisional.
    let into_2027 = add("2026-12-30", 5);
    assert_eq!(into_2027.ok(200)["date"], "2027-01-06");
    assert_eq!(into_2027.body["provisional"], true);
    assert_eq!(
        add("2026-09-30", 0).problem(422)["errors"][0]["field"],
        "days"
    );
    add("2026-09-30", 3661).problem(422);
    let missing = app.get("/api/v1/calendar/working-days/add?days=1", &app.admin_token);
    assert!(
        missing.problem(422)["detail"]
            .as_str()
            .unwrap()
            .contains("from")
    );
});

both_backends!(
    cal_1_importing_a_year_validates_and_replaces_it,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let put = |token: &str, year: i32, body: serde_json::Value| {
            app.json(
                "PUT",
                &format!("/api/v1/calendar/years/{year}"),
                Some(token),
                &body,
            )
        };
        let schedule_2027 = json!({
            "$schema": "https://example.invalid/schema.json",
            "year": 2027,
            "papers": ["notice"],
            "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "春节", "date": "2027-02-06", "isOffDay": false}
            ]
        });
        let (_, hr_token) = app.user_with_roles("hr.zhao", &["hr"]);
        put(&hr_token, 2027, schedule_2027.clone()).problem(403);

        let mismatched = put(&app.admin_token, 2028, schedule_2027.clone());
        assert_eq!(mismatched.problem(422)["errors"][0]["field"], "year");
        let duplicated = put(
            &app.admin_token,
            2027,
            json!({"year": 2027, "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "错", "date": "2026-12-31", "isOffDay": true}
            ]}),
        );
        duplicated.problem(422);
        assert_eq!(duplicated.error_fields(), ["days[1].date", "days[2].date"]);
        assert_eq!(
            app.get("/api/v1/calendar/days/2027-01-01", &app.admin_token)
                .ok(200)["provisional"],
            true,
            "a refused import changes nothing"
        );

        let imported = put(&app.admin_token, 2027, schedule_2027);
        assert_eq!(imported.ok(200)["provisional"], false);
        let new_year = app.get("/api/v1/calendar/days/2027-01-01", &app.admin_token);
        assert_eq!(new_year.ok(200)["working"], false);
        assert_eq!(new_year.body["provisional"], false);
        let make_up = app.get("/api/v1/calendar/days/2027-02-06", &app.admin_token);
        assert_eq!(
            make_up.ok(200)["working"],
            true,
            "Saturday 6 February 2027 is worked"
        );
        let trail = app.audit("calendar_year", "2027");
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0]["action"], "calendar.import_year");
    }
);
