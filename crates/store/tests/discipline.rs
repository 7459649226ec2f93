//! DISC → PAY: `confirmed_fines` hands payroll the fines confirmed in a month, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::PrimitiveDateTime;
use time::macros::{datetime, time};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::discipline::{self, ConfirmedFine, DisciplineRecord, StoredOffense};
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::testing::TestDatabase;

fn employee(connection: &mut DbConnection, id: &str, department_id: &str) {
    let now = zhidu_store::now_utc();
    let employee = Employee {
        id: id.into(),
        name: id.into(),
        department_id: department_id.into(),
        rank: "staff".into(),
        superior_id: None,
        user_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        gender: None,
        birth_date: None,
        hired_on: None,
        probation_end: None,
        left_on: None,
        base_salary_fen: 520_000,
        rest_day: "sunday".into(),
        leaving_reason: None,
    };
    people::insert_employee(connection, &Actor::system(), &employee).unwrap();
}

fn record(
    id: &str,
    employee_id: &str,
    fine_fen: i64,
    status: &str,
    confirmed_at: Option<PrimitiveDateTime>,
) -> DisciplineRecord {
    let now = zhidu_store::now_utc();
    DisciplineRecord {
        id: id.into(),
        employee_id: employee_id.into(),
        offense_code: "plan_wrong".into(),
        offense_version: 1,
        offense_definition: "{}".into(),
        occurred_at: datetime!(2026-10-20 02:00),
        details: "周计划出错".into(),
        unit_count: 1,
        flags: "{}".into(),
        occurrence: 1,
        penalty: "{}".into(),
        fine_fen,
        status: status.into(),
        statement: None,
        statement_note: None,
        statement_at: None,
        statement_by: None,
        confirmed_by: None,
        confirmed_at,
        recorded_by: "u1".into(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

both_backends!(
    disc_pay_confirmed_fines_fall_in_the_month_of_confirmation,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let actor = Actor::system();
        let now = zhidu_store::now_utc();
        let department = Department {
            id: "d1".into(),
            name: "客服部".into(),
            manager_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            shift_start: time!(9:00),
            shift_end: time!(17:30),
            lunch_start: time!(12:00),
            lunch_end: time!(12:30),
            rest_start: time!(12:30),
            rest_end: time!(13:30),
        };
        people::insert_department(&mut connection, &actor, &department).unwrap();
        employee(&mut connection, "e1", "d1");
        employee(&mut connection, "e2", "d1");
        let offense = StoredOffense {
            code: "plan_wrong".into(),
            definition: "{}".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        discipline::seed_missing_offenses(&mut connection, &actor, &[offense]).unwrap();
        // October 2026 in UTC: [2026-10-01 00:00, 2026-11-01 00:00).
        let (from, to) = (datetime!(2026-10-01 00:00), datetime!(2026-11-01 00:00));
        for row in [
            record(
                "r1",
                "e1",
                10_000,
                "confirmed",
                Some(datetime!(2026-10-01 00:00)),
            ),
            record(
                "r2",
                "e1",
                20_000,
                "confirmed",
                Some(datetime!(2026-10-31 23:59:59)),
            ),
            record(
                "r3",
                "e1",
                50_000,
                "confirmed",
                Some(datetime!(2026-11-01 00:00)),
            ),
            record(
                "r4",
                "e1",
                0,
                "confirmed",
                Some(datetime!(2026-10-15 00:00)),
            ),
            record("r5", "e1", 30_000, "awaiting_confirmation", None),
            record(
                "r6",
                "e2",
                40_000,
                "confirmed",
                Some(datetime!(2026-10-10 08:00)),
            ),
        ] {
            discipline::insert_record(&mut connection, &actor, &row).unwrap();
        }
        let fines = discipline::confirmed_fines(&mut connection, &["e1".into()], from, to).unwrap();
        assert_eq!(
            fines,
            vec![
                ConfirmedFine {
                    record_id: "r1".into(),
                    employee_id: "e1".into(),
                    offense_code: "plan_wrong".into(),
                    fine_fen: 10_000,
                    confirmed_at: datetime!(2026-10-01 00:00),
                },
                ConfirmedFine {
                    record_id: "r2".into(),
                    employee_id: "e1".into(),
                    offense_code: "plan_wrong".into(),
                    fine_fen: 20_000,
                    confirmed_at: datetime!(2026-10-31 23:59:59),
                },
            ],
            "the half-open month, fines only, confirmed only, of the named employees"
        );
        let both =
            discipline::confirmed_fines(&mut connection, &["e1".into(), "e2".into()], from, to)
                .unwrap();
        assert_eq!(both.len(), 3);
        let november = discipline::confirmed_fines(
            &mut connection,
            &["e1".into()],
            to,
            datetime!(2026-12-01 00:00),
        )
        .unwrap();
        assert_eq!(
            november.iter().map(|f| f.fine_fen).collect::<Vec<_>>(),
            [50_000]
        );
    }
);
