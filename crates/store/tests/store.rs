//! Store behaviour on both backends: migrations, transactions with their audit rows,
//! optimistic locking, the pool.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking"
)]

use diesel::{QueryDsl, RunQueryDsl};
use zhidu_store::StoreError;
use zhidu_store::audit::{self, Actor};
use zhidu_store::both_backends;
use zhidu_store::customers::{self, CustomerChangeset};
use zhidu_store::db::{DbConnection, PoolSettings, open_pool, run_migrations, write_transaction};
use zhidu_store::schema::{audit_log, customers as customers_table};
use zhidu_store::testing::TestDatabase;
use zhidu_store::testing::fixtures::customer_row;

fn migrated(db: &TestDatabase) -> DbConnection {
    let mut connection = db.url.connect().unwrap();
    let applied = run_migrations(&mut connection).unwrap();
    assert!(!applied.is_empty());
    assert!(
        run_migrations(&mut connection).unwrap().is_empty(),
        "migrations are applied once"
    );
    connection
}

fn actor() -> Actor {
    Actor {
        subject: "tester".into(),
        request_id: Some("req-1".into()),
        at: zhidu_store::testing::test_moment(),
    }
}

fn count_customers(connection: &mut DbConnection) -> i64 {
    customers_table::table
        .count()
        .get_result(connection)
        .unwrap()
}

fn count_audit(connection: &mut DbConnection) -> i64 {
    audit_log::table.count().get_result(connection).unwrap()
}

both_backends!(
    a_failed_transaction_leaves_neither_change_nor_audit,
    |db: &TestDatabase| {
        let mut connection = migrated(db);
        let result: Result<(), StoreError> = write_transaction(&mut connection, |c| {
            customers::insert(c, &actor(), &customer_row("甲"))?;
            Err(StoreError::Conflict("refused after the write".into()))
        });
        assert!(matches!(result, Err(StoreError::Conflict(_))));
        assert_eq!(count_customers(&mut connection), 0);
        assert_eq!(count_audit(&mut connection), 0);

        write_transaction(&mut connection, |c| {
            customers::insert(c, &actor(), &customer_row("乙"))
        })
        .unwrap();
        assert_eq!(count_customers(&mut connection), 1);
        assert_eq!(count_audit(&mut connection), 1);
    }
);

both_backends!(
    a_stale_version_is_refused_and_the_trail_shows_before_and_after,
    |db: &TestDatabase| {
        let mut connection = migrated(db);
        let created = customer_row("丙");
        write_transaction(&mut connection, |c| {
            customers::insert(c, &actor(), &created)
        })
        .unwrap();
        let rename = CustomerChangeset {
            full_name: Some("丙公司".into()),
            ..CustomerChangeset::default()
        };
        let updated = write_transaction(&mut connection, |c| {
            customers::update(c, &actor(), &created.id, 1, &rename)
        })
        .unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.full_name, "丙公司");
        let stale = write_transaction(&mut connection, |c| {
            customers::update(c, &actor(), &created.id, 1, &rename)
        });
        assert!(matches!(stale, Err(StoreError::StaleVersion)));

        let trail = audit::for_entity(&mut connection, "customer", &created.id, None, 50).unwrap();
        let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["customer.create", "customer.update"]);
        let before: serde_json::Value =
            serde_json::from_str(trail[1].before_state.as_deref().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(trail[1].after_state.as_deref().unwrap()).unwrap();
        assert_eq!(before["full_name"], "丙");
        assert_eq!(after["full_name"], "丙公司");
        assert_eq!(trail[1].request_id.as_deref(), Some("req-1"));
    }
);

both_backends!(
    the_pool_applies_foreign_keys_and_answers_within_its_timeout,
    |db: &TestDatabase| {
        let pool = open_pool(
            &db.url,
            &PoolSettings {
                max_size: 1,
                acquire_timeout: std::time::Duration::from_millis(50),
            },
        )
        .unwrap();
        let mut held = pool.get().unwrap();
        run_migrations(&mut held).unwrap();
        assert!(
            pool.get().is_err(),
            "an exhausted pool gives up after its timeout"
        );
        let mut orphan = customer_row("丁");
        orphan.owner_id = Some("no-such-user".into());
        let refused = write_transaction(&mut held, |c| customers::insert(c, &actor(), &orphan));
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
    }
);
