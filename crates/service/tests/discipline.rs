//! DISC and ACC-3 through the service, on both backends: who may read a record, the statement
//! before the confirmation, the ladder counted at confirmation, and the HR case a dismissal
//! step opens.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Duration;
use zhidu_domain::discipline::{HrCaseStatus, RecordStatus};
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::discipline::{
    NewRecord, RecordFlags, RecordQuery, close_hr_case, confirm_record, existing_hr_case,
    list_hr_cases, list_records, readable_record, record_offense, record_statement, seed_catalog,
    withdraw_record,
};
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::people::Employee;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, department};

mod support;
use support::{as_caller, staff_member};

fn offense(employee: &Employee, code: &str, days_ago: i64) -> NewRecord {
    NewRecord {
        employee_id: employee.id.clone(),
        offense_code: code.into(),
        occurred_at: actor().at.stored() - Duration::days(days_ago),
        details: " 有意重复邀约 ".into(),
        count: None,
        flags: RecordFlags::default(),
    }
}

both_backends!(
    disc_records_are_heard_then_confirmed_and_only_their_readers_see_them,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        seed_catalog(&mut connection, &actor()).unwrap();
        let office = department(&mut connection);
        let hr_employee = staff_member(&mut connection, &office, None);
        let person = staff_member(&mut connection, &office, None);
        let colleague = staff_member(&mut connection, &office, None);
        let hr = as_caller(&hr_employee, &[Role::Hr]);
        let own = as_caller(&person, &[]);
        let other = as_caller(&colleague, &[]);

        let record = record_offense(
            &mut connection,
            &hr,
            offense(&person, "intentional_duplicate_invitation", 3),
        )
        .unwrap();
        assert_eq!(record.status, RecordStatus::PendingStatement.as_str());
        assert_eq!(record.details, "有意重复邀约");
        assert_eq!(record.occurrence, 1);
        assert_eq!(record.fine_fen, Money::from_yuan(500).fen());

        // Who may read it: the person and HR; a colleague is told it does not exist.
        assert!(readable_record(&mut connection, &own, &record.id).is_ok());
        assert!(matches!(
            readable_record(&mut connection, &other, &record.id),
            Err(ServiceError::NotFound(_))
        ));
        let mine = RecordQuery {
            limit: 50,
            ..RecordQuery::default()
        };
        assert_eq!(
            list_records(&mut connection, &own, mine.clone())
                .unwrap()
                .len(),
            1
        );
        assert!(
            list_records(&mut connection, &other, mine)
                .unwrap()
                .is_empty()
        );

        // ACC-3: no confirmation before the statement; HR speaking for the person needs a note.
        let unheard = confirm_record(&mut connection, &hr, &record.id, 1);
        assert!(matches!(
            unheard,
            Err(ServiceError::RuleConflict { rule: "ACC-3", .. })
        ));
        let no_note = record_statement(&mut connection, &hr, &record.id, 1, "他说", None);
        assert!(matches!(
            no_note,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "note"
        ));
        let stranger = record_statement(&mut connection, &other, &record.id, 1, "不是我", None);
        assert!(matches!(stranger, Err(ServiceError::NotFound(_))));
        let heard =
            record_statement(&mut connection, &own, &record.id, 1, " 客户找错人 ", None).unwrap();
        assert_eq!(heard.status, RecordStatus::AwaitingConfirmation.as_str());
        assert_eq!(heard.statement.as_deref(), Some("客户找错人"));
        let stale = confirm_record(&mut connection, &hr, &record.id, 1);
        assert!(matches!(stale, Err(ServiceError::Stale(_))));
        let confirmed = confirm_record(&mut connection, &hr, &record.id, 2).unwrap();
        assert_eq!(confirmed.status, RecordStatus::Confirmed.as_str());
        let late = withdraw_record(&mut connection, &hr, &record.id, 3);
        assert!(matches!(late, Err(ServiceError::Conflict(_))));
    }
);

both_backends!(
    disc_the_third_duplicate_invitation_dismisses_and_opens_an_hr_case,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        seed_catalog(&mut connection, &actor()).unwrap();
        // Seeding twice leaves the catalog as it is.
        seed_catalog(&mut connection, &actor()).unwrap();
        let office = department(&mut connection);
        let hr_employee = staff_member(&mut connection, &office, None);
        let person = staff_member(&mut connection, &office, None);
        let hr = as_caller(&hr_employee, &[Role::Hr]);
        let own = as_caller(&person, &[]);

        let mut last = None;
        for days_ago in [3, 2, 1] {
            let record = record_offense(
                &mut connection,
                &hr,
                offense(&person, "intentional_duplicate_invitation", days_ago),
            )
            .unwrap();
            record_statement(&mut connection, &own, &record.id, 1, "知道了", None).unwrap();
            last = Some(confirm_record(&mut connection, &hr, &record.id, 2).unwrap());
        }
        let third = last.unwrap();
        assert_eq!(third.occurrence, 3);
        let cases = list_hr_cases(&mut connection, Some(HrCaseStatus::Open), None, 50).unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].source_id, third.id);
        assert_eq!(cases[0].employee_id, person.id);

        // Withdrawal is the recorder's or HR's, before confirmation only.
        let pending = record_offense(
            &mut connection,
            &hr,
            offense(&person, "daily_report_late", 1),
        )
        .unwrap();
        let by_person = withdraw_record(&mut connection, &own, &pending.id, 1);
        assert!(matches!(by_person, Err(ServiceError::Forbidden(_))));
        let withdrawn = withdraw_record(&mut connection, &hr, &pending.id, 1).unwrap();
        assert_eq!(withdrawn.status, RecordStatus::Withdrawn.as_str());

        let closed = close_hr_case(&mut connection, &hr, &cases[0].id, 1, " 已解除合同 ").unwrap();
        assert_eq!(closed.status, HrCaseStatus::Closed.as_str());
        assert_eq!(closed.closing_note.as_deref(), Some("已解除合同"));
        let again = close_hr_case(&mut connection, &hr, &cases[0].id, 2, "再次");
        assert!(matches!(again, Err(ServiceError::Conflict(_))));
        assert_eq!(
            existing_hr_case(&mut connection, &cases[0].id)
                .unwrap()
                .version,
            2
        );
    }
);
