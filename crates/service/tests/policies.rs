//! Issue 18 through the service, on both backends: version 1 of each versioned area, as the
//! migration seeds it, holds exactly the defaults of docs/rules.md, in force on any day.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use time::macros::date;
use zhidu_domain::publication::PublicationPolicy;
use zhidu_domain::sla::SlaPolicy;
use zhidu_domain::tier::TierPolicy;
use zhidu_service::policies::PolicyBook;
use zhidu_store::both_backends;
use zhidu_store::db::run_migrations;
use zhidu_store::testing::TestDatabase;

both_backends!(
    the_seeded_versions_are_the_documented_defaults,
    |db: &TestDatabase| {
        let mut connection = db.url.connect().unwrap();
        run_migrations(&mut connection).unwrap();
        let book = PolicyBook::load(&mut connection).unwrap();
        for day in [
            date!(1970 - 01 - 01),
            date!(2026 - 12 - 31),
            date!(2099 - 12 - 31),
        ] {
            let tier = book.tier_on(day).unwrap();
            assert_eq!(tier.version, 1);
            assert_eq!(tier.values, TierPolicy::default());
            let sla = book.sla_on(day).unwrap();
            assert_eq!(sla.version, 1);
            assert_eq!(sla.values, SlaPolicy::default());
            let publication = book.publication_on(day).unwrap();
            assert_eq!(publication.version, 1);
            assert_eq!(publication.values, PublicationPolicy::default());
        }
    }
);
