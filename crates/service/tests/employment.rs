//! Performance records and regularization through `zhidu_service::employment`, on both
//! backends: who records whose performance (and that nobody records their own), the totals
//! the EMP-2 and EMP-5 rules read, and EMP-2's refusal of a customer-service employee short
//! of the recorded performance required. Beside them the other pay input, PAY-2's monthly
//! performance bonus (`zhidu_service::payroll`): who enters and who reads it.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::money::Money;
use zhidu_domain::person::EmploymentPolicy;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::employment::{self, MonthPerformance};
use zhidu_service::payroll;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{department, user};

mod support;
use support::{caller, staff};

fn month(first_day: time::Date, yuan: i64) -> MonthPerformance {
    MonthPerformance {
        month: first_day,
        performance: Money::from_fen(yuan * 100),
        company_funded_spend: Money::from_fen(yuan),
        note: String::new(),
    }
}

both_backends!(
    managers_record_their_reports_performance_nobody_their_own,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (boss, boss_caller) = staff(&mut connection, &office, None, &[Role::Manager]);
        let (report, _) = staff(&mut connection, &office, Some(&boss), &[Role::Employee]);
        let (outsider, _) = staff(&mut connection, &office, None, &[Role::Employee]);

        let record = employment::record_performance(
            &mut connection,
            &boss_caller,
            &report,
            month(date!(2026 - 03 - 01), 30_000),
        )
        .unwrap();
        assert_eq!(record.recorded_by, boss_caller.actor.subject);
        let twice = employment::record_performance(
            &mut connection,
            &boss_caller,
            &report,
            month(date!(2026 - 03 - 01), 1),
        );
        assert!(matches!(twice, Err(ServiceError::Conflict(_))), "{twice:?}");
        let own = employment::record_performance(
            &mut connection,
            &boss_caller,
            &boss,
            month(date!(2026 - 03 - 01), 1),
        );
        assert!(matches!(own, Err(ServiceError::Forbidden(_))), "{own:?}");
        let outside = employment::record_performance(
            &mut connection,
            &boss_caller,
            &outsider,
            month(date!(2026 - 03 - 01), 1),
        );
        assert!(
            matches!(outside, Err(ServiceError::NotFound(_))),
            "{outside:?}"
        );
        // Finance reads anyone's pay inputs, with totals exact in fen.
        let finance = caller(&user(&mut connection, "finance"), &[Role::Finance]);
        employment::record_performance(
            &mut connection,
            &finance,
            &report,
            month(date!(2026 - 04 - 01), 20_000),
        )
        .unwrap();
        let (_, records, totals) =
            employment::performance(&mut connection, &finance, &report, Some(2026)).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(totals.performance, Money::from_fen(5_000_000));
        assert_eq!(totals.company_funded_spend, Money::from_fen(50_000));
    }
);

both_backends!(
    emp_2_customer_service_staff_short_of_the_performance_are_not_regularized,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (boss, _) = staff(&mut connection, &office, None, &[Role::Manager]);
        let (supervisor, _) = staff(&mut connection, &office, Some(&boss), &[Role::Manager]);
        let (report, report_caller) = staff(
            &mut connection,
            &office,
            Some(&supervisor),
            &[Role::Employee],
        );
        let hr = caller(&user(&mut connection, "hr"), &[Role::Hr]);
        employment::record_performance(
            &mut connection,
            &hr,
            &report,
            month(date!(2026 - 03 - 01), 50_000),
        )
        .unwrap();
        let policy = EmploymentPolicy::default();

        let refused =
            employment::file_application(&mut connection, &report_caller, &policy, None, "转正");
        match refused {
            Err(ServiceError::Refused { rule, context, .. }) => {
                assert_eq!(rule, "EMP-2");
                assert!(context.iter().any(|(key, _)| *key == "shortfall"));
            }
            other => panic!("expected EMP-2, got {other:?}"),
        }
        employment::record_performance(
            &mut connection,
            &hr,
            &report,
            month(date!(2026 - 04 - 01), 10_000),
        )
        .unwrap();
        let (application, chain) =
            employment::file_application(&mut connection, &report_caller, &policy, None, "转正")
                .unwrap();
        assert_eq!(application.performance_fen, 6_000_000);
        // The supervisor, then the supervisor's own superior (the department has no head).
        let approvers: Vec<_> = chain
            .iter()
            .map(|s| s.approver_id.clone().unwrap())
            .collect();
        assert_eq!(approvers, [supervisor, boss]);
    }
);

both_backends!(
    pay_2_a_bonus_is_entered_by_the_manager_or_hr_and_read_by_finance,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (boss, boss_caller) = staff(&mut connection, &office, None, &[Role::Manager]);
        let (report, report_caller) =
            staff(&mut connection, &office, Some(&boss), &[Role::Employee]);
        let finance = caller(&user(&mut connection, "finance"), &[Role::Finance]);
        let hr = caller(&user(&mut connection, "hr"), &[Role::Hr]);
        let enter = |connection: &mut DbConnection, who: &Caller, whose: &str, fen, version| {
            payroll::set_bonus(
                connection,
                who,
                whose,
                "2026-03",
                Money::from_fen(fen),
                None,
                version,
            )
        };

        let first = enter(&mut connection, &boss_caller, &report, 80_000, None).unwrap();
        assert_eq!((first.amount_fen, first.version), (80_000, 1));
        let unread = enter(&mut connection, &hr, &report, 90_000, None);
        assert!(matches!(unread, Err(ServiceError::Stale(_))), "{unread:?}");
        let changed = enter(&mut connection, &hr, &report, 90_000, Some(1)).unwrap();
        assert_eq!((changed.amount_fen, changed.version), (90_000, 2));
        for (who, whose) in [
            (&boss_caller, &boss),
            (&report_caller, &report),
            (&finance, &report),
        ] {
            let refused = enter(&mut connection, who, whose, 1, Some(2));
            assert!(
                matches!(refused, Err(ServiceError::Forbidden(_))),
                "{who:?} entering for {whose}: {refused:?}"
            );
        }

        let read = payroll::find_bonus(&mut connection, &finance, &report, "2026-03").unwrap();
        assert_eq!(read.amount_fen, 90_000);
        let not_theirs = payroll::find_bonus(&mut connection, &report_caller, &report, "2026-03");
        assert!(
            matches!(not_theirs, Err(ServiceError::Forbidden(_))),
            "{not_theirs:?}"
        );
        let no_month = payroll::find_bonus(&mut connection, &boss_caller, &report, "2026-04");
        assert!(
            matches!(no_month, Err(ServiceError::NotFound(_))),
            "{no_month:?}"
        );
    }
);
