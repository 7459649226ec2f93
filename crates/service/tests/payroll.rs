//! PAY-1 through the service, on both backends: a month is computed once it is over, its draft
//! is recomputed in place, it is approved by someone other than who computed it, and an
//! approved month changes only as a new revision with a reason. The month's attendance comes
//! from the same evaluation the attendance routes use.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Date;
use zhidu_domain::attendance::AttendancePolicy;
use zhidu_domain::payroll::PayrollPolicy;
use zhidu_service::ServiceError;
use zhidu_service::payroll::{approve_run, run_month};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, department, employee};

/// The first day of the month before the suite's "now" (over by now), and of the current one.
fn last_and_current_month() -> (Date, Date) {
    let today = actor().at.today();
    let current = today.replace_day(1).unwrap();
    let last = current.previous_day().unwrap().replace_day(1).unwrap();
    (last, current)
}

fn someone_else() -> Actor {
    Actor {
        subject: "second-pair-of-eyes".into(),
        ..actor()
    }
}

both_backends!(
    pay_1_a_month_is_run_approved_and_corrected,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        employee(&mut connection, &office, false);
        let (payroll, attendance) = (PayrollPolicy::default(), AttendancePolicy::default());
        let (last, current) = last_and_current_month();

        let not_over = run_month(
            &mut connection,
            &actor(),
            &payroll,
            &attendance,
            current,
            None,
        );
        assert!(
            matches!(not_over, Err(ServiceError::FieldRefused { field, .. }) if field == "month")
        );
        let correcting_nothing = run_month(
            &mut connection,
            &actor(),
            &payroll,
            &attendance,
            last,
            Some("typo".into()),
        );
        assert!(matches!(
            correcting_nothing,
            Err(ServiceError::FieldRefused { field, .. }) if field == "correction_reason"
        ));

        let (created, draft) =
            run_month(&mut connection, &actor(), &payroll, &attendance, last, None).unwrap();
        assert!(created);
        assert_eq!(
            (draft.revision, draft.status.as_str(), draft.employee_count),
            (1, "draft", 1)
        );
        let (created, recomputed) =
            run_month(&mut connection, &actor(), &payroll, &attendance, last, None).unwrap();
        assert!(!created);
        assert_eq!(
            (recomputed.id.as_str(), recomputed.version),
            (draft.id.as_str(), 2)
        );

        let own = approve_run(&mut connection, &actor(), &draft.id, recomputed.version);
        assert!(matches!(own, Err(ServiceError::Forbidden(_))));
        let stale = approve_run(&mut connection, &someone_else(), &draft.id, 1);
        assert!(matches!(stale, Err(ServiceError::Stale(_))));
        let approved = approve_run(&mut connection, &someone_else(), &draft.id, 2).unwrap();
        assert_eq!(
            (approved.status.as_str(), approved.version),
            ("approved", 3)
        );
        let twice = approve_run(&mut connection, &someone_else(), &draft.id, 3);
        assert!(matches!(twice, Err(ServiceError::Conflict(_))));

        let unchanged = run_month(&mut connection, &actor(), &payroll, &attendance, last, None);
        assert!(matches!(unchanged, Err(ServiceError::Conflict(_))));
        let (created, correction) = run_month(
            &mut connection,
            &actor(),
            &payroll,
            &attendance,
            last,
            Some("补发绩效".into()),
        )
        .unwrap();
        assert!(created);
        assert_eq!(
            (correction.revision, correction.status.as_str()),
            (2, "draft")
        );
        assert_eq!(correction.correction_reason.as_deref(), Some("补发绩效"));
    }
);
