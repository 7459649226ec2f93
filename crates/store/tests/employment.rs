//! EMP-4 in the store: which departures payroll must hold back, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::HashSet;

use zhidu_domain::person::ChecklistItem;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::employment::{DepartureChecklist, incomplete_departures, save_checklist};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, department, employee};

fn checklist(connection: &mut DbConnection, employee_id: &str, items: &[ChecklistItem]) {
    let now = zhidu_store::testing::test_moment().stored();
    let filled = items
        .iter()
        .fold(DepartureChecklist::empty(employee_id, now), |list, item| {
            list.with_item(*item, (Some(now), None))
        });
    save_checklist(
        connection,
        &actor(),
        "departure_checklist.open",
        None,
        &filled,
    )
    .unwrap();
}

both_backends!(
    emp_4_incomplete_departures_are_leavers_without_a_complete_checklist,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let department = department(&mut connection);
        let staying = employee(&mut connection, &department, false);
        let no_checklist = employee(&mut connection, &department, true);
        let partial = employee(&mut connection, &department, true);
        let complete = employee(&mut connection, &department, true);
        checklist(&mut connection, &partial, &ChecklistItem::ALL[..6]);
        checklist(&mut connection, &complete, &ChecklistItem::ALL);

        let asked = vec![
            staying.clone(),
            no_checklist.clone(),
            partial.clone(),
            complete.clone(),
            "no-such-employee".to_owned(),
        ];
        let incomplete = incomplete_departures(&mut connection, &asked).unwrap();
        assert_eq!(incomplete, HashSet::from([no_checklist.clone(), partial]));
        // Only the employees asked about are answered.
        let only = incomplete_departures(&mut connection, &[complete, staying]).unwrap();
        assert!(only.is_empty());
        let one = incomplete_departures(&mut connection, std::slice::from_ref(&no_checklist));
        assert_eq!(one.unwrap(), HashSet::from([no_checklist]));
    }
);
