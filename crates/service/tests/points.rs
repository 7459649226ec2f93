//! SET-7 through the service, on both backends: the earning rate gates earning, an app order
//! earns once, and a cash redemption goes review → approval → transfer with its points taken
//! exactly once and given back, once, on a rejection.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_service::ServiceError;
use zhidu_service::access::Caller;
use zhidu_service::points::{
    Transfer, approve_redemption, customer_points, earn, earning_rate, record_transfer,
    request_redemption, review_redemption, set_rate,
};
use zhidu_store::audit::Actor;
use zhidu_store::both_backends;
use zhidu_store::db::{DbConnection, run_migrations, write_transaction};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer, user};

/// A caller with a staff account holding `roles`.
fn with_roles(connection: &mut DbConnection, roles: Vec<Role>) -> Caller {
    let role_names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    Caller {
        actor: Actor {
            subject: user(connection, &role_names.join(" ")),
            ..actor()
        },
        roles,
    }
}

fn connected(db: &TestDatabase) -> DbConnection {
    let mut connection = db.url.connect().unwrap();
    run_migrations(&mut connection).unwrap();
    connection
}

/// The ledger of `customer_id`, oldest first, as (kind, reference, points).
fn ledger(connection: &mut DbConnection, customer_id: &str) -> Vec<(String, String, i64)> {
    let mut entries: Vec<_> = customer_points(connection, customer_id)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.kind, e.reference, e.points))
        .collect();
    entries.reverse();
    entries
}

fn balance(connection: &mut DbConnection, customer_id: &str) -> i64 {
    customer_points(connection, customer_id).unwrap().balance
}

fn is_set_7(result: &Result<impl std::fmt::Debug, ServiceError>, detail_has: &str) -> bool {
    matches!(result, Err(ServiceError::Refused { rule: "SET-7", detail, .. }) if detail.contains(detail_has))
}

both_backends!(
    set_7_earning_waits_for_the_rate_and_counts_each_order_once,
    |db: &TestDatabase| {
        let mut connection = connected(db);
        let who = customer(&mut connection);

        // No rate yet: earning is refused, clearly, and nothing is credited.
        assert_eq!(earning_rate(&mut connection).unwrap(), None);
        let refused = earn(
            &mut connection,
            &actor(),
            &who,
            "A-1",
            Money::from_yuan(100),
        );
        assert!(is_set_7(&refused, "not configured"), "{refused:?}");
        assert_eq!(balance(&mut connection, &who), 0);

        // The first setting sends no version; every later one the current version.
        assert!(matches!(
            set_rate(&mut connection, &actor(), Money::from_yuan(10), Some(1)),
            Err(ServiceError::Stale(_))
        ));
        let first = set_rate(&mut connection, &actor(), Money::from_yuan(20), None).unwrap();
        assert_eq!(first.version, 1);
        assert!(matches!(
            set_rate(&mut connection, &actor(), Money::from_yuan(10), None),
            Err(ServiceError::Stale(_))
        ));
        let second = set_rate(&mut connection, &actor(), Money::from_yuan(10), Some(1)).unwrap();
        assert_eq!(second.version, 2);
        assert_eq!(earning_rate(&mut connection).unwrap(), Some(second));

        // One point per 10.00 spent, whole points only.
        let earned = earn(
            &mut connection,
            &actor(),
            &who,
            "A-1",
            Money::from_fen(19_999),
        )
        .unwrap();
        assert_eq!((earned.points_earned, earned.balance), (19, 19));
        let small = earn(&mut connection, &actor(), &who, "A-2", Money::from_fen(999)).unwrap();
        assert_eq!((small.points_earned, small.balance), (0, 19));

        // The same order again is a conflict; in the caller's transaction, as every write
        // runs, it changes nothing.
        let again = write_transaction(&mut connection, |connection| {
            earn(connection, &actor(), &who, "A-1", Money::from_yuan(500))
        });
        assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
        assert_eq!(balance(&mut connection, &who), 19);
        assert_eq!(
            ledger(&mut connection, &who),
            [
                ("earned".into(), "app-order:A-1".into(), 19),
                ("earned".into(), "app-order:A-2".into(), 0),
            ]
        );

        // An unknown customer is a refusal of the field naming it; reading one is not found.
        assert!(matches!(
            earn(&mut connection, &actor(), "nobody", "A-3", Money::from_yuan(10)),
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "customer_id"
        ));
        assert!(matches!(
            customer_points(&mut connection, "nobody"),
            Err(ServiceError::NotFound(_))
        ));
    }
);

