//! VIP-1 and VIP-3 through the service, on both backends: plans follow the tier in force, a
//! sync changes nothing the second time, and a customer that leaves and returns to tier A keeps
//! its ended plan and gets a new one.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use zhidu_domain::tier::Tier;
use zhidu_domain::vip::{VipPlanStatus, VipPolicy};
use zhidu_service::policies::PolicyBook;
use zhidu_service::tiers::override_tier;
use zhidu_service::vip::{list_plans, sync_plans};
use zhidu_store::both_backends;
use zhidu_store::customers;
use zhidu_store::db::{DbConnection, run_migrations};
use zhidu_store::testing::fixtures::{actor, customer_row};
use zhidu_store::testing::{TestDatabase, test_moment};

fn customer(connection: &mut DbConnection, name: &str) -> String {
    let row = customer_row(name);
    customers::insert(connection, &actor(), &row).unwrap();
    row.id
}

fn set_tier(connection: &mut DbConnection, id: &str, tier: Tier) {
    let policies = PolicyBook::load(connection).unwrap();
    override_tier(
        connection,
        &actor(),
        id,
        tier,
        "大客户调整",
        &policies,
        &VipPolicy::default(),
    )
    .unwrap();
}

both_backends!(
    vip_1_3_plans_follow_tier_a_and_keep_their_history,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let today = test_moment().today();
        let big = customer(&mut connection, "甲");
        let small = customer(&mut connection, "乙");
        set_tier(&mut connection, &small, Tier::B);
        set_tier(&mut connection, &big, Tier::A);
        let policy = VipPolicy::default();
        assert_eq!(
            sync_plans(&mut connection, &actor(), &policy, None).unwrap(),
            (0, 0),
            "the override already opened the plan; nothing else is tier A"
        );
        let open = list_plans(
            &mut connection,
            Some(VipPlanStatus::Open),
            None,
            today,
            None,
            10,
        )
        .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].listing.plan.customer_id, big);
        assert_eq!(open[0].listing.plan.started_on, today);

        set_tier(&mut connection, &big, Tier::C);
        set_tier(&mut connection, &big, Tier::A);
        let all = list_plans(&mut connection, None, None, today, None, 10).unwrap();
        let statuses: Vec<VipPlanStatus> = all.iter().map(|row| row.status).collect();
        assert_eq!(all.len(), 2, "the ended plan is kept");
        assert!(
            statuses.contains(&VipPlanStatus::Ended) && statuses.contains(&VipPlanStatus::Open)
        );
        let ended = all
            .iter()
            .find(|row| row.status == VipPlanStatus::Ended)
            .unwrap();
        assert_eq!(ended.listing.plan.ended_on, Some(today));
        assert_eq!(ended.next_due_on, None);
    }
);
