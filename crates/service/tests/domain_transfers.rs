//! CARE-6 through the service, on both backends: a domain leaves the company's management only
//! with the proof document, the customer general manager's signature and customer service's
//! confirming call on record.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::Duration;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::domain_transfers::{
    ConfirmationCall, Evidence, Signature, approve_transfer, missing_of, record_evidence,
    request_transfer,
};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::customers;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, customer_row, user};
use zhidu_store::testing::{TestDatabase, test_moment};

/// A caller with a staff account holding `roles`.
fn with_roles(connection: &mut DbConnection, roles: Vec<Role>) -> Caller {
    let role_names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    Caller {
        actor: Actor {
            subject: user(connection, &role_names.join(",")),
            ..actor()
        },
        roles,
    }
}

both_backends!(
    care_6_approval_waits_for_all_three_requirements,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let row = customer_row("甲");
        customers::insert(&mut connection, &actor(), &row).unwrap();
        let sales = with_roles(&mut connection, vec![Role::Marketing]);
        let agent = with_roles(&mut connection, vec![Role::CsAgent]);
        let manager = with_roles(&mut connection, vec![Role::Manager]);

        let transfer = request_transfer(&mut connection, &sales, &row.id, " Example.CN ").unwrap();
        assert_eq!(transfer.domain_name, "example.cn");
        assert_eq!(missing_of(&transfer).len(), 3);

        let refused = approve_transfer(&mut connection, &manager, &transfer.id, 1);
        match refused {
            Err(ServiceError::Refused { rule, fields, .. }) => {
                assert_eq!(rule, "CARE-6");
                let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(
                    named,
                    [
                        "proof_document",
                        "general_manager_signature",
                        "confirmation_call"
                    ]
                );
            }
            other => panic!("expected a CARE-6 refusal, got {other:?}"),
        }

        let call = |minutes_from_now: i64| Evidence {
            call: Some(ConfirmationCall {
                called_at: test_moment().instant() + Duration::minutes(minutes_from_now),
                note: " 已确认 ".into(),
            }),
            ..Evidence::default()
        };
        // The call is customer service's to record, and not in the future.
        assert!(matches!(
            record_evidence(&mut connection, &sales, &transfer.id, 1, call(-5)),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            record_evidence(&mut connection, &agent, &transfer.id, 1, call(1)),
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "confirmation_call.called_at"
        ));
        let called = record_evidence(&mut connection, &agent, &transfer.id, 1, call(0)).unwrap();
        assert_eq!(called.call_note.as_deref(), Some("已确认"));
        let papers = Evidence {
            proof_document: Some("att-1".into()),
            signature: Some(Signature {
                signatory: "王总".into(),
                document: "att-2".into(),
            }),
            call: None,
        };
        // A stale version is refused; the current one records both papers.
        assert!(matches!(
            record_evidence(&mut connection, &sales, &transfer.id, 1, papers.clone()),
            Err(ServiceError::Stale(_))
        ));
        let complete = record_evidence(&mut connection, &sales, &transfer.id, 2, papers).unwrap();
        assert!(missing_of(&complete).is_empty());

        let approved = approve_transfer(&mut connection, &manager, &transfer.id, 3).unwrap();
        assert_eq!(approved.status, "approved");
        assert_eq!(approved.version, 4);
        // Approved is final.
        assert!(matches!(
            approve_transfer(&mut connection, &manager, &transfer.id, 4),
            Err(ServiceError::Conflict(_))
        ));
    }
);
