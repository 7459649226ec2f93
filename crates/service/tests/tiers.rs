//! TIER-4 through the service, on both backends: closing a quarter keeps each customer's
//! result, an open quarter cannot be closed, and an override wins until the next close. The
//! tier routes and the quote check (TIER-5) both read a customer's standing through here.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::quarter::Quarter;
use zhidu_domain::tier::Tier;
use zhidu_domain::vip::VipPolicy;
use zhidu_service::ServiceError;
use zhidu_service::customers::find_customer;
use zhidu_service::policies::PolicyBook;
use zhidu_service::tiers::{close_quarter, current_standing, override_tier, standing};
use zhidu_store::customers;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, customer_row};
use zhidu_store::testing::{TestDatabase, test_moment};
use zhidu_store::tiers::{QuarterMetrics, put_quarter_metrics};
use zhidu_store::{StoreError, both_backends};

/// The quarter in progress at the suite's "now", and the one before it (closed by now).
fn open_and_last_quarter() -> (Quarter, Quarter) {
    let open = Quarter::containing(test_moment().today());
    let last = Quarter::containing(open.first_day().previous_day().unwrap());
    (open, last)
}

fn customer(connection: &mut DbConnection, name: &str) -> String {
    let row = customer_row(name);
    customers::insert(connection, &actor(), &row).unwrap();
    row.id
}

fn revenue(connection: &mut DbConnection, customer_id: &str, quarter: Quarter, fen: i64) {
    let metrics = QuarterMetrics {
        customer_id: customer_id.to_owned(),
        quarter: quarter.to_string(),
        revenue_fen: fen,
        payments_fen: 0,
        updated_at: test_moment().stored(),
    };
    put_quarter_metrics(connection, &actor(), &metrics).unwrap();
}

both_backends!(
    tier_4_a_closed_quarter_keeps_its_results_and_an_open_one_cannot_close,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let policy = PolicyBook::load(&mut connection).unwrap();
        let (open, q3) = open_and_last_quarter();
        let at_threshold = customer(&mut connection, "甲");
        let just_under = customer(&mut connection, "乙");
        // TIER-1: 5000.00 of quarterly revenue is tier A, 4999.99 is not (tier B from 3000.00).
        revenue(&mut connection, &at_threshold, q3, 500_000);
        revenue(&mut connection, &just_under, q3, 499_999);

        let refused = close_quarter(
            &mut connection,
            &actor(),
            open,
            &policy,
            &VipPolicy::default(),
        );
        assert!(matches!(
            refused,
            Err(ServiceError::Refused { rule: "TIER-4", .. })
        ));

        let (closed_now, run) = close_quarter(
            &mut connection,
            &actor(),
            q3,
            &policy,
            &VipPolicy::default(),
        )
        .unwrap();
        assert!(closed_now);
        assert_eq!(
            (
                run.customer_count,
                run.tier_a_count,
                run.tier_b_count,
                run.tier_c_count
            ),
            (2, 1, 1, 0)
        );
        // Closing again answers the first close and changes nothing.
        let (closed_again, again) = close_quarter(
            &mut connection,
            &actor(),
            q3,
            &policy,
            &VipPolicy::default(),
        )
        .unwrap();
        assert!(!closed_again);
        assert_eq!(again.closed_at, run.closed_at);

        // The kept result stands even if the metrics change afterwards.
        revenue(&mut connection, &just_under, q3, 900_000);
        let kept = find_customer(&mut connection, &just_under).unwrap();
        let read = standing(&mut connection, &kept, q3, &policy, test_moment()).unwrap();
        assert!(read.closed);
        assert_eq!(read.tier, Tier::B);
        assert!(read.reasons.iter().all(|reason| reason.tier == Tier::B));
    }
);

both_backends!(
    tier_4_an_override_wins_until_the_next_close,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let policy = PolicyBook::load(&mut connection).unwrap();
        let (_, q3) = open_and_last_quarter();
        let id = customer(&mut connection, "丙");
        revenue(&mut connection, &id, q3, 100_000);
        close_quarter(
            &mut connection,
            &actor(),
            q3,
            &policy,
            &VipPolicy::default(),
        )
        .unwrap();

        let shown = override_tier(
            &mut connection,
            &actor(),
            &id,
            Tier::A,
            "战略客户",
            &policy,
            &VipPolicy::default(),
        )
        .unwrap();
        assert_eq!((shown.tier, shown.evaluated_tier), (Tier::A, Tier::C));
        assert_eq!(shown.quarter, q3);
        // TIER-5: a tier-A customer without an account owner is flagged.
        assert!(shown.owner_gap);
        let overridden = shown.tier_override.unwrap();
        assert_eq!(
            (overridden.tier, overridden.reason.as_str()),
            (Tier::A, "战略客户")
        );

        let customer_row = find_customer(&mut connection, &id).unwrap();
        let current = current_standing(&mut connection, &customer_row, &policy, test_moment());
        assert_eq!(current.unwrap().tier, Tier::A);
        assert!(matches!(
            override_tier(
                &mut connection,
                &actor(),
                "no-such-customer",
                Tier::B,
                "x",
                &policy,
                &VipPolicy::default()
            ),
            Err(ServiceError::NotFound(_))
        ));
    }
);

both_backends!(
    an_unknown_stored_flag_is_corruption_not_a_lower_tier,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let policy = PolicyBook::load(&mut connection).unwrap();
        let (open, _) = open_and_last_quarter();
        let mut row = customer_row("丁");
        // A flag qualifies the customer for tier A; a flag this release does not know (a
        // newer release's, or a typo in a hand edit) must not silently drop it to C.
        row.flags = "provincial_brand newer_release_flag".into();
        customers::insert(&mut connection, &actor(), &row).unwrap();

        let read = standing(&mut connection, &row, open, &policy, test_moment());
        assert!(
            matches!(read, Err(ServiceError::Store(StoreError::Corrupt(ref detail))) if detail.contains("newer_release_flag")),
            "{read:?}"
        );

        row.flags = "provincial_brand".into();
        let known = standing(&mut connection, &row, open, &policy, test_moment()).unwrap();
        assert_eq!(known.tier, Tier::A);

        // The latest closed quarter decides which quarter is read when none is asked; one
        // that does not parse must not read as "never closed" (the quarter in progress).
        row.current_tier_quarter = Some("2026-Q5".into());
        let unread = current_standing(&mut connection, &row, &policy, test_moment());
        assert!(
            matches!(unread, Err(ServiceError::Store(StoreError::Corrupt(ref detail))) if detail.contains("Q5")),
            "{unread:?}"
        );
    }
);