both_backends!(
    set_7_a_redemption_goes_review_approval_transfer_and_takes_its_points_once,
    |db: &TestDatabase| {
        let mut connection = connected(db);
        let who = customer(&mut connection);
        set_rate(&mut connection, &actor(), Money::from_yuan(10), None).unwrap();
        earn(
            &mut connection,
            &actor(),
            &who,
            "A-1",
            Money::from_yuan(250),
        )
        .unwrap();
        assert_eq!(balance(&mut connection, &who), 25);

        // The balance must cover the points: 26 of 25 is refused and takes nothing.
        let short = request_redemption(&mut connection, &actor(), &who, 26, "user@example.com");
        assert!(is_set_7(&short, "does not cover 26 points"), "{short:?}");
        assert_eq!(balance(&mut connection, &who), 25);
        assert!(matches!(
            request_redemption(&mut connection, &actor(), "nobody", 1, "user@example.com"),
            Err(ServiceError::FieldRefused { ref field, .. }) if field == "customer_id"
        ));

        // All 25 leave the balance at once; nothing is left for another request.
        let requested =
            request_redemption(&mut connection, &actor(), &who, 25, " user@example.com ").unwrap();
        assert_eq!(requested.status, "pending_review");
        assert_eq!(requested.alipay_account, "user@example.com");
        assert_eq!(requested.version, 1);
        assert_eq!(balance(&mut connection, &who), 0);
        let empty = request_redemption(&mut connection, &actor(), &who, 1, "user@example.com");
        assert!(is_set_7(&empty, "does not cover 1 points"), "{empty:?}");

        let finance = with_roles(&mut connection, vec![Role::Finance]);
        let general_manager = with_roles(&mut connection, vec![Role::GeneralManager]);
        let manager = with_roles(&mut connection, vec![Role::Manager]);
        let id = requested.id.as_str();

        // Out of order: no approval or transfer before the review.
        assert!(matches!(
            approve_redemption(&mut connection, &manager, id, 1, true),
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            record_transfer(&mut connection, &finance, id, 1, transfer(" ")),
            Err(ServiceError::Conflict(_))
        ));
        // Only the finance desk reviews; the version must be the one read.
        assert!(matches!(
            review_redemption(&mut connection, &manager, id, 1, true),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            review_redemption(&mut connection, &general_manager, id, 2, true),
            Err(ServiceError::Stale(_))
        ));
        assert!(matches!(
            review_redemption(&mut connection, &general_manager, "missing", 1, true),
            Err(ServiceError::NotFound(_))
        ));
        let reviewed = review_redemption(&mut connection, &general_manager, id, 1, true).unwrap();
        assert_eq!(reviewed.status, "pending_approval");
        assert_eq!(
            reviewed.reviewed_by.as_deref(),
            Some(general_manager.actor.subject.as_str())
        );
        assert_eq!(reviewed.version, 2);
        // Reviewed once only.
        assert!(matches!(
            review_redemption(&mut connection, &finance, id, 2, true),
            Err(ServiceError::Conflict(_))
        ));

        // A leader approves, but not the one who reviewed; finance is no leader.
        assert!(matches!(
            approve_redemption(&mut connection, &finance, id, 2, true),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            approve_redemption(&mut connection, &general_manager, id, 2, true),
            Err(ServiceError::Forbidden(ref detail)) if detail.contains("finance reviewer")
        ));
        let approved = approve_redemption(&mut connection, &manager, id, 2, true).unwrap();
        assert_eq!(approved.status, "approved");
        assert_eq!(
            approved.approved_by.as_deref(),
            Some(manager.actor.subject.as_str())
        );
        assert_eq!(approved.version, 3);

        // Finance records the transfer with its reference, once.
        assert!(matches!(
            record_transfer(&mut connection, &manager, id, 3, transfer("TX-1")),
            Err(ServiceError::Forbidden(_))
        ));
        let transferred =
            record_transfer(&mut connection, &finance, id, 3, transfer(" TX-1 ")).unwrap();
        assert_eq!(transferred.status, "transferred");
        assert_eq!(transferred.transfer_reference.as_deref(), Some("TX-1"));
        assert_eq!(transferred.transferred_fen, Some(2_500));
        assert_eq!(transferred.version, 4);
        assert!(matches!(
            record_transfer(&mut connection, &finance, id, 4, transfer("TX-2")),
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            review_redemption(&mut connection, &finance, id, 4, false),
            Err(ServiceError::Conflict(_))
        ));

        // The points left once and never came back.
        assert_eq!(balance(&mut connection, &who), 0);
        assert_eq!(
            ledger(&mut connection, &who),
            [
                ("earned".into(), "app-order:A-1".into(), 25),
                ("redeemed".into(), requested.id.clone(), -25),
            ]
        );
    }
);

