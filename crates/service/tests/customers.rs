//! Customers through the service, on both backends: the archive's references (an owner is a
//! staff account, a service area exists), quarterly metrics (TIER's inputs, replaced in place)
//! and referrals (a customer is referred once, never by itself).

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::BTreeSet;

use time::macros::date;
use zhidu_domain::customer::AreaType;
use zhidu_domain::money::Money;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::tier::TierFlag;
use zhidu_service::ServiceError;
use zhidu_service::customers::{self, CustomerFields};
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::{actor, customer, user};

mod support;
use support::refused_field;

both_backends!(
    a_customers_owner_and_service_area_must_exist,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let owner = user(&mut connection, "sales");
        let with = |owner_id: &str, area: Option<&str>| CustomerFields {
            owner_id: Some(Some(owner_id.to_owned())),
            service_area_id: Some(area.map(str::to_owned)),
            flags: Some(BTreeSet::from([TierFlag::ProvincialBrand])),
            ..CustomerFields::default()
        };
        let create = |connection: &mut _, fields| {
            customers::create_customer(connection, &actor(), " 恒信 ", AreaType::Rural, fields)
        };
        assert_eq!(
            refused_field(create(&mut connection, with("nobody", None))),
            "owner_id"
        );
        assert_eq!(
            refused_field(create(&mut connection, with(&owner, Some("no-area")))),
            "service_area_id"
        );
        let created = create(&mut connection, with(&owner, None)).unwrap();
        assert_eq!(created.full_name, "恒信");
        assert_eq!(customers::area_type_of(&created).unwrap(), AreaType::Rural);
        assert_eq!(
            customers::flags_from_text(&created.flags).unwrap(),
            BTreeSet::from([TierFlag::ProvincialBrand])
        );

        let unowned = customers::update_customer(
            &mut connection,
            &actor(),
            &created.id,
            created.version,
            CustomerFields {
                owner_id: Some(None),
                area_type: Some(AreaType::Urban),
                ..CustomerFields::default()
            },
        )
        .unwrap();
        assert_eq!(unowned.owner_id, None);
        assert_eq!(customers::area_type_of(&unowned).unwrap(), AreaType::Urban);
        let wrong_owner = customers::update_customer(
            &mut connection,
            &actor(),
            &created.id,
            unowned.version,
            CustomerFields {
                owner_id: Some(Some("nobody".into())),
                ..CustomerFields::default()
            },
        );
        assert_eq!(refused_field(wrong_owner), "owner_id");
        let missing = customers::update_customer(
            &mut connection,
            &actor(),
            "no-such-customer",
            1,
            CustomerFields::default(),
        );
        assert!(
            matches!(missing, Err(ServiceError::NotFound(_))),
            "{missing:?}"
        );
    }
);

both_backends!(
    quarter_metrics_are_replaced_in_place_and_a_customer_is_referred_once,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let referrer = customer(&mut connection);
        let referred = customer(&mut connection);
        let quarter: Quarter = "2026Q3".parse().unwrap();

        let absent = customers::quarter_metrics(&mut connection, &referrer, quarter);
        assert!(
            matches!(absent, Err(ServiceError::NotFound(_))),
            "{absent:?}"
        );
        let put = |connection: &mut _, revenue: i64| {
            customers::put_quarter_metrics(
                connection,
                &actor(),
                &referrer,
                quarter,
                Money::from_yuan(revenue),
                Money::from_yuan(100),
            )
            .unwrap()
        };
        assert!(put(&mut connection, 5000).0);
        let (created, metrics) = put(&mut connection, 6000);
        assert!(!created);
        assert_eq!(metrics.quarter, "2026Q3");
        let read = customers::quarter_metrics(&mut connection, &referrer, quarter).unwrap();
        assert_eq!(read.revenue_fen, Money::from_yuan(6000).fen());

        let refer = |connection: &mut _, from: &str, to: &str| {
            customers::record_referral(connection, &actor(), from, to, date!(2026 - 08 - 01))
        };
        assert_eq!(
            refused_field(refer(&mut connection, &referrer, &referrer)),
            "referred_customer_id"
        );
        assert_eq!(
            refused_field(refer(&mut connection, &referrer, "nobody")),
            "referred_customer_id"
        );
        let referral = refer(&mut connection, &referrer, &referred).unwrap();
        assert_eq!(referral.referrer_id, referrer);
        let again = refer(&mut connection, &referred, &referred);
        assert_eq!(refused_field(again), "referred_customer_id");
        let twice = refer(&mut connection, &referrer, &referred);
        assert!(matches!(twice, Err(ServiceError::Conflict(_))), "{twice:?}");
    }
);
