//! Who may read or act on what (`zhidu_service::access`), called directly on both backends:
//! the rules every route that reads an employee's or a partner's records relies on.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::employees::{
    filing_employee, listing_subject, readable_employee, reading_scope,
};
use zhidu_service::access::partners::{partner_scope, visible_partner};
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::new_id;
use zhidu_store::partners::{self, Credential, Partner};
use zhidu_store::people::EmployeeScope;
use zhidu_store::testing::fixtures::{actor, department, user};
use zhidu_store::testing::{TestDatabase, test_moment};

mod support;
use support::{caller, staff};

fn is_not_found<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::NotFound(_)))
}

both_backends!(
    people_overseers_read_everyone_others_themselves_and_their_reports,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (head, head_caller) = staff(&mut connection, &office, None, &[Role::Manager]);
        let (report, report_caller) =
            staff(&mut connection, &office, Some(&head), &[Role::Employee]);
        let (colleague, _) = staff(&mut connection, &office, None, &[Role::Employee]);
        let (_, hr) = staff(&mut connection, &office, None, &[Role::Hr]);
        let general_manager = caller(
            &user(&mut connection, "general_manager"),
            &[Role::GeneralManager],
        );

        for overseer in [&hr, &general_manager] {
            assert!(matches!(
                reading_scope(&mut connection, overseer).unwrap(),
                Some(EmployeeScope::Everyone)
            ));
            assert_eq!(
                readable_employee(&mut connection, overseer, &colleague)
                    .unwrap()
                    .id,
                colleague
            );
        }
        // A superior reads the people reporting to them, and themselves.
        assert_eq!(
            readable_employee(&mut connection, &head_caller, &report)
                .unwrap()
                .id,
            report
        );
        assert_eq!(
            readable_employee(&mut connection, &head_caller, &head)
                .unwrap()
                .id,
            head
        );
        assert!(is_not_found(readable_employee(
            &mut connection,
            &head_caller,
            &colleague
        )));
        // Someone else's record is "not found", exactly like an id that does not exist.
        assert!(is_not_found(readable_employee(
            &mut connection,
            &report_caller,
            &head
        )));
        assert!(is_not_found(readable_employee(
            &mut connection,
            &report_caller,
            "no-such-id"
        )));
        // A staff account without an employee record reads nobody's records.
        let bare = caller(&user(&mut connection, "employee"), &[Role::Employee]);
        assert!(reading_scope(&mut connection, &bare).unwrap().is_none());
        assert!(is_not_found(readable_employee(
            &mut connection,
            &bare,
            &report
        )));
    }
);

both_backends!(
    a_listing_shows_the_named_employee_or_the_callers_own_records,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (me, me_caller) = staff(&mut connection, &office, None, &[Role::Employee]);
        let (other, _) = staff(&mut connection, &office, None, &[Role::Employee]);
        let (_, hr) = staff(&mut connection, &office, None, &[Role::Hr]);

        let own = listing_subject(&mut connection, &me_caller, None, false, "employee_id");
        assert_eq!(own.unwrap(), Some(me.clone()));
        let everyone = listing_subject(&mut connection, &hr, None, true, "employee_id");
        assert_eq!(everyone.unwrap(), None);
        let named = listing_subject(
            &mut connection,
            &hr,
            Some(other.clone()),
            true,
            "employee_id",
        );
        assert_eq!(named.unwrap(), Some(other.clone()));
        let probing = listing_subject(
            &mut connection,
            &me_caller,
            Some(other),
            false,
            "employee_id",
        );
        assert!(is_not_found(probing));
        let bare = caller(&user(&mut connection, "employee"), &[Role::Employee]);
        let refused = listing_subject(&mut connection, &bare, None, false, "assignee");
        assert!(
            matches!(refused, Err(ServiceError::FieldRefused { field, .. }) if field == "assignee")
        );
    }
);

both_backends!(
    only_the_people_admins_file_for_another_employee,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let office = department(&mut connection);
        let (me, me_caller) = staff(&mut connection, &office, None, &[Role::Employee]);
        let (other, _) = staff(&mut connection, &office, None, &[Role::Manager]);
        let (_, hr) = staff(&mut connection, &office, None, &[Role::Hr]);

        assert_eq!(
            filing_employee(&mut connection, &me_caller, None)
                .unwrap()
                .id,
            me
        );
        assert_eq!(
            filing_employee(&mut connection, &me_caller, Some(&me))
                .unwrap()
                .id,
            me
        );
        assert!(matches!(
            filing_employee(&mut connection, &me_caller, Some(&other)),
            Err(ServiceError::Forbidden(_))
        ));
        assert_eq!(
            filing_employee(&mut connection, &hr, Some(&other))
                .unwrap()
                .id,
            other
        );
        assert!(matches!(
            filing_employee(&mut connection, &hr, Some("no-such-id")),
            Err(ServiceError::FieldRefused { field, .. }) if field == "employee_id"
        ));
        let bare = caller(&user(&mut connection, "hr"), &[Role::Hr]);
        assert!(matches!(
            filing_employee(&mut connection, &bare, None),
            Err(ServiceError::FieldRefused { .. })
        ));
    }
);

fn partner(connection: &mut DbConnection, name: &str) -> String {
    let now = test_moment().stored();
    let partner = Partner {
        id: new_id(),
        partner_type: "insurer".into(),
        name: name.into(),
        region: "上海".into(),
        split_company_part: None,
        split_franchisee_part: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    partners::insert_partner(connection, &actor(), &partner).unwrap();
    partner.id
}

fn credential(connection: &mut DbConnection, partner_id: &str) -> Credential {
    let credential = Credential {
        client_id: new_id(),
        partner_id: partner_id.to_owned(),
        secret_hash: String::new(),
        created_at: test_moment().stored(),
        revoked_at: None,
    };
    partners::insert_credential(connection, &actor(), &credential).unwrap();
    credential
}

both_backends!(
    a_partner_sees_itself_only_and_a_revoked_credential_nothing,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let ours = partner(&mut connection, "平安");
        let theirs = partner(&mut connection, "人保");
        let client = credential(&mut connection, &ours);
        let token = caller(&client.client_id, &[Role::Partner]);

        assert_eq!(
            partner_scope(&mut connection, &token).unwrap(),
            Some(ours.clone())
        );
        assert_eq!(
            visible_partner(&mut connection, &token, &ours).unwrap().id,
            ours
        );
        // Another partner's record does not exist for this token.
        assert!(is_not_found(visible_partner(
            &mut connection,
            &token,
            &theirs
        )));
        // Staff see every partner.
        let finance = caller(&user(&mut connection, "finance"), &[Role::Finance]);
        assert_eq!(partner_scope(&mut connection, &finance).unwrap(), None);
        assert_eq!(
            visible_partner(&mut connection, &finance, &theirs)
                .unwrap()
                .id,
            theirs
        );

        partners::revoke_credential(&mut connection, &actor(), &client, test_moment().stored())
            .unwrap();
        assert!(matches!(
            partner_scope(&mut connection, &token),
            Err(ServiceError::Unauthorized(_))
        ));
    }
);
