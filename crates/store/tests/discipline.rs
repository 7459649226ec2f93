//! DISC → PAY: `fines_for_payroll` hands a month's payroll its confirmed fines — those of the
//! month and, once, those an earlier approved month missed — on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::PrimitiveDateTime;
use time::macros::datetime;
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::discipline::{self, ConfirmedFine, DisciplineRecord, StoredOffense};
use zhidu_store::people::{self, Employee};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::department;

fn employee(connection: &mut DbConnection, id: &str, department_id: &str) {
    let now = zhidu_store::testing::test_moment().stored();
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
    people::insert_employee(
        connection,
        &Actor::system(zhidu_store::testing::test_moment()),
        &employee,
    )
    .unwrap();
}

fn record(
    id: &str,
    employee_id: &str,
    fine_fen: i64,
    status: &str,
    occurred_at: PrimitiveDateTime,
) -> DisciplineRecord {
    let now = zhidu_store::testing::test_moment().stored();
    DisciplineRecord {
        id: id.into(),
        employee_id: employee_id.into(),
        offense_code: "plan_wrong".into(),
        offense_version: 1,
        offense_definition: "{}".into(),
        occurred_at,
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
        confirmed_at: (status == "confirmed").then_some(now),
        recorded_by: "u1".into(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

both_backends!(
    disc_pay_fines_fall_in_their_month_or_the_next_one_computed_and_only_once,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let actor = Actor::system(zhidu_store::testing::test_moment());
        let now = zhidu_store::testing::test_moment().stored();
        let department = department(&mut connection);
        employee(&mut connection, "e1", &department);
        employee(&mut connection, "e2", &department);
        let offense = StoredOffense {
            code: "plan_wrong".into(),
            definition: "{}".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        discipline::seed_missing_offenses(&mut connection, &actor, &[offense]).unwrap();
        // October 2026 ends at 2026-11-01 00:00 UTC.
        let october_end = datetime!(2026-11-01 00:00);
        for row in [
            record("r1", "e1", 10_000, "confirmed", datetime!(2026-09-20 02:00)),
            record(
                "r2",
                "e1",
                20_000,
                "confirmed",
                datetime!(2026-10-31 23:59:59),
            ),
            record("r3", "e1", 50_000, "confirmed", october_end),
            record("r4", "e1", 0, "confirmed", datetime!(2026-10-15 00:00)),
            record(
                "r5",
                "e1",
                30_000,
                "awaiting_confirmation",
                datetime!(2026-10-02 00:00),
            ),
            record("r6", "e2", 40_000, "confirmed", datetime!(2026-10-10 08:00)),
        ] {
            discipline::insert_record(&mut connection, &actor, &row).unwrap();
        }
        let october = |connection: &mut DbConnection, ids: &[String]| {
            discipline::fines_for_payroll(connection, ids, "2026-10", october_end).unwrap()
        };
        let fines = october(&mut connection, &["e1".into()]);
        assert_eq!(
            fines,
            vec![
                ConfirmedFine {
                    record_id: "r1".into(),
                    employee_id: "e1".into(),
                    offense_code: "plan_wrong".into(),
                    fine_fen: 10_000,
                    occurred_at: datetime!(2026-09-20 02:00),
                },
                ConfirmedFine {
                    record_id: "r2".into(),
                    employee_id: "e1".into(),
                    offense_code: "plan_wrong".into(),
                    fine_fen: 20_000,
                    occurred_at: datetime!(2026-10-31 23:59:59),
                },
            ],
            "fines only, confirmed only, occurred before the month's end, of the named employees"
        );
        assert_eq!(
            october(&mut connection, &["e1".into(), "e2".into()]).len(),
            3
        );

        // October's approved run settles r1 and r2: a correction of October still deducts
        // them, November does not deduct them again.
        discipline::settle_fines(&mut connection, "2026-10", &["r1".into(), "r2".into()]).unwrap();
        assert_eq!(october(&mut connection, &["e1".into()]).len(), 2);
        let november = discipline::fines_for_payroll(
            &mut connection,
            &["e1".into()],
            "2026-11",
            datetime!(2026-12-01 00:00),
        )
        .unwrap();
        assert_eq!(
            november
                .iter()
                .map(|f| f.record_id.as_str())
                .collect::<Vec<_>>(),
            ["r3"]
        );
        // Settling again under another month changes nothing.
        discipline::settle_fines(&mut connection, "2026-11", &["r1".into()]).unwrap();
        assert_eq!(october(&mut connection, &["e1".into()]).len(), 2);
    }
);
