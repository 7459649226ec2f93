//! EMP-4 and CARE-4 through the service, on both backends: a departure — from an accepted
//! resignation or from HR setting the leaving date, the two routes that open one — opens the
//! hand-back checklist and hands the leaver's customers to a successor.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::departures::open_departure;
use zhidu_store::both_backends;
use zhidu_store::customers;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::people::{self, Employee};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer_row, department, employee_row, user};

fn hr() -> Caller {
    Caller {
        roles: vec![Role::Hr],
        actor: actor(),
    }
}

/// An employee with a staff account, reporting to `superior`; `left` as in the fixture.
fn with_account(
    connection: &mut DbConnection,
    department: &str,
    superior: Option<&str>,
    left: bool,
) -> Employee {
    let mut row = employee_row(department, left);
    row.user_id = Some(user(connection, "employee"));
    row.superior_id = superior.map(str::to_owned);
    people::insert_employee(connection, &actor(), &row).unwrap();
    row
}

fn owned_customer(connection: &mut DbConnection, name: &str, owner: &Employee) -> String {
    let mut row = customer_row(name);
    row.owner_id = owner.user_id.clone();
    customers::insert(connection, &actor(), &row).unwrap();
    row.id
}

both_backends!(
    care_4_a_leavers_customers_pass_to_the_superior_with_a_task_each,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let head = with_account(&mut connection, &office, None, false);
        let leaver = with_account(&mut connection, &office, Some(&head.id), true);
        let first = owned_customer(&mut connection, "甲", &leaver);
        let second = owned_customer(&mut connection, "乙", &leaver);

        let (checklist, tasks) = open_departure(&mut connection, &hr(), &leaver, None).unwrap();
        assert_eq!(checklist.employee_id, leaver.id);
        let mut handed: Vec<&str> = tasks.iter().map(|t| t.customer_id.as_str()).collect();
        handed.sort_unstable();
        let mut expected = vec![first.as_str(), second.as_str()];
        expected.sort_unstable();
        assert_eq!(handed, expected);
        assert!(
            tasks
                .iter()
                .all(|t| t.successor_id == head.id && t.status == "open")
        );
        for id in [&first, &second] {
            assert_eq!(
                customers::find(&mut connection, id).unwrap().owner_id,
                head.user_id
            );
        }
        // Opening it again keeps the checklist and has no customers left to hand over.
        let (again, none) = open_departure(&mut connection, &hr(), &leaver, None).unwrap();
        assert_eq!(again.employee_id, checklist.employee_id);
        assert!(none.is_empty());
    }
);

both_backends!(
    care_4_a_successor_must_exist_be_employed_and_have_an_account,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let no_superior = with_account(&mut connection, &office, None, true);
        owned_customer(&mut connection, "丙", &no_superior);
        let gone = with_account(&mut connection, &office, None, true);

        let refusal = |result: Result<_, ServiceError>| match result {
            Err(ServiceError::Refused { rule, fields, .. }) => {
                (rule, fields.first().map(|f| f.field.clone()))
            }
            other => panic!("expected a CARE-4 refusal, got {other:?}"),
        };
        let care_4 = ("CARE-4", Some("successor_id".to_owned()));
        assert_eq!(
            refusal(open_departure(&mut connection, &hr(), &no_superior, None)),
            care_4
        );
        let named_gone = open_departure(&mut connection, &hr(), &no_superior, Some(&gone.id));
        assert_eq!(refusal(named_gone), care_4);
        let named_self =
            open_departure(&mut connection, &hr(), &no_superior, Some(&no_superior.id));
        assert_eq!(refusal(named_self), care_4);
        // Nothing was handed over by the refused attempts.
        let owned = zhidu_store::employment::customers_owned_by(
            &mut connection,
            no_superior.user_id.as_deref().unwrap(),
        );
        assert_eq!(owned.unwrap().len(), 1);
    }
);
