//! Punches and make-up requests through `zhidu_service::attendance`, on both backends: a
//! device batch is refused row by row (instants in the future, unknown employees) and
//! otherwise stored once, whatever is resent; ATT-5 allows one make-up punch per employment.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Duration;
use zhidu_domain::attendance::AttendancePolicy;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::attendance::{self, DevicePunch};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::people;
use zhidu_store::testing::fixtures::{actor, department, employee, employee_row, user};
use zhidu_store::testing::{TestDatabase, test_moment};

mod support;
use support::acting_as;

fn punch(employee_id: &str, hours_ago: i64) -> DevicePunch {
    DevicePunch {
        employee_id: employee_id.to_owned(),
        punched_at: test_moment().instant() - Duration::hours(hours_ago),
        device_id: Some("gate-1".into()),
    }
}

fn refused_fields(result: Result<usize, ServiceError>) -> Vec<String> {
    match result {
        Err(ServiceError::FieldsRefused(notes)) => notes.into_iter().map(|n| n.field).collect(),
        other => panic!("expected refused rows, got {other:?}"),
    }
}

both_backends!(
    a_device_batch_is_refused_row_by_row_or_stored_once,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let staff = employee(&mut connection, &office, false);

        let future = vec![punch(&staff, 2), punch(&staff, -1), punch(&staff, -2)];
        assert_eq!(
            refused_fields(attendance::import_punches(
                &mut connection,
                &acting_as(&[Role::Hr]),
                future
            )),
            ["punches[1].punched_at", "punches[2].punched_at"]
        );
        let unknown = vec![punch(&staff, 2), punch("nobody", 2)];
        assert_eq!(
            refused_fields(attendance::import_punches(
                &mut connection,
                &acting_as(&[Role::Hr]),
                unknown
            )),
            ["punches[1].employee_id"]
        );
        // The same punch twice in the batch, and the batch again: stored once.
        let batch = vec![punch(&staff, 2), punch(&staff, 2), punch(&staff, 1)];
        assert_eq!(
            attendance::import_punches(&mut connection, &acting_as(&[Role::Hr]), batch.clone())
                .unwrap(),
            2
        );
        assert_eq!(
            attendance::import_punches(&mut connection, &acting_as(&[Role::Hr]), batch).unwrap(),
            0
        );
        let (_, inserted) = attendance::record_punch(
            &mut connection,
            &acting_as(&[Role::Hr]),
            staff.clone(),
            test_moment().instant() - Duration::hours(1),
            None,
        )
        .unwrap();
        assert!(!inserted, "a punch already on file is recognised");
    }
);

both_backends!(
    att_5_one_make_up_punch_per_employment,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let superior = employee(&mut connection, &office, false);
        let account = user(&mut connection, "employee");
        let mut row = employee_row(&office, false);
        row.user_id = Some(account.clone());
        row.superior_id = Some(superior.clone());
        people::insert_employee(&mut connection, &actor(), &row).unwrap();
        let me = Caller {
            roles: vec![Role::Employee],
            actor: Actor {
                subject: account,
                request_id: None,
                at: test_moment(),
            },
        };
        let policy = AttendancePolicy::default();
        let missed = test_moment().instant() - Duration::days(1);

        let (request, chain) =
            attendance::request_make_up(&mut connection, &me, &policy, None, missed, " 忘打卡 ")
                .unwrap();
        assert_eq!(request.employee_id, row.id);
        assert_eq!(request.reason, "忘打卡");
        assert_eq!(chain[0].approver_id.as_deref(), Some(superior.as_str()));
        let second =
            attendance::request_make_up(&mut connection, &me, &policy, None, missed, "又忘了");
        match second {
            Err(ServiceError::Refused { rule, .. }) => assert_eq!(rule, "ATT-5"),
            other => panic!("expected ATT-5, got {other:?}"),
        }
    }
);