both_backends!(
    set_7_a_rejected_redemption_gives_its_points_back_once,
    |db: &TestDatabase| {
        let mut connection = connected(db);
        let who = customer(&mut connection);
        set_rate(&mut connection, &actor(), Money::from_yuan(10), None).unwrap();
        earn(
            &mut connection,
            &actor(),
            &who,
            "A-1",
            Money::from_yuan(100),
        )
        .unwrap();
        let finance = with_roles(&mut connection, vec![Role::Finance]);
        let manager = with_roles(&mut connection, vec![Role::Manager]);

        // Rejected at review.
        let first =
            request_redemption(&mut connection, &actor(), &who, 4, "a@example.com").unwrap();
        assert_eq!(balance(&mut connection, &who), 6);
        let rejected = review_redemption(&mut connection, &finance, &first.id, 1, false).unwrap();
        assert_eq!(rejected.status, "rejected");
        assert_eq!(rejected.version, 2);
        assert_eq!(balance(&mut connection, &who), 10);
        // Rejected is final: no second review, no approval, no second return.
        assert!(matches!(
            review_redemption(&mut connection, &finance, &first.id, 2, false),
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            approve_redemption(&mut connection, &manager, &first.id, 2, true),
            Err(ServiceError::Conflict(_))
        ));
        assert_eq!(balance(&mut connection, &who), 10);

        // Rejected at approval.
        let second =
            request_redemption(&mut connection, &actor(), &who, 7, "b@example.com").unwrap();
        assert_eq!(balance(&mut connection, &who), 3);
        review_redemption(&mut connection, &finance, &second.id, 1, true).unwrap();
        assert_eq!(balance(&mut connection, &who), 3);
        let refused = approve_redemption(&mut connection, &manager, &second.id, 2, false).unwrap();
        assert_eq!(refused.status, "rejected");
        assert_eq!(
            refused.approved_by.as_deref(),
            Some(manager.actor.subject.as_str())
        );
        assert!(matches!(
            record_transfer(&mut connection, &finance, &second.id, 3, transfer("TX-1")),
            Err(ServiceError::Conflict(_))
        ));
        assert_eq!(balance(&mut connection, &who), 10);

        assert_eq!(
            ledger(&mut connection, &who),
            [
                ("earned".into(), "app-order:A-1".into(), 10),
                ("redeemed".into(), first.id.clone(), -4),
                ("returned".into(), first.id.clone(), 4),
                ("redeemed".into(), second.id.clone(), -7),
                ("returned".into(), second.id.clone(), 7),
            ]
        );
    }
);

fn transfer(reference: &str) -> Transfer {
    Transfer {
        transaction_reference: reference.into(),
        amount: Money::from_yuan(25),
    }
}
