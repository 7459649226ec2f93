//! Employees and departments through `zhidu_service::people`, on both backends: what HR may
//! record (EMP-1's default probation, the references and dates checked) and the departure
//! setting the leaving date opens (EMP-4, the same use case an accepted resignation runs).

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::money::Money;
use zhidu_domain::person::{EmploymentPolicy, Gender, LeavingReason};
use zhidu_domain::role::Role;
use zhidu_domain::sla::Rank;
use zhidu_service::ServiceError;
use zhidu_service::people::{self, EmployeeChanges, NewEmployee};
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::employment::find_checklist;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{department, employee};

mod support;
use support::{acting_as, refused_field};

fn hire(department_id: &str) -> NewEmployee {
    NewEmployee {
        name: " 李雷 ".into(),
        department_id: department_id.to_owned(),
        rank: Rank::Staff,
        superior_id: None,
        user_id: None,
        gender: Gender::Male,
        birth_date: date!(1995 - 05 - 20),
        hired_on: date!(2026 - 01 - 31),
        probation_end: None,
        base_salary: Money::from_fen(500_000),
        rest_day: None,
    }
}

both_backends!(
    emp_1_a_new_employee_is_on_probation_for_a_month_by_default,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let policy = EmploymentPolicy::default();

        let hired = people::create_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &policy,
            hire(&office),
        )
        .unwrap();
        assert_eq!(hired.name, "李雷");
        assert_eq!(hired.gender.as_deref(), Some("male"));
        assert_eq!(hired.rest_day, "sunday");
        // One month after 31 January is the last day of February.
        assert_eq!(hired.probation_end, Some(date!(2026 - 02 - 28)));

        let unknown = NewEmployee {
            department_id: "no-such-department".into(),
            ..hire(&office)
        };
        let refused =
            people::create_employee(&mut connection, &acting_as(&[Role::Hr]), &policy, unknown);
        assert_eq!(refused_field(refused), "department_id");
        let born_after_hiring = NewEmployee {
            birth_date: date!(2026 - 02 - 01),
            ..hire(&office)
        };
        let refused = people::create_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &policy,
            born_after_hiring,
        );
        assert_eq!(refused_field(refused), "birth_date");
    }
);

both_backends!(
    emp_4_setting_the_leaving_date_opens_the_departure,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let staff = employee(&mut connection, &office, false);

        // A leaving date without its reason is refused, and nothing opens.
        let no_reason = EmployeeChanges {
            left_on: Some(Some(date!(2026 - 07 - 31))),
            ..EmployeeChanges::default()
        };
        let refused = people::update_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &staff,
            1,
            no_reason,
            None,
        );
        assert_eq!(refused_field(refused), "leaving_reason");
        assert!(find_checklist(&mut connection, &staff).unwrap().is_none());

        let leaving = EmployeeChanges {
            left_on: Some(Some(date!(2026 - 07 - 31))),
            leaving_reason: Some(Some(LeavingReason::Dismissal)),
            ..EmployeeChanges::default()
        };
        let stale = people::update_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &staff,
            7,
            leaving.clone(),
            None,
        );
        assert!(matches!(stale, Err(ServiceError::Stale(_))), "{stale:?}");
        let left = people::update_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &staff,
            1,
            leaving,
            None,
        )
        .unwrap();
        assert_eq!(left.version, 2);
        assert_eq!(left.leaving_reason.as_deref(), Some("dismissal"));
        assert!(find_checklist(&mut connection, &staff).unwrap().is_some());
    }
);

both_backends!(
    a_department_manager_ranks_manager_or_above,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let staff = employee(&mut connection, &office, false);

        let refused =
            people::set_manager(&mut connection, &acting_as(&[Role::Hr]), &office, 1, &staff);
        assert_eq!(refused_field(refused), "employee_id");
        people::update_employee(
            &mut connection,
            &acting_as(&[Role::Hr]),
            &staff,
            1,
            EmployeeChanges {
                rank: Some(Rank::Manager),
                ..EmployeeChanges::default()
            },
            None,
        )
        .unwrap();
        let managed =
            people::set_manager(&mut connection, &acting_as(&[Role::Hr]), &office, 1, &staff)
                .unwrap();
        assert_eq!(managed.manager_id.as_deref(), Some(staff.as_str()));
        assert_eq!(managed.version, 2);
    }
);
