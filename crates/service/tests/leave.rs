//! Leave requests through `zhidu_service::leave`, on both backends: who may read a request
//! (the employee's readers and the approvers named on its chain), who may withdraw it, and
//! EMP-1's refusal of a filing from a record without the HR facts the rules read.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::approval::StepKind;
use zhidu_domain::leave::{LeaveApplication, LeaveFacts, LeavePolicy, LeaveSpan, LeaveType};
use zhidu_domain::role::Role;
use zhidu_domain::roster::Half;
use zhidu_service::ServiceError;
use zhidu_service::approvals::new_chain;
use zhidu_service::leave::{self, LEAVE, LeaveRequest};
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, department, employee_row, user};
use zhidu_store::testing::{TestDatabase, test_moment};
use zhidu_store::{approvals, leave as leave_store, new_id, people};

mod support;
use support::{caller, staff};

/// A pending personal leave of `employee`, its chain naming `approver`.
fn pending_leave(connection: &mut DbConnection, employee: &str, approver: &str) -> String {
    let now = test_moment().stored();
    let request = LeaveRequest {
        id: new_id(),
        employee_id: employee.to_owned(),
        leave_type: "personal".into(),
        first_day: date!(2026 - 12 - 14),
        first_half: "am".into(),
        last_day: date!(2026 - 12 - 14),
        last_half: "pm".into(),
        duration_half_days: 2,
        reason: "家事".into(),
        facts: "{}".into(),
        assessment: "{}".into(),
        certified: false,
        status: "pending".into(),
        filed_at: now,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    leave_store::insert_leave_request(connection, &actor(), &request).unwrap();
    let chain = new_chain(
        LEAVE,
        &request.id,
        &[(StepKind::DepartmentHead, Some(approver.to_owned()))],
    );
    approvals::insert_chain(connection, &chain).unwrap();
    request.id
}

both_backends!(
    leave_1_the_approvers_named_on_the_chain_read_a_request_nobody_else_does,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (applicant, applicant_caller) =
            staff(&mut connection, &office, None, &[Role::Employee]);
        let (approver, approver_caller) = staff(&mut connection, &office, None, &[Role::Employee]);
        let (_, stranger) = staff(&mut connection, &office, None, &[Role::Employee]);
        let id = pending_leave(&mut connection, &applicant, &approver);

        let (own, chain) =
            leave::readable_request(&mut connection, &applicant_caller, &id).unwrap();
        assert_eq!(own.employee_id, applicant);
        assert_eq!(chain.len(), 1);
        assert!(leave::readable_request(&mut connection, &approver_caller, &id).is_ok());
        let hidden = leave::readable_request(&mut connection, &stranger, &id);
        assert!(
            matches!(hidden, Err(ServiceError::NotFound(_))),
            "{hidden:?}"
        );
        let hr = caller("hr-account", &[Role::Hr]);
        assert!(leave::readable_request(&mut connection, &hr, &id).is_ok());
    }
);

both_backends!(
    only_the_employee_or_hr_withdraws_a_pending_request,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (applicant, applicant_caller) =
            staff(&mut connection, &office, None, &[Role::Employee]);
        let (approver, approver_caller) = staff(&mut connection, &office, None, &[Role::Employee]);
        let id = pending_leave(&mut connection, &applicant, &approver);

        let by_approver = leave::withdraw_leave(&mut connection, &approver_caller, &id, 1);
        assert!(
            matches!(by_approver, Err(ServiceError::Forbidden(_))),
            "{by_approver:?}"
        );
        let stale = leave::withdraw_leave(&mut connection, &applicant_caller, &id, 2);
        assert!(matches!(stale, Err(ServiceError::Stale(_))), "{stale:?}");
        let (withdrawn, _) =
            leave::withdraw_leave(&mut connection, &applicant_caller, &id, 1).unwrap();
        assert_eq!(withdrawn.status, "withdrawn");
        assert_eq!(withdrawn.version, 2);
        let again = leave::withdraw_leave(&mut connection, &applicant_caller, &id, 2);
        assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
    }
);

both_backends!(
    emp_1_a_record_without_gender_files_no_leave,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let account = user(&mut connection, "employee");
        let mut row = employee_row(&office, false);
        row.user_id = Some(account.clone());
        row.gender = None;
        people::insert_employee(&mut connection, &actor(), &row).unwrap();

        let application = LeaveApplication {
            leave_type: LeaveType::Personal,
            span: LeaveSpan {
                first_day: date!(2026 - 12 - 14),
                first_half: Half::Am,
                last_day: date!(2026 - 12 - 14),
                last_half: Half::Pm,
            },
            facts: LeaveFacts::default(),
        };
        let refused = leave::file_leave(
            &mut connection,
            &caller(&account, &[Role::Employee]),
            &LeavePolicy::default(),
            None,
            application,
            "家事",
        );
        match refused {
            Err(ServiceError::Refused { rule, context, .. }) => {
                assert_eq!(rule, "EMP-1");
                assert!(
                    context
                        .iter()
                        .any(|(key, value)| *key == "missing_field" && value == "gender")
                );
            }
            other => panic!("expected EMP-1, got {other:?}"),
        }
    }
);
