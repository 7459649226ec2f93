//! ACC-2 and ACC-3 through the service, on both backends: nobody is decided on unheard, the
//! statement is the person's own (or taken down by an officer), and the factors move the
//! assessed severity one level each way.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::BTreeSet;

use zhidu_domain::accountability::{AggravatingFactor, MitigatingFactor, Severity};
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::accountability::{decide_case, facts_of, open_case, record_statement};
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::department;

mod support;
use support::{as_caller, staff_member};

both_backends!(
    acc_3_no_decision_unheard_and_acc_2_factors_move_one_level,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let officer_employee = staff_member(&mut connection, &office, None);
        let person = staff_member(&mut connection, &office, None);
        let colleague = staff_member(&mut connection, &office, None);
        let officer = as_caller(&officer_employee, &[Role::Hr]);

        let case = open_case(&mut connection, &officer, &person.id, " 回复超时 ", None).unwrap();
        assert_eq!(case.summary, "回复超时");
        let unknown_order = open_case(
            &mut connection,
            &officer,
            &person.id,
            "x",
            Some("no-such-order".into()),
        );
        assert!(matches!(
            unknown_order,
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "work_order_id"
        ));

        let aggravating = BTreeSet::from([AggravatingFactor::ObstructedInquiry]);
        let none = BTreeSet::new();
        let unheard = decide_case(
            &mut connection,
            &officer,
            &case.id,
            1,
            Severity::Light,
            &aggravating,
            &none,
        );
        assert!(matches!(
            unheard,
            Err(ServiceError::Refused { rule: "ACC-3", .. })
        ));

        // A colleague may not speak for the person; the person may.
        let stranger = record_statement(
            &mut connection,
            &as_caller(&colleague, &[]),
            &case.id,
            1,
            "不是我",
        );
        assert!(matches!(stranger, Err(ServiceError::Forbidden(_))));
        let heard = record_statement(
            &mut connection,
            &as_caller(&person, &[]),
            &case.id,
            1,
            " 客户电话打不通 ",
        )
        .unwrap();
        assert_eq!(heard.statement.as_deref(), Some("客户电话打不通"));
        assert_eq!(heard.version, 2);

        // Light, one aggravating factor (however many): heavy.
        let decided = decide_case(
            &mut connection,
            &officer,
            &case.id,
            2,
            Severity::Light,
            &aggravating,
            &BTreeSet::<MitigatingFactor>::new(),
        )
        .unwrap();
        let facts = facts_of(&decided).unwrap();
        assert_eq!(facts.assessed_severity, Some(Severity::Light));
        assert_eq!(facts.decided_severity, Some(Severity::Heavy));
        assert_eq!(facts.aggravating, aggravating);
        // Decided is final.
        let again = record_statement(&mut connection, &officer, &case.id, 3, "补充");
        assert!(matches!(again, Err(ServiceError::Conflict(_))));
    }
);
